"""The set-up pages of one class (its weekly timetable as a grid) and of one person or teacher
group (weekly hours as a grid, and a staff member's days off)."""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from ...deps import SchoolSlug, SessionDep
from ..accounts import SignedIn
from ..auth import CsrfChecked, SchoolEditor
from ..forms import (
    Block,
    FormInput,
    as_dict,
    as_list,
    assign,
    targets_of,
)
from ..scenario_edit import Working
from ..templating import render
from .setup_data import (
    BY_SLUG,
    current,
    setup_url,
)
from .setup_grids import hours, read_hours, read_timetable, timetable
from .setup_lists import Col, read_col
from .setup_render import (
    Outcome,
    PostedForm,
    fields_for,
    frame,
    index_of,
    page_of,
    problem_links,
    save,
    status,
    todo_items,
)
from .setup_sections import parse_dates, show_dates

router = APIRouter(include_in_schema=False)


_SUBJECTS = Col("library_may_take", "setup.f.library_may_take", "words", model="SchoolClass", split="commas")


@router.get("/setup/classes/{class_id}")
def class_page(
    request: Request, school: SchoolSlug, class_id: str, session: SessionDep, who: SchoolEditor
) -> Response:
    working = current(session, school)
    return _class(request, school, who, working, index_of(working.data, "classes", class_id), None)


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
    index = index_of(working.data, "classes", class_id)
    page = page_of(who, request, school, working.data)
    posted = FormInput(form)
    data = copy.deepcopy(working.data)
    school_class = data["classes"][index]
    busy = read_timetable(posted, working.data, index)
    if busy:
        school_class["busy"] = busy
    else:
        school_class.pop("busy", None)
    read_col(posted, f"classes.{index}", school_class, _SUBJECTS, page)
    outcome = save(session, school, who, working, data, posted, page.t)
    return _class(request, school, who, working, index, outcome)


def _class(
    request: Request, school: str, who: SignedIn, working: Working, index: int, outcome: Outcome | None
) -> Response:
    data = outcome.data if outcome else working.data
    problems = outcome.problems if outcome else working.problems
    page = page_of(who, request, school, data)
    t = page.t
    item = as_dict(data["classes"][index])
    grid = timetable(data, index, t)
    prefix = f"classes.{index}"
    grid_block = Block("grid", f"{prefix}.busy", t("setup.classes.grid"))
    subjects = Block(
        "fields", prefix, t("setup.classes.subjects"), fields=fields_for(_SUBJECTS, prefix, item, page)
    )
    targets: dict[str, Any] = {**targets_of([subjects]), **grid.targets, grid_block.anchor: grid_block}
    top, elsewhere = assign(problems, targets, [prefix])
    todo, more = todo_items(school, data, elsewhere)
    summary = problem_links([grid_block, subjects], [*(c.busy for c in grid.cells.values()), *grid.others])
    ids = [as_dict(c).get("id") for c in as_list(data.get("classes"))]
    before, after = (
        (ids[index - 1] if index > 0 else None),
        (ids[index + 1] if index + 1 < len(ids) else None),
    )
    return render(
        request,
        "setup/class.html",
        who,
        status(outcome, [prefix]),
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
        **frame(working, outcome),
    )


def _class_link(school: str, class_id: Any) -> tuple[str, str] | None:
    if not isinstance(class_id, str) or not class_id:
        return None
    return setup_url(school, f"classes/{quote(class_id, safe='')}"), class_id


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
    return _hours(request, school, who, working, "staff", index_of(working.data, "staff", member), None)


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
    index = index_of(working.data, "teacher_groups", member)
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
    index = index_of(working.data, key, member)
    page = page_of(who, request, school, working.data)
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
    outcome = save(session, school, who, working, data, posted, page.t)
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
    page = page_of(who, request, school, data)
    person = as_dict(data[key][index])
    grid = hours(data, key, index, page.t)
    prefix = f"{key}.{index}"
    days_off = Block(
        "fields",
        prefix,
        page.t("setup.hours.days_off"),
        fields=fields_for(_DAYS_OFF, prefix, person, page) if key == "staff" else [],
    )
    targets: dict[str, Any] = {**targets_of([days_off]), grid.block.anchor: grid.block}
    top, elsewhere = assign(problems, targets, [prefix])
    todo, more = todo_items(school, data, elsewhere)
    return render(
        request,
        "setup/hours.html",
        who,
        status(outcome, [prefix]),
        school=school,
        action=request.url.path,
        section=BY_SLUG[slug],
        person=person,
        grid=grid,
        days_off=days_off,
        top=top,
        todo=todo,
        more=more,
        summary=problem_links([grid.block, days_off]),
        **frame(working, outcome),
    )


# --- the sections ------------------------------------------------------------------------------
