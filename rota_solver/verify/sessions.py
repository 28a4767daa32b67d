"""Sessions as dated items: on a school day, in the school's timezone, of a rule that applies,
in one of its windows, with unique ids."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from ..rota import Rota
from ..rules import RuleId
from ..scenario import (
    Scenario,
)
from ._common import (
    _calendar,
    _describe,
    _Found,
    _rule_class_ids,
    _rules,
    _school_days,
    _slot_problem,
    _span,
    check,
)


@check(RuleId.SESSION_ON_SCHOOL_DAY)
def check_session_on_school_day(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Each session is on a school day of the term and carries that day's timetable weekday,
    teaching week and week label."""
    calendar = _calendar(scenario)
    days = _school_days(scenario)
    off = {d.date: d for d in calendar.days_off}
    for s in rota.sessions:
        what = _describe(scenario, s)
        day = days.get(s.date)
        if day is None:
            why = f"{off[s.date].kind} {off[s.date].name}" if s.date in off else "not a school day"
            found.add(f"{what} is on {s.date}, which is {why}.", s.id)
            continue
        if s.follows != day.follows:
            found.add(f"{what} follows {s.follows}'s timetable, but {s.date} follows {day.follows}'s.", s.id)
        if s.teaching_week != day.teaching_week:
            found.add(f"{what} says teaching week {s.teaching_week}, not {day.teaching_week}.", s.id)
        label = calendar.week_label(day.cycle_week)
        if s.week_label != label:
            found.add(f"{what} is labelled week {s.week_label!r}, but {s.date} is week {label!r}.", s.id)


@check(RuleId.TIMES_IN_SCHOOL_TIMEZONE)
def check_times_in_school_timezone(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Start and end are aware times in the school's timezone, start on the session's date,
    and lie the rule's duration apart."""
    tz = scenario.school.tz
    rules = _rules(scenario)
    for s in rota.sessions:
        what = f"Session {s.id} (class {s.class_id}, {s.date})"
        aware = True
        for name, moment in (("start", s.start), ("end", s.end)):
            offset = moment.utcoffset()
            if offset is None:
                aware = False
                found.add(f"{what} has a {name} {moment} with no timezone.", s.id)
            elif offset != moment.astimezone(tz).utcoffset():
                found.add(f"{what} has {name} {moment.isoformat()}, not in {scenario.school.timezone}.", s.id)
        if s.start.date() != s.date:
            found.add(f"{what} starts on {s.start.date()}, not on its own date.", s.id)
        rule = rules.get(s.rule_id)
        # Aware minus naive raises, and an unknown rule is RuleMatchesSession's to report.
        if rule is not None and aware:
            length = s.end - s.start
            if length != dt.timedelta(minutes=rule.duration_minutes):
                minutes = length.total_seconds() / 60
                wanted = rule.duration_minutes
                found.add(f"{what} lasts {minutes:g} minutes, not rule {rule.id}'s {wanted}.", s.id)


@check(RuleId.RULE_MATCHES_SESSION)
def check_rule_matches_session(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Each session names an existing rule that applies to its class, in the rule's room and of its
    kind (kind `returns` for a returns session)."""
    rules = _rules(scenario)
    rule_classes = _rule_class_ids(scenario)
    for s in rota.sessions:
        what = _describe(scenario, s)
        rule = rules.get(s.rule_id)
        if rule is None:
            found.add(f"{what} names unknown rule {s.rule_id!r}.", s.id)
            continue
        if s.class_id not in rule_classes[rule.id]:
            found.add(f"{what}: rule {rule.id} does not apply to class {s.class_id}.", s.id)
        if s.room_id != rule.room:
            found.add(f"{what} is in room {s.room_id}, but rule {rule.id} uses {rule.room}.", s.id)
        kind = "returns" if s.origin == "returns" else rule.kind
        if s.kind != kind:
            whose = "a returns session" if s.origin == "returns" else f"rule {rule.id}"
            found.add(f"{what} is of kind {s.kind}, but {whose} is {kind}.", s.id)


@check(RuleId.SESSION_IN_ALLOWED_WINDOW)
def check_session_in_allowed_window(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Each session fills one slot of its named window, which is one of its rule's windows and
    exists on the weekday the date follows."""
    rules = _rules(scenario)
    windows = {w.id: w for w in scenario.windows}
    for s in rota.sessions:
        rule = rules.get(s.rule_id)
        if rule is None:
            continue
        what = _describe(scenario, s)
        window = windows.get(s.window_id)
        if window is None or s.window_id not in rule.windows:
            found.add(f"{what} is in window {s.window_id!r}, not in rule {rule.id}'s {rule.windows}.", s.id)
            continue
        if s.follows not in scenario.window_days(window):
            found.add(f"{what}: window {window.id} does not exist on {s.follows}.", s.id)
            continue
        problem = _slot_problem(
            scenario, window, s.date, _span(scenario, s), rule.duration_minutes, s.follows
        )
        if problem is not None:
            found.add(f"{what} {problem}.", s.id)


@check(RuleId.NO_DUPLICATE_SESSION_IDS)
def check_no_duplicate_session_ids(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Session ids are unique among sessions, and event ids among events."""
    for session_id, times in Counter(s.id for s in rota.sessions).items():
        if times > 1:
            found.add(f"Session id {session_id} is used by {times} sessions.", session_id)
    for event_id, times in Counter(e.id for e in rota.activities).items():
        if times > 1:
            found.add(f"Event id {event_id} is used by {times} events.", event_id)
