"""When the relaxed table (staff left out, the joint activities' wish not priced) leaves a joint
activity no time, people are named on it at whatever penalty they allow (a rota in hand), and then
the classes in the activity's way are set free, the rest held, to give it its time back at the
relaxed optimum: people named there make that table the proven best at once, without searching the
whole relaxation again."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from ortools.sat.python import cp_model

from bench.tight import tight_school
from rota_solver.control import RunControl
from rota_solver.model import builder
from rota_solver.model.builder import Table, build_model
from rota_solver.model.hard_rules import HARD_RULES
from rota_solver.model.joint_neighbourhood import blocked_occurrences, classes_in_the_way, neighbourhood
from rota_solver.model.soft_rules import SOFT_RULES
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from rota_solver.weekly_stage import WeeklyRun, _joint_activities_freed, _named_at_any_penalty
from tests.factories import rule, tiny_school
from tests.model.helpers import QUIZ, place, term

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)

READING = rule(duration_minutes=30, windows=["lunch", "afternoon"], preferences={"windows": ["lunch"]})

# Lunch on Mondays has two 30-minute slots, the room takes two classes at once, and either librarian
# can run the quiz while the other is on duty.
SCHOOL: dict[str, Any] = {
    "term": {"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]},
    "rooms": [{"id": "library", "name": "Library", "seats": 90, "classes_at_once": 2}],
    "staff": [
        {"id": "lib", "name": "Ms Lee", "role": "librarian"},
        {"id": "lib2", "name": "Mr Wu", "role": "librarian"},
    ],
    "classes": [
        {"id": "1-1", "grade": 1, "size": 30},
        {"id": "1-2", "grade": 1, "size": 30},
        {"id": "2-1", "grade": 2, "size": 30},
    ],
    "rules": [{**READING, "grades": [1, 2]}],
    "activities": [QUIZ],
}


def blocking_table(scenario: Scenario) -> Table:
    """A relaxed optimum (every class at lunch) with the two grade-1 classes at different lunch
    slots: as good for the wishes, but the quiz has no lunch slot with both free."""
    relaxed = build_model(scenario, people_are="left_out", hint=False)
    for week in range(scenario.cycle_weeks):
        place(relaxed.rm, "1-1", "reading", "mon", "11:30", week)
        place(relaxed.rm, "1-2", "reading", "mon", "12:00", week)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(relaxed.rm.model) == cp_model.OPTIMAL
    assert solver.objective_value == 0
    return relaxed.table(solver)


def test_the_classes_in_a_blocked_activitys_way_are_set_free() -> None:
    scenario = tiny_school(**SCHOOL)
    calendar = build_term_calendar(scenario)
    table = blocking_table(scenario)
    naming = build_model(scenario, hint=False, only=table)
    fallback = _named_at_any_penalty(naming, table, OPTIONS, RunControl(10))
    assert fallback is not None
    blocked = blocked_occurrences(naming, fallback.solver)
    assert blocked == [("quiz", 1)]  # one occurrence, in either week
    # The quiz's classes, and 2-1, which reads at lunch too (its wish), where the quiz would be.
    free = classes_in_the_way(scenario, calendar, blocked, fallback.table)
    assert free == {"1-1", "1-2", "2-1"}
    cells = neighbourhood(fallback.table, frozenset({"1-1"}))
    held = {k for k, v in table.placements.items() if v and k[0] != "1-1"}
    assert held <= cells.placements and cells.free == {"1-1"}

    run = WeeklyRun(scenario, HARD_RULES, SOFT_RULES, calendar, OPTIONS, RunControl(10), None)
    freed = _joint_activities_freed(run, fallback, 0.0)
    assert freed is not None
    built, named = freed
    assert named.status == cp_model.OPTIMAL
    chosen = [k for k, v in built.rm.placements.items() if named.solver.value(v) and k[0].startswith("1-")]
    # Both grade-1 classes share one lunch slot in each week: the other is the quiz's.
    for week in range(scenario.cycle_weeks):
        starts = {k[3].start for k in chosen if k[2] == week}
        assert len(starts) == 1


def test_no_table_near_the_rota_in_hand_at_the_optimum_leaves_the_whole_search() -> None:
    # One class at a time and one librarian: the quiz's classes cannot share a lunch slot, so keeping
    # the quiz's time costs a class its lunch wish; no table at the relaxed optimum (0) gives it back.
    scenario = tiny_school(term=SCHOOL["term"], rules=[READING], activities=SCHOOL["activities"])
    calendar = build_term_calendar(scenario)
    table = blocking_table(scenario)
    naming = build_model(scenario, hint=False, only=table)
    fallback = _named_at_any_penalty(naming, table, OPTIONS, RunControl(10))
    assert fallback is not None and blocked_occurrences(naming, fallback.solver)
    run = WeeklyRun(scenario, HARD_RULES, SOFT_RULES, calendar, OPTIONS, RunControl(10), None)
    freed = _joint_activities_freed(run, fallback, 0.0)
    assert freed is None
    # The whole relaxation, searched again with the wish priced, finds the optimum the solve returns.
    rota = solve(scenario, OPTIONS)
    assert verify(scenario, rota) == []
    assert term(rota, "JointActivityTime").units == 0
    assert rota.report.stages[0].status == "optimal"


def test_a_tight_school_whose_relaxed_table_blocks_the_helpers_gets_the_optimum_without_a_second_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """120 tight generated classes, seed 1: the relaxed optimum (348) leaves the helpers' book repair
    no time after school, and people can be named on it only at 848. The classes in its way, set
    free, give it back at 348: the proven optimum, without building the relaxation again."""
    scenario = tight_school(120, 1)
    whole_relaxations: list[bool] = []
    build = builder.build_model

    def recorded(*args: Any, **kwargs: Any) -> builder.BuiltModel:
        if kwargs.get("people_are") == "left_out" and kwargs.get("only") is None:
            whole_relaxations.append(kwargs.get("joint_free_times", False))
        return build(*args, **kwargs)

    monkeypatch.setattr(importlib.import_module("rota_solver.weekly_stage"), "build_model", recorded)
    rota = solve(scenario, SolveOptions(time_limit_seconds=60, workers=1, seed=0))
    # The dated stage cannot keep every gap limit of so tight a school: those it breaks are listed.
    assert all(v.listed_unmet for v in verify(scenario, rota))
    weekly = rota.report.stages[0]
    assert weekly.status == "optimal"
    assert weekly.objective == weekly.best_bound
    assert term(rota, "JointActivityTime").units == 0
    assert whole_relaxations == [False]
