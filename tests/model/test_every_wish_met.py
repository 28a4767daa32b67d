"""BuiltModel.every_wish_met: the table with every wish met, tried before the full search. A rota
of it is an optimum; when there is none, the full search decides."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rota_solver.model.builder import build_model
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.factories import rule, tiny_school


def probe_status(scenario: Scenario) -> cp_model.CpSolverStatus:
    probe = build_model(scenario).every_wish_met()
    assert probe is not None
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    return solver.solve(probe)


def test_a_school_whose_wishes_can_all_be_met_is_solved_by_the_probe() -> None:
    scenario = tiny_school(rules=[rule(preferences={"days": ["mon", "tue"]})])
    assert probe_status(scenario) == cp_model.OPTIMAL
    rota = solve(scenario, SolveOptions(time_limit_seconds=10))
    assert verify(scenario, rota) == []
    assert rota.report.stages[0].status == "optimal" and rota.report.objective == 0


def test_wishes_that_clash_leave_the_probe_without_a_rota_and_the_search_finds_the_best() -> None:
    # One lunch slot a week on Mondays would seat only one class: the other pays for its day.
    scenario = tiny_school(
        windows=[{"id": "lunch", "start": "11:30", "end": "11:50"}],
        rules=[rule(preferences={"days": ["mon"]})],
    )
    assert probe_status(scenario) == cp_model.INFEASIBLE
    rota = solve(scenario, SolveOptions(time_limit_seconds=10))
    assert verify(scenario, rota) == []
    weekly = rota.report.stages[0]
    assert (weekly.status, weekly.objective, weekly.best_bound) == ("optimal", 3, 3)
