"""The dated stage's first fit (``rota_solver.term.first_fit``): the plan a run stands on when its
search has no time to build its model. Each test forces that path (the search's model is never
worth building) and checks what first fit placed, with the verifier on every rota."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model
from pydantic import ValidationError

import rota_solver.term as term_stage
from rota_solver.errors import NoRotaExists
from rota_solver.model.hard_rules import HARD_RULES
from rota_solver.model.variables import RotaModel
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.term.first_fit import DatedFit
from rota_solver.verify import verify
from tests.factories import rule, tiny_school
from tests.model.helpers import Force, forcing, place
from tests.strategies import schools
from tests.term.helpers import day, events_of, of_origin
from tests.term.test_activities import fair_with_one_free_day, orientation_school

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)
SPORTS_DAY = {"name": "Sports day", "start": "2026-09-23"}
"""A Wednesday closure in teaching week 3 (the term starts on Monday 2026-09-07)."""


@pytest.fixture
def no_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search's model is never worth building: the dated stage stands on first fit."""
    monkeypatch.setattr(term_stage, "MODEL_BUILD_FACTOR", float("inf"))


def solve_first_fit(scenario: Scenario, *forces: Force) -> Rota:
    """Solve with the dated stage on first fit; the verifier finds nothing the rota does not list."""
    rota = solve(scenario, OPTIONS, hard_rules=[*HARD_RULES, *(forcing(f) for f in forces)])
    dated = rota.report.stages[1]
    assert (dated.name, dated.status) == ("term_dates", "feasible")
    violations = verify(scenario, rota)
    assert all(v.listed_unmet for v in violations), violations
    return rota


def on_wednesdays(*class_ids: str, at: str = "11:30") -> Force:
    def force(rm: RotaModel) -> None:
        for class_id in class_ids:
            place(rm, class_id, "reading", "wed", at)

    return force


def test_a_session_lost_to_a_closure_gets_its_makeup_inside_the_gap(no_search: None) -> None:
    # Reading on Wednesdays; 09-23 is lost, and within 8 days only a make-up on Tuesday 09-22 or
    # Thursday 09-24 closes 09-17..09-29. First fit takes the later one: it closes the most windows.
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-02", "closures": [SPORTS_DAY]},
        classes=[{"id": "1-1", "grade": 1, "size": 30}],
        rules=[rule(max_gap_days=8)],
    )
    rota = solve_first_fit(scenario, on_wednesdays("1-1"))

    assert [(m.date, m.class_id) for m in of_origin(rota, "makeup")] == [(day("2026-09-24"), "1-1")]
    assert rota.unmet == []


def test_makeups_of_two_classes_never_share_the_one_librarian_or_the_room(no_search: None) -> None:
    # Both classes lose Wednesday 09-23; the library takes one class at a time and Ms Lee is the
    # only librarian, so the two make-ups cannot both take the same time.
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-02", "closures": [SPORTS_DAY]},
        rules=[rule(max_gap_days=8)],
    )
    rota = solve_first_fit(scenario, on_wednesdays("1-1"), on_wednesdays("1-2", at="11:50"))

    makeups = of_origin(rota, "makeup")
    assert sorted(m.class_id for m in makeups) == ["1-1", "1-2"]
    times = [(m.date, m.start, m.end) for m in makeups]
    (d1, s1, e1), (d2, s2, e2) = times
    assert d1 != d2 or e1 <= s2 or e2 <= s1
    assert all(m.staff_ids == ["lib"] for m in makeups)
    assert rota.unmet == []


def test_an_orientation_comes_first_and_the_sessions_before_it_give_way(no_search: None) -> None:
    # Reading's only window is Monday lunch: each class's 09-07 session would come before any
    # orientation (afternoons of weeks 1-2), so both give way.
    scenario = orientation_school()
    rota = solve_first_fit(scenario)

    events = {e.class_ids[0]: e for e in events_of(rota, "orientation")}
    assert sorted(events) == ["1-1", "1-2"]
    # The first free afternoon spots: Monday 09-07 at 14:00 and 14:50 (one librarian, one room).
    assert sorted((e.date, e.start.time()) for e in events.values() if e.start is not None) == [
        (day("2026-09-07"), dt.time(14, 0)),
        (day("2026-09-07"), dt.time(14, 50)),
    ]
    for class_id, event in events.items():
        first = min(s.start for s in rota.sessions if s.class_id == class_id)
        assert event.end is not None and event.end <= first
    assert sorted((x.date, x.class_id, x.cause) for x in rota.lost) == [
        (day("2026-09-07"), "1-1", "activity"),
        (day("2026-09-07"), "1-2", "activity"),
    ]
    assert rota.unmet == []


def test_an_event_day_goes_on_the_day_it_displaces_the_fewest_sessions(no_search: None) -> None:
    # The fair goes on 09-16 (the first day, 09-07, would displace both classes' sessions).
    rota = solve_first_fit(fair_with_one_free_day())

    [event] = events_of(rota, "fair")
    assert event.date == day("2026-09-16")
    assert [x.cause for x in rota.lost] == ["staff_away", "staff_away"]
    assert rota.unmet == []


def test_first_fit_places_what_the_plain_table_leaves_unmet(
    monkeypatch: pytest.MonkeyPatch, no_search: None
) -> None:
    """The same closure with first fit left out (an empty plan): the make-up is not placed and the
    gap is listed unmet. First fit is what closes it."""
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-02", "closures": [SPORTS_DAY]},
        classes=[{"id": "1-1", "grade": 1, "size": 30}],
        rules=[rule(max_gap_days=8)],
    )
    placed = solve_first_fit(scenario, on_wednesdays("1-1"))
    monkeypatch.setattr(term_stage, "first_fit_plan", lambda *_: DatedFit({}, {}, frozenset()))
    plain = solve_first_fit(scenario, on_wednesdays("1-1"))

    assert of_origin(plain, "makeup") == [] and [u.kind for u in plain.unmet] == ["gap"]
    assert len(of_origin(placed, "makeup")) == 1 and placed.unmet == []


def test_a_search_stopped_short_of_first_fits_plan_gives_way_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search ran, but its time ran out on an answer worse than first fit's (here: the plain
    table, nothing placed): the rota is first fit's."""
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-02", "closures": [SPORTS_DAY]},
        classes=[{"id": "1-1", "grade": 1, "size": 30}],
        rules=[rule(max_gap_days=8)],
    )

    def stopped_short(scenario: Scenario, calendar: Any, inputs: Any, fixed: Any, search: Any) -> Any:
        plain = term_stage._nothing_placed(
            scenario, calendar, inputs, fixed, search.solver, search.control, 0.0
        )
        return dataclasses.replace(plain, status=cp_model.FEASIBLE)

    monkeypatch.setattr(term_stage, "_solve_people_later", stopped_short)
    rota = solve_first_fit(scenario, on_wednesdays("1-1"))
    assert [m.date for m in of_origin(rota, "makeup")] == [day("2026-09-24")]
    assert rota.unmet == []


def test_first_fit_is_deterministic(no_search: None) -> None:
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-02", "closures": [SPORTS_DAY]},
        rules=[rule(max_gap_days=8)],
    )
    force = on_wednesdays("1-1"), on_wednesdays("1-2", at="11:50")
    one, two = solve_first_fit(scenario, *force), solve_first_fit(scenario, *force)
    assert one.sessions == two.sessions and one.activities == two.activities


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
)
@given(data=st.booleans().flatmap(lambda away: schools(away=away)))
def test_every_generated_school_on_first_fit_passes_the_verifier(
    no_search: None, data: dict[str, Any]
) -> None:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError:
        return
    try:
        rota = solve(scenario, OPTIONS)
    except NoRotaExists:
        return
    violations = verify(scenario, rota)
    assert all(v.listed_unmet for v in violations), violations
    for row in rota.summaries:
        assert row.planned + row.lost >= row.required
