"""helpers_own_class_free: helpers are never on duty while their own class is busy or in a library
session (verifier: HelpersOwnClassFree)."""

from __future__ import annotations

from rota_solver.model.hard_rules import helpers_own_class_free
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import (
    assert_allowed,
    assert_only_rule_forbids,
    assign,
    place,
    rule_names,
    solve_and_verify,
    term,
    violations_without,
)

RULE = helpers_own_class_free


def busy_school() -> Scenario:
    """Helpers of class 2-1 staff grade 1's reading; 2-1 has PE all Monday lunchtime; reading
    prefers Monday."""
    return tiny_school(
        helper_groups=[{"id": "hg", "class_id": "2-1", "windows": ["lunch"]}],
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {
                "id": "2-1",
                "grade": 2,
                "size": 30,
                "busy": [{"day": "mon", "start": "11:30", "end": "12:30", "what": "PE"}],
            },
        ],
        rules=[rule(staffing={"helper": 1}, preferences={"days": ["mon"]})],
    )


def own_session_school() -> Scenario:
    """Class 1-1 reads and has its own helpers hg1 (lunch only); hg2 of class 2-1 works only in the
    afternoon; reading prefers lunch."""
    return tiny_school(
        helper_groups=[
            {"id": "hg1", "class_id": "1-1", "windows": ["lunch"]},
            {"id": "hg2", "class_id": "2-1", "windows": ["afternoon"]},
        ],
        classes=[{"id": "1-1", "grade": 1, "size": 30}, {"id": "2-1", "grade": 2, "size": 30}],
        rules=[
            rule(windows=["lunch", "afternoon"], staffing={"helper": 1}, preferences={"windows": ["lunch"]})
        ],
    )


def test_helpers_on_duty_while_their_class_is_busy_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        assign(rm, "hg", "reading", "mon", "11:50")

    assert_only_rule_forbids(busy_school(), force, RULE)


def test_helpers_on_duty_while_their_class_is_free_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        assign(rm, "hg", "reading", "tue", "11:50")

    assert_allowed(busy_school(), force)


def test_helpers_staffing_their_own_class_session_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "wed", "11:30")
        assign(rm, "hg1", "reading", "wed", "11:30")

    assert_only_rule_forbids(own_session_school(), force, RULE)


def test_other_helpers_staffing_the_class_session_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "wed", "14:00")
        assign(rm, "hg2", "reading", "wed", "14:00")

    assert_allowed(own_session_school(), force)


def test_without_the_rule_verifier_reports_helpers_whose_class_is_busy() -> None:
    scenario = busy_school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert [(s.weekday, s.staff_ids) for s in rota.pattern] == [("mon", ["hg"])]
    assert rule_names(violations) == {"HelpersOwnClassFree"}
    assert all("PE" in v.message for v in violations)


def test_without_the_rule_verifier_reports_helpers_at_their_own_class_session() -> None:
    scenario = own_session_school()
    rota, violations = violations_without(scenario, RULE)
    # Lunch is free; the only cost left is one helper group idle while the other has the duty.
    assert rota.report.objective == 1
    assert term(rota, "PreferredWindows").units == 0
    assert [(s.window_id, s.staff_ids) for s in rota.pattern] == [("lunch", ["hg1"])]
    assert rule_names(violations) == {"HelpersOwnClassFree"}
    assert all("while class 1-1 is in" in v.message for v in violations)


def test_with_every_rule_busy_helpers_push_reading_off_monday() -> None:
    rota = solve_and_verify(busy_school())
    # The only helpers are at PE on Monday, so 1-1 reads another day: 1 unit x weight 3.
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (1, 3, {"1-1": 1})
    assert rota.report.objective == 3


def test_with_every_rule_the_class_reads_when_other_helpers_can_come() -> None:
    rota = solve_and_verify(own_session_school())
    # hg1 cannot staff its own class and hg2 cannot do lunch: 1-1 reads in the afternoon, 1 x 2.
    windows = term(rota, "PreferredWindows")
    assert (windows.units, windows.cost, windows.bearers) == (1, 2, {"1-1": 1})
    # hg2 has the one duty a week and hg1 none: a load gap of 1 x weight 1. Total 2 + 1.
    balance = term(rota, "BalancedStaffLoad")
    assert (balance.units, balance.cost, balance.bearers) == (1, 1, {"helper": 1})
    assert rota.report.objective == 3
    assert all(s.staff_ids == ["hg2"] for s in rota.sessions)
