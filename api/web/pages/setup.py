"""School set-up without YAML: a page per section of the scenario (school, term, periods, ...), a
class's timetable and a person's hours as grids, and the scenario as a YAML file to download or
upload.

Every post builds the whole scenario dict from the working scenario and the form, and saves it
(:func:`api.web.scenario_edit.save_working`): valid, it is the next scenario version; not, it is
kept as the school's draft, and the page comes back as typed with each problem, in the words of
``rota validate``, next to its input, and the problems of other sections listed with their pages.
"""

from __future__ import annotations

import copy
from typing import Any

import yaml
from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from rota_solver import InvalidScenario, ScenarioProblem, parse_scenario

from ... import storage
from ...deps import SchoolSlug, SessionDep
from ...errors import NotFound
from ..accounts import SignedIn
from ..auth import CsrfChecked, SchoolEditor
from ..forms import (
    FormInput,
    assign,
    targets_of,
    yaml_data,
)
from ..i18n import Translator
from ..scenario_edit import (
    Working,
    as_data,
    discard_draft,
    problems_of,
    remember_version,
    save_working,
)
from ..templating import locale_of, render
from . import setup_people
from .setup_data import (
    BY_SLUG,
    Section,
    current,
    has_pins,
    sections,
    setup_url,
    statuses,
)
from .setup_grids import term_days
from .setup_lists import build_part, read_parts
from .setup_render import Outcome, PostedForm, frame, page_of, problem_links, save, status, todo_items
from .setup_sections import parts

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)
"""The set-up pages; a class's and a person's pages are :mod:`.setup_people`'s, included here."""
router.include_router(setup_people.router)


def _neighbours(slug: str) -> tuple[Section | None, Section | None]:
    listed = sections()
    index = next((i for i, s in enumerate(listed) if s.slug == slug), -1)
    before = listed[index - 1] if index > 0 else None
    after = listed[index + 1] if 0 <= index < len(listed) - 1 else None
    return before, after


@router.get("/setup/")
def setup_index(request: Request, school: SchoolSlug, session: SessionDep, who: SchoolEditor) -> Response:
    return _index(request, session, school, who, current(session, school))


def _index(
    request: Request,
    session: SessionDep,
    school: str,
    who: SignedIn,
    working: Working,
    status_code: int = 200,
    outcome: Outcome | None = None,
    upload: dict[str, Any] | None = None,
) -> Response:
    data = outcome.data if outcome else working.data
    problems = outcome.problems if outcome else working.problems
    todo, more = todo_items(school, data, problems)
    return render(
        request,
        "setup/index.html",
        who,
        status_code,
        school=school,
        statuses=statuses(data, problems),
        todo=todo,
        more=more,
        upload=upload or {"problems": [], "text": "", "filename": ""},
        **frame(working, outcome),
    )


@router.get("/scenario.yaml")
def download_yaml(school: SchoolSlug, session: SessionDep, who: SchoolEditor) -> Response:
    """The working scenario as a YAML file: the version's own text (comments and all) when there is
    no draft, else the draft written out (``rota validate`` lists what it still lacks)."""
    working = current(session, school)
    latest = working.latest
    if not working.is_draft and latest is not None and latest.format == "yaml":
        text = latest.text
    else:
        text = yaml.safe_dump(working.data, allow_unicode=True, sort_keys=False)
        if working.is_draft:
            text = "# Draft: not a valid scenario yet; `rota validate` lists what it still lacks.\n" + text
    name = f"{school}-draft.yaml" if working.is_draft else f"{school}.yaml"
    return Response(
        text.encode("utf-8"),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.post("/setup/upload", dependencies=[CsrfChecked])
def upload_yaml(
    request: Request, school: SchoolSlug, session: SessionDep, who: SchoolEditor, form: PostedForm
) -> Response:
    """A scenario file (chosen, or pasted): valid, the next version; not, nothing is saved as a
    version, the problems are listed with their lines, and what the file holds is kept as the draft
    (when it is a mapping at all) to be fixed through the pages."""
    t = Translator(locale_of(request, who))
    working = current(session, school)
    chosen, pasted = form.get("file"), form.get("text")
    filename, text = "", ""
    if isinstance(chosen, UploadFile) and chosen.filename:
        filename = chosen.filename[:200]
        try:
            text = chosen.file.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            problem = ScenarioProblem("", "the file is not UTF-8 text")
            return _upload_refused(request, session, school, who, working, [problem], "", filename, t)
    elif isinstance(pasted, str) and pasted.strip():
        text = pasted
    else:
        problem = ScenarioProblem("", t("setup.upload.nothing"))
        return _upload_refused(request, session, school, who, working, [problem], "", "", t)
    try:
        remember_version(text, as_data(parse_scenario(text)))
        version = storage.save_scenario(
            session, school, text, "json" if text.lstrip().startswith("{") else "yaml", who.account.username
        )
    except InvalidScenario as exc:
        data = yaml_data(text)
        kept = False
        if data is not None and problems_of(data):
            save_working(session, school, data, who.account.username)
            kept = True
        notice = t("setup.upload.kept_as_draft") if kept else t("setup.upload.not_saved")
        return _upload_refused(
            request,
            session,
            school,
            who,
            current(session, school),
            list(exc.problems),
            text if not filename else "",
            filename,
            t,
            notice,
        )
    discard_draft(session, school)
    now = current(session, school)
    outcome = Outcome(now.data, [], t("setup.saved_version", n=version.number), saved=True)
    return _index(request, session, school, who, now, 200, outcome)


def _upload_refused(
    request: Request,
    session: SessionDep,
    school: str,
    who: SignedIn,
    working: Working,
    problems: list[ScenarioProblem],
    text: str,
    filename: str,
    t: Translator,
    notice: str = "",
) -> Response:
    outcome = Outcome(
        working.data,
        working.problems,
        notice or t("setup.upload.not_saved"),
        "notice",
        is_draft=working.is_draft,
    )
    upload = {"problems": [str(p) for p in problems], "text": text, "filename": filename}
    return _index(request, session, school, who, working, 422, outcome, upload)


@router.post("/setup/discard-draft", dependencies=[CsrfChecked])
def discard(request: Request, school: SchoolSlug, session: SessionDep, who: SchoolEditor) -> Response:
    t = Translator(locale_of(request, who))
    discard_draft(session, school)
    working = current(session, school)
    outcome = Outcome(working.data, working.problems, t("setup.draft_discarded"), is_draft=working.is_draft)
    return _index(request, session, school, who, working, 200, outcome)


def _section(slug: str) -> Section:
    section = BY_SLUG.get(slug)
    if section is None or (slug == "pins" and not has_pins()):
        raise NotFound(f"set-up page {slug}")
    return section


@router.get("/setup/{slug}")
def section_page(
    request: Request, school: SchoolSlug, slug: str, session: SessionDep, who: SchoolEditor, page: str = "1"
) -> Response:
    section = _section(slug)
    number = int(page) if page.isdigit() and len(page) < 7 else 1
    return _section_view(request, school, who, current(session, school), section, None, number)


@router.post("/setup/{slug}", dependencies=[CsrfChecked])
def section_post(
    request: Request, school: SchoolSlug, slug: str, session: SessionDep, who: SchoolEditor, form: PostedForm
) -> Response:
    section = _section(slug)
    working = current(session, school)
    page = page_of(who, request, school, working.data)
    posted = FormInput(form)
    data = copy.deepcopy(working.data)
    read_parts(parts(slug), posted, data, page)
    outcome = save(session, school, who, working, data, posted, page.t)
    number = posted.text("_page")
    return _section_view(
        request, school, who, working, section, outcome, int(number) if number.isdigit() else 1
    )


def _section_view(
    request: Request,
    school: str,
    who: SignedIn,
    working: Working,
    section: Section,
    outcome: Outcome | None,
    page_number: int,
) -> Response:
    data = outcome.data if outcome else working.data
    problems = outcome.problems if outcome else working.problems
    page = page_of(who, request, school, data)
    page_number = max(1, min(page_number, 100_000))
    blocks = [build_part(part, data, page, page_number) for part in parts(section.slug)]
    top, elsewhere = assign(problems, targets_of(blocks), list(section.keys))
    todo, more = todo_items(school, data, elsewhere)
    before, after = _neighbours(section.slug)
    return render(
        request,
        "setup/section.html",
        who,
        status(outcome, list(section.keys)),
        school=school,
        section=section,
        blocks=blocks,
        top=top,
        todo=todo,
        more=more,
        summary=problem_links(blocks),
        page_number=page_number,
        before=before,
        after=after,
        calendar=term_days(data) if section.slug == "term" else None,
        action=setup_url(school, section.slug),
        **frame(working, outcome),
    )
