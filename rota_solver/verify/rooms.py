"""Rooms: within their capacity, and open."""

from __future__ import annotations

from collections import defaultdict

from ..rota import Rota
from ..rules import RuleId
from ..scenario import (
    Scenario,
)
from ._common import _classes, _describe, _describe_event, _Found, _hhmm, _teacher_groups, check
from .index import _index, _Item


@check(RuleId.ROOM_CAPACITY)
def check_room_capacity(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """At any moment a room holds at most classes_at_once classes (an event without classes counting
    as one) and at most seats people, and no session is held in a room given over to an all-day event."""
    index = _index(scenario, rota)
    rooms = {r.id: r for r in scenario.rooms}
    classes = _classes(scenario)
    teachers = _teacher_groups(scenario)
    for day, items in index.by_date.items():
        per_room: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            if item.room is not None and not item.shift:
                per_room[item.room].append(item)
        for room_id, group in per_room.items():
            room = rooms.get(room_id)
            if room is None:
                continue
            reported: set[frozenset[str]] = set()
            # Occupancy only rises at a start, so checking every start covers every moment.
            for moment in sorted({item.span[0] for item in group}):
                present = [item for item in group if item.span[0] <= moment < item.span[1]]
                ids = frozenset(item.id for item in present)
                class_ids = sorted({c for item in present for c in item.classes})
                units = class_ids + [f"event {item.id}" for item in present if not item.classes]
                pupils = sum(classes[c].size or 0 for c in class_ids if c in classes)
                staff_room = sum(
                    teachers[t].members for item in present for t in item.teacher_groups if t in teachers
                )
                problems = []
                if len(units) > room.classes_at_once:
                    names = ", ".join(units)
                    noun = "classes" if len(units) == len(class_ids) else "classes and events"
                    problems.append(f"{len(units)} {noun} ({names}), room for {room.classes_at_once}")
                if room.seats is not None and pupils + staff_room > room.seats:
                    people = f"{pupils} pupils" + (f" and {staff_room} teachers" if staff_room else "")
                    problems.append(f"{people} for {room.seats} seats")
                if problems and ids not in reported:
                    reported.add(ids)
                    when = f"{day} at {_hhmm(moment)}"
                    found.add(f"Room {room.id} on {when} holds {' and '.join(problems)}.", *sorted(ids))
        for event in index.all_day.get(day, []):
            if event.room_id is None:
                continue
            for item in per_room.get(event.room_id, []):
                if item.session is not None:
                    all_day = _describe_event(scenario, event)
                    found.add(
                        f"Room {event.room_id} is given over to all-day {all_day}, but holds {item.what}.",
                        item.id,
                        event.id,
                    )


@check(RuleId.ROOM_OPEN)
def check_room_open(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Nothing takes place in a room on a date it is closed."""
    rooms = {r.id: r for r in scenario.rooms}
    for s in rota.sessions:
        room = rooms.get(s.room_id)
        if room is not None and any(c.start <= s.date <= c.last for c in room.closed):
            found.add(f"{_describe(scenario, s)} is in room {room.id}, closed that day.", s.id)
    for event in rota.activities:
        room = rooms.get(event.room_id or "")
        if room is not None and any(c.start <= event.date <= c.last for c in room.closed):
            found.add(f"{_describe_event(scenario, event)} is in room {room.id}, closed that day.", event.id)
