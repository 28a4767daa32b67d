"""Activities: each placed once per occurrence and participant instance, as the activity asks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..rota import ActivityEvent, Rota
from ..rules import RuleId
from ..scenario import (
    Activity,
    Scenario,
    StaffMember,
)
from ..term_calendar import SchoolDay
from ._common import (
    Span,
    _available,
    _busy_during,
    _calendar,
    _classes,
    _describe,
    _describe_event,
    _duty_problems,
    _event_span,
    _event_time_problems,
    _Found,
    _people,
    _school_days,
    _slot_problem,
    _span,
    _staffing_problems,
    _teacher_groups,
    _unmet_note,
    check,
)
from .index import _event_over, _first_event_per_class, _index


@dataclass(frozen=True)
class _Who:
    classes: frozenset[str]
    helper_groups: frozenset[str]
    staff: frozenset[str]
    teacher_groups: frozenset[str]

    def __str__(self) -> str:
        parts = [
            ("classes", self.classes),
            ("helper groups", self.helper_groups),
            ("staff", self.staff),
            ("teacher groups", self.teacher_groups),
        ]
        return "; ".join(f"{name} {', '.join(sorted(ids))}" for name, ids in parts if ids) or "nobody"


def _who_of(event: ActivityEvent) -> _Who:
    return _Who(
        frozenset(event.class_ids),
        frozenset(event.helper_group_ids),
        frozenset(event.participant_staff_ids),
        frozenset(event.teacher_group_ids),
    )


def _instances(scenario: Scenario, activity: Activity) -> list[tuple[str, _Who]]:
    """Who takes part in each of an activity's events per occurrence: each class, each teacher
    group, or everyone together."""
    who = activity.participants
    classes = [c.id for c in scenario.classes if c.grade in who.grades or c.id in who.classes]
    helpers = (
        [g.id for g in scenario.helper_groups] if who.helper_groups == "all" else list(who.helper_groups)
    )
    rest = (frozenset(helpers), frozenset(who.staff))
    if who.each_class:
        return [(f"class {c}", _Who(frozenset({c}), *rest, frozenset(who.teacher_groups))) for c in classes]
    if who.teacher_groups:
        return [
            (f"teacher group {t}", _Who(frozenset(classes), *rest, frozenset({t})))
            for t in who.teacher_groups
        ]
    return [("everyone", _Who(frozenset(classes), *rest, frozenset(who.teacher_groups)))]


def _occurrences(scenario: Scenario, activity: Activity) -> list[tuple[str, list[SchoolDay]]]:
    """Each occurrence of an activity: a label, and the school days it may take place on."""
    when = activity.when
    days = [
        d
        for d in _calendar(scenario).days
        if (when.month is None or d.date.month == when.month)
        and (when.start is None or when.start <= d.date)
        and (when.end is None or d.date <= when.end)
        and (when.weeks is None or d.teaching_week in when.weeks)
    ]
    if not days:
        return [("its allowed dates, which hold no school day", [])]
    groups: dict[tuple[int, int], list[SchoolDay]] = defaultdict(list)
    for d in days:
        if when.every_weeks is not None:
            groups[(0, (d.teaching_week - 1) // when.every_weeks)].append(d)
        elif when.monthly:
            groups[(d.date.year, d.date.month)].append(d)
        else:
            groups[(0, 0)].append(d)
    out = []
    for key, group in sorted(groups.items()):
        if when.every_weeks is not None:
            k = when.every_weeks
            weeks = f"{key[1] * k + 1}" if k == 1 else f"{key[1] * k + 1}-{key[1] * k + k}"
            label = f"teaching weeks {weeks}"
        elif when.monthly:
            label = f"{key[0]}-{key[1]:02d}"
        else:
            label = f"{group[0].date}..{group[-1].date}"
        out.append((label, group))
    return out


def _activity_event_problems(scenario: Scenario, activity: Activity, event: ActivityEvent) -> list[str]:
    """Ways one event of an activity is not as the activity asks: day, time, slot, room, staff, people."""
    days = _school_days(scenario)
    people = _people(scenario)
    classes = _classes(scenario)
    teachers = _teacher_groups(scenario)
    problems = []
    day = days.get(event.date)
    if day is None:
        problems.append(f"is on {event.date}, which is not a school day")
    elif event.follows != day.follows:
        problems.append(f"follows {event.follows}'s timetable, but {event.date} follows {day.follows}'s")
    if event.kind != activity.kind:
        problems.append(f"is of kind {event.kind}, but activity {activity.id} is {activity.kind}")
    if event.room_id != activity.room:
        problems.append(f"is in room {event.room_id}, but activity {activity.id} uses {activity.room}")
    span: Span | None = None
    if activity.all_day:
        if (
            not event.all_day
            or event.start is not None
            or event.end is not None
            or event.window_id is not None
        ):
            problems.append(f"has a time or window, but activity {activity.id} is all-day")
    elif event.all_day:
        problems.append(f"is all-day, but activity {activity.id} lasts {activity.duration_minutes} minutes")
    else:
        problems += _event_time_problems(scenario, event)
        span = _event_span(scenario, event)
    if span is not None:
        length = (span[1] - span[0]).total_seconds() / 60
        if length != activity.duration_minutes:
            problems.append(
                f"lasts {length:g} minutes, not activity {activity.id}'s {activity.duration_minutes}"
            )
        window = next((w for w in scenario.windows if w.id == event.window_id), None)
        if window is None or window.id not in activity.windows:
            problems.append(
                f"is in window {event.window_id!r}, not in activity {activity.id}'s {activity.windows}"
            )
        elif event.follows not in scenario.window_days(window):
            problems.append(f"is in window {window.id}, which does not exist on {event.follows}")
        else:
            slot = _slot_problem(
                scenario, window, event.date, span, activity.duration_minutes or 0, event.follows
            )
            if slot is not None:
                problems.append(slot)
    problems += _staffing_problems(people, event.staff_ids, activity.staffing, f"activity {activity.id}")
    problems += _duty_problems(scenario, people, event.staff_ids, event, span)
    if span is not None:
        for class_id in dict.fromkeys(event.class_ids):
            school_class = classes.get(class_id)
            if school_class is None:
                continue
            for busy in _busy_during(scenario, school_class, event.follows, event.date, span):
                problems.append(f"overlaps class {class_id}'s {busy} ({event.follows})")
        for group_id in dict.fromkeys(event.teacher_group_ids):
            group = teachers.get(group_id)
            if group is not None and not _available(
                scenario, group.availability, event.follows, event.date, span
            ):
                problems.append(f"has teacher group {group_id}, which is not free then ({event.follows})")
    for person_id in dict.fromkeys(event.participant_staff_ids):
        person = people.get(person_id)
        if not isinstance(person, StaffMember):
            continue
        if event.date in person.days_off:
            problems.append(f"has {person_id} taking part, but {person_id} has {event.date} off")
        if span is not None and not _available(
            scenario, person.availability, event.follows, event.date, span
        ):
            problems.append(f"has {person_id} taking part, but {person_id} is not available then")
    return problems


@check(RuleId.ACTIVITY_PLACED)
def check_activity_placed(scenario: Scenario, rota: Rota, found: _Found) -> None:
    """Each activity has one event per occurrence and participant instance, on an allowed school day,
    in a slot of its windows with its room, staffing and free participants, and before_first kept."""
    index = _index(scenario, rota)
    activities = {a.id: a for a in scenario.activities}
    for activity_id, events in index.activity_events.items():
        if activity_id not in activities:
            for event in events:
                found.add(
                    f"{_describe_event(scenario, event)} names unknown activity {activity_id!r}.", event.id
                )
    for activity in scenario.activities:
        events = index.activity_events.get(activity.id, [])
        occurrences = _occurrences(scenario, activity)
        occurrence_of = {d.date: i for i, (_, days) in enumerate(occurrences) for d in days}
        instances = _instances(scenario, activity)
        placed: dict[tuple[int, int], list[str]] = defaultdict(list)
        for event in events:
            what = _describe_event(scenario, event)
            for problem in _activity_event_problems(scenario, activity, event):
                found.add(f"{what} {problem}.", event.id)
            who = _who_of(event)
            instance = next((j for j, (_, expected) in enumerate(instances) if expected == who), None)
            if instance is None:
                expected = " or ".join(f"[{w}]" for _, w in instances)
                found.add(
                    f"{what} has [{who}] taking part, not activity {activity.id}'s {expected}.", event.id
                )
            occurrence = occurrence_of.get(event.date)
            if occurrence is None:
                found.add(f"{what} is outside activity {activity.id}'s allowed dates.", event.id)
            if instance is not None and occurrence is not None:
                placed[(occurrence, instance)].append(event.id)
        for i, (label, _) in enumerate(occurrences):
            for j, (who_label, _) in enumerate(instances):
                ids = placed.get((i, j), [])
                if not ids:
                    note = _unmet_note(rota, "activity", [activity.id])
                    found.add(
                        f"Activity {activity.id} is not placed for {who_label} in {label}{note}.",
                        listed_unmet=bool(note),
                    )
                elif len(ids) > 1:
                    found.add(
                        f"Activity {activity.id} is placed {len(ids)} times for {who_label} in {label}.", *ids
                    )
        if activity.before_first:
            for class_id, event in _first_event_per_class(scenario, events).items():
                over = _event_over(scenario, event)
                for rule_id in activity.before_first:
                    first = index.first_session.get((class_id, rule_id))
                    if first is not None and _span(scenario, first)[0] < over:
                        found.add(
                            f"Class {class_id}'s first rule {rule_id} {_describe(scenario, first)} "
                            f"starts before its {_describe_event(scenario, event)} is over.",
                            first.id,
                            event.id,
                        )
