"""Whether a weekly table leaves the orientations room before the first sessions they must precede
(``rota_solver.term.orientation_room``): a session before its class's orientation gives way, and the
orientation needs its room and its staff free of the table's other sessions."""

from __future__ import annotations

from typing import Any

from ortools.sat.python import cp_model

from rota_solver.model.builder import build_model
from rota_solver.scenario import Scenario, Weekday
from rota_solver.term.foresight import foresee, foreseen_cost
from rota_solver.term.model import UNMET_PENALTY
from rota_solver.term_calendar import build_term_calendar
from tests.factories import rule, tiny_school
from tests.model.helpers import place

ORIENTATION: dict[str, Any] = {
    "id": "orientation",
    "kind": "orientation",
    "participants": {"grades": [1], "each_class": True},
    "when": {"weeks": [1]},
    "duration_minutes": 40,
    "windows": ["afternoon"],
    "room": "library",
    "staffing": {"librarian": 1},
    "before_first": ["reading"],
}


def school() -> Scenario:
    """Class 1-1 (new) and grade 2's two classes read weekly in the afternoon (14:00 or 14:50), one
    class at a time, with the one librarian; 1-1's orientation is an afternoon of week 1, before
    its first reading session."""
    return tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30},
            {"id": "2-2", "grade": 2, "size": 30},
        ],
        rules=[rule(grades=[1, 2], duration_minutes=40, windows=["afternoon"])],
        activities=[ORIENTATION],
    )


def least_cost(scenario: Scenario, table: list[tuple[str, Weekday, str]]) -> int:
    """What the orientation costs the term at the least with the table's cells held (a class,
    weekday and start each)."""
    calendar = build_term_calendar(scenario)
    built = build_model(scenario, people_are="left_out", hint=False, calendar=calendar)
    rm = built.rm
    for class_id, weekday, start in table:
        place(rm, class_id, "reading", weekday, start)
    foresight = foresee(scenario, calendar, list(rm.placements), rm.cycle_weeks)
    assert [o.key for o in foresight.orientations.orientations] == ["orientation.1.1-1"]
    rm.model.minimize(foreseen_cost(rm.model, rm.placements, foresight, scenario, UNMET_PENALTY))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    assert solver.solve(rm.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def test_a_first_session_on_the_terms_first_afternoon_gives_way() -> None:
    # No afternoon spot ends by Monday 14:00: that session comes before any orientation.
    assert (
        least_cost(school(), [("1-1", "mon", "14:00"), ("2-1", "wed", "14:00"), ("2-2", "wed", "14:50")])
        == 10
    )


def test_an_afternoon_left_free_before_the_first_session_costs_nothing() -> None:
    # Monday 14:50 is free: the orientation goes there, before Tuesday's session.
    assert (
        least_cost(school(), [("1-1", "tue", "14:00"), ("2-1", "mon", "14:00"), ("2-2", "wed", "14:50")]) == 0
    )


def test_the_tables_other_sessions_take_the_librarian_and_the_room() -> None:
    # Grade 2 fills Monday afternoon: the only afternoon before Tuesday's session has no room and no
    # librarian for the orientation, so the session gives way.
    assert (
        least_cost(school(), [("1-1", "tue", "14:00"), ("2-1", "mon", "14:00"), ("2-2", "mon", "14:50")])
        == 10
    )
