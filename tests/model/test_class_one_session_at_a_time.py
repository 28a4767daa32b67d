"""class_one_session_at_a_time: a class with two rules is in at most one session at any moment
(verifier: ClassOneSessionAtATime)."""

from __future__ import annotations

from typing import Any

from rota_solver.model.hard_rules import class_one_session_at_a_time
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import (
    assert_allowed,
    assert_only_rule_forbids,
    place,
    rule_names,
    solve_and_verify,
    term,
    violations_without,
)

RULE = class_one_session_at_a_time


def school(minutes: tuple[int, int], weights: dict[str, int] | None = None, **overrides: Any) -> Scenario:
    """Class 1-1 alone, reading (library, with the librarian) and borrowing (corner, unstaffed),
    once a week each at lunch; two rooms and two staffings so nothing but the class clashes."""
    return tiny_school(
        weights=weights or {},
        rooms=[{"id": "library", "seats": 60}, {"id": "corner", "seats": 60}],
        classes=[{"id": "1-1", "grade": 1, "size": 30}],
        rules=[
            rule(duration_minutes=minutes[0], **overrides),
            rule(
                id="borrowing",
                kind="borrowing",
                room="corner",
                staffing={},
                duration_minutes=minutes[1],
                **overrides,
            ),
        ],
    )


def test_overlapping_sessions_of_two_rules_are_forbidden() -> None:
    # reading 11:50-12:10 and borrowing 11:30-12:00 start apart but overlap 11:50-12:00.
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:50")
        place(rm, "1-1", "borrowing", "mon", "11:30")

    assert_only_rule_forbids(school((20, 30)), force, RULE)


def test_the_same_slot_in_two_rules_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "tue", "12:00")
        place(rm, "1-1", "borrowing", "tue", "12:00")

    assert_only_rule_forbids(school((30, 30)), force, RULE)


def test_back_to_back_sessions_are_allowed() -> None:
    # reading 11:30-11:50, borrowing 12:00-12:30: same day, no overlap.
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "1-1", "borrowing", "mon", "12:00")

    assert_allowed(school((20, 30)), force)


def monday_school() -> Scenario:
    """One 60-minute lunch slot a day, both rules prefer Monday; spreading over the week is free."""
    return school((60, 60), weights={"spread_over_week": 0}, preferences={"days": ["mon"]})


def test_without_the_rule_verifier_reports_two_sessions_at_once() -> None:
    scenario = monday_school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert {(s.rule_id, s.weekday, s.start.isoformat()) for s in rota.pattern} == {
        ("reading", "mon", "11:30:00"),
        ("borrowing", "mon", "11:30:00"),
    }
    assert rule_names(violations) == {"ClassOneSessionAtATime"}


def test_with_every_rule_one_rule_leaves_monday() -> None:
    rota = solve_and_verify(monday_school())
    # Only one of the two sessions can have Monday's single slot: 1 unit x weight 3.
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (1, 3, {"1-1": 1})
    assert rota.report.objective == 3
