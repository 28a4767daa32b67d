"""The reported objective is the returned rota's (issue 19): each stage's penalty, and the total,
equal the sum of the per-wish breakdown, whether the search was proven or stopped early."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bench.synthetic import synthetic_school
from rota_solver import Rota, Scenario, SolveOptions, SolveRequest, run
from rota_solver.loading import load_scenario
from tests.conftest import SCENARIO_NAMES, SCENARIOS


def assert_adds_up(rota: Rota) -> None:
    report = rota.report
    assert report.objective == sum(t.cost for t in report.terms)
    assert report.objective == sum(stage.objective for stage in report.stages)
    assert report.best_bound <= report.objective


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_a_proven_rota_reports_its_own_penalty(
    name: str, solved_scenario: Callable[[str], tuple[Scenario, Rota]]
) -> None:
    _, rota = solved_scenario(name)
    assert_adds_up(rota)


@pytest.mark.parametrize("work", [0.5, 1.0])
def test_a_rota_stopped_early_reports_its_own_penalty(work: float) -> None:
    """A 36-class school with one librarian for two reading rooms and the stacks, whose table search
    stops, reproducibly, before it is proven (the table with the staff left out cannot be staffed, so
    the search naming them runs, and stops at its work limit). Its unmet items' explanations may use
    the rest of the time limit."""
    options = SolveOptions(time_limit_seconds=15, deterministic_time_limit=work)
    outcome = run(SolveRequest(synthetic_school(36, rooms=2, librarians=1), options))
    assert outcome.rota is not None, outcome.message
    assert outcome.rota.report.stages[0].status == "feasible", "the search stopped before its proof"
    assert_adds_up(outcome.rota)


def test_a_rota_whose_dated_stage_the_limit_cut_reports_its_own_penalty() -> None:
    """The demo school in 1.2 s: the table is proven, the dated stage has its plan of last resort."""
    scenario = load_scenario(SCENARIOS / "demo_school.yaml")
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=1.2)))
    if outcome.rota is not None:  # on a slower machine the table may take all of it
        assert_adds_up(outcome.rota)
