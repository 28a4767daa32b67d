"""The hand-made baseline: a greedy first-fit weekly rota, filled the way a librarian fills the table.

Classes in scenario order (grade by grade), each rule of a class in scenario order; a fortnightly
class goes to the A week, the next to the B week, and so on. Each session goes into the first slot
(Monday first, earliest first) where the class is free and not already in the library, the rule's
spacing holds, the room has a place and seats, and the duty is already open there or the rule's
staff can be found (first free person of each role, within hours, daily cap and, for helpers,
their own class free). A per-week session takes the same slot in every week of the cycle, as a
hand-made table repeats. What cannot be placed is counted as unmet.

Requirements met are the sessions placed of the sessions the weekly rules require in one rotation
cycle. The preference penalty is counted as the solver's soft rules count it (the same units and
weights: preferred days, preferred windows, same slot every week, spread over the week, balanced
staff load) on the placed sessions, so the two figures are comparable when nothing is unmet.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from rota_solver.scenario import WEEKDAYS, GradeRule, Scenario
from rota_solver.slots import Slot, class_busy_at, rule_slots, staff_available_at


@dataclass(frozen=True)
class GreedyCell:
    class_id: str
    rule_id: str
    week: int
    slot: Slot


@dataclass
class GreedyResult:
    required: int
    placed: int
    penalty: int
    penalties: dict[str, int]
    seconds: float
    cells: list[GreedyCell] = field(default_factory=list)
    duties: dict[tuple[str, int, Slot], list[str]] = field(default_factory=dict)

    @property
    def unmet(self) -> int:
        return self.required - self.placed


@dataclass
class _Person:
    id: str
    role: str
    cap: int | None
    hours: object
    helper_windows: list[str] | None
    own_class: str | None


class _Table:
    """What the librarian has written in the table so far."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.class_at: dict[tuple[str, int], list[Slot]] = defaultdict(list)
        self.room_at: dict[tuple[str, int], list[tuple[Slot, int]]] = defaultdict(list)
        self.duties: dict[tuple[str, int, Slot], list[str]] = {}
        self.person_at: dict[tuple[str, int], list[Slot]] = defaultdict(list)
        self.people = [
            _Person(m.id, m.role, m.max_sessions_per_day, m, None, None) for m in scenario.staff
        ] + [
            _Person(g.id, g.role, g.max_sessions_per_day, None, list(g.windows), g.class_id)
            for g in scenario.helper_groups
        ]

    def class_free(self, class_id: str, week: int, slot: Slot) -> bool:
        school_class = self.scenario.school_class(class_id)
        if class_busy_at(self.scenario, school_class, slot):
            return False
        if any(slot.overlaps(s) for s in self.class_at[(class_id, week)]):
            return False
        # Its helper team on duty keeps the class from coming.
        return not any(
            p.own_class == class_id and any(slot.overlaps(s) for s in self.person_at[(p.id, week)])
            for p in self.people
        )

    def room_fits(self, rule: GradeRule, week: int, slot: Slot, size: int) -> bool:
        room = self.scenario.room(rule.room)
        running = [(s, n) for s, n in self.room_at[(room.id, week)] if slot.overlaps(s)]
        return len(running) < room.classes_at_once and sum(n for _, n in running) + size <= room.seats

    def person_free(self, person: _Person, week: int, slot: Slot) -> bool:
        if person.helper_windows is not None and slot.window_id not in person.helper_windows:
            return False
        if person.hours is not None and not staff_available_at(self.scenario, person.hours, slot):  # type: ignore[arg-type]
            return False
        mine = self.person_at[(person.id, week)]
        if any(slot.overlaps(s) for s in mine):
            return False
        if person.cap is not None and sum(1 for s in mine if s.weekday == slot.weekday) >= person.cap:
            return False
        if person.own_class is not None:
            own = self.scenario.school_class(person.own_class)
            if class_busy_at(self.scenario, own, slot):
                return False
            if any(slot.overlaps(s) for s in self.class_at[(own.id, week)]):
                return False
        return True

    def staff_for(self, rule: GradeRule, week: int, slot: Slot) -> list[str] | None:
        """People to open the duty: the first free ones of each role, or None if there are too few."""
        chosen: list[str] = []
        for role, need in rule.staffing.items():
            free = [p.id for p in self.people if p.role == role and self.person_free(p, week, slot)]
            if len(free) < need:
                return None
            chosen += free[:need]
        return chosen

    def place(self, class_id: str, rule: GradeRule, week: int, slot: Slot, staff: list[str] | None) -> None:
        self.class_at[(class_id, week)].append(slot)
        self.room_at[(rule.room, week)].append((slot, self.scenario.school_class(class_id).size))
        duty = (rule.id, week, slot)
        if duty not in self.duties:
            assert staff is not None
            self.duties[duty] = staff
            for person in staff:
                self.person_at[(person, week)].append(slot)


def greedy_rota(scenario: Scenario) -> GreedyResult:
    """Fill the weekly rotation table first-fit; count requirements met and the preference penalty."""
    started = time.perf_counter()
    cycle = scenario.cycle_weeks
    table = _Table(scenario)
    cells: list[GreedyCell] = []
    required = 0
    order = {d: i for i, d in enumerate(WEEKDAYS)}
    for rule in scenario.rules:
        slots = sorted(rule_slots(scenario, rule), key=lambda s: (order[s.weekday], s.start))
        k = rule.frequency.weeks
        for index, school_class in enumerate(scenario.rule_classes(rule)):
            weeks = [w for w in range(cycle) if w % k == index % k]
            days: list[int] = []
            for _ in range(rule.frequency.sessions):
                required += len(weeks)
                for slot in slots:
                    day = order[slot.weekday]
                    if any(abs(day - d) < rule.spacing.min_days_apart for d in days):
                        continue
                    staffing: dict[int, list[str] | None] = {}
                    ok = True
                    for week in weeks:
                        if not table.class_free(school_class.id, week, slot) or not table.room_fits(
                            rule, week, slot, school_class.size
                        ):
                            ok = False
                            break
                        if (rule.id, week, slot) not in table.duties:
                            staffing[week] = table.staff_for(rule, week, slot)
                            if staffing[week] is None:
                                ok = False
                                break
                    if not ok:
                        continue
                    for week in weeks:
                        table.place(school_class.id, rule, week, slot, staffing.get(week))
                        cells.append(GreedyCell(school_class.id, rule.id, week, slot))
                    days.append(day)
                    break
    penalties = _penalties(scenario, cells, table.duties, table.people)
    weights = scenario.weights
    price = {
        "PreferredDays": weights.preferred_day,
        "PreferredWindows": weights.preferred_window,
        "SameSlotEveryWeek": weights.same_slot_every_week,
        "SpreadOverWeek": weights.spread_over_week,
        "BalancedStaffLoad": weights.staff_balance,
    }
    return GreedyResult(
        required=required,
        placed=len(cells),
        penalty=sum(price[name] * units for name, units in penalties.items()),
        penalties=penalties,
        seconds=time.perf_counter() - started,
        cells=cells,
        duties=table.duties,
    )


def _penalties(
    scenario: Scenario,
    cells: list[GreedyCell],
    duties: dict[tuple[str, int, Slot], list[str]],
    people: list[_Person],
) -> dict[str, int]:
    """Units of each soft rule, counted as rota_solver.model.soft_rules counts them."""
    rules = {r.id: r for r in scenario.rules}
    days = sum(
        1
        for c in cells
        if rules[c.rule_id].preferences.days and c.slot.weekday not in rules[c.rule_id].preferences.days
    )
    windows = sum(
        1
        for c in cells
        if rules[c.rule_id].preferences.windows
        and c.slot.window_id not in rules[c.rule_id].preferences.windows
    )
    # Same slot every week: a per-week session repeats its slot, a fortnightly one has one turn per
    # cycle, so a first-fit table moves nothing.
    by_class_rule_week: dict[tuple[str, str, int], set[Slot]] = defaultdict(set)
    for c in cells:
        by_class_rule_week[(c.class_id, c.rule_id, c.week)].add(c.slot)
    moved = 0
    for (class_id, rule_id, week), slots in by_class_rule_week.items():
        k = rules[rule_id].frequency.weeks
        if week >= k:
            moved += len(slots - by_class_rule_week.get((class_id, rule_id, week - k), set()))
    crowded = 0
    rules_of: dict[str, set[str]] = defaultdict(set)
    for c in cells:
        rules_of[c.class_id].add(c.rule_id)
    per_day: dict[tuple[str, int, str], int] = defaultdict(int)
    for c in cells:
        if (
            len([r for r in scenario.rules if scenario.school_class(c.class_id) in scenario.rule_classes(r)])
            >= 2
        ):
            per_day[(c.class_id, c.week, c.slot.weekday)] += 1
    crowded = sum(max(0, n - 1) for n in per_day.values())
    staffed_roles = {role for r in scenario.rules for role, need in r.staffing.items() if need > 0}
    load: dict[str, int] = defaultdict(int)
    for staff in duties.values():
        for person in staff:
            load[person] += 1
    balance = 0
    for role in sorted(staffed_roles):
        members = [p.id for p in people if p.role == role]
        if len(members) >= 2:
            loads = [load.get(p, 0) for p in members]
            balance += max(loads) - min(loads)
    return {
        "PreferredDays": days,
        "PreferredWindows": windows,
        "SameSlotEveryWeek": moved,
        "SpreadOverWeek": crowded,
        "BalancedStaffLoad": balance,
    }
