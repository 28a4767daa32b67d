"""The per-class summary: each row counts the rota's own sessions and losses, and its columns add up.

Restated from the scenario's calendar, the weekly table (``rota.pattern``) and the dated sessions::

    required + on_makeup_days = planned          (a first solve: before a rerun's freeze an older
                                                  table ran, so a rerun's planned may differ)
    planned = from_table + lost
    held = from_table + made_up + extra_returns  (every dated session of the class and rule)
"""

from __future__ import annotations

from collections import Counter

from ..rota import ClassSummary, Rota
from ..rules import RuleId
from ..scenario import Scenario
from ._common import _calendar, _Found, check


def _counts(scenario: Scenario, rota: Rota) -> dict[tuple[str, str], dict[str, int]]:
    """What each row should say, counted afresh."""
    calendar = _calendar(scenario)
    rows: dict[tuple[str, str], Counter[str]] = {
        (c.id, r.id): Counter() for r in scenario.rules for c in scenario.rule_classes(r)
    }

    def add(class_id: str, rule_id: str, column: str) -> None:
        rows.setdefault((class_id, rule_id), Counter())[column] += 1

    cycle = max(rota.cycle_weeks, 1)
    for week in range(1, calendar.teaching_weeks + 1):
        for cell in rota.pattern:
            if cell.cycle_week == (week - 1) % cycle:
                add(cell.class_id, cell.rule_id, "required")
    for day in calendar.days:
        if day.makeup:
            for cell in rota.pattern:
                if cell.cycle_week == day.cycle_week and cell.weekday == day.follows:
                    add(cell.class_id, cell.rule_id, "on_makeup_days")
    days = {d.date: d for d in calendar.days}
    slots = {(c.class_id, c.rule_id, c.cycle_week, c.weekday, c.start) for c in rota.pattern}
    lost_at = {(x.class_id, x.rule_id, x.date, x.start) for x in rota.lost}
    for x in rota.lost:
        add(x.class_id, x.rule_id, "lost")
    for s in rota.sessions:
        on = days.get(s.date)
        slot = None if on is None else (s.class_id, s.rule_id, on.cycle_week, on.follows, s.start.time())
        on_slot = slot in slots
        if s.origin == "pattern":
            column = "from_table"
        elif s.origin == "makeup":
            column = "made_up"
        elif on_slot and (s.class_id, s.rule_id, s.date, s.start.time()) not in lost_at:
            column = "from_table"  # the table's session there, turned into the final returns session
        else:
            column = "extra_returns"
        add(s.class_id, s.rule_id, column)
    return {key: dict(counter) for key, counter in rows.items()}


_COLUMNS = ("required", "on_makeup_days", "lost", "from_table", "made_up", "extra_returns")


@check(RuleId.SUMMARY_ADDS_UP)
def check_summary_adds_up(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """One row per class and rule of the scenario; each column is the count of what it names, and
    the columns add up (see the module docstring). A rota without its weekly table and summary (one
    made by hand for a test) has nothing to count against."""
    if not rota.pattern and not rota.summaries:
        return
    expected = _counts(scenario, rota)
    rows: dict[tuple[str, str], list[ClassSummary]] = {}
    for row in rota.summaries:
        rows.setdefault((row.class_id, row.rule_id), []).append(row)
    for key in sorted(set(expected) | set(rows)):
        class_id, rule_id = key
        who = f"Summary of class {class_id}, rule {rule_id}:"
        got = rows.get(key, [])
        if len(got) != 1:
            found.add(f"{who} {len(got)} rows, not one.")
            continue
        row = got[0]
        counts = expected.get(key, {})
        for column in _COLUMNS:
            want = counts.get(column, 0)
            if getattr(row, column) != want:
                found.add(f"{who} {column} is {getattr(row, column)}, but the rota has {want}.")
        if row.planned != row.from_table + row.lost:
            found.add(f"{who} planned {row.planned} is not from_table {row.from_table} + lost {row.lost}.")
        if row.held != row.from_table + row.made_up + row.extra_returns:
            found.add(
                f"{who} held {row.held} is not from_table {row.from_table} + made_up {row.made_up} "
                f"+ extra_returns {row.extra_returns}."
            )
        sessions = sum(1 for s in rota.sessions if (s.class_id, s.rule_id) == key)
        if row.held != sessions:
            found.add(f"{who} held is {row.held}, but the rota has {sessions} sessions of it.")
        if rota.frozen_before is None and row.planned != row.required + row.on_makeup_days:
            found.add(
                f"{who} planned {row.planned} is not required {row.required} + on_makeup_days "
                f"{row.on_makeup_days}: a table session is neither held nor listed lost."
            )
