"""Requirement groups: which constraints belong to which named group, and each group in words.

A group is ``(kind, *subject ids)``; the hard rules name the group of every constraint they add
(``RotaModel.group``). Here the weekly model is built with those names recorded, and every
constraint of a group gets the group's literal as an enforcement literal: with the literal true
the group holds, with it free the solver may drop the group.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import get_args

from ortools.sat.python import cp_model

from ..conflict import ConflictGroup, GroupKind
from ..model.hard_rules import HARD_RULES, HardRule
from ..model.variables import GroupKey, RotaModel, build_variables
from ..scenario import Scenario
from ..slots import class_ever_free_at, rule_slots
from .words import Words


@dataclass
class Guarded:
    """The weekly model with one literal per requirement group, and no objective."""

    rm: RotaModel
    literals: dict[GroupKey, cp_model.IntVar]


def build_guarded(scenario: Scenario, hard_rules: Sequence[HardRule] = HARD_RULES) -> Guarded:
    rm = build_variables(scenario, tagging=True)
    for hard_rule in hard_rules:
        hard_rule(rm)
    literals: dict[GroupKey, cp_model.IntVar] = {}
    constraints = rm.model.proto.constraints
    for key, start, end in rm.tagged:
        if key not in literals:
            literals[key] = rm.model.new_bool_var("group[" + "|".join(key) + "]")
        index = literals[key].index
        for i in range(start, end):
            constraints[i].enforcement_literal.append(index)
    return Guarded(rm, literals)


def describe(scenario: Scenario, key: GroupKey, words: Words | None = None) -> ConflictGroup:
    """The group with its figures, in the school's language."""
    w = words or Words(scenario)
    kind, subject = key[0], list(key[1:])
    return ConflictGroup(kind=_kind(kind), subject=subject, detail=_detail(scenario, w, key))


def _kind(kind: str) -> GroupKind:
    return next(k for k in get_args(GroupKind) if k == kind)


def _detail(scenario: Scenario, w: Words, key: GroupKey) -> str:
    kind = key[0]
    rules = {r.id: r for r in scenario.rules}
    if kind == "demand":
        rule = rules[key[1]]
        return w.say(
            "demand",
            cls=w.cls(key[2]),
            freq=w.freq(rule),
            rule=w.rule(rule),
            minutes=rule.duration_minutes,
            room=w.room(rule.room),
            windows=w.windows(rule.windows),
        )
    if kind == "spacing":
        rule = rules[key[1]]
        return w.say("spacing", rule=w.rule(rule), days=rule.spacing.min_days_apart)
    if kind == "phases":
        rule = rules[key[1]]
        n = len(scenario.rule_classes(rule))
        k = rule.frequency.weeks
        return w.say("phases", rule=w.rule(rule), n=n, k=k, high=-(-n // k))
    if kind == "timetable":
        school_class = scenario.school_class(key[1])
        own_rules = [r for r in scenario.rules if school_class in scenario.rule_classes(r)]
        slots = sorted({s for r in own_rules for s in rule_slots(scenario, r)})
        free = [s for s in slots if any(class_ever_free_at(scenario, school_class, s, r) for r in own_rules)]
        which = w.say("which", slots=w.listing([w.slot(s) for s in free])) if free else ""
        return w.say("timetable", cls=school_class.label, free=len(free), total=len(slots), which=which)
    if kind == "room":
        return w.say("room", room=w.room(key[1]), k=scenario.room(key[1]).classes_at_once)
    if kind == "seats":
        return w.say("seats", room=w.room(key[1]), seats=scenario.room(key[1]).seats)
    if kind == "staffing":
        rule = rules[key[1]]
        return w.say("staffing", rule=w.rule(rule), n=rule.staffing.get(key[2], 0), role=w.role(key[2]))
    if kind == "staff":
        return _staff_detail(scenario, w, key[1])
    if kind == "pin":
        return w.pin(key)
    if kind == "helper_class":
        group = next(g for g in scenario.helper_groups if g.id == key[1])
        own = scenario.school_class(group.class_id)
        busy = [
            f"{w.labels.weekday(b.day)} {scenario.busy_span(b)[0]:%H:%M}–{scenario.busy_span(b)[1]:%H:%M}"
            + (f" {b.what}" if b.what else "")
            for b in own.busy
        ]
        return w.say(
            "helper_class",
            name=group.name or group.id,
            cls=own.label,
            busy=w.listing(busy) if busy else w.say("no_lessons"),
        )
    return _term_detail(scenario, w, key)


def _staff_detail(scenario: Scenario, w: Words, person_id: str) -> str:
    member = next((m for m in scenario.staff if m.id == person_id), None)
    if member is not None:
        cap = w.say("cap", cap=member.max_sessions_per_day) if member.max_sessions_per_day else ""
        return w.say(
            "staff_member", name=member.name or member.id, hours=w.hours(member.availability), cap=cap
        )
    group = next(g for g in scenario.helper_groups if g.id == person_id)
    cap = w.say("cap", cap=group.max_sessions_per_day) if group.max_sessions_per_day else ""
    return w.say("staff_helpers", name=group.name or group.id, windows=w.windows(group.windows), cap=cap)


def _term_detail(scenario: Scenario, w: Words, key: GroupKey) -> str:
    if key[0] == "activity":
        activity_id, _, rest = key[1].partition(".")
        activity = next(a for a in scenario.activities if a.id == activity_id)
        who_ids = rest.split(".")[1:]
        name = activity.name or activity.id
        who = [w.cls(c) if c in {x.id for x in scenario.classes} else c for c in who_ids]
        what = w.say("what_for", activity=name, who=w.labels.join(who)) if who else name
        when = activity.when
        if when.weeks is not None:
            period = w.say("in_weeks", weeks=w.labels.join([str(n) for n in when.weeks]))
        elif when.month is not None:
            period = w.say("in_month", month=when.month)
        elif when.start is not None and when.end is not None:
            period = w.say("between", first=w.date(when.start), last=w.date(when.end))
        else:
            period = w.say("in_term")
        if activity.all_day:
            return w.say("activity_all_day", what=what, when=period)
        text = w.say(
            "activity",
            what=what,
            when=period,
            windows=w.windows(activity.windows),
            minutes=activity.duration_minutes,
        )
        if activity.before_first:
            text += w.say("before_first", rules=w.labels.join([w.rule_id(r) for r in activity.before_first]))
        return text
    if key[0] == "returns":
        stocktake = scenario.stocktake
        assert stocktake is not None
        rule = next(r for r in scenario.rules if r.id == key[1])
        first = stocktake.loans_due - dt.timedelta(days=stocktake.returns_within_days - 1)
        return w.say(
            "returns",
            cls=w.cls(key[2]),
            rule=w.rule(rule),
            first=w.date(first),
            last=w.date(stocktake.loans_due),
            windows=w.windows(rule.windows),
        )
    stocktake = scenario.stocktake
    assert stocktake is not None
    _, day, index = key[1].split(".")
    shift = stocktake.shifts[int(index) - 1]
    staffing = w.labels.join(
        [w.say("staffing_list", n=n, role=w.role(role)) for role, n in shift.staffing.items() if n]
    )
    return w.say(
        "shift", date=w.date(dt.date.fromisoformat(day)), window=w.window(shift.window), staffing=staffing
    )
