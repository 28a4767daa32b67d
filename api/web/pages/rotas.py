"""The rota views: every rota version, the A/B weekly table (as it prints), one class's term, one
staff member's (or helper team's) duties, the term month by month; and the pins ("keep this
session here") a librarian sets from the weekly table.

Every page loads its rota version once (``_load``): the stored JSON is parsed once per request,
and a parsed scenario or rota is kept by its digest, so that paging through the views of a
120-class school re-parses neither (both are immutable). Everything else is filtering in Python;
the templates only print what they are given.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from rota_solver import Labels, Rota, Scenario, TermCalendar, build_term_calendar, labels_for

from ... import storage
from ...deps import SchoolSlug, SessionDep, VersionNumber
from ...errors import NotFound
from ...models import RotaVersion, ScenarioDraft, ScenarioVersion, School
from ...parsed import PARSED, rota_of, scenario_of
from ..accounts import SignedIn
from ..auth import CsrfChecked, SchoolEditor
from ..i18n import ALL, Translator
from ..scenario_edit import edited, problems_of, save_working, working_scenario
from ..templating import render

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CYCLE_LABELS = "ABCDEFGH"
MANY_A_DAY = 8
"""A month's day with more sessions than this lists them folded (a ``<details>``) under the count."""

# --- loading, once per request ------------------------------------------------------------------

def _scenario_of(row: ScenarioVersion) -> Scenario:
    return scenario_of(row.text, row.digest)


@dataclass(frozen=True)
class Loaded:
    """One rota version, its scenario, and the pins of the school's working scenario."""

    number: int
    scenario_version: int
    digest: str
    """The scenario's digest (what its parsed forms are kept by)."""
    rota: Rota
    scenario: Scenario
    pins: frozenset[tuple[str, str, str, str, str]]
    """The working scenario's pins as (class, rule, day, HH:MM, week label or "")."""
    pins_in_draft: bool


def _school_row(s: Session, slug: str) -> School:
    school = s.scalar(select(School).where(School.slug == slug))
    if school is None:
        raise NotFound(f"school {slug}")
    return school


def _load(s: Session, slug: str, number: int) -> Loaded:
    school = _school_row(s, slug)
    row = s.scalar(
        select(RotaVersion).where(RotaVersion.school_id == school.id, RotaVersion.number == number)
    )
    if row is None:
        raise NotFound(f"rota version {number} of school {slug!r}")
    scenario_row = s.get_one(ScenarioVersion, row.scenario_version_id)
    scenario = _scenario_of(scenario_row)
    pins, in_draft = _working_pins(s, school, scenario_row, scenario)
    return Loaded(
        number, scenario_row.number, scenario_row.digest, rota_of(row.rota_json), scenario, pins, in_draft
    )


def _term_calendar(loaded: Loaded) -> TermCalendar:
    return PARSED.get(("calendar", loaded.digest), lambda: build_term_calendar(loaded.scenario))


def _working_pins(
    s: Session, school: School, rota_row: ScenarioVersion, rota_scenario: Scenario
) -> tuple[frozenset[tuple[str, str, str, str, str]], bool]:
    """The pins the school's working scenario holds now (the draft's, else the latest version's),
    which may be newer than the rota's: pinning saves a new scenario version."""
    draft = s.get(ScenarioDraft, school.id)
    if draft is not None:
        try:
            data = json.loads(draft.data_json)
        except ValueError:
            data = {}
        raw = data.get("pins") if isinstance(data, dict) else None
        return frozenset(_pin_key(p) for p in raw or [] if isinstance(p, dict)), True
    latest = s.scalar(
        select(ScenarioVersion)
        .where(ScenarioVersion.school_id == school.id)
        .order_by(ScenarioVersion.number.desc())
        .limit(1)
    )
    scenario = rota_scenario if latest is None or latest.id == rota_row.id else _scenario_of(latest)
    return frozenset(_pin_key(p.model_dump(mode="json")) for p in scenario.pins), False


def _hhmm(value: object) -> str:
    text = str(value or "")
    try:
        return dt.time.fromisoformat(text).strftime("%H:%M")
    except ValueError:
        return text


def _pin_key(pin: dict[str, Any]) -> tuple[str, str, str, str, str]:
    return (
        str(pin.get("class_id", "")),
        str(pin.get("rule", "")),
        str(pin.get("day", "")),
        _hhmm(pin.get("start")),
        str(pin.get("week") or ""),
    )


# --- names ----------------------------------------------------------------------------------------


@dataclass
class Names:
    """Printed names by id, the page's labels and the school's time zone."""

    labels: Labels
    tz: ZoneInfo
    classes: dict[str, str]
    class_order: dict[str, int]
    rules: dict[str, str]
    rooms: dict[str, str]
    people: dict[str, str]
    people_order: dict[str, int]
    windows: dict[str, str]
    teachers: dict[str, str]

    @staticmethod
    def of(scenario: Scenario, lang: str) -> Names:
        labels = labels_for(lang if lang in ("zh-CN", "en") else "en")
        people = {m.id: m.name or m.id for m in scenario.staff}
        people.update({g.id: g.name or g.id for g in scenario.helper_groups})
        return Names(
            labels=labels,
            tz=scenario.school.tz,
            classes={c.id: c.label for c in scenario.classes},
            class_order={c.id: i for i, c in enumerate(scenario.classes)},
            rules={r.id: r.name or labels.kind(r.kind) for r in scenario.rules},
            rooms={r.id: r.name or r.id for r in scenario.rooms},
            people=people,
            people_order={p: i for i, p in enumerate(people)},
            windows={w.id: w.name or w.id for w in scenario.windows},
            teachers={t.id: t.name or t.id for t in scenario.teacher_groups},
        )

    def class_name(self, class_id: str) -> str:
        return self.classes.get(class_id, class_id)

    def class_key(self, class_id: str) -> tuple[int, str]:
        return (self.class_order.get(class_id, len(self.class_order)), class_id)

    def staff(self, ids: Iterable[str]) -> str:
        """Staff members first, then helper teams, as the scenario lists them."""
        ordered = sorted(ids, key=lambda i: (self.people_order.get(i, len(self.people_order)), i))
        return self.labels.join([self.people.get(i, i) for i in ordered])

    def local(self, moment: dt.datetime | None) -> str:
        if moment is None:
            return ""
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.tz)
        return moment.strftime("%H:%M")

    def day(self, day: dt.date) -> str:
        return self.labels.date_weekday(day)


# --- the weekly table -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One session of the weekly table, with what its pin form sends."""

    anchor: str
    class_id: str
    class_name: str
    rule_id: str
    rule_name: str
    kind_label: str
    kind_index: int
    room: str
    staff: str
    day: str
    day_name: str
    start: str
    end: str
    week: str
    week_name: str
    pinned: bool


@dataclass(frozen=True)
class GridRow:
    names: tuple[str, ...]
    time: str
    start: str
    cells: tuple[tuple[Entry, ...], ...]
    free: bool = False
    """A slot of the rules' windows no session of the table takes (shown on screen, as a place to
    drag a session to; the printed table, like the printable page, has only the slots in use)."""


@dataclass(frozen=True)
class WeekGrid:
    cycle_week: int
    label: str
    title: str
    weeks: str
    rows: tuple[GridRow, ...]
    count: int
    print_pt: float
    """The grid's printed font size: the largest at which the week fits one A4 landscape page."""


def _anchor(cycle_week: int, day: str, start: str, class_id: str, rule_id: str) -> str:
    raw = f"s-{cycle_week}-{day}-{start.replace(':', '')}-{class_id}-{rule_id}"
    return re.sub(r"[^A-Za-z0-9_-]", "_", raw)


def _kinds(scenario: Scenario, rota: Rota) -> dict[str, int]:
    order: list[str] = []
    for kind in [r.kind for r in scenario.rules] + [p.kind for p in rota.pattern]:
        if kind not in order:
            order.append(kind)
    return {kind: i % 6 for i, kind in enumerate(order)}


def _week_label(rota: Rota, cycle_week: int) -> str:
    if rota.cycle_weeks <= 1:
        return ""
    return CYCLE_LABELS[cycle_week] if cycle_week < len(CYCLE_LABELS) else str(cycle_week + 1)


def _entry(loaded: Loaded, names: Names, kinds: dict[str, int], p: Any) -> Entry:
    labels = names.labels
    start = p.start.strftime("%H:%M")
    return Entry(
        anchor=_anchor(p.cycle_week, p.weekday, start, p.class_id, p.rule_id),
        class_id=p.class_id,
        class_name=names.class_name(p.class_id),
        rule_id=p.rule_id,
        rule_name=names.rules.get(p.rule_id, p.rule_id),
        kind_label=labels.kind(p.kind),
        kind_index=kinds.get(p.kind, 0),
        room=names.rooms.get(p.room_id, p.room_id),
        staff=names.staff(p.staff_ids),
        day=p.weekday,
        day_name=labels.weekday(p.weekday),
        start=start,
        end=p.end.strftime("%H:%M"),
        week=p.week_label,
        week_name=labels.week(p.week_label),
        pinned=(p.class_id, p.rule_id, p.weekday, start, p.week_label) in loaded.pins,
    )


def _slot_names(scenario: Scenario, names: Names, window_ids: list[str], start: dt.time) -> tuple[str, ...]:
    """The windows' names, and a lesson period's when the slot is one (下午, 第五节)."""
    out: list[str] = []
    periods = {p.id: p for p in scenario.periods}
    windows = {w.id: w for w in scenario.windows}
    for window_id in window_ids:
        for name in [names.windows.get(window_id, window_id)] + [
            periods[pid].name
            for pid in (windows[window_id].periods or [] if window_id in windows else [])
            if pid in periods and periods[pid].name and periods[pid].start <= start < periods[pid].end
        ]:
            if name not in out:
                out.append(name)
    return tuple(out)


# Printed as the printable page is (rota_solver/printable.py measures these in Chromium): A4
# landscape less 12 mm margins, less this page's headings; entries two lines, the detail at 0.8em.
_GRID_WIDTH_MM = 273.0
_GRID_HEIGHT_MM = 150.0
_SLOT_COLUMN_MM = 27.0
_MM_PER_PT = 25.4 / 72
_ENTRY_EM = 2.85
_ROW_PAD_MM = 1.8
_LARGEST_PT = 11.0
_SMALLEST_PT = 5.0


def _ems(text: str) -> float:
    """Rough printed width in ems: CJK and other wide characters 1, the rest about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _print_pt(rows: list[GridRow], columns: int) -> float:
    """The largest font, in half points, at which the grid's rows fit the printed page's height."""
    heads = [[_ems(t) for t in (*row.names, row.time)] for row in rows]
    cells = [
        [
            [(_ems(f"{e.class_name} {e.kind_label}"), _ems(f"{e.room} · {e.staff}")) for e in c]
            for c in row.cells
        ]
        for row in rows
    ]
    column_mm = (_GRID_WIDTH_MM - _SLOT_COLUMN_MM) / max(columns, 1) - 2.0
    size = _LARGEST_PT
    while size > _SMALLEST_PT:
        em = size * _MM_PER_PT
        column_ems, slot_ems = column_mm / em, (_SLOT_COLUMN_MM - 2.0) / em
        height = 1.6 * em + 2.5
        for head, row_cells in zip(heads, cells, strict=True):
            tallest = 1.2 * sum(math.ceil(w / slot_ems) for w in head)
            for entries in row_cells:
                cell = 0.0
                for name, detail in entries:
                    cell += _ENTRY_EM + 1.2 * (math.ceil(name / column_ems) - 1)
                    cell += 0.96 * (math.ceil(0.8 * detail / column_ems) - 1)
                tallest = max(tallest, cell)
            height += tallest * em + _ROW_PAD_MM
        if height <= _GRID_HEIGHT_MM:
            break
        size -= 0.5
    return size


def _rule_slots(scenario: Scenario) -> set[tuple[dt.time, dt.time, str]]:
    """(start, end, window) of every slot of every rule's windows on any weekday, as the solver
    cuts them: a period's bell and the rule's duration, or the window's range cut into durations."""
    out: set[tuple[dt.time, dt.time, str]] = set()
    windows = {w.id: w for w in scenario.windows}
    for rule in scenario.rules:
        length = dt.timedelta(minutes=rule.duration_minutes)
        for window_id in rule.windows:
            window = windows.get(window_id)
            if window is None:
                continue
            starts: list[tuple[dt.datetime, dt.datetime]] = []
            if window.periods is not None:
                for day in scenario.window_days(window):
                    for period_id in window.periods:
                        bell = scenario.bell(period_id, day)
                        if bell is not None:
                            starts.append((_at(bell.start), _at(bell.end)))
            elif window.start is not None and window.end is not None:
                at, end = _at(window.start), _at(window.end)
                while at + length <= end:
                    starts.append((at, at + length))
                    at += length
            for first, last in starts:
                if first + length <= last:
                    out.add((first.time(), (first + length).time(), window_id))
    return out


def _at(time: dt.time) -> dt.datetime:
    return dt.datetime.combine(dt.date(2000, 1, 3), time)


def week_grids(loaded: Loaded, names: Names) -> tuple[list[str], list[WeekGrid]]:
    """The weekdays (columns) and a grid per week of the cycle, rows being the table's slots."""
    rota, scenario, labels = loaded.rota, loaded.scenario, names.labels
    kinds = _kinds(scenario, rota)
    used = set(scenario.term.weekdays) | {p.weekday for p in rota.pattern}
    weekdays: list[str] = [wd for wd in WEEKDAYS if wd in used]
    windows_at: dict[tuple[dt.time, dt.time], list[str]] = defaultdict(list)
    window_order = {w.id: i for i, w in enumerate(scenario.windows)}
    cells: dict[tuple[int, dt.time, dt.time, str], list[Any]] = defaultdict(list)
    for p in rota.pattern:
        if p.window_id not in windows_at[(p.start, p.end)]:
            windows_at[(p.start, p.end)].append(p.window_id)
        cells[(p.cycle_week, p.start, p.end, p.weekday)].append(p)
    in_use = set(windows_at)
    for slot_start, slot_end, window_id in _rule_slots(scenario):
        if window_id not in windows_at[(slot_start, slot_end)]:
            windows_at[(slot_start, slot_end)].append(window_id)
    slots = sorted(windows_at)
    grids = []
    for cycle_week in range(max(rota.cycle_weeks, 1)):
        rows = []
        count = 0
        for start, end in slots:
            row = []
            for wd in weekdays:
                here = sorted(
                    cells.get((cycle_week, start, end, wd), []),
                    key=lambda p: (*names.class_key(p.class_id), p.rule_id),
                )
                count += len(here)
                row.append(tuple(_entry(loaded, names, kinds, p) for p in here))
            window_ids = sorted(windows_at[(start, end)], key=lambda w: (window_order.get(w, 99), w))
            rows.append(
                GridRow(
                    names=_slot_names(scenario, names, window_ids, start),
                    time=labels.time_range(start.strftime("%H:%M"), end.strftime("%H:%M")),
                    start=start.strftime("%H:%M"),
                    cells=tuple(row),
                    free=(start, end) not in in_use,
                )
            )
        label = _week_label(rota, cycle_week)
        numbers = [
            n for n in range(1, rota.teaching_weeks + 1) if (n - 1) % max(rota.cycle_weeks, 1) == cycle_week
        ]
        grids.append(
            WeekGrid(
                cycle_week=cycle_week,
                label=label,
                title=labels.week(label),
                weeks=labels.teaching_weeks(numbers) if rota.cycle_weeks > 1 and numbers else "",
                rows=tuple(rows),
                count=count,
                print_pt=_print_pt([r for r in rows if not r.free], len(weekdays)),
            )
        )
    return weekdays, grids


# --- the index of a rota's views ---------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    href: str
    text: str
    note: str = ""


def _months(first: dt.date, last: dt.date) -> list[str]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _term_months(rota: Rota) -> list[str]:
    return _months(rota.term_start, rota.term_end)


def _month_title(labels: Labels, key: str) -> str:
    year, month = int(key[:4]), int(key[5:])
    if labels.locale == "zh-CN":
        return f"{year}年{month}月"
    return f"{labels.month(month)} {year}"


def index_links(slug: str, loaded: Loaded, names: Names) -> dict[str, list[Link]]:
    base = f"/app/s/{slug}/rotas/{loaded.number}"
    rota, scenario = loaded.rota, loaded.scenario
    sessions_of: dict[str, int] = defaultdict(int)
    duties_of: dict[str, int] = defaultdict(int)
    for s in rota.sessions:
        sessions_of[s.class_id] += 1
        for who in s.staff_ids:
            duties_of[who] += 1
    for a in rota.activities:
        for who in a.staff_ids:
            duties_of[who] += 1
    classes = [
        Link(f"{base}/class/{quote(c.id, safe='')}", c.label, str(sessions_of.get(c.id, 0)))
        for c in scenario.classes
    ]
    people = [
        Link(f"{base}/staff/{quote(m.id, safe='')}", m.name or m.id, str(duties_of.get(m.id, 0)))
        for m in scenario.staff
    ]
    people += [
        Link(f"{base}/staff/{quote(g.id, safe='')}", g.name or g.id, str(duties_of.get(g.id, 0)))
        for g in scenario.helper_groups
    ]
    months = [Link(f"{base}/month/{m}", _month_title(names.labels, m)) for m in _term_months(rota)]
    return {"classes": classes, "staff": people, "months": months}


# --- pages ------------------------------------------------------------------------------------------


def _page(
    request: Request,
    who: SignedIn,
    template: str,
    slug: str,
    loaded: Loaded,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return render(
        request,
        f"views/{template}",
        who,
        status_code,
        school=slug,
        n=loaded.number,
        view_base=f"/app/s/{slug}/rotas/{loaded.number}",
        school_name=loaded.scenario.school.name,
        scenario_version=loaded.scenario_version,
        **context,
    )


@router.get("/rotas/")
def rotas_page(request: Request, school: SchoolSlug, session: SessionDep, who: SchoolEditor) -> Response:
    info = storage.get_school(session, school)
    rotas = storage.list_rotas(session, school)[::-1]
    working = None
    with contextlib.suppress(NotFound):
        working = storage.latest_scenario(session, school).number
    return render(
        request, "views/rotas.html", who, school=school, info=info, rotas=rotas, working_version=working
    )


def _week_page(
    request: Request,
    who: SignedIn,
    slug: str,
    loaded: Loaded,
    status_code: int = 200,
    *,
    notice: str = "",
    error: str = "",
    solve_again: bool = False,
) -> Response:
    names = Names.of(loaded.scenario, _lang(request, who))
    weekdays, grids = week_grids(loaded, names)
    return _page(
        request,
        who,
        "week.html",
        slug,
        loaded,
        status_code,
        weekdays=weekdays,
        day_names={wd: names.labels.weekday(wd) for wd in weekdays},
        grids=grids,
        links=index_links(slug, loaded, names),
        term=names.labels.date_range(loaded.rota.term_start, loaded.rota.term_end),
        notice=notice,
        error=error,
        solve_again=solve_again,
        pins_in_draft=loaded.pins_in_draft,
        pin_count=len(loaded.pins),
    )


def _lang(request: Request, who: SignedIn) -> str:
    return who.account.locale if who.account.locale in ("zh-CN", "en") else "en"


NOTICES = {
    "pinned": "views.notice.pinned",
    "pinned_draft": "views.notice.pinned_draft",
    "unpinned": "views.notice.unpinned",
    "unpinned_draft": "views.notice.unpinned_draft",
    "already": "views.notice.already_pinned",
    "not_pinned": "views.notice.not_pinned",
}
SOLVE_AGAIN = ("pinned", "unpinned")
"""Notices after which the page offers to solve again (a draft must first be made valid)."""


@router.get("/rotas/{number}/week")
def week_page(
    request: Request,
    school: SchoolSlug,
    number: VersionNumber,
    session: SessionDep,
    who: SchoolEditor,
    done: str = "",
) -> Response:
    loaded = _load(session, school, number)
    t = Translator(_lang(request, who))
    notice = t(NOTICES[done]) if done in NOTICES else ""
    return _week_page(request, who, school, loaded, notice=notice, solve_again=done in SOLVE_AGAIN)


@dataclass(frozen=True)
class SessionRow:
    date: dt.date
    day: str
    week: str
    time: str
    kind: str
    origin: str
    what: str
    room: str
    staff: str
    classes: str = ""
    sort: tuple[Any, ...] = field(default=(), compare=False)


def _week_text(t: Translator, teaching_week: int, label: str) -> str:
    """Week 3 (A) / 第3周（A周）; Week 3 / 第3周 in a one-week cycle."""
    if label:
        return t("views.week_of_cycle", n=teaching_week, label=label)
    return t("views.week_number", n=teaching_week)


def _session_row(names: Names, s: Any, t: Translator, *, with_class: bool = False) -> SessionRow:
    labels = names.labels
    origin = {"makeup": t("views.origin.makeup"), "returns": t("views.origin.returns")}.get(s.origin, "")
    return SessionRow(
        date=s.date,
        day=names.day(s.date),
        week=_week_text(t, s.teaching_week, s.week_label),
        time=labels.time_range(names.local(s.start), names.local(s.end)),
        kind=labels.kind(s.kind),
        origin=origin,
        what=names.rules.get(s.rule_id, s.rule_id),
        room=names.rooms.get(s.room_id, s.room_id),
        staff=names.staff(s.staff_ids),
        classes=names.class_name(s.class_id) if with_class else "",
    )


@dataclass(frozen=True)
class ActivityRow:
    day: str
    time: str
    name: str
    kind: str
    room: str
    role: str
    others: str


def _activity_row(names: Names, a: Any, role: str = "") -> ActivityRow:
    labels = names.labels
    time = (
        labels.heading("all_day")
        if a.all_day or a.start is None
        else labels.time_range(names.local(a.start), names.local(a.end))
    )
    who = [names.class_name(c) for c in a.class_ids]
    who += [names.people.get(g, g) for g in a.helper_group_ids]
    who += [names.teachers.get(g, g) for g in a.teacher_group_ids]
    who += [names.people.get(p, p) for p in a.participant_staff_ids]
    return ActivityRow(
        day=names.day(a.date),
        time=time,
        name=a.name or labels.kind(a.kind),
        kind=labels.kind(a.kind),
        room=names.rooms.get(a.room_id, a.room_id) if a.room_id else "",
        role=role,
        others=labels.join(who) if len(who) <= 12 else labels.join([*who[:12], "…"]),
    )


@router.get("/rotas/{number}/class/{class_id}")
def class_page(
    request: Request,
    school: SchoolSlug,
    number: VersionNumber,
    class_id: str,
    session: SessionDep,
    who: SchoolEditor,
) -> Response:
    loaded = _load(session, school, number)
    scenario, rota = loaded.scenario, loaded.rota
    the_class = next((c for c in scenario.classes if c.id == class_id), None)
    if the_class is None:
        raise NotFound(f"class {class_id!r}")
    lang = _lang(request, who)
    t, names = Translator(lang), Names.of(scenario, lang)
    labels = names.labels
    kinds = _kinds(scenario, rota)
    cells = sorted(
        (p for p in rota.pattern if p.class_id == class_id),
        key=lambda p: (p.cycle_week, WEEKDAYS.index(p.weekday), p.start, p.rule_id),
    )
    sessions = sorted(
        (s for s in rota.sessions if s.class_id == class_id), key=lambda s: (s.date, s.start, s.id)
    )
    lost = sorted((x for x in rota.lost if x.class_id == class_id), key=lambda x: (x.date, x.start))
    activities = sorted(
        (a for a in rota.activities if class_id in a.class_ids),
        key=lambda a: (a.date, a.all_day is False, names.local(a.start), a.id),
    )
    summaries = [s for s in rota.summaries if s.class_id == class_id]
    return _page(
        request,
        who,
        "class.html",
        school,
        loaded,
        the_class=the_class,
        grade=labels.grade(the_class.grade, scenario.grade_name(the_class.grade)),
        cells=[_entry(loaded, names, kinds, p) for p in cells],
        sessions=[_session_row(names, s, t) for s in sessions],
        lost=[
            {
                "date": x.date,
                "day": names.day(x.date),
                "time": x.start.strftime("%H:%M"),
                "what": names.rules.get(x.rule_id, x.rule_id),
                "reason": x.reason,
            }
            for x in lost
        ],
        activities=[_activity_row(names, a) for a in activities],
        summaries=[(names.rules.get(s.rule_id, s.rule_id), s) for s in summaries],
        term=labels.date_range(rota.term_start, rota.term_end),
    )


@router.get("/rotas/{number}/staff/{staff_id}")
def staff_page(
    request: Request,
    school: SchoolSlug,
    number: VersionNumber,
    staff_id: str,
    session: SessionDep,
    who: SchoolEditor,
) -> Response:
    loaded = _load(session, school, number)
    scenario, rota = loaded.scenario, loaded.rota
    member = next((m for m in scenario.staff if m.id == staff_id), None)
    group = next((g for g in scenario.helper_groups if g.id == staff_id), None)
    if member is None and group is None:
        raise NotFound(f"staff member {staff_id!r}")
    lang = _lang(request, who)
    t, names = Translator(lang), Names.of(scenario, lang)
    labels = names.labels
    sessions = sorted(
        (s for s in rota.sessions if staff_id in s.staff_ids),
        key=lambda s: (s.date, s.start, s.class_id, s.id),
    )
    activities = []
    for a in sorted(rota.activities, key=lambda a: (a.date, a.all_day is False, names.local(a.start), a.id)):
        if staff_id in a.staff_ids:
            activities.append(_activity_row(names, a, t("views.staff.on_duty")))
        elif staff_id in a.participant_staff_ids or staff_id in a.helper_group_ids:
            activities.append(_activity_row(names, a, t("views.staff.taking_part")))
    if member is not None:
        name, role = member.name or member.id, member.role
        role = t(f"views.role.{role}") if f"views.role.{role}" in ALL else role
        days_off = [names.day(d) for d in sorted(member.days_off)]
        own_class = ""
    else:
        assert group is not None
        name, role = group.name or group.id, "helper"
        days_off = []
        own_class = names.class_name(group.class_id)
    per_day: dict[dt.date, int] = defaultdict(int)
    for s in sessions:
        per_day[s.date] += 1
    return _page(
        request,
        who,
        "staff.html",
        school,
        loaded,
        staff_id=staff_id,
        name=name,
        role=role,
        is_group=group is not None,
        own_class=own_class,
        days_off=days_off,
        sessions=[_session_row(names, s, t, with_class=True) for s in sessions],
        activities=activities,
        busiest=max(per_day.values(), default=0),
        term=labels.date_range(rota.term_start, rota.term_end),
    )


@dataclass(frozen=True)
class DayCell:
    date: dt.date
    number: int
    title: str
    in_month: bool
    in_term: bool
    marks: tuple[tuple[str, str], ...]
    """(kind, text): holiday, closure, makeup, stocktake."""
    sessions: tuple[str, ...]
    activities: tuple[str, ...]
    folded: bool


@dataclass(frozen=True)
class MonthWeek:
    heading: str
    days: tuple[DayCell | None, ...]


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _teaching_weeks(loaded: Loaded) -> dict[dt.date, tuple[int, str]]:
    """Teaching week and its A/B label by the Monday of each week of the term that counts one."""
    term_calendar = _term_calendar(loaded)
    cycle = max(loaded.rota.cycle_weeks, 1)
    out: dict[dt.date, tuple[int, str]] = {}
    days = [(d.date, d.teaching_week) for d in term_calendar.days]
    days += [(d.date, d.teaching_week) for d in term_calendar.days_off if d.teaching_week]
    for day, week in days:
        label = _week_label(loaded.rota, (week - 1) % cycle)
        out.setdefault(day - dt.timedelta(days=day.weekday()), (week, label))
    return out


@router.get("/rotas/{number}/month")
def month_first(
    school: SchoolSlug, number: VersionNumber, session: SessionDep, who: SchoolEditor
) -> Response:
    loaded = _load(session, school, number)
    first = _term_months(loaded.rota)[0]
    return RedirectResponse(f"/app/s/{school}/rotas/{number}/month/{first}", status_code=303)


@router.get("/rotas/{number}/month/{month}")
def month_page(
    request: Request,
    school: SchoolSlug,
    number: VersionNumber,
    month: str,
    session: SessionDep,
    who: SchoolEditor,
) -> Response:
    loaded = _load(session, school, number)
    scenario, rota = loaded.scenario, loaded.rota
    months = _term_months(rota)
    found = _MONTH.match(month)
    if found is None or month not in months:
        raise NotFound(f"month {month!r} of the term")
    year, mon = int(found.group(1)), int(found.group(2))
    lang = _lang(request, who)
    t, names = Translator(lang), Names.of(scenario, lang)
    labels = names.labels
    first = dt.date(year, mon, 1)
    last = dt.date(year, mon, calendar.monthrange(year, mon)[1])

    def here(day: dt.date) -> bool:
        return first <= day <= last

    marks: dict[dt.date, list[tuple[str, str]]] = defaultdict(list)
    for c in rota.calendar:
        if here(c.date):
            text = c.name or labels.day_kind(c.kind)
            if c.kind == "makeup":
                text = labels.day_kind("makeup") + (
                    labels.format("in_brackets", text=labels.follows(c.follows)) if c.follows else ""
                )
            marks[c.date].append((c.kind, text))
    sessions: dict[dt.date, list[tuple[Any, ...]]] = defaultdict(list)
    for s in rota.sessions:
        if here(s.date):
            start = names.local(s.start)
            text = f"{start} {names.class_name(s.class_id)} {labels.kind(s.kind)}"
            if s.origin != "pattern":
                text += labels.format("in_brackets", text=t(f"views.origin.{s.origin}"))
            sessions[s.date].append((start, *names.class_key(s.class_id), text))
    activities: dict[dt.date, list[tuple[str, str]]] = defaultdict(list)
    for a in rota.activities:
        if here(a.date) and a.activity_id != "stocktake":
            when = labels.heading("all_day") if a.all_day else names.local(a.start)
            activities[a.date].append((when, f"{when} {a.name or labels.kind(a.kind)}"))
        elif here(a.date):
            marks[a.date].append(("stocktake", labels.day_kind("stocktake")))
    used = set(scenario.term.weekdays) | {WEEKDAYS[d.weekday()] for d in [*sessions, *marks, *activities]}
    # A calendar's columns run without a gap: a make-up Sunday brings Saturday with it.
    used_at = [WEEKDAYS.index(wd) for wd in used]
    columns = list(range(min(used_at), max(used_at) + 1))
    weekdays = [WEEKDAYS[i] for i in columns]
    weeks_of = _teaching_weeks(loaded)
    weeks = []
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        if monday + dt.timedelta(days=6) < rota.term_start or monday > rota.term_end:
            monday += dt.timedelta(days=7)
            continue  # a row for the term's weeks only
        days: list[DayCell | None] = []
        for offset in columns:
            day = monday + dt.timedelta(days=offset)
            if not here(day):
                days.append(None)
                continue
            lines = [x[-1] for x in sorted(sessions.get(day, []))]
            day_marks = tuple(dict.fromkeys(marks.get(day, [])))
            days.append(
                DayCell(
                    date=day,
                    number=day.day,
                    title=labels.date_weekday(day),
                    in_month=True,
                    in_term=rota.term_start <= day <= rota.term_end,
                    marks=day_marks,
                    sessions=tuple(lines),
                    activities=tuple(x[1] for x in sorted(activities.get(day, []))),
                    folded=len(lines) > MANY_A_DAY,
                )
            )
        teaching = weeks_of.get(monday)
        heading = _week_text(t, *teaching) if teaching else ""
        weeks.append(MonthWeek(heading=heading, days=tuple(days)))
        monday += dt.timedelta(days=7)
    at = months.index(month)
    base = f"/app/s/{school}/rotas/{number}/month/"
    previous = Link(base + months[at - 1], _month_title(labels, months[at - 1])) if at > 0 else None
    following = (
        Link(base + months[at + 1], _month_title(labels, months[at + 1])) if at + 1 < len(months) else None
    )
    return _page(
        request,
        who,
        "month.html",
        school,
        loaded,
        month=month,
        title=_month_title(labels, month),
        weekdays=[labels.weekday(wd) for wd in weekdays],
        weeks=weeks,
        total=sum(len(v) for v in sessions.values()),
        previous=previous,
        following=following,
        months=[Link(base + m, _month_title(labels, m)) for m in months],
    )


# --- pins ----------------------------------------------------------------------------------------


PIN_FIELDS = ("class_id", "rule", "day", "start", "week")


def _problem_text(t: Translator, path: str, message: str) -> str:
    """A pin's problem with the field it is about: ``start time: 11:35 is not the start of ...``."""
    field = path.rpartition(".")[2]
    return t(f"views.pin.field.{field}", message=message) if field in PIN_FIELDS else message


def _back(school: str, number: int, back: str) -> str:
    """Where a pin form returns to: the page it was on (a view of this rota), else the week."""
    base = f"/app/s/{school}/rotas/{number}/"
    plain = back.startswith(base) and not any(c in back for c in ("//", "\\", "?", "#"))
    return back if plain else base + "week"


@router.post("/rotas/{number}/pins", dependencies=[CsrfChecked])
def pin_post(
    request: Request,
    school: SchoolSlug,
    number: VersionNumber,
    session: SessionDep,
    who: SchoolEditor,
    class_id: Annotated[str, Form(max_length=1000)] = "",
    rule: Annotated[str, Form(max_length=1000)] = "",
    day: Annotated[str, Form(max_length=1000)] = "",
    start: Annotated[str, Form(max_length=1000)] = "",
    week: Annotated[str, Form(max_length=1000)] = "",
    action: Annotated[str, Form(max_length=1000)] = "pin",
    back: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Keep a session of the weekly table where it is (``action=pin``), or let it go (``unpin``):
    the working scenario gains or loses the pin and is saved (a new scenario version, or the
    draft's next state). The rota shown changes only when it is solved again. Every field is
    optional here: what a pin lacks, the scenario's validator names, on the page."""
    loaded = _load(session, school, number)
    t = Translator(_lang(request, who))
    wanted = (class_id.strip(), rule.strip(), day.strip(), _hhmm(start.strip()), week.strip())
    working = working_scenario(session, school)
    data = edited(working.data)
    raw = data.get("pins")
    pins: list[Any] = list(raw) if isinstance(raw, list) else []
    keys = [_pin_key(p) if isinstance(p, dict) else None for p in pins]
    anchor = _anchor(
        CYCLE_LABELS.index(wanted[4]) if wanted[4] in CYCLE_LABELS else 0,
        wanted[2],
        wanted[3],
        wanted[0],
        wanted[1],
    )
    back_to = _back(school, number, back)

    def see(done: str) -> Response:
        return RedirectResponse(f"{back_to}?done={done}#{anchor}", status_code=303)

    if action == "unpin":
        if wanted not in keys:
            return see("not_pinned")
        data["pins"] = [p for p, k in zip(pins, keys, strict=True) if k != wanted]
        if not data["pins"]:
            del data["pins"]
        saved = save_working(session, school, data, who.account.username)
        return see("unpinned" if saved.ok else "unpinned_draft")
    if wanted in keys:
        return see("already")
    pin: dict[str, Any] = {"class_id": wanted[0], "rule": wanted[1], "day": wanted[2], "start": wanted[3]}
    if wanted[4]:
        pin["week"] = wanted[4]
    data["pins"] = [*pins, pin]
    index = len(pins)
    own = [p for p in problems_of(data) if p.path == f"pins[{index}]" or p.path.startswith(f"pins[{index}].")]
    if own:
        message = t("views.pin.refused", problems="; ".join(_problem_text(t, p.path, p.message) for p in own))
        return _week_page(request, who, school, loaded, 422, error=message)
    saved = save_working(session, school, data, who.account.username)
    return see("pinned" if saved.ok else "pinned_draft")
