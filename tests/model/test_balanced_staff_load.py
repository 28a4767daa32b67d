"""balanced_staff_load (BalancedStaffLoad): the duties between the busiest and the idlest member of a
role in a cycle cost weight 1 each."""

from __future__ import annotations

from typing import Any

from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import solve_and_verify, term


def school(classes: int, lib2: dict[str, Any] | None = None, **rule_overrides: Any) -> Scenario:
    """``classes`` grade-1 classes, each one session a week with one of two librarians."""
    return tiny_school(
        staff=[{"id": "lib1"}, {"id": "lib2", **(lib2 or {})}],
        classes=[{"id": f"1-{i}", "grade": 1, "size": 30} for i in range(1, classes + 1)],
        rules=[rule(**rule_overrides)],
    )


def loads(staff_lists: list[list[str]]) -> dict[str, int]:
    """Duties per person, from each pattern session's staff list."""
    counted: dict[str, int] = {}
    for staff in staff_lists:
        for person in staff:
            counted[person] = counted.get(person, 0) + 1
    return counted


def test_an_odd_number_of_duties_cannot_be_split_evenly() -> None:
    rota = solve_and_verify(school(3))
    # 3 duties a week (one class at a time in the room) for 2 librarians: 2 and 1, a gap of 1
    # duty x weight 1, borne by the role.
    balance = term(rota, "BalancedStaffLoad")
    assert (balance.units, balance.cost, balance.bearers) == (1, 1, {"librarian": 1})
    assert rota.report.objective == 1
    assert sorted(loads([s.staff_ids for s in rota.pattern]).values()) == [1, 2]


def test_a_part_timer_leaves_the_other_with_the_rest() -> None:
    # One 60-minute lunch slot a day; lib2 works Mondays only, so at most 1 of the 4 weekly duties:
    # loads 3 and 1, a gap of 2 x weight 1.
    rota = solve_and_verify(school(4, {"availability": [{"days": ["mon"]}]}, duration_minutes=60))
    balance = term(rota, "BalancedStaffLoad")
    assert (balance.units, balance.cost, balance.bearers) == (2, 2, {"librarian": 2})
    assert rota.report.objective == 2
    assert loads([s.staff_ids for s in rota.pattern]) == {"lib1": 3, "lib2": 1}


def test_an_even_number_of_duties_is_shared_evenly() -> None:
    rota = solve_and_verify(school(4))
    balance = term(rota, "BalancedStaffLoad")
    assert (balance.units, balance.cost, balance.bearers) == (0, 0, {})
    assert rota.report.objective == 0
    assert loads([s.staff_ids for s in rota.pattern]) == {"lib1": 2, "lib2": 2}
