"""An independent check of a rota against the scenario's hard rules.

Plain Python over the dated sessions, sharing no code with the CP-SAT model, so that a
modelling mistake in the solver cannot hide itself: every rule is restated here from
the scenario and the term calendar alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

from .rota import DatedSession, Rota
from .scenario import GradeRule, HelperGroup, Scenario, SchoolClass, StaffMember
from .term_calendar import SchoolDay, TermCalendar, build_term_calendar


@dataclass(frozen=True)
class Violation:
    """One broken hard rule."""

    rule: str
    """The check's rule name, e.g. ``ClassNotBusy``."""
    message: str
    """One sentence for a human, naming class/staff/date/time."""
    session_ids: tuple[str, ...] = ()


Check = Callable[[Scenario, Rota], list[Violation]]
Person = StaffMember | HelperGroup


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


def _span(scenario: Scenario, session: DatedSession) -> tuple[dt.datetime, dt.datetime]:
    return _local(scenario, session.start), _local(scenario, session.end)


def _overlap(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _hhmm(moment: dt.datetime | dt.time) -> str:
    return moment.strftime("%H:%M")


def _describe(scenario: Scenario, session: DatedSession) -> str:
    start, end = _span(scenario, session)
    return (
        f"session {session.id} (class {session.class_id}, rule {session.rule_id}, "
        f"{session.date.isoformat()} {_hhmm(start)}-{_hhmm(end)})"
    )


def _rules(scenario: Scenario) -> dict[str, GradeRule]:
    return {r.id: r for r in scenario.rules}


def _classes(scenario: Scenario) -> dict[str, SchoolClass]:
    return {c.id: c for c in scenario.classes}


def _people(scenario: Scenario) -> dict[str, Person]:
    people: dict[str, Person] = {m.id: m for m in scenario.staff}
    people.update({g.id: g for g in scenario.helper_groups})
    return people


def _school_days(scenario: Scenario) -> dict[dt.date, SchoolDay]:
    return {d.date: d for d in _calendar(scenario).days}


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


def _busy_on(scenario: Scenario, school_class: SchoolClass, session: DatedSession) -> list[str]:
    """Busy periods of the class on the session's timetable weekday that overlap the session."""
    span = _span(scenario, session)
    found = []
    for busy in school_class.busy:
        if busy.day != session.follows:
            continue
        start, end = scenario.busy_span(busy)
        busy_span = (dt.datetime.combine(session.date, start), dt.datetime.combine(session.date, end))
        if _overlap(span, busy_span):
            label = busy.what or busy.period or "a lesson"
            found.append(f"{label} {_hhmm(start)}-{_hhmm(end)}")
    return found


def _group(
    sessions: Iterable[DatedSession], key: Callable[[DatedSession], object]
) -> list[list[DatedSession]]:
    groups: dict[object, list[DatedSession]] = defaultdict(list)
    for session in sessions:
        groups[key(session)].append(session)
    return list(groups.values())


class _Found:
    """Collects one check's violations under its rule name."""

    def __init__(self, rule: str) -> None:
        self.rule = rule
        self.violations: list[Violation] = []

    def add(self, message: str, *session_ids: str) -> None:
        # A session's description is lower-case for use mid-sentence; ids (staff, classes) keep their case.
        if message.startswith("session "):
            message = "S" + message[1:]
        self.violations.append(Violation(self.rule, message, session_ids))


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
    """Each session names an existing rule that applies to its class, in the rule's room and of its kind."""
    found = _Found("RuleMatchesSession")
    rules = _rules(scenario)
    for s in rota.sessions:
        what = _describe(scenario, s)
        rule = rules.get(s.rule_id)
        if rule is None:
            found.add(f"{what} names unknown rule {s.rule_id!r}.", s.id)
            continue
        if s.class_id not in {c.id for c in scenario.rule_classes(rule)}:
            found.add(f"{what}: rule {rule.id} does not apply to class {s.class_id}.", s.id)
        if s.room_id != rule.room:
            found.add(f"{what} is in room {s.room_id}, but rule {rule.id} uses {rule.room}.", s.id)
        if s.kind != rule.kind:
            found.add(f"{what} is of kind {s.kind}, but rule {rule.id} is {rule.kind}.", s.id)
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
        start, end = _span(scenario, s)

        def at(t: dt.time, day: dt.date = s.date) -> dt.datetime:
            return dt.datetime.combine(day, t)

        if window.periods is not None:
            bells = [scenario.period(p) for p in window.periods]
            fits = any(start == at(b.start) and end <= at(b.end) for b in bells)
            slots = ", ".join(f"{_hhmm(b.start)}-{_hhmm(b.end)}" for b in bells)
        else:
            opens, closes = scenario.window_span(window)
            step = dt.timedelta(minutes=rule.duration_minutes)
            fits = at(opens) <= start and end <= at(closes) and (start - at(opens)) % step == dt.timedelta(0)
            slots = f"{rule.duration_minutes}-minute slots from {_hhmm(opens)} to {_hhmm(closes)}"
        if not fits:
            found.add(f"{what} is not one slot of window {window.id} ({slots}).", s.id)
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
    """A class is never in two overlapping sessions on one date."""
    found = _Found("ClassOneSessionAtATime")
    for group in _group(rota.sessions, lambda s: (s.date, s.class_id)):
        for a, b in combinations(group, 2):
            if _overlap(_span(scenario, a), _span(scenario, b)):
                both = f"{_describe(scenario, a)} and {_describe(scenario, b)}"
                found.add(f"Class {a.class_id} is in {both} at once.", a.id, b.id)
    return found.violations


def check_room_capacity(scenario: Scenario, rota: Rota) -> list[Violation]:
    """At any moment a room holds at most classes_at_once classes and at most seats pupils."""
    found = _Found("RoomCapacity")
    rooms = {r.id: r for r in scenario.rooms}
    classes = _classes(scenario)
    for group in _group(rota.sessions, lambda s: (s.date, s.room_id)):
        room = rooms.get(group[0].room_id)
        if room is None:
            continue
        spans = [(s, _span(scenario, s)) for s in group]
        reported: set[frozenset[str]] = set()
        # Occupancy only rises at a session start, so checking every start covers every moment.
        for moment in sorted({span[0] for _, span in spans}):
            present = [s for s, (start, end) in spans if start <= moment < end]
            ids = frozenset(s.id for s in present)
            class_ids = sorted({s.class_id for s in present})
            pupils = sum(classes[c].size for c in class_ids if c in classes)
            problems = []
            if len(class_ids) > room.classes_at_once:
                names = ", ".join(class_ids)
                problems.append(f"{len(class_ids)} classes ({names}), room for {room.classes_at_once}")
            if pupils > room.seats:
                problems.append(f"{pupils} pupils for {room.seats} seats")
            if problems and ids not in reported:
                reported.add(ids)
                when = f"{group[0].date} at {_hhmm(moment)}"
                found.add(f"Room {room.id} on {when} holds {' and '.join(problems)}.", *sorted(ids))
    return found.violations


def _lost_for_a_reason(scenario: Scenario, rule: GradeRule, day: dt.date) -> bool:
    if day in {d.date for d in _calendar(scenario).days_off}:
        return True
    if day not in _school_days(scenario):
        return False
    needed = {role for role, count in rule.staffing.items() if count > 0}
    return any(m.role in needed and day in m.days_off for m in scenario.staff)


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


def check_frequency(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every class gets its rule's sessions in every teaching week of its phase (held, or lost for a
    reason), phases are balanced across the rule's classes, and no session is lost without reason."""
    found = _Found("Frequency")
    calendar = _calendar(scenario)
    week_of = _teaching_week_lookup(scenario)
    rules = _rules(scenario)
    weeks = range(1, calendar.teaching_weeks + 1)

    held: dict[tuple[str, str], list[int]] = defaultdict(list)
    # Sessions on ordinary days: a make-up day repeats another weekday, so only these are capped.
    ordinary: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)
    makeup_dates = {d.date for d in calendar.days if d.makeup}
    for s in rota.sessions:
        week = week_of(s.date)
        if week is not None:
            held[(s.rule_id, s.class_id)].append(week)
            if s.date not in makeup_dates:
                ordinary[(s.rule_id, s.class_id)][week] += 1
    lost: dict[tuple[str, str], list[int]] = defaultdict(list)
    for entry in rota.lost:
        rule = rules.get(entry.rule_id)
        when = f"{entry.date} {_hhmm(entry.start)}"
        what = f"Lost session of class {entry.class_id}, rule {entry.rule_id} on {when}"
        if rule is None or entry.class_id not in {c.id for c in scenario.rule_classes(rule)}:
            found.add(f"{what} matches no rule of that class.")
            continue
        if not _lost_for_a_reason(scenario, rule, entry.date):
            # It does not excuse a missing session either, so it is not counted below.
            found.add(f"{what} is lost for no reason: no holiday, closure or absent staff that day.")
            continue
        week = week_of(entry.date)
        if week is not None:
            lost[(rule.id, entry.class_id)].append(week)

    for rule in scenario.rules:
        n, k = rule.frequency.sessions, rule.frequency.weeks
        placed: Counter[int] = Counter()
        unplaced = 0
        for school_class in scenario.rule_classes(rule):
            key = (rule.id, school_class.id)
            per_week = Counter(held[key]) + Counter(lost[key])
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
            if not per_week:
                # With fewer teaching weeks than k, a class may rightly be in a phase with no week.
                if len(weeks) >= k:
                    found.add(f"{who} has no session at all this term (one every {k} weeks).")
                unplaced += 1
                continue
            phase = (min(per_week) - 1) % k
            placed[phase] += 1
            if any((w - 1) % k != phase for w in per_week):
                found.add(f"{who} has sessions in teaching weeks {sorted(per_week)}, not 1 in {k} weeks.")
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
    """Two sessions of one class and rule in one teaching week, both on ordinary days, are at least
    the rule's min_days_apart calendar days apart."""
    found = _Found("Spacing")
    rules = _rules(scenario)
    days = _school_days(scenario)
    week_of = _teaching_week_lookup(scenario)

    def ordinary(s: DatedSession) -> bool:
        day = days.get(s.date)
        return day is None or not _is_makeup(scenario, day)

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
        for person_id, times in sorted(Counter(s.staff_ids).items()):
            if times > 1:
                found.add(f"{what} lists {person_id} {times} times.", s.id)
        unique = list(dict.fromkeys(s.staff_ids))
        unknown = [p for p in unique if p not in people]
        if unknown:
            found.add(f"{what} names unknown staff {', '.join(unknown)}.", s.id)
        roles = Counter(people[p].role for p in unique if p in people)
        for role, count in sorted(roles.items()):
            if role not in rule.staffing:
                found.add(f"{what} has {count} {role} staff, a role rule {rule.id} does not ask for.", s.id)
        for role, count in rule.staffing.items():
            if roles[role] != count:
                found.add(f"{what} has {roles[role]} {role} staff; rule {rule.id} asks for {count}.", s.id)
    return found.violations


def check_staff_available(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Staff on a session are within their weekly availability and not on a day off; helper
    groups only work in their windows."""
    found = _Found("StaffAvailable")
    people = _people(scenario)
    for s in rota.sessions:
        what = _describe(scenario, s)
        start, end = _span(scenario, s)
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
                available = any(
                    s.follows in (a.days if a.days is not None else scenario.term.weekdays)
                    and dt.datetime.combine(s.date, a.start) <= start
                    and end <= dt.datetime.combine(s.date, a.end)
                    for a in person.availability
                )
                if not available:
                    found.add(f"{person.id} is on {what} but is not available then ({s.follows}).", s.id)
    return found.violations


def _by_person(rota: Rota) -> list[tuple[str, dt.date, list[DatedSession]]]:
    duties: dict[tuple[str, dt.date], list[DatedSession]] = defaultdict(list)
    for s in rota.sessions:
        for person_id in dict.fromkeys(s.staff_ids):
            duties[(person_id, s.date)].append(s)
    return [(person, day, sessions) for (person, day), sessions in duties.items()]


def check_staff_one_place_at_a_time(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Staff and helper groups are in two overlapping sessions only when both share room, start and end."""
    found = _Found("StaffOnePlaceAtATime")
    for person, _, sessions in _by_person(rota):
        for a, b in combinations(sessions, 2):
            span_a, span_b = _span(scenario, a), _span(scenario, b)
            # One duty may cover several classes sharing a room, so only a different duty clashes.
            if _overlap(span_a, span_b) and (a.room_id, span_a) != (b.room_id, span_b):
                found.add(
                    f"{person} is in two places at once: {_describe(scenario, a)} in {a.room_id} "
                    f"and {_describe(scenario, b)} in {b.room_id}.",
                    a.id,
                    b.id,
                )
    return found.violations


def check_staff_daily_cap(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Nobody has more distinct duties (room, start, end) on a date than their max_sessions_per_day."""
    found = _Found("StaffDailyCap")
    people = _people(scenario)
    for person_id, day, sessions in _by_person(rota):
        person = people.get(person_id)
        cap = None if person is None else person.max_sessions_per_day
        if cap is None:
            continue
        duties = {(s.room_id, *_span(scenario, s)) for s in sessions}
        if len(duties) > cap:
            ids = (s.id for s in sessions)
            found.add(f"{person_id} has {len(duties)} duties on {day}, over the cap of {cap}.", *ids)
    return found.violations


def check_helpers_own_class_free(scenario: Scenario, rota: Rota) -> list[Violation]:
    """A helper group is never on duty while its own class is busy or in an overlapping library session."""
    found = _Found("HelpersOwnClassFree")
    helpers = {g.id: g for g in scenario.helper_groups}
    classes = _classes(scenario)
    by_class_day = _group(rota.sessions, lambda s: (s.class_id, s.date))
    sessions_of = {(g[0].class_id, g[0].date): g for g in by_class_day}
    for s in rota.sessions:
        for person_id in dict.fromkeys(s.staff_ids):
            group = helpers.get(person_id)
            if group is None:
                continue
            what = f"Helper group {group.id} is on {_describe(scenario, s)}"
            own = classes.get(group.class_id)
            for busy in [] if own is None else _busy_on(scenario, own, s):
                found.add(f"{what} while class {group.class_id} has {busy}.", s.id)
            span = _span(scenario, s)
            # Literally "never": this includes a session of the helpers' own class that they staff.
            for other in sessions_of.get((group.class_id, s.date), []):
                if _overlap(span, _span(scenario, other)):
                    also = _describe(scenario, other)
                    found.add(f"{what} while class {group.class_id} is in {also}.", s.id, other.id)
    return found.violations


def check_no_duplicate_session_ids(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Session ids are unique."""
    found = _Found("NoDuplicateSessionIds")
    for session_id, times in Counter(s.id for s in rota.sessions).items():
        if times > 1:
            found.add(f"Session id {session_id} is used by {times} sessions.", session_id)
    return found.violations


CHECKS: tuple[Check, ...] = (
    check_session_on_school_day,
    check_times_in_school_timezone,
    check_rule_matches_session,
    check_session_in_allowed_window,
    check_class_not_busy,
    check_class_one_session_at_a_time,
    check_room_capacity,
    check_frequency,
    check_spacing,
    check_staffing,
    check_staff_available,
    check_staff_one_place_at_a_time,
    check_staff_daily_cap,
    check_helpers_own_class_free,
    check_no_duplicate_session_ids,
)


def verify(scenario: Scenario, rota: Rota) -> list[Violation]:
    """Every hard-rule violation of the rota's dated sessions, check by check in CHECKS order."""
    return [violation for check in CHECKS for violation in check(scenario, rota)]
