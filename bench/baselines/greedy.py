"""The hand-made baseline: a greedy first-fit weekly rota, filled the way a librarian fills the table.

The table is ``rota_solver.model.first_fit`` (classes in order, each session in the first slot that
keeps every hard rule, a per-week session in the same slot every week); the solver also starts its
search from it. What cannot be placed is counted as unmet.

Requirements met are the sessions placed of the sessions the weekly rules require in one rotation
cycle. The preference penalty is counted as the solver's soft rules count it (the same units and
weights: preferred days, preferred windows, same slot every week, spread over the week, balanced
staff load) on the placed sessions, so the two figures are comparable when nothing is unmet.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from rota_solver.model.first_fit import Cell, first_fit
from rota_solver.scenario import Scenario
from rota_solver.slots import Slot

GreedyCell = Cell


@dataclass
class GreedyResult:
    required: int
    placed: int
    penalty: int
    penalties: dict[str, int]
    seconds: float
    cells: list[Cell] = field(default_factory=list)
    duties: dict[tuple[str, int, Slot], list[str]] = field(default_factory=dict)

    @property
    def unmet(self) -> int:
        return self.required - self.placed


def greedy_rota(scenario: Scenario) -> GreedyResult:
    """Fill the weekly rotation table first-fit; count requirements met and the preference penalty."""
    started = time.perf_counter()
    table = first_fit(scenario)
    seconds = time.perf_counter() - started
    people = [(m.id, m.role) for m in scenario.staff] + [(g.id, g.role) for g in scenario.helper_groups]
    penalties = _penalties(scenario, table.cells, table.duties, people)
    weights = scenario.weights
    price = {
        "PreferredDays": weights.preferred_day,
        "PreferredWindows": weights.preferred_window,
        "SameSlotEveryWeek": weights.same_slot_every_week,
        "SpreadOverWeek": weights.spread_over_week,
        "BalancedStaffLoad": weights.staff_balance,
    }
    return GreedyResult(
        required=table.required,
        placed=len(table.cells),
        penalty=sum(price[name] * units for name, units in penalties.items()),
        penalties=penalties,
        seconds=seconds,
        cells=table.cells,
        duties=table.duties,
    )


def _penalties(
    scenario: Scenario,
    cells: list[GreedyCell],
    duties: dict[tuple[str, int, Slot], list[str]],
    people: list[tuple[str, str]],
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
        members = [person for person, its_role in people if its_role == role]
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
