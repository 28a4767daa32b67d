"""staff_daily_cap: nobody has more duties in a day than max_sessions_per_day (verifier: StaffDailyCap)."""

from __future__ import annotations

from typing import Any

from rota_solver.model.hard_rules import staff_daily_cap
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

RULE = staff_daily_cap


def school(**rule_overrides: Any) -> Scenario:
    """The librarian takes at most one duty a day; two classes read once a week at lunch."""
    return tiny_school(staff=[{"id": "lib", "max_sessions_per_day": 1}], rules=[rule(**rule_overrides)])


def helper_school() -> Scenario:
    """Helpers of class 2-1 (default cap: one duty a day) staff the reading sessions."""
    return tiny_school(
        helper_groups=[{"id": "hg", "class_id": "2-1", "windows": ["lunch"]}],
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30},
        ],
        rules=[rule(staffing={"helper": 1})],
    )


def two_on_monday(rm: RotaModel) -> None:
    place(rm, "1-1", "reading", "mon", "11:30")
    place(rm, "1-2", "reading", "mon", "12:10")


def test_two_duties_in_a_day_over_a_cap_of_one_is_forbidden() -> None:
    assert_only_rule_forbids(school(), two_on_monday, RULE)


def test_two_helper_duties_in_a_day_is_forbidden() -> None:
    assert_only_rule_forbids(helper_school(), two_on_monday, RULE)


def test_one_duty_a_day_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "1-2", "reading", "tue", "11:30")

    assert_allowed(school(), force)
    assert_allowed(helper_school(), force)


def test_without_a_cap_two_duties_a_day_are_allowed() -> None:
    assert_allowed(tiny_school(), two_on_monday)


def test_without_the_rule_verifier_reports_the_daily_cap() -> None:
    scenario = school(preferences={"days": ["mon"]})
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert [s.weekday for s in rota.pattern] == ["mon", "mon"]
    assert rule_names(violations) == {"StaffDailyCap"}
    # One violation per Monday of the two teaching weeks.
    assert len(violations) == 2 and all("2 duties" in v.message for v in violations)


def test_with_every_rule_one_class_leaves_monday() -> None:
    rota = solve_and_verify(school(preferences={"days": ["mon"]}))
    # The librarian's one Monday duty goes to one class; the other misses Monday: 1 unit x weight 3.
    days = term(rota, "PreferredDays")
    assert days.units == 1 and days.cost == 3
    assert sum(days.bearers.values()) == 1 and set(days.bearers) <= {"1-1", "1-2"}
    assert rota.report.objective == 3
