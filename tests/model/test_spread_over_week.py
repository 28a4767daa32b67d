"""spread_over_week (SpreadOverWeek): each session beyond the first of one class on one day costs
weight 5."""

from __future__ import annotations

from typing import Any

import pytest

from rota_solver.scenario import Scenario, Weekday
from tests.factories import rule, tiny_school
from tests.model.helpers import solve_and_verify, term


def school(weekdays: list[Weekday], borrowing: dict[str, Any]) -> Scenario:
    """1-1 reads (library, librarian) and borrows (corner, unstaffed) at lunch; 2-1 reads every other
    week, which makes the rotation cycle two weeks (A/B)."""
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": weekdays},
        rooms=[{"id": "library", "seats": 60}, {"id": "corner", "seats": 60}],
        classes=[{"id": "1-1", "grade": 1, "size": 30}, {"id": "2-1", "grade": 2, "size": 30}],
        rules=[
            rule(),
            rule(
                id="borrowing", kind="borrowing", grades=[1], room="corner", staffing={}, frequency=borrowing
            ),
            rule(id="reading2", grades=[2], frequency={"every_weeks": 2}),
        ],
    )


@pytest.mark.parametrize(
    ("borrowing", "crowded_weeks"),
    [
        pytest.param({"per_week": 1}, 2, id="borrowing-every-week"),
        pytest.param({"every_weeks": 2}, 1, id="borrowing-every-other-week"),
    ],
)
def test_two_rules_on_the_only_school_day_crowd_it(borrowing: dict[str, Any], crowded_weeks: int) -> None:
    rota = solve_and_verify(school(["mon"], borrowing))
    # Mondays only: 1-1 reads and borrows the same day in every cycle week that has both, i.e.
    # both A and B (weekly borrowing) or just one of them (fortnightly): 1 extra session each.
    # 2-1 has a single rule and is never counted.
    spread = term(rota, "SpreadOverWeek")
    expected = (crowded_weeks, 5 * crowded_weeks, {"1-1": crowded_weeks})
    assert (spread.units, spread.cost, spread.bearers) == expected
    assert rota.report.objective == 5 * crowded_weeks


def test_two_school_days_spread_the_sessions() -> None:
    rota = solve_and_verify(school(["mon", "tue"], {"per_week": 1}))
    spread = term(rota, "SpreadOverWeek")
    assert (spread.units, spread.cost, spread.bearers) == (0, 0, {})
    assert rota.report.objective == 0
    for week in (0, 1):
        days = [s.weekday for s in rota.pattern if s.class_id == "1-1" and s.cycle_week == week]
        assert sorted(days) == ["mon", "tue"]
