"""The term's days: which are school days, their teaching week, A/B parity and timetable weekday."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata
from collections import defaultdict
from dataclasses import dataclass

import holidays

from .labels import labels_for
from .scenario import WEEKDAYS, Activity, Scenario, Weekday, weekday_of

_HOLIDAY_LANGUAGE = {"zh-CN": "zh_CN", "en": "en_US"}
_OUTSIDE_TERM = {
    "zh-CN": ("学期开始前", "学期结束后"),
    "en": ("before the term starts", "after the term ends"),
}


@dataclass(frozen=True)
class SchoolDay:
    date: dt.date
    follows: Weekday
    """Weekday whose timetable the day follows (differs from the date's own on make-up days)."""
    teaching_week: int
    """1-based teaching week from term start."""
    cycle_week: int
    """0-based week in the rotation cycle: teaching week 1 is cycle week 0 (week A)."""
    makeup_name: str | None = None
    makeup: bool = False
    """A normally free day made a school day (China's 调休)."""


@dataclass(frozen=True)
class DayOff:
    """A day that would be a school day but is not: a public holiday or closure."""

    date: dt.date
    name: str
    kind: str
    """``holiday``, ``closure``, or ``outside_term`` (weekdays of the first and last weeks
    that fall before the term starts or after it ends)."""
    teaching_week: int
    """Teaching week the day falls in; 0 when its whole week has no school and is not counted."""


@dataclass(frozen=True)
class TermCalendar:
    days: tuple[SchoolDay, ...]
    days_off: tuple[DayOff, ...]
    cycle_weeks: int
    teaching_weeks: int

    def week_label(self, cycle_week: int) -> str:
        return week_label(cycle_week, self.cycle_weeks)

    def days_in_week(self, teaching_week: int) -> list[SchoolDay]:
        return [d for d in self.days if d.teaching_week == teaching_week]


def week_label(cycle_week: int, cycle_weeks: int) -> str:
    """A, B, ... for the weeks of the rotation cycle; empty when the cycle is one week."""
    return "" if cycle_weeks == 1 else "ABCDEFGH"[cycle_week]


def build_term_calendar(scenario: Scenario) -> TermCalendar:
    """Lay out the term: school days in order, each with week number and the weekday it follows."""
    term = scenario.term
    public = _public_holidays(scenario)
    makeups = _official_makeup_days(scenario)
    makeups.update({m.date: (m.follows, m.name or "") for m in term.makeup_days})
    closures = {
        c.start + dt.timedelta(days=i): c.name
        for c in term.closures
        for i in range((c.last - c.start).days + 1)
    }
    monday = term.start - dt.timedelta(days=term.start.weekday())
    days: list[SchoolDay] = []
    days_off: list[DayOff] = []
    week_number = 0
    counted = False
    current_week: dt.date | None = None
    last_sunday = term.end + dt.timedelta(days=6 - term.end.weekday())
    day = monday
    while day <= last_sunday:
        week_start = day - dt.timedelta(days=day.weekday())
        if current_week != week_start:
            current_week = week_start
            if term.count_empty_weeks:
                week_number, counted = (week_start - monday).days // 7 + 1, True
            else:
                counted = _week_has_school(week_start, scenario, public, makeups, closures)
                week_number += counted
        holiday = public.get(day)
        ordinary = weekday_of(day) in term.weekdays
        if not term.start <= day <= term.end:
            # The first and last weeks may be partial: their pattern sessions outside the term are lost.
            if ordinary and counted:
                name = _OUTSIDE_TERM[scenario.school.locale][day > term.end]
                days_off.append(DayOff(day, name, "outside_term", week_number))
        elif day in closures and (ordinary or day in makeups):
            days_off.append(DayOff(day, closures[day], "closure", week_number if counted else 0))
        elif day in makeups:
            follows, name = makeups[day]
            days.append(SchoolDay(day, follows, week_number, 0, name or None, makeup=True))
        elif ordinary and holiday is not None and day not in term.open_on:
            days_off.append(DayOff(day, holiday, "holiday", week_number if counted else 0))
        elif ordinary:
            days.append(SchoolDay(day, weekday_of(day), week_number, 0))
        day += dt.timedelta(days=1)
    cycle = scenario.cycle_weeks
    days = [
        SchoolDay(d.date, d.follows, d.teaching_week, (d.teaching_week - 1) % cycle, d.makeup_name, d.makeup)
        for d in days
    ]
    return TermCalendar(
        days=tuple(days),
        days_off=tuple(days_off),
        cycle_weeks=cycle,
        teaching_weeks=max((d.teaching_week for d in days), default=0),
    )


def _week_has_school(
    week_start: dt.date,
    scenario: Scenario,
    public: dict[dt.date, str],
    makeups: dict[dt.date, tuple[Weekday, str]],
    closures: dict[dt.date, str],
) -> bool:
    term = scenario.term
    for i in range(7):
        day = week_start + dt.timedelta(days=i)
        if not term.start <= day <= term.end or day in closures:
            continue
        if day in makeups:
            return True
        if weekday_of(day) in term.weekdays and (day not in public or day in term.open_on):
            return True
    return False


def _public_holidays(scenario: Scenario) -> dict[dt.date, str]:
    term = scenario.term
    if term.holiday_country is None:
        return {}
    years = list(range(term.start.year, term.end.year + 1))
    language = _HOLIDAY_LANGUAGE[scenario.school.locale]
    try:
        table = holidays.country_holidays(
            term.holiday_country, subdiv=term.holiday_subdivision, years=years, language=language
        )
    except NotImplementedError:
        table = holidays.country_holidays(term.holiday_country, subdiv=term.holiday_subdivision, years=years)
    return {day: str(name) for day, name in table.items() if term.start <= day <= term.end}


def _official_makeup_days(scenario: Scenario) -> dict[dt.date, tuple[Weekday, str]]:
    """Weekend working days the country declares (China's 调休), each following the weekday
    of the rest day it was swapped with; the `holidays` package names that day in its label."""
    term = scenario.term
    if term.holiday_country is None:
        return {}
    table = holidays.country_holidays(
        term.holiday_country,
        subdiv=term.holiday_subdivision,
        years=list(range(term.start.year, term.end.year + 1)),
    )
    found: dict[dt.date, tuple[Weekday, str]] = {}
    for workday in sorted(getattr(table, "weekend_workdays", set())):
        if not term.start <= workday <= term.end:
            continue
        stamp = workday.strftime(_date_format(table))
        swapped = [day for day, name in table.items() if stamp in str(name)]
        follows = weekday_of(swapped[0]) if swapped else _nearest_school_weekday(workday, scenario)
        found[workday] = (follows, "")
    return found


def makeup_data_missing(scenario: Scenario) -> list[int]:
    """Years of the term for which the holiday source has no substituted working days (China's
    调休) for the school's country, though it has them for other years: the calendar would miss
    that year's make-up days. A year the scenario lists ``makeup_days`` in is taken as covered."""
    term = scenario.term
    if term.holiday_country is None:
        return []
    years = range(term.start.year, term.end.year + 1)
    known = _makeup_years(term.holiday_country, term.holiday_subdivision, years[-1])
    if not known:
        return []  # the country has no substituted working days at all
    declared = {m.date.year for m in term.makeup_days}
    return [year for year in years if year not in known and year not in declared]


@functools.cache
def _makeup_years(country: str, subdivision: str | None, last: int) -> frozenset[int]:
    table = holidays.country_holidays(country, subdiv=subdivision, years=range(_FIRST_MAKEUP_YEAR, last + 1))
    return frozenset(day.year for day in getattr(table, "weekend_workdays", set()))


_FIRST_MAKEUP_YEAR = 2000
"""The first year the holiday source is asked about, when finding which years it has data for."""


def calendar_warnings(scenario: Scenario) -> list[str]:
    """Warnings about the scenario's term calendar, one line each in the school's language: a year
    with no official make-up days in the holiday source, and how to add them."""
    missing = makeup_data_missing(scenario)
    if not missing:
        return []
    labels = labels_for(scenario.school.locale)
    return [
        labels.format(
            "warning_no_makeup_data",
            version=importlib.metadata.version("holidays"),
            country=scenario.term.holiday_country,
            years=labels.join([str(year) for year in missing]),
        )
    ]


def _date_format(table: holidays.HolidayBase) -> str:
    fmt = getattr(table, "substituted_date_format", "%Y-%m-%d")
    translate = getattr(table, "tr", None)
    return str(translate(fmt)) if callable(translate) else str(fmt)


def _nearest_school_weekday(day: dt.date, scenario: Scenario) -> Weekday:
    for offset in range(1, 7):
        candidate = WEEKDAYS[(day.weekday() + offset) % 7]
        if candidate in scenario.term.weekdays:
            return candidate
    return scenario.term.weekdays[0]


def occurrence_days(calendar: TermCalendar, activity: Activity) -> list[list[SchoolDay]]:
    """School days of each occurrence of an activity (one list per occurrence)."""
    when = activity.when
    days = list(calendar.days)
    if when.month is not None:
        days = [d for d in days if d.date.month == when.month]
    if when.start is not None and when.end is not None:
        days = [d for d in days if when.start <= d.date <= when.end]
    if when.weeks is not None:
        days = [d for d in days if d.teaching_week in when.weeks]
    groups: dict[tuple[int, ...], list[SchoolDay]] = defaultdict(list)
    for d in days:
        if when.every_weeks is not None:
            groups[((d.teaching_week - 1) // when.every_weeks,)].append(d)
        elif when.monthly:
            groups[(d.date.year, d.date.month)].append(d)
        else:
            groups[(0,)].append(d)
    return [groups[k] for k in sorted(groups)] if groups else [[]]
