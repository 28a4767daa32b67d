"""The early table of a short run (rota_solver.early_table): the first-fit table with room made for
the classes it left out, each by moving one class out of its way; where room cannot be made, those
classes set free, and every class of their rule, in the relaxation with the rest held. People named
on it make the rota in hand, which stands when the relaxed search has nothing in its time."""

from __future__ import annotations

import importlib
import time
from typing import Any

import pytest
from ortools.sat.python import cp_model

from bench.anytime import table_penalty
from bench.tight import tight_school
from rota_solver import early_table
from rota_solver.control import RunControl
from rota_solver.early_table import (
    EARLY_TABLE_SECONDS_PER_CLASS,
    first_fit_completed,
    first_fit_table,
    takes_early_table,
)
from rota_solver.model import first_fit as first_fit_module
from rota_solver.model.builder import build_model
from rota_solver.model.first_fit import first_fit
from rota_solver.model.hard_rules import HARD_RULES
from rota_solver.model.soft_rules import SOFT_RULES
from rota_solver.progress import Progress
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from rota_solver.weekly_stage import WEEKLY_STAGE, WeeklyRun
from tests.factories import rule, tiny_school

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)


def school(reading_classes: list[dict[str, Any]]) -> Scenario:
    """Monday lunch has two 30-minute slots, the library one class at a time; grade 2 borrows at the
    desk in the afternoon, under a rule of its own."""
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]},
        rooms=[
            {"id": "library", "name": "Library", "seats": 60, "classes_at_once": 1},
            {"id": "desk", "name": "Desk", "seats": 60, "classes_at_once": 1},
        ],
        classes=[*reading_classes, {"id": "2-1", "grade": 2, "size": 30}],
        rules=[
            rule(duration_minutes=30),
            rule(id="borrowing", kind="borrowing", grades=[2], room="desk", windows=["afternoon"]),
        ],
    )


# 1-2 has a lesson in the second lunch slot: first-fit gives 1-1 the first one and finds none for 1-2.
LEFT_OUT = school(
    [
        {"id": "1-1", "grade": 1, "size": 30},
        {"id": "1-2", "grade": 1, "size": 30, "busy": [{"day": "mon", "start": "12:00", "end": "12:30"}]},
    ]
)


# 1-1 pinned to the first slot, where first-fit puts it.
PIN = {"class_id": "1-1", "rule": "reading", "day": "mon", "start": "11:30"}


def chosen_starts(table: Any, rule_id: str) -> dict[str, set[str]]:
    starts: dict[str, set[str]] = {}
    for (class_id, rule_of, _, slot), value in table.placements.items():
        if value and rule_of == rule_id:
            starts.setdefault(class_id, set()).add(f"{slot.start // 60:02d}:{slot.start % 60:02d}")
    return starts


def test_the_classes_first_fit_left_out_are_placed_by_setting_their_rule_free() -> None:
    fitted = first_fit(LEFT_OUT)
    assert set(fitted.day_sets) == {("1-1", "reading"), ("2-1", "borrowing")}  # 1-2 left out

    calendar = build_term_calendar(LEFT_OUT)
    control = RunControl(10)
    args = (LEFT_OUT, HARD_RULES, SOFT_RULES, calendar, OPTIONS, control, WEEKLY_STAGE)
    table = first_fit_completed(*args, fitted)
    assert table is not None
    # 1-1 made way: it reads in the second slot, 1-2 in the first, every week.
    assert chosen_starts(table, "reading") == {"1-1": {"12:00"}, "1-2": {"11:30"}}
    # The other rule's class was held where first-fit put it.
    held = {(c.class_id, c.week, c.slot) for c in fitted.cells if c.class_id == "2-1"}
    placed = {(k[0], k[2], k[3]) for k, v in table.placements.items() if v and k[0] == "2-1"}
    assert placed == held


def test_first_fit_makes_room_by_moving_one_class_out_of_the_way() -> None:
    fitted = first_fit(LEFT_OUT, make_room=True)
    assert fitted.made_room_for == {("1-2", "reading")}
    table = first_fit_table(LEFT_OUT, fitted)
    assert table is not None
    # 1-1 moved to the second slot, where 1-2 has its lesson, and 1-2 took the first.
    assert chosen_starts(table, "reading") == {"1-1": {"12:00"}, "1-2": {"11:30"}}
    # The people first-fit found are on each duty the table opens.
    assert set(table.duties) == set(fitted.duties)
    assert {(r, w, s) for (_, r, w, s) in table.assignments} == set(table.duties)


def test_a_pinned_class_is_not_moved_to_make_room() -> None:
    pinned = Scenario.model_validate({**LEFT_OUT.model_dump(mode="json"), "pins": [PIN]})
    fitted = first_fit(pinned, make_room=True)
    assert ("1-2", "reading") not in fitted.day_sets and not fitted.made_room_for
    assert first_fit_table(pinned, fitted) is None


def test_when_room_cannot_be_made_the_early_rota_is_the_neighbourhoods(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stage = importlib.import_module("rota_solver.weekly_stage")
    calls: list[str] = []
    completed = stage.first_fit_completed

    def counted(*args: Any) -> Any:
        calls.append("neighbourhood")
        return completed(*args)

    monkeypatch.setattr(stage, "first_fit_completed", counted)
    calendar = build_term_calendar(LEFT_OUT)
    args = (LEFT_OUT, HARD_RULES, SOFT_RULES, calendar, OPTIONS)
    made = stage._early_rota(WeeklyRun(*args, RunControl(10), None))
    assert made is not None and not calls  # room was made: no neighbourhood searched
    monkeypatch.setattr(first_fit_module, "MAKE_ROOM_TRIES", 0)
    searched = stage._early_rota(WeeklyRun(*args, RunControl(10), None))
    assert searched is not None and calls == ["neighbourhood"]
    for early in (made, searched):
        assert chosen_starts(early.table, "reading") == {"1-1": {"12:00"}, "1-2": {"11:30"}}


def test_when_the_rules_missed_hold_every_class_a_first_table_is_taken_only_if_time_is_short(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Without grade 2's class, freeing the reading rule's classes frees the whole school: the
    # relaxation the weekly stage searches next, whose first table is worth taking only when that
    # search may not fit in the time left.
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]},
        classes=[c for c in LEFT_OUT.model_dump(mode="json")["classes"] if c["grade"] == 1],
        rules=[rule(duration_minutes=30)],
    )
    assert len(first_fit(scenario).day_sets) == 1
    calendar = build_term_calendar(scenario)
    args = (scenario, HARD_RULES, SOFT_RULES, calendar, OPTIONS)
    assert first_fit_completed(*args, RunControl(10), WEEKLY_STAGE, first_fit(scenario)) is None
    monkeypatch.setattr(early_table, "WHOLE_FIRST_ANSWER_FACTOR", 1e9)  # any time left is short
    table = first_fit_completed(*args, RunControl(10), WEEKLY_STAGE, first_fit(scenario))
    assert table is not None
    assert chosen_starts(table, "reading") == {"1-1": {"12:00"}, "1-2": {"11:30"}}


def test_only_a_run_short_for_the_schools_size_takes_the_early_table() -> None:
    scenario = tight_school(72, 0)
    threshold = EARLY_TABLE_SECONDS_PER_CLASS * len(scenario.classes)
    assert takes_early_table(scenario, RunControl(threshold * 0.9))
    assert not takes_early_table(scenario, RunControl(threshold * 1.1))
    assert not takes_early_table(scenario, RunControl(None))


@pytest.mark.parametrize(("classes", "seed"), [(72, 0), (120, 2)])
def test_the_early_rota_stands_when_the_relaxed_search_has_nothing_in_its_time(
    monkeypatch: pytest.MonkeyPatch, classes: int, seed: int
) -> None:
    """Tight generated classes, a 1 s limit: the early table is the run's first rota, and when the
    relaxed search then finds no table (as when a slower machine runs out of its share), the run
    returns the early rota, whole and verified, at the penalty it reported. Both schools' first-fit
    tables need room made (120, seed 2: in the fortnightly rule too)."""
    scenario = tight_school(classes, seed)
    assert first_fit(scenario, make_room=True).made_room_for
    stage = importlib.import_module("rota_solver.weekly_stage")
    search = stage._search_table

    def nothing_for_the_relaxation(
        built: Any, solver: cp_model.CpSolver, *args: Any, **kwargs: Any
    ) -> cp_model.CpSolverStatus:
        if kwargs.get("relaxation"):
            solver.parameters.max_deterministic_time = 1e-6  # out of work before any table
        status: cp_model.CpSolverStatus = search(built, solver, *args, **kwargs)
        assert not kwargs.get("relaxation") or status == cp_model.UNKNOWN
        return status

    monkeypatch.setattr(stage, "_search_table", nothing_for_the_relaxation)
    events: list[Progress] = []
    rota = solve(scenario, SolveOptions(time_limit_seconds=1.0, workers=1, seed=0), events.append)
    tables = [e for e in events if e.stage == WEEKLY_STAGE and e.objective is not None]
    assert tables, "the early table is reported as the run's first rota"
    # The dated stage cannot keep every gap limit of so tight a school: those it breaks are listed.
    assert all(v.listed_unmet for v in verify(scenario, rota))
    weekly = rota.report.stages[0]
    assert weekly.status != "optimal"  # nothing proven
    # The table's own wishes, as reported (the report's weekly objective adds the duties' spread).
    assert table_penalty(rota) == tables[0].objective


def test_a_short_run_of_a_tight_school_reports_its_early_table_first() -> None:
    """Unpatched: the first weekly rota reported is the early table's, and the returned rota is no
    worse than it."""
    scenario = tight_school(72, 1)
    events: list[Progress] = []
    rota = solve(scenario, SolveOptions(time_limit_seconds=1.0, workers=1, seed=0), events.append)
    tables = [e for e in events if e.stage == WEEKLY_STAGE and e.objective is not None]
    assert tables and tables[0].bound is None  # the early table: no bound proven yet
    assert all(v.listed_unmet for v in verify(scenario, rota))
    first = tables[0].objective
    assert first is not None and table_penalty(rota) <= first


def test_once_the_early_rota_is_in_hand_the_table_search_leaves_the_dated_stage_its_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A short run's relaxed search stops at IN_HAND_TABLE_SHARE of the run's time, not TABLE_SHARE:
    with an early rota in hand, the dated stage needs the rest to place the term's make-ups."""
    stage = importlib.import_module("rota_solver.weekly_stage")
    search = stage._search_table
    stops: list[float] = []

    def recorded(
        built: Any, solver: cp_model.CpSolver, control: RunControl, *args: Any, **kwargs: Any
    ) -> Any:
        if kwargs.get("relaxation"):
            stops.append(args[1] - control.started)  # stop_at, from the run's start
        return search(built, solver, control, *args, **kwargs)

    monkeypatch.setattr(stage, "_search_table", recorded)
    # Under the early table's threshold for 72 classes (1.8 s), with time for the relaxed search
    # after the early rota (at 1 s a slow machine may have none: see the test below).
    limit = 1.6
    rota = solve(tight_school(72, 1), SolveOptions(time_limit_seconds=limit, workers=1, seed=0))
    # Halfway between the two shares: TABLE_SHARE's stop would be past it whatever came before the
    # weekly stage, IN_HAND_TABLE_SHARE's is before it unless that took a fifth of the limit.
    between = (stage.IN_HAND_TABLE_SHARE + stage.TABLE_SHARE) / 2 * limit
    assert stops and all(stop <= between for stop in stops)
    assert all(v.listed_unmet for v in verify(tight_school(72, 1), rota))


@pytest.mark.parametrize("ready_at", [0.2, 0.35], ids=["just-before-the-share", "past-the-share"])
def test_with_the_early_rota_too_late_for_a_table_search_no_weekly_model_is_built(
    monkeypatch: pytest.MonkeyPatch, ready_at: float
) -> None:
    """When the early rota comes too late for a model to be built and searched in the table's share
    of the time (IN_HAND_TABLE_SHARE, 0.3 of a 1 s run: a slow machine, a large school), no model is
    built only to be left unsearched, neither the relaxed one nor the one naming people: the early
    rota stands, and the dated stage has the time. Its build time is the forecast, and here it holds
    the wait (ready at 0.2 s: 0.2 + at least 0.2 is past 0.3)."""
    stage = importlib.import_module("rota_solver.weekly_stage")
    early_rota = stage._early_rota
    built: list[str] = []
    build = stage.WeeklyRun.build

    def late(run: Any) -> Any:
        found = early_rota(run)
        built.clear()  # its own (the model naming people on the first-fit table)
        time.sleep(max(0.0, ready_at - run.control.elapsed()))
        return found

    def counted(run: Any, *args: Any, **kwargs: Any) -> Any:
        built.append(kwargs.get("people_are", "named"))
        return build(run, *args, **kwargs)

    monkeypatch.setattr(stage, "_early_rota", late)
    monkeypatch.setattr(stage.WeeklyRun, "build", counted)
    scenario = tight_school(72, 1)
    rota = solve(scenario, SolveOptions(time_limit_seconds=1.0, workers=1, seed=0))
    assert built == []
    assert rota.report.stages[0].status == "feasible"
    assert all(v.listed_unmet for v in verify(scenario, rota))


def test_the_early_rotas_duties_are_shared_out_as_the_staff_wishes_ask() -> None:
    """First named, the early rota's people only keep its wishes low; then its duties are shared out,
    the table and its wishes held (72 tight classes: the staff step from 84 to 0)."""
    stage = importlib.import_module("rota_solver.weekly_stage")
    scenario = tight_school(72, 0)
    calendar = build_term_calendar(scenario)
    reported: list[Progress] = []
    run = WeeklyRun(scenario, HARD_RULES, SOFT_RULES, calendar, OPTIONS, RunControl(10), reported.append)
    early = stage._early_rota(run)
    assert early is not None and [p.objective for p in reported] == [early.penalty]
    # The early rota as first named: the first-fit table with room made, people named on it.
    table = first_fit_table(scenario, first_fit(scenario, make_room=True))
    assert table is not None
    naming = build_model(scenario, calendar=calendar, hint=False, only=table)
    first = stage._named_at_any_penalty(naming, table, OPTIONS, RunControl(10))
    assert first is not None and first.penalty == early.penalty

    def staff_step(rota: Any) -> float:
        return float(rota.solver.value(rota.naming._objective(staff_step=True)))

    assert staff_step(early) < staff_step(first)
    assert early.table.placements == first.table.placements  # the table held


@pytest.mark.parametrize("limit", [0.001, 0.05])
def test_a_run_with_no_time_for_its_early_rota_still_returns_it(limit: float) -> None:
    """The early rota is the rota of last resort: people are named on it past the deadline if need be
    (EARLY_NAMING_FLOOR_SECONDS). Before, its search got what was left of the run (nothing), found no
    people, and the run failed with no rota after searching for another table."""
    scenario = tight_school(72, 0)
    rota = solve(scenario, SolveOptions(time_limit_seconds=limit, workers=1, seed=0))
    assert rota.report.stages[0].status == "feasible"
    assert rota.pattern and all(p.staff_ids for p in rota.pattern)
    assert all(v.listed_unmet for v in verify(scenario, rota))


def test_sharing_the_early_duties_out_starts_from_the_early_rota_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The search that shares the early rota's duties out is given the early rota's whole answer as
    its start, so that its first solution comes at once: with the duties alone as the hint it found
    none in the 0.1 s a 0.3 s run of 120 tight classes had left, and the run had spent it for
    nothing. Here it has 0.01 work units (the early rota as its only hint: none found in 0.03) and
    still returns the early rota's duties or better."""
    stage = importlib.import_module("rota_solver.weekly_stage")
    scenario = tight_school(72, 0)
    calendar = build_term_calendar(scenario)
    table = first_fit_table(scenario, first_fit(scenario, make_room=True))
    assert table is not None
    naming = build_model(scenario, calendar=calendar, hint=False, only=table)
    early = stage._named_at_any_penalty(naming, table, OPTIONS, RunControl(10))
    assert early is not None
    monkeypatch.setattr(stage, "EARLY_DUTIES_DETERMINISTIC_LIMIT", 0.01)
    spread = stage._named_at_any_penalty(
        naming, early.table, OPTIONS, RunControl(10), early.penalty, early.solver
    )
    assert spread is not None
    assert spread.table.placements == early.table.placements  # the table held

    def staff_step(rota: Any) -> float:
        return float(rota.solver.value(rota.naming._objective(staff_step=True)))

    assert staff_step(spread) <= staff_step(early)
