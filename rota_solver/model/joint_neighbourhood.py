"""Where a table leaves a joint activity no time: the occurrences it blocks, and the classes that
stand in their way, whose cells a neighbourhood of the table sets free again."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from ..scenario import Scenario
from ..term_calendar import TermCalendar
from .builder import BuiltModel, Table
from .soft_rules import joint_activity_times, joint_classes
from .variables import Cells

JOINT_ACTIVITY_TIME = "JointActivityTime"


def blocked_occurrences(built: BuiltModel, solver: cp_model.CpSolver) -> list[tuple[str, int]]:
    """(activity id, occurrence from 1) of each occurrence the solver's table leaves without a time."""
    blocked = []
    for penalty in built.penalties:
        if penalty.name != JOINT_ACTIVITY_TIME:
            continue
        for expr, label in penalty.units:
            if solver.value(expr):
                activity_id, _, occurrence = label.rpartition(".")
                blocked.append((activity_id, int(occurrence)))
    return blocked


def classes_in_the_way(
    scenario: Scenario, calendar: TermCalendar, blocked: list[tuple[str, int]], table: Table
) -> frozenset[str]:
    """The classes taking part in the ``blocked`` occurrences, and those the table has in a session at
    one of their times: every session, duty and helper that keeps such a time from being free is one
    of theirs."""
    activities = {a.id: a for a in scenario.activities}
    classes: set[str] = set()
    times: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for activity_id, occurrence in blocked:
        activity = activities[activity_id]
        classes |= joint_classes(scenario, activity)
        for day, slot in joint_activity_times(scenario, calendar, activity)[occurrence - 1]:
            times[(day.cycle_week, slot.weekday)].append((slot.start, slot.end))
    for (class_id, _, week, slot), chosen in table.placements.items():
        if chosen and any(
            slot.start < end and start < slot.end for start, end in times.get((week, slot.weekday), ())
        ):
            classes.add(class_id)
    return frozenset(classes)


def neighbourhood(table: Table, free: frozenset[str]) -> Cells:
    """The cells of ``table``, and every cell of the ``free`` classes."""
    return Cells(
        frozenset(k for k, v in table.day_sets.items() if v),
        frozenset(k for k, v in table.placements.items() if v),
        free,
    )
