"""The time limit is the whole run's: solver stages and explainer included, a run with limit L ends
within L + 2 s, and a cancel from another thread ends it at once."""

from __future__ import annotations

import threading
import time

import pytest
from ortools.sat.python import cp_model

from rota_solver import RunControl, SolveOptions, SolveRequest, run
from rota_solver.explain import explain_infeasibility, explain_unmet
from rota_solver.loading import load_scenario
from rota_solver.verify import verify
from tests.conftest import SCENARIOS
from tests.explain import schools

SLACK = 2.0


@pytest.mark.parametrize("limit", [0.3, 1.0])
def test_a_short_limit_ends_the_demo_school_in_time(limit: float) -> None:
    scenario = load_scenario(SCENARIOS / "demo_school.yaml")
    started = time.monotonic()
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=limit)))
    wall = time.monotonic() - started
    assert wall <= limit + SLACK, wall
    assert outcome.kind in ("stopped_at_limit", "solved", "solved_with_unmet"), outcome.message
    if outcome.kind == "stopped_at_limit":
        assert outcome.cut_short, "it says which stage the limit cut"
    if outcome.rota is not None:
        assert [v for v in verify(scenario, outcome.rota) if not v.listed_unmet] == []


def test_the_explainer_keeps_within_the_limit() -> None:
    """Testing an unmet item's fixes re-solves the school; with little time left they stop in time."""
    scenario = schools.orientation_school()
    generous = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=30)))
    assert generous.kind == "solved_with_unmet"
    spent = generous.seconds
    limit = max(0.2, spent / 3)  # less than the explanation needs
    started = time.monotonic()
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=limit)))
    assert time.monotonic() - started <= limit + SLACK
    assert outcome.kind in ("solved_with_unmet", "stopped_at_limit")


def test_a_cancel_from_another_thread_ends_the_run() -> None:
    scenario = load_scenario(SCENARIOS / "demo_school.yaml")
    control = RunControl(60)
    threading.Timer(0.2, control.cancel).start()
    started = time.monotonic()
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=60)), control)
    assert outcome.kind == "cancelled"
    assert time.monotonic() - started < 2.0


def test_an_item_the_cut_dated_stage_left_unplaced_says_the_time_ran_out() -> None:
    """With the dated stage cut short and no time left, no count can say why an item is unmet:
    its sentence says the time ran out, and no suggestion is built."""
    scenario = schools.orientation_school()
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=30)))
    assert outcome.rota is not None and outcome.rota.unmet
    report = outcome.rota.report
    stages = [
        s.model_copy(update={"status": "feasible"}) if s.name == "term_dates" else s for s in report.stages
    ]
    cut = outcome.rota.model_copy(update={"report": report.model_copy(update={"stages": stages})})
    late = explain_unmet(scenario, cut, RunControl(0.0))
    for item in late.unmet:
        assert item.explanation is not None and item.explanation.suggestions == []
        if item.kind != "gap":
            assert "the time limit ran out before it was placed" in item.explanation.text


def test_with_no_time_left_a_school_without_a_rota_is_explained_by_its_counts_alone() -> None:
    """The explainer builds no model and tests no relaxation past the deadline: the counts' own
    finding is the answer, marked not proven smallest."""
    scenario = schools.class_too_big_for_the_room()
    started = time.monotonic()
    explanation = explain_infeasibility(scenario, control=RunControl(0.0))
    assert time.monotonic() - started < 1.0
    [conflict] = explanation.conflicts
    assert conflict.found_by == "precheck" and not conflict.minimal and conflict.suggestions == []
    full = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=20)))
    assert full.explanation is not None and full.explanation.conflicts[0].suggestions, "with time: tested"


def test_a_search_with_a_floor_gets_it_past_the_deadline_and_others_do_not() -> None:
    """``floor_seconds`` is for a run's rota of last resort (the early table's people): that search
    gets its floor even with the deadline passed; any other gets the sliver a search needs to hand
    back what it was given."""
    given: list[float] = []

    class Recording(cp_model.CpSolver):
        def solve(self, model: cp_model.CpModel, *args: object, **kwargs: object) -> cp_model.CpSolverStatus:
            given.append(self.parameters.max_time_in_seconds)
            return super().solve(model)

    model = cp_model.CpModel()
    model.new_bool_var("x")
    control = RunControl(0.0)
    for floor in (0.3, 0.0):
        solver = Recording()
        solver.parameters.max_time_in_seconds = 60
        control.search(solver, model, stage="weekly_pattern", tentative=True, floor_seconds=floor)
        assert solver.parameters.max_time_in_seconds == 60  # restored after the search
    assert given == [0.3, 0.01]
