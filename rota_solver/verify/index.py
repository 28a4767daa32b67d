"""Everything that takes time, rooms and people, sessions and timed events alike, indexed once
per verify call; and when activity events are over.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..rota import ActivityEvent, DatedSession, Rota
from ..scenario import Scenario, Weekday
from ._common import _DAY, Span, _at, _describe, _describe_event, _event_span, _span


@dataclass(frozen=True)
class _Item:
    """A session or a timed event, as the resource checks see it."""

    id: str
    what: str
    date: dt.date
    follows: Weekday
    span: Span
    room: str | None
    classes: tuple[str, ...]
    on_duty: tuple[str, ...]
    """Staff and helper groups on duty."""
    taking_part: tuple[str, ...]
    """Staff and helper groups taking part without being on duty."""
    teacher_groups: tuple[str, ...]
    session: DatedSession | None
    shift: bool
    """A stocktake shift: staff work, not an occupant of its room."""


@dataclass(frozen=True)
class _Index:
    items: tuple[_Item, ...]
    by_date: dict[dt.date, list[_Item]]
    all_day: dict[dt.date, list[ActivityEvent]]
    shifts: tuple[ActivityEvent, ...]
    activity_events: dict[str, list[ActivityEvent]]
    """Events by activity id, stocktake shifts excluded."""
    first_session: dict[tuple[str, str], DatedSession]
    """(class, rule) -> the class's earliest session of the rule, any origin."""


_index_cache: list[tuple[Scenario, Rota, list[object], _Index]] = []


def _is_shift(event: ActivityEvent, activity_ids: set[str]) -> bool:
    return event.kind == "stocktake" and event.activity_id not in activity_ids


def _index(scenario: Scenario, rota: Rota) -> _Index:
    """The rota's index, built once for all the checks of one verify call."""
    contents: list[object] = [*rota.sessions, *rota.activities]
    for cached_scenario, cached_rota, cached_contents, index in _index_cache:
        # Models are frozen, but their lists are not: the same rota may have been edited in place.
        same = len(contents) == len(cached_contents) and all(
            a is b for a, b in zip(contents, cached_contents, strict=True)
        )
        if cached_scenario is scenario and cached_rota is rota and same:
            return index
    index = _build_index(scenario, rota)
    _index_cache[:] = [(scenario, rota, contents, index)]
    return index


def _build_index(scenario: Scenario, rota: Rota) -> _Index:
    activity_ids = {a.id for a in scenario.activities}
    items: list[_Item] = []
    first_session: dict[tuple[str, str], DatedSession] = {}
    for s in rota.sessions:
        span = _span(scenario, s)
        item = _Item(
            id=s.id,
            what=_describe(scenario, s),
            date=s.date,
            follows=s.follows,
            span=span,
            room=s.room_id,
            classes=(s.class_id,),
            on_duty=tuple(dict.fromkeys(s.staff_ids)),
            taking_part=(),
            teacher_groups=(),
            session=s,
            shift=False,
        )
        items.append(item)
        key = (s.class_id, s.rule_id)
        if key not in first_session or span[0] < _span(scenario, first_session[key])[0]:
            first_session[key] = s
    all_day: dict[dt.date, list[ActivityEvent]] = defaultdict(list)
    shifts: list[ActivityEvent] = []
    activity_events: dict[str, list[ActivityEvent]] = defaultdict(list)
    for e in rota.activities:
        shift = _is_shift(e, activity_ids)
        if shift:
            shifts.append(e)
        else:
            activity_events[e.activity_id].append(e)
        event_span = _event_span(scenario, e)
        if e.all_day:
            all_day[e.date].append(e)
        elif event_span is not None:
            duty = tuple(dict.fromkeys(e.staff_ids))
            part = tuple(
                p for p in dict.fromkeys([*e.participant_staff_ids, *e.helper_group_ids]) if p not in duty
            )
            item = _Item(
                id=e.id,
                what=_describe_event(scenario, e),
                date=e.date,
                follows=e.follows,
                span=event_span,
                room=e.room_id,
                classes=tuple(dict.fromkeys(e.class_ids)),
                on_duty=duty,
                taking_part=part,
                teacher_groups=tuple(dict.fromkeys(e.teacher_group_ids)),
                session=None,
                shift=shift,
            )
            items.append(item)
    by_date: dict[dt.date, list[_Item]] = defaultdict(list)
    for item in items:
        by_date[item.date].append(item)
    return _Index(
        tuple(items), dict(by_date), dict(all_day), tuple(shifts), dict(activity_events), first_session
    )


def _event_key(scenario: Scenario, event: ActivityEvent) -> tuple[dt.date, dt.datetime]:
    span = _event_span(scenario, event)
    return event.date, span[0] if span is not None else _at(event.date, dt.time.min)


def _event_over(scenario: Scenario, event: ActivityEvent) -> dt.datetime:
    """When an event is over: its end, or for an all-day event the next midnight."""
    span = _event_span(scenario, event)
    return span[1] if span is not None else _at(event.date + _DAY, dt.time.min)


def _first_event_per_class(scenario: Scenario, events: Sequence[ActivityEvent]) -> dict[str, ActivityEvent]:
    first: dict[str, ActivityEvent] = {}
    for event in sorted(events, key=lambda e: _event_key(scenario, e)):
        for class_id in event.class_ids:
            first.setdefault(class_id, event)
    return first
