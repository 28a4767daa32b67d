"""preferred_windows (PreferredWindows): a session outside the rule's preferred windows costs weight 2."""

from __future__ import annotations

import pytest

from tests.factories import rule, tiny_school
from tests.model.helpers import busy_every_day, solve_and_verify, term

AFTERNOON_LESSONS = busy_every_day("14:00", "15:30")
PREFER_AFTERNOON = {"windows": ["lunch", "afternoon"], "preferences": {"windows": ["afternoon"]}}


@pytest.mark.parametrize("per_week", [1, 2])
def test_a_class_busy_every_afternoon_comes_at_lunch(per_week: int) -> None:
    scenario = tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30, "busy": AFTERNOON_LESSONS},
        ],
        rules=[rule(frequency={"per_week": per_week}, **PREFER_AFTERNOON)],
    )
    rota = solve_and_verify(scenario)
    # 1-1 fits all its sessions into afternoons (2 slots a day, 5 days); each of 1-2's
    # per_week sessions is at lunch: per_week units x weight 2.
    windows = term(rota, "PreferredWindows")
    assert (windows.units, windows.cost, windows.bearers) == (per_week, 2 * per_week, {"1-2": per_week})
    assert rota.report.objective == 2 * per_week
    assert {s.window_id for s in rota.pattern if s.class_id == "1-1"} == {"afternoon"}


def test_each_week_of_the_rotation_cycle_counts() -> None:
    # An every-other-week rule for grade 2 (in the corner, unstaffed) makes the cycle A/B; 1-2's
    # weekly lunch session is placed in both cycle weeks: 2 units x weight 2 = 4.
    scenario = tiny_school(
        rooms=[{"id": "library", "seats": 60}, {"id": "corner", "seats": 60}],
        classes=[
            {"id": "1-2", "grade": 1, "size": 30, "busy": AFTERNOON_LESSONS},
            {"id": "2-1", "grade": 2, "size": 30},
        ],
        rules=[
            rule(**PREFER_AFTERNOON),
            rule(
                id="borrowing",
                kind="borrowing",
                grades=[2],
                room="corner",
                staffing={},
                frequency={"every_weeks": 2},
            ),
        ],
    )
    rota = solve_and_verify(scenario)
    windows = term(rota, "PreferredWindows")
    assert (windows.units, windows.cost, windows.bearers) == (2, 4, {"1-2": 2})
    assert rota.report.objective == 4


def test_a_wish_that_can_be_met_costs_nothing() -> None:
    rota = solve_and_verify(tiny_school(rules=[rule(**PREFER_AFTERNOON)]))
    windows = term(rota, "PreferredWindows")
    assert (windows.units, windows.cost, windows.bearers) == (0, 0, {})
    assert rota.report.objective == 0
    assert {s.window_id for s in rota.pattern} == {"afternoon"}
