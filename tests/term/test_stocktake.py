"""The end-of-term stocktake: borrowing closes when loans fall due, each borrowing class has one
final returns session just before, reading pauses on stocktake days unless it goes on, and every
stocktake school day has its staffed shifts (or the missing one is reported)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rota_solver.model.variables import RotaModel
from rota_solver.rota import DatedSession, Rota
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import place, term
from tests.term.helpers import assert_only_confessed_violations, day, of_origin, solve_only, solve_term

LOANS_DUE = day("2026-10-23")  # Friday of teaching week 7
STOCKTAKE_DAYS = [day("2026-10-26"), day("2026-10-27"), day("2026-10-28")]  # Mon-Wed of week 8


def school(stocktake: dict[str, Any] | None = None, **overrides: Any) -> Scenario:
    """Two grade-1 classes borrowing weekly in the afternoon and reading weekly at lunch over an
    eight-week term; the stocktake is Monday to Wednesday of the last week, loans due the Friday before."""
    data: dict[str, Any] = {
        "term": {"start": "2026-09-07", "end": "2026-10-30"},
        "rules": [rule(id="borrowing", kind="borrowing", windows=["afternoon"]), rule()],
        "stocktake": {
            "start": "2026-10-26",
            "end": "2026-10-28",
            "loans_due": LOANS_DUE.isoformat(),
            **(stocktake or {}),
        },
    }
    data.update(overrides)
    return tiny_school(**data)


def pattern(rm: RotaModel) -> None:
    """1-1 borrows on Wednesdays, 1-2 on Fridays (so loans_due takes its last one); both read on Tuesdays."""
    place(rm, "1-1", "borrowing", "wed", "14:00")
    place(rm, "1-2", "borrowing", "fri", "14:00")
    place(rm, "1-1", "reading", "tue", "11:30")
    place(rm, "1-2", "reading", "tue", "11:50")


def lost(rota: Rota, rule_id: str) -> list[tuple[dt.date, str, str]]:
    return [(x.date, x.class_id, x.cause) for x in rota.lost if x.rule_id == rule_id]


def test_borrowing_sessions_on_or_after_loans_due_are_lost_to_the_stocktake() -> None:
    scenario = school()
    rota = solve_term(scenario, pattern)

    borrowing = [s for s in rota.sessions if s.rule_id == "borrowing" and s.origin != "returns"]
    assert borrowing and max(s.date for s in borrowing) < LOANS_DUE
    assert lost(rota, "borrowing") == [
        (day("2026-10-23"), "1-2", "stocktake"),
        (day("2026-10-28"), "1-1", "stocktake"),
        (day("2026-10-30"), "1-2", "stocktake"),
    ]
    assert rota.unmet == []


def assert_one_final_returns_session(rota: Rota, first: dt.date) -> dict[str, DatedSession]:
    """Each borrowing class has exactly one returns session, in first..loans_due, and borrows no
    more after it; returns the sessions by class."""
    found = {}
    for class_id in ("1-1", "1-2"):
        [returns] = of_origin(rota, "returns", class_id)
        assert (returns.rule_id, returns.kind, returns.room_id) == ("borrowing", "returns", "library")
        assert first <= returns.date <= LOANS_DUE
        later = [
            s.date
            for s in rota.sessions
            if s.class_id == class_id and s.rule_id == "borrowing" and s.start > returns.start
        ]
        assert later == [], f"{class_id} borrows on {later} after its final returns on {returns.date}"
        found[class_id] = returns
    return found


def test_the_last_borrowing_session_inside_the_returns_window_becomes_the_returns_session() -> None:
    # Returns window 10-10..10-23: 1-1 borrows on 10-14 and 10-21 in it, 1-2 on 10-16 (10-23 is lost).
    scenario = school({"returns_within_days": 14})
    rota = solve_term(scenario, pattern)

    returns = assert_one_final_returns_session(rota, day("2026-10-10"))
    assert returns["1-1"].date == day("2026-10-21")
    assert returns["1-2"].date == day("2026-10-16")
    # Converted in place: the pattern's slot, and no extra session.
    assert {(r.follows, r.start.time()) for r in returns.values()} == {
        ("wed", dt.time(14, 0)),
        ("fri", dt.time(14, 0)),
    }
    assert term(rota, "ExtraReturnsSessions").units == 0
    assert not [
        s
        for s in of_origin(rota, "pattern")
        if s.rule_id == "borrowing" and s.date in (day("2026-10-16"), day("2026-10-21"))
    ]


def test_a_session_that_gives_way_to_an_event_day_does_not_become_the_returns_session() -> None:
    """1-1's last borrowing session in the returns window (Wednesday 10-21) gives way to a fair that
    takes the whole day: the class brings its books back in an extra session after it, not in the
    session that is not held (a first-fit plan found the model converting it, which left the class
    with no returns session and nothing listed unmet)."""
    fair = {
        "id": "fair",
        "kind": "event",
        "participants": {"grades": [1]},
        "when": {"start": "2026-10-21", "end": "2026-10-21"},
        "all_day": True,
    }
    scenario = school({"returns_within_days": 14}, activities=[fair])
    rota = solve_term(scenario, pattern)

    returns = assert_one_final_returns_session(rota, day("2026-10-10"))
    assert returns["1-1"].date in (day("2026-10-22"), day("2026-10-23"))
    assert returns["1-2"].date == day("2026-10-16")
    assert term(rota, "ExtraReturnsSessions").bearers == {"1-1": 1}
    assert (day("2026-10-21"), "1-1", "activity") in lost(rota, "borrowing")


def test_with_no_borrowing_session_inside_the_returns_window_an_extra_one_is_added() -> None:
    # Returns window 10-22..10-23 (Thursday, Friday): 1-1's last borrowing is Wednesday 10-21,
    # 1-2's Friday 10-23 is already lost to loans_due.
    scenario = school({"returns_within_days": 2})
    rota = solve_term(scenario, pattern)

    returns = assert_one_final_returns_session(rota, day("2026-10-22"))
    assert all(r.window_id == "afternoon" for r in returns.values())
    extra = term(rota, "ExtraReturnsSessions")
    assert (extra.units, extra.bearers) == (2, {"1-1": 1, "1-2": 1})
    # 1-1's Wednesday session is still an ordinary borrowing session.
    assert [s.origin for s in rota.sessions if s.class_id == "1-1" and s.date == day("2026-10-21")] == [
        "pattern"
    ]


@pytest.mark.parametrize("reading_continues", [False, True])
def test_reading_pauses_on_stocktake_days_unless_it_continues(reading_continues: bool) -> None:
    scenario = school({"reading_continues": reading_continues})
    rota = solve_term(scenario, pattern)

    tuesday = day("2026-10-27")
    held = sorted(s.class_id for s in rota.sessions if s.rule_id == "reading" and s.date == tuesday)
    if reading_continues:
        assert held == ["1-1", "1-2"]
        assert lost(rota, "reading") == []
    else:
        assert held == []
        assert lost(rota, "reading") == [(tuesday, "1-1", "stocktake"), (tuesday, "1-2", "stocktake")]
    # Either way the week before the stocktake reads as usual.
    assert sorted(
        s.class_id for s in rota.sessions if s.date == day("2026-10-20") and s.rule_id == "reading"
    ) == [
        "1-1",
        "1-2",
    ]
    assert term(rota, "MakeupSessions").units == 0


SHIFTS = [
    {"window": "lunch", "staffing": {"librarian": 1}},
    {"window": "afternoon", "staffing": {"librarian": 2}},
]
TWO_LIBRARIANS = [{"id": "lee", "role": "librarian"}, {"id": "wu", "role": "librarian"}]


def test_each_stocktake_school_day_has_its_shifts_staffed_as_asked() -> None:
    # Tuesday 10-27 is closed: it is no school day, so it has no shifts.
    scenario = school(
        {"shifts": SHIFTS},
        staff=TWO_LIBRARIANS,
        term={
            "start": "2026-09-07",
            "end": "2026-10-30",
            "closures": [{"name": "Staff training", "start": "2026-10-27"}],
        },
    )
    rota = solve_term(scenario, pattern)

    shifts = [e for e in rota.activities if e.activity_id == "stocktake"]
    got = sorted(
        (e.date, e.window_id, e.start and e.start.time(), e.end and e.end.time(), len(e.staff_ids))
        for e in shifts
    )
    expected = []
    for date in (day("2026-10-26"), day("2026-10-28")):
        expected += [
            (date, "afternoon", dt.time(14, 0), dt.time(15, 30), 2),
            (date, "lunch", dt.time(11, 30), dt.time(12, 30), 1),
        ]
    assert got == expected
    assert all(e.kind == "stocktake" and not e.all_day and e.room_id is None for e in shifts)
    assert all(set(e.staff_ids) <= {"lee", "wu"} for e in shifts)
    assert [d.date for d in rota.calendar if d.kind == "stocktake"] == [day("2026-10-26"), day("2026-10-28")]
    assert rota.unmet == []


def test_a_shift_without_enough_staff_is_reported_unmet() -> None:
    # The afternoon shift needs both librarians; Wu is away on Tuesday 10-27.
    staff = [TWO_LIBRARIANS[0], {**TWO_LIBRARIANS[1], "days_off": ["2026-10-27"]}]
    scenario = school({"shifts": SHIFTS}, staff=staff)
    rota = solve_only(scenario, pattern)

    placed = sorted((e.date, e.window_id) for e in rota.activities if e.activity_id == "stocktake")
    assert placed == sorted(
        [(d, "lunch") for d in STOCKTAKE_DAYS] + [(d, "afternoon") for d in STOCKTAKE_DAYS if d.day != 27]
    )
    assert [(u.kind, u.subject) for u in rota.unmet] == [("stocktake_shift", "stocktake.2026-10-27.2")]
    assert term(rota, "Unmet").units == 1
    assert_only_confessed_violations(scenario, rota)
