"""The feeds of a rerun rota: a moved event keeps its UID with a higher SEQUENCE, a removed one stays,
cancelled, in the feeds it was in until its date has passed, and every event no rerun touched keeps
its bytes, so a calendar app that refreshes the feed updates exactly what changed.

The rerun here is made by hand from a solved tiny school (``model_copy``), so each test knows
exactly which events changed and how.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from calendars import Feed, build_feeds, write_feeds
from calendars.words import feed_words
from rota_solver.rota import ActivityEvent, CancelledEvent, DatedSession, Revision, Rota
from rota_solver.scenario import WEEKDAYS, Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.calendars.parsers import JsFile, parse_with_ical_js, read_with_icalendar
from tests.factories import hand_made_rota, school_dict, tiny_school

VEVENT = re.compile(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", flags=re.S)
LIVE_FEEDS = ("class-1-1", "class-1-2", "grade-1", "room-library", "staff-lib", "library")


# --- the rotas -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rerun:
    """A solved rota, a hand-made rerun of it, and which events the rerun touched (UIDs before @)."""

    scenario: Scenario
    published: Rota
    rota: Rota
    moved: DatedSession
    """The moved session as rerun (same id as published, new times)."""
    cancelled: DatedSession
    cancelled_activity: ActivityEvent
    added: DatedSession
    passed: DatedSession
    """Cancelled on a date before the rerun's version time: no longer in any feed."""
    unchanged: list[str]

    @property
    def touched(self) -> set[str]:
        return {
            _name(self.moved),
            _name(self.cancelled),
            _name(self.cancelled_activity),
            _name(self.added),
            _name(self.passed),
        }


def _name(event: DatedSession | ActivityEvent) -> str:
    return f"session.{event.id}" if isinstance(event, DatedSession) else f"activity.{event.id}"


def _school() -> Scenario:
    """Two classes over three weeks, a closure (a calendar day) and an all-day book day."""
    return Scenario.model_validate(
        school_dict(
            term={
                "name": "Autumn",
                "start": "2026-09-07",
                "end": "2026-09-25",
                "closures": [{"name": "Sports day", "start": "2026-09-16"}],
            },
            activities=[
                {
                    "id": "book_day",
                    "name": "Book Day",
                    "kind": "event",
                    "participants": {"grades": [1]},
                    "when": {"start": "2026-09-23", "end": "2026-09-23"},
                    "all_day": True,
                    "room": "library",
                }
            ],
        )
    )


def _moved(session: DatedSession, by: dt.timedelta) -> DatedSession:
    start, end = session.start + by, session.end + by
    return session.model_copy(
        update={"start": start, "end": end, "date": start.date(), "follows": WEEKDAYS[start.weekday()]}
    )


@pytest.fixture(scope="module")
def rerun() -> Rerun:
    scenario = _school()
    published = solve(scenario, SolveOptions(time_limit_seconds=20, workers=1, seed=0))
    assert verify(scenario, published) == []
    assert published.revision == 0 and not published.revisions and not published.cancelled
    tz = scenario.school.tz
    # The rerun is made at midnight at the school on the first day of week 2 (still the day
    # before in UTC): week 1 has passed, weeks 2 and 3 are to come.
    today = published.term_start + dt.timedelta(days=7)
    version_time = dt.datetime.combine(today, dt.time(0), tzinfo=tz).astimezone(dt.UTC)
    sessions = sorted(published.sessions, key=lambda s: (s.start, s.id))
    passed = [s for s in sessions if s.date < today]
    to_come = [s for s in sessions if s.date >= today]
    assert len(passed) >= 2 and len(to_come) >= 3, "the tiny school should have sessions in every week"
    book_day = next(a for a in published.activities if a.activity_id == "book_day")
    assert book_day.date >= today

    moved = _moved(to_come[0], dt.timedelta(days=1, hours=2))
    cancelled, gone_before = to_come[1], passed[-1]
    added = _moved(to_come[-1], dt.timedelta(hours=3)).model_copy(update={"id": f"{to_come[-1].id}.r1"})
    changed = version_time + dt.timedelta(minutes=5)  # not version_time: shows which one the feeds use
    earlier = published.version_time + dt.timedelta(days=2)

    def cancel(event: DatedSession | ActivityEvent, modified: dt.datetime) -> CancelledEvent:
        revision = Revision(sequence=1, modified=modified)
        if isinstance(event, DatedSession):
            return CancelledEvent(uid=_name(event), session=event, revision=revision)
        return CancelledEvent(uid=_name(event), activity=event, revision=revision)

    removed = {cancelled.id, gone_before.id}
    rota = published.model_copy(
        update={
            "version_time": version_time,
            "revision": 1,
            "frozen_before": today,
            "first_version_time": published.version_time,
            "sessions": [moved if s.id == moved.id else s for s in published.sessions if s.id not in removed]
            + [added],
            "activities": [a for a in published.activities if a.id != book_day.id],
            "revisions": {
                _name(moved): Revision(sequence=1, modified=changed),
                _name(added): Revision(sequence=0, modified=changed),
            },
            "cancelled": [
                cancel(gone_before, earlier),
                cancel(cancelled, changed),
                cancel(book_day, changed),
            ],
        }
    )
    unchanged = [_name(s) for s in published.sessions if s.id not in removed | {moved.id}]
    return Rerun(scenario, published, rota, moved, cancelled, book_day, added, gone_before, unchanged)


@pytest.fixture(scope="module")
def before(rerun: Rerun) -> dict[str, Feed]:
    return {f.key: f for f in build_feeds(rerun.scenario, rerun.published)}


@pytest.fixture(scope="module")
def after(rerun: Rerun) -> dict[str, Feed]:
    return {f.key: f for f in build_feeds(rerun.scenario, rerun.rota)}


def blocks(feed: Feed) -> dict[str, bytes]:
    """The feed's VEVENTs, as written, by UID before the @."""
    out: dict[str, bytes] = {}
    for block in VEVENT.findall(feed.ics):
        event = icalendar.Event.from_ical(block)
        out[str(event["UID"]).split("@")[0]] = block
    return out


def events(feed: Feed) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split("@")[0]: e for e in icalendar.Calendar.from_ical(feed.ics).events}


def stamp_of(event: icalendar.Event) -> tuple[dt.datetime, dt.datetime]:
    return event.decoded("DTSTAMP"), event.decoded("LAST-MODIFIED")


def feeds_holding(feeds: dict[str, Feed], name: str) -> set[str]:
    return {key for key, feed in feeds.items() if name in blocks(feed)}


# --- what changed --------------------------------------------------------------------------------
def test_a_moved_session_keeps_its_uid_with_sequence_1_and_its_new_times(
    rerun: Rerun, after: dict[str, Feed]
) -> None:
    name = _name(rerun.moved)
    event = events(after[f"class-{rerun.moved.class_id}"])[name]
    assert event.decoded("SEQUENCE") == 1
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == rerun.moved.start and event.decoded("DTEND") == rerun.moved.end
    modified = rerun.rota.revisions[name].modified
    assert stamp_of(event) == (modified, modified)
    assert rerun.rota.version_time < modified
    assert b"\r\nSEQUENCE:1\r\n" in blocks(after["library"])[name]


def test_a_cancelled_session_stays_cancelled_with_the_word_in_each_of_its_feeds(
    rerun: Rerun, before: dict[str, Feed], after: dict[str, Feed]
) -> None:
    name = _name(rerun.cancelled)
    where = {"library", f"class-{rerun.cancelled.class_id}", "grade-1", f"room-{rerun.cancelled.room_id}"}
    where |= {f"staff-{p}" for p in rerun.cancelled.staff_ids}
    assert feeds_holding(after, name) == feeds_holding(before, name) == where
    entry = next(c for c in rerun.rota.cancelled if c.uid == name)
    for key in sorted(where):
        event = events(after[key])[name]
        published = events(before[key])[name]
        assert str(event["STATUS"]) == "CANCELLED", key
        assert event.decoded("SEQUENCE") == 1, key
        assert stamp_of(event) == (entry.revision.modified, entry.revision.modified)
        assert str(event["SUMMARY"]) == f"Cancelled: {published['SUMMARY']}"
        # Otherwise as published: same times, place and words.
        for prop in ("DTSTART", "DTEND", "LOCATION", "DESCRIPTION", "CATEGORIES", "TRANSP"):
            assert event[prop].to_ical() == published[prop].to_ical(), (key, prop)


def test_a_cancelled_all_day_activity_stays_in_its_class_grade_and_room_feeds(
    rerun: Rerun, before: dict[str, Feed], after: dict[str, Feed]
) -> None:
    activity = rerun.cancelled_activity
    name = _name(activity)
    where = {"library", "grade-1", f"room-{activity.room_id}", *(f"class-{c}" for c in activity.class_ids)}
    assert feeds_holding(after, name) == feeds_holding(before, name) == where
    event = events(after["library"])[name]
    assert str(event["STATUS"]) == "CANCELLED" and event.decoded("SEQUENCE") == 1
    assert str(event["SUMMARY"]) == "Cancelled: Book Day"
    assert event.decoded("DTSTART") == activity.date


def test_an_added_session_has_sequence_0_and_its_own_stamp(rerun: Rerun, after: dict[str, Feed]) -> None:
    name = _name(rerun.added)
    event = events(after[f"class-{rerun.added.class_id}"])[name]
    assert event.decoded("SEQUENCE") == 0 and str(event["STATUS"]) == "CONFIRMED"
    modified = rerun.rota.revisions[name].modified
    assert stamp_of(event) == (modified, modified)
    assert event.decoded("DTSTART") == rerun.added.start


def test_a_cancelled_event_whose_date_has_passed_is_left_out(rerun: Rerun, after: dict[str, Feed]) -> None:
    name = _name(rerun.passed)
    assert name in {c.uid for c in rerun.rota.cancelled}
    assert feeds_holding(after, name) == set()


def test_every_event_the_rerun_did_not_touch_keeps_its_bytes(
    rerun: Rerun, before: dict[str, Feed], after: dict[str, Feed]
) -> None:
    assert list(after) == list(before)
    assert any(name.startswith("day.") for name in blocks(after["library"]))
    assert rerun.unchanged
    compared = 0
    for key, feed in after.items():
        old, new = blocks(before[key]), blocks(feed)
        # Nothing appears or disappears but what the rerun touched.
        assert set(old) - rerun.touched == set(new) - rerun.touched, key
        for name in sorted(set(new) - rerun.touched):
            assert new[name] == old[name], (key, name)
            compared += 1
    assert compared > len(after)
    first = rerun.published.version_time
    for name in rerun.unchanged:
        assert stamp_of(events(after["library"])[name]) == (first, first)


def test_building_twice_or_from_the_stored_json_gives_the_same_bytes(
    rerun: Rerun, after: dict[str, Feed]
) -> None:
    again = build_feeds(rerun.scenario, rerun.rota)
    assert again == list(after.values())
    stored = Rota.model_validate_json(rerun.rota.model_dump_json())
    assert [f.ics for f in build_feeds(rerun.scenario, stored)] == [f.ics for f in again]


def test_a_rerun_that_changed_nothing_gives_the_same_feeds(rerun: Rerun, before: dict[str, Feed]) -> None:
    same = rerun.published.model_copy(
        update={
            "version_time": rerun.rota.version_time,
            "revision": 1,
            "first_version_time": rerun.published.version_time,
        }
    )
    assert [f.ics for f in build_feeds(rerun.scenario, same)] == [f.ics for f in before.values()]


def test_a_revised_calendar_day_carries_its_revision_in_every_feed(rerun: Rerun) -> None:
    day = rerun.published.calendar[0]
    name = f"day.{day.date.isoformat()}.{day.kind}"
    modified = rerun.rota.version_time
    rota = rerun.rota.model_copy(
        update={"revisions": {**rerun.rota.revisions, name: Revision(sequence=2, modified=modified)}}
    )
    feeds = build_feeds(rerun.scenario, rota)
    for feed in feeds:
        event = events(feed)[name]
        assert event.decoded("SEQUENCE") == 2 and stamp_of(event) == (modified, modified), feed.key


# --- both parsers --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def read_back(rerun: Rerun, tmp_path_factory: pytest.TempPathFactory) -> dict[str, JsFile]:
    out = tmp_path_factory.mktemp("rerun")
    paths = [p for p in write_feeds(rerun.scenario, rerun.rota, out) if p.suffix == ".ics"]
    return parse_with_ical_js(paths)


def test_both_parsers_read_status_and_sequence(
    rerun: Rerun, after: dict[str, Feed], read_back: dict[str, JsFile]
) -> None:
    want = {
        _name(rerun.moved): ("CONFIRMED", 1),
        _name(rerun.cancelled): ("CANCELLED", 1),
        _name(rerun.cancelled_activity): ("CANCELLED", 1),
        _name(rerun.added): ("CONFIRMED", 0),
        rerun.unchanged[0]: ("CONFIRMED", 0),
    }
    assert set(read_back) == set(after)
    for key in LIVE_FEEDS:
        js_file = read_back[key]
        assert js_file["errors"] == [], key
        js = {str(e["uid"]).split("@")[0]: e for e in js_file["events"]}
        calendar = read_with_icalendar(key, after[key].ics)
        py = {str(e["UID"]).split("@")[0]: e for e in calendar.events}
        assert set(js) == set(py), key
        for name, (status, sequence) in want.items():
            if name not in py:
                continue
            assert (str(py[name]["STATUS"]), py[name].decoded("SEQUENCE")) == (status, sequence), (key, name)
            assert (js[name]["status"], js[name]["sequence"]) == (status, sequence), (key, name)
            assert js[name]["summary"] == str(py[name]["SUMMARY"]), (key, name)
    library = {str(e["uid"]).split("@")[0] for e in read_back["library"]["events"]}
    assert set(want) <= library


# --- edges ---------------------------------------------------------------------------------------
def test_a_cancelled_event_of_a_class_and_room_no_longer_there_goes_only_in_the_feeds_that_are(
    rerun: Rerun,
) -> None:
    gone = rerun.cancelled.model_copy(
        update={"id": "reading.9-9.w2.1", "class_id": "9-9", "room_id": "attic"}
    )
    entry = CancelledEvent(
        uid=_name(gone), session=gone, revision=Revision(sequence=1, modified=rerun.rota.version_time)
    )
    rota = rerun.rota.model_copy(update={"cancelled": [*rerun.rota.cancelled, entry]})
    feeds = {f.key: f for f in build_feeds(rerun.scenario, rota)}
    assert feeds_holding(feeds, _name(gone)) == {"library", *(f"staff-{p}" for p in gone.staff_ids)}
    event = events(feeds["library"])[_name(gone)]
    assert str(event["STATUS"]) == "CANCELLED" and str(event["SUMMARY"]).startswith("Cancelled: ")
    # A live session of that class is still refused.
    live = rerun.rota.model_copy(update={"sessions": [*rerun.rota.sessions, gone]})
    with pytest.raises(ValueError, match="does not match the scenario"):
        build_feeds(rerun.scenario, live)


def test_an_event_both_live_and_cancelled_is_refused(rerun: Rerun) -> None:
    # Even one whose date has passed, so not written: the rota is inconsistent all the same.
    still = next(s for s in rerun.rota.sessions if _name(s) in rerun.unchanged and s.date < rerun.moved.date)
    entry = CancelledEvent(
        uid=_name(still), session=still, revision=Revision(sequence=1, modified=rerun.rota.version_time)
    )
    rota = rerun.rota.model_copy(update={"cancelled": [*rerun.rota.cancelled, entry]})
    with pytest.raises(
        ValueError, match=rf"{re.escape(_name(still))}@\S+ both as an event and as a cancelled one"
    ):
        build_feeds(rerun.scenario, rota)


def test_a_cancelled_entry_must_name_its_own_event(rerun: Rerun) -> None:
    entry = CancelledEvent(
        uid="session.someone-else",
        session=rerun.cancelled,
        revision=Revision(sequence=1, modified=rerun.rota.version_time),
    )
    with pytest.raises(ValueError, match="must be the same"):
        build_feeds(rerun.scenario, rerun.rota.model_copy(update={"cancelled": [entry]}))
    empty = CancelledEvent(uid="session.x", revision=Revision(sequence=1, modified=rerun.rota.version_time))
    with pytest.raises(ValueError, match="exactly one session or activity"):
        build_feeds(rerun.scenario, rerun.rota.model_copy(update={"cancelled": [empty]}))


# --- by hand: the day a cancelled event passes, and the words ----------------------------------
def dated(session_id: str, day: dt.date, tz: ZoneInfo, **fields: Any) -> DatedSession:
    """A lunchtime reading session of :func:`tests.factories.school_dict`'s school on ``day``."""
    start = dt.datetime.combine(day, dt.time(11, 30), tzinfo=tz)
    values: dict[str, Any] = {
        "id": session_id,
        "date": day,
        "start": start,
        "end": start + dt.timedelta(minutes=20),
        "follows": WEEKDAYS[day.weekday()],
        "teaching_week": 1,
        "week_label": "",
        "window_id": "lunch",
        "rule_id": "reading",
        "kind": "reading",
        "room_id": "library",
        "class_id": "1-1",
        "staff_ids": ["lib"],
    }
    values.update(fields)
    return DatedSession(**values)


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_passed_means_before_the_version_day_at_the_school(locale: str) -> None:
    scenario = tiny_school(school={"name": "Tiny School", "timezone": "Asia/Shanghai", "locale": locale})
    tz = scenario.school.tz
    # 18:00 UTC on Tuesday is 02:00 on Wednesday at the school: Tuesday has passed there.
    version_time = dt.datetime(2026, 9, 8, 18, 0, tzinfo=dt.UTC)
    tuesday, wednesday = dt.date(2026, 9, 8), dt.date(2026, 9, 9)
    revision = Revision(sequence=1, modified=version_time)
    cancelled = [
        CancelledEvent(uid=f"session.{s.id}", session=s, revision=revision)
        for s in (dated("tue", tuesday, tz), dated("wed", wednesday, tz))
    ]
    rota = hand_made_rota(
        locale=locale,
        version_time=version_time,
        first_version_time=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
        revision=1,
        sessions=[dated("thu", dt.date(2026, 9, 10), tz)],
        cancelled=cancelled,
    )
    library = next(f for f in build_feeds(scenario, rota) if f.key == "library")
    found = events(library)
    assert set(found) == {"session.wed", "session.thu"}
    prefix = feed_words(locale).cancelled_prefix
    assert str(found["session.wed"]["SUMMARY"]) == prefix + str(found["session.thu"]["SUMMARY"])
    assert not str(found["session.thu"]["SUMMARY"]).startswith(prefix)
    if locale == "zh-CN":
        assert prefix == "已取消："
