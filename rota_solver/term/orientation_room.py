"""Whether a weekly table leaves the orientations room before the first sessions they must precede.

A new class's orientation (``before_first``) must come before its first session of those rules; a
session it comes after gives way (a displaced session). It needs its room, its staff and the class
free, and the table's other sessions at those times take them (the demo school: one librarian, on
duty for grade 2's reading on the term's first afternoons, left the four grade-1 orientations too
few slots, and two first sessions gave way). Which table leaves room is the weekly stage's choice;
what it costs is the dated stage's. This is the dated model's orientation part with the table's
cells as variables: each orientation takes one of its spots (or is left unmet), a session of its
class before that spot gives way, and at each moment of the spots the orientations and the table's
sessions held there fit the room, the people able to work and the class, and within each day the
people's daily caps. The rest of the dated model (other activities, make-ups) is left out, so what
it costs is at most what the dated stage pays: a lower bound.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..model.overlap import at_each_moment
from ..scenario import Scenario
from ..slots import Slot
from ..term_calendar import SchoolDay, TermCalendar
from .items import Fixed, Item, Spot, SpotFinder
from .plan import activity_items

CellKey = tuple[str, str, int, Slot]


@dataclass(frozen=True)
class Orientation:
    """An orientation item: its spots, and each session of its classes it must precede (a cell on
    one date) with the spots that end after that session starts (taking one, the session gives way)."""

    key: str
    spots: tuple[Spot, ...]
    late: tuple[tuple[CellKey, dt.date, tuple[int, ...]], ...]


@dataclass(frozen=True)
class SpotUse:
    orientation: int
    spot: int


@dataclass(frozen=True)
class CellsUse:
    """The table's cells that take a resource on ``date`` when any of them is held there (a duty's
    classes share its staff)."""

    cells: tuple[CellKey, ...]
    date: dt.date


@dataclass(frozen=True)
class Moment:
    """What must fit under ``limit`` at one moment of a spot: each use with how much it takes."""

    limit: int
    uses: tuple[tuple[SpotUse | CellsUse, int], ...]


@dataclass(frozen=True)
class OrientationRoom:
    orientations: list[Orientation]
    moments: list[Moment]


SurelyHeld = Callable[[SchoolDay, str], bool]
"""Whether a rule's session on a school day is held unless something displaces it."""


def orientation_room(
    scenario: Scenario,
    calendar: TermCalendar,
    cells: list[CellKey],
    leave_out: frozenset[str],
    event_dates: frozenset[dt.date],
    surely_held: SurelyHeld,
) -> OrientationRoom:
    """The orientations of ``scenario`` and the moments of their spots, for a table of ``cells``.
    A session counts only where it is ``surely_held`` and not on ``event_dates`` (an all-day event
    may displace it instead): the model stays a relaxation."""
    chosen = [a for a in scenario.activities if a.before_first and not a.all_day and a.id not in leave_out]
    if not chosen:
        return OrientationRoom([], [])
    finder = SpotFinder(scenario, calendar, Fixed())
    only_these = scenario.model_copy(update={"activities": chosen})
    items = [i for i in activity_items(only_these, calendar, finder) if i.spots and i.activity is not None]
    by_day: dict[tuple[int, str], list[CellKey]] = defaultdict(list)
    for key in cells:
        by_day[(key[2], key[3].weekday)].append(key)
    orientations = []
    for item in items:
        before = set(item.activity.before_first if item.activity is not None else [])
        spots = tuple(sorted(item.spots, key=lambda s: (s.date, s.start, s.end)))
        late = []
        for day in calendar.days:
            if day.date > spots[-1].date or day.date in event_dates:
                continue
            for key in by_day.get((day.cycle_week, day.follows), []):
                if key[0] in item.classes and key[1] in before and surely_held(day, key[1]):
                    after = tuple(
                        k for k, s in enumerate(spots) if (s.date, s.end) > (day.date, key[3].start)
                    )
                    if after:
                        late.append((key, day.date, after))
        orientations.append(Orientation(item.key, spots, tuple(late)))
    uses = _uses(scenario, calendar, items, orientations, by_day, event_dates, surely_held)
    return OrientationRoom(orientations, _moments(scenario, orientations, uses))


Uses = dict[tuple[str, str, dt.date], list[tuple[int, int, SpotUse | CellsUse, int]]]
"""(kind, name, date) -> (start, end, use, how much): a room, a role or a class at each moment, and
a role over the whole day (its people's daily caps)."""
DAY_END = 24 * 60


def _uses(
    scenario: Scenario,
    calendar: TermCalendar,
    items: list[Item],
    orientations: list[Orientation],
    by_day: Mapping[tuple[int, str], list[CellKey]],
    event_dates: frozenset[dt.date],
    surely_held: SurelyHeld,
) -> Uses:
    """What the orientations' spots and the table's sessions (unless they give way) take of each
    room, role and class, on the dates of the spots."""
    rules = {r.id: r for r in scenario.rules}
    uses: Uses = defaultdict(list)
    for i, (item, orientation) in enumerate(zip(items, orientations, strict=True)):
        for k, spot in enumerate(orientation.spots):
            at = SpotUse(i, k)
            if item.room is not None:
                uses[("room", item.room, spot.date)].append((spot.start, spot.end, at, item.room_classes))
            for role, need in item.staffing.items():
                if need > 0:
                    uses[("role", role, spot.date)].append((spot.start, spot.end, at, need))
                    uses[("day", role, spot.date)].append((0, DAY_END, at, need))
            for c in item.classes:
                uses[("class", c, spot.date)].append((spot.start, spot.end, at, 1))
    days = {d.date: d for d in calendar.days}
    for date in sorted({spot.date for o in orientations for spot in o.spots} - event_dates):
        day = days[date]
        duties: dict[tuple[str, Slot], list[CellKey]] = defaultdict(list)
        for key in by_day.get((day.cycle_week, day.follows), []):
            if not surely_held(day, key[1]):
                continue  # it may not be held at all
            slot = key[3]
            use = CellsUse((key,), date)
            uses[("room", rules[key[1]].room, date)].append((slot.start, slot.end, use, 1))
            uses[("class", key[0], date)].append((slot.start, slot.end, use, 1))
            duties[(key[1], slot)].append(key)
        for (rule_id, slot), held in duties.items():
            for role, need in rules[rule_id].staffing.items():
                if need > 0:
                    use = CellsUse(tuple(held), date)
                    uses[("role", role, date)].append((slot.start, slot.end, use, need))
                    uses[("day", role, date)].append((0, DAY_END, use, need))
    return uses


def _moments(scenario: Scenario, orientations: list[Orientation], uses: Uses) -> list[Moment]:
    """Each moment some spot runs at where its room, a role or its class may be wanted by more than
    it has."""
    moments = []
    for (kind, name, date), entries in uses.items():
        for running in at_each_moment([(date, start, end, use, much) for start, end, use, much in entries]):
            spots = [orientations[u.orientation].spots[u.spot] for u, _ in running if isinstance(u, SpotUse)]
            if not spots:
                continue
            if kind == "room":
                limit = scenario.room(name).classes_at_once
            elif kind == "class":
                limit = 1
            else:
                # Everyone of the role not away that day: never fewer than can work at the moment, nor
                # than can be on the table's duties then.
                present = _present(scenario, name, date)
                if kind == "role":
                    limit = len(present)
                else:
                    caps = [_cap(scenario, p) for p in present]
                    if any(cap is None for cap in caps):
                        continue
                    limit = sum(cap for cap in caps if cap is not None)
            if sum(much for _, much in running) > limit:
                moments.append(Moment(limit, tuple(running)))
    return moments


def _present(scenario: Scenario, role: str, date: dt.date) -> list[str]:
    """Staff and helper groups of ``role`` not away on ``date``."""
    staff = [m.id for m in scenario.staff if m.role == role and date not in m.days_off]
    return [*staff, *(g.id for g in scenario.helper_groups if g.role == role)]


def _cap(scenario: Scenario, person_id: str) -> int | None:
    """A staff member's or helper group's most duties a day."""
    found = [m.max_sessions_per_day for m in scenario.staff if m.id == person_id]
    found += [g.max_sessions_per_day for g in scenario.helper_groups if g.id == person_id]
    return found[0]


def orientation_cost(
    model: cp_model.CpModel,
    placements: Mapping[CellKey, cp_model.IntVar],
    room: OrientationRoom,
    displaced_weight: int,
    unmet_weight: int,
) -> cp_model.LinearExprT:
    """What the orientations cost the term for the model's table, at the least: the sessions that
    give way to them, and any left unmet."""
    taken: list[list[cp_model.IntVar]] = []
    gives_way: dict[tuple[CellKey, dt.date], cp_model.IntVar] = {}
    cost: list[cp_model.LinearExprT] = []
    for orientation in room.orientations:
        at = [model.new_bool_var("") for _ in orientation.spots]
        unmet = model.new_bool_var("")
        model.add_exactly_one([*at, unmet])
        taken.append(at)
        cost.append(unmet_weight * unmet)
        for key, date, after in orientation.late:
            var = gives_way[(key, date)] = model.new_bool_var("")
            later = cp_model.LinearExpr.sum([at[k] for k in after])
            # Held before its orientation, the session gives way; it gives way for no other reason.
            model.add(var >= placements[key] + later - 1)
            model.add(var <= later)
            model.add_implication(var, placements[key])
            cost.append(displaced_weight * var)
    for moment in room.moments:
        terms: list[cp_model.LinearExprT] = []
        for use, much in moment.uses:
            if isinstance(use, SpotUse):
                terms.append(much * taken[use.orientation][use.spot])
                continue
            held = [_held(placements, gives_way, key, use.date) for key in use.cells]
            if len(held) == 1:
                terms.append(much * held[0])
                continue
            any_held = model.new_bool_var("")
            for expr in held:
                model.add(any_held >= expr)
            terms.append(much * any_held)
        model.add(cp_model.LinearExpr.sum(terms) <= moment.limit)
    return cp_model.LinearExpr.sum(cost)


def _held(
    placements: Mapping[CellKey, cp_model.IntVar],
    gives_way: Mapping[tuple[CellKey, dt.date], cp_model.IntVar],
    key: CellKey,
    date: dt.date,
) -> cp_model.LinearExprT:
    """The cell's session on ``date`` is held: chosen, and not given way to an orientation."""
    var = gives_way.get((key, date))
    return placements[key] if var is None else placements[key] - var
