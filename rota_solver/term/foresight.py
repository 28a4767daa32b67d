"""What the dates of a weekly cell will cost the term: the make-ups its days off force, and the
sessions an all-day event displaces on whichever of its dates it takes.

A class with one session a cycle (a fortnightly borrowing) holds it on every school day its cell
falls on; where those days leave a stretch longer than the rule's gap limit (a holiday, a closure,
the sports days on the cell's weekday), the dated stage must add a make-up or report the gap. The
weekly stage cannot see that, so among tables of equal wishes it may pick a cell on the very days
the school is shut (the demo school: a B-week Friday lunch slot lost to Mid-Autumn, the sports
days and New Year, a make-up and an extra returns session for each of two classes). Counted here
from the calendar alone, per cell, for the weekly stage to break ties with.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..scenario import Scenario
from ..slots import Slot
from ..term_calendar import SchoolDay, TermCalendar
from .items import Fixed, SpotFinder
from .model import EXTRA_RETURNS_PENALTY
from .orientation_room import OrientationRoom, orientation_cost, orientation_room
from .plan import activity_items, borrowing_rules, gap_days, rule_stops

CellKey = tuple[str, str, int, Slot]
"""(class, rule, cycle week, slot): a placement of the weekly model."""


def forced_makeups(
    scenario: Scenario, calendar: TermCalendar, cells: list[CellKey], cycle_weeks: int
) -> dict[CellKey, int]:
    """For each of ``cells`` of a rule with one session a cycle: how many make-ups (or unmet gaps)
    its dates alone force, at the least (stretches of the gap limit's length holding none of its
    dates but a school day, counted apart from each other; for a borrowing rule, none that holds a
    school day of the returns window, where a returns session may fill it). Cells that force none
    are left out."""
    stops = rule_stops(scenario, calendar)
    counted = {rule.id: gap_days(scenario, calendar, stops[rule.id]) for rule in scenario.rules}
    # A borrowing class's returns session (an extra one, on a school day of the returns window) may
    # fill a stretch instead of a make-up: a stretch holding such a day forces none.
    returns_days: dict[str, set[dt.date]] = {rule.id: set() for rule in scenario.rules}
    stocktake = scenario.stocktake
    if stocktake is not None:
        first = stocktake.loans_due - dt.timedelta(days=stocktake.returns_within_days - 1)
        window = {d.date for d in calendar.days if first <= d.date <= stocktake.loans_due}
        for rule in borrowing_rules(scenario):
            returns_days[rule.id] = window
    rules = {rule.id: rule for rule in scenario.rules}
    school_days = sorted(d.date for d in calendar.days)
    found: dict[CellKey, int] = {}
    forced_at: dict[tuple[str, int, Slot], int] = {}  # the same for every class of a rule
    for key in cells:
        _, rule_id, week, slot = key
        rule = rules[rule_id]
        if rule.frequency.sessions != 1 or rule.frequency.weeks != cycle_weeks:
            continue  # more than one cell a cycle: the gaps depend on them together
        at = (rule_id, week, slot)
        if at not in forced_at:
            dates = [
                d.date
                for d in calendar.days
                if d.cycle_week == week and d.follows == slot.weekday and d.date <= stops[rule_id]
            ]
            forced_at[at] = _stretches_without(
                counted[rule_id], rule.gap_limit, dates, school_days, returns_days[rule_id]
            )
        if forced_at[at]:
            found[key] = forced_at[at]
    return found


def _stretches_without(
    counted: list[dt.date], gap: int, dates: list[dt.date], school_days: list[dt.date], returns: set[dt.date]
) -> int:
    """How many stretches of ``gap`` counted days with a school day and none of ``dates`` or of the
    ``returns`` days there are, none overlapping another (each needs a make-up of its own)."""
    held = set(dates) | returns
    school = set(school_days)
    taken, free_after = 0, dt.date.min
    for i in range(len(counted) - gap + 1):
        first, last = counted[i], counted[i + gap - 1]
        if first <= free_after:
            continue
        window = counted[i : i + gap]
        if any(d in school for d in window) and not any(d in held for d in window):
            taken, free_after = taken + 1, last
    return taken


@dataclass(frozen=True)
class EventDays:
    """An all-day event's occurrence: for each date it may take, the cells whose sessions it would
    displace there (those of its classes and of its room)."""

    key: str
    days: tuple[tuple[CellKey, ...], ...]


@dataclass(frozen=True)
class Foresight:
    """What a table's cells will cost the term, at the least."""

    forced: dict[CellKey, int]
    """Make-ups each cell's days off force (:func:`forced_makeups`)."""
    events: list[list[EventDays]]
    """All-day events that displace sessions on every date they may take, in groups that may share
    a date (their displaced sessions then overlap: a group costs its dearest event, not the sum)."""
    returns: list[tuple[CellKey, ...]]
    """For each borrowing class, the cells that may hold its last borrowing session in the returns
    window (:func:`returns_cells`): with none of them, it needs an extra returns session."""
    orientations: OrientationRoom
    """The orientations and what they need at their spots (:mod:`.orientation_room`)."""


def foresee(
    scenario: Scenario,
    calendar: TermCalendar,
    cells: list[CellKey],
    cycle_weeks: int,
    leave_out: frozenset[str] = frozenset(),
) -> Foresight:
    """The make-ups, displaced sessions and extra returns sessions the dates of ``cells`` force;
    the activities of ``leave_out`` (priced elsewhere) are not looked at, nor the orientations of a
    school of :data:`ORIENTATIONS_BELOW_CLASSES` classes or more."""
    orientations = OrientationRoom([], [])
    if len(scenario.classes) < ORIENTATIONS_BELOW_CLASSES:
        orientations = orientation_room(
            scenario,
            calendar,
            cells,
            leave_out,
            event_candidate_dates(scenario, calendar),
            lambda day, rule_id: surely_held(scenario, day, rule_id),
        )
    return Foresight(
        forced_makeups(scenario, calendar, cells, cycle_weeks),
        _event_groups(event_days(scenario, calendar, cells, leave_out)),
        returns_cells(scenario, calendar, cells),
        orientations,
    )


ORIENTATIONS_BELOW_CLASSES = 60
"""The orientations' part takes a search of its own for the table in hand and makes the tie-break
larger: at 72 generated classes (12 orientations) the tie-break took 0.86 s instead of 0.27 s for
no cheaper term, at 240 (40 orientations) 1.9 s instead of 0.7 s; the demo school (4) takes 0.1 s
and saves the two first sessions its orientations displaced."""


def event_candidate_dates(scenario: Scenario, calendar: TermCalendar) -> frozenset[dt.date]:
    """Every date an all-day event may take."""
    events = [a for a in scenario.activities if a.all_day]
    if not events:
        return frozenset()
    finder = SpotFinder(scenario, calendar, Fixed())
    items = activity_items(scenario.model_copy(update={"activities": events}), calendar, finder)
    return frozenset(spot.date for item in items for spot in item.spots)


def returns_cells(
    scenario: Scenario, calendar: TermCalendar, cells: list[CellKey]
) -> list[tuple[CellKey, ...]]:
    """For each borrowing class, its cells with a school day in the returns window before loans fall
    due: the class's last borrowing session may be there and become its returns session; without
    one, the dated stage adds a session of its own (or reports it unmet). Counted generously (a day
    that may yet be lost counts), so the cost stays a lower bound."""
    stocktake = scenario.stocktake
    if stocktake is None:
        return []
    first = stocktake.loans_due - dt.timedelta(days=stocktake.returns_within_days - 1)
    window = {(d.cycle_week, d.follows) for d in calendar.days if first <= d.date < stocktake.loans_due}
    by_class: dict[tuple[str, str], list[CellKey]] = defaultdict(list)
    for key in cells:
        if (key[2], key[3].weekday) in window:
            by_class[(key[0], key[1])].append(key)
    return [
        tuple(by_class.get((c.id, rule.id), []))
        for rule in borrowing_rules(scenario)
        for c in scenario.rule_classes(rule)
    ]


def event_days(
    scenario: Scenario, calendar: TermCalendar, cells: list[CellKey], leave_out: frozenset[str] = frozenset()
) -> list[EventDays]:
    """Each all-day event occurrence that cannot avoid displacing some of ``cells``: on every date it
    may take, some cell's session would be there. A session is counted only where it would surely
    be held but for the event (not a room closed, staff away or the stocktake that day), so each
    count is at most what the dated stage displaces."""
    finder = SpotFinder(scenario, calendar, Fixed())
    rooms = {rule.id: rule.room for rule in scenario.rules}
    by_day: dict[tuple[int, str], list[CellKey]] = defaultdict(list)
    for key in cells:
        by_day[(key[2], key[3].weekday)].append(key)
    days = {d.date: d for d in calendar.days}
    events = []
    events_only = [a for a in scenario.activities if a.all_day and a.id not in leave_out]
    for item in activity_items(scenario.model_copy(update={"activities": events_only}), calendar, finder):
        if not item.spots:
            continue
        classes = set(item.classes)
        per_date: dict[tuple[CellKey, ...], None] = {}  # in date order: the same model every run
        for date in sorted({spot.date for spot in item.spots}):
            day = days[date]
            held = [
                key
                for key in by_day.get((day.cycle_week, day.follows), [])
                if (key[0] in classes or rooms[key[1]] == item.room) and surely_held(scenario, day, key[1])
            ]
            if not held:
                break  # a date it displaces nothing on: no table need pay
            per_date[tuple(held)] = None
        else:
            events.append(EventDays(item.key, tuple(per_date)))
    return events


def surely_held(scenario: Scenario, day: SchoolDay, rule_id: str) -> bool:
    """Whether a rule's session on ``day`` is held unless something displaces it (conservatively:
    its room open, none of its roles' staff away, no stocktake yet)."""
    rule = next(r for r in scenario.rules if r.id == rule_id)
    room = scenario.room(rule.room)
    if any(c.start <= day.date <= c.last for c in room.closed):
        return False
    roles = set(rule.staffing)
    if any(m.role in roles and day.date in m.days_off for m in scenario.staff):
        return False
    stocktake = scenario.stocktake
    return stocktake is None or day.date < min(stocktake.start, stocktake.loans_due)


def _event_groups(events: list[EventDays]) -> list[list[EventDays]]:
    """Events in groups whose cells overlap (two all-day events may share a date)."""
    groups: list[tuple[set[CellKey], list[EventDays]]] = []
    for event in events:
        cells = {key for held in event.days for key in held}
        joined = [g for g in groups if g[0] & cells]
        merged_cells, merged = cells, [event]
        for g in joined:
            merged_cells |= g[0]
            merged = g[1] + merged
            groups.remove(g)
        groups.append((merged_cells, merged))
    return [events for _, events in groups]


def foreseen_cost(
    model: cp_model.CpModel,
    placements: Mapping[CellKey, cp_model.IntVar],
    foresight: Foresight,
    scenario: Scenario,
    unmet_weight: int,
) -> cp_model.LinearExprT:
    """What the model's table will cost the term at the least, as an expression on ``model`` (new
    variables choose each event's date): the forced make-ups, and for each group of events its
    dearest event's displaced sessions on the date it takes (or leaving it unmet), and the extra
    returns sessions."""
    weights = scenario.weights
    cost: list[cp_model.LinearExprT] = [
        weights.makeup_session
        * cp_model.LinearExpr.weighted_sum(
            [placements[k] for k in foresight.forced], list(foresight.forced.values())
        )
    ]
    for avoiding in foresight.returns:
        extra = model.new_bool_var("")
        model.add(extra >= 1 - cp_model.LinearExpr.sum([placements[k] for k in avoiding]))
        cost.append(EXTRA_RETURNS_PENALTY * extra)
    if foresight.orientations.orientations:
        room = foresight.orientations
        cost.append(orientation_cost(model, placements, room, weights.displaced_session, unmet_weight))
    for group in foresight.events:
        dearest = model.new_int_var(0, cp_model.INT32_MAX, "")
        for event in group:
            model.add(
                dearest >= _event_cost(model, placements, event, weights.displaced_session, unmet_weight)
            )
        cost.append(dearest)
    return cp_model.LinearExpr.sum(cost)


def _event_cost(
    model: cp_model.CpModel,
    placements: Mapping[CellKey, cp_model.IntVar],
    event: EventDays,
    weight: int,
    unmet_weight: int,
) -> cp_model.LinearExprT:
    unmet = model.new_bool_var("")
    chosen = [unmet]
    displaced = []
    for held in event.days:
        on = model.new_bool_var("")
        chosen.append(on)
        count = model.new_int_var(0, len(held), "")
        # The sessions there, when the event takes that date.
        model.add(count >= cp_model.LinearExpr.sum([placements[k] for k in held]) - len(held) * (1 - on))
        displaced.append(count)
    model.add_exactly_one(chosen)
    return weight * cp_model.LinearExpr.sum(displaced) + unmet_weight * unmet


def cost_of(foresight: Foresight, chosen: Sequence[CellKey], scenario: Scenario, unmet_weight: int) -> int:
    """:func:`foreseen_cost` of a table's chosen cells, evaluated directly, but for the orientations
    (which need a search: see :func:`foreseen_cost`)."""
    weights = scenario.weights
    held = set(chosen)
    total = weights.makeup_session * sum(n for key, n in foresight.forced.items() if key in held)
    total += EXTRA_RETURNS_PENALTY * sum(not held.intersection(avoiding) for avoiding in foresight.returns)
    for group in foresight.events:
        total += max(
            min(
                [
                    unmet_weight,
                    *(weights.displaced_session * sum(k in held for k in cells) for cells in event.days),
                ]
            )
            for event in group
        )
    return total
