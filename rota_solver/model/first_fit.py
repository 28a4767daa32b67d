"""A first-fit weekly table, filled the way a librarian fills one by hand, and the hint it gives.

Classes in scenario order (grade by grade), each rule in scenario order; a fortnightly class goes to
the first phase (A week), the next class to the second, and so on. Each session goes into the first
slot (Monday first, earliest first) where the class is free and not already in the library, the
rule's spacing holds, the room has a place and seats, and the duty is already open there or the
rule's staff can be found (the first free people of each role, within their hours and daily cap,
helpers only while their own class is free). A per-week session takes the same slot in every week of
the cycle. What does not fit is left out.

Pinned sessions (the scenario's ``pins``) go in first, each in its cell; a pinned class is in its pins'
phase, comes on each pinned weekday in every week of it (at the first slot that fits where no pin says
which), and gets the rest of its sessions first-fit as any other.

The solver starts its search from this table (:func:`add_first_fit_hint`): a valid table in
milliseconds at any size, so the first feasible rota comes at once and the search only improves it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..cp_bulk import add_hints
from ..scenario import WEEKDAYS, GradeRule, HelperGroup, Scenario, StaffMember, Weekday
from ..slots import Slot, class_busy_at, pinned_slot, rule_slots, staff_available_at
from .variables import RotaModel


@dataclass(frozen=True)
class Cell:
    """A class's session of a rule in one cycle week and slot."""

    class_id: str
    rule_id: str
    week: int
    slot: Slot


@dataclass
class FirstFit:
    required: int
    """Sessions the weekly rules require in one rotation cycle."""
    cells: list[Cell] = field(default_factory=list)
    duties: dict[tuple[str, int, Slot], list[str]] = field(default_factory=dict)
    """(rule id, cycle week, slot) -> the people on duty."""
    day_sets: dict[tuple[str, str], tuple[int, tuple[Weekday, ...]]] = field(default_factory=dict)
    """(class id, rule id) -> (phase, weekdays) of each class whose sessions all fitted."""
    made_room_for: set[tuple[str, str]] = field(default_factory=set)
    """(class id, rule id) of each class placed by moving another out of its way (``make_room``)."""


@dataclass(frozen=True)
class _Person:
    id: str
    role: str
    cap: int | None
    member: StaffMember | None
    group: HelperGroup | None


class _Table:
    """What has been written in the table so far."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.class_at: dict[tuple[str, int], list[Slot]] = defaultdict(list)
        self.room_at: dict[tuple[str, int], list[tuple[Slot, int]]] = defaultdict(list)
        self.duties: dict[tuple[str, int, Slot], list[str]] = {}
        self.at_duty: dict[tuple[str, int, Slot], list[str]] = defaultdict(list)
        self.person_at: dict[tuple[str, int], list[Slot]] = defaultdict(list)
        self.people = [_Person(m.id, m.role, m.max_sessions_per_day, m, None) for m in scenario.staff]
        self.people += [
            _Person(g.id, g.role, g.max_sessions_per_day, None, g) for g in scenario.helper_groups
        ]
        self.helpers_of: dict[str, list[str]] = defaultdict(list)
        for g in scenario.helper_groups:
            self.helpers_of[g.class_id].append(g.id)

    def class_free(self, class_id: str, week: int, slot: Slot) -> bool:
        if class_busy_at(self.scenario, self.scenario.school_class(class_id), slot, cycle_week=week):
            return False
        if any(slot.overlaps(s) for s in self.class_at[(class_id, week)]):
            return False
        # While its helpers are on duty the class cannot come.
        return not any(
            slot.overlaps(s) for helper in self.helpers_of[class_id] for s in self.person_at[(helper, week)]
        )

    def room_fits(self, rule: GradeRule, week: int, slot: Slot, size: int) -> bool:
        room = self.scenario.room(rule.room)
        running = [n for s, n in self.room_at[(room.id, week)] if slot.overlaps(s)]
        seats_fit = room.seats is None or sum(running) + size <= room.seats
        return len(running) < room.classes_at_once and seats_fit

    def person_free(self, person: _Person, week: int, slot: Slot) -> bool:
        if person.member is not None and not staff_available_at(self.scenario, person.member, slot):
            return False
        if person.group is not None:
            if slot.window_id not in person.group.windows:
                return False
            own = self.scenario.school_class(person.group.class_id)
            if class_busy_at(self.scenario, own, slot, cycle_week=week):
                return False
            if any(slot.overlaps(s) for s in self.class_at[(own.id, week)]):
                return False
        mine = self.person_at[(person.id, week)]
        if any(slot.overlaps(s) for s in mine):
            return False
        return person.cap is None or sum(1 for s in mine if s.weekday == slot.weekday) < person.cap

    def staff_for(self, rule: GradeRule, week: int, slot: Slot, class_id: str) -> list[str] | None:
        """The first free people of each role for a new duty that ``class_id`` opens."""
        chosen: list[str] = []
        for role, need in rule.staffing.items():
            if need == 0:
                continue
            free = [
                p.id
                for p in self.people
                if p.role == role
                and (p.group is None or p.group.class_id != class_id)
                and self.person_free(p, week, slot)
            ]
            if len(free) < need:
                return None
            chosen += free[:need]
        return chosen

    def place(self, class_id: str, rule: GradeRule, week: int, slot: Slot, staff: list[str] | None) -> None:
        self.class_at[(class_id, week)].append(slot)
        self.room_at[(rule.room, week)].append((slot, self.scenario.school_class(class_id).pupils))
        duty = (rule.id, week, slot)
        self.at_duty[duty].append(class_id)
        if duty not in self.duties:
            assert staff is not None
            self.duties[duty] = staff
            for person in staff:
                self.person_at[(person, week)].append(slot)

    def take_out(self, class_id: str, rule: GradeRule, week: int, slot: Slot) -> list[str] | None:
        """Undo :meth:`place`; the duty's people when it closes (to put the class back with them)."""
        self.class_at[(class_id, week)].remove(slot)
        self.room_at[(rule.room, week)].remove((slot, self.scenario.school_class(class_id).pupils))
        duty = (rule.id, week, slot)
        self.at_duty[duty].remove(class_id)
        if self.at_duty[duty]:
            return None
        staff = self.duties.pop(duty)
        for person in staff:
            self.person_at[(person, week)].remove(slot)
        return staff


def _fits(table: _Table, rule: GradeRule, class_id: str, slot: Slot, weeks: list[int]) -> bool:
    """Place the class's session of the rule in ``slot`` of every one of ``weeks`` if it fits in
    all of them: the class free, a place in the room, and the duty open there or staff found."""
    pupils = table.scenario.school_class(class_id).pupils
    staffing: dict[int, list[str] | None] = {}
    for week in weeks:
        if not table.class_free(class_id, week, slot) or not table.room_fits(rule, week, slot, pupils):
            return False
        if (rule.id, week, slot) not in table.duties:
            staffing[week] = table.staff_for(rule, week, slot, class_id)
            if staffing[week] is None:
                return False
    for week in weeks:
        table.place(class_id, rule, week, slot, staffing.get(week))
    return True


def first_fit(scenario: Scenario, make_room: bool = False) -> FirstFit:
    """The first-fit weekly table of ``scenario`` (see the module docstring); ``make_room``: then a
    session that found no slot is given one by moving a class out of its way (:func:`_make_room`)."""
    cycle = scenario.cycle_weeks
    table = _Table(scenario)
    result = FirstFit(required=0)
    order = {d: i for i, d in enumerate(WEEKDAYS)}
    rules = {rule.id: rule for rule in scenario.rules}
    slots_of = {
        rule.id: sorted(rule_slots(scenario, rule), key=lambda s: (order[s.weekday], s.start))
        for rule in scenario.rules
    }
    # Pinned cells go in first, as they are: (class, rule) -> cycle week -> weekday -> slot.
    pinned: dict[tuple[str, str], dict[int, dict[Weekday, Slot]]] = defaultdict(lambda: defaultdict(dict))
    # Classes left a session short, unpinned: (class id, rule id), phase, the weekdays they have.
    short: list[tuple[tuple[str, str], int, list[Weekday]]] = []
    # Classes and rules whose pins the table cannot hold as the rules ask (no staff, two on one day).
    broken: set[tuple[str, str]] = set()
    for pin in scenario.pins:
        rule, pair = rules[pin.rule], (pin.class_id, pin.rule)
        slot = pinned_slot(slots_of[rule.id], pin)
        if slot is None:
            broken.add(pair)
            continue
        week = pin.cycle_week
        staff: list[str] | None = None
        if (rule.id, week, slot) not in table.duties:
            staff = table.staff_for(rule, week, slot, pin.class_id)
            if staff is None:
                broken.add(pair)
                staff = []
        if pin.day in pinned[pair][week]:
            broken.add(pair)
        table.place(pin.class_id, rule, week, slot, staff)
        result.cells.append(Cell(pin.class_id, rule.id, week, slot))
        pinned[pair][week][pin.day] = slot
    for rule in scenario.rules:
        slots = slots_of[rule.id]
        k = rule.frequency.weeks
        classes = scenario.rule_classes(rule)
        # A pinned class is in its pins' phase; the others fill the emptiest phase, earliest first
        # (without pins: the first class to the first phase, A week, the next to the second, ...).
        phase_of = {c.id: min(pinned[(c.id, rule.id)]) % k for c in classes if (c.id, rule.id) in pinned}
        in_phase = [sum(1 for p in phase_of.values() if p == phase) for phase in range(k)]
        for school_class in classes:
            if school_class.id not in phase_of:
                phase = min(range(k), key=lambda q: (in_phase[q], q))
                phase_of[school_class.id] = phase
                in_phase[phase] += 1
        for school_class in classes:
            pair = (school_class.id, rule.id)
            phase = phase_of[school_class.id]
            weeks = [w for w in range(cycle) if w % k == phase]
            result.required += len(weeks) * rule.frequency.sessions
            pins = pinned.get(pair, {})
            # A pinned weekday is one of the class's days in every week of its phase: the weeks
            # without a pin that day take its first slot that fits.
            days = sorted({day for by_day in pins.values() for day in by_day}, key=order.__getitem__)
            complete = pair not in broken and all(w in weeks for w in pins)
            for day in days:
                for week in weeks:
                    if day in pins.get(week, {}):
                        continue
                    free = [s for s in slots if s.weekday == day]
                    fitted = next((s for s in free if _fits(table, rule, school_class.id, s, [week])), None)
                    if fitted is None:
                        complete = False
                        continue
                    result.cells.append(Cell(school_class.id, rule.id, week, fitted))
            for _ in range(rule.frequency.sessions - len(days)):
                for slot in slots:
                    if any(abs(order[slot.weekday] - order[d]) < rule.spacing.min_days_apart for d in days):
                        continue
                    if not _fits(table, rule, school_class.id, slot, weeks):
                        continue
                    result.cells += [Cell(school_class.id, rule.id, week, slot) for week in weeks]
                    days.append(slot.weekday)
                    break
            if complete and len(days) == rule.frequency.sessions:
                result.day_sets[pair] = (phase, tuple(sorted(days, key=order.__getitem__)))
            elif complete and not pins:
                short.append((pair, phase, days))
    if make_room:
        movable = set(result.day_sets) - set(pinned)
        tries = [MAKE_ROOM_TRIES]
        for (class_id, rule_id), phase, days in short:
            rule = rules[rule_id]
            while len(days) < rule.frequency.sessions:
                slot = _make_room(
                    table, result, rule, class_id, phase, days, slots_of[rule_id], movable, tries
                )
                if slot is None:
                    break
                days.append(slot.weekday)
            if len(days) == rule.frequency.sessions:
                result.day_sets[(class_id, rule_id)] = (phase, tuple(sorted(days, key=order.__getitem__)))
                result.made_room_for.add((class_id, rule_id))
                movable.add((class_id, rule_id))
    result.duties = table.duties
    return result


MAKE_ROOM_TRIES = 2000
"""At most this many classes taken out of a slot to make room, in one table: a bound on the time
(each try scans the rule's slots once)."""


def _make_room(
    table: _Table,
    result: FirstFit,
    rule: GradeRule,
    class_id: str,
    phase: int,
    days: list[Weekday],
    slots: list[Slot],
    movable: set[tuple[str, str]],
    tries: list[int],
) -> Slot | None:
    """Place one more session of ``class_id`` in a slot where it is free but another class of the rule
    stands in its way (the room full, or the people taken), by moving that class's session to another
    slot that fits it (a one-move ejection chain): the slot taken, or ``None``."""
    order = {d: i for i, d in enumerate(WEEKDAYS)}
    cycle, k = table.scenario.cycle_weeks, rule.frequency.weeks
    weeks = [w for w in range(cycle) if w % k == phase]

    def spaced(day: Weekday, others: list[Weekday]) -> bool:
        return all(abs(order[day] - order[d]) >= rule.spacing.min_days_apart for d in others)

    for slot in slots:
        if not spaced(slot.weekday, days) or not all(table.class_free(class_id, w, slot) for w in weeks):
            continue
        in_way = {other for w in weeks for other in table.at_duty.get((rule.id, w, slot), ())}
        for other in sorted(c for c in in_way if (c, rule.id) in movable):
            if tries[0] <= 0:
                return None
            tries[0] -= 1
            other_phase, other_days = result.day_sets[(other, rule.id)]
            other_weeks = [w for w in range(cycle) if w % k == other_phase]
            staff = {w: table.take_out(other, rule, w, slot) for w in other_weeks}
            if _fits(table, rule, class_id, slot, weeks):
                kept = [d for d in other_days if d != slot.weekday]
                moved = next(
                    (
                        s
                        for s in slots
                        if s != slot and spaced(s.weekday, kept) and _fits(table, rule, other, s, other_weeks)
                    ),
                    None,
                )
                if moved is not None:
                    result.cells = [
                        c for c in result.cells if (c.class_id, c.rule_id, c.slot) != (other, rule.id, slot)
                    ]
                    result.cells += [Cell(other, rule.id, w, moved) for w in other_weeks]
                    result.cells += [Cell(class_id, rule.id, w, slot) for w in weeks]
                    new_days = tuple(sorted([*kept, moved.weekday], key=order.__getitem__))
                    result.day_sets[(other, rule.id)] = (other_phase, new_days)
                    return slot
                for w in weeks:
                    table.take_out(class_id, rule, w, slot)
            for w in other_weeks:
                table.place(other, rule, w, slot, staff[w])
    return None


def add_first_fit_hint(rm: RotaModel) -> FirstFit:
    """Hint the first-fit table to the solver: every class whose sessions all fitted, its duties and
    their staff (a class that did not fit is left for the search)."""
    table = first_fit(rm.scenario)
    complete = set(table.day_sets)
    model = rm.model
    add_hints(
        model,
        (
            (var, table.day_sets[(c, r)] == (phase, days))
            for (c, r, phase, days), var in rm.day_sets.items()
            if (c, r) in complete
        ),
    )
    placed = {(cell.class_id, cell.rule_id, cell.week, cell.slot) for cell in table.cells}
    add_hints(
        model, ((var, key in placed) for key, var in rm.placements.items() if (key[0], key[1]) in complete)
    )
    if len(complete) == len({(c, r) for (c, r, _, _) in rm.day_sets}):
        add_hints(model, ((var, duty in table.duties) for duty, var in rm.duties.items()))
        add_hints(
            model,
            (
                (var, person in table.duties.get((rule_id, week, slot), []))
                for (person, rule_id, week, slot), var in rm.assignments.items()
            ),
        )
    return table
