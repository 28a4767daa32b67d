"""A school with a rota gets no explanation, and the counting checks never cry wolf on one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rota_solver.explain import explain_unmet
from rota_solver.explain.core import minimal_core
from rota_solver.explain.groups import build_guarded
from rota_solver.explain.prechecks import each_activity_has_a_free_slot, weekly_prechecks
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.term_calendar import build_term_calendar
from tests.conftest import SCENARIO_NAMES
from tests.factories import tiny_school


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_no_check_fails_on_a_school_that_has_a_rota(
    name: str, solved_scenario: Callable[[str], tuple[Scenario, Rota]]
) -> None:
    scenario, rota = solved_scenario(name)
    assert weekly_prechecks(scenario) == []
    assert each_activity_has_a_free_slot(scenario, build_term_calendar(scenario)) == []
    assert explain_unmet(scenario, rota) == rota


def test_the_guarded_model_of_a_feasible_school_has_no_conflict() -> None:
    guarded = build_guarded(tiny_school())
    assert guarded.literals, "every hard requirement has its group"
    assert minimal_core(guarded).outcome == "no_conflict"
