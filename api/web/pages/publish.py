"""Publishing, and changes during the term.

- ``POST /app/s/{school}/rotas/{n}/publish``: publish a rota version (the feeds serve it from then
  on), build its feeds and teachers' page at once, and go to the teachers' page.
- ``/app/s/{school}/changes``: the change form. Three kinds of change, each a small form: a lesson
  moved onto a library slot from a date (a ``busy`` entry with ``since`` for the class), a leave
  (``days_off`` of a staff member: the school days from the first day to the last) and a room
  closed (a ``closed`` entry of the room). The change is added to the working scenario and saved as
  its next version (as :func:`api.web.scenario_edit.save_working` saves a valid one), then a rerun
  against the published rota starts through the same job runner as ``POST /schools/{school}/reruns``,
  and the browser follows it on the job's progress page. A change that does not validate is not
  saved, not even as a draft: the form comes back with the problems, in ``rota validate``'s words,
  next to the fields they are about.
- ``/app/s/{school}/rotas/{n}/changes``: what a rerun version changes, per class, staff member and
  room (the words of :func:`rota_solver.diff_sections`, as ``changes.txt`` says them), what stays as
  it was before the freeze date, and the button that publishes it.

A page view parses no scenario this process has parsed before (the set-up pages' working scenario,
:func:`api.web.pages.setup_data.current`, and the solve pages' cache of parsed versions), and reads
no rota: a 120-class school's scenario takes tens of milliseconds to parse, its rota a hundred.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rota_solver import (
    NOTICE_SCHOOL_DAYS,
    InvalidScenario,
    RotaDiff,
    Scenario,
    ScenarioProblem,
    build_term_calendar,
    diff_sections,
    labels_for,
    parse_scenario,
)

from ... import storage
from ...deps import PublicBaseDep, SchoolSlug, SessionDep, StateDep, VersionNumber
from ...errors import Conflict, NotFound
from ...models import Publication, RotaVersion, ScenarioVersion, School
from ...parsed import PARSED
from ...storage import ChangeSummary, JobInfo, RerunParams, SchoolInfo
from ..accounts import SignedIn
from ..auth import CsrfChecked, SchoolEditor
from ..i18n import Translator
from ..scenario_edit import Working, discard_draft, edited, remember_version
from ..templating import render
from .setup_data import current
from .teachers import warm

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)

ChangeKind = Literal["lesson", "leave", "room"]
KINDS: tuple[ChangeKind, ...] = ("lesson", "leave", "room")
MAX_NOTICE_DAYS = 60
"""As the JSON API's reruns: more school days than any term has is surely a typing mistake."""
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
"""The dates a change or a freeze takes, as the JSON API's reruns."""
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ACTIVE = ("queued", "running")

Values = dict[str, str]
"""What the form shows in its fields, by ``kind.field``."""
Errors = dict[str, str]
"""A message per field that needs fixing, by ``kind.field``."""


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


# --- publishing --------------------------------------------------------------------------------


@router.post("/rotas/{number}/publish", dependencies=[CsrfChecked])
def publish_post(
    school: SchoolSlug,
    number: VersionNumber,
    session: SessionDep,
    state: StateDep,
    public: PublicBaseDep,
    who: SchoolEditor,
    background: BackgroundTasks,
) -> Response:
    info = storage.publish(session, school, number, dt.datetime.now(dt.UTC))
    state.feed_cache.forget(school)  # the feeds' fast path must not answer with the old version
    token = storage.get_school(session, school).feed_token
    warm(state.feed_cache, session, token, f"{public}/feeds/{token}/")
    state.feeds_changed(background, token)
    return _see(f"/app/s/{school}/teachers?done=published&n={info.number}")


# --- a rerun's changes -------------------------------------------------------------------------


@dataclass(frozen=True)
class RerunVersion:
    """What the changes page says about a rerun version besides its changes."""

    number: int
    based_on: int
    published: bool
    published_version: int | None
    """The school's published version now."""
    changes: ChangeSummary


def load_changes(s: Session, slug: str, number: int) -> tuple[RerunVersion, RotaDiff, Scenario] | None:
    """Rota version ``number``'s changes with the scenario it was rerun for, reading neither rota
    (a 120-class school's is a megabyte of JSON) and parsing the scenario at most once per process
    (:data:`api.parsed.PARSED`). None for a version solved afresh;
    :class:`NotFound` for no such school or version."""
    school_id = s.scalar(select(School.id).where(School.slug == slug))
    if school_id is None:
        raise NotFound(f"school {slug}")
    found = s.execute(
        select(RotaVersion.id, RotaVersion.based_on_id, RotaVersion.changes_json, ScenarioVersion.digest)
        .join(ScenarioVersion, RotaVersion.scenario_version_id == ScenarioVersion.id)
        .where(RotaVersion.school_id == school_id, RotaVersion.number == number)
    ).first()
    if found is None:
        raise NotFound(f"rota version {number} of school {slug!r}")
    row_id, based_on_id, changes_json, digest = found
    if changes_json is None or based_on_id is None:
        return None
    published_id = s.scalar(
        select(Publication.rota_version_id)
        .where(Publication.school_id == school_id)
        .order_by(Publication.id.desc())
        .limit(1)
    )
    wanted = [based_on_id] + ([published_id] if published_id is not None else [])
    numbers = {
        row: rota
        for row, rota in s.execute(
            select(RotaVersion.id, RotaVersion.number).where(RotaVersion.id.in_(wanted))
        )
    }
    diff = RotaDiff.model_validate_json(changes_json)

    def parse() -> Scenario:
        text = s.scalar(
            select(ScenarioVersion.text)
            .join(RotaVersion, RotaVersion.scenario_version_id == ScenarioVersion.id)
            .where(RotaVersion.id == row_id)
        )
        assert text is not None
        return parse_scenario(text)

    scenario = PARSED.get(("scenario", digest), parse)
    head = RerunVersion(
        number,
        numbers[based_on_id],
        published_id == row_id,
        numbers.get(published_id) if published_id is not None else None,
        ChangeSummary.of(diff),
    )
    return head, diff, scenario


@router.get("/rotas/{number}/changes")
def changes_page(
    request: Request, school: SchoolSlug, number: VersionNumber, session: SessionDep, who: SchoolEditor
) -> Response:
    loaded = load_changes(session, school, number)
    if loaded is None:
        t = Translator(who.account.locale)
        message = t("publish.changes.not_rerun", n=number)
        return render(request, "error.html", who, 404, school=school, message=message)
    head, diff, scenario = loaded
    return render(
        request,
        "publish/changes.html",
        who,
        school=school,
        info=head,
        freeze=diff.freeze.isoformat(),
        found=diff_sections(scenario, diff),
        school_lang=labels_for(scenario.school.locale).html_lang,
    )


# --- the change form ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choices:
    """What the change form offers to pick, from the working scenario."""

    classes: list[tuple[str, str]]
    weekdays: list[str]
    periods: list[tuple[str, str]]
    staff: list[tuple[str, str]]
    rooms: list[tuple[str, str]]
    term_start: str
    term_end: str


@dataclass(frozen=True)
class Current:
    """The dated changes the working scenario already holds, for the page to list."""

    lessons: list[dict[str, str]]
    leaves: list[tuple[str, list[tuple[str, str]], int]]
    """Staff member, their days off as runs (first, last), and how many days."""
    closures: list[tuple[str, str, str, str]]
    """Room, first day, last day, reason."""

    @property
    def empty(self) -> bool:
        return not (self.lessons or self.leaves or self.closures)


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _hhmm(value: Any) -> str:
    return _text(value)[:5]


def choices_of(data: dict[str, Any]) -> Choices:
    term = data.get("term") if isinstance(data.get("term"), dict) else {}
    assert isinstance(term, dict)
    weekdays = term.get("weekdays") or list(WEEKDAYS[:5])
    periods: dict[str, str] = {}
    for period in _items(data, "periods"):
        pid = _text(period.get("id"))
        if pid and pid not in periods:
            periods[pid] = f"{pid} {_hhmm(period.get('start'))}–{_hhmm(period.get('end'))}"
    return Choices(
        classes=[(_text(c.get("id")), _text(c.get("name") or c.get("id"))) for c in _items(data, "classes")],
        weekdays=[str(day) for day in weekdays if day in WEEKDAYS],
        periods=list(periods.items()),
        staff=[(_text(m.get("id")), _text(m.get("name") or m.get("id"))) for m in _items(data, "staff")],
        rooms=[(_text(r.get("id")), _text(r.get("name") or r.get("id"))) for r in _items(data, "rooms")],
        term_start=_text(term.get("start")),
        term_end=_text(term.get("end")),
    )


def _runs(days: list[dt.date]) -> list[tuple[str, str]]:
    """Days as runs of school days in a row (a weekend between them does not break a run)."""
    runs: list[list[dt.date]] = []
    for day in sorted(set(days)):
        last = runs[-1][-1] if runs else None
        between = [last + dt.timedelta(days=i) for i in range(1, (day - last).days)] if last else []
        if last is not None and all(d.weekday() >= 5 for d in between):
            runs[-1].append(day)
        else:
            runs.append([day])
    return [(run[0].isoformat(), run[-1].isoformat()) for run in runs]


def current_of(data: dict[str, Any]) -> Current:
    lessons = []
    for school_class in _items(data, "classes"):
        for busy in _items(school_class, "busy"):
            if busy.get("since") is None and busy.get("until") is None:
                continue
            when = _text(busy.get("period")) or f"{_hhmm(busy.get('start'))}–{_hhmm(busy.get('end'))}"
            lessons.append(
                {
                    "class": _text(school_class.get("name") or school_class.get("id")),
                    "day": _text(busy.get("day")),
                    "when": when,
                    "what": _text(busy.get("what")),
                    "since": _text(busy.get("since")),
                    "until": _text(busy.get("until")),
                }
            )
    leaves = []
    for member in _items(data, "staff"):
        days = []
        for day in member.get("days_off") or []:
            try:
                days.append(dt.date.fromisoformat(str(day)))
            except ValueError:
                continue
        if days:
            leaves.append((_text(member.get("name") or member.get("id")), _runs(days), len(set(days))))
    closures = [
        (
            _text(room.get("name") or room.get("id")),
            _text(closure.get("start")),
            _text(closure.get("end") or closure.get("start")),
            _text(closure.get("name")),
        )
        for room in _items(data, "rooms")
        for closure in _items(room, "closed")
    ]
    return Current(lessons, leaves, closures)


def _active_job(session: Session, school: str) -> JobInfo | None:
    jobs = storage.list_jobs(session, school, 1)
    return jobs[0] if jobs and jobs[0].status in ACTIVE else None


def _defaults() -> Values:
    return {f"{kind}.notice_days": str(NOTICE_SCHOOL_DAYS) for kind in KINDS}


def _form_page(
    request: Request,
    who: SignedIn,
    school: str,
    info: SchoolInfo,
    working: Working,
    status_code: int = 200,
    *,
    kind: ChangeKind | None = None,
    values: Values | None = None,
    errors: Errors | None = None,
    problems: list[ScenarioProblem] | None = None,
    running: JobInfo | None = None,
    saved_not_started: str | None = None,
) -> Response:
    return render(
        request,
        "publish/changes_form.html",
        who,
        status_code,
        school=school,
        info=info,
        working=working,
        choices=choices_of(working.data),
        current=current_of(working.data),
        kind=kind,
        values={**_defaults(), **(values or {})},
        errors=errors or {},
        problems=problems or [],
        running=running,
        saved_not_started=saved_not_started,
        notice_default=NOTICE_SCHOOL_DAYS,
        notice_most=MAX_NOTICE_DAYS,
    )


@router.get("/changes")
def change_form(request: Request, school: SchoolSlug, session: SessionDep, who: SchoolEditor) -> Response:
    info = storage.get_school(session, school)
    working = current(session, school)
    return _form_page(request, who, school, info, working, running=_active_job(session, school))


class _Form:
    """One posted change form: its values, and a message per field that needs fixing."""

    def __init__(self, kind: ChangeKind, t: Translator, fields: dict[str, str]) -> None:
        self.kind = kind
        self.t = t
        self.values: Values = {f"{kind}.{name}": value.strip() for name, value in fields.items()}
        self.errors: Errors = {}

    def raw(self, name: str) -> str:
        return self.values.get(f"{self.kind}.{name}", "")

    def error(self, name: str, message: str) -> None:
        key = f"{self.kind}.{name}"
        self.errors[key] = f"{self.errors[key]} {message}" if key in self.errors else message

    def required(self, name: str) -> str | None:
        value = self.raw(name)
        if not value:
            self.error(name, self.t("publish.error.required"))
            return None
        return value

    def pick(self, name: str, options: list[str]) -> str | None:
        value = self.raw(name)
        if not value:
            self.error(name, self.t("publish.error.choose"))
            return None
        if value not in options:
            self.error(name, self.t("publish.error.choose"))
            return None
        return value

    def date(self, name: str, required: bool = True) -> dt.date | None:
        value = self.raw(name)
        if not value:
            if required:
                self.error(name, self.t("publish.error.required"))
            return None
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            self.error(name, self.t("publish.error.date"))
            return None
        if not FIRST_DATE <= day <= LAST_DATE:
            self.error(name, self.t("publish.error.date_range", first=FIRST_DATE, last=LAST_DATE))
            return None
        return day

    def time(self, name: str) -> str | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return dt.time.fromisoformat(value).strftime("%H:%M")
        except ValueError:
            self.error(name, self.t("publish.error.time"))
            return None


def _school_days(data: dict[str, Any], first: dt.date, last: dt.date) -> list[dt.date]:
    """The term's school days from ``first`` to ``last`` (holidays left out, make-up days in); for
    a scenario that does not validate, the term's weekdays."""
    try:
        calendar = build_term_calendar(Scenario.model_validate(data))
    except (ValueError, InvalidScenario):
        term = data.get("term") or {}
        weekdays = term.get("weekdays") or list(WEEKDAYS[:5])
        try:
            start = dt.date.fromisoformat(str(term.get("start")))
            end = dt.date.fromisoformat(str(term.get("end")))
        except ValueError:
            return []
        span = (min(last, end) - max(first, start)).days + 1
        days = [max(first, start) + dt.timedelta(days=i) for i in range(max(span, 0))]
        return [d for d in days if WEEKDAYS[d.weekday()] in weekdays]
    return [d.date for d in calendar.days if first <= d.date <= last]


def _index_of(items: list[dict[str, Any]], item_id: str) -> int:
    return next(i for i, item in enumerate(items) if _text(item.get("id")) == item_id)


def _apply(form: _Form, data: dict[str, Any], choices: Choices) -> dict[str, str]:
    """Add the form's change to ``data`` (a copy to change); where it went, as a scenario path
    prefix -> the form field its problems belong to. Empty when the form has errors."""
    t = form.t
    if form.kind == "lesson":
        class_id = form.pick("class_id", [c for c, _ in choices.classes])
        day = form.pick("day", choices.weekdays)
        period = form.raw("period")
        if period and period not in [p for p, _ in choices.periods]:
            form.error("period", t("publish.error.choose"))
        start, end = form.time("start"), form.time("end")
        since = form.date("since")
        if form.errors or class_id is None or day is None or since is None:
            return {}
        busy: dict[str, Any] = {"day": day}
        if period:
            busy["period"] = period
        if start:
            busy["start"] = start
        if end:
            busy["end"] = end
        if form.raw("what"):
            busy["what"] = form.raw("what")
        busy["since"] = since.isoformat()
        ci = _index_of(data["classes"], class_id)
        lessons = data["classes"][ci].setdefault("busy", [])
        lessons.append(busy)
        at = f"classes[{ci}].busy[{len(lessons) - 1}]"
        return {
            f"{at}.period": "period",
            f"{at}.start": "start",
            f"{at}.end": "end",
            f"{at}.since": "since",
            f"{at}.what": "what",
            f"{at}.day": "day",
            at: "period",  # "give either period, or start and end"
            f"classes[{ci}].busy": "class_id",  # too many lessons
        }
    first, last = form.date("first_day"), form.date("last_day")
    if form.kind == "leave":
        staff_id = form.pick("staff_id", [m for m, _ in choices.staff])
        if first is not None and last is not None and last < first:
            form.error("last_day", t("publish.error.order", first=first, last=last))
        if form.errors or staff_id is None or first is None or last is None:
            return {}
        days = _school_days(data, first, last)
        if not days:
            start, end = choices.term_start, choices.term_end
            form.error("first_day", t("publish.error.no_school_day", start=start, end=end))
            return {}
        si = _index_of(data["staff"], staff_id)
        member = data["staff"][si]
        known = {str(day) for day in member.get("days_off") or []}
        member["days_off"] = sorted(known | {day.isoformat() for day in days})
        return {f"staff[{si}].days_off": "first_day"}
    room_id = form.pick("room_id", [r for r, _ in choices.rooms])
    reason = form.required("reason")
    if form.errors or room_id is None or first is None or last is None or reason is None:
        return {}
    ri = _index_of(data["rooms"], room_id)
    closed = data["rooms"][ri].setdefault("closed", [])
    closed.append({"name": reason, "start": first.isoformat(), "end": last.isoformat()})
    at = f"rooms[{ri}].closed[{len(closed) - 1}]"
    return {f"{at}.start": "first_day", f"{at}.end": "last_day", f"{at}.name": "reason", at: "first_day"}


def _freeze(form: _Form) -> tuple[int, dt.date | None]:
    """The notice and freeze date of the rerun, as the JSON API's reruns take them."""
    notice = NOTICE_SCHOOL_DAYS
    raw = form.raw("notice_days")
    if raw:
        try:
            notice = int(raw)
        except ValueError:
            notice = -1
        if not 0 <= notice <= MAX_NOTICE_DAYS:
            form.error("notice_days", form.t("publish.error.notice", most=MAX_NOTICE_DAYS))
    freeze = form.date("freeze", required=False)
    # The school's today is no earlier than the date at UTC-12: a freeze before that would change
    # sessions that already took place (the job refuses the rest, as the API's reruns do).
    earliest_today = dt.datetime.now(dt.timezone(-dt.timedelta(hours=12))).date()
    if freeze is not None and freeze < earliest_today:
        form.error("freeze", form.t("publish.error.freeze_past", freeze=freeze, today=earliest_today))
    return notice, freeze


def _sorted_problems(
    problems: list[ScenarioProblem], fields: dict[str, str], form: _Form
) -> list[ScenarioProblem]:
    """Each problem next to the field it is about (the longest matching path); the rest, about other
    parts of the scenario, to list above the form."""
    rest = []
    for problem in problems:
        owner = max(
            (p for p in fields if problem.path == p or problem.path.startswith(p + ".")),
            key=len,
            default=None,
        )
        if owner is None:
            rest.append(problem)
        else:
            form.error(fields[owner], problem.message)
    return rest


@router.post("/changes", dependencies=[CsrfChecked])
def change_post(
    request: Request,
    school: SchoolSlug,
    session: SessionDep,
    state: StateDep,
    who: SchoolEditor,
    kind: Annotated[ChangeKind, Form()],
    class_id: Annotated[str, Form(max_length=200)] = "",
    day: Annotated[str, Form(max_length=10)] = "",
    period: Annotated[str, Form(max_length=200)] = "",
    start: Annotated[str, Form(max_length=20)] = "",
    end: Annotated[str, Form(max_length=20)] = "",
    what: Annotated[str, Form(max_length=200)] = "",
    since: Annotated[str, Form(max_length=20)] = "",
    staff_id: Annotated[str, Form(max_length=200)] = "",
    room_id: Annotated[str, Form(max_length=200)] = "",
    first_day: Annotated[str, Form(max_length=20)] = "",
    last_day: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=200)] = "",
    notice_days: Annotated[str, Form(max_length=10)] = "",
    freeze: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    t = Translator(who.account.locale)
    info = storage.get_school(session, school)
    working = current(session, school)
    posted = {
        "lesson": {"class_id": class_id, "day": day, "period": period, "start": start, "end": end},
        "leave": {"staff_id": staff_id},
        "room": {"room_id": room_id, "reason": reason},
    }[kind]
    if kind == "lesson":
        posted |= {"what": what, "since": since}
    else:
        posted |= {"first_day": first_day, "last_day": last_day}
    form = _Form(kind, t, {**posted, "notice_days": notice_days, "freeze": freeze})

    def again(status_code: int, **context: Any) -> Response:
        return _form_page(
            request, who, school, info, working, status_code, kind=kind, values=form.values, **context
        )

    if info.published_version is None:
        return again(409)  # the page says a rerun needs a published rota
    running = _active_job(session, school)
    if running is not None:
        return again(409, running=running)

    data = edited(working.data)
    fields = _apply(form, data, choices_of(working.data))
    notice, freeze_date = _freeze(form)
    if form.errors:
        return again(422, errors=form.errors)
    # What save_working does with a valid scenario, parsing it once; and one that does not validate
    # is not kept as a draft: a change that does not fit is shown here, not left for the set-up pages.
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        version = storage.save_scenario(session, school, text, "yaml", who.account.username)
    except InvalidScenario as exc:
        session.rollback()
        problems = [ScenarioProblem(p.path, p.message) for p in exc.problems]  # the fields say where
        rest = _sorted_problems(problems, fields, form)
        return again(422, errors=form.errors, problems=rest)
    if working.is_draft:
        discard_draft(session, school)
    remember_version(text, data)
    session.commit()  # the job runner reads the new version in a session of its own
    try:
        job = state.runner.start(
            school, version.number, rerun=RerunParams(today=None, freeze=freeze_date, notice_days=notice)
        )
    except Conflict as exc:
        running = _active_job(session, school)
        message = t("publish.form.saved_not_started", n=version.number, detail=str(exc))
        working = current(session, school)
        return _form_page(
            request, who, school, info, working, 409, running=running, saved_not_started=message
        )
    return _see(f"/app/s/{school}/jobs/{job.id}")
