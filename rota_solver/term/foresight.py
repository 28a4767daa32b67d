"""What the dates of a weekly cell will cost the term: the make-ups its days off force.

A class with one session a cycle (a fortnightly borrowing) holds it on every school day its cell
falls on; where those days leave a stretch longer than the rule's gap limit (a holiday, a closure,
the sports days on the cell's weekday), the dated stage must add a make-up or report the gap. The
weekly stage cannot see that, so among tables of equal wishes it may pick a cell on the very days
the school is shut (the demo school: a B-week Friday lunch slot lost to Mid-Autumn, the sports
days and New Year, a make-up and an extra returns session for each of two classes). Counted here
from the calendar alone, per cell, for the weekly stage to break ties with.
"""

from __future__ import annotations

import datetime as dt

from ..scenario import Scenario
from ..slots import Slot
from ..term_calendar import TermCalendar
from .plan import gap_days, rule_stops

CellKey = tuple[str, str, int, Slot]
"""(class, rule, cycle week, slot): a placement of the weekly model."""


def forced_makeups(
    scenario: Scenario, calendar: TermCalendar, cells: list[CellKey], cycle_weeks: int
) -> dict[CellKey, int]:
    """For each of ``cells`` of a rule with one session a cycle: how many make-ups (or unmet gaps)
    its dates alone force, at the least (stretches of the gap limit's length holding none of its
    dates but a school day, counted apart from each other). Cells that force none are left out."""
    stops = rule_stops(scenario, calendar)
    counted = {rule.id: gap_days(scenario, calendar, stops[rule.id]) for rule in scenario.rules}
    rules = {rule.id: rule for rule in scenario.rules}
    school_days = sorted(d.date for d in calendar.days)
    found: dict[CellKey, int] = {}
    forced_at: dict[tuple[str, int, Slot], int] = {}  # the same for every class of a rule
    for key in cells:
        _, rule_id, week, slot = key
        rule = rules[rule_id]
        if rule.frequency.sessions != 1 or rule.frequency.weeks != cycle_weeks:
            continue  # more than one cell a cycle: the gaps depend on them together
        at = (rule_id, week, slot)
        if at not in forced_at:
            dates = [
                d.date
                for d in calendar.days
                if d.cycle_week == week and d.follows == slot.weekday and d.date <= stops[rule_id]
            ]
            forced_at[at] = _stretches_without(counted[rule_id], rule.gap_limit, dates, school_days)
        if forced_at[at]:
            found[key] = forced_at[at]
    return found


def _stretches_without(
    counted: list[dt.date], gap: int, dates: list[dt.date], school_days: list[dt.date]
) -> int:
    """How many stretches of ``gap`` counted days with a school day and none of ``dates`` there are,
    none overlapping another (each needs a make-up of its own)."""
    held = set(dates)
    school = set(school_days)
    taken, free_after = 0, dt.date.min
    for i in range(len(counted) - gap + 1):
        first, last = counted[i], counted[i + gap - 1]
        if first <= free_after:
            continue
        window = counted[i : i + gap]
        if any(d in school for d in window) and not any(d in held for d in window):
            taken, free_after = taken + 1, last
    return taken
