"""Relaxations a librarian can make, per kind of requirement group, each tried on a copy of the
scenario and kept only if solving again shows it works.

Class timetables are not the librarian's to change, but the library may take a lesson (a reading
lesson): a timetable group suggests the subjects of the class's lessons in its rules' windows; the
others suggest another window, a day less of spacing, one more class at once or another room,
more seats, one person fewer per session, more duty hours, helpers from another class, a
wider time for an activity, or a pinned session let go.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ..conflict import Change, Suggestion
from ..model.hard_rules import pin_group
from ..model.variables import GroupKey
from ..scenario import WEEKDAYS, GradeRule, Scenario, Weekday
from ..slots import class_ever_free_at, lessons_at, library_may_take, rule_slots, window_times
from .prechecks import room_supply
from .words import Words

MAX_TRIES = 12
"""Candidates tried per conflict: each costs a solve."""
MAX_KEPT = 3


@dataclass(frozen=True)
class Candidate:
    text: str
    change: Change


def apply_change(scenario: Scenario, change: Change) -> Scenario | None:
    """The scenario with the change made, or None if the result is not a valid scenario."""
    data: Any = scenario.model_dump(mode="json")
    parts = [(m.group(1), m.group(2)) for m in re.finditer(r"(\w+)(?:\[(\d+)\])?", change.path)]
    target = data
    for i, (name, index) in enumerate(parts):
        last = i == len(parts) - 1
        if index is None:
            if last:
                target[name] = change.value
            else:
                target = target[name]
        elif last:
            target[name][int(index)] = change.value
        else:
            target = target[name][int(index)]
    try:
        return Scenario.model_validate(data)
    except ValidationError:
        return None


def working_suggestions(
    scenario: Scenario,
    groups: Sequence[GroupKey],
    verdict: Callable[[Scenario], bool | None],
    first: Sequence[Sequence[Candidate]] = (),
    until: float | None = None,
) -> list[Suggestion]:
    """Up to MAX_KEPT candidates for ``groups`` that ``verdict`` accepts: True, a rota exists with
    the change; False, the change resolves this conflict but another remains; None, rejected.

    Each ladder is climbed from its smallest change until one works (a room's classes at once from
    what its free slots need, a window's days from the days its sessions need), then the next
    ladder; ``first`` ladders go before those of the groups; at most MAX_TRIES solves in all, and
    none begun (nor any candidate built) after ``until`` (a ``time.monotonic()`` reading)."""
    kept: list[Suggestion] = []
    tries = 0
    for ladder in [*first, *ladders(scenario, groups, until)]:
        for candidate in ladder:
            if until is not None and time.monotonic() > until:
                return kept
            changed = apply_change(scenario, candidate.change)
            if changed is None:
                continue
            if tries == MAX_TRIES:
                return kept
            tries += 1
            solves = verdict(changed)
            if solves is not None:
                kept.append(Suggestion(text=candidate.text, change=candidate.change, solves=solves))
                break
        if len(kept) == MAX_KEPT:
            break
    return kept


def candidates(scenario: Scenario, groups: Sequence[GroupKey]) -> list[Candidate]:
    """Every relaxation of ``groups``, ladder by ladder, without repeats."""
    return [c for ladder in ladders(scenario, groups) for c in ladder]


def ladders(
    scenario: Scenario, groups: Sequence[GroupKey], until: float | None = None
) -> list[list[Candidate]]:
    """The relaxations of ``groups``, as ladders of alternatives from the smallest change up: a
    room's classes at once first, then a window on more days, other windows, then the rest in
    the order of the groups; no change twice; none found after ``until``."""
    w = Words(scenario)
    found: list[tuple[int, list[Candidate]]] = []
    rules_done: set[str] = set()
    for key in groups:
        if until is not None and time.monotonic() > until:
            break
        if key[0] == "demand":
            # A class's demand is relaxed through its rule: one rule's ladders serve all its
            # classes (a conflict of 500 classes once built them 500 times, for minutes).
            if key[1] in rules_done:
                continue
            rules_done.add(key[1])
        found += _for_group(scenario, w, key, groups)
    seen: set[tuple[str, str]] = set()
    out = []
    for _, ladder in sorted(found, key=lambda x: x[0]):
        rungs = []
        for c in ladder:
            mark = (c.change.path, json.dumps(c.change.value, sort_keys=True))
            if mark not in seen:
                seen.add(mark)
                rungs.append(c)
        if rungs:
            out.append(rungs)
    return out


CAPACITY, DAYS, WINDOW, OTHER = range(4)
"""Order of the ladders."""


def _one(candidates: list[Candidate]) -> list[tuple[int, list[Candidate]]]:
    """Candidates that are alternatives of their own, each a ladder of one rung."""
    return [(OTHER, [c]) for c in candidates]


def _index(items: Sequence[Any], item_id: str) -> int:
    return next(i for i, x in enumerate(items) if x.id == item_id)


def _for_group(
    s: Scenario, w: Words, key: GroupKey, groups: Sequence[GroupKey]
) -> list[tuple[int, list[Candidate]]]:
    kind = key[0]
    demand_rules = sorted({k[1] for k in groups if k[0] == "demand"}, key=lambda r: _index(s.rules, r))
    if kind == "demand":
        i = _index(s.rules, key[1])
        rule = s.rules[i]
        windows = [
            (
                WINDOW,
                [
                    Candidate(
                        w.say("s_window", window=w.window(window.id), rule=w.rule(rule)),
                        Change(path=f"rules[{i}].windows", value=[*rule.windows, window.id]),
                    )
                ],
            )
            for window in s.windows
            if window.id not in rule.windows
        ]
        return [*_window_days(s, w, rule), *windows]
    if kind == "timetable":
        return _one(_take_lessons(s, w, key[1], demand_rules))
    if kind == "spacing":
        i = _index(s.rules, key[1])
        old = s.rules[i].spacing.min_days_apart
        if old <= 1:
            return []
        text = w.say("s_spacing", rule=w.rule(s.rules[i]), days=old - 1, old=old)
        return _one([Candidate(text, Change(path=f"rules[{i}].spacing.min_days_apart", value=old - 1))])
    if kind == "room":
        return [*_classes_at_once(s, w, key[1]), *_one(_other_rooms(s, w, key[1], demand_rules))]
    if kind in ("seats", "room") and not demand_rules:
        return []  # an activity's room: its own relaxations (another room, a class at a time)
    if kind == "seats":
        i = _index(s.rooms, key[1])
        room = s.rooms[i]
        if room.seats is None:
            return []  # seats not counted: they never bind
        sizes = [
            c.pupils for r in s.rules if r.id in demand_rules and r.room == room.id for c in s.rule_classes(r)
        ]
        needed = max([*sizes, room.seats + 1])
        text = w.say("s_seats", room=w.room(room.id), n=needed, old=room.seats)
        return _one(
            [
                Candidate(text, Change(path=f"rooms[{i}].seats", value=needed)),
                *_other_rooms(s, w, room.id, demand_rules),
            ]
        )
    if kind == "staffing":
        i = _index(s.rules, key[1])
        rule, role = s.rules[i], key[2]
        old = rule.staffing.get(role, 0)
        if old <= 0:
            return []
        text = w.say("s_staffing", rule=w.rule(rule), n=old - 1, role=w.role(role), old=old)
        return _one(
            [Candidate(text, Change(path=f"rules[{i}].staffing", value={**rule.staffing, role: old - 1}))]
        )
    if kind == "staff":
        return _one(_staff(s, w, key[1], demand_rules))
    if kind == "helper_class":
        return _one(_helper_class(s, w, key[1], demand_rules))
    if kind == "activity":
        return [*_one(_activity_room(s, w, key[1])), *_one(_activity(s, w, key[1]))]
    if kind == "returns" and s.stocktake is not None:
        old = s.stocktake.returns_within_days
        text = w.say("s_returns_days", n=min(old + 7, 60), old=old)
        return _one([Candidate(text, Change(path="stocktake.returns_within_days", value=min(old + 7, 60)))])
    if kind == "stocktake_shift" and s.stocktake is not None:
        k = int(key[1].split(".")[2]) - 1
        shift = s.stocktake.shifts[k]
        return _one(
            [
                Candidate(
                    w.say(
                        "s_shift_staffing", window=w.window(shift.window), n=n - 1, role=w.role(role), old=n
                    ),
                    Change(path=f"stocktake.shifts[{k}].staffing", value={**shift.staffing, role: n - 1}),
                )
                for role, n in shift.staffing.items()
                if n > 0
            ]
        )
    if kind == "pin":
        return _one(_unpin(s, w, key))
    return []  # the A/B split is not the librarian's to relax


LADDER_RUNGS = 3
"""Rungs tried at most on one ladder."""


def _classes_at_once(s: Scenario, w: Words, room_id: str) -> list[tuple[int, list[Candidate]]]:
    """More classes at once, from the least the room's free slots need (its class sessions a week
    over its free slots) up, never more than it has classes."""
    i = _index(s.rooms, room_id)
    old = s.rooms[i].classes_at_once
    demand, usable, classes = room_supply(s, room_id)
    low = max(old + 1, math.ceil(demand / len(usable) - 1e-9) if usable else old + 1)
    rungs = range(low, min(len(classes), low + LADDER_RUNGS - 1) + 1)
    return [
        (
            CAPACITY,
            [
                Candidate(
                    w.say("s_classes_at_once", room=w.room(room_id), n=n, old=old),
                    Change(path=f"rooms[{i}].classes_at_once", value=n),
                )
                for n in rungs
            ],
        )
    ]


def _spread(days: list[Weekday], more: list[Weekday]) -> list[Weekday]:
    """``more`` in the order that keeps the days furthest apart (each next day the furthest from
    those already open)."""
    open_days = [WEEKDAYS.index(d) for d in days]
    left = list(more)
    out: list[Weekday] = []
    while left:
        best = max(
            left,
            key=lambda d: (
                min((abs(WEEKDAYS.index(d) - o) for o in open_days), default=7),
                -WEEKDAYS.index(d),
            ),
        )
        out.append(best)
        open_days.append(WEEKDAYS.index(best))
        left.remove(best)
    return out


def _window_days(s: Scenario, w: Words, rule: GradeRule) -> list[tuple[int, list[Candidate]]]:
    """Each of the rule's windows open on only some days, on more of them: from as many more days
    as the room's free slots lack (at least one) up to every school day."""
    out = []
    room = s.room(rule.room)
    demand, usable, _ = room_supply(s, rule.room)
    lacking = math.ceil(demand / room.classes_at_once - 1e-9) - len(usable)
    for window_id in rule.windows:
        window = s.window(window_id)
        if window.days is None:
            continue
        more = _spread(list(window.days), [d for d in s.term.weekdays if d not in window.days])
        if not more:
            continue
        per_day = max(1, len(window_times(s, window_id, rule.duration_minutes)))
        low = min(len(more), max(1, math.ceil(lacking / per_day)))
        counts = sorted({n for n in (low, low + 1, len(more)) if n <= len(more)})[:LADDER_RUNGS]
        j = _index(s.windows, window_id)
        rungs = []
        for n in counts:
            added = sorted(more[:n], key=WEEKDAYS.index)
            days = sorted([*window.days, *added], key=WEEKDAYS.index)
            text = w.say("s_window_days", window=w.window(window_id), days=w.days(added))
            rungs.append(Candidate(text, Change(path=f"windows[{j}].days", value=days)))
        out.append((DAYS, rungs))
    return out


def _other_rooms(s: Scenario, w: Words, room_id: str, rule_ids: list[str]) -> list[Candidate]:
    out = []
    for rule_id in rule_ids:
        i = _index(s.rules, rule_id)
        rule = s.rules[i]
        if rule.room != room_id:
            continue
        largest = max(c.pupils for c in s.rule_classes(rule))
        for room in s.rooms:
            if room.id != room_id and room.seats is not None and room.seats >= largest:
                text = w.say("s_move_room", rule=w.rule(rule), room=w.room(room.id), seats=room.seats)
                out.append(Candidate(text, Change(path=f"rules[{i}].room", value=room.id)))
    return out


def _staff(s: Scenario, w: Words, person_id: str, rule_ids: list[str]) -> list[Candidate]:
    rules = [r for r in s.rules if r.id in rule_ids] or list(s.rules)
    member = next((m for m in s.staff if m.id == person_id), None)
    out = []
    if member is not None:
        i = _index(s.staff, person_id)
        needing = [r for r in rules if r.staffing.get(member.role, 0) > 0]
        window_ids = list(dict.fromkeys(x for r in needing for x in r.windows))
        extra = []
        for window_id in window_ids:
            start, end = s.window_span(s.window(window_id))
            extra.append({"days": None, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"})
        if extra:
            hours = w.labels.join([f"{x['start']}–{x['end']}" for x in extra])
            current = [a.model_dump(mode="json") for a in member.availability]
            out.append(
                Candidate(
                    w.say("s_hours", hours=hours, name=w.person(person_id)),
                    Change(path=f"staff[{i}].availability", value=[*current, *extra]),
                )
            )
        if member.max_sessions_per_day is not None:
            cap = member.max_sessions_per_day
            text = w.say("s_cap", name=w.person(person_id), n=cap + 1, old=cap)
            out.append(Candidate(text, Change(path=f"staff[{i}].max_sessions_per_day", value=cap + 1)))
        return out
    i = _index(s.helper_groups, person_id)
    group = s.helper_groups[i]
    needing = [r for r in rules if r.staffing.get("helper", 0) > 0]
    for window_id in dict.fromkeys(x for r in needing for x in r.windows):
        if window_id not in group.windows:
            out.append(
                Candidate(
                    w.say("s_helper_window", name=w.person(person_id), window=w.window(window_id)),
                    Change(path=f"helper_groups[{i}].windows", value=[*group.windows, window_id]),
                )
            )
    if group.max_sessions_per_day is not None:
        cap = group.max_sessions_per_day
        text = w.say("s_cap", name=w.person(person_id), n=cap + 1, old=cap)
        out.append(Candidate(text, Change(path=f"helper_groups[{i}].max_sessions_per_day", value=cap + 1)))
    return out


def _helper_class(s: Scenario, w: Words, group_id: str, rule_ids: list[str]) -> list[Candidate]:
    """Helpers from another class that is free in some slot the team works in (at most three)."""
    i = _index(s.helper_groups, group_id)
    group = s.helper_groups[i]
    slots = [
        slot
        for r in s.rules
        if r.id in rule_ids and r.staffing.get("helper", 0) > 0
        for slot in rule_slots(s, r)
        if slot.window_id in group.windows
    ]
    out = []
    for school_class in s.classes:
        free = any(class_ever_free_at(s, school_class, x) for x in slots)
        if school_class.id == group.class_id or not free:
            continue
        text = w.say(
            "s_helper_class", name=w.person(group_id), cls=school_class.label, old=w.cls(group.class_id)
        )
        out.append(Candidate(text, Change(path=f"helper_groups[{i}].class_id", value=school_class.id)))
        if len(out) == 3:
            break
    return out


def _unpin(s: Scenario, w: Words, key: GroupKey) -> list[Candidate]:
    """The pin let go: the solver places the session again (a pin moved elsewhere is a change of
    ``pins[i]`` as well, but which cell would suit is the librarian's to say)."""
    pins = [i for i, pin in enumerate(s.pins) if pin_group(pin) == key]
    if not pins:
        return []
    rest = [pin.model_dump(mode="json", exclude_none=True) for i, pin in enumerate(s.pins) if i not in pins]
    return [Candidate(w.pin(key, "s_unpin"), Change(path="pins", value=rest))]


def _take_lessons(s: Scenario, w: Words, class_id: str, rule_ids: list[str]) -> list[Candidate]:
    """Let the library take the class's lessons of one subject (a reading lesson), for each subject
    taught in its rules' windows, the fewest lessons (the smallest change) first: each names the
    lessons' hours."""
    i = _index(s.classes, class_id)
    school_class = s.classes[i]
    rules = [r for r in s.rules if school_class in s.rule_classes(r)]
    rules = [r for r in rules if r.id in rule_ids] or rules
    by_subject: dict[str, list[Any]] = {}
    for rule in rules:
        for slot in rule_slots(s, rule):
            for busy in lessons_at(s, school_class, slot, rule=rule):
                if busy.what and not library_may_take(school_class, busy, rule):
                    found = by_subject.setdefault(busy.what, [])
                    if busy not in found:
                        found.append(busy)
    out = []
    for subject, lessons in sorted(by_subject.items(), key=lambda x: len(x[1]))[:3]:
        lessons.sort(key=lambda b: (WEEKDAYS.index(b.day), s.busy_span(b)[0]))
        spans = [(b.day, *s.busy_span(b)) for b in lessons]
        hours = w.labels.join([f"{w.labels.weekday(d)} {a:%H:%M}–{b:%H:%M}" for d, a, b in spans])
        text = w.say("s_take_lesson", cls=school_class.label, subject=subject, hours=hours)
        value = [*school_class.library_may_take, subject]
        out.append(Candidate(text, Change(path=f"classes[{i}].library_may_take", value=value)))
    return out


def _activity_room(s: Scenario, w: Words, item_key: str) -> list[Candidate]:
    """For an activity with more pupils than its room seats: the rooms that seat them all (smallest
    first), or each class on its own."""
    i = _index(s.activities, item_key.split(".")[0])
    activity = s.activities[i]
    if activity.room is None or activity.participants.each_class or activity.participants.teacher_groups:
        return []
    classes = s.activity_classes(activity)
    helpers = {g.id for g in s.activity_helper_groups(activity)}
    pupils = sum(c.pupils for c in classes) + sum(g.members for g in s.helper_groups if g.id in helpers)
    here = s.room(activity.room)
    if (here.seats is None or pupils <= here.seats) and len(classes) <= here.classes_at_once:
        return []
    name = activity.name or activity.id
    out = [
        Candidate(
            w.say("s_activity_room", activity=name, room=w.room(room.id), seats=room.seats),
            Change(path=f"activities[{i}].room", value=room.id),
        )
        for room in sorted(s.rooms, key=lambda r: r.seats or 0)
        if room.id != activity.room
        and room.seats is not None
        and room.seats >= pupils
        and room.classes_at_once >= len(classes)
    ][:2]
    largest = max((c.pupils for c in classes), default=0)
    if classes and (here.seats is None or largest <= here.seats):
        out.append(
            Candidate(
                w.say("s_activity_each_class", activity=name, largest=largest),
                Change(path=f"activities[{i}].participants.each_class", value=True),
            )
        )
    return out


def _activity(s: Scenario, w: Words, item_key: str) -> list[Candidate]:
    activity_id = item_key.split(".")[0]
    i = _index(s.activities, activity_id)
    activity = s.activities[i]
    name = activity.name or activity.id
    out = []
    if not activity.all_day:
        assert activity.duration_minutes is not None
        for window in s.windows:
            if window.id in activity.windows or s.longest_slot(window) < activity.duration_minutes:
                continue
            out.append(
                Candidate(
                    w.say("s_activity_window", window=w.window(window.id), activity=name),
                    Change(path=f"activities[{i}].windows", value=[*activity.windows, window.id]),
                )
            )
    when = activity.when
    if when.weeks is not None:
        more = [*when.weeks, max(when.weeks) + 1, max(when.weeks) + 2]
        weeks = w.labels.join([str(n) for n in more])
        text = w.say("s_activity_weeks", activity=name, weeks=weeks)
        out.append(Candidate(text, Change(path=f"activities[{i}].when.weeks", value=more)))
    elif when.end is not None:
        last = min(when.end + dt.timedelta(days=7), s.term.end)
        if last > when.end:
            text = w.say("s_activity_end", activity=name, date=w.date(last))
            value = last.isoformat()
            out.append(Candidate(text, Change(path=f"activities[{i}].when.end", value=value)))
    return out
