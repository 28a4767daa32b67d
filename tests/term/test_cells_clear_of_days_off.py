"""Among weekly tables with equally met wishes, the one whose cells' dates force fewer make-ups:
a fortnightly class is not put on the cell a closure shuts when an equally wished one is open
(``rota_solver.term.foresight``, ``weekly_stage._cheaper_for_the_term``)."""

from __future__ import annotations

import sys

import pytest

from rota_solver import SolveOptions, solve, verify
from rota_solver.model.variables import build_variables
from rota_solver.scenario import Scenario
from rota_solver.term.foresight import forced_makeups
from rota_solver.term_calendar import build_term_calendar
from tests.factories import rule, tiny_school
from tests.term.helpers import of_origin

SPORTS_DAY = {"name": "Sports day", "start": "2026-09-23"}
WEDNESDAYS = {"days": ["wed"]}
"""A Wednesday closure in teaching week 3, cycle week 0 (the term starts on Monday 2026-09-07)."""


def wednesday_borrowing() -> Scenario:
    """One class borrowing fortnightly, wishing for Wednesdays: a Wednesday of either cycle week
    meets the wish, but the sports day shuts one of the A-week Wednesdays."""
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-30", "closures": [SPORTS_DAY]},
        classes=[{"id": "1-1", "grade": 1, "size": 30}],
        rules=[rule(id="borrowing", kind="borrowing", frequency={"every_weeks": 2}, preferences=WEDNESDAYS)],
    )


def test_only_the_cells_on_the_closed_wednesday_force_a_makeup() -> None:
    scenario = wednesday_borrowing()
    calendar = build_term_calendar(scenario)
    cells = list(build_variables(scenario).placements)
    forced = forced_makeups(scenario, calendar, cells, cycle_weeks=2)
    assert forced  # the A-week Wednesday cells: 09-10..10-06 holds no session of theirs (21-day limit)
    assert {(week, slot.weekday) for (_, _, week, slot) in forced} == {(0, "wed")}
    assert set(forced.values()) == {1}


def test_a_rule_with_two_cells_a_cycle_is_left_to_the_dated_stage() -> None:
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-30", "closures": [SPORTS_DAY]},
        rules=[rule(frequency={"per_week": 2})],
    )
    cells = list(build_variables(scenario).placements)
    assert forced_makeups(scenario, build_term_calendar(scenario), cells, cycle_weeks=1) == {}


def solved(scenario: Scenario) -> tuple[str, int, int]:
    rota = solve(scenario, SolveOptions(time_limit_seconds=30))
    assert verify(scenario, rota) == []
    [cell] = rota.pattern
    return cell.weekday, cell.cycle_week, len(of_origin(rota, "makeup"))


def test_the_wished_wednesday_the_closure_leaves_open_is_chosen() -> None:
    assert solved(wednesday_borrowing()) == ("wed", 1, 0)


def test_without_looking_at_the_dates_the_closed_wednesday_costs_a_makeup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The rule binds: the same solve without the tie-break takes the A-week Wednesday.
    monkeypatch.setattr(sys.modules["rota_solver.weekly_stage"], "_cheaper_for_the_term", lambda *_: None)
    assert solved(wednesday_borrowing()) == ("wed", 0, 1)
