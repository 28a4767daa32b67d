"""What the term stage places around the fixed weekly pattern, and where each thing could go.

The weekly pattern, laid over the dates, is fixed here. What remains is dated: make-up sessions
for lost ones, each borrowing class's final returns session, activities and stocktake shifts.
Each becomes an :class:`Item` with the :class:`Spot` s (date and time) it could take; spots that
clash with something fixed (a class's timetable or pattern session, a full room, a person on a
pattern duty or away) are never generated, so the model only weighs items against each other.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from ..rota import DatedSession
from ..scenario import Activity, Room, Scenario, Weekday, minutes
from ..slots import Slot, lessons_at, lessons_taken_at, library_may_take, staff_available_at, window_times
from ..term_calendar import SchoolDay, TermCalendar

ItemKind = Literal["makeup", "returns", "activity", "shift"]


class Spot(NamedTuple):
    """A date and time an item could take (a tuple: hashed and compared at C speed, as it is a key of
    every cache and model dict of the dated stage)."""

    date: dt.date
    start: int
    end: int
    window_id: str
    follows: Weekday


@dataclass
class Item:
    """One thing to place at one of its spots (or, when ``required``, to report as unmet)."""

    key: str
    kind: ItemKind
    label: str
    required: bool
    spots: list[Spot]
    room: str | None
    seats: int
    """Seats the item takes in its room."""
    staffing: dict[str, int]
    classes: tuple[str, ...] = ()
    helper_groups: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    teacher_groups: tuple[str, ...] = ()
    rule_id: str | None = None
    """For make-ups and returns: the rule the session serves."""
    activity: Activity | None = None
    occurrence: int = 0
    gives_way_to: str | None = None
    """For a make-up: id of the pattern session it replaces, when that one may still be held."""
    all_day: bool = False
    kind_label: str = ""
    lost_date: dt.date | None = None
    convertible: list[str] = field(default_factory=list)
    last_day: dt.date | None = None
    """For activities and shifts: the last date the item could take place."""

    @property
    def room_classes(self) -> int:
        """Classes the item counts against a room's ``classes_at_once`` (a group with no class: one)."""
        return max(1, len(self.classes))

    """For returns: the class's pattern sessions in the returns window that can become it."""


@dataclass
class Fixed:
    """What the held pattern sessions occupy, by date."""

    class_times: dict[tuple[str, dt.date], list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    room_load: dict[tuple[str, dt.date], list[tuple[int, int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """(start, end, seats) per class session in the room."""
    duties: dict[tuple[str, dt.date], set[tuple[int, int, str]]] = field(
        default_factory=lambda: defaultdict(set)
    )
    """(start, end, room) per person: distinct duties, a shared one counted once."""


def fixed_occupancy(sessions: list[DatedSession], scenario: Scenario) -> Fixed:
    fixed = Fixed()
    sizes = {c.id: c.pupils for c in scenario.classes}
    helpers_class = {g.id: g.class_id for g in scenario.helper_groups}
    for s in sessions:
        start, end = minutes(s.start.time()), minutes(s.end.time())
        fixed.class_times[(s.class_id, s.date)].append((start, end))
        fixed.room_load[(s.room_id, s.date)].append((start, end, sizes[s.class_id]))
        for person in s.staff_ids:
            fixed.duties[(person, s.date)].add((start, end, s.room_id))
            if person in helpers_class:
                # While its helpers are on duty, their own class cannot be anywhere else.
                fixed.class_times[(helpers_class[person], s.date)].append((start, end))
    return fixed


_BlockingKey = tuple[str, Weekday, int | None, str | None, dt.date | None]
"""Class, timetable weekday, cycle week, rule, and the date for a class with dated lessons."""

_CLOSED = (-1, -1)
"""A room's use on a day it is closed."""


class SpotFinder:
    """Spots where an item's classes, room and people are free of everything fixed."""

    def __init__(
        self, scenario: Scenario, calendar: TermCalendar, fixed: Fixed, not_before: dt.date | None = None
    ) -> None:
        self.scenario = scenario
        self.calendar = calendar
        self.fixed = fixed
        self.days = {d.date: d for d in calendar.days}
        self.not_before = not_before
        """A rerun's freeze date: nothing is placed before it."""
        self._staff = {m.id: m for m in scenario.staff}
        self._groups = {g.id: g for g in scenario.helper_groups}
        # The same spots recur for every class of a rule: at 240 classes these lookups were 350,000
        # calls and most of the term model's build time.
        self._class_free: dict[tuple[str, Spot, str | None], bool] = {}
        self._rules = {r.id: r for r in scenario.rules}
        self._person_can: dict[tuple[str, Spot, bool], bool] = {}
        self._dated = scenario.classes_with_dated_lessons()
        self._taken: dict[tuple[str, Slot, str | None, int | None, dt.date | None], bool] = {}
        self._able: dict[tuple[str, Spot], list[str]] = {}
        self._window_times: dict[tuple[str, int, Weekday], list[tuple[int, int]]] = {}
        # The lessons that keep a class from a spot, as spans, looked up once per timetable weekday
        # and cycle week (per date for a class with dated lessons), not spot by spot: 120 tight
        # classes' term inputs took 0.27 s with this and the caches below, now 0.06 s.
        self._blocking: dict[_BlockingKey, list[tuple[int, int]]] = {}
        self._room_use: dict[tuple[str, Spot], tuple[int, int]] = {}
        self._spots: dict[tuple[dt.date, tuple[str, ...], int], tuple[Spot, ...]] = {}
        self._teacher_groups = {t.id: t for t in scenario.teacher_groups}

    def window_spots(self, day: SchoolDay, window_ids: list[str], duration: int) -> tuple[Spot, ...]:
        """Slots of the windows on the day's timetable weekday, cut to ``duration`` (made once per
        day: every class's item asks for the same ones)."""
        if self.not_before is not None and day.date < self.not_before:
            return ()
        key = (day.date, tuple(window_ids), duration)
        spots = self._spots.get(key)
        if spots is None:
            spots = self._spots[key] = tuple(
                Spot(day.date, start, end, window_id, day.follows)
                for window_id in window_ids
                for start, end in self._times(window_id, duration, day.follows)
            )
        return spots

    def _times(self, window_id: str, duration: int, weekday: Weekday) -> list[tuple[int, int]]:
        """The window's (start, end) times on the weekday (none if it is closed that day), looked up
        once: the same few recur for every class and date (8,441 look-ups at 120 tight classes)."""
        key = (window_id, duration, weekday)
        if key not in self._window_times:
            window = self.scenario.window(window_id)
            open_that_day = weekday in self.scenario.window_days(window)
            self._window_times[key] = (
                window_times(self.scenario, window_id, duration, weekday) if open_that_day else []
            )
        return self._window_times[key]

    def class_free(self, class_id: str, spot: Spot, rule_id: str | None = None) -> bool:
        """Whether the class is free at the spot: for a session of ``rule_id`` (a make-up or returns
        session), a lesson the rule may take or, if the rule says so, a group's lesson leaves it free;
        for anything else (an activity, helpers on duty) every lesson of the day's cycle week counts."""
        key = (class_id, spot, rule_id)
        if key not in self._class_free:
            self._class_free[key] = self._class_free_uncached(class_id, spot, rule_id)
        return self._class_free[key]

    def _cycle_week(self, day: dt.date) -> int | None:
        school_day = self.days.get(day)
        return school_day.cycle_week if school_day is not None else None

    def _class_free_uncached(self, class_id: str, spot: Spot, rule_id: str | None) -> bool:
        start, end = spot.start, spot.end
        for a, b in self.fixed.class_times.get((class_id, spot.date), ()):
            if start < b and a < end:
                return False
        for a, b in self._lessons_blocking(class_id, spot.date, spot.follows, rule_id):
            if start < b and a < end:
                return False
        return True

    def _lessons_blocking(
        self, class_id: str, day: dt.date, follows: Weekday, rule_id: str | None
    ) -> list[tuple[int, int]]:
        """The spans of the class's lessons that keep it from a session of ``rule_id`` (no rule:
        from anything) on the date, which follows the timetable of ``follows`` (see
        :func:`~rota_solver.slots.class_busy_at`): the same on every date of one cycle week, unless a
        lesson of the class starts or ends on a date."""
        week = self._cycle_week(day)
        key = (class_id, follows, week, rule_id, day if class_id in self._dated else None)
        found = self._blocking.get(key)
        if found is None:
            scenario = self.scenario
            school_class = scenario.school_class(class_id)
            rule = self._rules[rule_id] if rule_id is not None else None
            whole_day = Slot(follows, 0, 24 * 60, "")
            found = []
            for busy in lessons_at(scenario, school_class, whole_day, day, rule=rule, cycle_week=week):
                if not library_may_take(school_class, busy, rule):
                    start, end = scenario.busy_span(busy)
                    found.append((minutes(start), minutes(end)))
            self._blocking[key] = found
        return found

    def room_has_space(self, room_id: str | None, spot: Spot, seats: int, classes: int = 1) -> bool:
        if room_id is None:
            return True
        return self._room_fits(self.scenario.room(room_id), spot, seats, classes)

    def _room_fits(self, room: Room, spot: Spot, seats: int, classes: int) -> bool:
        use = self._room_use.get((room.id, spot))
        if use is None:
            use = self._room_use[(room.id, spot)] = self._room_use_uncached(room.id, spot)
        if use is _CLOSED:
            return False
        load, taken = use
        seats_fit = room.seats is None or taken + seats <= room.seats
        return load + classes <= room.classes_at_once and seats_fit

    def _room_use_uncached(self, room_id: str, spot: Spot) -> tuple[int, int]:
        """Sessions and pupils in the room at the spot (:data:`_CLOSED` if it is closed that day), asked
        once per spot: every class's item at the spot asks alike."""
        if self.scenario.room(room_id).closed_on(spot.date):
            return _CLOSED
        start, end = spot.start, spot.end
        # Conservative: everything overlapping the spot counts as simultaneous.
        taken = load = 0
        for a, b, pupils in self.fixed.room_load.get((room_id, spot.date), ()):
            if start < b and a < end:
                load += 1
                taken += pupils
        return load, taken

    def person_can(self, person_id: str, spot: Spot, on_duty: bool) -> bool:
        """Whether a staff member or helper group could be on duty (or take part) at the spot."""
        key = (person_id, spot, on_duty)
        if key not in self._person_can:
            self._person_can[key] = self._person_can_uncached(person_id, spot, on_duty)
        return self._person_can[key]

    def _person_can_uncached(self, person_id: str, spot: Spot, on_duty: bool) -> bool:
        scenario = self.scenario
        member = self._staff.get(person_id)
        slot = Slot(spot.follows, spot.start, spot.end, spot.window_id)
        start, end = spot.start, spot.end
        for a, b, _ in self.fixed.duties.get((person_id, spot.date), ()):
            if start < b and a < end:
                return False
        if member is not None:
            return spot.date not in member.days_off and staff_available_at(scenario, member, slot)
        group = self._groups[person_id]
        if on_duty and spot.window_id not in group.windows:
            return False
        return self.class_free(group.class_id, spot)

    def teacher_group_free(self, group_id: str, spot: Spot) -> bool:
        group = self._teacher_groups[group_id]
        slot = Slot(spot.follows, spot.start, spot.end, spot.window_id)
        for hours in group.availability:
            days = hours.days if hours.days is not None else self.scenario.term.weekdays
            if slot.weekday in days and minutes(hours.start) <= slot.start and slot.end <= minutes(hours.end):
                return True
        return False

    def able_people(self, role: str, spot: Spot) -> list[str]:
        """The people of the role who could be on duty at the spot, in the scenario's order (asked
        for every item at the spot alike: at 240 classes a rerun's models asked 105,000 times)."""
        key = (role, spot)
        if key not in self._able:
            self._able[key] = [p for p in self.people_of(role) if self.person_can(p, spot, on_duty=True)]
        return self._able[key]

    def people_of(self, role: str) -> list[str]:
        ids = [m.id for m in self.scenario.staff if m.role == role]
        return ids + [g.id for g in self.scenario.helper_groups if g.role == role]

    def session_rule(self, item: Item) -> str | None:
        """The rule a make-up or returns item is a session of (an activity has none)."""
        return item.rule_id if item.kind in ("makeup", "returns") else None

    def takes_lesson(self, item: Item, spot: Spot) -> bool:
        """Whether the item's session at the spot is held in a lesson its rule may take (priced)."""
        rule_id = self.session_rule(item)
        if rule_id is None:
            return False
        rule = self._rules[rule_id]
        slot = Slot(spot.follows, spot.start, spot.end, spot.window_id)
        week = self._cycle_week(spot.date)
        for class_id in item.classes:
            key = (class_id, slot, rule_id, week, spot.date if class_id in self._dated else None)
            if key not in self._taken:
                school_class = self.scenario.school_class(class_id)
                self._taken[key] = bool(
                    lessons_taken_at(self.scenario, school_class, slot, spot.date, rule=rule, cycle_week=week)
                )
            if self._taken[key]:
                return True
        return False

    def usable(self, item: Item, spot: Spot) -> bool:
        return bool(self.usable_spots(item, (spot,)))

    def usable_spots(self, item: Item, spots: Iterable[Spot]) -> list[Spot]:
        """The spots where the item's classes, room and people are free of everything fixed, in
        order. What depends on the item alone is looked up once, not spot by spot (the term's inputs
        ask this of 15,000-21,000 spots at 72-120 tight classes)."""
        rule_id = self.session_rule(item)
        room = self.scenario.room(item.room) if item.room is not None else None
        room_classes, seats = item.room_classes, item.seats
        people = (*item.staff, *item.helper_groups)
        needs = [(role, need) for role, need in item.staffing.items() if need > 0]
        found = []
        for spot in spots:
            # The room first: its answer is one look-up per spot, and in a full room most fail it.
            if room is not None and not self._room_fits(room, spot, seats, room_classes):
                continue
            if not all(self.class_free(class_id, spot, rule_id) for class_id in item.classes):
                continue
            if people and not all(self.person_can(p, spot, on_duty=False) for p in people):
                continue
            if item.teacher_groups and not all(self.teacher_group_free(t, spot) for t in item.teacher_groups):
                continue
            if all(len(self.able_people(role, spot)) >= need for role, need in needs):
                found.append(spot)
        return found
