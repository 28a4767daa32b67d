"""First fit of the dated stage: each required item into the first of its spots still free of what
is already placed, people named as it goes, then make-ups wherever a class's wait would run over its
gap limit.

It takes 0.01-0.03 s where the search's model takes seconds to build (0.9 s at 120 generated
classes, 1.6 s at 240), so a run short of time still places the term's make-ups, returns and
activities. The term model, with each item held to the spot chosen here, checks every hard rule
again and names the people (see ``plan_term``). It is not the search's hint: as one it slowed the
240-class search to its optimum (the dated stage 4.2-6.0 s against 2.9-3.7 s).
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ..scenario import Scenario, minutes
from ..term_calendar import TermCalendar
from .items import Fixed, Item, Spot, SpotFinder
from .plan import TermInputs


@dataclass(frozen=True)
class DatedFit:
    """Where first fit put each item it placed, and who is on duty there."""

    spots: dict[str, Spot]
    people: dict[str, tuple[str, ...]]
    given_way: frozenset[str]
    """Displaceable pattern sessions that give way to what was placed (an event day, an orientation
    after them)."""


Put = Callable[[Item, list[Spot]], bool]
"""Place the item at the first of the spots it fits, naming its people; whether it did."""
Later = Callable[[Item, Spot], bool]
"""Whether the spot comes after the orientation the item's class must have first."""


def _overlapping(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


class _Board:
    """What first fit has placed so far, by date: who is busy when, each room's load, duties."""

    def __init__(self, scenario: Scenario, fixed: Fixed, finder: SpotFinder) -> None:
        self.scenario = scenario
        self.fixed = fixed
        self.finder = finder
        self.busy: dict[tuple[str, dt.date], list[tuple[int, int]]] = defaultdict(list)
        self.rooms: dict[tuple[str, dt.date], list[tuple[int, int, int, int]]] = defaultdict(list)
        self.duties: dict[tuple[str, dt.date], int] = defaultdict(int)
        self.load: dict[str, int] = defaultdict(int)
        self.all_day: set[tuple[str, dt.date]] = set()
        """(class id or ``room:`` id, date) taken by an all-day event."""
        self.timed: set[tuple[str, dt.date]] = set()
        """(class id or ``room:`` id, date) with a timed item."""
        self.own_class = {g.id: g.class_id for g in scenario.helper_groups}
        self.caps = {m.id: m.max_sessions_per_day for m in scenario.staff}
        self.caps.update({g.id: g.max_sessions_per_day for g in scenario.helper_groups})

    def _taken(self, item: Item) -> list[str]:
        """Everyone the item occupies besides its people on duty: its classes, participants, the
        classes of its helper groups, its teacher groups."""
        return [
            *item.classes,
            *item.staff,
            *item.helper_groups,
            *(self.own_class[g] for g in item.helper_groups),
            *(f"t:{t}" for t in item.teacher_groups),
        ]

    def _day_keys(self, item: Item) -> list[str]:
        return [*item.classes, *([f"room:{item.room}"] if item.room is not None else [])]

    def fits(self, item: Item, spot: Spot) -> tuple[str, ...] | None:
        """The people to put on duty if the item fits at the spot, else ``None``."""
        day = spot.date
        # An event day takes its classes and room for the whole day: nothing timed beside it.
        for key in self._day_keys(item):
            if (key, day) in self.all_day or (item.all_day and (key, day) in self.timed):
                return None
        taken = self._taken(item)
        if any(_overlapping(spot.start, spot.end, self.busy.get((who, day), [])) for who in taken):
            return None
        if item.room is not None and not item.all_day and not self._room_fits(item, spot):
            return None
        people: list[str] = []
        for role, need in item.staffing.items():
            if need <= 0:
                continue
            free = [
                p
                for p in self.finder.able_people(role, spot)
                if p not in taken and p not in people and self._can_take_duty(p, item, spot)
            ]
            if len(free) < need:
                return None
            # The least loaded first: the rota standing on this plan should not pile duties on one person.
            people += sorted(free, key=lambda p: self.load[p])[:need]
        return tuple(people)

    def _can_take_duty(self, person: str, item: Item, spot: Spot) -> bool:
        day = spot.date
        own = self.own_class.get(person)
        if own is not None and (own in item.classes or (own, day) in self.all_day):
            return False
        for who in (person, own) if own is not None else (person,):
            if _overlapping(spot.start, spot.end, self.busy.get((who, day), [])):
                return False
        cap = self.caps.get(person)
        return (
            cap is None or len(self.fixed.duties.get((person, day), set())) + self.duties[(person, day)] < cap
        )

    def _room_fits(self, item: Item, spot: Spot) -> bool:
        assert item.room is not None
        room = self.scenario.room(item.room)
        # Conservative, as the spots' own check: everything overlapping the spot counts as simultaneous.
        fixed = [
            x
            for x in self.fixed.room_load.get((item.room, spot.date), [])
            if spot.start < x[1] and x[0] < spot.end
        ]
        placed = [
            x for x in self.rooms.get((item.room, spot.date), []) if spot.start < x[1] and x[0] < spot.end
        ]
        classes = len(fixed) + sum(x[2] for x in placed) + item.room_classes
        seats = sum(x[2] for x in fixed) + sum(x[3] for x in placed) + item.seats
        return classes <= room.classes_at_once and (room.seats is None or seats <= room.seats)

    def place(self, item: Item, spot: Spot, people: tuple[str, ...]) -> None:
        day = spot.date
        marks = self.all_day if item.all_day else self.timed
        marks.update((key, day) for key in self._day_keys(item))
        span = (spot.start, spot.end)
        for who in self._taken(item):
            self.busy[(who, day)].append(span)
        for person in people:
            self.busy[(person, day)].append(span)
            if person in self.own_class:
                self.busy[(self.own_class[person], day)].append(span)
            self.duties[(person, day)] += 1
            self.load[person] += 1
        if item.room is not None and not item.all_day:
            self.rooms[(item.room, day)].append((spot.start, spot.end, item.room_classes, item.seats))


def first_fit_plan(scenario: Scenario, calendar: TermCalendar, inputs: TermInputs, fixed: Fixed) -> DatedFit:
    """Stocktake shifts, activities (event days first) and extra returns sessions, each into its
    first free spot; then make-ups, class by class, each into the latest free spot of the first gap
    window still without a session (so that it closes as many windows after it as it can)."""
    finder = inputs.finder or SpotFinder(scenario, calendar, fixed)
    board = _Board(scenario, fixed, finder)
    spots: dict[str, Spot] = {}
    people: dict[str, tuple[str, ...]] = {}
    after: dict[tuple[str, str], tuple[dt.date, int]] = {}
    """(class, rule) -> the end of the class's orientation that the rule's sessions must follow."""

    def put(item: Item, candidates: list[Spot]) -> bool:
        for spot in candidates:
            named = board.fits(item, spot)
            if named is not None:
                board.place(item, spot, named)
                spots[item.key], people[item.key] = spot, named
                return True
        return False

    def later(item: Item, spot: Spot) -> bool:
        return all(
            (spot.date, spot.start) >= after.get((c, item.rule_id or ""), (spot.date, spot.start))
            for c in item.classes
        )

    shifts = [i for i in inputs.items if i.kind == "shift"]
    activities = [i for i in inputs.items if i.kind == "activity"]
    # Event days first (they clear whole days), then the items with the fewest spots to choose from.
    activities.sort(key=lambda i: (not i.all_day, len(i.spots)))
    displaced = _displaced_by_day(inputs)
    for item in [*shifts, *activities]:
        # An event day on the day it displaces the fewest sessions: on a full day, the model would
        # rather list it unmet than have every class miss its session.
        order = sorted(item.spots, key=lambda s: (displaced[(item.key, s.date)], s) if item.all_day else s)
        if put(item, order) and item.activity is not None and item.activity.before_first:
            spot = spots[item.key]
            for class_id in item.classes:
                for rule_id in item.activity.before_first:
                    after[(class_id, rule_id)] = (spot.date, spot.end)
    given_way = _given_way(inputs, spots)
    for item in inputs.items:
        held_one = any(s not in given_way for s in item.convertible)
        if item.kind == "returns" and not held_one:
            put(item, [s for s in sorted(item.spots) if later(item, s)])
    _close_gaps(scenario, calendar, inputs, given_way, spots, put, later)
    return DatedFit(spots, people, given_way)


def _displaced_by_day(inputs: TermInputs) -> dict[tuple[str, dt.date], int]:
    """(item key, date) -> the pattern sessions the item would displace on that date."""
    dates = {s.id: s.date for s in inputs.held}
    count: dict[tuple[str, dt.date], int] = defaultdict(int)
    for session_id, keys in inputs.displaceable.items():
        for key in keys:
            count[(key, dates[session_id])] += 1
    return count


def _given_way(inputs: TermInputs, spots: dict[str, Spot]) -> frozenset[str]:
    """The displaceable sessions the placed activities make give way: on an event's day, or before
    the class's orientation."""
    sessions = {s.id: s for s in inputs.held}
    items = {i.key: i for i in inputs.items}
    out = set()
    for session_id, keys in inputs.displaceable.items():
        s = sessions[session_id]
        for key in keys:
            spot = spots.get(key)
            if spot is None:
                continue
            event_day = items[key].all_day and spot.date == s.date
            orientation_after = not items[key].all_day and (spot.date, spot.end) > (
                s.date,
                minutes(s.start.time()),
            )
            if event_day or orientation_after:
                out.add(session_id)
    return frozenset(out)


def _close_gaps(
    scenario: Scenario,
    calendar: TermCalendar,
    inputs: TermInputs,
    given_way: frozenset[str],
    spots: dict[str, Spot],
    put: Put,
    later: Later,
) -> None:
    """For each class and rule, walk its gap windows in order; at each with no session, place one of
    its make-ups at the latest free spot inside it (not in a lesson where another spot is free)."""
    finder = inputs.finder
    assert finder is not None
    school_days = sorted(d.date for d in calendar.days)
    sure: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for s in inputs.held:
        if s.id not in given_way:
            sure[(s.class_id, s.rule_id)].append(s.date)
    makeups: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in inputs.items:
        if item.kind == "returns" and item.key in spots:
            sure[(item.classes[0], item.rule_id or "")].append(spots[item.key].date)
        usable = item.gives_way_to is None or item.gives_way_to in given_way
        if item.kind == "makeup" and usable and item.rule_id is not None:
            makeups[(item.classes[0], item.rule_id)].append(item)
    for rule in scenario.rules:
        counted = inputs.gap_days[rule.id]
        gap = rule.gap_limit
        for school_class in scenario.rule_classes(rule):
            pair = (school_class.id, rule.id)
            candidates = makeups.get(pair)
            if not candidates:
                continue  # nothing to place: a window without a session stays unmet
            days = sorted(sure[pair])
            for i in range(len(counted) - gap + 1):
                first, last = counted[i], counted[i + gap - 1]
                if _any_within(days, first, last) or not _any_within(school_days, first, last):
                    continue
                for item in candidates:
                    inside = [s for s in item.spots if first <= s.date <= last and later(item, s)]
                    inside.sort(key=lambda s: (finder.takes_lesson(item, s), -s.date.toordinal(), s.start))
                    if put(item, inside):
                        candidates.remove(item)
                        bisect.insort(days, spots[item.key].date)
                        break


def _any_within(days: list[dt.date], first: dt.date, last: dt.date) -> bool:
    at = bisect.bisect_left(days, first)
    return at < len(days) and days[at] <= last
