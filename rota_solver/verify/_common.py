"""What every check shares: the violation, the check registry, and helpers over scenario and rota.

Names keep their leading underscore: they are private to the verify package.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ..rota import ActivityEvent, DatedSession, Rota
from ..rules import RuleId
from ..scenario import (
    Availability,
    BusyPeriod,
    GradeRule,
    HelperGroup,
    Period,
    Scenario,
    SchoolClass,
    StaffMember,
    TeacherGroup,
    Weekday,
    Window,
)
from ..term_calendar import SchoolDay, TermCalendar, build_term_calendar


@dataclass(frozen=True)
class Violation:
    """One broken hard rule."""

    rule: str
    """The check's rule id (a :class:`~rota_solver.rules.RuleId` value), e.g. ``ClassNotBusy``."""
    message: str
    """One sentence for a human, naming class/staff/date/time."""
    session_ids: tuple[str, ...] = ()
    """Ids of the sessions (and activity events) concerned."""
    listed_unmet: bool = False
    """The rota itself lists this requirement as unmet: still a violation, but not a hidden one."""


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


_cycle_week_cache: list[tuple[Scenario, dict[dt.date, int]]] = []


def _cycle_week_of(scenario: Scenario, day: dt.date) -> int | None:
    """The rotation-cycle week of a date, from its teaching week (week 1 is cycle week 0, A)."""
    found = [weeks for cached, weeks in _cycle_week_cache if cached is scenario]
    if not found:
        calendar = _calendar(scenario)
        cycle = calendar.cycle_weeks
        weeks = {d.date: (d.teaching_week - 1) % cycle for d in calendar.days}
        weeks.update({d.date: (d.teaching_week - 1) % cycle for d in calendar.days_off if d.teaching_week})
        _cycle_week_cache[:] = [(scenario, weeks)]
        found = [weeks]
    return found[0].get(day)


def _lesson_on_week(busy: BusyPeriod, cycle_week: int | None) -> bool:
    """Whether a lesson of a k-week timetable (``weeks``: A, B or cycle week numbers) is on that week."""
    if busy.weeks is None or cycle_week is None:
        return True
    numbers = {w if isinstance(w, int) else "ABCDEFGH".index(w) for w in busy.weeks}
    return cycle_week in numbers


def _lesson_given_up(school_class: SchoolClass, busy: BusyPeriod, rule: GradeRule) -> bool:
    """Whether a session of ``rule`` may be held in the lesson: one the library may take, or a group's
    lesson where the rule says group lessons do not block."""
    if busy.group and not rule.group_lessons_block:
        return True
    if busy.library_may_take:
        return True
    subject = busy.what.strip().lower()
    wanted = {x.strip().lower() for x in [*school_class.library_may_take, *rule.library_may_take]}
    return subject != "" and subject in wanted


def _busy_during(
    scenario: Scenario,
    school_class: SchoolClass,
    follows: Weekday,
    day: dt.date,
    span: Span,
    rule: GradeRule | None = None,
) -> list[str]:
    """Busy periods of the class on the timetable weekday ``follows`` that overlap ``span`` on ``day``,
    in the date's cycle week; for a session of ``rule``, not those the rule may take or leave to a group."""
    found = []
    week = _cycle_week_of(scenario, day)
    for busy in school_class.busy:
        if busy.day != follows or not busy.applies_on(day) or not _lesson_on_week(busy, week):
            continue
        if rule is not None and _lesson_given_up(school_class, busy, rule):
            continue
        start, end = _busy_times(scenario, busy)
        if _overlap(span, (_at(day, start), _at(day, end))):
            label = busy.what or busy.period or "a lesson"
            found.append(f"{label} {_hhmm(start)}-{_hhmm(end)}")
    return found


def _busy_on(scenario: Scenario, school_class: SchoolClass, session: DatedSession) -> list[str]:
    """Busy periods of the class on the session's timetable weekday that overlap the session."""
    rule = next((r for r in scenario.rules if r.id == session.rule_id), None)
    return _busy_during(scenario, school_class, session.follows, session.date, _span(scenario, session), rule)


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


def _bells(scenario: Scenario, period_id: str, weekday: Weekday) -> list[Period]:
    """The bell-schedule entries of ``period_id`` that hold on ``weekday`` (read here from the
    scenario's periods, not through the solver's lookups)."""
    return [
        p for p in scenario.periods if p.id == period_id and weekday in (p.days or scenario.term.weekdays)
    ]


def _busy_times(scenario: Scenario, busy: BusyPeriod) -> tuple[dt.time, dt.time]:
    """A lesson's times: its period's bells on its own weekday, or its start and end."""
    if busy.period is None:
        assert busy.start is not None and busy.end is not None
        return busy.start, busy.end
    bell = _bells(scenario, busy.period, busy.day)[0]
    return bell.start, bell.end


def _slot_problem(
    scenario: Scenario, window: Window, day: dt.date, span: Span, duration: int, follows: Weekday
) -> str | None:
    """Why ``span`` is not one slot of ``window`` for something ``duration`` minutes long on a day
    following ``follows``'s timetable (and bells), if it is not."""
    start, end = span
    if window.periods is not None:
        bells = [b for p in window.periods for b in _bells(scenario, p, follows)]
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
    """Collects one check's violations under its rule id."""

    def __init__(self, rule: RuleId) -> None:
        self.rule = rule
        self.violations: list[Violation] = []

    def add(self, message: str, *session_ids: str, listed_unmet: bool = False) -> None:
        # Descriptions are lower-case for use mid-sentence; ids (staff, classes) keep their case.
        if message.startswith(("session ", "event ")):
            message = message[0].upper() + message[1:]
        self.violations.append(Violation(self.rule.value, message, session_ids, listed_unmet))


class Check:
    """One verifier check, registered under its rule id: called with a scenario and a rota, it
    returns that rule's violations."""

    def __init__(self, rule: RuleId, body: Callable[[Scenario, Rota, _Found], None]) -> None:
        self.rule = rule
        self._body = body
        # Named and documented as the function it wraps.
        self.__name__ = body.__name__
        self.__doc__ = body.__doc__

    def __call__(self, scenario: Scenario, rota: Rota) -> list[Violation]:
        found = _Found(self.rule)
        self._body(scenario, rota, found)
        return found.violations

    def __repr__(self) -> str:
        return f"<check {self.__name__} ({self.rule.value})>"


def check(rule: RuleId) -> Callable[[Callable[[Scenario, Rota, _Found], None]], Check]:
    """Registers a function as the check of ``rule``; it adds its findings to the collector it is given."""

    def register(body: Callable[[Scenario, Rota, _Found], None]) -> Check:
        return Check(rule, body)

    return register
