"""Staff and helper groups: as many as asked, available, in one place at a time, within their
daily cap, and helpers never away from their own class's needs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from ..rota import Rota
from ..rules import RuleId
from ..scenario import (
    HelperGroup,
    Scenario,
)
from ._common import (
    _available,
    _busy_during,
    _classes,
    _describe,
    _Found,
    _overlap,
    _people,
    _rules,
    _span,
    _staffing_problems,
    check,
)
from .index import _Index, _index, _Item


@check(RuleId.STAFFING)
def check_staffing(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Each session has exactly the staff its rule asks for by role, all known, none twice."""
    rules = _rules(scenario)
    people = _people(scenario)
    for s in rota.sessions:
        rule = rules.get(s.rule_id)
        if rule is None:
            continue
        what = _describe(scenario, s)
        for problem in _staffing_problems(people, s.staff_ids, rule.staffing, f"rule {rule.id}"):
            found.add(f"{what} {problem}.", s.id)


@check(RuleId.STAFF_AVAILABLE)
def check_staff_available(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Staff on a session are within their weekly availability and not on a day off; helper
    groups only work in their windows."""
    people = _people(scenario)
    for s in rota.sessions:
        what = _describe(scenario, s)
        span = _span(scenario, s)
        for person_id in dict.fromkeys(s.staff_ids):
            person = people.get(person_id)
            if isinstance(person, HelperGroup):
                if s.window_id not in person.windows:
                    found.add(
                        f"Helper group {person.id} is on {what}, outside its windows {person.windows}.", s.id
                    )
            elif person is not None:
                if s.date in person.days_off:
                    found.add(f"{person.id} is on {what} but has {s.date} off.", s.id)
                if not _available(scenario, person.availability, s.follows, s.date, span):
                    found.add(f"{person.id} is on {what} but is not available then ({s.follows}).", s.id)


@dataclass(frozen=True)
class _Engagement:
    item: _Item
    duty: bool


def _engagements(index: _Index) -> dict[tuple[str, dt.date], list[_Engagement]]:
    """Per person (staff, helper group, teacher group) and date: what they are on duty at or take part in."""
    out: dict[tuple[str, dt.date], list[_Engagement]] = defaultdict(list)
    for item in index.items:
        for person in item.on_duty:
            out[(person, item.date)].append(_Engagement(item, True))
        for person in item.taking_part:
            out[(person, item.date)].append(_Engagement(item, False))
        for group in item.teacher_groups:
            out[(f"Teacher group {group}", item.date)].append(_Engagement(item, False))
    return out


@check(RuleId.STAFF_ONE_PLACE_AT_A_TIME)
def check_staff_one_place_at_a_time(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Staff, helper groups and teacher groups are in two overlapping sessions or events only when both
    are duties sharing room, start and end."""
    for (person, _), engagements in _engagements(_index(scenario, rota)).items():
        for a, b in combinations(engagements, 2):
            x, y = a.item, b.item
            # One duty may cover several classes sharing a room, so only a different duty clashes.
            shared = a.duty and b.duty and x.room is not None and (x.room, x.span) == (y.room, y.span)
            if _overlap(x.span, y.span) and not shared:
                found.add(
                    f"{person} is in two places at once: {x.what} in {x.room or 'no library room'} "
                    f"and {y.what} in {y.room or 'no library room'}.",
                    x.id,
                    y.id,
                )


@check(RuleId.STAFF_DAILY_CAP)
def check_staff_daily_cap(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Nobody has more distinct duties (room, start, end) on a date, sessions and timed events
    together, than their max_sessions_per_day."""
    people = _people(scenario)
    for (person_id, day), engagements in _engagements(_index(scenario, rota)).items():
        person = people.get(person_id)
        cap = None if person is None else person.max_sessions_per_day
        if cap is None:
            continue
        duties = {(e.item.room or f"event {e.item.id}", *e.item.span) for e in engagements if e.duty}
        if len(duties) > cap:
            ids = (e.item.id for e in engagements if e.duty)
            found.add(f"{person_id} has {len(duties)} duties on {day}, over the cap of {cap}.", *ids)


@check(RuleId.HELPERS_OWN_CLASS_FREE)
def check_helpers_own_class_free(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """A helper group is never on duty at, or taking part in, anything while its own class is busy or in
    an overlapping session or event (an all-day event only stands in for its class's library sessions,
    so a few helpers may still keep their lunch duty)."""
    index = _index(scenario, rota)
    helpers = {g.id: g for g in scenario.helper_groups}
    classes = _classes(scenario)
    for item in index.items:
        for person_id in (*item.on_duty, *item.taking_part):
            group = helpers.get(person_id)
            if group is None:
                continue
            doing = "on" if person_id in item.on_duty else "taking part in"
            what = f"Helper group {group.id} is {doing} {item.what}"
            own = classes.get(group.class_id)
            for busy in (
                [] if own is None else _busy_during(scenario, own, item.follows, item.date, item.span)
            ):
                found.add(f"{what} while class {group.class_id} has {busy}.", item.id)
            # Literally "never": this includes a session of the helpers' own class that they staff
            # (but not an event their class attends with them).
            for other in index.by_date.get(item.date, []):
                # Staffing their own class's session counts; attending an event with their class does not.
                if (other is item and doing != "on") or group.class_id not in other.classes:
                    continue
                if _overlap(item.span, other.span):
                    found.add(f"{what} while class {group.class_id} is in {other.what}.", item.id, other.id)
