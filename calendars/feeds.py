"""iCalendar feeds of a solved rota: one per class, grade, room, staff member and helper team,
and one of the whole library.

A pure function of (scenario, rota): no clock, no randomness, no solver. Every VEVENT's UID
names what it is (``session.<id>``, ``activity.<id>``, ``day.<date>.<kind>``); its SEQUENCE,
DTSTAMP and LAST-MODIFIED are the event's revision in the rota (:meth:`Rota.revision_of`: 0 and
the first version's time until a rerun changes it), so the same rota always gives the same bytes,
an event no rerun touched keeps its bytes, and a calendar app that refreshes a feed sees changed
events, not new ones.

After a rerun, events it removed (``rota.cancelled``) stay in the feeds they were in, as
STATUS:CANCELLED with a higher SEQUENCE and a "cancelled" word before the SUMMARY, until their
date has passed (by the rota's version time, not the clock).

Each event is built once and shared by the feeds it belongs to:

- a dated session: its class, its class's grade, its room, every staff member and helper team
  on duty, and the library feed;
- an activity (timed, or all-day): its classes and their grades, its staff on duty and staff
  taking part, its helper teams, its room if any, and the library feed (teacher groups have no
  feed);
- a holiday, closure, stocktake or make-up school day: every feed, as an all-day event; a run of
  days of one kind and name (a half term, a weekend between allowed) is one event over them all.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from icalendar import Calendar, Event, Timezone

from rota_solver.rota import ActivityEvent, CalendarDay, CancelledEvent, DatedSession, Revision, Rota
from rota_solver.scenario import WEEKDAYS, Scenario, SchoolClass, ascii_slug

from .feed_file import Feed, FeedKind
from .index import index_html
from .words import FeedWords, feed_words

PRODID = "-//Library Rota//library-rota//EN"
REFRESH = dt.timedelta(hours=12)
"""How often calendar apps should fetch a feed again (REFRESH-INTERVAL, X-PUBLISHED-TTL)."""
CALENDARS_DIR = "calendars"
INDEX_NAME = "index.html"
LIBRARY_KEY = "library"


def uid_domain(school_name: str) -> str:
    """The right-hand side of every UID of a school's feeds: stable, and never a real host."""
    slug = hashlib.sha1(school_name.encode("utf-8")).hexdigest()[:10]
    return f"{slug}.library-rota.invalid"


def build_feeds(scenario: Scenario, rota: Rota) -> list[Feed]:
    """Every feed of ``rota``: library, grades, classes, rooms, staff, helper teams, in that order
    (each kind in scenario order, grades ascending). Raises ``ValueError`` when a session or
    activity of the rota names a class, room or person the scenario does not have (a cancelled
    one goes only in the feeds that exist), or when two events, live or cancelled, share a UID."""
    return _build(scenario, rota, None)


def build_feed(scenario: Scenario, rota: Rota, key: str) -> Feed:
    """The one feed ``key`` (``library``, ``class-3-2``, ...), as :func:`build_feeds` builds it.

    Raises ``KeyError`` when the scenario has no such feed."""
    feeds = _build(scenario, rota, key)
    if not feeds:
        raise KeyError(f"no feed {key!r}")
    return feeds[0]


def _build(scenario: Scenario, rota: Rota, only: str | None) -> list[Feed]:
    words = feed_words(scenario.school.locale)
    specs = _feed_specs(scenario, words)
    known = {spec.key for spec in specs}
    builder = _EventBuilder(scenario, rota, words)
    items = [builder.session(s) for s in rota.sessions]
    items += [builder.activity(a) for a in rota.activities]
    items += builder.days(rota.calendar)
    for item in items:
        unknown = item.feeds - known if item.feeds is not None else set()
        if unknown:
            raise ValueError(
                f"the rota does not match the scenario: {item.uid} belongs to {sorted(unknown)}, "
                "which the scenario does not have"
            )
    _check_not_live(items, rota, builder.domain)
    cancelled = [builder.cancelled(c) for c in _still_to_come(scenario, rota)]
    for item in cancelled:
        # A rerun may have removed the class, room or person too: subscribers of the feeds that
        # remain still need to hear that the event is off.
        assert item.feeds is not None
        item.feeds = item.feeds & known
    items += cancelled
    items.sort(key=lambda item: (item.start, item.uid))
    _check_unique(items)

    specs = [spec for spec in specs if only is None or spec.key == only]
    timezone = _timezone(scenario, rota, items)
    by_feed: dict[str, list[_Item]] = {spec.key: [] for spec in specs}
    for item in items:
        for key in item.feeds if item.feeds is not None else by_feed:
            if key in by_feed:
                by_feed[key].append(item)
    term = _term_text(scenario, rota, words)
    return [_feed(spec, by_feed[spec.key], timezone, scenario, words, term) for spec in specs]


def write_feeds(scenario: Scenario, rota: Rota, out_dir: Path) -> list[Path]:
    """Write every feed to ``out_dir/calendars/<key>.ics`` and the index page listing them to
    ``out_dir/calendars/index.html``. Each file is written whole under a temporary name first
    and then renamed, so a subscriber never fetches a half-written feed. Returns the paths
    written, feeds first, the index last."""
    feeds = build_feeds(scenario, rota)
    target_dir = out_dir / CALENDARS_DIR
    target_dir.mkdir(parents=True, exist_ok=True)
    files: list[tuple[str, bytes]] = [(feed.filename, feed.ics) for feed in feeds]
    files.append((INDEX_NAME, index_html(scenario, rota, feeds).encode("utf-8")))
    written = []
    for name, data in files:
        target = target_dir / name
        partial = target_dir / f".{name}.partial"
        partial.write_bytes(data)
        partial.replace(target)
        written.append(target)
    return written


# --- which feeds exist ------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    key: str
    kind: FeedKind
    title: str


def grade_key(scenario: Scenario, grade: int) -> str:
    """The grade's feed: named after the school's own name for it when it gives one with Latin
    letters or digits (``year-6``, ``reception``), else ``grade-N``, the address it always had."""
    name = scenario.grade_name(grade)
    slug = re.sub(r"[^a-z0-9]+", "-", (name or "").lower()).strip("-")
    return slug if slug else f"grade-{grade}"


def feed_key(kind: FeedKind, item_id: str) -> str:
    """The feed of one class, room, staff member or helper team: ``class-3-2``; an id in another
    script gets its ASCII slug (``class-A1-d821c6ad`` for class Α1), which the scenario keeps distinct."""
    return f"{kind}-{ascii_slug(item_id)}"


def event_uid(name: str, domain: str) -> str:
    """The UID of the event ``name`` (``session.<id>``, ``activity.<id>``, ``day.<date>.<kind>``):
    ``name@domain``, ASCII throughout: a name with ids in another script gets its ASCII slug."""
    return f"{name if name.isascii() else ascii_slug(name)}@{domain}"


def _feed_specs(scenario: Scenario, words: FeedWords) -> list[_Spec]:
    school = scenario.school.name
    sep = words.title_separator

    def spec(key: str, kind: FeedKind, subject: str, suffix: str) -> _Spec:
        return _Spec(key, kind, _one_line(f"{school}{sep}{subject}{sep}{suffix}"))

    specs = [_Spec(LIBRARY_KEY, "library", _one_line(f"{school}{sep}{words.rota_title}"))]
    grades = sorted({c.grade for c in scenario.classes})
    specs += [
        spec(grade_key(scenario, g), "grade", words.labels.grade(g, scenario.grade_name(g)), words.rota_title)
        for g in grades
    ]
    specs += [spec(feed_key("class", c.id), "class", c.label, words.rota_title) for c in scenario.classes]
    specs += [spec(feed_key("room", r.id), "room", r.name or r.id, words.rota_title) for r in scenario.rooms]
    specs += [
        spec(feed_key("staff", m.id), "staff", m.name or m.id, words.duty_title) for m in scenario.staff
    ]
    specs += [
        spec(feed_key("helpers", g.id), "helpers", g.name or g.id, words.duty_title)
        for g in scenario.helper_groups
    ]
    return specs


def _one_line(text: str) -> str:
    """``text`` with every run of white space (line breaks too) made one space.

    Titles and the calendar description go into NAME and the X-WR- properties, which icalendar
    writes as given, unescaped (as its own ``Calendar.calendar_name`` does, and as it and ical.js
    read them back): a line break there would end the content line.
    """
    return " ".join(text.split())


# --- events -----------------------------------------------------------------


@dataclass
class _Item:
    """One VEVENT and the feeds it belongs to (``None``: every feed)."""

    uid: str
    start: dt.datetime
    """Local wall-clock start (midnight for all-day events): the sort key with the UID."""
    event: Event
    feeds: frozenset[str] | None = field(default=None)

    @cached_property
    def ics(self) -> bytes:
        """The VEVENT's lines, serialised once however many feeds it is in."""
        data: bytes = self.event.to_ical()
        return data


class _EventBuilder:
    def __init__(self, scenario: Scenario, rota: Rota, words: FeedWords) -> None:
        self.words = words
        self.labels = words.labels
        self.tz = scenario.school.tz
        self.tzid = scenario.school.timezone
        self.school_weekdays: frozenset[str] = frozenset(scenario.term.weekdays)
        self.domain = uid_domain(scenario.school.name)
        self.rota = rota
        self.classes: Mapping[str, SchoolClass] = {c.id: c for c in scenario.classes}
        self.all_classes = frozenset(self.classes)
        self.rules = {r.id: r.name or r.id for r in scenario.rules}
        self.rooms = {r.id: r.name or r.id for r in scenario.rooms}
        self.helpers = {g.id: g.name or g.id for g in scenario.helper_groups}
        self.people = {m.id: m.name or m.id for m in scenario.staff} | self.helpers
        self.teachers = {t.id: t.name or t.id for t in scenario.teacher_groups}
        self.grade_feeds = {c.grade: grade_key(scenario, c.grade) for c in scenario.classes}

    # feeds
    def _person_feed(self, person_id: str) -> str:
        return feed_key("helpers" if person_id in self.helpers else "staff", person_id)

    def _class_feeds(self, class_ids: Iterable[str]) -> set[str]:
        feeds = set()
        for class_id in class_ids:
            feeds.add(feed_key("class", class_id))
            school_class = self.classes.get(class_id)
            # An unknown class has no grade feed; its missing class feed reports it.
            if school_class is not None:
                feeds.add(self.grade_feeds[school_class.grade])
        return feeds

    # words
    def _names(self, ids: Iterable[str], names: Mapping[str, str]) -> str:
        return self.labels.join([names.get(i, i) for i in ids])

    def _class_line(self, class_ids: list[str]) -> str:
        if len(class_ids) > 1 and frozenset(class_ids) == self.all_classes:
            return self.words.class_line.format(name=self.labels.heading("whole_school"))
        found = [self.classes.get(c) for c in class_ids]
        name = self.labels.join([c.label if c else i for c, i in zip(found, class_ids, strict=True)])
        line = self.words.class_line.format(name=name)
        if len(found) == 1 and found[0] is not None and found[0].homeroom_teacher:
            line += self.words.homeroom.format(teacher=found[0].homeroom_teacher)
        return line

    def _local(self, moment: dt.datetime) -> dt.datetime:
        """Wall-clock time at the school, naive: written with TZID=<school timezone>."""
        return moment.astimezone(self.tz).replace(tzinfo=None)

    def _uid(self, name: str) -> str:
        return event_uid(name, self.domain)

    def _event(
        self, name: str, summary: str, description: list[str], kind: str, cancelled: Revision | None
    ) -> Event:
        """The VEVENT with UID ``name@<domain>``: live at the rota's revision of ``name``, or, given
        ``cancelled`` (the revision that removed it), cancelled."""
        revision = cancelled or self.rota.revision_of(name)
        # Many calendar apps ignore STATUS and would show a cancelled event as on: say it in words.
        if cancelled is not None:
            summary = f"{self.words.cancelled_prefix}{summary}"
        stamp = revision.modified.astimezone(dt.UTC)
        event = Event()
        event.add("uid", self._uid(name))
        event.add("summary", summary)
        event.add("description", "\n".join(line for line in description if line))
        event.add("categories", [kind])
        event.add("dtstamp", stamp)
        event.add("last-modified", stamp)
        event.add("sequence", revision.sequence)
        event.add("status", "CANCELLED" if cancelled is not None else "CONFIRMED")
        return event

    def _timed(self, event: Event, start: dt.datetime, end: dt.datetime) -> None:
        """Naive wall-clock times with ``TZID=<school timezone>`` given explicitly: given aware
        times, icalendar writes those of a zone it finds equal to UTC (Atlantic/Reykjavik,
        Africa/Abidjan) as UTC times (``...Z``) without the school's TZID."""
        event.add("dtstart", start, parameters={"TZID": self.tzid})
        event.add("dtend", end, parameters={"TZID": self.tzid})

    def _all_day(self, event: Event, day: dt.date, last: dt.date | None = None) -> None:
        """All day from ``day`` through ``last`` (default: ``day``); DTEND is exclusive."""
        event.add("dtstart", day)
        event.add("dtend", (last or day) + dt.timedelta(days=1))

    def session(self, s: DatedSession, cancelled: Revision | None = None) -> _Item:
        """The session's event; ``cancelled``: the revision of the rerun that removed it."""
        words = self.words
        what = words.returns_what if s.origin == "returns" else words.kind(s.kind)
        school_class = self.classes.get(s.class_id)
        summary = f"{school_class.label if school_class else s.class_id} {what}"
        if s.origin == "makeup":
            summary += f" {words.makeup_suffix}"
        week = (
            words.week_line_labelled.format(week=s.teaching_week, label=self.labels.week(s.week_label))
            if s.week_label
            else words.week_line.format(week=s.teaching_week)
        )
        description = [
            self._class_line([s.class_id]),
            words.rule_line.format(name=self.rules.get(s.rule_id, s.rule_id)),
            week,
            words.staff_line.format(names=self._names(s.staff_ids, self.people)) if s.staff_ids else "",
            words.bring if s.kind in ("borrowing", "returns") or s.origin == "returns" else "",
            words.returns_note if s.origin == "returns" else "",
            words.makeup_note if s.origin == "makeup" else "",
        ]
        name = f"session.{s.id}"
        event = self._event(name, summary, description, s.kind, cancelled)
        start = self._local(s.start)
        self._timed(event, start, self._local(s.end))
        event.add("location", self.rooms.get(s.room_id, s.room_id))
        event.add("transp", "OPAQUE")
        feeds = {LIBRARY_KEY, feed_key("room", s.room_id), *self._class_feeds([s.class_id])}
        feeds.update(self._person_feed(p) for p in s.staff_ids)
        return _Item(self._uid(name), start, event, frozenset(feeds))

    def activity(self, a: ActivityEvent, cancelled: Revision | None = None) -> _Item:
        """The activity's event; ``cancelled``: the revision of the rerun that removed it."""
        words = self.words
        participants = [self.helpers.get(g, g) for g in a.helper_group_ids]
        participants += [self.teachers.get(t, t) for t in a.teacher_group_ids]
        participants += [self.people.get(p, p) for p in a.participant_staff_ids]
        description = [
            words.kind_line.format(kind=self.labels.kind(a.kind)),
            self._class_line(a.class_ids) if a.class_ids else "",
            words.participants_line.format(names=self.labels.join(participants)) if participants else "",
            words.staff_line.format(names=self._names(a.staff_ids, self.people)) if a.staff_ids else "",
        ]
        name = f"activity.{a.id}"
        event = self._event(name, a.name or self.labels.kind(a.kind), description, a.kind, cancelled)
        if a.all_day or a.start is None or a.end is None:
            self._all_day(event, a.date)
            start = dt.datetime.combine(a.date, dt.time(0))
        else:
            start = self._local(a.start)
            self._timed(event, start, self._local(a.end))
        if a.room_id is not None:
            event.add("location", self.rooms.get(a.room_id, a.room_id))
        event.add("transp", "OPAQUE")
        feeds = {LIBRARY_KEY, *self._class_feeds(a.class_ids)}
        if a.room_id is not None:
            feeds.add(feed_key("room", a.room_id))
        feeds.update(self._person_feed(p) for p in (*a.staff_ids, *a.participant_staff_ids))
        feeds.update(feed_key("helpers", g) for g in a.helper_group_ids)
        return _Item(self._uid(name), start, event, frozenset(feeds))

    def cancelled(self, entry: CancelledEvent) -> _Item:
        """A removed session or activity as it was published, cancelled, in the feeds it was in."""
        if entry.session is not None:
            item = self.session(entry.session, entry.revision)
        else:
            assert entry.activity is not None  # _still_to_come checked
            item = self.activity(entry.activity, entry.revision)
        # Its UID must be the one subscribers have, or they would never see it cancelled.
        if item.uid != self._uid(entry.uid):
            raise ValueError(
                f"the cancelled event {entry.uid} holds {item.uid.split('@')[0]}: they must be the same"
            )
        return item

    def days(self, days: list[CalendarDay]) -> list[_Item]:
        """One all-day event per run of special days: a five-day half term is one event over the
        five days, not five. A run is days of one kind and name, consecutive but for the days
        between that are no school days anyway (a weekend). Its UID is its first day's, so a
        one-day closure keeps the UID it always had, and a run keeps its UID while it starts on
        the same day."""
        items = []
        seen: dict[str, int] = {}
        for run in day_runs(days, self.school_weekdays):
            first = run[0]
            base = f"day.{first.date.isoformat()}.{first.kind}"
            seen[base] = seen.get(base, 0) + 1
            # Two runs of one kind from one date (never seen): the second gets a suffix.
            name = base if seen[base] == 1 else f"{base}.{seen[base]}"
            items.append(self._day(name, first, run[-1].date))
        return items

    def _day(self, name: str, day: CalendarDay, last: dt.date) -> _Item:
        weekday = self.labels.weekday(day.follows or WEEKDAYS[day.date.weekday()])
        note = self.words.day_notes.get(day.kind, "").format(weekday=weekday)
        if day.kind == "makeup":
            summary = self.words.makeup_day.format(weekday=weekday)
            description = [day.name, note]
        else:
            summary = day.name or self.labels.day_kind(day.kind)
            description = [note]
        event = self._event(name, summary, description, day.kind, None)
        self._all_day(event, day.date, last)
        event.add("transp", "TRANSPARENT")
        return _Item(self._uid(name), dt.datetime.combine(day.date, dt.time(0)), event, None)


def day_runs(days: Iterable[CalendarDay], school_weekdays: Iterable[str]) -> list[list[CalendarDay]]:
    """The special days as the feeds show them, one event per run: days of one kind and name in
    date order, consecutive but for days that are no school days anyway (a weekend between).
    Make-up days stay one event each."""
    weekdays = frozenset(school_weekdays)

    def no_school_between(last: dt.date, day: dt.date) -> bool:
        between = (last + dt.timedelta(days=n) for n in range(1, (day - last).days))
        return day > last and not any(WEEKDAYS[d.weekday()] in weekdays for d in between)

    runs: list[list[CalendarDay]] = []
    open_runs: dict[tuple[str, str, str | None], list[CalendarDay]] = {}
    for day in sorted(days, key=lambda d: (d.date, d.kind, d.name)):
        key = (day.kind, day.name, day.follows)
        run = open_runs.get(key)
        if run is not None and day.kind != "makeup" and no_school_between(run[-1].date, day.date):
            run.append(day)
            continue
        run = [day]
        open_runs[key] = run
        runs.append(run)
    return runs


def _still_to_come(scenario: Scenario, rota: Rota) -> list[CancelledEvent]:
    """The cancelled events whose date had not passed at the school when this version was made.

    Judged by the version time, not the clock, so the feeds stay a pure function of the rota."""
    today = rota.version_time.astimezone(scenario.school.tz).date()
    for entry in rota.cancelled:
        if (entry.session is None) == (entry.activity is None):
            raise ValueError(f"the cancelled event {entry.uid} must hold exactly one session or activity")
    return [entry for entry in rota.cancelled if entry.date >= today]


def _check_not_live(live: list[_Item], rota: Rota, domain: str) -> None:
    """Every cancelled entry, passed or not: one that is also live means a broken rerun."""
    live_uids = {item.uid for item in live}
    for entry in rota.cancelled:
        uid = event_uid(entry.uid, domain)
        if uid in live_uids:
            raise ValueError(f"the rota has {uid} both as an event and as a cancelled one")


def _check_unique(items: list[_Item]) -> None:
    seen: set[str] = set()
    for item in items:
        if item.uid in seen:
            raise ValueError(f"the rota has two events with the id of {item.uid}")
        seen.add(item.uid)


# --- calendars --------------------------------------------------------------


def _timezone(scenario: Scenario, rota: Rota, items: list[_Item]) -> Timezone:
    """The school's VTIMEZONE, from zoneinfo, covering the term and every event.

    Built once with ``Timezone.from_tzid``, which is what ``Calendar.add_missing_timezones``
    calls, and put into every feed: a feed with only all-day events (a helper team without
    duties) would get none from ``add_missing_timezones``, yet states the school's timezone.
    """
    first = min([rota.term_start, *(item.start.date() for item in items[:1])])
    last = max([rota.term_end, *(item.start.date() for item in items[-1:])]) + dt.timedelta(days=2)
    return _without_rdates(Timezone.from_tzid(scenario.school.timezone, first_date=first, last_date=last))


def _without_rdates(timezone: Timezone) -> Timezone:
    """One STANDARD or DAYLIGHT block per transition, never RDATE lists.

    ical.js 2.2.1 (Thunderbird's parser) ignores the DTSTART of a block that also has RDATEs and
    reads only the first date of an RDATE list: a London term across two springs put every summer
    event an hour late there. Separate blocks mean the same to every parser.
    """
    blocks = []
    for block in timezone.subcomponents:
        rdates = block.pop("RDATE", None)
        blocks.append(block)
        if rdates is None:
            continue
        for rdate_list in rdates if isinstance(rdates, list) else [rdates]:
            for rdate in rdate_list.dts:
                extra = copy.deepcopy(block)
                del extra["DTSTART"]
                extra.add("DTSTART", rdate.dt)
                blocks.append(extra)
    timezone.subcomponents = sorted(blocks, key=lambda b: b.decoded("DTSTART"))
    return timezone


def _term_text(scenario: Scenario, rota: Rota, words: FeedWords) -> str:
    dates = words.labels.date_range(rota.term_start, rota.term_end)
    name = scenario.term.name
    return f"{name} {dates}" if name else dates


def _feed(
    spec: _Spec, items: list[_Item], timezone: Timezone, scenario: Scenario, words: FeedWords, term: str
) -> Feed:
    calendar = _calendar(spec, timezone, scenario, words, term)
    return Feed(
        key=spec.key,
        kind=spec.kind,
        filename=f"{spec.key}.ics",
        title=spec.title,
        ics=_with_events(calendar, [item.ics for item in items]),
        events=len(items),
    )


def _calendar(spec: _Spec, timezone: Timezone, scenario: Scenario, words: FeedWords, term: str) -> Calendar:
    """The feed's VCALENDAR with its properties and VTIMEZONE, before any event."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", spec.title)
    calendar.add("x-wr-calname", spec.title)
    description = _one_line(words.calendar_description.format(title=spec.title, term=term))
    calendar.add("description", description)
    calendar.add("x-wr-caldesc", description)
    calendar.add("x-wr-timezone", scenario.school.timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT12H")
    calendar.add_component(timezone)
    return calendar


_END = b"END:VCALENDAR\r\n"


def _with_events(calendar: Calendar, events: list[bytes]) -> bytes:
    """``calendar.to_ical()`` with the already serialised VEVENTs added as its last components.

    Byte for byte what icalendar writes when the events are added to the calendar (a test holds
    this), but each event is serialised once rather than once per feed it is in: folding every
    line again for 40 feeds took most of the time.
    """
    head: bytes = calendar.to_ical()
    if not head.endswith(_END):
        raise AssertionError("icalendar ends a calendar with END:VCALENDAR")
    return b"".join([head[: -len(_END)], *events, _END])
