"""sessions_spaced_apart: a class's sessions of one rule in a week are min_days_apart days apart
(verifier: Spacing)."""

from __future__ import annotations

from rota_solver.errors import NoRotaExists
from rota_solver.model.hard_rules import sessions_spaced_apart
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

RULE = sessions_spaced_apart


def school() -> Scenario:
    """Reading twice a week, two days apart, but Monday and Tuesday preferred: spacing costs."""
    return tiny_school(
        rules=[
            rule(
                frequency={"per_week": 2}, spacing={"min_days_apart": 2}, preferences={"days": ["mon", "tue"]}
            )
        ]
    )


def test_sessions_on_consecutive_days_are_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "1-1", "reading", "tue", "11:30")

    assert_only_rule_forbids(school(), force, RULE)


def test_sessions_two_days_apart_are_allowed() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "1-1", "reading", "wed", "11:30")

    assert_allowed(school(), force)


def test_without_the_rule_verifier_reports_spacing() -> None:
    # Monday + Tuesday meets the day wish for free (objective 0) but is only 1 day apart.
    scenario = school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert {s.weekday for s in rota.pattern} == {"mon", "tue"}
    assert rule_names(violations) == {"Spacing"}


def test_with_every_rule_each_class_misses_one_preferred_day() -> None:
    rota = solve_and_verify(school())
    # Two days >= 2 apart cannot both be Monday/Tuesday: each of the 2 classes has one
    # non-preferred day a week (one-week cycle): 2 units x weight 3 = 6.
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (2, 6, {"1-1": 1, "1-2": 1})
    assert rota.report.objective == 6


def test_weekdays_listed_out_of_calendar_order_still_have_a_rota() -> None:
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["wed", "mon"]},
        rules=[rule(frequency={"per_week": 2})],
    )
    try:
        rota = solve_and_verify(scenario)
    except NoRotaExists as error:
        raise AssertionError(f"Monday and Wednesday are two days apart, yet: {error}") from error
    assert {s.weekday for s in rota.pattern} == {"mon", "wed"}
