"""Soft rules: each function returns one named, weighted penalty with who bears each unit."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..scenario import Activity, Scenario
from ..slots import Slot, class_busy_at, lessons_taken_at, staff_available_at, window_times
from ..term_calendar import SchoolDay, TermCalendar, build_term_calendar, occurrence_days
from .variables import DutyKey, Person, RotaModel


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
        earlier = rm.placements.get((c, r, week - k, slot))
        if earlier is None:  # a model of a held table's cells only: the earlier week is elsewhere
            units.append((var, c))
            continue
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
    time in its windows when none of them is in a library session, those taking part are off duty
    and enough staff are free to run it: the table keeps one such time among each occurrence's
    days, or pays for each occurrence it leaves without."""
    scenario = rm.scenario
    calendar = rm.calendar or build_term_calendar(scenario)
    units: list[tuple[cp_model.LinearExprT, str]] = []
    # Without people in the model (a relaxation) the wish is left out, unless asked for: then a time
    # needs the classes free and what of the staff does not depend on who is on duty (see
    # _free_time). Every time the named model keeps free is one, so the relaxation's penalty stays a
    # lower bound, and its tables leave the activities room far more often (120 tight generated
    # classes: a relaxed optimum that blocked 5 occurrences, 500 above what people could be named
    # at, made the named search start from nothing). It is asked for only then: it made the
    # 240-class generated school's relaxed search 5x longer (1.1 s -> 5.5 s) for the same table.
    priced = rm.people_are == "named" or rm.joint_free_times
    lookups = _Lookups(rm)
    for activity in scenario.activities if priced else []:
        classes = joint_classes(scenario, activity)
        if len(classes) < 2 or activity.duration_minutes is None:
            continue
        # A time is the same weekly slot of a cycle week whatever the occurrence (the helpers'
        # meeting each month): one literal for it, shared by the occurrences (140 of them where
        # there were 724 at 72 and 240 generated classes), unless a class's lessons change by date.
        dated = any(c in lookups.dated for c in classes)
        free: dict[tuple[int, Slot, dt.date | None], cp_model.IntVar | None] = {}
        for occurrence, times in enumerate(joint_activity_times(scenario, calendar, activity), start=1):
            mine: dict[tuple[int, Slot, dt.date | None], cp_model.IntVar | None] = {}
            for day, slot in times:
                when = (day.cycle_week, slot, day.date if dated else None)
                if when not in free:
                    free[when] = _free_time(rm, lookups, activity, classes, day.cycle_week, slot, day.date)
                mine[when] = free[when]
            chances = [var for var in mine.values() if var is not None]
            if not chances:
                continue  # timetables and staff hours leave no time: nothing the table can do
            blocked = rm.model.new_bool_var(f"blocked[{activity.id}.{occurrence}]")
            rm.model.add_bool_or([*chances, blocked])
            units.append((blocked, f"{activity.id}.{occurrence}"))
    return Penalty(
        "JointActivityTime",
        "An occurrence of an activity for several classes at once with no time left when all of them "
        "are out of library sessions and staff are free to run it.",
        scenario.weights.joint_activity_time,
        units,
    )


def lessons_taken(rm: RotaModel) -> Penalty:
    """A session held in a lesson the library may take (a reading lesson): free periods first. The
    class bears it, one unit per session a cycle week."""
    scenario = rm.scenario
    units: list[tuple[cp_model.LinearExprT, str]] = []
    takers = {c.id for c in scenario.classes if c.library_may_take or any(b.library_may_take for b in c.busy)}
    for (c, r, week, slot), var in rm.placements.items():
        rule = rm.rule(r)
        if c not in takers and not rule.library_may_take:
            continue
        if lessons_taken_at(scenario, scenario.school_class(c), slot, rule=rule, cycle_week=week):
            units.append((var, c))
    return Penalty(
        "LessonsTaken",
        "A session held in one of the class's lessons the library may take (library_may_take).",
        scenario.weights.lesson_taken,
        units,
    )


def joint_activity_times(
    scenario: Scenario, calendar: TermCalendar, activity: Activity
) -> list[list[tuple[SchoolDay, Slot]]]:
    """For each occurrence of an activity, the times it may be held: each of its days with each slot
    of its windows that day."""
    duration = activity.duration_minutes
    occurrences: list[list[tuple[SchoolDay, Slot]]] = []
    if duration is None:
        return occurrences  # all day: no slot to choose
    for days in occurrence_days(calendar, activity):
        times = []
        for day in days:
            for window_id in activity.windows:
                if day.follows not in scenario.window_days(scenario.window(window_id)):
                    continue
                for start, end in window_times(scenario, window_id, duration, day.follows):
                    times.append((day, Slot(day.follows, start, end, window_id)))
        occurrences.append(times)
    return occurrences


class _Lookups:
    """What the joint activities' times ask again and again, looked up once: whether a class's
    timetable keeps it busy at a slot (the same for every occurrence, unless the class has dated
    lessons), and each person's assignments by cycle week and weekday (120 tight classes: naming
    people on a table took 0.09 s to build, half of it here)."""

    def __init__(self, rm: RotaModel) -> None:
        self.rm = rm
        self.dated = rm.scenario.classes_with_dated_lessons()
        self._busy: dict[tuple[str, int, Slot, dt.date | None], bool] = {}
        self.assignments: dict[tuple[str, int, str], list[tuple[int, int, cp_model.IntVar]]] = defaultdict(
            list
        )
        for person_id, keys in rm.by_person.items():
            for key in keys:
                slot = key[3]
                self.assignments[(person_id, key[2], slot.weekday)].append(
                    (slot.start, slot.end, rm.assignments[key])
                )

    def class_busy(self, class_id: str, week: int, slot: Slot, on: dt.date) -> bool:
        key = (class_id, week, slot, on if class_id in self.dated else None)
        busy = self._busy.get(key)
        if busy is None:
            scenario = self.rm.scenario
            busy = self._busy[key] = class_busy_at(
                scenario, scenario.school_class(class_id), slot, on=on, cycle_week=week
            )
        return busy

    def overlapping(self, person_id: str, week: int, slot: Slot) -> list[cp_model.IntVar]:
        """The person's assignments in cycle week ``week`` that overlap the slot."""
        return [
            var
            for start, end, var in self.assignments.get((person_id, week, slot.weekday), ())
            if start < slot.end and slot.start < end
        ]


def _free_time(
    rm: RotaModel,
    lookups: _Lookups,
    activity: Activity,
    classes: set[str],
    week: int,
    slot: Slot,
    on: dt.date,
) -> cp_model.IntVar | None:
    """A literal that, when true, keeps the activity's classes and people free at ``slot`` of cycle
    week ``week`` with enough staff off duty; ``None`` when timetables or hours rule the time out."""
    if any(lookups.class_busy(c, week, slot, on) for c in classes):
        return None

    def overlapping(person_id: str) -> list[cp_model.IntVar]:
        return lookups.overlapping(person_id, week, slot)

    who = activity.participants
    taking_part = [*who.staff, *(p.id for p in rm.people if p.group and p.group.class_id in classes)]
    needs: list[tuple[list[cp_model.IntVar], int]] = []
    for role, need in activity.staffing.items():
        able = [p for p in rm.people if p.role == role and p.id not in taking_part and _can_work(rm, p, slot)]
        if len(able) < need:
            return None
        # Conservative: two short duties inside the slot count as two people on duty.
        needs.append(([a for p in able for a in overlapping(p.id)], len(able) - need))
    var = rm.model.new_bool_var(f"free[{activity.id},w{week},{slot.weekday}{slot.start}]")
    # In a fixed order: the constraints' order is the model's, and a set's changes from one process
    # to the next (string hashing), which made the same school's model differ between runs.
    for c in sorted(classes):
        for key in rm.by_class_week.get((c, week), []):
            held = key[3]
            if held.weekday == slot.weekday and held.start < slot.end and slot.start < held.end:
                rm.model.add_implication(var, rm.placements[key].Not())
    for person_id in taking_part:
        for a in overlapping(person_id):
            rm.model.add_implication(var, a.Not())
    for on_duty, spare in needs:
        if len(on_duty) > spare:
            rm.model.add(cp_model.LinearExpr.sum(on_duty) <= spare).only_enforce_if(var)
    if rm.people_are != "named":
        _duties_leave_enough(rm, activity, week, slot, var)
        _no_duty_for_those_taking_part(rm, set(taking_part), week, slot, var)
    return var


def _overlapping_duties(rm: RotaModel, week: int, slot: Slot) -> list[tuple[DutyKey, cp_model.IntVar]]:
    return [
        (duty, open_)
        for duty, open_ in rm.duties.items()
        if duty[1] == week
        and duty[2].weekday == slot.weekday
        and duty[2].start < slot.end
        and slot.start < duty[2].end
    ]


def _no_duty_for_those_taking_part(
    rm: RotaModel, taking_part: set[str], week: int, slot: Slot, var: cp_model.IntVar
) -> None:
    """Without people (a relaxation): a duty overlapping the slot that needs a role whose people all
    take part in the activity stays closed (the helpers' meeting of every helper group: no helpers'
    duty then). The named model keeps those taking part off duty, so it implies this."""
    everyone_takes_part = {
        role
        for role in {p.role for p in rm.people}
        if all(p.id in taking_part for p in rm.people if p.role == role)
    }
    for duty, open_ in _overlapping_duties(rm, week, slot):
        if any(rm.rule(duty[0]).staffing.get(role, 0) for role in everyone_takes_part):
            rm.model.add_implication(var, open_.Not())


def _duties_leave_enough(
    rm: RotaModel, activity: Activity, week: int, slot: Slot, var: cp_model.IntVar
) -> None:
    """Without people (a relaxation): the duties overlapping the slot leave enough of a role free,
    counted as the named model counts them (each duty's people of the role, one per duty). Only for a
    role whose people can all work at the slot: then every duty's people are among those the named
    model limits, so it implies this and the relaxation stays a lower bound."""
    for role, need in activity.staffing.items():
        of_role = [p for p in rm.people if p.role == role]
        if need == 0 or not all(_can_work(rm, p, slot) for p in of_role):
            continue
        load = [
            (rm.rule(duty[0]).staffing.get(role, 0), open_)
            for duty, open_ in _overlapping_duties(rm, week, slot)
        ]
        load = [(k, open_) for k, open_ in load if k]
        if sum(k for k, _ in load) > len(of_role) - need:
            rm.model.add(
                cp_model.LinearExpr.weighted_sum([v for _, v in load], [k for k, _ in load])
                <= len(of_role) - need
            ).only_enforce_if(var)


def _can_work(rm: RotaModel, person: Person, slot: Slot) -> bool:
    """Whether the staff member's hours (or the helper group's windows) cover the slot."""
    if person.member is not None:
        return staff_available_at(rm.scenario, person.member, slot)
    return person.group is not None and slot.window_id in person.group.windows


def joint_classes(scenario: Scenario, activity: Activity) -> set[str]:
    """Classes that must all be free at once for the activity (helpers' own classes included)."""
    if activity.participants.each_class or activity.all_day:
        return set()
    classes = {c.id for c in scenario.activity_classes(activity)}
    return classes | {g.class_id for g in scenario.activity_helper_groups(activity)}


SOFT_RULES: tuple[SoftRule, ...] = (
    preferred_days,
    preferred_windows,
    same_slot_every_week,
    spread_over_week,
    balanced_staff_load,
    joint_activities_find_their_classes_free,
    lessons_taken,
)
"""The soft rules, each one term of the objective."""
