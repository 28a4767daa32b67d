"""The term rota as CSV: one row per dated session, for spreadsheets and other programs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Mapping
from typing import Literal
from zoneinfo import ZoneInfo

from .labels import CSV_COLUMNS, labels_for
from .rota import DatedSession, Rota
from .scenario import Scenario

STAFF_SEPARATOR = "; "


def people_names(scenario: Scenario) -> dict[str, str]:
    """Printed name of every staff member and helper group by id (the id when unnamed)."""
    names = {m.id: m.name or m.id for m in scenario.staff}
    names.update({g.id: g.name or g.id for g in scenario.helper_groups})
    return names


def local_time(moment: dt.datetime, tz: ZoneInfo) -> dt.time:
    """Wall-clock time at the school; a naive datetime is taken as already local."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.time()


def hhmm(t: dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


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


def rota_csv(scenario: Scenario, rota: Rota, *, header: Literal["ids", "labels"] = "ids") -> str:
    """Every dated session of ``rota`` as CSV text with ``\\n`` line endings.

    The header is the stable column ids of :data:`rota_solver.labels.CSV_COLUMNS`; pass
    ``header="labels"`` for the school's language instead. Values stay machine-readable
    (ISO dates, ``mon``, kind ids) except names, which are printed names. Write the text
    with ``encoding="utf-8-sig"`` if Excel is to open it: without the BOM it guesses ANSI.
    """
    tz = scenario.school.tz
    classes = {c.id: c for c in scenario.classes}
    rooms: Mapping[str, str] = {r.id: r.name or r.id for r in scenario.rooms}
    people = people_names(scenario)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if header == "labels":
        labels = labels_for(scenario.school.locale)
        writer.writerow([labels.column(c) for c in CSV_COLUMNS])
    else:
        writer.writerow(CSV_COLUMNS)
    for s in ordered_sessions(scenario, rota.sessions):
        school_class = classes.get(s.class_id)
        row = {
            "date": s.date.isoformat(),
            "weekday": s.follows,
            "start": hhmm(local_time(s.start, tz)),
            "end": hhmm(local_time(s.end, tz)),
            "teaching_week": str(s.teaching_week),
            "week_label": s.week_label,
            "class_id": s.class_id,
            "class_name": school_class.label if school_class else s.class_id,
            "grade": str(school_class.grade) if school_class else "",
            "kind": s.kind,
            "rule_id": s.rule_id,
            "room": rooms.get(s.room_id, s.room_id),
            "staff": STAFF_SEPARATOR.join(people.get(p, p) for p in s.staff_ids),
            "session_id": s.id,
        }
        writer.writerow([row[c] for c in CSV_COLUMNS])
    return out.getvalue()
