"""class_not_busy: a class never comes while its own timetable has it elsewhere (verifier: ClassNotBusy)."""

from __future__ import annotations

from typing import Any

import pytest

from rota_solver.model.hard_rules import class_not_busy
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

RULE = class_not_busy


def school(busy: list[dict[str, Any]], **rule_overrides: Any) -> Scenario:
    return tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30, "busy": busy},
            {"id": "1-2", "grade": 1, "size": 30},
        ],
        rules=[rule(**rule_overrides)],
    )


# (busy period of 1-1, rule windows, a slot it blocks, a slot next to it that stays free)
CASES = [
    pytest.param(
        {"day": "mon", "start": "11:40", "end": "11:45"}, ["lunch"], "11:30", "11:50", id="time-range"
    ),
    pytest.param({"day": "mon", "period": "p5"}, ["afternoon"], "14:00", "14:50", id="bell-period"),
]


@pytest.mark.parametrize(("busy", "windows", "blocked", "free"), CASES)
def test_a_slot_overlapping_a_busy_period_is_forbidden(
    busy: dict[str, Any], windows: list[str], blocked: str, free: str
) -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", blocked)

    assert_only_rule_forbids(school([busy], windows=windows), force, RULE)


@pytest.mark.parametrize(("busy", "windows", "blocked", "free"), CASES)
def test_the_next_slot_or_another_class_is_allowed(
    busy: dict[str, Any], windows: list[str], blocked: str, free: str
) -> None:
    def own_free_slot(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", free)

    def other_class_in_blocked_slot(rm: RotaModel) -> None:
        place(rm, "1-2", "reading", "mon", blocked)

    scenario = school([busy], windows=windows)
    assert_allowed(scenario, own_free_slot)
    assert_allowed(scenario, other_class_in_blocked_slot)


def monday_school() -> Scenario:
    """Monday is preferred, but 1-1 has PE all Monday lunchtime."""
    pe = {"day": "mon", "start": "11:30", "end": "12:30", "what": "PE"}
    return school([pe], preferences={"days": ["mon"]})


def test_without_the_rule_verifier_reports_class_not_busy() -> None:
    scenario = monday_school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert rule_names(violations) == {"ClassNotBusy"}
    assert all("PE" in v.message and "1-1" in v.message for v in violations)


def test_with_every_rule_the_busy_class_pays_for_another_day() -> None:
    rota = solve_and_verify(monday_school())
    # 1-2 comes on Monday for free; 1-1 cannot, so it misses the preferred day once a week: 1 x 3.
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (1, 3, {"1-1": 1})
    assert rota.report.objective == 3
