"""The set-up pages' grids: a class's weekly timetable (periods down, weekdays across, a box per
lesson), a person's weekly hours (half-hours down), and the term's month calendar.

A grid shows what it can and keeps the rest as it is: a lesson with its own times, dates, weeks,
group or ``library_may_take`` is listed and never touched by the grid; hours that are not whole
half-hours stay as they were until the grid itself is changed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from rota_solver import Scenario, TermCalendar, build_term_calendar, calendar_warnings

from ...parsed import Memo
from ..forms import Block, Field, FormInput, Row, as_dict, as_list, text_of, time_text
from ..i18n import Translator
from .setup_lists import DEFAULT_WEEKDAYS, WEEKDAYS, Options

# --- a class's timetable -------------------------------------------------------------------------


@dataclass
class Cell:
    period: int
    """Index of the period in the grid's rows."""
    day: str
    busy: Field
    what: Field


@dataclass
class Timetable:
    periods: list[tuple[str, str]]
    """(period id, its bells, e.g. 08:00–08:40) per row."""
    days: list[tuple[str, str]]
    """(weekday, its name) per column."""
    cells: dict[tuple[int, str], Cell]
    others: list[Row]
    """Lessons the grid cannot show, kept as they are."""
    targets: dict[str, Any]


def _bells(data: dict[str, Any]) -> tuple[list[str], dict[tuple[str, str], str]]:
    """The period ids in order, and each (id, weekday)'s bells as text."""
    weekdays = Options.of(data).weekdays
    ids: list[str] = []
    bells: dict[tuple[str, str], str] = {}
    for item in as_list(data.get("periods")):
        period = as_dict(item)
        pid = period.get("id")
        if not isinstance(pid, str) or not pid:
            continue
        if pid not in ids:
            ids.append(pid)
        days = period.get("days")
        for day in days if isinstance(days, list) else weekdays:
            if isinstance(day, str):
                text = f"{time_text(period.get('start'))}–{time_text(period.get('end'))}"
                bells.setdefault((pid, day), text)
    return ids, bells


_PLAIN_KEYS = {"day", "period", "what"}


def grid_cell(entry: Any, ids: list[str], bells: dict[tuple[str, str], str]) -> tuple[int, str] | None:
    """The grid cell of a lesson that is only a weekday and a period (and what); None for others."""
    if not isinstance(entry, dict):
        return None
    extra = [k for k, v in entry.items() if k not in _PLAIN_KEYS and v not in (None, False, "")]
    day, period, what = entry.get("day"), entry.get("period"), entry.get("what", "")
    if extra or not isinstance(what, str) or not isinstance(day, str) or not isinstance(period, str):
        return None
    if (period, day) not in bells:
        return None
    return ids.index(period), day


def timetable(data: dict[str, Any], index: int, t: Translator) -> Timetable:
    school_class = as_dict(as_list(data.get("classes"))[index])
    ids, bells = _bells(data)
    weekdays = Options.of(data).weekdays
    prefix = f"classes.{index}"
    busy = as_list(school_class.get("busy"))
    found: dict[tuple[int, str], list[int]] = {}
    others: list[Row] = []
    targets: dict[str, Any] = {}
    for j, entry in enumerate(busy):
        cell = grid_cell(entry, ids, bells)
        if cell is None:
            row = Row(f"{prefix}.busy.{j}", describe_lesson(entry, t), [])
            others.append(row)
            targets[row.anchor] = row
        else:
            found.setdefault(cell, []).append(j)
    cells: dict[tuple[int, str], Cell] = {}
    for p, pid in enumerate(ids):
        for day in weekdays:
            if (pid, day) not in bells:
                continue
            where = f"{t('weekday.' + day)} {pid} ({bells[(pid, day)]})"
            entries = found.get((p, day), [])
            what = as_dict(busy[entries[0]]).get("what", "") if entries else ""
            box = Cell(
                p,
                day,
                Field(f"busy.{p}.{day}", t("setup.grid.busy_at", where=where), "checkbox", bool(entries)),
                Field(f"what.{p}.{day}", t("setup.grid.what_at", where=where), "text", text_of(what)),
            )
            cells[(p, day)] = box
            for j in entries:
                targets[f"{prefix}.busy.{j}"] = box.busy
    days = [(d, t(f"weekday_short.{d}")) for d in weekdays]
    periods = [(pid, _period_bells(pid, weekdays, bells)) for pid in ids]
    return Timetable(periods, days, cells, others, targets)


def _period_bells(pid: str, weekdays: list[str], bells: dict[tuple[str, str], str]) -> str:
    times = list(dict.fromkeys(bells[(pid, d)] for d in weekdays if (pid, d) in bells))
    return " / ".join(times)


def describe_lesson(entry: Any, t: Translator) -> str:
    """A lesson the grid cannot show, in one line (its fields as the scenario names them)."""
    if not isinstance(entry, dict):
        return text_of(entry)
    parts = []
    for key, value in entry.items():
        shown = time_text(value) if key in ("start", "end") else value
        if isinstance(shown, list):
            shown = ", ".join(text_of(v) for v in shown)
        parts.append(f"{key}: {text_of(shown)}")
    return "; ".join(parts)


def read_timetable(form: FormInput, data: dict[str, Any], index: int) -> list[Any]:
    """The class's lessons after the grid's post: those the grid cannot show kept in place, ticked
    cells kept (with their new ``what``), unticked ones gone, newly ticked ones added at the end."""
    ids, bells = _bells(data)
    weekdays = Options.of(data).weekdays
    busy = as_list(as_dict(as_list(data.get("classes"))[index]).get("busy"))
    kept: list[Any] = []
    done: set[tuple[int, str]] = set()
    for entry in busy:
        cell = grid_cell(entry, ids, bells)
        if cell is None:
            kept.append(entry)
        elif cell not in done and form.has(f"busy.{cell[0]}.{cell[1]}"):
            done.add(cell)
            kept.append(_lesson(ids[cell[0]], cell[1], form.text(f"what.{cell[0]}.{cell[1]}")))
    for p, pid in enumerate(ids):
        for day in weekdays:
            if (pid, day) in bells and (p, day) not in done and form.has(f"busy.{p}.{day}"):
                kept.append(_lesson(pid, day, form.text(f"what.{p}.{day}")))
    return kept


def _lesson(period: str, day: str, what: str) -> dict[str, Any]:
    lesson: dict[str, Any] = {"day": day, "period": period}
    if what:
        lesson["what"] = what
    return lesson


# --- a person's weekly hours ---------------------------------------------------------------------


_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?$")


def minutes_of(value: Any, fallback: int | None) -> int | None:
    found = _TIME.match(value) if isinstance(value, str) else None
    if found is None:
        return fallback
    hours, minutes = int(found.group(1)), int(found.group(2))
    return hours * 60 + minutes if hours < 24 and minutes < 60 else fallback


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class Hours:
    """The grid: half-hour rows over the school day, the school weekdays across."""

    rows: list[tuple[int, int]]
    days: list[tuple[str, str]]
    cells: dict[tuple[int, str], Field]
    summary: list[str]
    """The hours as the scenario has them, one line per entry."""
    block: Block
    ticked: set[tuple[int, str]] = field(default_factory=set)

    @property
    def row_labels(self) -> list[str]:
        return [f"{_hhmm(a)}–{_hhmm(b)}" for a, b in self.rows]


def _school_day(data: dict[str, Any]) -> tuple[int, int]:
    school = as_dict(data.get("school"))
    start = minutes_of(school.get("day_start"), 7 * 60) or 0
    end = minutes_of(school.get("day_end"), 18 * 60 + 30) or 24 * 60
    start, end = start - start % 30, min(24 * 60, end + (-end) % 30)
    return (start, end) if end > start else (7 * 60, 18 * 60 + 30)


def _covered(availability: Any, weekdays: list[str], rows: list[tuple[int, int]]) -> set[tuple[int, str]]:
    entries = [{}] if availability is None else as_list(availability)
    ticked: set[tuple[int, str]] = set()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        days = entry.get("days")
        on = [d for d in (days if isinstance(days, list) else weekdays) if d in weekdays]
        start = minutes_of(entry.get("start", "00:00"), None)
        end = minutes_of(entry.get("end", "23:59"), None)
        if start is None or end is None:
            continue
        for r, (a, b) in enumerate(rows):
            if start <= a and (b <= end or (end == 23 * 60 + 59 and b == 24 * 60)):
                ticked.update((r, d) for d in on)
    return ticked


def hours(data: dict[str, Any], key: str, index: int, t: Translator) -> Hours:
    person = as_dict(as_list(data.get(key))[index])
    weekdays = Options.of(data).weekdays
    start, end = _school_day(data)
    rows = [(m, m + 30) for m in range(start, end, 30)]
    availability = person.get("availability")
    ticked = _covered(availability, weekdays, rows)
    cells = {
        (r, d): Field(
            f"av.{r}.{d}",
            t("setup.grid.free_at", day=t(f"weekday.{d}"), start=_hhmm(a), end=_hhmm(b)),
            "checkbox",
            (r, d) in ticked,
        )
        for r, (a, b) in enumerate(rows)
        for d in weekdays
    }
    if availability is None:
        summary = [t("setup.hours.all_day")]
    else:
        summary = [describe_lesson(entry, t) for entry in as_list(availability)] or [t("setup.hours.never")]
    block = Block("grid", f"{key}.{index}.availability", t("setup.hours.grid"))
    return Hours(rows, [(d, t(f"weekday_short.{d}")) for d in weekdays], cells, summary, block, ticked)


def read_hours(form: FormInput, data: dict[str, Any], key: str, index: int, grid: Hours) -> Any:
    """The person's ``availability`` after the grid's post: as it was when no box changed; else a
    time range per run of ticked half-hours, the days with the same ranges together; nothing
    (the default: all day) when every box is ticked."""
    person = as_dict(as_list(data.get(key))[index])
    ticked = {cell for cell in grid.cells if form.has(f"av.{cell[0]}.{cell[1]}")}
    if ticked == grid.ticked:
        return person.get("availability")
    if len(ticked) == len(grid.cells):
        return None
    weekdays = [d for d, _ in grid.days]
    ranges: dict[str, list[tuple[int, int]]] = {}
    for d in weekdays:
        runs: list[tuple[int, int]] = []
        for r, (a, b) in enumerate(grid.rows):
            if (r, d) in ticked:
                if runs and runs[-1][1] == a:
                    runs[-1] = (runs[-1][0], b)
                else:
                    runs.append((a, b))
        ranges[d] = runs
    by_range: dict[tuple[int, int], list[str]] = {}
    for d in weekdays:
        for run in ranges[d]:
            by_range.setdefault(run, []).append(d)
    entries = []
    for (a, b), days in sorted(by_range.items()):
        entry: dict[str, Any] = {} if days == weekdays else {"days": days}
        entry.update({"start": _hhmm(a), "end": "23:59" if b == 24 * 60 else _hhmm(b)})
        entries.append(entry)
    return entries


# --- the term calendar ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    number: int
    """Day of the month; 0 for a blank cell before the 1st or after the last."""
    kind: str
    """school, makeup, holiday, closure, free (no school that weekday), outside (not in the term)."""
    name: str = ""
    week: int = 0


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    weeks: tuple[tuple[Day, ...], ...]
    """Monday to Sunday."""

    @property
    def week_numbers(self) -> list[int]:
        """Each row's teaching week (0 where it has no school day)."""
        return [max((d.week for d in week), default=0) for week in self.weeks]


@dataclass(frozen=True)
class TermDays:
    months: tuple[Month, ...]
    school_days: int
    teaching_weeks: int
    exact: bool
    """Drawn by the term calendar (public holidays included), not only from the dates typed."""
    warnings: tuple[str, ...] = ()
    problem: str = ""


_CALENDARS = Memo(32)
_STAND_IN: dict[str, Any] = {
    "windows": [{"id": "w", "start": "08:00", "end": "09:00"}],
    "rooms": [{"id": "r"}],
    "classes": [{"id": "c", "grade": 1}],
    "rules": [
        {
            "id": "r",
            "kind": "k",
            "grades": [1],
            "room": "r",
            "frequency": {"per_week": 1},
            "duration_minutes": 30,
            "windows": ["w"],
        }
    ],
}
"""The rest of a scenario, for drawing a term on its own before the school's rules are written."""


def term_days(data: dict[str, Any]) -> TermDays | None:
    """The term's days month by month (None before a start and end are given)."""
    term = as_dict(data.get("term"))
    locale = as_dict(data.get("school")).get("locale")
    key = json.dumps([term, locale], sort_keys=True, ensure_ascii=False, default=str)
    found: TermDays | None = _CALENDARS.get(key, lambda: _term_days(term, locale))
    return found


def _term_days(term: dict[str, Any], locale: Any) -> TermDays | None:
    school = {"name": "-", "locale": locale if locale in ("zh-CN", "en") else "zh-CN"}
    try:
        scenario = Scenario.model_validate({"school": school, "term": term, **_STAND_IN})
    except ValueError:
        return _typed_days(term)
    try:
        laid_out = build_term_calendar(scenario)
        warnings = tuple(calendar_warnings(scenario))
    except Exception as exc:  # an unknown holiday country or region: the page says so, whatever it is
        typed = _typed_days(term)
        return None if typed is None else TermDays(typed.months, typed.school_days, 0, False, (), str(exc))
    return _from_calendar(scenario, laid_out, warnings)


def _from_calendar(scenario: Scenario, laid_out: TermCalendar, warnings: tuple[str, ...]) -> TermDays:
    kinds: dict[dt.date, Day] = {}
    for day in laid_out.days:
        kind = "makeup" if day.makeup else "school"
        kinds[day.date] = Day(day.date.day, kind, day.makeup_name or "", day.teaching_week)
    for off in laid_out.days_off:
        if off.kind in ("holiday", "closure"):
            kinds[off.date] = Day(off.date.day, off.kind, off.name, off.teaching_week)
    months = _months(scenario.term.start, scenario.term.end, kinds)
    return TermDays(months, len(laid_out.days), laid_out.teaching_weeks, True, warnings)


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _typed_days(term: dict[str, Any]) -> TermDays | None:
    """The term drawn from its dates and lists as typed (no public holidays), when it does not
    validate yet."""
    start, end = _date(term.get("start")), _date(term.get("end"))
    if start is None or end is None or end < start or (end - start).days > 400:
        return None
    raw = term.get("weekdays", DEFAULT_WEEKDAYS)
    weekdays = {d for d in raw if isinstance(d, str)} if isinstance(raw, list) else set(DEFAULT_WEEKDAYS)
    kinds: dict[dt.date, Day] = {}
    day = start
    while day <= end:
        if WEEKDAYS[day.weekday()] in weekdays:
            kinds[day] = Day(day.day, "school")
        day += dt.timedelta(days=1)
    for item in as_list(term.get("closures")):
        closure = as_dict(item)
        first = _date(closure.get("start"))
        last = _date(closure.get("end")) or first
        if first is None or last is None or (last - first).days > 400:
            continue
        day = first
        while day <= last:
            if day in kinds:
                kinds[day] = Day(day.day, "closure", text_of(closure.get("name")))
            day += dt.timedelta(days=1)
    for item in as_list(term.get("makeup_days")):
        makeup = as_dict(item)
        day_ = _date(makeup.get("date"))
        if day_ is not None and start <= day_ <= end:
            kinds[day_] = Day(day_.day, "makeup", text_of(makeup.get("name")))
    school_days = sum(1 for d in kinds.values() if d.kind in ("school", "makeup"))
    return TermDays(_months(start, end, kinds), school_days, 0, False)


def _months(start: dt.date, end: dt.date, kinds: dict[dt.date, Day]) -> tuple[Month, ...]:
    months = []
    year, month = start.year, start.month
    weeks_of = calendar.Calendar(firstweekday=0)
    while (year, month) <= (end.year, end.month):
        weeks = []
        for week in weeks_of.monthdatescalendar(year, month):
            row = []
            for day in week:
                if day.month != month:
                    row.append(Day(0, "blank"))
                elif not start <= day <= end:
                    row.append(Day(day.day, "outside"))
                else:
                    row.append(kinds.get(day, Day(day.day, "free")))
            weeks.append(tuple(row))
        months.append(Month(year, month, tuple(weeks)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(months)
