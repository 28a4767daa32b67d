"""joint_activities_find_their_classes_free in the relaxation without people (the weekly table is
first solved with the staff left out, then people are named on it): a time kept free for a joint
activity needs its classes out of sessions, enough people of each role it needs left off duty, and
those taking part off duty. Each is implied by the named model, so the relaxation's optimum stays a
lower bound; each school below makes one of them bind, where the plain relaxation (the wish left
out, as the weekly stage's first pass has it) finds a table people cannot be named on at its
penalty, so that the weekly stage searches the relaxation again with the wish priced."""

from __future__ import annotations

from typing import Any

import pytest
from ortools.sat.python import cp_model

from rota_solver.control import RunControl
from rota_solver.model.builder import build_model
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from rota_solver.weekly_stage import WEEKLY_STAGE
from tests.factories import rule, tiny_school
from tests.model.helpers import term

MONDAYS = {"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]}
"""Lunch on Mondays has two 30-minute slots."""
READING = rule(duration_minutes=30, windows=["lunch", "afternoon"], preferences={"windows": ["lunch"]})


def activity(participants: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {
        "id": "meet",
        "kind": "competition",
        "participants": participants,
        "when": {"weeks": [1, 2]},
        "duration_minutes": 30,
        "windows": ["lunch"],
        **rest,
    }


def relaxed_optimum(scenario: Scenario, joint_free_times: bool = True) -> float:
    built = build_model(scenario, people_are="left_out", hint=False, joint_free_times=joint_free_times)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(built.rm.model) == cp_model.OPTIMAL
    return solver.objective_value


def named_optimum(scenario: Scenario) -> int:
    rota = solve(scenario, SolveOptions(time_limit_seconds=10, workers=1, seed=0))
    assert verify(scenario, rota) == []
    weekly = rota.report.stages[0]
    assert weekly.status == "optimal"
    assert term(rota, "JointActivityTime").units == 0
    return weekly.objective


def test_the_classes_of_a_joint_activity_are_kept_out_of_sessions() -> None:
    # Both grade-1 classes would rather read at lunch, where their quiz is: one reads in the afternoon.
    scenario = tiny_school(
        term=MONDAYS,
        rules=[READING],
        activities=[activity({"grades": [1]}, staffing={"librarian": 1})],
    )
    assert relaxed_optimum(scenario) == named_optimum(scenario) == 2
    assert relaxed_optimum(scenario, joint_free_times=False) == 0  # the plain relaxation: all at lunch


def test_enough_people_of_a_role_are_left_off_duty() -> None:
    # Grade 2's quiz needs the one librarian, who is on duty whenever grade 1 reads: were both
    # grade-1 classes at lunch, she would have no time for it.
    scenario = tiny_school(
        term=MONDAYS,
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30},
            {"id": "2-2", "grade": 2, "size": 30},
        ],
        rules=[READING],
        activities=[activity({"grades": [2]}, staffing={"librarian": 1})],
    )
    assert relaxed_optimum(scenario) == named_optimum(scenario) == 2
    assert relaxed_optimum(scenario, joint_free_times=False) == 0  # the plain relaxation: all at lunch


def test_those_taking_part_are_kept_off_duty() -> None:
    # The helpers of classes 2-1 and 2-2 staff grade 1's reading and all meet at lunch: were both
    # grade-1 classes at lunch, helpers would be on duty at both lunch slots.
    windows = ["lunch", "afternoon"]
    scenario = tiny_school(
        term=MONDAYS,
        helper_groups=[
            {"id": "hg1", "class_id": "2-1", "windows": windows},
            {"id": "hg2", "class_id": "2-2", "windows": windows},
        ],
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30},
            {"id": "2-2", "grade": 2, "size": 30},
        ],
        rules=[{**READING, "staffing": {"helper": 1}}],
        activities=[activity({"helper_groups": "all"})],
    )
    assert relaxed_optimum(scenario) == named_optimum(scenario) == 2
    assert relaxed_optimum(scenario, joint_free_times=False) == 0  # the plain relaxation: all at lunch


def test_with_a_rota_in_hand_the_second_relaxation_keeps_to_the_tables_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The first relaxation's table cannot have people named on it at its penalty: they are named at
    whatever penalty they allow (a rota in hand), and the relaxation is searched again, pricing the
    wish. That second search ends at the table's share of the time, found or not, where the first
    may run past it to find any table at all: the time beyond is the dated stage's."""
    scenario = tiny_school(
        term=MONDAYS,
        rules=[READING],
        activities=[activity({"grades": [1]}, staffing={"librarian": 1})],
    )
    searches: list[tuple[float, float]] = []
    search = RunControl.search

    def recorded(self: RunControl, *args: Any, **kwargs: Any) -> cp_model.CpSolverStatus:
        if kwargs["stage"] == WEEKLY_STAGE and kwargs.get("soft_seconds") is not None:
            searches.append((kwargs["seconds"], kwargs["soft_seconds"]))
        return search(self, *args, **kwargs)

    monkeypatch.setattr(RunControl, "search", recorded)
    assert named_optimum(scenario) == 2
    # The first relaxation, naming people at any penalty, the second relaxation.
    (first_hard, first_soft), _, (second_hard, second_soft) = searches
    assert first_hard > first_soft + 1
    assert second_hard <= second_soft + 0.01
