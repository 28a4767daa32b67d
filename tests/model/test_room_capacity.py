"""room_capacity: a room never holds more classes than classes_at_once, nor more pupils than seats
(verifier: RoomCapacity)."""

from __future__ import annotations

from typing import Any

import pytest

from rota_solver.model.hard_rules import room_capacity
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

RULE = room_capacity

# (classes_at_once, seats) where two classes of 30 do not fit at once, and the word the verifier uses.
TOO_SMALL = [
    pytest.param(1, 60, "classes", id="classes_at_once"),
    pytest.param(2, 50, "seats", id="seats"),
]


def school(classes_at_once: int, seats: int, **rule_overrides: Any) -> Scenario:
    """Two classes of 30 reading once a week in a 60-minute lunch slot: one slot a day."""
    return tiny_school(
        rooms=[{"id": "library", "seats": seats, "classes_at_once": classes_at_once}],
        rules=[rule(duration_minutes=60, **rule_overrides)],
    )


def both_on_monday(rm: RotaModel) -> None:
    place(rm, "1-1", "reading", "mon", "11:30")
    place(rm, "1-2", "reading", "mon", "11:30")


@pytest.mark.parametrize(("classes_at_once", "seats", "word"), TOO_SMALL)
def test_two_classes_at_once_in_a_room_too_small_is_forbidden(
    classes_at_once: int, seats: int, word: str
) -> None:
    assert_only_rule_forbids(school(classes_at_once, seats), both_on_monday, RULE)


def test_two_classes_at_once_in_a_room_that_fits_both_is_allowed() -> None:
    assert_allowed(school(2, 60), both_on_monday)


def test_one_class_at_a_time_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "1-2", "reading", "tue", "11:30")

    assert_allowed(school(1, 60), force)


@pytest.mark.parametrize(("classes_at_once", "seats", "word"), TOO_SMALL)
def test_without_the_rule_verifier_reports_room_capacity(classes_at_once: int, seats: int, word: str) -> None:
    # Both classes prefer Monday, which has one slot: sharing it is free once capacity is gone.
    scenario = school(classes_at_once, seats, preferences={"days": ["mon"]})
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert {s.weekday for s in rota.pattern} == {"mon"}
    assert rule_names(violations) == {"RoomCapacity"}
    assert all(word in v.message for v in violations)


@pytest.mark.parametrize(("classes_at_once", "seats", "word"), TOO_SMALL)
def test_with_every_rule_one_class_leaves_monday(classes_at_once: int, seats: int, word: str) -> None:
    rota = solve_and_verify(school(classes_at_once, seats, preferences={"days": ["mon"]}))
    # Monday's single slot holds one class; the other misses the preferred day: 1 unit x weight 3.
    days = term(rota, "PreferredDays")
    assert days.units == 1 and days.cost == 3
    assert sum(days.bearers.values()) == 1 and set(days.bearers) <= {"1-1", "1-2"}
    assert rota.report.objective == 3


def test_with_room_for_both_they_share_monday_for_free() -> None:
    rota = solve_and_verify(school(2, 60, preferences={"days": ["mon"]}))
    assert rota.report.objective == 0
    assert [(s.weekday, s.staff_ids) for s in rota.pattern] == [("mon", ["lib"]), ("mon", ["lib"])]
