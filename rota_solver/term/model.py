"""The term stage's CP-SAT model: place every item around the fixed weekly pattern.

Hard: each required item at one spot (or reported unmet), every class, room, person and teacher
group in one place at a time, staffing and daily caps, orientation before a class's first session,
and no class waits longer than its rule's gap limit (or it is reported unmet). Soft: as few make-up
sessions and as few sessions giving way to activities as possible.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from ortools.sat.python import cp_model

from ..cp_bulk import new_bool
from ..model.overlap import at_each_moment
from ..scenario import Scenario, minutes
from ..term_calendar import TermCalendar
from .items import Fixed, Item, Spot, SpotFinder
from .plan import TermInputs
from .rhythm import RHYTHM_PENALTY, RHYTHM_TERM, rhythm_units

EXTRA_RETURNS_PENALTY = 1
"""A returns session in a slot of its own rather than the class's last borrowing slot."""
UNMET_PENALTY = 1000
"""Price of a requirement left unmet: above any sum of wishes, so unmet only when unavoidable."""
CHANGE_TERM = "ChangedSessions"
"""A rerun's price for each change to the published rota."""


@dataclass
class TermModel:
    scenario: Scenario
    calendar: TermCalendar
    inputs: TermInputs
    fixed: Fixed
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    place: dict[tuple[str, Spot], cp_model.IntVar] = field(default_factory=dict)
    """(item key, spot) -> the item is at that spot."""
    duty: dict[tuple[str, Spot, str], cp_model.IntVar] = field(default_factory=dict)
    """(item key, spot, person) -> the person is on duty for the item there."""
    held: dict[str, cp_model.IntVar] = field(default_factory=dict)
    """Displaceable pattern session id -> it takes place."""
    convert: dict[tuple[str, str], cp_model.IntVar] = field(default_factory=dict)
    """(returns item key, pattern session id) -> that session becomes the final returns session."""
    unplaced: dict[str, cp_model.IntVar] = field(default_factory=dict)
    gap_slack: list[tuple[str, str, dt.date, dt.date, cp_model.IntVar, int]] = field(default_factory=list)
    """(class, rule, first window's start, its end, slack, windows): one slack for all the gap
    windows a class and rule could fill from the same candidates."""
    not_before: dt.date | None = None
    """A rerun's freeze date: nothing is placed before it."""
    weights: dict[str, int] = field(default_factory=dict)
    """Objective weight of each named term, set by build_term_model."""
    by_person_on: frozenset[dt.date] | None = None
    """Dates on which each person's duties are variables; ``None``: every date. On the other dates
    only each role's head count is checked (:func:`enough_staff_at_each_moment`), which makes the
    model a relaxation: the people are named afterwards (see ``plan_term``)."""
    gap_classes: frozenset[str] | None = None
    """Classes whose gap limits the model keeps; ``None``: every class. (A rerun's bound on the part
    of the term its change can reach leaves the other classes out: see ``rota_solver.term.reach``.)"""

    def __post_init__(self) -> None:
        self._items = {i.key: i for i in self.inputs.items}
        self.finder = self.inputs.finder or SpotFinder(
            self.scenario, self.calendar, self.fixed, self.not_before
        )

    def item(self, key: str) -> Item:
        return self._items[key]

    def has_item(self, key: str) -> bool:
        return key in self._items

    def by_person(self, spot: Spot) -> bool:
        """Whether the people on duty at ``spot`` are chosen in this model."""
        return self.by_person_on is None or spot.date in self.by_person_on


TermRule = Callable[[TermModel], None]


def build_variables(tm: TermModel) -> None:
    """Placement per item and spot; duty only for people free to work at that spot (the rest would
    be fixed to zero, and the model is smaller without them)."""
    finder = tm.finder
    # Unnamed: formatting a name for each of 50,000-150,000 variables took twice as long as making
    # them (0.2-0.5 s a model), and nothing reads the names.
    for item in tm.inputs.items:
        for spot in item.spots:
            tm.place[(item.key, spot)] = new_bool(tm.model)
            if not tm.by_person(spot):
                continue
            for role, need in item.staffing.items():
                if need == 0:
                    continue
                for person in finder.able_people(role, spot):
                    tm.duty[(item.key, spot, person)] = new_bool(tm.model)
        if item.required:
            tm.unplaced[item.key] = new_bool(tm.model)
        for session_id in item.convertible:
            tm.convert[(item.key, session_id)] = new_bool(tm.model)
    for session_id in tm.inputs.displaceable:
        tm.held[session_id] = new_bool(tm.model)


def _people_by_role(scenario: Scenario) -> dict[str, list[str]]:
    people: dict[str, list[str]] = defaultdict(list)
    for m in scenario.staff:
        people[m.role].append(m.id)
    for g in scenario.helper_groups:
        people[g.role].append(g.id)
    return dict(people)


def each_item_placed_once(tm: TermModel) -> None:
    """A required item takes exactly one of its spots or is reported unmet; a make-up at most one."""
    spots_of: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    for (key, _), var in tm.place.items():
        spots_of[key].append(var)
    for (key, _), var in tm.convert.items():
        spots_of[key].append(var)
    for item in tm.inputs.items:
        chosen = spots_of.get(item.key, [])
        if item.required:
            tm.model.add(sum(chosen) + tm.unplaced[item.key] == 1)
        elif chosen:
            tm.model.add_at_most_one(chosen)


def items_fully_staffed(tm: TermModel) -> None:
    """A placed item has the staff its staffing asks for (duty exists only for people able to work)."""
    people = _people_by_role(tm.scenario)
    for (key, spot), var in tm.place.items():
        item = tm.item(key)
        if not tm.by_person(spot):
            continue
        for role, need in item.staffing.items():
            if need == 0:
                continue
            on = [tm.duty[(key, spot, p)] for p in people.get(role, []) if (key, spot, p) in tm.duty]
            tm.model.add(cp_model.LinearExpr.sum(on) == need * var)


def enough_staff_at_each_moment(tm: TermModel) -> None:
    """On dates where people are not yet named, the items running at any one moment need no more
    of a role than there are people of it able to work then, less those taking part in an item or
    whose class is in one; and a day's (or one window's) items need no more duties than those
    people's daily caps leave and they could do one after another. All of these hold for every rota
    with people named, so the model stays a relaxation of the one naming them."""
    scenario = tm.scenario
    finder = tm.finder
    people = _people_by_role(scenario)
    role_of = {m.id: m.role for m in scenario.staff} | {g.id: g.role for g in scenario.helper_groups}
    helpers_of: dict[str, list[str]] = defaultdict(list)
    for g in scenario.helper_groups:
        helpers_of[g.class_id].append(g.id)
    caps = {m.id: m.max_sessions_per_day for m in scenario.staff}
    caps.update({g.id: g.max_sessions_per_day for g in scenario.helper_groups})

    def left(person: str, day: dt.date) -> float:
        """Duties the person's daily cap leaves that day beside the fixed ones."""
        cap = caps.get(person)
        return float("inf") if cap is None else cap - len(tm.fixed.duties.get((person, day), set()))

    # (date, start, end, (placed, people, on duty), count): ``count`` people of ``people`` on duty
    # (or, when not on duty, kept from it by taking part) while the item runs.
    Entry = tuple[dt.date, int, int, tuple[cp_model.IntVar, frozenset[str], bool], int]
    entries: dict[str, list[Entry]] = defaultdict(list)
    spot_of: dict[int, Spot] = {}
    staffed_roles = {role for i in tm.inputs.items for role, need in i.staffing.items() if need > 0}
    able_at: dict[tuple[str, Spot], frozenset[str]] = {}
    for (key, spot), var in tm.place.items():
        if tm.by_person(spot):
            continue
        item = tm.item(key)
        spot_of[id(var)] = spot
        for role, need in item.staffing.items():
            if need > 0:
                if (role, spot) not in able_at:  # the same spot recurs for many items
                    able_at[(role, spot)] = frozenset(
                        p
                        for p in people.get(role, [])
                        if finder.person_can(p, spot, on_duty=True) and left(p, spot.date) > 0
                    )
                able = able_at[(role, spot)]
                entries[role].append((spot.date, spot.start, spot.end, (var, able, True), need))
        taken: dict[str, set[str]] = defaultdict(set)
        for person in (*item.staff, *item.helper_groups, *(g for c in item.classes for g in helpers_of[c])):
            taken[role_of[person]].add(person)
        for role, away in taken.items():
            if role in staffed_roles:
                entries[role].append(
                    (spot.date, spot.start, spot.end, (var, frozenset(away), False), len(away))
                )
    for role_entries in entries.values():
        for running in at_each_moment(role_entries):
            if not any(on_duty for (_, _, on_duty), _ in running):
                continue  # people taking part only: one_place_at_a_time already rules
            able = frozenset().union(*(who for (_, who, _), _ in running))
            if sum(n for _, n in running) > len(able):
                tm.model.add(
                    cp_model.LinearExpr.weighted_sum([v for (v, _, _), _ in running], [n for _, n in running])
                    <= len(able)
                )
        _forced_by_full_moments(tm, role_entries, left)
        # A person does at most as many of a day's duties, or of those inside any stretch of one
        # window, as their cap leaves and as they could do one after another.
        Duty = tuple[Spot, cp_model.IntVar, frozenset[str], int]
        spans: dict[tuple[dt.date, str], list[Duty]] = defaultdict(list)
        for day, _, _, (var, able, on_duty), need in role_entries:
            if on_duty:
                spot = spot_of[id(var)]
                spans[(day, "")].append((spot, var, able, need))
                spans[(day, spot.window_id)].append((spot, var, able, need))
        for (day, window_id), duties in spans.items():
            stretches = [duties]
            if window_id:
                bounds = sorted({d[0].start for d in duties}), sorted({d[0].end for d in duties})
                stretches = [
                    [d for d in duties if a <= d[0].start and d[0].end <= b]
                    for a in bounds[0]
                    for b in bounds[1]
                    if a < b
                ]
            seen: set[frozenset[int]] = set()
            for placed in stretches:
                signature = frozenset(id(v) for _, v, _, _ in placed)
                if not placed or signature in seen:
                    continue
                seen.add(signature)
                needed = sum(need for *_, need in placed)
                able_people = frozenset().union(*(able for _, _, able, _ in placed))
                # Each of them with a duty left could take one of these: most often room enough.
                if sum(1 for person in able_people if left(person, day) >= 1) >= needed:
                    continue
                room = 0
                for person in able_people:
                    could = _one_after_another([spot for spot, _, able, _ in placed if person in able])
                    room += int(min(left(person, day), could))
                    if room >= needed:
                        break  # room enough: no constraint (at 240 classes most stretches end here)
                if needed > room:
                    total = cp_model.LinearExpr.weighted_sum(
                        [v for _, v, _, _ in placed], [n for *_, n in placed]
                    )
                    tm.model.add(total <= room)


def _forced_by_full_moments(
    tm: TermModel,
    role_entries: list[tuple[dt.date, int, int, tuple[cp_model.IntVar, frozenset[str], bool], int]],
    left: Callable[[str, dt.date], float],
) -> None:
    """When the items at a moment need every person able to staff one of them, each of those people
    is on duty then: a person is on at most as many such full moments of a day (moments apart from
    each other) as their daily cap leaves. (On 1 September the 240-class generated school's
    orientations filled a librarian's moments once more than her cap; the counts above did not see
    it, so the dated stage's people could not be named and it was solved a second time.)"""
    Running = tuple[int, int, cp_model.IntVar, frozenset[str], bool, int]
    by_day: dict[dt.date, list[Running]] = defaultdict(list)
    for day, start, end, (var, who, on_duty), n in role_entries:
        by_day[day].append((start, end, var, who, on_duty, n))
    for day, day_entries in by_day.items():
        moments: list[tuple[int, int, frozenset[str], list[tuple[cp_model.IntVar, int]]]] = []
        for moment in sorted({start for start, _, _, _, on_duty, _ in day_entries if on_duty}):
            running = [e for e in day_entries if e[0] <= moment < e[1]]
            able = frozenset().union(*(who for _, _, _, who, on_duty, _ in running if on_duty))
            if any(not on_duty and who & able for _, _, _, who, on_duty, _ in running):
                continue  # someone able takes part in an item then: not every able person is on duty
            duties = [(var, n) for _, _, var, _, on_duty, n in running if on_duty]
            if sum(n for _, n in duties) >= len(able):
                span = (min(e[0] for e in running), max(e[1] for e in running))
                moments.append((span[0], span[1], able, duties))
        # Moments whose items do not overlap, so that each is a duty of its own (earliest end first).
        apart, free_from = [], -1
        for start, end, able, duties in sorted(moments, key=lambda m: (m[1], m[0])):
            if start >= free_from:
                apart.append((able, duties))
                free_from = end
        full: list[tuple[frozenset[str], cp_model.IntVar]] = []
        for able, duties in apart:
            var = tm.model.new_bool_var(f"full[{day},{len(full)}]")
            # Full when the items then need as many people as are able: need - able + 1 >= 1.
            total = cp_model.LinearExpr.weighted_sum([v for v, _ in duties], [n for _, n in duties])
            tm.model.add(var >= total - len(able) + 1)
            full.append((able, var))
        for person in sorted(frozenset().union(*(able for able, _ in full))):
            mine = [var for able, var in full if person in able]
            if len(mine) > left(person, day):
                tm.model.add(cp_model.LinearExpr.sum(mine) <= int(left(person, day)))


def _one_after_another(spots: list[Spot]) -> int:
    """The most of these spots one person could take, none overlapping (earliest end first)."""
    taken, free_from = 0, -1
    for start, end in sorted({(s.start, s.end) for s in spots}, key=lambda t: t[1]):
        if start >= free_from:
            taken, free_from = taken + 1, end
    return taken


def one_place_at_a_time(tm: TermModel) -> None:
    """Each class, person and teacher group is in at most one placed item at any moment, a helper
    group never while its own class is in one, and a room never over its capacity."""
    scenario = tm.scenario
    own_class = {g.id: g.class_id for g in scenario.helper_groups}
    busy: dict[str, list[tuple[dt.date, int, int, cp_model.LinearExprT, int]]] = defaultdict(list)
    rooms: dict[str, list[tuple[dt.date, int, int, tuple[cp_model.IntVar, Spot, int], int]]] = defaultdict(
        list
    )
    for (key, spot), var in tm.place.items():
        item = tm.item(key)
        if item.all_day:
            continue
        entry: tuple[dt.date, int, int, cp_model.LinearExprT, int] = (
            spot.date,
            spot.start,
            spot.end,
            var,
            item.seats,
        )
        for who in (*item.classes, *item.staff, *item.helper_groups):
            busy[f"p:{who}"].append(entry)
        for helper in item.helper_groups:
            busy[f"p:{own_class[helper]}"].append(entry)
        for teachers in item.teacher_groups:
            busy[f"t:{teachers}"].append(entry)
        if item.room is not None:
            rooms[item.room].append(
                (spot.date, spot.start, spot.end, (var, spot, item.room_classes), item.seats)
            )
    for (_, spot, person), var in tm.duty.items():
        entry = (spot.date, spot.start, spot.end, var, 0)
        busy[f"p:{person}"].append(entry)
        if person in own_class:
            busy[f"p:{own_class[person]}"].append(entry)
    for entries in busy.values():
        for running in at_each_moment(entries):
            if len(running) > 1:
                tm.model.add(cp_model.LinearExpr.sum([term for term, _ in running]) <= 1)
    for room_id, room_entries in rooms.items():
        room = scenario.room(room_id)
        for together in at_each_moment(room_entries):
            # Spots were only made where the fixed load leaves room for one more; two more must fit too,
            # beside what the pattern already has in the room while they all run.
            if len(together) < 2:
                continue
            day = together[0][0][1].date
            start = max(spot.start for (_, spot, _), _ in together)
            end = min(spot.end for (_, spot, _), _ in together)
            load = [x for x in tm.fixed.room_load.get((room_id, day), []) if x[0] < end and start < x[1]]
            placed = [var for (var, _, _), _ in together]
            classes = cp_model.LinearExpr.weighted_sum(placed, [n for (_, _, n), _ in together])
            tm.model.add(classes <= room.classes_at_once - len(load))
            pupils = cp_model.LinearExpr.weighted_sum(placed, [n for _, n in together])
            if room.seats is not None:
                tm.model.add(pupils <= room.seats - sum(x[2] for x in load))


def daily_caps(tm: TermModel) -> None:
    """Nobody has more duties in a day, pattern ones included, than their cap."""
    caps = {m.id: m.max_sessions_per_day for m in tm.scenario.staff}
    caps.update({g.id: g.max_sessions_per_day for g in tm.scenario.helper_groups})
    per_day: dict[tuple[str, dt.date], list[cp_model.IntVar]] = defaultdict(list)
    for (_, spot, person), var in tm.duty.items():
        per_day[(person, spot.date)].append(var)
    for (person, day), duties in per_day.items():
        cap = caps.get(person)
        if cap is not None:
            tm.model.add(sum(duties) <= cap - len(tm.fixed.duties.get((person, day), set())))


def all_day_events_clear_the_way(tm: TermModel) -> None:
    """On an event day its classes attend nothing else, and their (and its room's) sessions give way."""
    by_day: dict[tuple[str, dt.date], list[cp_model.IntVar]] = defaultdict(list)
    for (key, spot), var in tm.place.items():
        item = tm.item(key)
        if item.all_day:
            by_day[(key, spot.date)].append(var)
    sessions = {s.id: s for s in tm.inputs.held}
    for session_id, items in tm.inputs.displaceable.items():
        s = sessions[session_id]
        for key in items:
            for var in by_day.get((key, s.date), []):
                tm.model.add_implication(var, tm.held[session_id].Not())
    # A class at an all-day event takes part in nothing else that day, and its room hosts nothing else.
    timed: dict[tuple[str, dt.date], list[cp_model.IntVar]] = defaultdict(list)
    for (key, spot), var in tm.place.items():
        other_item = tm.item(key)
        if not other_item.all_day:
            for class_id in other_item.classes:
                timed[(f"class:{class_id}", spot.date)].append(var)
            if other_item.room is not None:
                timed[(f"room:{other_item.room}", spot.date)].append(var)
    for (key, spot), var in tm.place.items():
        item = tm.item(key)
        if not item.all_day:
            continue
        taken = [f"class:{c}" for c in item.classes] + ([f"room:{item.room}"] if item.room else [])
        clashing = {id(v): v for who in taken for v in timed.get((who, spot.date), [])}
        for other in clashing.values():
            tm.model.add_bool_or([var.Not(), other.Not()])


def orientation_before_first_session(tm: TermModel) -> None:
    """A class's session of a rule named in an activity's ``before_first`` is held (or a make-up or
    returns session of it placed) only after that class's activity."""
    for item in tm.inputs.items:
        activity = item.activity
        if activity is None or not activity.before_first:
            continue
        class_id = item.classes[0]
        placed = [(spot, tm.place[(item.key, spot)]) for spot in item.spots]
        for s in tm.inputs.held:
            if (
                s.class_id == class_id
                and s.rule_id in activity.before_first
                and item.key in tm.inputs.displaceable.get(s.id, [])
            ):
                # If the orientation cannot happen at all (reported unmet), sessions need not wait for it.
                earlier = [*_placed_before(placed, s.date, minutes(s.start.time())), tm.unplaced[item.key]]
                tm.model.add(tm.held[s.id] <= cp_model.LinearExpr.sum(earlier))
        for other in tm.inputs.items:
            if (
                other.kind in ("makeup", "returns")
                and other.classes == (class_id,)
                and other.rule_id in activity.before_first
            ):
                for spot in other.spots:
                    earlier = [*_placed_before(placed, spot.date, spot.start), tm.unplaced[item.key]]
                    tm.model.add(tm.place[(other.key, spot)] <= cp_model.LinearExpr.sum(earlier))


def _placed_before(
    placed: list[tuple[Spot, cp_model.IntVar]], date: dt.date, start: int
) -> list[cp_model.IntVar]:
    return [var for spot, var in placed if (spot.date, spot.end) <= (date, start)]


def sessions_give_way_only_for_a_reason(tm: TermModel) -> None:
    """A pattern session gives way only when an all-day event takes its day, or its class's
    orientation comes after it: never merely to let a make-up stand in for it elsewhere."""
    reasons: dict[str, list[cp_model.IntVar]] = defaultdict(list)
    sessions = {s.id: s for s in tm.inputs.held}
    for session_id, keys in tm.inputs.displaceable.items():
        s = sessions[session_id]
        start = minutes(s.start.time())
        for key in keys:
            if not tm.has_item(key):
                continue
            item = tm.item(key)
            for spot in item.spots:
                var = tm.place[(key, spot)]
                if item.all_day and spot.date == s.date:
                    reasons[session_id].append(var)
                elif not item.all_day and (spot.date, spot.end) > (s.date, start):
                    reasons[session_id].append(var)  # the orientation comes after the session
    for session_id, held in tm.held.items():
        if not all(tm.has_item(key) for key in tm.inputs.displaceable[session_id]):
            continue  # a reason may lie outside the model (a bound on part of the term): no rule here
        tm.model.add(held + cp_model.LinearExpr.sum(reasons[session_id]) >= 1)


def makeups_only_for_sessions_not_held(tm: TermModel) -> None:
    """A make-up for a session that may still take place is placed only if that session gives way."""
    for item in tm.inputs.items:
        if item.kind == "makeup" and item.gives_way_to is not None:
            for spot in item.spots:
                tm.model.add_implication(tm.place[(item.key, spot)], tm.held[item.gives_way_to].Not())


def returns_only_in_a_session_held(tm: TermModel) -> None:
    """A pattern session becomes the final returns session only if it is held: one that gives way
    (to an event day, or before an orientation) is not there to take the class's books."""
    for (_, session_id), var in tm.convert.items():
        held = tm.held.get(session_id)
        if held is not None:
            tm.model.add_implication(var, held)


def gaps_within_limit(tm: TermModel) -> None:
    """No class waits longer than its rule's gap limit between sessions (or the gap is reported):
    every run of that many counted days (:func:`~rota_solver.term.plan.gap_days`, to the rule's
    last school day) with a school day in it holds a session."""
    scenario = tm.scenario
    school_days = sorted(d.date for d in tm.calendar.days)
    sure: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    maybe: dict[tuple[str, str], list[tuple[dt.date, cp_model.LinearExprT]]] = defaultdict(list)
    for s in tm.inputs.held:
        if s.id in tm.held:
            maybe[(s.class_id, s.rule_id)].append((s.date, tm.held[s.id]))
        else:
            sure[(s.class_id, s.rule_id)].append(s.date)
    for (key, spot), var in tm.place.items():
        item = tm.item(key)
        if item.kind in ("makeup", "returns") and item.rule_id is not None:
            maybe[(item.classes[0], item.rule_id)].append((spot.date, var))
    for rule in scenario.rules:
        counted = tm.inputs.gap_days[rule.id]
        gap = rule.gap_limit
        for school_class in scenario.rule_classes(rule):
            if tm.gap_classes is not None and school_class.id not in tm.gap_classes:
                continue
            pair = (school_class.id, rule.id)
            sure_days = sorted(sure[pair])
            # The candidates by date, each with its place in ``maybe`` (a window's terms keep that order).
            candidates = sorted((d, n) for n, (d, _) in enumerate(maybe[pair]))
            candidate_days = [d for d, _ in candidates]
            # Windows a class could fill from the same candidates share one constraint, and one slack
            # priced per window, so that an unclosable gap costs the same in every model of it.
            shared: dict[frozenset[int], list[tuple[dt.date, dt.date, list[cp_model.LinearExprT]]]] = {}
            for i in range(len(counted) - gap + 1):
                # ``gap`` counted days: a break's weeks left out of the count hold no school day.
                day, end = counted[i], counted[i + gap - 1]
                if not _any_within(sure_days, day, end) and _any_within(school_days, day, end):
                    inside = candidates[bisect_left(candidate_days, day) : bisect_right(candidate_days, end)]
                    terms = [maybe[pair][n][1] for n in sorted(n for _, n in inside)]
                    shared.setdefault(frozenset(id(v) for v in terms), []).append((day, end, terms))
            for windows in shared.values():
                first, end, terms = windows[0]
                slack = tm.model.new_bool_var(f"gap[{school_class.id},{rule.id},{first}]")
                tm.model.add(cp_model.LinearExpr.sum([*terms, slack]) >= 1)
                tm.gap_slack.append((school_class.id, rule.id, first, end, slack, len(windows)))


def _any_within(days: list[dt.date], first: dt.date, last: dt.date) -> bool:
    """Whether the sorted ``days`` hold one from ``first`` to ``last``."""
    at = bisect_left(days, first)
    return at < len(days) and days[at] <= last


TERM_RULES: tuple[TermRule, ...] = (
    each_item_placed_once,
    items_fully_staffed,
    enough_staff_at_each_moment,
    one_place_at_a_time,
    daily_caps,
    all_day_events_clear_the_way,
    orientation_before_first_session,
    sessions_give_way_only_for_a_reason,
    makeups_only_for_sessions_not_held,
    returns_only_in_a_session_held,
    gaps_within_limit,
)
"""The term stage's hard rules (unmet items and gaps are priced, and reported, not forbidden)."""


Units = list[tuple[cp_model.LinearExprT, str]]


class ChangePrices(Protocol):
    """How a layer over the dated stage (a rerun's published rota) prices the model's changes."""

    def change_units(self, tm: TermModel) -> Units:
        """One unit per change the model makes to what the layer holds."""
        ...

    def hint(self, tm: TermModel) -> None:
        """The layer's plan as the search's first guess."""
        ...


def objective_terms(tm: TermModel) -> dict[str, Units]:
    """Named penalty units with who bears them; weights come from the scenario."""
    makeups: Units = [
        (var, tm.item(key).classes[0]) for (key, _), var in tm.place.items() if tm.item(key).kind == "makeup"
    ]
    sessions = {s.id: s for s in tm.inputs.held}
    displaced: Units = [(1 - var, sessions[sid].class_id) for sid, var in tm.held.items()]
    extra_returns: Units = [
        (var, tm.item(key).classes[0]) for (key, _), var in tm.place.items() if tm.item(key).kind == "returns"
    ]
    unmet: Units = [(var, key) for key, var in tm.unplaced.items()]
    unmet += [(windows * slack, f"{c}/{r}") for c, r, _, _, slack, windows in tm.gap_slack]
    # A make-up or returns session held in a lesson its rule may take (listed only when there is one).
    taken: Units = [
        (var, tm.item(key).classes[0])
        for (key, spot), var in tm.place.items()
        if tm.finder.takes_lesson(tm.item(key), spot)
    ]
    return {
        "MakeupSessions": makeups,
        "DisplacedSessions": displaced,
        "ExtraReturnsSessions": extra_returns,
        **({"LessonsTaken": taken} if taken else {}),
        "Unmet": unmet,
    }


def build_term_model(tm: TermModel, changes: ChangePrices | None = None) -> dict[str, Units]:
    """Variables, rules and the objective. ``changes`` (a rerun) prices every change to the published
    rota above all wishes together, and unmet requirements above all changes together."""
    build_variables(tm)
    for rule in TERM_RULES:
        rule(tm)
    terms = objective_terms(tm)
    weeks = {d.date: d.teaching_week for d in tm.calendar.days}
    rhythm = rhythm_units(tm.model, tm.inputs.items, tm.place, weeks)
    if rhythm:  # listed only for a school with a recurring activity of k >= 2 weeks
        terms = {
            **{n: u for n, u in terms.items() if n != "Unmet"},
            RHYTHM_TERM: rhythm,
            "Unmet": terms["Unmet"],
        }
    weights = {
        "MakeupSessions": tm.scenario.weights.makeup_session,
        "DisplacedSessions": tm.scenario.weights.displaced_session,
        "ExtraReturnsSessions": EXTRA_RETURNS_PENALTY,
        "LessonsTaken": tm.scenario.weights.lesson_taken,
        "Unmet": UNMET_PENALTY,
    }
    weights[RHYTHM_TERM] = RHYTHM_PENALTY
    if changes is not None:
        unmet = terms.pop("Unmet")
        # Every unit is 0 or 1, so a weight one above the sum of the lower ones dominates them.
        wishes = sum(weights[name] for name, units in terms.items() for _ in units)
        terms[CHANGE_TERM] = changes.change_units(tm)
        weights[CHANGE_TERM] = wishes + 1
        weights["Unmet"] = (wishes + 1) * (len(terms[CHANGE_TERM]) + 1)
        terms["Unmet"] = unmet
    tm.weights = weights
    tm.model.minimize(
        cp_model.LinearExpr.weighted_sum(
            [expr for units in terms.values() for expr, _ in units],
            [weights[name] for name, units in terms.items() for _ in units],
        )
    )
    return terms
