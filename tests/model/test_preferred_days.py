"""preferred_days (PreferredDays): a session on a day its rule does not prefer costs weight 3."""

from __future__ import annotations

from tests.factories import rule, tiny_school
from tests.model.helpers import solve_and_verify, term

MONDAY_PE = [{"day": "mon", "start": "11:30", "end": "12:30", "what": "PE"}]


def test_a_class_busy_on_the_preferred_day_misses_it_once_a_week() -> None:
    scenario = tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30, "busy": MONDAY_PE},
        ],
        rules=[rule(preferences={"days": ["mon"]})],
    )
    rota = solve_and_verify(scenario)
    # 1-1 reads on Monday (3 lunch slots, room for it); 1-2 has PE then and reads another day:
    # 1 missed day x (cycle 1 / every 1 week) = 1 unit, x weight 3 = 3.
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (1, 3, {"1-2": 1})
    assert rota.report.objective == 3
    assert [s.weekday for s in rota.pattern if s.class_id == "1-1"] == ["mon"]
    assert "mon" not in [s.weekday for s in rota.pattern if s.class_id == "1-2"]


def test_misses_count_once_per_week_of_the_rotation_cycle() -> None:
    # An every-other-week borrowing rule for grade 2 makes the cycle two weeks (A/B).
    # Reading (every week): 1-2's missed Monday happens in A and B: 1 x 2/1 = 2 units.
    # Borrowing (every 2 weeks): 2-1's missed Monday happens once a cycle: 1 x 2/2 = 1 unit.
    # Total 3 units x weight 3 = 9.
    scenario = tiny_school(
        rooms=[{"id": "library", "seats": 60}, {"id": "corner", "seats": 60}],
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30, "busy": MONDAY_PE},
            {"id": "2-1", "grade": 2, "size": 30, "busy": MONDAY_PE},
        ],
        rules=[
            rule(preferences={"days": ["mon"]}),
            rule(
                id="borrowing",
                kind="borrowing",
                grades=[2],
                room="corner",
                staffing={},
                frequency={"every_weeks": 2},
                preferences={"days": ["mon"]},
            ),
        ],
    )
    rota = solve_and_verify(scenario)
    assert rota.cycle_weeks == 2
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (3, 9, {"1-2": 2, "2-1": 1})
    assert rota.report.objective == 9


def test_a_wish_that_can_be_met_costs_nothing() -> None:
    scenario = tiny_school(rules=[rule(preferences={"days": ["mon", "tue"]})])
    rota = solve_and_verify(scenario)
    days = term(rota, "PreferredDays")
    assert (days.units, days.cost, days.bearers) == (0, 0, {})
    assert rota.report.objective == 0
    assert {s.weekday for s in rota.pattern} <= {"mon", "tue"}
