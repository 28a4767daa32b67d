"""What the set-up pages share: reading a post, saving it, and the parts of every page (the
problems at the top, the "still to do" list of other pages, the draft notice)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.datastructures import FormData

from rota_solver import ScenarioProblem

from ...deps import SessionDep
from ...errors import NotFound
from ..accounts import SignedIn
from ..forms import (
    Block,
    Field,
    FormInput,
    Row,
    as_dict,
    as_list,
    dotted,
)
from ..i18n import Translator
from ..scenario_edit import Working, remember_draft, remember_version, save_working
from ..templating import locale_of
from .setup_data import (
    page_of_problem,
    section_of,
    sections,
)
from .setup_lists import Col, Options, Page, fields_of

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


def page_of(who: SignedIn, request: Request, school: str, data: dict[str, Any]) -> Page:
    lang = locale_of(request, who)
    return Page(Translator(lang), lang, school, Options.of(data))


def todo_items(
    school: str, data: dict[str, Any], problems: Sequence[ScenarioProblem]
) -> tuple[list[Any], int]:
    """Other pages' problems as (href, section title key, text), at most MAX_TODO."""
    items = []
    for problem in problems[:MAX_TODO]:
        section = section_of(problem.path)
        title = section.title_key if section else "setup.index.title"
        items.append((page_of_problem(school, data, problem.path), title, str(problem)))
    return items, max(0, len(problems) - MAX_TODO)


def problem_links(
    blocks: Sequence[Block], extra: Sequence[Field | Row | Block] = ()
) -> list[tuple[str, str]]:
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


def save(
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


def status(outcome: Outcome | None, here: Sequence[str]) -> int:
    """422 when the page shows a problem of its own after a post, else 200."""
    if outcome is None:
        return 200
    own = [p for p in outcome.problems if any(under(dotted(p.path), prefix) for prefix in here)]
    return 422 if own else 200


def under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + ".")


def frame(working: Working, outcome: Outcome | None) -> dict[str, Any]:
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


def index_of(data: dict[str, Any], key: str, item_id: str) -> int:
    for i, item in enumerate(as_list(data.get(key))):
        if as_dict(item).get("id") == item_id:
            return i
    raise NotFound(f"{key} {item_id}")


def fields_for(col: Col, prefix: str, item: dict[str, Any], page: Page) -> list[Field]:
    return fields_of(col, prefix, item, page, None)
