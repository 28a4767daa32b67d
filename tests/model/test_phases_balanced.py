"""phases_balanced: a rule for every k weeks spreads its classes evenly over the k phases
(verifier: Frequency, the phase-balance message)."""

from __future__ import annotations

from collections import Counter

from rota_solver.model.hard_rules import phases_balanced
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import (
    assert_allowed,
    assert_only_rule_forbids,
    forcing,
    place,
    rule_names,
    solve_and_verify,
    violations_without,
)

RULE = phases_balanced


def school(classes: int = 2) -> Scenario:
    """``classes`` grade-1 classes reading every other week (A/B): a two-week cycle."""
    return tiny_school(
        classes=[{"id": f"1-{i}", "grade": 1, "size": 30} for i in range(1, classes + 1)],
        rules=[rule(frequency={"every_weeks": 2})],
    )


def both_in_week_a(rm: RotaModel) -> None:
    place(rm, "1-1", "reading", "mon", "11:30", week=0)
    place(rm, "1-2", "reading", "tue", "11:30", week=0)


def test_both_classes_in_week_a_is_forbidden() -> None:
    assert_only_rule_forbids(school(), both_in_week_a, RULE)


def test_one_class_in_each_week_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30", week=0)
        place(rm, "1-2", "reading", "mon", "11:30", week=1)

    assert_allowed(school(), force)


def test_three_classes_split_two_and_one_but_not_three_and_none() -> None:
    # low = 3 // 2 = 1, high = ceil(3 / 2) = 2 classes per phase.
    def two_in_a(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30", week=0)
        place(rm, "1-2", "reading", "tue", "11:30", week=0)

    def three_in_a(rm: RotaModel) -> None:
        two_in_a(rm)
        place(rm, "1-3", "reading", "wed", "11:30", week=0)

    assert_allowed(school(3), two_in_a)
    assert_only_rule_forbids(school(3), three_in_a, RULE)


def test_without_the_rule_verifier_reports_uneven_phases() -> None:
    # Nothing in the objective prefers one phase to the other, so the imbalance is forced.
    scenario = school()
    rota, violations = violations_without(scenario, RULE, forcing(both_in_week_a))
    assert {s.week_label for s in rota.sessions} == {"A"}
    assert rule_names(violations) == {"Frequency"}
    assert any("unevenly" in v.message for v in violations)


def test_with_every_rule_each_phase_gets_one_class() -> None:
    rota = solve_and_verify(school())
    assert rota.report.objective == 0
    assert Counter(s.cycle_week for s in rota.pattern) == {0: 1, 1: 1}
    assert Counter(s.week_label for s in rota.sessions) == {"A": 1, "B": 1}
