"""Make-up sessions: a session lost to a day off gets a make-up only when the class would otherwise
wait longer than its rule's gap limit, in the same or the next teaching week; make-up days carry the
pattern of the weekday they follow; a gap nothing can close is reported, not hidden."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import Force, busy_every_day, place, term
from tests.term.helpers import (
    assert_only_confessed_violations,
    day,
    of_origin,
    solve_only,
    solve_term,
    summary,
)

SPORTS_DAY = {"name": "Sports day", "start": "2026-09-23"}
"""A Wednesday closure in teaching week 3 (the term starts on Monday 2026-09-07)."""


def on_wednesdays(rule_id: str, week: int = 0) -> Force:
    """Force 1-1's session of the rule onto Wednesday lunch, 11:30, in cycle week ``week``."""

    def force(rm: RotaModel) -> None:
        place(rm, "1-1", rule_id, "wed", "11:30", week=week)

    return force


def one_class_school(end: str, **rule_overrides: Any) -> Scenario:
    return tiny_school(
        term={"start": "2026-09-07", "end": end, "closures": [SPORTS_DAY]},
        classes=[{"id": "1-1", "grade": 1, "size": 30}],
        rules=[rule(**rule_overrides)],
    )


def test_a_closure_on_a_fortnightly_borrowing_session_brings_one_makeup_that_or_the_next_week() -> None:
    # Borrowing on Wednesdays of weeks 1, 3, 5, 7; the week-3 one (2026-09-23) is lost, leaving
    # 09-10..10-06 (27 days) without borrowing, over the 21-day default limit of a fortnightly rule.
    scenario = one_class_school("2026-10-30", id="borrowing", kind="borrowing", frequency={"every_weeks": 2})
    assert scenario.rules[0].gap_limit == 21
    rota = solve_term(scenario, on_wednesdays("borrowing", week=0))

    assert [(s.date, s.origin) for s in of_origin(rota, "pattern")] == [
        (day("2026-09-09"), "pattern"),
        (day("2026-10-07"), "pattern"),
        (day("2026-10-21"), "pattern"),
    ]
    [makeup] = of_origin(rota, "makeup")
    assert (makeup.class_id, makeup.rule_id, makeup.kind) == ("1-1", "borrowing", "borrowing")
    assert makeup.teaching_week in (3, 4)
    # Weeks 3 and 4 are 09-21..10-02; a make-up after 09-30 would still leave 21 days empty.
    assert day("2026-09-21") <= makeup.date <= day("2026-09-30")
    assert makeup.date != day("2026-09-23")
    assert summary(rota, "1-1", "borrowing") == (4, 4, 1, 1)
    makeups = term(rota, "MakeupSessions")
    assert (makeups.units, makeups.bearers) == (1, {"1-1": 1})
    assert [(x.date, x.class_id, x.cause, x.reason) for x in rota.lost] == [
        (day("2026-09-23"), "1-1", "day_off", "Sports day")
    ]
    assert rota.unmet == []


@pytest.mark.parametrize(
    ("max_gap_days", "limit", "makeup_dates"),
    [
        # Wednesdays 09-16 and 09-30 are 13 empty days apart: within the default 14.
        pytest.param(None, 14, [], id="default-gap-14"),
        # Within 8 days only a make-up on Tuesday 09-22 or Thursday 09-24 closes 09-17..09-29.
        pytest.param(8, 8, [day("2026-09-22"), day("2026-09-24")], id="max-gap-8"),
    ],
)
def test_a_weekly_session_lost_to_a_closure_is_made_up_only_when_the_gap_limit_asks(
    max_gap_days: int | None, limit: int, makeup_dates: list[dt.date]
) -> None:
    scenario = one_class_school("2026-10-02", max_gap_days=max_gap_days)
    assert scenario.rules[0].gap_limit == limit
    rota = solve_term(scenario, on_wednesdays("reading"))

    makeups = of_origin(rota, "makeup")
    assert len(makeups) == (1 if makeup_dates else 0)
    assert all(m.date in makeup_dates and m.teaching_week in (3, 4) for m in makeups)
    assert term(rota, "MakeupSessions").units == len(makeups)
    assert summary(rota, "1-1", "reading") == (4, 4, 1, len(makeups))
    assert [(x.date, x.cause) for x in rota.lost] == [(day("2026-09-23"), "day_off")]
    assert rota.unmet == []


def test_a_makeup_day_carries_the_pattern_of_the_weekday_it_follows() -> None:
    # Saturday 2026-09-12 is a school day on Wednesday's timetable.
    scenario = tiny_school(
        term={
            "start": "2026-09-07",
            "end": "2026-09-18",
            "makeup_days": [{"date": "2026-09-12", "follows": "wed", "name": "Swap day"}],
        },
    )

    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "wed", "11:30")
        place(rm, "1-2", "reading", "thu", "11:30")

    rota = solve_term(scenario, force)

    saturday = [s for s in rota.sessions if s.date == day("2026-09-12")]
    assert [(s.class_id, s.follows, s.origin, s.start.time().isoformat()) for s in saturday] == [
        ("1-1", "wed", "pattern", "11:30:00")
    ]
    assert saturday[0].teaching_week == 1
    assert [(d.date, d.kind, d.follows) for d in rota.calendar] == [(day("2026-09-12"), "makeup", "wed")]
    # Carried pattern sessions are no make-ups: nothing was lost.
    assert of_origin(rota, "makeup") == [] and rota.lost == []
    assert summary(rota, "1-1", "reading")[3] == 0
    assert len(of_origin(rota, "pattern", "1-1")) == 3 and len(of_origin(rota, "pattern", "1-2")) == 2


WEDNESDAY_ONLY = {
    "windows": [
        {"id": "lunch", "start": "11:30", "end": "12:30", "days": ["wed"]},
        {"id": "afternoon", "periods": ["p5", "p6"]},
    ],
    "classes": [{"id": "1-1", "grade": 1, "size": 30}],
}
BUSY_EVERY_OTHER_LUNCH = {
    "classes": [
        {
            "id": "1-1",
            "grade": 1,
            "size": 30,
            "busy": busy_every_day("11:30", "12:30", ["mon", "tue", "thu", "fri"]),
        }
    ],
}


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param(WEDNESDAY_ONLY, id="window-only-on-wednesdays"),
        pytest.param(BUSY_EVERY_OTHER_LUNCH, id="class-busy-every-other-lunch"),
    ],
)
def test_with_no_free_slot_for_a_makeup_the_gap_is_reported_unmet(overrides: dict[str, Any]) -> None:
    # Lunch on Wednesday is the class's only slot; the closed 09-23 leaves 09-17..09-29 without
    # reading, and the only dates that would close that 8-day limit (09-22, 09-24) are no use.
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-02", "closures": [SPORTS_DAY]},
        rules=[rule(max_gap_days=8)],
        **overrides,
    )
    rota = solve_only(scenario)

    assert {s.follows for s in rota.sessions} == {"wed"}
    assert of_origin(rota, "makeup") == []
    [gap] = rota.unmet
    assert (gap.kind, gap.subject) == ("gap", "1-1/reading")
    assert "2026-09-17" in gap.message
    # Priced once per 8-day window without reading, 09-17..09-24 to 09-22..09-29: a longer gap
    # costs more, and the same in every model of it.
    unmet = term(rota, "Unmet")
    assert (unmet.units, unmet.bearers) == (6, {"1-1/reading": 6})
    assert term(rota, "MakeupSessions").units == 0
    assert_only_confessed_violations(scenario, rota)
