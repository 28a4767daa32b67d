"""Lay the weekly rotation table over the term's real dates."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from .rota import CalendarDay, ClassSummary, DatedSession, LostSession, PatternSession
from .scenario import Scenario, minutes
from .slots import Slot, staff_available_at
from .term_calendar import SchoolDay, TermCalendar, week_label


@dataclass(frozen=True)
class Expansion:
    sessions: list[DatedSession]
    lost: list[LostSession]
    calendar: list[CalendarDay]
    summaries: list[ClassSummary]


def expand_pattern(scenario: Scenario, calendar: TermCalendar, pattern: list[PatternSession]) -> Expansion:
    """Every school day runs the pattern row of the weekday it follows, in its cycle week.

    Pattern sessions on holidays and closures, or in a room closed that day, are lost (make-ups come
    with the whole-term model);
    a duty whose staff member is away that day goes to a free colleague of the same role, or is
    lost when there is none.
    """
    tz = scenario.school.tz
    by_day: dict[tuple[int, str], list[PatternSession]] = defaultdict(list)
    for cell in pattern:
        by_day[(cell.cycle_week, cell.weekday)].append(cell)
    sessions: list[DatedSession] = []
    lost: list[LostSession] = []
    occurrence: dict[tuple[str, str, int], int] = defaultdict(int)
    for day in calendar.days:
        cells = sorted(
            by_day.get((day.cycle_week, day.follows), []), key=lambda c: (c.start, c.rule_id, c.class_id)
        )
        closed = {r.id: c.name for r in scenario.rooms for c in r.closed if c.start <= day.date <= c.last}
        lost += [
            LostSession(
                date=day.date,
                rule_id=cell.rule_id,
                class_id=cell.class_id,
                start=cell.start,
                reason=closed[cell.room_id],
                cause="room_closed",
            )
            for cell in cells
            if cell.room_id in closed
        ]
        cells = [cell for cell in cells if cell.room_id not in closed]
        staffed = _cover_absences(scenario, day, cells)
        for cell in cells:
            staff = staffed.get(_duty(cell))
            if staff is None:
                lost.append(
                    LostSession(
                        date=day.date,
                        rule_id=cell.rule_id,
                        class_id=cell.class_id,
                        start=cell.start,
                        reason=_absence_reason(scenario, day.date, cell),
                        cause="staff_away",
                    )
                )
                continue
            n = occurrence[(cell.rule_id, cell.class_id, day.teaching_week)] = (
                occurrence[(cell.rule_id, cell.class_id, day.teaching_week)] + 1
            )
            sessions.append(
                DatedSession(
                    id=f"{cell.rule_id}.{cell.class_id}.w{day.teaching_week}.{n}",
                    date=day.date,
                    start=dt.datetime.combine(day.date, cell.start, tzinfo=tz),
                    end=dt.datetime.combine(day.date, cell.end, tzinfo=tz),
                    follows=day.follows,
                    teaching_week=day.teaching_week,
                    week_label=week_label(day.cycle_week, calendar.cycle_weeks),
                    window_id=cell.window_id,
                    rule_id=cell.rule_id,
                    kind=cell.kind,
                    room_id=cell.room_id,
                    class_id=cell.class_id,
                    staff_ids=staff,
                )
            )
    lost += _lost_to_days_off(calendar, by_day)
    lost.sort(key=lambda x: (x.date, x.start, x.rule_id, x.class_id))
    return Expansion(
        sessions, lost, _calendar_days(calendar), summarise(scenario, calendar, pattern, sessions, lost)
    )


def _duty(cell: PatternSession) -> tuple[str, dt.time, dt.time, str]:
    return (cell.rule_id, cell.start, cell.end, cell.room_id)


def _cover_absences(
    scenario: Scenario, day: SchoolDay, cells: list[PatternSession]
) -> dict[tuple[str, dt.time, dt.time, str], list[str]]:
    """Staff per duty on this date; a duty that cannot be covered is left out. A duty that needs no
    staff (its rule's ``staffing`` is empty) is never touched by anyone's day off."""
    duties: dict[tuple[str, dt.time, dt.time, str], list[str]] = {}
    for cell in cells:
        duties.setdefault(_duty(cell), list(cell.staff_ids))
    away = {m.id for m in scenario.staff if day.date in m.days_off}
    if not away & {p for staff in duties.values() for p in staff}:
        return duties
    busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for (_, start, end, _), staff in duties.items():
        for person in staff:
            busy[person].append((minutes(start), minutes(end)))
    members = {m.id: m for m in scenario.staff}
    covered: dict[tuple[str, dt.time, dt.time, str], list[str]] = {}
    for duty, staff in duties.items():
        if not away & set(staff):
            covered[duty] = list(staff)
            continue
        _, start, end, _ = duty
        slot = Slot(day.follows, minutes(start), minutes(end), "")
        team = []
        for person in staff:
            if person not in away:
                team.append(person)
                continue
            role = members[person].role
            stand_in = next(
                (
                    m.id
                    for m in scenario.staff
                    if m.role == role
                    and m.id not in away
                    and m.id not in team
                    and staff_available_at(scenario, m, slot)
                    and all(e <= slot.start or slot.end <= s for s, e in busy[m.id])
                    and (m.max_sessions_per_day is None or len(busy[m.id]) < m.max_sessions_per_day)
                ),
                None,
            )
            if stand_in is None:
                break
            team.append(stand_in)
            busy[stand_in].append((slot.start, slot.end))
        else:
            covered[duty] = team
    return covered


def _absence_reason(scenario: Scenario, date: dt.date, cell: PatternSession) -> str:
    away = [m.name or m.id for m in scenario.staff if m.id in cell.staff_ids and date in m.days_off]
    if scenario.school.locale == "zh-CN":
        return "值班人员请假，无人代班：" + "、".join(away)
    return "staff away, no stand-in: " + ", ".join(away)


def _lost_to_days_off(
    calendar: TermCalendar, by_day: dict[tuple[int, str], list[PatternSession]]
) -> list[LostSession]:
    lost = []
    weekdays = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for off in calendar.days_off:
        if off.teaching_week == 0:
            continue  # a week with no school at all pauses the rotation: nothing is lost
        cycle_week = (off.teaching_week - 1) % calendar.cycle_weeks
        for cell in by_day.get((cycle_week, weekdays[off.date.weekday()]), []):
            lost.append(
                LostSession(
                    date=off.date,
                    rule_id=cell.rule_id,
                    class_id=cell.class_id,
                    start=cell.start,
                    reason=off.name,
                    cause="outside_term" if off.kind == "outside_term" else "day_off",
                )
            )
    return lost


def _calendar_days(calendar: TermCalendar) -> list[CalendarDay]:
    days = [
        CalendarDay(date=o.date, kind="holiday" if o.kind == "holiday" else "closure", name=o.name)
        for o in calendar.days_off
        if o.kind != "outside_term"
    ]
    days += [
        CalendarDay(date=d.date, kind="makeup", name=d.makeup_name or "", follows=d.follows)
        for d in calendar.days
        if d.makeup
    ]
    return sorted(days, key=lambda d: d.date)


def summarise(
    scenario: Scenario,
    calendar: TermCalendar,
    pattern: list[PatternSession],
    sessions: list[DatedSession],
    lost: list[LostSession],
) -> list[ClassSummary]:
    """Per class and rule, in columns that add up (see :class:`ClassSummary`): required by the
    table, its extra sessions on make-up days, planned = held from the table + lost, and held =
    from the table + made up + extra returns sessions."""
    # Required: the pattern's sessions in every teaching week, holidays or not.
    required: dict[tuple[str, str], int] = defaultdict(int)
    weeks_in_phase = Counter(week % calendar.cycle_weeks for week in range(calendar.teaching_weeks))
    for cell in pattern:
        required[(cell.class_id, cell.rule_id)] += weeks_in_phase[cell.cycle_week]
    # A make-up day runs its followed weekday's row once more.
    on_makeup_days: dict[tuple[str, str], int] = defaultdict(int)
    for day in calendar.days:
        if day.makeup:
            for cell in pattern:
                if (cell.cycle_week, cell.weekday) == (day.cycle_week, day.follows):
                    on_makeup_days[(cell.class_id, cell.rule_id)] += 1
    # A returns session on a table slot not listed lost is that slot's session, turned into it.
    cells = {(c.class_id, c.rule_id, c.cycle_week, c.weekday, c.start) for c in pattern}
    cycle_of = {d.date: d.cycle_week for d in calendar.days}
    lost_at = {(x.class_id, x.rule_id, x.date, x.start) for x in lost}
    from_table: dict[tuple[str, str], int] = defaultdict(int)
    extra_returns: dict[tuple[str, str], int] = defaultdict(int)
    made_up: dict[tuple[str, str], int] = defaultdict(int)
    missed: dict[tuple[str, str], int] = defaultdict(int)
    for s in sessions:
        key = (s.class_id, s.rule_id)
        if s.origin == "pattern":
            from_table[key] += 1
        elif s.origin == "makeup":
            made_up[key] += 1
        elif (
            s.date in cycle_of
            and (s.class_id, s.rule_id, cycle_of[s.date], s.follows, s.start.time()) in cells
            and (s.class_id, s.rule_id, s.date, s.start.time()) not in lost_at
        ):
            from_table[key] += 1
        else:
            extra_returns[key] += 1
    for x in lost:
        missed[(x.class_id, x.rule_id)] += 1
    out = []
    members = {rule.id: {c.id for c in scenario.rule_classes(rule)} for rule in scenario.rules}
    for school_class in scenario.classes:
        for rule in scenario.rules:
            if school_class.id in members[rule.id]:
                key = (school_class.id, rule.id)
                out.append(
                    ClassSummary(
                        class_id=school_class.id,
                        rule_id=rule.id,
                        required=required[key],
                        on_makeup_days=on_makeup_days[key],
                        planned=from_table[key] + missed[key],
                        lost=missed[key],
                        from_table=from_table[key],
                        made_up=made_up[key],
                        extra_returns=extra_returns[key],
                        held=from_table[key] + made_up[key] + extra_returns[key],
                    )
                )
    return out
