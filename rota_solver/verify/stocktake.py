"""The stocktake: a final returns session on or before the day loans are due (loans_due, the last
day one may be held), no ordinary borrowing on or after that day, and the stocktake shifts staffed."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from ..rota import DatedSession, Rota
from ..rules import RuleId
from ..scenario import (
    Scenario,
    StocktakeShift,
)
from ._common import (
    _at,
    _calendar,
    _describe,
    _describe_event,
    _duty_problems,
    _event_span,
    _event_time_problems,
    _Found,
    _hhmm,
    _people,
    _rules,
    _staffing_problems,
    _unmet_note,
    check,
)
from .index import _index


@check(RuleId.RETURNS_BEFORE_DUE)
def check_returns_before_due(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """With a stocktake, each class of each borrowing rule has exactly one returns session in the
    returns_within_days up to loans_due, its last session of the rule; without one, there are none."""
    returns = [s for s in rota.sessions if s.origin == "returns"]
    stocktake = scenario.stocktake
    if stocktake is None:
        for s in returns:
            found.add(f"{_describe(scenario, s)} is a returns session, but there is no stocktake.", s.id)
        return
    borrowing = [r for r in scenario.rules if r.kind == "borrowing"]
    borrowing_ids = {r.id for r in borrowing}
    first = stocktake.loans_due - dt.timedelta(days=stocktake.returns_within_days - 1)
    by_key: dict[tuple[str, str], list[DatedSession]] = defaultdict(list)
    for s in returns:
        if s.rule_id not in borrowing_ids:
            found.add(f"{_describe(scenario, s)} is a returns session of a rule that is not borrowing.", s.id)
            continue
        by_key[(s.rule_id, s.class_id)].append(s)
        if not first <= s.date <= stocktake.loans_due:
            found.add(
                f"{_describe(scenario, s)} is not within {first}..{stocktake.loans_due}, the "
                f"{stocktake.returns_within_days} days up to loans_due.",
                s.id,
            )
    for rule in borrowing:
        for school_class in scenario.rule_classes(rule):
            got = by_key.get((rule.id, school_class.id), [])
            who = f"Class {school_class.id}, rule {rule.id},"
            if len(got) == 1:
                # The returns session is the final one: no borrowing after it.
                later = [
                    s.id
                    for s in rota.sessions
                    if s.class_id == school_class.id
                    and s.rule_id == rule.id
                    and s.origin != "returns"
                    and s.start >= got[0].end
                ]
                if later:
                    found.add(f"{who} still borrows after its final returns session {got[0].id}.", *later)
                continue
            if not got:
                subjects = [school_class.id, f"returns.{school_class.id}", f"{school_class.id}/{rule.id}"]
                note = _unmet_note(rota, "returns", subjects)
                found.add(
                    f"{who} has no returns session by {stocktake.loans_due}, the day loans are due{note}.",
                    listed_unmet=bool(note),
                )
            else:
                found.add(f"{who} has {len(got)} returns sessions, not one.", *(s.id for s in got))


@check(RuleId.NO_BORROWING_DURING_STOCKTAKE)
def check_no_borrowing_during_stocktake(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """No borrowing session from loans_due on, no session at all on a stocktake day unless reading
    continues, and every stocktake day has each shift's event, spanning its window, staffed as asked."""
    index = _index(scenario, rota)
    stocktake = scenario.stocktake
    if stocktake is None:
        for event in index.shifts:
            found.add(
                f"{_describe_event(scenario, event)} is a stocktake shift, but there is no stocktake.",
                event.id,
            )
        return
    rules = _rules(scenario)
    for s in rota.sessions:
        rule = rules.get(s.rule_id)
        if rule is None:
            continue
        what = _describe(scenario, s)
        if rule.kind == "borrowing" and s.origin != "returns" and s.date >= stocktake.loans_due:
            found.add(f"{what} borrows on or after loans_due {stocktake.loans_due}.", s.id)
        elif not stocktake.reading_continues and stocktake.start <= s.date <= stocktake.end:
            found.add(f"{what} is on a stocktake day ({stocktake.start}..{stocktake.end}).", s.id)

    people = _people(scenario)
    days = {d.date: d for d in _calendar(scenario).days if stocktake.start <= d.date <= stocktake.end}
    shift_of: dict[str, StocktakeShift] = {}
    for shift in stocktake.shifts:
        shift_of.setdefault(shift.window, shift)
    got: Counter[tuple[dt.date, str]] = Counter()
    for event in index.shifts:
        what = _describe_event(scenario, event)
        day = days.get(event.date)
        if day is None:
            found.add(
                f"{what} is not on a stocktake school day ({stocktake.start}..{stocktake.end}).", event.id
            )
            continue
        if event.follows != day.follows:
            found.add(
                f"{what} follows {event.follows}'s timetable, but {event.date} follows {day.follows}'s.",
                event.id,
            )
        matched = shift_of.get(event.window_id or "")
        if matched is None:
            found.add(f"{what} is in window {event.window_id!r}, which no stocktake shift covers.", event.id)
            continue
        got[(event.date, matched.window)] += 1
        problems = [] if event.all_day else _event_time_problems(scenario, event)
        span = _event_span(scenario, event)
        window = scenario.window(matched.window)
        opens, closes = scenario.window_span(window, event.follows)
        if span is None:
            problems.append(f"has no start and end; the shift spans {_hhmm(opens)}-{_hhmm(closes)}")
        elif span != (_at(event.date, opens), _at(event.date, closes)):
            shown = f"{_hhmm(span[0])}-{_hhmm(span[1])}"
            problems.append(f"spans {shown}, not window {window.id}'s {_hhmm(opens)}-{_hhmm(closes)}")
        asker = f"the stocktake shift in window {window.id}"
        problems += _staffing_problems(people, event.staff_ids, matched.staffing, asker)
        problems += _duty_problems(scenario, people, event.staff_ids, event, span)
        for problem in problems:
            found.add(f"{what} {problem}.", event.id)
    wanted = Counter(shift.window for shift in stocktake.shifts)
    for day in sorted(days.values(), key=lambda d: d.date):
        for window_id, count in wanted.items():
            # A shift's window that does not exist on the day's timetable weekday has no shift that day.
            if day.follows not in scenario.window_days(scenario.window(window_id)):
                continue
            placed = got[(day.date, window_id)]
            if placed != count:
                note = _unmet_note(
                    rota, "stocktake_shift", [f"stocktake.{day.date.isoformat()}", "stocktake"]
                )
                found.add(
                    f"Stocktake day {day.date} has {placed} shift events in window {window_id}, "
                    f"not {count}{note}.",
                    listed_unmet=bool(note),
                )
