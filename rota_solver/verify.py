"""An independent check of a rota against the scenario's hard rules.

Plain Python over the dated sessions and placed events, sharing no code with the CP-SAT models,
so that a modelling mistake in the solver cannot hide itself: every rule is restated here from
the scenario and the term calendar alone.

Sessions of every origin (weekly pattern, make-up, returns) obey the same slot, class, room and
staff rules; timed activity events and stocktake shifts share the classes, rooms and people with
them. An all-day event takes its classes away for the day and gives its room over to it.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from .rota import ActivityEvent, DatedSession, LostSession, Rota
from .scenario import (
    Activity,
    Availability,
    GradeRule,
    HelperGroup,
    Scenario,
    SchoolClass,
    StaffMember,
    StocktakeShift,
    TeacherGroup,
    Weekday,
    Window,
)
from .term_calendar import SchoolDay, TermCalendar, build_term_calendar


@dataclass(frozen=True)
class Violation:
    """One broken hard rule."""

    rule: str
    """The check's rule name, e.g. ``ClassNotBusy``."""
    message: str
    """One sentence for a human, naming class/staff/date/time."""
    session_ids: tuple[str, ...] = ()
    """Ids of the sessions (and activity events) concerned."""

    @property
    def listed_unmet(self) -> bool:
        """The rota itself lists this requirement as unmet: still a violation, but not a hidden one."""
        return self.message.endswith(_UNMET_NOTE + ".") or self.message.endswith(_UNMET_NOTE)


Check = Callable[[Scenario, Rota], list[Violation]]
Person = StaffMember | HelperGroup
Span = tuple[dt.datetime, dt.datetime]

_DAY = dt.timedelta(days=1)


# --- shared helpers ----------------------------------------------------------

_calendar_cache: list[tuple[Scenario, TermCalendar]] = []


def _calendar(scenario: Scenario) -> TermCalendar:
    # Several checks need the calendar; scenarios are frozen, so caching by identity is safe.
    for cached, calendar in _calendar_cache:
        if cached is scenario:
            return calendar
    calendar = build_term_calendar(scenario)
    _calendar_cache[:] = [(scenario, calendar)]
    return calendar


def _local(scenario: Scenario, moment: dt.datetime) -> dt.datetime:
    """Naive wall-clock time in the school's timezone; a naive input is taken as already local."""
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=None)
    # Converting (rather than dropping the offset) keeps the other checks meaningful when only
    # the timezone is wrong; TimesInSchoolTimezone reports that on its own.
    return moment.astimezone(scenario.school.tz).replace(tzinfo=None)


def _span(scenario: Scenario, session: DatedSession) -> Span:
    return _local(scenario, session.start), _local(scenario, session.end)


def _event_span(scenario: Scenario, event: ActivityEvent) -> Span | None:
    """Local start and end of a timed event; None for an all-day one (or one missing a time)."""
    if event.all_day or event.start is None or event.end is None:
        return None
    return _local(scenario, event.start), _local(scenario, event.end)


def _overlap(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _hhmm(moment: dt.datetime | dt.time) -> str:
    return moment.strftime("%H:%M")


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t)


def _describe(scenario: Scenario, session: DatedSession) -> str:
    start, end = _span(scenario, session)
    return (
        f"session {session.id} (class {session.class_id}, rule {session.rule_id}, "
        f"{session.date.isoformat()} {_hhmm(start)}-{_hhmm(end)})"
    )


def _describe_event(scenario: Scenario, event: ActivityEvent) -> str:
    span = _event_span(scenario, event)
    when = "all day" if span is None else f"{_hhmm(span[0])}-{_hhmm(span[1])}"
    return f"event {event.id} ({event.activity_id}, {event.date.isoformat()} {when})"


def _rules(scenario: Scenario) -> dict[str, GradeRule]:
    return {r.id: r for r in scenario.rules}


def _classes(scenario: Scenario) -> dict[str, SchoolClass]:
    return {c.id: c for c in scenario.classes}


def _people(scenario: Scenario) -> dict[str, Person]:
    people: dict[str, Person] = {m.id: m for m in scenario.staff}
    people.update({g.id: g for g in scenario.helper_groups})
    return people


def _teacher_groups(scenario: Scenario) -> dict[str, TeacherGroup]:
    return {t.id: t for t in scenario.teacher_groups}


def _school_days(scenario: Scenario) -> dict[dt.date, SchoolDay]:
    return {d.date: d for d in _calendar(scenario).days}


def _rule_class_ids(scenario: Scenario) -> dict[str, set[str]]:
    return {r.id: {c.id for c in scenario.rule_classes(r)} for r in scenario.rules}


def _teaching_week_lookup(scenario: Scenario) -> Callable[[dt.date], int | None]:
    """Teaching week of any date: from the calendar's school days and days off, else from
    another day of the same Monday-to-Sunday week (so a session misplaced on a weekend still
    counts in its week and only SessionOnSchoolDay reports it)."""
    calendar = _calendar(scenario)
    by_date = {d.date: d.teaching_week for d in calendar.days}
    by_date.update({d.date: d.teaching_week for d in calendar.days_off if d.date not in by_date})
    by_monday: dict[dt.date, int] = {}
    for day, week in sorted(by_date.items()):
        by_monday.setdefault(day - dt.timedelta(days=day.weekday()), week)

    def lookup(day: dt.date) -> int | None:
        if day in by_date:
            return by_date[day]
        return by_monday.get(day - dt.timedelta(days=day.weekday()))

    return lookup


def _is_makeup(scenario: Scenario, day: SchoolDay) -> bool:
    return day.makeup


def _busy_during(
    scenario: Scenario, school_class: SchoolClass, follows: Weekday, day: dt.date, span: Span
) -> list[str]:
    """Busy periods of the class on the timetable weekday ``follows`` that overlap ``span`` on ``day``."""
    found = []
    for busy in school_class.busy:
        if busy.day != follows or not busy.applies_on(day):
            continue
        start, end = scenario.busy_span(busy)
        if _overlap(span, (_at(day, start), _at(day, end))):
            label = busy.what or busy.period or "a lesson"
            found.append(f"{label} {_hhmm(start)}-{_hhmm(end)}")
    return found


def _busy_on(scenario: Scenario, school_class: SchoolClass, session: DatedSession) -> list[str]:
    """Busy periods of the class on the session's timetable weekday that overlap the session."""
    return _busy_during(scenario, school_class, session.follows, session.date, _span(scenario, session))


def _available(
    scenario: Scenario, hours: Sequence[Availability], follows: Weekday, day: dt.date, span: Span
) -> bool:
    """Whether one of the weekly ``hours`` covers ``span`` on a day following ``follows``."""
    return any(
        follows in (a.days if a.days is not None else scenario.term.weekdays)
        and _at(day, a.start) <= span[0]
        and span[1] <= _at(day, a.end)
        for a in hours
    )


def _slot_problem(scenario: Scenario, window: Window, day: dt.date, span: Span, duration: int) -> str | None:
    """Why ``span`` is not one slot of ``window`` for something ``duration`` minutes long, if it is not."""
    start, end = span
    if window.periods is not None:
        bells = [scenario.period(p) for p in window.periods]
        fits = any(start == _at(day, b.start) and end <= _at(day, b.end) for b in bells)
        slots = ", ".join(f"{_hhmm(b.start)}-{_hhmm(b.end)}" for b in bells)
    else:
        opens, closes = scenario.window_span(window)
        step = dt.timedelta(minutes=duration)
        fits = (
            _at(day, opens) <= start
            and end <= _at(day, closes)
            and (start - _at(day, opens)) % step == dt.timedelta(0)
        )
        slots = f"{duration}-minute slots from {_hhmm(opens)} to {_hhmm(closes)}"
    return None if fits else f"is not one slot of window {window.id} ({slots})"


def _staffing_problems(
    people: dict[str, Person], staff_ids: Sequence[str], asked: dict[str, int], asker: str
) -> list[str]:
    """Ways ``staff_ids`` differ from the staffing ``asker`` asks for, by role: each a predicate phrase."""
    problems = []
    for person_id, times in sorted(Counter(staff_ids).items()):
        if times > 1:
            problems.append(f"lists {person_id} {times} times")
    unique = list(dict.fromkeys(staff_ids))
    unknown = [p for p in unique if p not in people]
    if unknown:
        problems.append(f"names unknown staff {', '.join(unknown)}")
    roles = Counter(people[p].role for p in unique if p in people)
    for role, count in sorted(roles.items()):
        if role not in asked:
            problems.append(f"has {count} {role} staff, a role {asker} does not ask for")
    for role, count in asked.items():
        if roles[role] != count:
            problems.append(f"has {roles[role]} {role} staff; {asker} asks for {count}")
    return problems


def _duty_problems(
    scenario: Scenario,
    people: dict[str, Person],
    staff_ids: Sequence[str],
    event: ActivityEvent,
    span: Span | None,
) -> list[str]:
    """Why the people on duty at an event could not be: days off, weekly hours, helper windows."""
    problems = []
    for person_id in dict.fromkeys(staff_ids):
        person = people.get(person_id)
        if isinstance(person, HelperGroup):
            if event.window_id not in person.windows:
                problems.append(f"has helper group {person.id} on duty outside its windows {person.windows}")
        elif person is not None:
            if event.date in person.days_off:
                problems.append(f"has {person.id} on duty, but {person.id} has {event.date} off")
            if span is not None and not _available(
                scenario, person.availability, event.follows, event.date, span
            ):
                problems.append(
                    f"has {person.id} on duty, but {person.id} is not available then ({event.follows})"
                )
    return problems


def _event_time_problems(scenario: Scenario, event: ActivityEvent) -> list[str]:
    """Ways a timed event's start and end are not aware times in the school's timezone on its date."""
    problems = []
    for name, moment in (("start", event.start), ("end", event.end)):
        if moment is None:
            problems.append(f"has no {name}")
            continue
        offset = moment.utcoffset()
        if offset is None:
            problems.append(f"has a {name} {moment} with no timezone")
        elif offset != moment.astimezone(scenario.school.tz).utcoffset():
            problems.append(f"has {name} {moment.isoformat()}, not in {scenario.school.timezone}")
    if event.start is not None and event.start.date() != event.date:
        problems.append(f"starts on {event.start.date()}, not on its own date")
    return problems


def _group(
    sessions: Iterable[DatedSession], key: Callable[[DatedSession], object]
) -> list[list[DatedSession]]:
    groups: dict[object, list[DatedSession]] = defaultdict(list)
    for session in sessions:
        groups[key(session)].append(session)
    return list(groups.values())


_UNMET_NOTE = " (the rota lists it as unmet, which excuses nothing)"


def _unmet_note(rota: Rota, kind: str, subjects: Iterable[str]) -> str:
    """A note for a violation the rota itself lists as unmet: a confession, not an excuse."""
    wanted = tuple(subjects)
    listed = any(
        u.kind == kind and any(u.subject == w or u.subject.startswith((f"{w}.", f"{w}/")) for w in wanted)
        for u in rota.unmet
    )
    return _UNMET_NOTE if listed else ""


class _Found:
    """Collects one check's violations under its rule name."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.violations: list[Violation] = []

    def add(self, message: str, *session_ids: str) -> None:
        # Descriptions are lower-case for use mid-sentence; ids (staff, classes) keep their case.
        if message.startswith(("session ", "event ")):
            message = message[0].upper() + message[1:]
        self.violations.append(Violation(self.rule, message, session_ids))


# --- everything that takes time, rooms and people: sessions and timed events -------------------


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


# --- the checks --------------------------------------------------------------


def check_session_on_school_day(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Each session is on a school day of the term and carries that day's timetable weekday,
    teaching week and week label."""
    found = _Found("SessionOnSchoolDay")
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
    return found.violations


def check_times_in_school_timezone(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Start and end are aware times in the school's timezone, start on the session's date,
    and lie the rule's duration apart."""
    found = _Found("TimesInSchoolTimezone")
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
    return found.violations


def check_rule_matches_session(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Each session names an existing rule that applies to its class, in the rule's room and of its
    kind (kind `returns` for a returns session)."""
    found = _Found("RuleMatchesSession")
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
    return found.violations


def check_session_in_allowed_window(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Each session fills one slot of its named window, which is one of its rule's windows and
    exists on the weekday the date follows."""
    found = _Found("SessionInAllowedWindow")
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
        problem = _slot_problem(scenario, window, s.date, _span(scenario, s), rule.duration_minutes)
        if problem is not None:
            found.add(f"{what} {problem}.", s.id)
    return found.violations


def check_class_not_busy(scenario: Scenario, rota: Rota) -> list[Violation]:
    """No session overlaps a busy period of its class on the weekday the date follows."""
    found = _Found("ClassNotBusy")
    classes = _classes(scenario)
    for s in rota.sessions:
        school_class = classes.get(s.class_id)
        if school_class is None:
            continue
        for busy in _busy_on(scenario, school_class, s):
            found.add(f"{_describe(scenario, s)} overlaps class {s.class_id}'s {busy} ({s.follows}).", s.id)
    return found.violations


def check_class_one_session_at_a_time(scenario: Scenario, rota: Rota) -> list[Violation]:
    """A class is never in two overlapping sessions or timed events, nor in any on the day of its
    all-day event."""
    found = _Found("ClassOneSessionAtATime")
    index = _index(scenario, rota)
    for day, items in index.by_date.items():
        per_class: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            for class_id in item.classes:
                per_class[class_id].append(item)
        for class_id, group in per_class.items():
            for a, b in combinations(group, 2):
                if _overlap(a.span, b.span):
                    found.add(f"Class {class_id} is in {a.what} and {b.what} at once.", a.id, b.id)
        for event in index.all_day.get(day, []):
            for class_id in dict.fromkeys(event.class_ids):
                for item in per_class.get(class_id, []):
                    all_day = _describe_event(scenario, event)
                    found.add(
                        f"Class {class_id} is at all-day {all_day}, but also in {item.what}.",
                        item.id,
                        event.id,
                    )
    return found.violations


def check_room_capacity(scenario: Scenario, rota: Rota) -> list[Violation]:
    """At any moment a room holds at most classes_at_once classes (an event without classes counting
    as one) and at most seats people, and no session is held in a room given over to an all-day event."""
    found = _Found("RoomCapacity")
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
                pupils = sum(classes[c].size for c in class_ids if c in classes)
                staff_room = sum(
                    teachers[t].members for item in present for t in item.teacher_groups if t in teachers
                )
                problems = []
                if len(units) > room.classes_at_once:
                    names = ", ".join(units)
                    noun = "classes" if len(units) == len(class_ids) else "classes and events"
                    problems.append(f"{len(units)} {noun} ({names}), room for {room.classes_at_once}")
                if pupils + staff_room > room.seats:
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
    return found.violations


class _LostReasons:
    """Whether a pattern session was lost for a reason of the kind its entry names."""

    def __init__(self, scenario: Scenario, rota: Rota) -> None:
        calendar = _calendar(scenario)
        index = _index(scenario, rota)
        self.scenario = scenario
        self.days_off = {d.date for d in calendar.days_off}
        self.school_days = {d.date for d in calendar.days}
        self.closed: dict[dt.date, set[str]] = defaultdict(set)
        for room in scenario.rooms:
            for closure in room.closed:
                day = closure.start
                while day <= closure.last:
                    self.closed[day].add(room.id)
                    day += dt.timedelta(days=1)
        self.week_of = _teaching_week_lookup(scenario)
        self.changeover_week = self.week_of(rota.frozen_before) if rota.frozen_before else None
        self.away: dict[dt.date, set[str]] = defaultdict(set)
        for member in scenario.staff:
            for day in member.days_off:
                self.away[day].add(member.role)
        self.event_classes: dict[dt.date, set[str]] = defaultdict(set)
        self.event_rooms: dict[dt.date, set[str]] = defaultdict(set)
        for day, events in index.all_day.items():
            for event in events:
                self.event_classes[day].update(event.class_ids)
                if event.room_id is not None:
                    self.event_rooms[day].add(event.room_id)
        # (class, rule) -> when each before_first activity's first event for the class is over.
        self.first_over: dict[tuple[str, str], list[dt.datetime]] = defaultdict(list)
        for activity in scenario.activities:
            if not activity.before_first:
                continue
            firsts = _first_event_per_class(scenario, index.activity_events.get(activity.id, []))
            for class_id, event in firsts.items():
                for rule_id in activity.before_first:
                    self.first_over[(class_id, rule_id)].append(_event_over(scenario, event))

    def ok(self, rule: GradeRule, entry: LostSession) -> bool:
        day = entry.date
        if entry.cause == "stocktake":
            stocktake = self.scenario.stocktake
            if stocktake is None:
                return False
            if rule.kind == "borrowing":
                return day >= stocktake.loans_due
            return not stocktake.reading_continues and stocktake.start <= day <= stocktake.end
        if entry.cause == "activity":
            if entry.class_id in self.event_classes.get(day, set()) or rule.room in self.event_rooms.get(
                day, set()
            ):
                return True
            start = _at(day, entry.start)
            return any(start < over for over in self.first_over.get((entry.class_id, rule.id), []))
        if day in self.days_off:
            return True
        if day not in self.school_days:
            return False
        if entry.cause == "room_closed":
            return rule.room in self.closed.get(day, set())
        if entry.cause == "pattern_change":
            # Only in the week a rerun takes effect, where the old table's sessions already held
            # leave the new one no room for this one.
            return self.changeover_week is not None and self.week_of(day) == self.changeover_week
        needed = {role for role, count in rule.staffing.items() if count > 0}
        return bool(needed & self.away.get(day, set()))


def _balance(placed: Counter[int], unplaced: int, phases: int, weeks: int) -> Counter[int]:
    """Classes per phase, spreading the classes with no session over the phases they may be in."""
    counts = Counter({p: placed[p] for p in range(phases)})
    # A class with nothing this term can only rightly be in a phase without teaching weeks
    # (anywhere else the coverage check already failed); filling the emptiest phase first is
    # the kindest reading.
    allowed = [p for p in range(phases) if p >= weeks] or list(range(phases))
    for _ in range(unplaced):
        counts[min(allowed, key=lambda p: (counts[p], p))] += 1
    return counts


def check_room_open(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Nothing takes place in a room on a date it is closed."""
    found = _Found("RoomOpen")
    rooms = {r.id: r for r in scenario.rooms}
    for s in rota.sessions:
        room = rooms.get(s.room_id)
        if room is not None and any(c.start <= s.date <= c.last for c in room.closed):
            found.add(f"{_describe(scenario, s)} is in room {room.id}, closed that day.", s.id)
    for event in rota.activities:
        room = rooms.get(event.room_id or "")
        if room is not None and any(c.start <= event.date <= c.last for c in room.closed):
            found.add(f"{_describe_event(scenario, event)} is in room {room.id}, closed that day.", event.id)
    return found.violations


def check_frequency(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every class gets its rule's sessions in every teaching week of its phase (held, made up, or
    lost for a reason), phases are balanced across the rule's classes, and no session is lost without
    reason."""
    found = _Found("Frequency")
    calendar = _calendar(scenario)
    week_of = _teaching_week_lookup(scenario)
    rules = _rules(scenario)
    rule_classes = _rule_class_ids(scenario)
    reasons = _LostReasons(scenario, rota)
    weeks = range(1, calendar.teaching_weeks + 1)

    # Pattern sessions and lost ones set a class's phase; make-ups and returns are extra by design.
    pattern: dict[tuple[str, str], list[int]] = defaultdict(list)
    extra: dict[tuple[str, str], list[int]] = defaultdict(list)
    # Pattern sessions on ordinary days: a make-up day repeats another weekday, so only these are capped.
    ordinary: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    makeup_dates = {d.date for d in calendar.days if d.makeup}
    for s in rota.sessions:
        week = week_of(s.date)
        if week is None:
            continue
        key = (s.rule_id, s.class_id)
        if s.origin != "pattern":
            extra[key].append(week)
            continue
        pattern[key].append(week)
        if s.date not in makeup_dates:
            ordinary[key][week] += 1
    for entry in rota.lost:
        rule = rules.get(entry.rule_id)
        when = f"{entry.date} {_hhmm(entry.start)}"
        what = f"Lost session of class {entry.class_id}, rule {entry.rule_id} on {when}"
        if rule is None or entry.class_id not in rule_classes[rule.id]:
            found.add(f"{what} matches no rule of that class.")
            continue
        if not reasons.ok(rule, entry):
            # It does not excuse a missing session either, so it is not counted below.
            found.add(f"{what} is lost for no reason of its kind ({entry.cause}).")
            continue
        week = week_of(entry.date)
        if week is not None:
            pattern[(rule.id, entry.class_id)].append(week)

    for rule in scenario.rules:
        n, k = rule.frequency.sessions, rule.frequency.weeks
        placed: Counter[int] = Counter()
        unplaced = 0
        for school_class in scenario.rule_classes(rule):
            key = (rule.id, school_class.id)
            phased = Counter(pattern[key])
            per_week = phased + Counter(extra[key])
            who = f"Class {school_class.id}, rule {rule.id},"
            for week, count in sorted(ordinary[key].items()):
                if count > n:
                    found.add(f"{who} has {count} sessions in teaching week {week}, more than {n}.")
            if k == 1:
                for week in weeks:
                    if per_week[week] < n:
                        got = per_week[week]
                        found.add(f"{who} has {got} of {n} sessions (held or lost) in teaching week {week}.")
                continue
            if not phased:
                # With fewer teaching weeks than k, a class may rightly be in a phase with no week; and
                # in a short term its only session may have become the final returns session.
                if len(weeks) >= k and not extra[key]:
                    found.add(f"{who} has no session at all this term (one every {k} weeks).")
                unplaced += 1
                continue
            phase = (min(phased) - 1) % k
            placed[phase] += 1
            if any((w - 1) % k != phase for w in phased):
                found.add(f"{who} has sessions in teaching weeks {sorted(phased)}, not 1 in {k} weeks.")
            for week in weeks:
                if (week - 1) % k == phase and per_week[week] < 1:
                    found.add(f"{who} has no session (held or lost) in teaching week {week} of its phase.")
        if k > 1:
            counts = _balance(placed, unplaced, k, len(weeks))
            if max(counts.values()) - min(counts.values()) > 1:
                spread = ", ".join(f"{counts[p]} in phase {p + 1}" for p in range(k))
                found.add(f"Rule {rule.id} spreads its classes unevenly over its {k}-week cycle: {spread}.")
    return found.violations


def check_spacing(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Two pattern sessions of one class and rule in one teaching week, both on ordinary days, are at
    least the rule's min_days_apart calendar days apart."""
    found = _Found("Spacing")
    rules = _rules(scenario)
    days = _school_days(scenario)
    week_of = _teaching_week_lookup(scenario)

    def ordinary(s: DatedSession) -> bool:
        day = days.get(s.date)
        return s.origin == "pattern" and (day is None or not _is_makeup(scenario, day))

    candidates = [s for s in rota.sessions if s.rule_id in rules and ordinary(s)]
    for group in _group(candidates, lambda s: (s.class_id, s.rule_id, week_of(s.date))):
        gap = rules[group[0].rule_id].spacing.min_days_apart
        for a, b in combinations(group, 2):
            apart = abs((a.date - b.date).days)
            if apart < gap:
                found.add(
                    f"Class {a.class_id} has rule {a.rule_id} sessions {a.id} ({a.date}) and "
                    f"{b.id} ({b.date}) {apart} days apart, fewer than {gap}.",
                    a.id,
                    b.id,
                )
    return found.violations


def check_staffing(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Each session has exactly the staff its rule asks for by role, all known, none twice."""
    found = _Found("Staffing")
    rules = _rules(scenario)
    people = _people(scenario)
    for s in rota.sessions:
        rule = rules.get(s.rule_id)
        if rule is None:
            continue
        what = _describe(scenario, s)
        for problem in _staffing_problems(people, s.staff_ids, rule.staffing, f"rule {rule.id}"):
            found.add(f"{what} {problem}.", s.id)
    return found.violations


def check_staff_available(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Staff on a session are within their weekly availability and not on a day off; helper
    groups only work in their windows."""
    found = _Found("StaffAvailable")
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
    return found.violations


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


def check_staff_one_place_at_a_time(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Staff, helper groups and teacher groups are in two overlapping sessions or events only when both
    are duties sharing room, start and end."""
    found = _Found("StaffOnePlaceAtATime")
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
    return found.violations


def check_staff_daily_cap(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Nobody has more distinct duties (room, start, end) on a date, sessions and timed events
    together, than their max_sessions_per_day."""
    found = _Found("StaffDailyCap")
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
    return found.violations


def check_helpers_own_class_free(scenario: Scenario, rota: Rota) -> list[Violation]:
    """A helper group is never on duty at, or taking part in, anything while its own class is busy or in
    an overlapping session or event (an all-day event only stands in for its class's library sessions,
    so a few helpers may still keep their lunch duty)."""
    found = _Found("HelpersOwnClassFree")
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
    return found.violations


def check_no_duplicate_session_ids(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Session ids are unique among sessions, and event ids among events."""
    found = _Found("NoDuplicateSessionIds")
    for session_id, times in Counter(s.id for s in rota.sessions).items():
        if times > 1:
            found.add(f"Session id {session_id} is used by {times} sessions.", session_id)
    for event_id, times in Counter(e.id for e in rota.activities).items():
        if times > 1:
            found.add(f"Event id {event_id} is used by {times} events.", event_id)
    return found.violations


def _stop(scenario: Scenario, rule: GradeRule) -> dt.date:
    """Last date a rule's gap limit is measured to: loans due for borrowing, the stocktake eve for
    the rest when reading pauses, else the term's end."""
    stocktake = scenario.stocktake
    if stocktake is not None:
        if rule.kind == "borrowing":
            return stocktake.loans_due
        if not stocktake.reading_continues:
            return stocktake.start - _DAY
    return scenario.term.end


def check_gap_limit(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every run of gap_limit days up to the rule's stop has a session (any origin) of each class of
    the rule, unless the class could come on none of its school days; an unmet entry excuses nothing."""
    found = _Found("GapLimit")
    index = _index(scenario, rota)
    calendar = _calendar(scenario)
    term = scenario.term
    held: dict[tuple[str, str], set[dt.date]] = defaultdict(set)
    for s in rota.sessions:
        held[(s.rule_id, s.class_id)].add(s.date)
    for rule in scenario.rules:
        limit = rule.gap_limit
        stop = _stop(scenario, rule)
        weekdays = {day for w in rule.windows for day in scenario.window_days(scenario.window(w))}
        # Days a class of the rule could come: its windows exist, and its room is not given over to an event.
        open_days = [
            d.date
            for d in calendar.days
            if term.start <= d.date <= stop
            and d.follows in weekdays
            and all(e.room_id != rule.room for e in index.all_day.get(d.date, []))
        ]
        for school_class in scenario.rule_classes(rule):
            could = [
                day
                for day in open_days
                if all(school_class.id not in e.class_ids for e in index.all_day.get(day, []))
            ]
            dates = sorted(d for d in held[(rule.id, school_class.id)] if term.start <= d <= stop)
            previous = term.start - _DAY
            for following in [*dates, stop + _DAY]:
                first, last = previous + _DAY, following - _DAY
                previous = following
                if (last - first).days + 1 < limit:
                    continue
                at = bisect.bisect_left(could, first)
                if at == len(could) or could[at] > last:
                    continue  # no day in the gap on which the class could come
                start = max(first, could[at] - dt.timedelta(days=limit - 1))
                end = start + dt.timedelta(days=limit - 1)
                note = _unmet_note(rota, "gap", [f"{school_class.id}/{rule.id}"])
                found.add(
                    f"Class {school_class.id} has no rule {rule.id} session in the {limit} days "
                    f"{start}..{end}, longer than its gap limit allows{note}."
                )
                break
    return found.violations


def check_returns_before_due(scenario: Scenario, rota: Rota) -> list[Violation]:
    """With a stocktake, each class of each borrowing rule has exactly one returns session in the
    returns_within_days up to loans_due, its last session of the rule; without one, there are none."""
    found = _Found("ReturnsBeforeDue")
    returns = [s for s in rota.sessions if s.origin == "returns"]
    stocktake = scenario.stocktake
    if stocktake is None:
        for s in returns:
            found.add(f"{_describe(scenario, s)} is a returns session, but there is no stocktake.", s.id)
        return found.violations
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
                    f"{who} has no returns session before loans are due on {stocktake.loans_due}{note}."
                )
            else:
                found.add(f"{who} has {len(got)} returns sessions, not one.", *(s.id for s in got))
    return found.violations


def check_no_borrowing_during_stocktake(scenario: Scenario, rota: Rota) -> list[Violation]:
    """No borrowing session from loans_due on, no session at all on a stocktake day unless reading
    continues, and every stocktake day has each shift's event, spanning its window, staffed as asked."""
    found = _Found("NoBorrowingDuringStocktake")
    index = _index(scenario, rota)
    stocktake = scenario.stocktake
    if stocktake is None:
        for event in index.shifts:
            found.add(
                f"{_describe_event(scenario, event)} is a stocktake shift, but there is no stocktake.",
                event.id,
            )
        return found.violations
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
        opens, closes = scenario.window_span(window)
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
                    f"not {count}{note}."
                )
    return found.violations


# --- activities ----------------------------------------------------------------------------------


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
            slot = _slot_problem(scenario, window, event.date, span, activity.duration_minutes or 0)
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


def check_activity_placed(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Each activity has one event per occurrence and participant instance, on an allowed school day,
    in a slot of its windows with its room, staffing and free participants, and before_first kept."""
    found = _Found("ActivityPlaced")
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
                    found.add(f"Activity {activity.id} is not placed for {who_label} in {label}{note}.")
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
    return found.violations


CHECKS: tuple[Check, ...] = (
    check_session_on_school_day,
    check_times_in_school_timezone,
    check_rule_matches_session,
    check_session_in_allowed_window,
    check_class_not_busy,
    check_class_one_session_at_a_time,
    check_room_capacity,
    check_room_open,
    check_frequency,
    check_spacing,
    check_staffing,
    check_staff_available,
    check_staff_one_place_at_a_time,
    check_staff_daily_cap,
    check_helpers_own_class_free,
    check_no_duplicate_session_ids,
    check_gap_limit,
    check_returns_before_due,
    check_no_borrowing_during_stocktake,
    check_activity_placed,
)


def verify(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every hard-rule violation of the rota's dated sessions and events, check by check in CHECKS order."""
    return [violation for check in CHECKS for violation in check(scenario, rota)]
