"""Placing against head counts, then naming people (``enough_staff_at_each_moment`` and the naming
rounds of ``plan_term``): the head-count model is a relaxation of the model naming people, so a
rota named at its optimum is the optimum, and a day where the people cannot be named is planned
person by person in the next round."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from ortools.sat.python import cp_model

import rota_solver.term as term_stage
from rota_solver.scenario import Scenario
from rota_solver.term import model as term_model
from rota_solver.term.items import fixed_occupancy
from rota_solver.term.plan import build_inputs
from rota_solver.term_calendar import build_term_calendar
from tests.factories import rule, tiny_school
from tests.term.helpers import assert_only_confessed_violations, solve_only

ONE_MONDAY = {"start": "2026-09-07", "end": "2026-09-07"}


def activity(activity_id: str, class_id: str, window: str, duration: int, **overrides: Any) -> dict[str, Any]:
    """An activity for one class on Monday 2026-09-07 only, with a librarian on duty."""
    data: dict[str, Any] = {
        "id": activity_id,
        "kind": "event",
        "participants": {"classes": [class_id]},
        "when": ONE_MONDAY,
        "duration_minutes": duration,
        "windows": [window],
        "staffing": {"librarian": 1},
    }
    data.update(overrides)
    return data


def school(staff: list[dict[str, Any]], activities: list[dict[str, Any]]) -> Scenario:
    """Mondays only, three classes; their reading, in the morning, needs no staff, so only the
    activities do."""
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]},
        windows=[
            {"id": "morning", "start": "08:00", "end": "09:00"},
            {"id": "lunch", "start": "11:30", "end": "12:30"},
            {"id": "afternoon", "periods": ["p5", "p6"]},
            {"id": "fifth", "periods": ["p5"]},
            {"id": "sixth", "periods": ["p6"]},
        ],
        rooms=[{"id": "library", "seats": 90, "classes_at_once": 3}],
        staff=staff,
        classes=[{"id": f"1-{i}", "grade": 1, "size": 20} for i in (1, 2, 3)],
        rules=[rule(staffing={}, windows=["morning"])],
        activities=activities,
    )


def placed_by_head_count(scenario: Scenario) -> dict[str, bool]:
    """Solve the head-count model alone (people named on no date): which activities it places."""
    calendar = build_term_calendar(scenario)
    fixed = fixed_occupancy([], scenario)
    inputs = build_inputs(scenario, calendar, [], [], fixed)
    tm = term_model.TermModel(scenario, calendar, inputs, fixed, by_person_on=frozenset())
    term_model.build_term_model(tm)
    assert not tm.duty  # nobody is named in this model
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(tm.model) == cp_model.OPTIMAL
    return {key: not solver.boolean_value(var) for key, var in tm.unplaced.items()}


def without_head_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = tuple(r for r in term_model.TERM_RULES if r is not term_model.enough_staff_at_each_moment)
    monkeypatch.setattr(term_model, "TERM_RULES", rules)


def test_two_items_at_one_moment_need_two_people_of_the_role(monkeypatch: pytest.MonkeyPatch) -> None:
    # Both activities' only spot is Monday 11:30-12:30; one librarian.
    scenario = school(
        [{"id": "lib"}], [activity("quiz", "1-1", "lunch", 60), activity("club", "1-2", "lunch", 60)]
    )
    assert sorted(placed_by_head_count(scenario).values()) == [False, True]
    without_head_counts(monkeypatch)
    assert placed_by_head_count(scenario) == {"quiz.1": True, "club.1": True}


def test_a_day_needs_no_more_duties_than_the_daily_caps_leave(monkeypatch: pytest.MonkeyPatch) -> None:
    # At lunch and in the afternoon: never at once, but the one librarian does one duty a day.
    scenario = school(
        [{"id": "lib", "max_sessions_per_day": 1}],
        [activity("quiz", "1-1", "lunch", 60), activity("club", "1-2", "afternoon", 40)],
    )
    assert sorted(placed_by_head_count(scenario).values()) == [False, True]
    without_head_counts(monkeypatch)
    assert placed_by_head_count(scenario) == {"quiz.1": True, "club.1": True}


def test_a_stretch_of_a_window_needs_no_more_duties_than_people_could_do_one_after_another() -> None:
    # Two afternoon items for each of two classes (so one in period 5 and one in period 6), one at
    # lunch. lib1 works all day, lib2 one duty a day, lib3 lunch only. Every moment has two
    # librarians and the day five duties' worth (lib1 three, lib2 one, lib3 one), but in the
    # afternoon lib1 can do two and lib2 one: three for four items.
    scenario = school(
        [
            {"id": "lib1"},
            {"id": "lib2", "max_sessions_per_day": 1},
            {"id": "lib3", "availability": [{"start": "11:30", "end": "12:30"}]},
        ],
        [
            activity("talk_a", "1-1", "afternoon", 40),
            activity("talk_b", "1-2", "afternoon", 40),
            activity("quiz_a", "1-1", "afternoon", 40),
            activity("quiz_b", "1-2", "afternoon", 40),
            activity("lunch", "1-3", "lunch", 60),
        ],
    )
    placed = placed_by_head_count(scenario)
    assert placed["lunch.1"] and sum(placed.values()) == 4


def test_people_taking_part_are_not_there_for_duty() -> None:
    # The librarian takes part in the staff meeting at lunch, so she cannot staff the quiz then.
    meeting = activity("meeting", "1-3", "lunch", 60, staffing={}, participants={"staff": ["lib"]})
    scenario = school([{"id": "lib"}], [activity("quiz", "1-1", "lunch", 60), meeting])
    assert sorted(placed_by_head_count(scenario).values()) == [False, True]


def test_a_person_every_full_moment_needs_is_needed_no_more_often_than_her_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two items at lunch, one in period 5, two in period 6, each needing a librarian. lib1 does one
    # duty a day; lib2 works lunch and period 5, lib3 periods 5 and 6. Every moment, window and the
    # day have head counts enough, but lunch needs both lib1 and lib2, and period 6 both lib1 and
    # lib3: lib1 twice. The head counts see it (before, the second naming round did).
    hours = {"lib2": ("11:30", "12:30", "14:00", "14:40"), "lib3": ("14:00", "14:40", "14:50", "15:30")}
    scenario = school(
        [
            {"id": "lib1", "max_sessions_per_day": 1},
            *(
                {"id": who, "availability": [{"start": a, "end": b}, {"start": c, "end": d}]}
                for who, (a, b, c, d) in hours.items()
            ),
        ],
        [
            activity("lunch_a", "1-1", "lunch", 60),
            activity("lunch_b", "1-2", "lunch", 60),
            activity("fifth", "1-3", "fifth", 40),
            activity("sixth_a", "1-1", "sixth", 40),
            activity("sixth_b", "1-2", "sixth", 40),
        ],
    )
    placed = placed_by_head_count(scenario)
    assert placed["fifth.1"] and sum(placed.values()) == 4
    without_head_counts(monkeypatch)
    assert all(placed_by_head_count(scenario).values())


def test_a_day_whose_people_cannot_be_named_is_planned_person_by_person(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Two items in period 5, one in period 6 and one of 30 minutes at lunch, each needing a librarian.
    # lib1 and lib2 do one duty a day each, lib3 works lunch only. Every moment, window and the day
    # have head counts enough (the day: one each from lib1 and lib2, two lunch slots from lib3), and
    # period 5, which needs both lib1 and lib2, is all either of them does; yet period 6 needs one of
    # them again. The second round decides that Monday person by person.
    scenario = school(
        [
            {"id": "lib1", "max_sessions_per_day": 1},
            {"id": "lib2", "max_sessions_per_day": 1},
            {"id": "lib3", "availability": [{"start": "11:30", "end": "12:30"}]},
        ],
        [
            activity("fifth_a", "1-1", "fifth", 40),
            activity("fifth_b", "1-2", "fifth", 40),
            activity("sixth", "1-3", "sixth", 40),
            activity("lunch", "1-1", "lunch", 30),
        ],
    )
    free_days: list[frozenset[dt.date]] = []
    name_people = term_stage._name_people

    def counted(*args: Any) -> Any:
        free_days.append(args[6] if len(args) > 6 else frozenset())
        return name_people(*args)

    monkeypatch.setattr(term_stage, "_name_people", counted)
    rota = solve_only(scenario)
    # Naming failed on the Monday, and again with its items free to move (they have no other spot);
    # the second round, planning that day person by person, was named at once.
    assert free_days == [frozenset(), frozenset({dt.date(2026, 9, 7)}), frozenset()]
    [unmet] = rota.unmet
    assert unmet.subject in ("fifth_a.1", "fifth_b.1", "sixth.1")
    stage = rota.report.stages[1]
    assert (stage.status, stage.objective) == ("optimal", stage.best_bound)
    assert_only_confessed_violations(scenario, rota)
