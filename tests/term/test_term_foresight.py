"""What a weekly table's dates will cost the term, at the least (``rota_solver.term.foresight``):
the sessions an all-day event must displace on whichever of its dates it takes, and the extra
returns session of a borrowing class with no session left in the returns window. The weekly stage
breaks ties between equally wished tables by it (``weekly_stage._cheaper_for_the_term``), and the whole
term's bound prices it over every table (``rota_solver.term.joint_bound``)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from rota_solver import SolveOptions, solve, verify
from rota_solver.model.variables import build_variables
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.term.foresight import cost_of, event_days, forced_makeups, foresee, returns_cells
from rota_solver.term.model import EXTRA_RETURNS_PENALTY, UNMET_PENALTY
from rota_solver.term_calendar import build_term_calendar
from tests.factories import rule, tiny_school
from tests.term.test_stocktake import school as stocktake_school

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)
TUESDAYS_AND_WEDNESDAYS = {"days": ["tue", "wed"]}


def event(start: str, end: str) -> dict[str, Any]:
    """Grade 1's all-day visit to the city library, on one date from ``start`` to ``end``."""
    return {
        "id": "visit",
        "kind": "event",
        "participants": {"grades": [1]},
        "when": {"start": start, "end": end},
        "all_day": True,
    }


def visiting_school(start: str, end: str, preferences: dict[str, Any] = TUESDAYS_AND_WEDNESDAYS) -> Scenario:
    """Two grade-1 classes reading weekly at lunch, wishing for Tuesdays or Wednesdays; the visit
    takes a date from ``start`` to ``end`` and displaces the classes' sessions that day."""
    return tiny_school(rules=[rule(preferences=preferences)], activities=[event(start, end)])


def displaced(rota: Rota) -> int:
    return sum(1 for lost in rota.lost if lost.cause == "activity")


def test_an_event_on_a_tuesday_or_wednesday_displaces_those_days_cells() -> None:
    scenario = visiting_school("2026-09-08", "2026-09-09")
    calendar = build_term_calendar(scenario)
    cells = list(build_variables(scenario).placements)
    [visit] = event_days(scenario, calendar, cells)
    assert visit.key == "visit.1"
    # One list of cells per date: those of the grade's classes on that weekday.
    assert [{(c, slot.weekday) for c, _, _, slot in held} for held in visit.days] == [
        {("1-1", "tue"), ("1-2", "tue")},
        {("1-1", "wed"), ("1-2", "wed")},
    ]


def test_an_event_that_may_take_a_day_with_no_cell_costs_nothing() -> None:
    # Saturday 2026-09-12 is no school day; Monday-Friday of week 1 includes a day the table can leave free.
    scenario = visiting_school("2026-09-07", "2026-09-11")
    calendar = build_term_calendar(scenario)
    cells = [key for key in build_variables(scenario).placements if key[3].weekday != "fri"]
    assert event_days(scenario, calendar, cells) == []


def test_equally_wished_tables_keep_a_day_free_for_the_event(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tuesday or Wednesday meets each class's wish; with both classes on one of them, the visit takes
    the other and displaces nothing."""
    scenario = visiting_school("2026-09-08", "2026-09-09")
    rota = solve(scenario, OPTIONS)
    assert verify(scenario, rota) == []
    assert rota.report.objective == 0
    assert displaced(rota) == 0
    assert rota.report.whole_term_gap == 0
    # The rule binds: the same solve without the tie-break puts the classes on both days.
    monkeypatch.setattr(sys.modules["rota_solver.weekly_stage"], "_cheaper_for_the_term", lambda *_: None)
    without = solve(scenario, OPTIONS)
    assert verify(scenario, without) == []
    assert displaced(without) == 1


def test_the_whole_term_bound_prices_the_event_against_the_wishes() -> None:
    """Both classes wish for Tuesdays, and the visit is on Tuesday 2026-09-08: the weekly stage meets
    both wishes, so the visit displaces both sessions (20). A table with both classes elsewhere costs
    two wishes (6) and displaces nothing: no table costs the whole term less than 6."""
    scenario = visiting_school("2026-09-08", "2026-09-08", preferences={"days": ["tue"]})
    rota = solve(scenario, OPTIONS)
    assert verify(scenario, rota) == []
    assert rota.report.stages[0].objective == 0
    assert displaced(rota) == 2
    assert rota.report.objective == 20
    assert rota.report.whole_term_bound == 6  # the weekly bound (0) and the floor (0) alone: 0
    assert rota.report.whole_term_gap == 14


def test_a_borrowing_class_needs_a_cell_in_the_returns_window() -> None:
    """Loans are due Friday 2026-10-23 and returns come within the 14 days before: every weekday of
    the window but that Friday holds a borrowing session that may become the returns session."""
    scenario = stocktake_school(stocktake={"returns_within_days": 3})  # Wednesday to Friday
    calendar = build_term_calendar(scenario)
    cells = list(build_variables(scenario).placements)
    window = returns_cells(scenario, calendar, cells)
    assert len(window) == 2  # one per borrowing class
    for class_id, avoiding in zip(("1-1", "1-2"), window, strict=True):
        assert {(c, r, slot.weekday) for c, r, _, slot in avoiding} == {
            (class_id, "borrowing", "wed"),
            (class_id, "borrowing", "thu"),
        }
    # A table with 1-1 borrowing on Tuesdays needs an extra returns session for it; on Thursdays, none.
    foresight = foresee(scenario, calendar, cells, scenario.cycle_weeks)
    assert foresight.returns == window

    def cost(weekday: str) -> int:
        chosen = [
            key
            for key in cells
            if key[1] == "borrowing" and key[3].weekday == (weekday if key[0] == "1-1" else "thu")
        ]
        return cost_of(foresight, chosen, scenario, UNMET_PENALTY)

    assert cost("tue") - cost("thu") == EXTRA_RETURNS_PENALTY


def test_a_stretch_the_returns_session_may_fill_forces_no_makeup() -> None:
    """Fortnightly borrowing with a 6-day gap limit; loans are due Wednesday 09-23 and the returns
    session may be on Monday 09-21 to Wednesday 09-23. A B-week Tuesday cell is held on 09-15 only:
    the week before it forces a make-up, the wait after it reaches the returns window and may end
    with the returns session. An A-week Monday cell (09-07, 09-21) waits 09-08..09-20: two stretches
    of six days before the window, two make-ups."""
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-25"},
        rules=[rule(id="borrowing", kind="borrowing", frequency={"every_weeks": 2}, max_gap_days=6)],
        stocktake={
            "start": "2026-09-24",
            "end": "2026-09-25",
            "loans_due": "2026-09-23",
            "returns_within_days": 5,
        },
    )
    calendar = build_term_calendar(scenario)
    cells = list(build_variables(scenario).placements)
    forced = {
        (week, slot.weekday): n
        for (_, _, week, slot), n in forced_makeups(scenario, calendar, cells, 2).items()
    }
    assert forced[(1, "tue")] == 1
    assert forced[(0, "mon")] == 2


def test_the_whole_term_bound_counts_the_extra_returns_sessions() -> None:
    """Returns come on loans-due day alone, when no borrowing is held: each borrowing class needs an
    extra returns session whatever the table, and the whole term's bound says so (nothing else of
    the term is foreseen here)."""
    scenario = stocktake_school(stocktake={"returns_within_days": 1})
    rota = solve(scenario, OPTIONS)
    assert verify(scenario, rota) == []
    extra = [t for t in rota.report.terms if t.name == "ExtraReturnsSessions"]
    assert extra and extra[0].units == 2
    weekly = rota.report.stages[0]
    assert rota.report.whole_term_bound is not None
    assert rota.report.whole_term_bound >= weekly.best_bound + 2 * EXTRA_RETURNS_PENALTY
