"""Windows cut into slots: the places a session can go in the weekly pattern (solver side)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .scenario import GradeRule, Scenario, SchoolClass, StaffMember, Weekday, minutes


@dataclass(frozen=True, order=True)
class Slot:
    weekday: Weekday
    start: int
    """Minutes from midnight."""
    end: int
    window_id: str

    def overlaps(self, other: Slot) -> bool:
        return self.weekday == other.weekday and self.start < other.end and other.start < self.end


def window_times(scenario: Scenario, window_id: str, duration: int) -> list[tuple[int, int]]:
    """(start, end) of each slot of a window: a period each (sessions start with its bell), or the
    time range cut into consecutive pieces of ``duration``."""
    window = scenario.window(window_id)
    times = []
    if window.periods is not None:
        for period_id in window.periods:
            bell = scenario.period(period_id)
            start = minutes(bell.start)
            if start + duration <= minutes(bell.end):
                times.append((start, start + duration))
    else:
        assert window.start is not None and window.end is not None
        start, end = minutes(window.start), minutes(window.end)
        while start + duration <= end:
            times.append((start, start + duration))
            start += duration
    return times


def rule_slots(scenario: Scenario, rule: GradeRule) -> list[Slot]:
    """Every slot of the rule's windows on every weekday they exist."""
    slots = [
        Slot(day, start, end, window_id)
        for window_id in rule.windows
        for day in scenario.window_days(scenario.window(window_id))
        for start, end in window_times(scenario, window_id, rule.duration_minutes)
    ]
    return sorted(set(slots))


def class_busy_at(
    scenario: Scenario, school_class: SchoolClass, slot: Slot, on: dt.date | None = None
) -> bool:
    """Whether a lesson of the class overlaps the weekly slot: on the date ``on``, or (no date, for the
    weekly table) on any date of the term, since a table cell must hold all term."""
    for busy in school_class.busy:
        if on is not None and not busy.applies_on(on):
            continue
        start, end = scenario.busy_span(busy)
        if busy.day == slot.weekday and minutes(start) < slot.end and slot.start < minutes(end):
            return True
    return False


def staff_available_at(scenario: Scenario, member: StaffMember, slot: Slot) -> bool:
    for hours in member.availability:
        days = hours.days if hours.days is not None else scenario.term.weekdays
        if slot.weekday in days and minutes(hours.start) <= slot.start and slot.end <= minutes(hours.end):
            return True
    return False
