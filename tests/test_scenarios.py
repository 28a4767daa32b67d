"""Every school in ``scenarios/`` solves to a proven optimum that the verifier accepts."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from tests.conftest import SCENARIO_NAMES


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_solves_to_proven_optimum_and_verifies(
    name: str, solved_scenario: Callable[[str], tuple[Scenario, Rota]]
) -> None:
    _, rota = solved_scenario(name)  # the fixture runs the verifier
    assert rota.report.status == "optimal"
    assert rota.report.objective == rota.report.best_bound
    assert rota.report.objective == sum(t.cost for t in rota.report.terms)
    assert rota.sessions, "a rota with no sessions helps nobody"
    for row in rota.summaries:
        # Held plus lost covers what the pattern asks of every teaching week.
        assert row.planned + row.lost >= row.required
        assert row.planned > 0


def test_demo_school_is_as_the_seeds_describe(
    solved_scenario: Callable[[str], tuple[Scenario, Rota]],
) -> None:
    scenario, rota = solved_scenario("demo_school")
    assert len(scenario.classes) == 24
    assert rota.cycle_weeks == 2
    # Grades 3-6 borrow in alternate weeks: 8 classes in A weeks and 8 in B weeks.
    borrowing = {(c.class_id, c.week_label) for c in rota.pattern if c.kind == "borrowing"}
    assert sorted(label for _, label in borrowing).count("A") == 8
    assert sorted(label for _, label in borrowing).count("B") == 8
    # National Day golden week swallows sessions, and the rota says so.
    golden_week = {f"2026-10-0{d}" for d in range(1, 8)}
    assert any(x.date.isoformat() in golden_week and "国庆节" in x.reason for x in rota.lost)
    # The 调休 Saturday 2026-10-10 follows Wednesday's timetable, rota included.
    on_makeup = [s for s in rota.sessions if s.date.isoformat() == "2026-10-10"]
    assert on_makeup and all(s.follows == "wed" for s in on_makeup)


def test_english_school_times_carry_daylight_saving(
    solved_scenario: Callable[[str], tuple[Scenario, Rota]],
) -> None:
    _, rota = solved_scenario("riverside_primary")
    offsets = {s.start.utcoffset() for s in rota.sessions}
    assert len(offsets) == 2  # BST in September and October, GMT from 25 October
