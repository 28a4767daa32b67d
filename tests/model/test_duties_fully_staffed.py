"""duties_fully_staffed: the room is open exactly when a class is there, with exactly the staff the
rule asks for (verifier: Staffing)."""

from __future__ import annotations

from typing import Any

from rota_solver.model.hard_rules import duties_fully_staffed
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import (
    assert_allowed,
    assert_only_rule_forbids,
    assign,
    place,
    rule_names,
    slot,
    solve_and_verify,
    term,
    violations_without,
)

RULE = duties_fully_staffed


def school(**overrides: Any) -> Scenario:
    """Two librarians; reading needs one of them."""
    return tiny_school(staff=[{"id": "lib"}, {"id": "lib2"}], **overrides)


def test_a_session_without_its_librarian_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        assign(rm, "lib", "reading", "mon", "11:30", on=False)
        assign(rm, "lib2", "reading", "mon", "11:30", on=False)

    assert_only_rule_forbids(school(), force, RULE)


def test_two_librarians_on_a_one_librarian_session_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        assign(rm, "lib", "reading", "mon", "11:30")
        assign(rm, "lib2", "reading", "mon", "11:30")

    assert_only_rule_forbids(school(), force, RULE)


def test_an_open_room_with_no_class_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        duty = ("reading", 0, slot(rm, "reading", "fri", "12:10"))
        rm.model.add(rm.duties[duty] == 1)
        for key in rm.by_duty[duty]:
            rm.model.add(rm.placements[key] == 0)

    assert_only_rule_forbids(school(), force, RULE)


def test_a_session_with_one_librarian_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        assign(rm, "lib2", "reading", "mon", "11:30")

    assert_allowed(school(), force)


def tuesday_school() -> Scenario:
    """The only librarian works Mondays, but reading prefers Tuesday."""
    return tiny_school(
        staff=[{"id": "lib", "availability": [{"days": ["mon"]}]}],
        rules=[rule(preferences={"days": ["tue"]})],
    )


def test_without_the_rule_verifier_reports_unstaffed_sessions() -> None:
    scenario = tuesday_school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert [(s.weekday, s.staff_ids) for s in rota.pattern] == [("tue", []), ("tue", [])]
    assert rule_names(violations) == {"Staffing"}
    # 2 classes x 2 teaching weeks, each session with 0 of 1 librarian.
    assert len(violations) == 4 and all("0 librarian" in v.message for v in violations)


def test_with_every_rule_both_classes_come_on_the_librarians_day() -> None:
    rota = solve_and_verify(tuesday_school())
    # Both classes must come on Monday: 2 units x weight 3.
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (2, 6, {"1-1": 1, "1-2": 1})
    assert rota.report.objective == 6
    assert all(s.staff_ids == ["lib"] for s in rota.sessions)


def test_a_role_asked_for_zero_times_needs_nobody() -> None:
    scenario = tiny_school(rules=[rule(staffing={"librarian": 0})])
    rota = solve_and_verify(scenario)
    assert all(s.staff_ids == [] for s in rota.sessions)
