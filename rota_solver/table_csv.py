"""The term rota as CSV, for spreadsheets and other programs.

One row per dated library session (``row_type`` ``session``), per placed activity, meeting,
event or stocktake shift (``activity``) and per holiday, closure, make-up or stocktake day
(``day``). The columns are :data:`rota_solver.labels.CSV_COLUMNS`, documented there; rows are
in date order, all-day rows first on each day, then by start time.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from typing import Literal
from zoneinfo import ZoneInfo

from .labels import CSV_COLUMNS, labels_for
from .rota import ActivityEvent, CalendarDay, DatedSession, Rota
from .scenario import WEEKDAYS, Scenario, SchoolClass

STAFF_SEPARATOR = "; "
"""Joins several people, classes or grades in one CSV cell."""

RowType = Literal["day", "session", "activity"]
_ROW_ORDER: Mapping[str, int] = {"day": 0, "session": 1, "activity": 2}


def people_names(scenario: Scenario) -> dict[str, str]:
    """Printed name of every staff member and helper group by id (the id when unnamed)."""
    names = {m.id: m.name or m.id for m in scenario.staff}
    names.update({g.id: g.name or g.id for g in scenario.helper_groups})
    return names


def teacher_group_names(scenario: Scenario) -> dict[str, str]:
    return {t.id: t.name or t.id for t in scenario.teacher_groups}


def local_time(moment: dt.datetime, tz: ZoneInfo) -> dt.time:
    """Wall-clock time at the school; a naive datetime is taken as already local."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.time()


def hhmm(t: dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def weekday_of_date(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def ordered_sessions(scenario: Scenario, sessions: list[DatedSession]) -> list[DatedSession]:
    """Sessions by date and time, then in scenario class and rule order, so output is stable."""
    tz = scenario.school.tz
    class_order = {c.id: i for i, c in enumerate(scenario.classes)}
    rule_order = {r.id: i for i, r in enumerate(scenario.rules)}
    return sorted(
        sessions,
        key=lambda s: (
            s.date,
            local_time(s.start, tz),
            local_time(s.end, tz),
            class_order.get(s.class_id, len(class_order)),
            s.class_id,
            rule_order.get(s.rule_id, len(rule_order)),
            s.rule_id,
            s.id,
        ),
    )


def event_times(event: ActivityEvent, tz: ZoneInfo) -> tuple[dt.time, dt.time] | None:
    """Local start and end of a timed activity; none for an all-day one."""
    if event.all_day or event.start is None or event.end is None:
        return None
    return local_time(event.start, tz), local_time(event.end, tz)


def ordered_activities(scenario: Scenario, events: list[ActivityEvent]) -> list[ActivityEvent]:
    """Activities by date, all-day ones first, then by time and id."""
    tz = scenario.school.tz

    def key(e: ActivityEvent) -> tuple[dt.date, int, dt.time, dt.time, str]:
        times = event_times(e, tz)
        if times is None:
            return (e.date, 0, dt.time(0), dt.time(0), e.id)
        return (e.date, 1, times[0], times[1], e.id)

    return sorted(events, key=key)


def ordered_days(days: list[CalendarDay]) -> list[CalendarDay]:
    kinds = {"holiday": 0, "closure": 1, "makeup": 2, "stocktake": 3}
    return sorted(days, key=lambda d: (d.date, kinds.get(d.kind, len(kinds)), d.kind, d.name))


class WeekFinder:
    """Teaching week and A/B label of any date, from the dated sessions (empty when unknown).

    A date without sessions takes the week of a session in the same Monday-to-Sunday week.
    """

    def __init__(self, sessions: Iterable[DatedSession]) -> None:
        self._by_date: dict[dt.date, tuple[int, str]] = {}
        self._by_monday: dict[dt.date, tuple[int, str]] = {}
        for s in sorted(sessions, key=lambda s: (s.date, s.teaching_week, s.week_label)):
            self._by_date.setdefault(s.date, (s.teaching_week, s.week_label))
            self._by_monday.setdefault(_monday(s.date), (s.teaching_week, s.week_label))

    def week(self, day: dt.date) -> tuple[int, str] | None:
        return self._by_date.get(day) or self._by_monday.get(_monday(day))


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def rota_csv(scenario: Scenario, rota: Rota, *, header: Literal["ids", "labels"] = "ids") -> str:
    """The whole term of ``rota`` as CSV text with ``\\n`` line endings.

    The header is the stable column ids of :data:`rota_solver.labels.CSV_COLUMNS`; pass
    ``header="labels"`` for the school's language instead. Values stay machine-readable
    (ISO dates, ``mon``, kind ids) except names, which are printed names. Write the text
    with ``encoding="utf-8-sig"`` if Excel is to open it: without the BOM it guesses ANSI.
    """
    tz = scenario.school.tz
    classes = {c.id: c for c in scenario.classes}
    rules = {r.id: r.name or r.id for r in scenario.rules}
    rooms: Mapping[str, str] = {r.id: r.name or r.id for r in scenario.rooms}
    people = people_names(scenario)
    teachers = teacher_group_names(scenario)
    weeks = WeekFinder(rota.sessions)

    rows: list[tuple[tuple[object, ...], dict[str, str]]] = []

    def add(
        row_type: RowType, day: dt.date, times: tuple[dt.time, dt.time] | None, row: dict[str, str]
    ) -> None:
        week = weeks.week(day)
        full = {c: "" for c in CSV_COLUMNS}
        full.update(
            row_type=row_type,
            date=day.isoformat(),
            weekday=weekday_of_date(day),
            teaching_week=str(week[0]) if week else "",
            week_label=week[1] if week else "",
        )
        if times is not None:
            full.update(start=hhmm(times[0]), end=hhmm(times[1]))
        full.update(row)
        rows.append(((day, times is not None, times or (), _ROW_ORDER[row_type], len(rows)), full))

    for d in ordered_days(rota.calendar):
        add("day", d.date, None, {"kind": d.kind, "name": d.name, "follows": d.follows or ""})
    for s in ordered_sessions(scenario, rota.sessions):
        add(
            "session",
            s.date,
            (local_time(s.start, tz), local_time(s.end, tz)),
            {
                "follows": s.follows,
                "teaching_week": str(s.teaching_week),
                "week_label": s.week_label,
                **_class_columns([s.class_id], classes),
                "kind": s.kind,
                "origin": s.origin,
                "rule_id": s.rule_id,
                "name": rules.get(s.rule_id, s.rule_id),
                "room": rooms.get(s.room_id, s.room_id),
                "staff": STAFF_SEPARATOR.join(people.get(p, p) for p in s.staff_ids),
                "id": s.id,
            },
        )
    for e in ordered_activities(scenario, rota.activities):
        participants = [people.get(g, g) for g in e.helper_group_ids]
        participants += [teachers.get(t, t) for t in e.teacher_group_ids]
        participants += [people.get(p, p) for p in e.participant_staff_ids]
        add(
            "activity",
            e.date,
            event_times(e, tz),
            {
                "follows": e.follows,
                **_class_columns(e.class_ids, classes),
                "kind": e.kind,
                "activity_id": e.activity_id,
                "name": e.name,
                "room": rooms.get(e.room_id, e.room_id) if e.room_id else "",
                "staff": STAFF_SEPARATOR.join(people.get(p, p) for p in e.staff_ids),
                "participants": STAFF_SEPARATOR.join(participants),
                "id": e.id,
            },
        )
    # Stable sort: rows of one kind keep the order their own sort gave them.
    rows.sort(key=lambda r: r[0])

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header == "labels":
        labels = labels_for(scenario.school.locale)
        writer.writerow([labels.column(c) for c in CSV_COLUMNS])
    else:
        writer.writerow(CSV_COLUMNS)
    for _key, row in rows:
        writer.writerow([row[c] for c in CSV_COLUMNS])
    return out.getvalue()


def _class_columns(class_ids: list[str], classes: Mapping[str, SchoolClass]) -> dict[str, str]:
    found = [classes.get(c) for c in class_ids]
    grades: list[str] = []
    for school_class in found:
        if school_class is not None and str(school_class.grade) not in grades:
            grades.append(str(school_class.grade))
    return {
        "class_id": STAFF_SEPARATOR.join(class_ids),
        "class_name": STAFF_SEPARATOR.join(
            c.label if c is not None else i for c, i in zip(found, class_ids, strict=True)
        ),
        "grade": STAFF_SEPARATOR.join(grades),
    }
