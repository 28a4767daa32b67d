"""Counting checks of demand against supply, each a necessary condition for a rota, with figures.

The solver proves counting conflicts (too few staff, a room near capacity) quickly, but its
search for *which* requirements conflict can stay undecided for minutes on them; these checks
name them at once. Each check returns the requirement groups its count rests on, so the
conflict can still be shrunk and tested like one the solver found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model.variables import GroupKey
from ..scenario import WEEKDAYS, HelperGroup, Scenario, StaffMember, Weekday, minutes
from ..slots import Slot, class_ever_free_at, rule_slots, staff_available_at
from ..term.items import Fixed, Item, Spot, SpotFinder
from ..term.plan import activity_items, returns_items, shift_items
from ..term_calendar import TermCalendar, occurrence_days
from .groups import describe
from .words import Words


@dataclass(frozen=True)
class Finding:
    """A failed check: the groups it rests on and the sentence with its figures."""

    check: str
    groups: tuple[GroupKey, ...]
    text: str


def weekly_prechecks(scenario: Scenario) -> list[Finding]:
    """Every weekly-table check, in a fixed order."""
    return [
        *each_class_has_days_for_its_frequency(scenario),
        *each_class_fits_its_room(scenario),
        *each_room_has_slots_for_its_classes(scenario),
        *each_rule_can_be_staffed(scenario),
        *each_role_has_hours_for_its_duties(scenario),
    ]


def _spaced(days: list[Weekday], gap: int) -> int:
    """Most of ``days`` that can be chosen at least ``gap`` days apart (greedy is exact on a line)."""
    count, last = 0, -99
    for day in sorted(days, key=WEEKDAYS.index):
        if WEEKDAYS.index(day) - last >= gap:
            count, last = count + 1, WEEKDAYS.index(day)
    return count


def each_class_has_days_for_its_frequency(scenario: Scenario) -> list[Finding]:
    """A class needs as many days with a free slot of the rule's windows as sessions a week, spaced."""
    out = []
    w = Words(scenario)
    for rule in scenario.rules:
        slots = rule_slots(scenario, rule)
        need, gap = rule.frequency.sessions, rule.spacing.min_days_apart
        all_days = sorted({s.weekday for s in slots}, key=WEEKDAYS.index)
        for school_class in scenario.rule_classes(rule):
            free = [s for s in slots if class_ever_free_at(scenario, school_class, s, rule)]
            free_days = sorted({s.weekday for s in free}, key=WEEKDAYS.index)
            demand: GroupKey = ("demand", rule.id, school_class.id)
            apart = w.say("apart", days=gap) if need > 1 and gap > 1 else ""
            common = {"cls": school_class.label, "freq": w.freq(rule), "rule": w.rule(rule), "apart": apart}
            if _spaced(all_days, gap) < need:
                spacing = (("spacing", rule.id),) if len(all_days) >= need else ()
                text = w.say(
                    "days_only_windows", **common, windows=w.windows(rule.windows), days=w.days(all_days)
                )
                out.append(Finding("each_class_has_days_for_its_frequency", (demand, *spacing), text))
            elif _spaced(free_days, gap) < need:
                spacing = (("spacing", rule.id),) if len(free_days) >= need else ()
                text = w.say(
                    "days_timetable" if free else "days_none",
                    **common,
                    windows=w.windows(rule.windows),
                    days=w.days(free_days),
                    free=len(free),
                )
                groups = (demand, *spacing, ("timetable", school_class.id))
                out.append(Finding("each_class_has_days_for_its_frequency", groups, text))
    return out


def each_class_fits_its_room(scenario: Scenario) -> list[Finding]:
    """Every class of a rule fits in the rule's room."""
    out = []
    w = Words(scenario)
    for rule in scenario.rules:
        room = scenario.room(rule.room)
        for school_class in scenario.rule_classes(rule):
            if school_class.size is not None and room.seats is not None and school_class.size > room.seats:
                text = w.say(
                    "seats_short",
                    cls=school_class.label,
                    size=school_class.size,
                    room=w.room(room.id),
                    rule=w.rule(rule),
                    seats=room.seats,
                )
                groups = (("demand", rule.id, school_class.id), ("seats", room.id))
                out.append(Finding("each_class_fits_its_room", groups, text))
    return out


def room_supply(scenario: Scenario, room_id: str) -> tuple[float, list[Slot], list[str]]:
    """Class sessions a week the room's rules need, the free slots they can use (one after another,
    a slot counting where one of its classes is free), and the classes counted."""
    demand = 0.0
    usable: set[Slot] = set()
    classes: list[str] = []
    for rule in (r for r in scenario.rules if r.room == room_id):
        slots = rule_slots(scenario, rule)
        for school_class in scenario.rule_classes(rule):
            demand += rule.frequency.sessions / rule.frequency.weeks
            usable |= {s for s in slots if class_ever_free_at(scenario, school_class, s, rule)}
            classes += [school_class.id] if school_class.id not in classes else []
    return demand, _disjoint(usable), classes


def each_room_has_slots_for_its_classes(scenario: Scenario) -> list[Finding]:
    """Class sessions a week in a room fit its free slots (a slot counts where one of its classes is
    free) times the classes it holds at once."""
    out = []
    w = Words(scenario)
    for room in scenario.rooms:
        rules = [r for r in scenario.rules if r.room == room.id]
        if not rules:
            continue
        groups: list[GroupKey] = []
        busy_classes: list[GroupKey] = []
        windows: list[str] = []
        for rule in rules:
            slots = rule_slots(scenario, rule)
            windows += [x for x in rule.windows if x not in windows]
            for school_class in scenario.rule_classes(rule):
                groups.append(("demand", rule.id, school_class.id))
                free = [s for s in slots if class_ever_free_at(scenario, school_class, s, rule)]
                if len(free) < len(slots) and ("timetable", school_class.id) not in busy_classes:
                    busy_classes.append(("timetable", school_class.id))
        demand, usable, classes = room_supply(scenario, room.id)
        supply = len(usable) * room.classes_at_once
        if demand > supply + 1e-9:
            # Whole sessions: a fortnightly rule's demand is counted over its weeks.
            weeks = math.lcm(*(r.frequency.weeks for r in rules))
            period = w.say("a_week") if weeks == 1 else w.say("every_n_weeks", k=weeks)
            text = w.say(
                "room_slots",
                room=w.room(room.id),
                n=len(classes),
                rules=w.labels.join([w.rule(r) for r in rules]),
                demand=round(demand * weeks),
                period=period,
                supply=supply * weeks,
                slots=len(usable),
                days=w.days(sorted({s.weekday for s in usable}, key=WEEKDAYS.index)),
                windows=w.windows(windows),
                k=room.classes_at_once,
            )
            out.append(
                Finding(
                    "each_room_has_slots_for_its_classes",
                    (*groups, ("room", room.id), *busy_classes),
                    text,
                )
            )
    return out


def _disjoint(slots: set[Slot]) -> list[Slot]:
    """Most slots that run one after another (greedy interval scheduling, per weekday)."""
    chosen = []
    for day in sorted({s.weekday for s in slots}, key=WEEKDAYS.index):
        end = -1
        for slot in sorted((s for s in slots if s.weekday == day), key=lambda s: (s.end, s.start)):
            if slot.start >= end:
                chosen.append(slot)
                end = slot.end
    return chosen


def _blockers(scenario: Scenario, person: StaffMember | HelperGroup, slots: list[Slot]) -> list[GroupKey]:
    """The groups that keep a person off every one of ``slots`` (empty if they can work one)."""
    if isinstance(person, StaffMember):
        if any(staff_available_at(scenario, person, s) for s in slots):
            return []
        return [("staff", person.id)]
    own = scenario.school_class(person.class_id)
    in_windows = [s for s in slots if s.window_id in person.windows]
    class_free = [s for s in slots if class_ever_free_at(scenario, own, s)]
    if any(class_ever_free_at(scenario, own, s) for s in in_windows):
        return []
    if not class_free:
        return [("helper_class", person.id)]
    if not in_windows:
        return [("staff", person.id)]
    return [("staff", person.id), ("helper_class", person.id)]


def _people(scenario: Scenario, role: str) -> list[StaffMember | HelperGroup]:
    found: list[StaffMember | HelperGroup] = [m for m in scenario.staff if m.role == role]
    return found + [g for g in scenario.helper_groups if g.role == role]


def each_rule_can_be_staffed(scenario: Scenario) -> list[Finding]:
    """In some slot of the rule, as many people of each role can work as a session needs."""
    out = []
    w = Words(scenario)
    for rule in scenario.rules:
        slots = rule_slots(scenario, rule)
        first = scenario.rule_classes(rule)[0]
        for role, need in rule.staffing.items():
            if need == 0:
                continue
            people = _people(scenario, role)
            able = max((sum(1 for p in people if not _blockers(scenario, p, [s])) for s in slots), default=0)
            if able >= need:
                continue
            blocked = {p.id: _blockers(scenario, p, slots) for p in people}
            names = [w.person(pid) for pid, why in blocked.items() if why]
            groups: list[GroupKey] = [("demand", rule.id, first.id), ("staffing", rule.id, role)]
            groups += [key for why in blocked.values() for key in why]
            text = w.say(
                "staff_cover",
                rule=w.rule(rule),
                need=need,
                role=w.role(role),
                able=able,
                who=w.say("who_blocked", names=w.listing(names)) if names else "",
            )
            out.append(Finding("each_rule_can_be_staffed", tuple(groups), text))
    return out


def each_role_has_hours_for_its_duties(scenario: Scenario) -> list[Finding]:
    """The duties a role must cover in a cycle fit the duties its people can take in their hours,
    at most one at a time and within their daily caps."""
    out = []
    w = Words(scenario)
    cycle = scenario.cycle_weeks
    for role in sorted({m.role for m in scenario.staff} | {g.role for g in scenario.helper_groups}):
        rules = [r for r in scenario.rules if r.staffing.get(role, 0) > 0]
        if not rules:
            continue
        demand = 0
        slots: set[Slot] = set()
        groups: list[GroupKey] = []
        rooms: list[str] = []
        for rule in rules:
            room = scenario.room(rule.room)
            classes = scenario.rule_classes(rule)
            sessions = len(classes) * rule.frequency.sessions * cycle // rule.frequency.weeks
            # One duty serves every class in the room at once.
            demand += rule.staffing[role] * math.ceil(sessions / room.classes_at_once)
            slots |= set(rule_slots(scenario, rule))
            groups += [("demand", rule.id, c.id) for c in classes]
            groups.append(("staffing", rule.id, role))
            rooms += [room.id] if room.id not in rooms else []
        supply = 0
        for person in _people(scenario, role):
            cap = person.max_sessions_per_day
            for day in {s.weekday for s in slots}:
                workable = {s for s in slots if s.weekday == day and not _blockers(scenario, person, [s])}
                most = len(_disjoint(workable))
                supply += min(most, cap) if cap is not None else most
            groups.append(("staff", person.id))
        supply *= cycle
        if demand > supply:
            text = w.say(
                "staff_hours",
                rules=w.labels.join([w.rule(r) for r in rules]),
                demand=f"{demand / cycle:g}",
                role=w.role(role),
                room=w.labels.join([w.room(r) for r in rooms]),
                k=w.labels.join([str(scenario.room(r).classes_at_once) for r in rooms]),
                people=w.listing([w.person(p.id) for p in _people(scenario, role)]),
                supply=f"{supply / cycle:g}",
            )
            groups += [("room", r) for r in rooms]
            out.append(Finding("each_role_has_hours_for_its_duties", tuple(groups), text))
    return out


# --- the term stage: activities, final returns and stocktake shifts -------------------------------


def term_item_key(item: Item) -> GroupKey:
    if item.kind == "returns":
        assert item.rule_id is not None
        return ("returns", item.rule_id, item.classes[0])
    return ("activity" if item.kind == "activity" else "stocktake_shift", item.key)


def term_items_without_pattern(scenario: Scenario, calendar: TermCalendar) -> list[Item]:
    """Every required dated item with the spots it would have if the weekly table were empty."""
    finder = SpotFinder(scenario, calendar, Fixed())
    return [
        *returns_items(scenario, calendar, finder, []),
        *activity_items(scenario, calendar, finder),
        *shift_items(scenario, calendar, finder),
    ]


def each_activity_has_a_free_slot(scenario: Scenario, calendar: TermCalendar) -> list[Finding]:
    """Each activity occurrence, each class's final returns session and each stocktake shift has a
    slot in its dates and windows where its classes, people, room and staff could be, weekly table
    aside."""
    out = []
    w = Words(scenario)
    finder = SpotFinder(scenario, calendar, Fixed())
    for item in term_items_without_pattern(scenario, calendar):
        key = term_item_key(item)
        room = scenario.room(item.room) if item.room is not None else None
        if item.kind == "activity" and not item.all_day and room is not None:
            # Too many at once for the room (an all-day event holds none): its seats or classes at
            # once, not the timetables, are the reason.
            reasons: list[str] = []
            limits: list[GroupKey] = []
            if room.seats is not None and item.seats > room.seats:
                reasons.append(w.say("activity_seats", pupils=item.seats, seats=room.seats))
                limits.append(("seats", room.id))
            if item.room_classes > room.classes_at_once:
                reasons.append(w.say("activity_classes", k=room.classes_at_once))
                limits.append(("room", room.id))
            if reasons:
                text = w.say(
                    "activity_room",
                    what=describe(scenario, key, w).detail,
                    n=len(item.classes),
                    room=w.room(room.id),
                    reasons=w.labels.join(reasons),
                )
                out.append(Finding("each_activity_fits_its_room", (key, *limits), text))
                continue
        if item.spots:
            continue
        what = describe(scenario, key, w).detail
        candidates = _raw_spots(scenario, calendar, finder, item)
        if not candidates:
            windows = item.activity.windows if item.activity is not None else []
            text = w.say("no_spots_at_all", what=what, windows=w.windows(windows))
            out.append(Finding("each_activity_has_a_free_slot", (key,), text))
            continue
        reasons, groups = _why_no_spot(scenario, w, finder, item, candidates)
        text = w.say("term_no_spot", what=what, spots=len(candidates), reasons=w.labels.join(reasons))
        out.append(Finding("each_activity_has_a_free_slot", (key, *groups), text))
    return out


def _raw_spots(scenario: Scenario, calendar: TermCalendar, finder: SpotFinder, item: Item) -> list[Spot]:
    """Where the item could go by its dates and windows alone."""
    if item.kind == "activity" and item.activity is not None:
        activity = item.activity
        occurrences = occurrence_days(calendar, activity)
        chosen = occurrences[item.occurrence - 1] if 0 < item.occurrence <= len(occurrences) else []
        if activity.all_day:
            return [Spot(d.date, 0, 0, "", d.follows) for d in chosen]
        assert activity.duration_minutes is not None
        return [
            s for d in chosen for s in finder.window_spots(d, activity.windows, activity.duration_minutes)
        ]
    if item.kind == "returns":
        stocktake = scenario.stocktake
        assert stocktake is not None and item.rule_id is not None
        rule = next(r for r in scenario.rules if r.id == item.rule_id)
        first = stocktake.loans_due.toordinal() - stocktake.returns_within_days + 1
        days = [d for d in calendar.days if first <= d.date.toordinal() <= stocktake.loans_due.toordinal()]
        return [s for d in days for s in finder.window_spots(d, rule.windows, rule.duration_minutes)]
    stocktake = scenario.stocktake
    assert stocktake is not None
    _, day_text, index = item.key.split(".")
    window = scenario.window(stocktake.shifts[int(index) - 1].window)
    day = next(d for d in calendar.days if d.date.isoformat() == day_text)
    start, end = scenario.window_span(window, day.follows)
    return [Spot(day.date, minutes(start), minutes(end), window.id, day.follows)]


def _why_no_spot(
    scenario: Scenario, w: Words, finder: SpotFinder, item: Item, spots: list[Spot]
) -> tuple[list[str], list[GroupKey]]:
    """For each thing that blocks some spot, how many spots it blocks, and its group."""
    counts: dict[GroupKey, int] = {}
    words: dict[GroupKey, str] = {}
    for spot in spots:
        for class_id in item.classes:
            if not finder.class_free(class_id, spot, finder.session_rule(item)):
                key: GroupKey = ("timetable", class_id)
                counts[key] = counts.get(key, 0) + 1
                words[key] = "reason_busy"
        for person in item.staff + item.helper_groups:
            if not finder.person_can(person, spot, on_duty=False):
                key = ("staff", person)
                counts[key] = counts.get(key, 0) + 1
                words[key] = "reason_staff"
        for group in item.teacher_groups:
            if not finder.teacher_group_free(group, spot):
                key = ("teachers", group)
                counts[key] = counts.get(key, 0) + 1
                words[key] = "reason_teachers"
        if not finder.room_has_space(item.room, spot, item.seats, item.room_classes):
            assert item.room is not None
            key = ("seats", item.room)
            counts[key] = counts.get(key, 0) + 1
            words[key] = "reason_room"
        for role, need in item.staffing.items():
            able = [p for p in finder.people_of(role) if finder.person_can(p, spot, on_duty=True)]
            if len(able) < need:
                for p in finder.people_of(role):
                    if p not in able:  # this person's hours or days off are part of the reason
                        key = ("staff", p)
                        counts[key] = counts.get(key, 0) + 1
                        words[key] = "reason_staff"
                key = ("staffing", role)
                counts[key] = counts.get(key, 0) + 1
                words[key] = "reason_staffing"
    texts = []
    for key, n in counts.items():
        if key not in words:
            continue
        subject = key[1]
        name = (
            w.cls(subject)
            if key[0] == "timetable"
            else w.room(subject)
            if key[0] == "seats"
            else w.person(subject)
            if key[0] == "staff"
            else subject
        )
        texts.append(w.say(words[key], cls=name, name=name, room=name, role=w.role(subject), n=n))
    # Groups a librarian can read: the term item's own staffing is part of the item, not a group.
    groups = [k for k in counts if k[0] in ("timetable", "staff", "seats")]
    return texts, groups
