"""staff_one_place_at_a_time: a staff member (or helper group) is on at most one duty at any moment
(verifier: StaffOnePlaceAtATime)."""

from __future__ import annotations

from typing import Any

from rota_solver.model.hard_rules import staff_one_place_at_a_time
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

RULE = staff_one_place_at_a_time


def school(minutes: tuple[int, int] = (60, 60), **rule_overrides: Any) -> Scenario:
    """Two rooms, one librarian: grade 1 reads in the library, grade 2 borrows in the corner."""
    return tiny_school(
        rooms=[{"id": "library", "seats": 60}, {"id": "corner", "seats": 60}],
        classes=[{"id": "1-1", "grade": 1, "size": 30}, {"id": "2-1", "grade": 2, "size": 30}],
        rules=[
            rule(duration_minutes=minutes[0], **rule_overrides),
            rule(
                id="borrowing",
                kind="borrowing",
                grades=[2],
                room="corner",
                duration_minutes=minutes[1],
                **rule_overrides,
            ),
        ],
    )


def test_one_librarian_in_two_rooms_at_once_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "2-1", "borrowing", "mon", "11:30")

    assert_only_rule_forbids(school(), force, RULE)


def test_overlapping_duties_of_different_lengths_are_forbidden() -> None:
    # reading 11:50-12:10, borrowing 11:30-12:00: they overlap 11:50-12:00.
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:50")
        place(rm, "2-1", "borrowing", "mon", "11:30")

    assert_only_rule_forbids(school((20, 30)), force, RULE)


def test_back_to_back_duties_are_allowed() -> None:
    # reading 11:30-11:50, borrowing 12:00-12:30.
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "2-1", "borrowing", "mon", "12:00")

    assert_allowed(school((20, 30)), force)


def test_without_the_rule_verifier_reports_two_places_at_once() -> None:
    # Both rules prefer Monday, which has one 60-minute lunch slot.
    scenario = school(preferences={"days": ["mon"]})
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert [(s.room_id, s.weekday, s.staff_ids) for s in rota.pattern] == [
        ("corner", "mon", ["lib"]),
        ("library", "mon", ["lib"]),
    ]
    assert rule_names(violations) == {"StaffOnePlaceAtATime"}
    assert all("two places at once" in v.message for v in violations)


def test_with_every_rule_one_class_leaves_monday() -> None:
    rota = solve_and_verify(school(preferences={"days": ["mon"]}))
    # The librarian can staff only one of the two Monday sessions: 1 unit x weight 3.
    days = term(rota, "PreferredDays")
    assert days.units == 1 and days.cost == 3
    assert sum(days.bearers.values()) == 1 and set(days.bearers) <= {"1-1", "2-1"}
    assert rota.report.objective == 3
