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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData, UploadFile

from rota_solver import InvalidScenario, ScenarioProblem, parse_scenario

from ... import storage
from ...deps import SchoolSlug, SessionDep
from ...errors import NotFound
from ..accounts import SignedIn
from ..auth import CsrfChecked, SchoolEditor
from ..forms import (
    Block,
    Field,
    FormInput,
    Row,
    as_dict,
    as_list,
    assign,
    dotted,
    targets_of,
    yaml_data,
)
from ..i18n import Translator
from ..scenario_edit import Working, as_data, discard_draft, problems_of, save_working
from ..templating import locale_of, render
from .setup_data import (
    BY_SLUG,
    Section,
    current,
    has_pins,
    page_of_problem,
    remember_draft,
    remember_version,
    section_of,
    sections,
    setup_url,
    statuses,
)
from .setup_grids import hours, read_hours, read_timetable, term_days, timetable
from .setup_lists import Col, Options, Page, build_part, fields_of, read_col, read_parts
from .setup_sections import parse_dates, parts, show_dates

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)
MAX_TODO = 40
"""Problems of other pages listed at most (and how many more there are)."""
STYLES = "/app/static/setup.css"


async def posted_form(request: Request) -> FormData:
    """The form as posted (already read by the CSRF check: read once)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(posted_form)]


@dataclass
class Outcome:
    """What a post did, for the page shown after it."""

    data: dict[str, Any]
    problems: list[ScenarioProblem]
    notice: str = ""
    notice_kind: str = "success"
    saved: bool = False
    is_draft: bool = False


def _page(who: SignedIn, request: Request, school: str, data: dict[str, Any]) -> Page:
    lang = locale_of(request, who)
    return Page(Translator(lang), lang, school, Options.of(data))


def _todo(school: str, data: dict[str, Any], problems: Sequence[ScenarioProblem]) -> tuple[list[Any], int]:
    """Other pages' problems as (href, section title key, text), at most MAX_TODO."""
    items = []
    for problem in problems[:MAX_TODO]:
        section = section_of(problem.path)
        title = section.title_key if section else "setup.index.title"
        items.append((page_of_problem(school, data, problem.path), title, str(problem)))
    return items, max(0, len(problems) - MAX_TODO)


def _summary(blocks: Sequence[Block], extra: Sequence[Field | Row | Block] = ()) -> list[tuple[str, str]]:
    """(#id, words) of every problem shown on the page, for the list at its top."""
    found: list[tuple[str, str]] = []
    for block in [*blocks, *extra]:
        if isinstance(block, Block):
            found += [(f"#{block.id}", e) for e in block.errors]
            items: list[Field | Row] = [*block.fields, *block.rows]
        else:
            items = [block]
        for item in items:
            if isinstance(item, Row):
                found += [(f"#{item.id}", e) for e in item.errors]
                found += [(f"#{f.id}", f"{f.label}: {e}") for f in item.fields for e in f.errors]
            else:
                found += [(f"#{item.id}", f"{item.label}: {e}") for e in item.errors]
    return found


def _save(
    session: SessionDep,
    school: str,
    who: SignedIn,
    working: Working,
    data: dict[str, Any],
    form: FormInput,
    t: Translator,
) -> Outcome:
    """Save ``data`` unless the form itself was refused; what came of it."""
    if form.problems:
        return Outcome(data, form.problems, t("setup.not_saved"), "notice", is_draft=working.is_draft)
    if data == working.data:
        return Outcome(data, working.problems, t("setup.unchanged"), "notice", is_draft=working.is_draft)
    saved = save_working(session, school, data, who.account.username)
    if saved.version is not None:
        remember_version(saved.version.text, data)
        return Outcome(data, [], t("setup.saved_version", n=saved.version.number), saved=True)
    remember_draft(data, saved.problems)
    return Outcome(data, saved.problems, t("setup.saved_draft"), "notice", is_draft=True)


def _status(outcome: Outcome | None, here: Sequence[str]) -> int:
    """422 when the page shows a problem of its own after a post, else 200."""
    if outcome is None:
        return 200
    own = [p for p in outcome.problems if any(_under(dotted(p.path), prefix) for prefix in here)]
    return 422 if own else 200


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def _neighbours(slug: str) -> tuple[Section | None, Section | None]:
    listed = sections()
    index = next((i for i, s in enumerate(listed) if s.slug == slug), -1)
    before = listed[index - 1] if index > 0 else None
    after = listed[index + 1] if 0 <= index < len(listed) - 1 else None
    return before, after


def _frame(working: Working, outcome: Outcome | None) -> dict[str, Any]:
    """What every set-up page says about the scenario: its version, whether a draft is open."""
    return {
        "latest": working.latest,
        "is_draft": outcome.is_draft if outcome else working.is_draft,
        "notice": outcome.notice if outcome else "",
        "notice_kind": outcome.notice_kind if outcome else "",
        "styles": STYLES,
        "nav": sections(),
    }


# --- the index, the YAML file ------------------------------------------------------------------


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
    todo, more = _todo(school, data, problems)
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
        **_frame(working, outcome),
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


# --- a class's timetable -----------------------------------------------------------------------


def _index_of(data: dict[str, Any], key: str, item_id: str) -> int:
    for i, item in enumerate(as_list(data.get(key))):
        if as_dict(item).get("id") == item_id:
            return i
    raise NotFound(f"{key} {item_id}")


_SUBJECTS = Col("library_may_take", "setup.f.library_may_take", "words", model="SchoolClass", split="commas")


@router.get("/setup/classes/{class_id}")
def class_page(
    request: Request, school: SchoolSlug, class_id: str, session: SessionDep, who: SchoolEditor
) -> Response:
    working = current(session, school)
    return _class(request, school, who, working, _index_of(working.data, "classes", class_id), None)


@router.post("/setup/classes/{class_id}", dependencies=[CsrfChecked])
def class_post(
    request: Request,
    school: SchoolSlug,
    class_id: str,
    session: SessionDep,
    who: SchoolEditor,
    form: PostedForm,
) -> Response:
    working = current(session, school)
    index = _index_of(working.data, "classes", class_id)
    page = _page(who, request, school, working.data)
    posted = FormInput(form)
    data = copy.deepcopy(working.data)
    school_class = data["classes"][index]
    busy = read_timetable(posted, working.data, index)
    if busy:
        school_class["busy"] = busy
    else:
        school_class.pop("busy", None)
    read_col(posted, f"classes.{index}", school_class, _SUBJECTS, page)
    outcome = _save(session, school, who, working, data, posted, page.t)
    return _class(request, school, who, working, index, outcome)


def _class(
    request: Request, school: str, who: SignedIn, working: Working, index: int, outcome: Outcome | None
) -> Response:
    data = outcome.data if outcome else working.data
    problems = outcome.problems if outcome else working.problems
    page = _page(who, request, school, data)
    t = page.t
    item = as_dict(data["classes"][index])
    grid = timetable(data, index, t)
    prefix = f"classes.{index}"
    grid_block = Block("grid", f"{prefix}.busy", t("setup.classes.grid"))
    subjects = Block(
        "fields", prefix, t("setup.classes.subjects"), fields=_fields_of(_SUBJECTS, prefix, item, page)
    )
    targets: dict[str, Any] = {**targets_of([subjects]), **grid.targets, grid_block.anchor: grid_block}
    top, elsewhere = assign(problems, targets, [prefix])
    todo, more = _todo(school, data, elsewhere)
    summary = _summary([grid_block, subjects], [*(c.busy for c in grid.cells.values()), *grid.others])
    ids = [as_dict(c).get("id") for c in as_list(data.get("classes"))]
    before, after = (
        (ids[index - 1] if index > 0 else None),
        (ids[index + 1] if index + 1 < len(ids) else None),
    )
    return render(
        request,
        "setup/class.html",
        who,
        _status(outcome, [prefix]),
        school=school,
        action=request.url.path,
        item=item,
        grid=grid,
        grid_block=grid_block,
        subjects=subjects,
        top=top,
        todo=todo,
        more=more,
        summary=summary,
        before=_class_link(school, before),
        after=_class_link(school, after),
        **_frame(working, outcome),
    )


def _class_link(school: str, class_id: Any) -> tuple[str, str] | None:
    if not isinstance(class_id, str) or not class_id:
        return None
    return setup_url(school, f"classes/{quote(class_id, safe='')}"), class_id


def _fields_of(col: Col, prefix: str, item: dict[str, Any], page: Page) -> list[Field]:
    return fields_of(col, prefix, item, page, None)


# --- a person's hours --------------------------------------------------------------------------


_PEOPLE = {"staff": "staff", "teacher-groups": "teacher_groups"}
_DAYS_OFF = Col(
    "days_off", "setup.f.days_off", "lines", model="StaffMember", show=show_dates, parse=parse_dates
)


@router.get("/setup/staff/{member}")
def staff_hours(
    request: Request, school: SchoolSlug, member: str, session: SessionDep, who: SchoolEditor
) -> Response:
    working = current(session, school)
    return _hours(request, school, who, working, "staff", _index_of(working.data, "staff", member), None)


@router.post("/setup/staff/{member}", dependencies=[CsrfChecked])
def staff_hours_post(
    request: Request,
    school: SchoolSlug,
    member: str,
    session: SessionDep,
    who: SchoolEditor,
    form: PostedForm,
) -> Response:
    return _hours_post(request, school, member, session, who, form, "staff")


@router.get("/setup/teacher-groups/{member}")
def group_hours(
    request: Request, school: SchoolSlug, member: str, session: SessionDep, who: SchoolEditor
) -> Response:
    working = current(session, school)
    index = _index_of(working.data, "teacher_groups", member)
    return _hours(request, school, who, working, "teacher-groups", index, None)


@router.post("/setup/teacher-groups/{member}", dependencies=[CsrfChecked])
def group_hours_post(
    request: Request,
    school: SchoolSlug,
    member: str,
    session: SessionDep,
    who: SchoolEditor,
    form: PostedForm,
) -> Response:
    return _hours_post(request, school, member, session, who, form, "teacher-groups")


def _hours_post(
    request: Request, school: str, member: str, session: SessionDep, who: SignedIn, form: FormData, slug: str
) -> Response:
    key = _PEOPLE[slug]
    working = current(session, school)
    index = _index_of(working.data, key, member)
    page = _page(who, request, school, working.data)
    posted = FormInput(form)
    grid = hours(working.data, key, index, page.t)
    data = copy.deepcopy(working.data)
    person = data[key][index]
    availability = read_hours(posted, working.data, key, index, grid)
    if availability is None:
        person.pop("availability", None)
    else:
        person["availability"] = availability
    if key == "staff":
        read_col(posted, f"staff.{index}", person, _DAYS_OFF, page)
    outcome = _save(session, school, who, working, data, posted, page.t)
    return _hours(request, school, who, working, slug, index, outcome)


def _hours(
    request: Request,
    school: str,
    who: SignedIn,
    working: Working,
    slug: str,
    index: int,
    outcome: Outcome | None,
) -> Response:
    key = _PEOPLE[slug]
    data = outcome.data if outcome else working.data
    problems = outcome.problems if outcome else working.problems
    page = _page(who, request, school, data)
    person = as_dict(data[key][index])
    grid = hours(data, key, index, page.t)
    prefix = f"{key}.{index}"
    days_off = Block(
        "fields",
        prefix,
        page.t("setup.hours.days_off"),
        fields=_fields_of(_DAYS_OFF, prefix, person, page) if key == "staff" else [],
    )
    targets: dict[str, Any] = {**targets_of([days_off]), grid.block.anchor: grid.block}
    top, elsewhere = assign(problems, targets, [prefix])
    todo, more = _todo(school, data, elsewhere)
    return render(
        request,
        "setup/hours.html",
        who,
        _status(outcome, [prefix]),
        school=school,
        action=request.url.path,
        section=BY_SLUG[slug],
        person=person,
        grid=grid,
        days_off=days_off,
        top=top,
        todo=todo,
        more=more,
        summary=_summary([grid.block, days_off]),
        **_frame(working, outcome),
    )


# --- the sections ------------------------------------------------------------------------------


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
    page = _page(who, request, school, working.data)
    posted = FormInput(form)
    data = copy.deepcopy(working.data)
    read_parts(parts(slug), posted, data, page)
    outcome = _save(session, school, who, working, data, posted, page.t)
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
    page = _page(who, request, school, data)
    page_number = max(1, min(page_number, 100_000))
    blocks = [build_part(part, data, page, page_number) for part in parts(section.slug)]
    top, elsewhere = assign(problems, targets_of(blocks), list(section.keys))
    todo, more = _todo(school, data, elsewhere)
    before, after = _neighbours(section.slug)
    return render(
        request,
        "setup/section.html",
        who,
        _status(outcome, list(section.keys)),
        school=school,
        section=section,
        blocks=blocks,
        top=top,
        todo=todo,
        more=more,
        summary=_summary(blocks),
        page_number=page_number,
        before=before,
        after=after,
        calendar=term_days(data) if section.slug == "term" else None,
        action=setup_url(school, section.slug),
        **_frame(working, outcome),
    )
