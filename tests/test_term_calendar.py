"""The term's days: school days, days off, teaching weeks, A/B parity and the timetable weekday."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rota_solver.scenario import weekday_of
from rota_solver.term_calendar import DayOff, SchoolDay, TermCalendar, build_term_calendar, week_label
from tests.factories import rule, tiny_school

D = dt.date


def calendar(term: dict[str, Any], **overrides: Any) -> TermCalendar:
    return build_term_calendar(tiny_school(term=term, **overrides))


def school_day(cal: TermCalendar, day: dt.date) -> SchoolDay:
    found = [d for d in cal.days if d.date == day]
    assert len(found) == 1, f"{day} is not a school day exactly once"
    return found[0]


def offs(cal: TermCalendar) -> dict[dt.date, DayOff]:
    """Holidays and closures inside the term (not the partial first week's days before it)."""
    return {d.date: d for d in cal.days_off if d.kind != "outside_term"}


def dates(cal: TermCalendar) -> list[dt.date]:
    return [d.date for d in cal.days]


def weekdays_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() < 5
    ]


# --- (a) a plain term -----------------------------------------------------------


def test_plain_two_week_term() -> None:
    cal = calendar({"start": "2026-09-07", "end": "2026-09-18"})
    assert dates(cal) == weekdays_between(D(2026, 9, 7), D(2026, 9, 18))
    assert len(cal.days) == 10
    assert cal.days_off == ()
    assert cal.teaching_weeks == 2
    assert [d.teaching_week for d in cal.days] == [1] * 5 + [2] * 5
    assert all(d.follows == weekday_of(d.date) for d in cal.days)
    assert all(d.makeup_name is None for d in cal.days)
    assert cal.cycle_weeks == 1
    assert {d.cycle_week for d in cal.days} == {0}
    assert cal.week_label(0) == ""
    assert [d.date for d in cal.days_in_week(2)] == weekdays_between(D(2026, 9, 14), D(2026, 9, 18))


def test_fortnightly_rule_makes_an_ab_cycle() -> None:
    cal = calendar(
        {"start": "2026-09-07", "end": "2026-09-25"},
        rules=[rule(), rule(id="borrowing", kind="borrowing", frequency={"every_weeks": 2})],
    )
    assert cal.cycle_weeks == 2
    assert cal.teaching_weeks == 3
    assert [d.cycle_week for d in cal.days] == [0] * 5 + [1] * 5 + [0] * 5
    assert [cal.week_label(d.cycle_week) for d in cal.days[::5]] == ["A", "B", "A"]


def test_cycle_is_the_lcm_of_rule_periods() -> None:
    cal = calendar(
        {"start": "2026-09-07", "end": "2026-10-30"},
        rules=[
            rule(id="a", frequency={"every_weeks": 2}),
            rule(id="b", frequency={"every_weeks": 3}),
        ],
    )
    assert cal.cycle_weeks == 6
    assert cal.teaching_weeks == 8
    assert [d.cycle_week for d in cal.days[::5]] == [0, 1, 2, 3, 4, 5, 0, 1]


def test_week_label() -> None:
    assert week_label(0, 1) == ""
    assert [week_label(i, 3) for i in range(3)] == ["A", "B", "C"]


def test_term_starting_midweek_and_custom_weekdays() -> None:
    cal = calendar({"start": "2026-09-09", "end": "2026-09-19", "weekdays": ["mon", "wed", "sat"]})
    assert dates(cal) == [D(2026, 9, 9), D(2026, 9, 12), D(2026, 9, 14), D(2026, 9, 16), D(2026, 9, 19)]
    assert [d.teaching_week for d in cal.days] == [1, 1, 2, 2, 2]
    assert [d.follows for d in cal.days] == ["wed", "sat", "mon", "wed", "sat"]


# --- (b) China, autumn 2026 ------------------------------------------------------------

CN_AUTUMN = {"start": "2026-09-01", "end": "2026-10-31", "holiday_country": "CN"}
GOLDEN_WEEK_WEEKDAYS = [D(2026, 10, d) for d in (1, 2, 5, 6, 7)]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_china_autumn_2026(locale: str) -> None:
    cal = calendar(CN_AUTUMN, school={"name": "实验小学", "locale": locale})
    school_dates = set(dates(cal))

    # National Day golden week: no school 10-01 .. 10-07.
    for i in range(1, 8):
        assert D(2026, 10, i) not in school_dates
    off = offs(cal)
    for day in GOLDEN_WEEK_WEEKDAYS:
        assert off[day].kind == "holiday"
        assert off[day].name
    # Weekend days of the holiday are not listed: they were never school days.
    assert D(2026, 10, 3) not in off and D(2026, 10, 4) not in off
    # Mid-Autumn Festival.
    assert D(2026, 9, 25) not in school_dates
    assert off[D(2026, 9, 25)].kind == "holiday"
    assert set(off) == {D(2026, 9, 25), *GOLDEN_WEEK_WEEKDAYS}

    # 调休: the Sunday and Saturday swapped with 10-06 (Tue) and 10-07 (Wed) are school days.
    sunday = school_day(cal, D(2026, 9, 20))
    saturday = school_day(cal, D(2026, 10, 10))
    assert sunday.date.weekday() == 6 and saturday.date.weekday() == 5
    assert sunday.follows == "tue"
    assert saturday.follows == "wed"
    # No other weekend day is a school day, and ordinary days follow their own weekday.
    assert [d.date for d in cal.days if d.date.weekday() >= 5] == [D(2026, 9, 20), D(2026, 10, 10)]
    assert all(d.follows == weekday_of(d.date) for d in cal.days if d.date.weekday() < 5)

    assert D(2026, 10, 8) in school_dates and D(2026, 9, 1) in school_dates
    assert len(cal.days) == len(weekdays_between(D(2026, 9, 1), D(2026, 10, 31))) - 6 + 2
    assert cal.teaching_weeks == 9
    assert all(o.teaching_week >= 1 for o in cal.days_off)


# --- (c) the scenario's own make-up days ---------------------------------------------------


def test_scenario_makeup_day_overrides_the_official_weekday() -> None:
    term = {**CN_AUTUMN, "makeup_days": [{"date": "2026-09-20", "follows": "fri", "name": "运动会补课"}]}
    cal = calendar(term)
    sunday = school_day(cal, D(2026, 9, 20))
    assert sunday.follows == "fri"
    assert sunday.makeup_name == "运动会补课"
    # The other official make-up day is untouched.
    assert school_day(cal, D(2026, 10, 10)).follows == "wed"


def test_scenario_makeup_day_without_a_country() -> None:
    term = {
        "start": "2026-09-07",
        "end": "2026-09-18",
        "makeup_days": [{"date": "2026-09-12", "follows": "mon"}],
    }
    cal = calendar(term)
    saturday = school_day(cal, D(2026, 9, 12))
    assert saturday.follows == "mon"
    assert saturday.makeup_name is None
    assert saturday.teaching_week == 1
    assert len(cal.days) == 11


# --- (d) closures ----------------------------------------------------------------------


def test_closure_range_removes_its_weekdays() -> None:
    term = {
        "start": "2026-09-07",
        "end": "2026-09-25",
        "closures": [{"name": "运动会", "start": "2026-09-17", "end": "2026-09-22"}],
    }
    cal = calendar(term)
    closed = [D(2026, 9, 17), D(2026, 9, 18), D(2026, 9, 21), D(2026, 9, 22)]
    assert [(o.date, o.name, o.kind) for o in cal.days_off] == [(d, "运动会", "closure") for d in closed]
    assert [o.teaching_week for o in cal.days_off] == [2, 2, 3, 3]
    assert not set(closed) & set(dates(cal))
    assert len(cal.days) == 15 - 4
    assert D(2026, 9, 16) in dates(cal) and D(2026, 9, 23) in dates(cal)


def test_single_day_closure() -> None:
    cal = calendar(
        {"start": "2026-09-07", "end": "2026-09-18", "closures": [{"name": "exam", "start": "2026-09-15"}]}
    )
    assert [(o.date, o.kind) for o in cal.days_off] == [(D(2026, 9, 15), "closure")]
    assert len(cal.days) == 9


def test_closure_over_an_official_makeup_day() -> None:
    term = {**CN_AUTUMN, "closures": [{"name": "校庆", "start": "2026-09-19", "end": "2026-09-21"}]}
    cal = calendar(term)
    off = offs(cal)
    # The official make-up Sunday is closed, and so is the Monday after it; Saturday was never open.
    assert off[D(2026, 9, 20)].kind == "closure"
    assert off[D(2026, 9, 21)].kind == "closure"
    assert D(2026, 9, 19) not in off
    assert not {D(2026, 9, 20), D(2026, 9, 21)} & set(dates(cal))


# --- (e) open on a public holiday -------------------------------------------------------


def test_open_on_keeps_a_public_holiday_a_school_day() -> None:
    cal = calendar({**CN_AUTUMN, "open_on": ["2026-09-25"]})
    day = school_day(cal, D(2026, 9, 25))
    assert day.follows == "fri"
    assert D(2026, 9, 25) not in offs(cal)
    assert D(2026, 10, 1) in offs(cal)


# --- (f) empty weeks ---------------------------------------------------------------------

WHOLE_WEEK_CLOSED = {
    "start": "2026-09-07",
    "end": "2026-09-25",
    "closures": [{"name": "flu", "start": "2026-09-14", "end": "2026-09-18"}],
}


def test_a_week_without_school_is_skipped_in_the_numbering() -> None:
    cal = calendar(WHOLE_WEEK_CLOSED, rules=[rule(frequency={"every_weeks": 2})])
    assert len(cal.days) == 10
    assert [d.teaching_week for d in cal.days] == [1] * 5 + [2] * 5
    assert cal.teaching_weeks == 2
    assert [d.cycle_week for d in cal.days] == [0] * 5 + [1] * 5
    assert {o.kind for o in cal.days_off} == {"closure"} and len(cal.days_off) == 5


def test_count_empty_weeks_keeps_calendar_numbering() -> None:
    cal = calendar(
        {**WHOLE_WEEK_CLOSED, "count_empty_weeks": True}, rules=[rule(frequency={"every_weeks": 2})]
    )
    assert [d.teaching_week for d in cal.days] == [1] * 5 + [3] * 5
    assert cal.teaching_weeks == 3
    assert [d.cycle_week for d in cal.days] == [0] * 5 + [0] * 5
    assert {o.teaching_week for o in cal.days_off} == {2}
    assert cal.days_in_week(2) == []


def test_china_term_weeks_run_without_gaps() -> None:
    # Golden week 2026-10-05..10-09: Mon-Wed are holidays but Thu/Fri and the Saturday make-up are school.
    # The week 2026-09-28 has Mon-Wed school, then holidays. No week is empty, so weeks run 1..9.
    cal = calendar(CN_AUTUMN)
    assert sorted({d.teaching_week for d in cal.days}) == list(range(1, 10))


# --- (g) England ---------------------------------------------------------------------------


def test_england_christmas_holidays() -> None:
    term = {
        "start": "2026-12-14",
        "end": "2027-01-15",
        "holiday_country": "GB",
        "holiday_subdivision": "ENG",
    }
    cal = calendar(term, school={"name": "Hill School", "timezone": "Europe/London", "locale": "en"})
    off = offs(cal)
    assert set(off) == {D(2026, 12, 25), D(2026, 12, 28), D(2027, 1, 1)}
    assert all(o.kind == "holiday" for o in off.values())
    assert "Christmas" in off[D(2026, 12, 25)].name
    assert "Boxing Day" in off[D(2026, 12, 28)].name
    assert "New Year" in off[D(2027, 1, 1)].name
    # Boxing Day itself is a Saturday: never a school day, not a day off either.
    assert D(2026, 12, 26) not in off
    assert [d.date for d in cal.days if d.date.weekday() >= 5] == []
    assert len(cal.days) == len(weekdays_between(D(2026, 12, 14), D(2027, 1, 15))) - 3
    assert cal.teaching_weeks == 5
    # Across the new year the week numbering simply carries on.
    assert school_day(cal, D(2026, 12, 31)).teaching_week == 3
    assert school_day(cal, D(2027, 1, 4)).teaching_week == 4


def test_partial_first_week_lists_weekdays_before_the_term_as_outside_term() -> None:
    # 2026-09-01 is a Tuesday: Monday 08-31 is in teaching week 1 but outside the term,
    # so a Monday session of the pattern is lost that week, and the rota must say so.
    cal = build_term_calendar(tiny_school(term={"start": "2026-09-01", "end": "2026-09-11"}))
    outside = [o for o in cal.days_off if o.kind == "outside_term"]
    assert [(o.date, o.teaching_week) for o in outside] == [(D(2026, 8, 31), 1)]
    assert cal.days[0].date == D(2026, 9, 1)
