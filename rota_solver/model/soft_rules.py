"""Soft rules: each function returns one named, weighted penalty with who bears each unit."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..scenario import Activity, Scenario
from ..slots import Slot, class_busy_at, window_times
from ..term.plan import occurrence_days
from ..term_calendar import build_term_calendar
from .variables import RotaModel


@dataclass(frozen=True)
class Penalty:
    """A soft rule's cost: ``weight`` x the sum of ``units`` (expression, bearer id)."""

    name: str
    description: str
    weight: int
    units: list[tuple[cp_model.LinearExprT, str]]
    staff_step: bool = False
    """Priced in a second step, with the table of classes fixed: who is on which duty. Pricing it
    with the table stopped the proof (48 generated classes proven in 16.7 s, 72 not in 60 s; without
    it 0.8 s and 3.0 s), as duties shared by several classes make the two trade off weakly."""


SoftRule = Callable[[RotaModel], Penalty]


def preferred_days(rm: RotaModel) -> Penalty:
    """Sessions fall on the days their rule prefers (e.g. Monday and Wednesday afternoons)."""
    units: list[tuple[cp_model.LinearExprT, str]] = []
    for (c, r, _, days), var in rm.day_sets.items():
        wished = rm.rule(r).preferences.days
        if not wished:
            continue
        # A day set of a k-week rule recurs cycle_weeks / k times in the cycle.
        misses = sum(1 for d in days if d not in wished) * (rm.cycle_weeks // rm.rule(r).frequency.weeks)
        if misses:
            units.append((misses * var, c))
    return Penalty(
        "PreferredDays",
        "A session on a day its rule does not prefer.",
        rm.scenario.weights.preferred_day,
        units,
    )


def preferred_windows(rm: RotaModel) -> Penalty:
    """Sessions fall in the windows their rule prefers (e.g. lunch rather than after school)."""
    units: list[tuple[cp_model.LinearExprT, str]] = []
    for (c, r, _, slot), var in rm.placements.items():
        wished = rm.rule(r).preferences.windows
        if wished and slot.window_id not in wished:
            units.append((var, c))
    return Penalty(
        "PreferredWindows",
        "A session in a window its rule does not prefer.",
        rm.scenario.weights.preferred_window,
        units,
    )


def same_slot_every_week(rm: RotaModel) -> Penalty:
    """A class comes at the same weekday and slot every week it comes: a rota people remember."""
    units: list[tuple[cp_model.LinearExprT, str]] = []
    for (c, r, week, slot), var in rm.placements.items():
        k = rm.rule(r).frequency.weeks
        if week < k:
            continue
        earlier = rm.placements[(c, r, week - k, slot)]
        moved = rm.model.new_bool_var(f"moved[{c},{r},w{week},{slot.weekday}{slot.start}]")
        # Exact (not only bounded below) so the report counts true units even at weight 0.
        rm.model.add(moved >= var - earlier)
        rm.model.add(moved <= var)
        rm.model.add(moved <= 1 - earlier)
        units.append((moved, c))
    return Penalty(
        "SameSlotEveryWeek",
        "A week in which a class's session is not at the weekday and slot of its previous turn.",
        rm.scenario.weights.same_slot_every_week,
        units,
    )


def spread_over_week(rm: RotaModel) -> Penalty:
    """A class's sessions of different rules fall on different days."""
    units: list[tuple[cp_model.LinearExprT, str]] = []
    for school_class in rm.scenario.classes:
        if len(rm.class_rules(school_class)) < 2:
            continue  # one rule's own spacing already keeps its sessions on different days
        for week in range(rm.cycle_weeks):
            per_day: dict[str, list[cp_model.IntVar]] = defaultdict(list)
            for key in rm.by_class_week.get((school_class.id, week), []):
                per_day[key[3].weekday].append(rm.placements[key])
            for day, on_day in per_day.items():
                extra = rm.model.new_int_var(0, len(on_day), f"crowded[{school_class.id},w{week},{day}]")
                rm.model.add_max_equality(extra, [0, sum(on_day) - 1])
                units.append((extra, school_class.id))
    return Penalty(
        "SpreadOverWeek",
        "Each session beyond the first of one class on one day.",
        rm.scenario.weights.spread_over_week,
        units,
    )


def balanced_staff_load(rm: RotaModel) -> Penalty:
    """Duties are shared evenly between the staff members (or helper groups) of one role."""
    units: list[tuple[cp_model.LinearExprT, str]] = []
    roles = sorted({p.role for p in rm.people})
    for role in roles:
        people = [p for p in rm.people if p.role == role and rm.by_person.get(p.id)]
        if len(people) < 2:
            continue
        most = max(len(rm.by_person[p.id]) for p in people)
        loads = [sum(rm.assignments[k] for k in rm.by_person[p.id]) for p in people]
        high = rm.model.new_int_var(0, most, f"load_max[{role}]")
        low = rm.model.new_int_var(0, most, f"load_min[{role}]")
        rm.model.add_max_equality(high, loads)
        rm.model.add_min_equality(low, loads)
        units.append((high - low, role))
    return Penalty(
        "BalancedStaffLoad",
        "Duties per rotation cycle between the busiest and the idlest of one role.",
        rm.scenario.weights.staff_balance,
        units,
        staff_step=True,
    )


def joint_activities_find_their_classes_free(rm: RotaModel) -> Penalty:
    """An activity for several classes at once (a grade's competition, the helpers' meeting) needs a
    time in its windows when none of them is in a library session: the table keeps one free among
    each occurrence's days, or pays for each occurrence it leaves without."""
    scenario = rm.scenario
    calendar = build_term_calendar(scenario)
    units: list[tuple[cp_model.LinearExprT, str]] = []
    for activity in scenario.activities:
        classes = _joint_classes(scenario, activity)
        if len(classes) < 2 or activity.duration_minutes is None:
            continue
        for occurrence, days in enumerate(occurrence_days(calendar, activity), start=1):
            free: dict[tuple[int, Slot], cp_model.IntVar] = {}
            for day in days:
                for window_id in activity.windows:
                    if day.follows not in scenario.window_days(scenario.window(window_id)):
                        continue
                    for start, end in window_times(scenario, window_id, activity.duration_minutes):
                        slot = Slot(day.follows, start, end, window_id)
                        when = (day.cycle_week, slot)
                        if when in free or any(
                            class_busy_at(scenario, scenario.school_class(c), slot, on=day.date)
                            for c in classes
                        ):
                            continue
                        free[when] = var = rm.model.new_bool_var(f"free[{activity.id}.{occurrence},{when}]")
                        for c in classes:
                            for key in rm.by_class_week.get((c, day.cycle_week), []):
                                held = key[3]
                                if held.weekday == slot.weekday and held.start < end and start < held.end:
                                    rm.model.add_implication(var, rm.placements[key].Not())
            if not free:
                continue  # the classes' own timetables leave no time: nothing the table can do
            blocked = rm.model.new_bool_var(f"blocked[{activity.id}.{occurrence}]")
            rm.model.add_bool_or([*free.values(), blocked])
            units.append((blocked, f"{activity.id}.{occurrence}"))
    return Penalty(
        "JointActivityTime",
        "An occurrence of an activity for several classes at once with no time left when all of them "
        "are out of library sessions.",
        scenario.weights.joint_activity_time,
        units,
    )


def _joint_classes(scenario: Scenario, activity: Activity) -> set[str]:
    """Classes that must all be free at once for the activity (helpers' own classes included)."""
    who = activity.participants
    if who.each_class or activity.all_day:
        return set()
    classes = {c.id for c in scenario.classes if c.grade in who.grades or c.id in who.classes}
    helpers = (
        scenario.helper_groups
        if who.helper_groups == "all"
        else [g for g in scenario.helper_groups if g.id in who.helper_groups]
    )
    return classes | {g.class_id for g in helpers}


SOFT_RULES: tuple[SoftRule, ...] = (
    preferred_days,
    preferred_windows,
    same_slot_every_week,
    spread_over_week,
    balanced_staff_load,
    joint_activities_find_their_classes_free,
)
"""The soft rules, each one term of the objective."""
