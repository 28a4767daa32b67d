"""Windows cut into slots: the places a session can go in the weekly pattern (solver side)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from .scenario import BusyPeriod, GradeRule, Pin, Scenario, SchoolClass, StaffMember, Weekday, minutes


class Slot(NamedTuple):
    """A weekly slot (a tuple: hashed and compared at C speed, as it is in every key of the weekly
    model's variables)."""

    weekday: Weekday
    start: int
    """Minutes from midnight."""
    end: int
    window_id: str

    def overlaps(self, other: Slot) -> bool:
        return self.weekday == other.weekday and self.start < other.end and other.start < self.end


def window_times(
    scenario: Scenario, window_id: str, duration: int, day: Weekday | None = None
) -> list[tuple[int, int]]:
    """(start, end) of each slot of a window on the weekday ``day``: a period each (sessions start
    with its bell that day; a period with no bells that day has no slot), or the time range cut into
    consecutive pieces of ``duration``. No day: the periods' bells of every day."""
    window = scenario.window(window_id)
    times = []
    if window.periods is not None:
        for period_id in window.periods:
            bells = (
                [p for p in scenario.periods if p.id == period_id]
                if day is None
                else [b for b in [scenario.bell(period_id, day)] if b is not None]
            )
            for bell in bells:
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
        for start, end in window_times(scenario, window_id, rule.duration_minutes, day)
    ]
    return sorted(set(slots))


def pinned_slot(slots: Sequence[Slot], pin: Pin) -> Slot | None:
    """The slot of ``slots`` (its rule's) that a pin names: on its weekday, starting at its time (the
    scenario checks there is one; a rule's windows never overlap, so there is at most one)."""
    start = minutes(pin.start)
    return next((s for s in slots if s.weekday == pin.day and s.start == start), None)


def lessons_at(
    scenario: Scenario,
    school_class: SchoolClass,
    slot: Slot,
    on: dt.date | None = None,
    *,
    rule: GradeRule | None = None,
    cycle_week: int | None = None,
) -> list[BusyPeriod]:
    """The class's lessons that overlap the weekly slot: on the date ``on`` (no date: on any date of
    the term, since a table cell must hold all term), in cycle week ``cycle_week`` (none: in any), and
    for ``rule`` leaving out lessons for part of the class when the rule says group lessons do not
    block (none: every lesson counts)."""
    found = []
    for busy in school_class.busy:
        if busy.day != slot.weekday:
            continue  # the cheap test first: most lessons are on another day
        if on is not None and not busy.applies_on(on):
            continue
        weeks = busy.cycle_week_numbers
        if cycle_week is not None and weeks is not None and cycle_week not in weeks:
            continue
        if busy.group and rule is not None and not rule.group_lessons_block:
            continue
        start, end = scenario.busy_span(busy)
        if minutes(start) < slot.end and slot.start < minutes(end):
            found.append(busy)
    return found


def library_may_take(school_class: SchoolClass, busy: BusyPeriod, rule: GradeRule | None) -> bool:
    """Whether a session of ``rule`` may be held in the lesson (never for anything but a rule)."""
    if rule is None:
        return False
    if busy.library_may_take:
        return True
    what = busy.what.strip().casefold()
    subjects = (*school_class.library_may_take, *rule.library_may_take)
    return bool(what) and any(what == subject.strip().casefold() for subject in subjects)


def class_busy_at(
    scenario: Scenario,
    school_class: SchoolClass,
    slot: Slot,
    on: dt.date | None = None,
    *,
    rule: GradeRule | None = None,
    cycle_week: int | None = None,
) -> bool:
    """Whether a lesson keeps the class from the weekly slot (see :func:`lessons_at`): for ``rule``,
    a lesson the library may take does not (:func:`lessons_taken_at` prices it)."""
    return any(
        not library_may_take(school_class, busy, rule)
        for busy in lessons_at(scenario, school_class, slot, on, rule=rule, cycle_week=cycle_week)
    )


def class_ever_free_at(
    scenario: Scenario, school_class: SchoolClass, slot: Slot, rule: GradeRule | None = None
) -> bool:
    """Whether the class is free at the weekly slot (for ``rule``) in some week of the rotation cycle."""
    return any(
        not class_busy_at(scenario, school_class, slot, rule=rule, cycle_week=week)
        for week in range(scenario.cycle_weeks)
    )


def lessons_taken_at(
    scenario: Scenario,
    school_class: SchoolClass,
    slot: Slot,
    on: dt.date | None = None,
    *,
    rule: GradeRule,
    cycle_week: int | None = None,
) -> list[BusyPeriod]:
    """The lessons a session of ``rule`` at the slot would take, when all it overlaps may be taken."""
    found = lessons_at(scenario, school_class, slot, on, rule=rule, cycle_week=cycle_week)
    return found if all(library_may_take(school_class, b, rule) for b in found) else []


def staff_available_at(scenario: Scenario, member: StaffMember, slot: Slot) -> bool:
    for hours in member.availability:
        days = hours.days if hours.days is not None else scenario.term.weekdays
        if slot.weekday in days and minutes(hours.start) <= slot.start and slot.end <= minutes(hours.end):
            return True
    return False
