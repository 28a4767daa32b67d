"""Hard rules: each function adds the constraints of one rule family to the model.

Each constraint is added inside ``rm.group(kind, *subject)``, naming the requirement it belongs to
(a class's demand of a rule, a room's capacity, a person's hours, ...): when no rota exists, the
explainer switches groups off to find which of them conflict. The physical laws (a class, or a
person, in one place at a time) and the links between variables belong to no group.

Each function is registered (``@hard_rule``) under the id of the rule family it states, the id
the verifier's check and the explainer's groups share (:mod:`rota_solver.rules`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping
from types import MappingProxyType

from ortools.sat.python import cp_model

from ..rules import RuleId
from ..scenario import CYCLE_LABELS, Pin
from ..slots import Slot, class_busy_at, pinned_slot, staff_available_at
from .variables import GroupKey, RotaModel, at_each_moment

HardRule = Callable[[RotaModel], None]

_rule_ids: dict[HardRule, RuleId] = {}
RULE_IDS: Mapping[HardRule, RuleId] = MappingProxyType(_rule_ids)
"""The rule family each hard-rule function states (several functions may state one family)."""


def hard_rule(rule_id: RuleId) -> Callable[[HardRule], HardRule]:
    """Registers a function as the model's statement of ``rule_id``; the function is returned as it is."""

    def register(function: HardRule) -> HardRule:
        _rule_ids[function] = rule_id
        return function

    return register


@hard_rule(RuleId.FREQUENCY)
def each_class_gets_its_frequency(rm: RotaModel) -> None:
    """Each class comes exactly as often as each of its rules asks: one day set per class and rule,
    and in every cycle week one slot on each chosen day of the phase that week belongs to."""
    day_sets_of: dict[tuple[str, str], list[tuple[int, tuple[str, ...], cp_model.IntVar]]] = defaultdict(list)
    for (c, r, phase, days), var in rm.day_sets.items():
        day_sets_of[(c, r)].append((phase, days, var))
    for (c, r), choices in day_sets_of.items():
        with rm.group("demand", r, c):
            rm.model.add_exactly_one(var for _, _, var in choices)
            rule = rm.rule(r)
            placed: dict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
            for key in rm.by_class_rule[(c, r)]:
                _, _, week, slot = key
                placed[(week, slot.weekday)].append(rm.placements[key])
            for week in range(rm.cycle_weeks):
                phase = week % rule.frequency.weeks
                for day in sorted({d for (_, d) in placed}):
                    chosen = [var for p, days, var in choices if p == phase and day in days]
                    rm.model.add(sum(placed[(week, day)]) == sum(chosen))


@hard_rule(RuleId.FREQUENCY)
def phases_balanced(rm: RotaModel) -> None:
    """A rule for every k weeks spreads its classes evenly over the k phases (half in A weeks,
    half in B weeks)."""
    for rule in rm.scenario.rules:
        k = rule.frequency.weeks
        if k == 1:
            continue
        classes = rm.scenario.rule_classes(rule)
        low, high = len(classes) // k, -(-len(classes) // k)
        with rm.group("phases", rule.id):
            for phase in range(k):
                in_phase = [var for (c, r, p, _), var in rm.day_sets.items() if r == rule.id and p == phase]
                rm.model.add_linear_constraint(sum(in_phase), low, high)


@hard_rule(RuleId.SPACING)
def sessions_spaced_apart(rm: RotaModel) -> None:
    """A class's sessions of one rule in a week are at least ``min_days_apart`` days apart."""
    order = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
    for rule in rm.scenario.rules:
        gap = rule.spacing.min_days_apart
        with rm.group("spacing", rule.id):
            for (_, r, _, days), var in rm.day_sets.items():
                positions = [order[d] for d in days]
                if r == rule.id and any(b - a < gap for a, b in itertools.pairwise(positions)):
                    rm.model.add(var == 0)


@hard_rule(RuleId.CLASS_NOT_BUSY)
def class_not_busy(rm: RotaModel) -> None:
    """A class never comes while its own timetable has it elsewhere (PE, music, exams): in the
    lessons of each cycle week (a two-week timetable), except lessons the rule may take (priced by
    ``lessons_taken``) and, for a rule that says so, lessons for part of the class."""
    busy: dict[tuple[str, str, int, Slot], bool] = {}
    for (c, r), keys in rm.by_class_rule.items():
        school_class = rm.scenario.school_class(c)
        rule = rm.rule(r)
        # Looked up once per class and slot, not once per rule and cycle week, unless they matter.
        by_week = any(b.weeks is not None for b in school_class.busy)
        by_rule = bool(rule.library_may_take) or not rule.group_lessons_block
        with rm.group("timetable", c):
            for key in keys:
                week, slot = key[2], key[3]
                cached = (c, r if by_rule else "", week if by_week else -1, slot)
                if cached not in busy:
                    busy[cached] = class_busy_at(
                        rm.scenario, school_class, slot, rule=rule, cycle_week=week if by_week else None
                    )
                if busy[cached]:
                    rm.model.add(rm.placements[key] == 0)


@hard_rule(RuleId.CLASS_ONE_SESSION_AT_A_TIME)
def class_one_session_at_a_time(rm: RotaModel) -> None:
    """A class is in at most one library session at any moment."""
    for keys in rm.by_class_week.values():
        items: list[tuple[Slot, cp_model.LinearExprT, int]] = [(k[3], rm.placements[k], 1) for k in keys]
        for group in at_each_moment(items):
            if len(group) > 1:
                rm.model.add_at_most_one(term for term, _ in group)  # type: ignore[misc]


@hard_rule(RuleId.ROOM_CAPACITY)
def room_capacity(rm: RotaModel) -> None:
    """A room never holds more classes than it fits at once, nor more pupils than it has seats."""
    scenario = rm.scenario
    in_room: dict[tuple[str, int], list[tuple[Slot, cp_model.LinearExprT, int]]] = defaultdict(list)
    for (c, r, w, slot), var in rm.placements.items():
        in_room[(rm.rule(r).room, w)].append((slot, var, scenario.school_class(c).pupils))
    for room in scenario.rooms:
        for week in range(rm.cycle_weeks):
            for group in at_each_moment(in_room.get((room.id, week), [])):
                if len(group) > room.classes_at_once:
                    with rm.group("room", room.id):
                        rm.model.add(sum(term for term, _ in group) <= room.classes_at_once)
                if room.seats is not None and sum(size for _, size in group) > room.seats:
                    with rm.group("seats", room.id):
                        rm.model.add(sum(size * term for term, size in group) <= room.seats)


def duties_open_when_used(rm: RotaModel) -> None:
    """A rule's room is open in a slot exactly when one of its classes is there."""
    for duty, var in rm.duties.items():
        present = [rm.placements[k] for k in rm.by_duty.get(duty, [])]
        for placement in present:
            rm.model.add_implication(placement, var)
        rm.model.add(var <= sum(present))


@hard_rule(RuleId.STAFFING)
def duties_fully_staffed(rm: RotaModel) -> None:
    """A rule's room is open in a slot exactly when one of its classes is there, and then it has
    the staff the rule asks for: so many of each role."""
    duties_open_when_used(rm)
    for duty, var in rm.duties.items():
        rule = rm.rule(duty[0])
        for role, need in rule.staffing.items():
            if need == 0:
                continue
            on_duty = [rm.assignments[(p.id, *duty)] for p in rm.people if p.role == role]
            with rm.group("staffing", rule.id, role):
                rm.model.add(sum(on_duty) == need * var)


@hard_rule(RuleId.STAFF_AVAILABLE)
def staff_available(rm: RotaModel) -> None:
    """Staff work only in their weekly hours; helper groups only in their windows."""
    for (person_id, _, _, slot), var in rm.assignments.items():
        person = rm.person(person_id)
        if person.member is not None and not staff_available_at(rm.scenario, person.member, slot):
            with rm.group("staff", person_id):
                rm.model.add(var == 0)
        if person.group is not None and slot.window_id not in person.group.windows:
            with rm.group("staff", person_id):
                rm.model.add(var == 0)


@hard_rule(RuleId.STAFF_ONE_PLACE_AT_A_TIME)
def staff_one_place_at_a_time(rm: RotaModel) -> None:
    """A staff member or helper group is on at most one duty at any moment."""
    for keys in rm.by_person.values():
        for week in range(rm.cycle_weeks):
            items: list[tuple[Slot, cp_model.LinearExprT, int]] = [
                (k[3], rm.assignments[k], 1) for k in keys if k[2] == week
            ]
            for group in at_each_moment(items):
                if len(group) > 1:
                    rm.model.add_at_most_one(term for term, _ in group)  # type: ignore[misc]


@hard_rule(RuleId.STAFF_DAILY_CAP)
def staff_daily_cap(rm: RotaModel) -> None:
    """Nobody has more duties in a day than their cap."""
    for person in rm.people:
        source = person.member or person.group
        cap = source.max_sessions_per_day if source is not None else None
        if cap is None:
            continue
        per_day: dict[tuple[int, str], list[cp_model.IntVar]] = defaultdict(list)
        for key in rm.by_person.get(person.id, []):
            per_day[(key[2], key[3].weekday)].append(rm.assignments[key])
        with rm.group("staff", person.id):
            for duties in per_day.values():
                if len(duties) > cap:
                    rm.model.add(sum(duties) <= cap)


@hard_rule(RuleId.HELPERS_OWN_CLASS_FREE)
def helpers_own_class_free(rm: RotaModel) -> None:
    """Helpers are never on duty while their own class is busy or in a library session."""
    scenario = rm.scenario
    for person in rm.people:
        if person.group is None:
            continue
        own = scenario.school_class(person.group.class_id)
        with rm.group("helper_class", person.id):
            for key in rm.by_person.get(person.id, []):
                if class_busy_at(scenario, own, key[3], cycle_week=key[2]):
                    rm.model.add(rm.assignments[key] == 0)
            for week in range(rm.cycle_weeks):
                items: list[tuple[Slot, cp_model.LinearExprT, int]] = [
                    (k[3], rm.assignments[k], 1) for k in rm.by_person.get(person.id, []) if k[2] == week
                ]
                items += [(k[3], rm.placements[k], 1) for k in rm.by_class_week.get((own.id, week), [])]
                for group in at_each_moment(items):
                    if len(group) > 1:
                        rm.model.add_at_most_one(term for term, _ in group)  # type: ignore[misc]


def pin_group(pin: Pin) -> GroupKey:
    """The requirement group of a pin: ("pin", class id, rule id, week label, weekday, HH:MM), the week
    A when the cycle is one week."""
    return ("pin", pin.class_id, pin.rule, CYCLE_LABELS[pin.cycle_week], pin.day, f"{pin.start:%H:%M}")


@hard_rule(RuleId.PINNED_SESSION_KEPT)
def pinned_session_kept(rm: RotaModel) -> None:
    """Each pin ("keep this session here") holds its cell: the class's session of the rule in the pin's
    cycle week, on its weekday and at its start time. The rest follows from the other rules: the class
    comes on that weekday in every week of the pin's phase, and no more often than its rule asks."""
    for pin in rm.scenario.pins:
        slot = pinned_slot(rm.slots[pin.rule], pin)
        var = rm.placements.get((pin.class_id, pin.rule, pin.cycle_week, slot)) if slot else None
        with rm.group(*pin_group(pin)):
            if var is not None:
                rm.model.add(var == 1)
            else:  # no such cell (the scenario's checks refuse such a pin): it cannot be kept
                rm.model.add_bool_or([])


NAMING_RULES: tuple[HardRule, ...] = (
    duties_fully_staffed,
    staff_available,
    staff_one_place_at_a_time,
    staff_daily_cap,
    helpers_own_class_free,
)
"""The rules about each person on each duty, which a model without people leaves out (keeping only
:func:`duties_open_when_used`; see :data:`~rota_solver.model.variables.Staffing`)."""


HARD_RULES: tuple[HardRule, ...] = (
    each_class_gets_its_frequency,
    phases_balanced,
    sessions_spaced_apart,
    class_not_busy,
    class_one_session_at_a_time,
    room_capacity,
    duties_fully_staffed,
    staff_available,
    staff_one_place_at_a_time,
    staff_daily_cap,
    helpers_own_class_free,
    pinned_session_kept,
)
"""The hard rules, in the order the model builder applies them."""
