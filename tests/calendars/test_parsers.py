"""The published iCalendar feeds, read by two independent parsers, against the rota they publish.

For every scenario in ``scenarios/``: solve it, write its feeds, and read every feed with the Python
``icalendar`` package and with ical.js (the parser of Thunderbird and many web calendars, run by
``node/parse_feeds.mjs``). Both must read every feed alike, and each feed must hold exactly the
sessions, activities and special days the rota gives it, at the right instants (the DST check of the
English school), with no recurrence rule, in well-folded UTF-8 text, byte for byte the same on every
write. ical.js comes from ``node/package-lock.json``: ``npm ci --prefix tests/calendars/node``
(``scripts/test.sh`` runs it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events  # type: ignore[import-untyped,unused-ignore]

from calendars import Feed, build_feeds, write_feeds
from calendars.feeds import day_runs
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import solve
from rota_solver.verify import verify
from tests.calendars.parsers import JsFile, parse_with_ical_js, read_with_icalendar
from tests.conftest import SCENARIO_NAMES
from tests.factories import tiny_school

KEY_PREFIXES = ("class", "staff", "helpers", "room", "grade")
UID_PATTERN = re.compile(r"^(?P<sort>session|activity|day)\.(?P<id>.+)@(?P<domain>[^@\s]+)$")
DATE_TIME_PROPERTIES = ("DTSTART", "DTEND", "DTSTAMP", "LAST-MODIFIED", "CREATED", "RECURRENCE-ID")
RECURRENCE_PROPERTIES = ("RRULE", "RDATE", "EXDATE", "EXRULE", "RECURRENCE-ID")
SHOWN = 12  # problems quoted in a failure message


@dataclass(frozen=True)
class Expected:
    """When one session or activity takes place, as the rota says."""

    what: str
    all_day: bool
    date: dt.date
    start: dt.datetime | None
    end: dt.datetime | None


@dataclass(frozen=True)
class Published:
    """One scenario's feeds: as built, as written, and as both parsers read them."""

    name: str
    scenario: Scenario
    rota: Rota
    feeds: dict[str, Feed]
    raw: dict[str, bytes]
    ical: dict[str, icalendar.Calendar]
    js: dict[str, JsFile]
    first_dir: Path
    second_dir: Path


# --- publishing once per scenario ------------------------------------------------------------------
def _write(scenario: Scenario, rota: Rota, out_dir: Path) -> list[Path]:
    written = write_feeds(scenario, rota, out_dir)
    return sorted(p for p in written if p.suffix == ".ics")


@pytest.fixture(scope="module", params=SCENARIO_NAMES)
def published(
    request: pytest.FixtureRequest,
    solved_scenario: Callable[[str], tuple[Scenario, Rota]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Published:
    name = cast(str, request.param)
    scenario, rota = solved_scenario(name)
    first_dir = tmp_path_factory.mktemp(f"{name}-first")
    second_dir = tmp_path_factory.mktemp(f"{name}-second")
    paths = _write(scenario, rota, first_dir)
    _write(scenario, rota, second_dir)
    assert paths, f"{name}: write_feeds wrote no .ics file"
    feeds = {f.key: f for f in build_feeds(scenario, rota)}
    raw = {p.stem: p.read_bytes() for p in paths}
    ical = {key: read_with_icalendar(key, data) for key, data in raw.items()}
    js = parse_with_ical_js(paths)
    return Published(name, scenario, rota, feeds, raw, ical, js, first_dir, second_dir)


# --- helpers ---------------------------------------------------------------------------------------
def _fail_if_any(problems: list[str], what: str) -> None:
    if problems:
        shown = "\n  ".join(problems[:SHOWN])
        more = f"\n  ... and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        pytest.fail(f"{what}: {len(problems)} problem(s)\n  {shown}{more}", pytrace=False)


def _uid(event: icalendar.Event) -> str:
    return str(event.get("UID", ""))


def _epoch_ms(moment: dt.datetime) -> int:
    assert moment.tzinfo is not None, f"{moment} is naive"
    return round(moment.timestamp() * 1000)


def _wall(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _person_key(scenario: Scenario, person_id: str) -> str:
    if person_id in {m.id for m in scenario.staff}:
        return f"staff-{person_id}"
    if person_id in {g.id for g in scenario.helper_groups}:
        return f"helpers-{person_id}"
    raise AssertionError(f"{person_id!r} is neither a staff member nor a helper group")


def _grade_key(scenario: Scenario, grade: int) -> str:
    """As the README says: the school's own name for the grade, lower case, runs of anything but
    Latin letters and digits as one hyphen; grade-N when that leaves nothing."""
    name = next((g.name for g in scenario.grades if g.number == grade), "")
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or f"grade-{grade}"


def _entity_keys(scenario: Scenario) -> set[str]:
    """Every feed a scenario can have."""
    return (
        {f"class-{c.id}" for c in scenario.classes}
        | {_grade_key(scenario, c.grade) for c in scenario.classes}
        | {f"staff-{m.id}" for m in scenario.staff}
        | {f"helpers-{g.id}" for g in scenario.helper_groups}
        | {f"room-{r.id}" for r in scenario.rooms}
        | {"library"}
    )


def _domain(pub: Published) -> str:
    domains: set[str] = set()
    for calendar in pub.ical.values():
        for event in calendar.events:
            match = UID_PATTERN.match(_uid(event))
            if match:
                domains.add(match["domain"])
    assert len(domains) == 1, f"{pub.name}: UIDs should share one domain, found {sorted(domains)}"
    return domains.pop()


def _expected(pub: Published) -> tuple[dict[str, set[str]], dict[str, Expected]]:
    """Session and activity UIDs per feed, by the publishing rules, and when each takes place."""
    scenario, rota, domain = pub.scenario, pub.rota, _domain(pub)
    grade_of = {c.id: _grade_key(scenario, c.grade) for c in scenario.classes}
    per_feed: dict[str, set[str]] = {}
    when: dict[str, Expected] = {}
    for session in rota.sessions:
        uid = f"session.{session.id}@{domain}"
        keys = {f"class-{session.class_id}", f"room-{session.room_id}", grade_of[session.class_id]}
        keys |= {_person_key(scenario, p) for p in session.staff_ids} | {"library"}
        for key in keys:
            per_feed.setdefault(key, set()).add(uid)
        when[uid] = Expected(f"session {session.id}", False, session.date, session.start, session.end)
    for activity in rota.activities:
        uid = f"activity.{activity.id}@{domain}"
        people = activity.staff_ids + activity.participant_staff_ids + activity.helper_group_ids
        keys = {f"class-{c}" for c in activity.class_ids} | {grade_of[c] for c in activity.class_ids}
        keys |= {_person_key(scenario, p) for p in people} | {"library"}
        if activity.room_id is not None:
            keys.add(f"room-{activity.room_id}")
        for key in keys:
            per_feed.setdefault(key, set()).add(uid)
        when[uid] = Expected(
            f"activity {activity.id}", activity.all_day, activity.date, activity.start, activity.end
        )
    return per_feed, when


def _day_uids(uids: Iterable[str]) -> set[str]:
    return {uid for uid in uids if uid.startswith("day.")}


def _date_value(value: object) -> dt.date | None:
    """The date of an all-day DTSTART/DTEND, or None when it is a date-time."""
    if isinstance(value, dt.datetime):
        return None
    assert isinstance(value, dt.date), f"not a date: {value!r}"
    return value


def _time_property(event: icalendar.Event, name: str) -> icalendar.vDDDTypes:
    prop = event[name]
    assert isinstance(prop, icalendar.vDDDTypes), f"{_uid(event)}: {name} is a {type(prop).__name__}"
    return prop


def _events_by_uid(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {_uid(event): event for event in calendar.events}


def _feeds(pub: Published) -> Iterator[tuple[str, icalendar.Calendar, JsFile]]:
    for key in sorted(pub.raw):
        yield key, pub.ical[key], pub.js[key]


# --- the checks --------------------------------------------------------------------------------------
def test_feed_files_match_build_feeds(published: Published) -> None:
    pub = published
    problems: list[str] = []
    built = {f.filename: f for f in pub.feeds.values()}
    written = {f"{key}.ics" for key in pub.raw}
    on_disk = {p.name for p in (pub.first_dir / "calendars").glob("*.ics")}
    if written != set(built) or on_disk != set(built):
        problems.append(
            f"files: built {sorted(built)}, write_feeds returned {sorted(written)}, on disk {sorted(on_disk)}"
        )
    if not (pub.first_dir / "calendars" / "index.html").is_file():
        problems.append("calendars/index.html is missing")
    entities = _entity_keys(pub.scenario)
    per_feed, _ = _expected(pub)
    grade_keys = {_grade_key(pub.scenario, c.grade) for c in pub.scenario.classes}
    for key, feed in sorted(pub.feeds.items()):
        prefix = key.split("-", 1)[0]
        kind: str = (
            "library"
            if key == "library"
            else "grade"
            if key in grade_keys
            else prefix
            if prefix in KEY_PREFIXES
            else f"unknown ({prefix!r})"
        )
        if feed.kind != kind:
            problems.append(f"{key}: kind {feed.kind!r}, expected {kind!r}")
        if feed.filename != f"{key}.ics":
            problems.append(f"{key}: filename {feed.filename!r}")
        if key not in entities:
            problems.append(
                f"{key}: no such class, grade, staff member, helper group or room in the scenario"
            )
        if feed.filename in written and pub.raw[key] != feed.ics:
            problems.append(f"{key}: the written file differs from build_feeds' bytes")
        if not feed.title.strip():
            problems.append(f"{key}: empty title")
    for key in sorted(set(per_feed) - set(pub.feeds)):
        problems.append(f"{key}: the rota has {len(per_feed[key])} events for it but there is no feed")
    _fail_if_any(problems, f"{pub.name}: feed files")


def test_both_parsers_read_every_feed_alike(published: Published) -> None:
    pub = published
    problems: list[str] = []
    for key, calendar, js in _feeds(pub):
        problems += [f"{key}: ical.js: {error}" for error in js["errors"]]
        py_uids = Counter(_uid(event) for event in calendar.events)
        js_uids = Counter(event["uid"] or "" for event in js["events"])
        problems += [f"{key}: UID {uid!r} occurs {n} times" for uid, n in py_uids.items() if n > 1]
        problems += [f"{key}: ical.js reads UID {uid!r} {n} times" for uid, n in js_uids.items() if n > 1]
        if set(py_uids) != set(js_uids):
            only_py, only_js = sorted(set(py_uids) - set(js_uids)), sorted(set(js_uids) - set(py_uids))
            problems.append(f"{key}: UIDs differ; only icalendar: {only_py[:3]}, only ical.js: {only_js[:3]}")
        if "" in py_uids:
            problems.append(f"{key}: a VEVENT has no UID")
        calname = calendar.get("X-WR-CALNAME", calendar.get("NAME"))
        title = pub.feeds[key].title if key in pub.feeds else None
        if calname is None or str(calname) != js["calname"] or str(calname) != title:
            problems.append(
                f"{key}: calendar name icalendar {calname!r}, ical.js {js['calname']!r}, Feed.title {title!r}"
            )
        py_events = _events_by_uid(calendar)
        for event in js["events"]:
            uid = event["uid"] or ""
            if uid not in py_events:
                continue
            mine = py_events[uid]
            summary = str(mine.get("SUMMARY", ""))
            if summary != event["summary"]:
                problems.append(f"{key}: {uid}: SUMMARY icalendar {summary!r}, ical.js {event['summary']!r}")
            status = str(mine["STATUS"]) if "STATUS" in mine else None
            if status != event["status"]:
                problems.append(f"{key}: {uid}: STATUS icalendar {status!r}, ical.js {event['status']!r}")
            sequence = int(str(mine["SEQUENCE"])) if "SEQUENCE" in mine else None
            if (sequence or 0) != (event["sequence"] or 0):
                problems.append(
                    f"{key}: {uid}: SEQUENCE icalendar {sequence!r}, ical.js {event['sequence']!r}"
                )
    _fail_if_any(problems, f"{pub.name}: icalendar and ical.js")


def test_time_zones_defined_and_no_floating_times(published: Published) -> None:
    pub = published
    school_tz = pub.scenario.school.timezone
    problems: list[str] = []
    for key, calendar, js in _feeds(pub):
        defined = [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")]
        if Counter(defined) != Counter(js["timezones"]):
            problems.append(f"{key}: VTIMEZONEs icalendar {defined}, ical.js {js['timezones']}")
        problems += [f"{key}: VTIMEZONE {tz} defined twice" for tz, n in Counter(defined).items() if n > 1]
        undefined: set[str] = set()
        for component in calendar.walk():
            if component.name in {"VTIMEZONE", "STANDARD", "DAYLIGHT"}:
                continue
            for name, value in component.property_items(recursive=False, sorted=False):
                params = getattr(value, "params", {})
                tzid = params.get("TZID") if hasattr(params, "get") else None
                if tzid is not None and tzid not in defined:
                    undefined.add(f"{key}: {component.name} {name};TZID={tzid} has no VTIMEZONE")
        problems += sorted(undefined)
        for event in calendar.events:
            uid = _uid(event)
            for name in DATE_TIME_PROPERTIES:
                if name not in event:
                    continue
                prop = _time_property(event, name)
                value = prop.dt
                if not isinstance(value, dt.datetime):
                    if isinstance(value, dt.date) and prop.params.get("VALUE") != "DATE":
                        problems.append(f"{key}: {uid}: the date {name} lacks VALUE=DATE")
                    continue
                tzid = prop.params.get("TZID")
                utc = prop.to_ical().endswith(b"Z")
                if tzid is None and not utc:
                    problems.append(f"{key}: {uid}: {name}:{prop.to_ical().decode()} is a floating time")
                if name == "DTSTAMP" and not utc:
                    problems.append(f"{key}: {uid}: DTSTAMP must be UTC")
                if name in {"DTSTART", "DTEND"} and tzid is not None and tzid != school_tz:
                    problems.append(f"{key}: {uid}: {name} TZID {tzid}, the school's is {school_tz}")
        for js_event in js["events"]:
            if js_event["isDate"]:
                continue
            for side, zone in (("DTSTART", js_event["zone"]), ("DTEND", js_event["endZone"])):
                if zone in (None, "floating"):
                    problems.append(f"{key}: {js_event['uid']}: ical.js reads {side} as {zone}")
    _fail_if_any(problems, f"{pub.name}: time zones")


def test_each_feed_holds_exactly_its_rota_events(published: Published) -> None:
    pub = published
    per_feed, _ = _expected(pub)
    runs = day_runs(pub.rota.calendar, pub.scenario.term.weekdays)
    calendar_dates = Counter(run[0].date for run in runs)
    problems: list[str] = []
    day_sets: dict[str, set[str]] = {}
    for key, calendar, js in _feeds(pub):
        uids = {_uid(event) for event in calendar.events}
        days = _day_uids(uids)
        day_sets[key] = days
        expected = per_feed.get(key, set())
        rota_uids = uids - days
        missing, extra = sorted(expected - rota_uids), sorted(rota_uids - expected)
        if missing:
            problems.append(f"{key}: {len(missing)} rota events missing, e.g. {missing[:3]}")
        if extra:
            problems.append(f"{key}: {len(extra)} events the rules do not put here, e.g. {extra[:3]}")
        bad = sorted(u for u in rota_uids if not UID_PATTERN.match(u))
        if bad:
            problems.append(f"{key}: UIDs of no known form, e.g. {bad[:3]}")
        if len(days) != len(runs):
            problems.append(f"{key}: {len(days)} special days, the rota has {len(runs)} runs of them")
        dates: Counter[dt.date] = Counter()
        for event in calendar.events:
            if _uid(event) in days:
                day = _date_value(event.decoded("DTSTART"))
                if day is None:
                    problems.append(f"{key}: {_uid(event)}: a special day must be all-day (VALUE=DATE)")
                else:
                    dates[day] += 1
        if dates != calendar_dates:
            problems.append(
                f"{key}: special days on {sorted(dates.elements())}, rota {sorted(calendar_dates.elements())}"
            )
        count = len(expected) + len(runs)
        counts = (len(calendar.events), len(js["events"]), pub.feeds[key].events if key in pub.feeds else -1)
        if counts != (count, count, count):
            problems.append(f"{key}: VEVENTs icalendar/ical.js/Feed.events {counts}, the rota gives {count}")
    distinct = {frozenset(days) for days in day_sets.values()}
    if len(distinct) > 1:
        problems.append("special days have different UIDs in different feeds")
    _fail_if_any(problems, f"{pub.name}: feeds against the rota")


def test_events_at_the_rota_instants_in_both_parsers(published: Published) -> None:
    """DTSTART/DTEND of every session and timed activity: the rota's UTC instant and school wall time in
    both parsers. All-day activities: one whole date (DTEND the day after) in both; special days: their
    run's dates (DTEND the day after its last)."""
    pub = published
    last_of = {
        f"day.{run[0].date.isoformat()}.{run[0].kind}": run[-1].date
        for run in day_runs(pub.rota.calendar, pub.scenario.term.weekdays)
    }
    tz = ZoneInfo(pub.scenario.school.timezone)
    _, when = _expected(pub)
    problems: list[str] = []
    for key, calendar, js in _feeds(pub):
        py_events = _events_by_uid(calendar)
        for js_event in js["events"]:
            uid = js_event["uid"] or ""
            if uid not in py_events:
                continue
            event = py_events[uid]
            if uid in when:
                want = when[uid]
            else:
                day = _date_value(event.decoded("DTSTART"))
                if not uid.startswith("day.") or day is None:
                    continue  # reported by test_each_feed_holds_exactly_its_rota_events
                want = Expected(f"special day {uid}", True, day, None, None)
                day_after = last_of[uid.split("@")[0]] + dt.timedelta(days=1)
            if "RRULE" in event or js_event["recurring"]:
                problems.append(f"{key}: {uid} recurs")
            start, end = event.decoded("DTSTART"), event.decoded("DTEND") if "DTEND" in event else None
            if want.all_day:
                if uid in when:
                    day_after = want.date + dt.timedelta(days=1)
                if _date_value(start) != want.date or (end is not None and _date_value(end) != day_after):
                    problems.append(
                        f"{key}: {uid}: icalendar reads {start!r}..{end!r}, {want.what} is all day"
                    )
                js_span = (js_event["start"], js_event["end"])
                if not js_event["isDate"] or js_span != (want.date.isoformat(), day_after.isoformat()):
                    problems.append(
                        f"{key}: {uid}: ical.js reads {js_span}, {want.what} is all day {want.date}"
                    )
                continue
            assert want.start is not None and want.end is not None
            local_start, local_end = want.start.astimezone(tz), want.end.astimezone(tz)
            ms = (_epoch_ms(want.start), _epoch_ms(want.end))
            if not isinstance(start, dt.datetime) or not isinstance(end, dt.datetime):
                problems.append(f"{key}: {uid}: icalendar reads {start!r}..{end!r}, {want.what} is timed")
                continue
            if (_epoch_ms(start), _epoch_ms(end)) != ms:
                problems.append(
                    f"{key}: {uid}: icalendar instants {start.isoformat()}..{end.isoformat()}, "
                    f"{want.what} is {want.start.isoformat()}..{want.end.isoformat()}"
                )
            raw_start = _time_property(event, "DTSTART").to_ical().decode()
            raw_end = _time_property(event, "DTEND").to_ical().decode()
            wall = (local_start.strftime("%Y%m%dT%H%M%S"), local_end.strftime("%Y%m%dT%H%M%S"))
            if (raw_start, raw_end) != wall:
                problems.append(f"{key}: {uid}: DTSTART/DTEND {raw_start}/{raw_end}, school wall time {wall}")
            if (js_event["start"], js_event["end"]) != ms:
                problems.append(
                    f"{key}: {uid}: ical.js instants {js_event['start']}..{js_event['end']} ms, "
                    f"{want.what} is {ms[0]}..{ms[1]} ({want.start.isoformat()}..{want.end.isoformat()})"
                )
            if (js_event["startLocal"], js_event["endLocal"]) != (_wall(local_start), _wall(local_end)):
                problems.append(
                    f"{key}: {uid}: ical.js wall time {js_event['startLocal']}..{js_event['endLocal']}, "
                    f"{want.what} is {_wall(local_start)}..{_wall(local_end)}"
                )
    _fail_if_any(problems, f"{pub.name}: event times")


def test_no_recurrence_surprises(published: Published) -> None:
    pub = published
    first, after_last = pub.rota.term_start, pub.rota.term_end + dt.timedelta(days=1)
    problems: list[str] = []
    for key, calendar, _ in _feeds(pub):
        for event in calendar.events:
            present = [name for name in RECURRENCE_PROPERTIES if name in event]
            if present:
                problems.append(f"{key}: {_uid(event)} has {present}")
        occurrences = recurring_ical_events.of(calendar).between(first, after_last)
        seen = Counter(str(o.get("UID", "")) for o in occurrences)
        mine = Counter(_uid(event) for event in calendar.events)
        if seen != mine:
            differing = sorted(uid for uid in set(seen) | set(mine) if seen[uid] != mine[uid])
            problems.append(
                f"{key}: recurring_ical_events finds {sum(seen.values())} occurrences "
                f"in {first}..{after_last}, the feed has {sum(mine.values())} events; "
                f"e.g. {[(uid, seen[uid], mine[uid]) for uid in differing[:3]]} (UID, found, in feed)"
            )
    _fail_if_any(problems, f"{pub.name}: recurring_ical_events")


def test_lines_folded_in_whole_utf8_with_crlf(published: Published) -> None:
    pub = published
    problems: list[str] = []
    for key, data in sorted(pub.raw.items()):
        if not data.endswith(b"\r\n"):
            problems.append(f"{key}: does not end with CRLF")
        lines = data.split(b"\r\n")
        if lines and lines[-1] == b"":
            lines.pop()
        for number, line in enumerate(lines, start=1):
            where = f"{key}.ics line {number}: {line.decode('utf-8', 'backslashreplace')!r}"
            if b"\r" in line or b"\n" in line:
                problems.append(f"{where}: bare CR or LF")
            if len(line) > 75:
                problems.append(f"{where}: {len(line)} octets (at most 75)")
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                problems.append(f"{where}: not UTF-8 on its own ({error.reason} at octet {error.start})")
    _fail_if_any(problems, f"{pub.name}: line folding")


def test_summaries_survive_unfolding(published: Published) -> None:
    """Each session's SUMMARY in its class's feed names the class, whole, in both parsers."""
    pub = published
    problems: list[str] = []
    domain = _domain(pub)
    py_events = {key: _events_by_uid(calendar) for key, calendar in pub.ical.items()}
    js_summaries = {key: {e["uid"]: e["summary"] for e in js["events"]} for key, js in pub.js.items()}
    for session in pub.rota.sessions:
        key = f"class-{session.class_id}"
        if key not in pub.ical:
            continue  # reported by test_each_feed_holds_exactly_its_rota_events
        class_name = pub.scenario.school_class(session.class_id).name
        uid = f"session.{session.id}@{domain}"
        event = py_events[key].get(uid)
        js_summary = js_summaries[key].get(uid)
        summary = None if event is None else str(event.get("SUMMARY", ""))
        for parser, text in (("icalendar", summary), ("ical.js", js_summary)):
            if text is None:
                continue
            if "\ufffd" in text or class_name not in text:
                problems.append(f"{key}: {uid}: {parser} SUMMARY {text!r} should name {class_name!r}")
    if pub.name == "demo_school":
        summaries = [
            str(e.get("SUMMARY", "")) for e in pub.ical.get("class-3-2", icalendar.Calendar()).events
        ]
        if not any("三年级2班" in s for s in summaries):
            problems.append(f"class-3-2: no SUMMARY contains 三年级2班: {summaries[:3]}")
    _fail_if_any(problems, f"{pub.name}: summaries")


def test_writing_twice_gives_the_same_bytes(published: Published) -> None:
    pub = published
    first = {p.relative_to(pub.first_dir): p for p in pub.first_dir.rglob("*") if p.is_file()}
    second = {p.relative_to(pub.second_dir): p for p in pub.second_dir.rglob("*") if p.is_file()}
    problems: list[str] = []
    if set(first) != set(second):
        problems.append(f"files differ: {sorted(str(p) for p in set(first) ^ set(second))}")
    for relative in sorted(set(first) & set(second)):
        a, b = first[relative].read_bytes(), second[relative].read_bytes()
        if a != b:
            a_lines, b_lines = a.split(b"\n"), b.split(b"\n")
            n = next((i for i, (x, y) in enumerate(zip(a_lines, b_lines, strict=False)) if x != y), 0)
            at = (a_lines[n : n + 1], b_lines[n : n + 1])
            problems.append(f"{relative}: differs from line {n + 1}: {at[0]!r} vs {at[1]!r}")
    _fail_if_any(problems, f"{pub.name}: determinism")


def test_london_term_across_two_springs_lands_on_the_same_instants(tmp_path: Path) -> None:
    """Regression: zoneinfo's VTIMEZONE for a term with two clock changes of one kind used an RDATE
    list, which ical.js 2.2.1 misreads (summer events an hour late); the feeds must not."""
    scenario = tiny_school(
        school={"name": "Long Term School", "timezone": "Europe/London", "locale": "en"},
        term={"start": "2026-03-02", "end": "2027-03-31"},
    )
    rota = solve(scenario)
    assert verify(scenario, rota) == []
    paths = _write(scenario, rota, tmp_path)
    library = next(p for p in paths if p.stem == "library")
    events = {str(e["uid"]).split("@")[0]: e for e in parse_with_ical_js([library])["library"]["events"]}
    checked = 0
    for session in rota.sessions:
        event = events[f"session.{session.id}"]
        assert event["start"] == _epoch_ms(session.start), (session.id, session.start)
        checked += 1
    # Sessions in both summers and the winter between: the clock changed three times.
    assert {s.start.utcoffset() for s in rota.sessions} == {dt.timedelta(0), dt.timedelta(hours=1)}
    assert checked == len(rota.sessions) > 100
