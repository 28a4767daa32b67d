"""The first-fit table the search starts from keeps every hard rule, and the greedy baseline prices
it exactly as the model's soft rules do."""

from __future__ import annotations

import pytest
from ortools.sat.python import cp_model

from bench.baselines.greedy import greedy_rota
from bench.synthetic import synthetic_school
from rota_solver.loading import load_scenario
from rota_solver.model.builder import build_model
from rota_solver.model.first_fit import add_first_fit_hint
from rota_solver.scenario import Scenario
from tests.conftest import SCENARIOS


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(load_scenario(SCENARIOS / "demo_school.yaml"), id="demo"),
        pytest.param(load_scenario(SCENARIOS / "riverside_primary.yaml"), id="riverside"),
        pytest.param(synthetic_school(48, seed=1), id="synthetic48"),
        pytest.param(synthetic_school(24, seed=2, country="GB"), id="synthetic24gb"),
    ],
)
def test_first_fit_hint_is_a_valid_rota_priced_as_the_greedy_says(scenario: Scenario) -> None:
    built = build_model(scenario, hint=False)
    table = add_first_fit_hint(built.rm)
    assert len(table.cells) == table.required
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(built.rm.model) == cp_model.OPTIMAL
    # Every soft rule, the staff step's too (the objective holds only the table's).
    penalty = sum(p.weight * solver.value(expr) for p in built.penalties for expr, _ in p.units)
    assert penalty == greedy_rota(scenario).penalty
