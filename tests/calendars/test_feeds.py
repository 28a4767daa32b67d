"""The calendar feeds as a homeroom teacher's calendar app receives them: which feeds, what is in
them, and the bytes (time zones, UIDs, folding, determinism); and ``rota solve``/``rota export``
writing them."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml

from calendars import Feed, build_feeds, write_feeds
from calendars.feeds import build_feed, day_runs
from rota_solver.cli import main
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.factories import school_dict

Solved = tuple[Scenario, Rota]
ROOT = Path(__file__).resolve().parents[2]


# --- schools -------------------------------------------------------------------------------------
def tiny_dict(**school: Any) -> dict[str, Any]:
    """A tiny English school with a helper team never on duty, a closure, a Saturday make-up day
    and an all-day book day."""
    return school_dict(
        school={"name": "Tiny School", "timezone": "Asia/Shanghai", "locale": "en", **school},
        term={
            "name": "Autumn",
            "start": "2026-09-07",
            "end": "2026-09-18",
            "closures": [{"name": "Sports day", "start": "2026-09-16"}],
            "makeup_days": [{"date": "2026-09-12", "follows": "wed"}],
        },
        helper_groups=[{"id": "helpers_1_1", "name": "1-1 helpers", "class_id": "1-1", "windows": ["lunch"]}],
        activities=[
            {
                "id": "book_day",
                "name": "Book Day",
                "kind": "event",
                "participants": {"grades": [1]},
                "when": {"start": "2026-09-10", "end": "2026-09-10"},
                "all_day": True,
                "room": "library",
            }
        ],
    )


def solved(data: dict[str, Any]) -> Solved:
    scenario = Scenario.model_validate(data)
    rota = solve(scenario, SolveOptions(time_limit_seconds=20, workers=1, seed=0))
    assert verify(scenario, rota) == []
    return scenario, rota


@pytest.fixture(scope="module")
def demo(solved_scenario: Callable[[str], Solved]) -> Solved:
    return solved_scenario("demo_school")


@pytest.fixture(scope="module")
def demo_feeds(demo: Solved) -> dict[str, Feed]:
    return {f.key: f for f in build_feeds(*demo)}


@pytest.fixture(scope="module")
def tiny() -> Solved:
    return solved(tiny_dict())


@pytest.fixture(scope="module")
def tiny_feeds(tiny: Solved) -> dict[str, Feed]:
    return {f.key: f for f in build_feeds(*tiny)}


def parse(feed: Feed) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(feed.ics)


def field(component: icalendar.Component, name: str) -> Any:
    """A property with its parameters (icalendar types it as a union of every property type)."""
    return component[name]


def uids(feed: Feed) -> list[str]:
    return [str(e["UID"]) for e in parse(feed).events]


def expected_keys(scenario: Scenario) -> list[str]:
    return (
        ["library"]
        + [f"grade-{g}" for g in sorted({c.grade for c in scenario.classes})]
        + [f"class-{c.id}" for c in scenario.classes]
        + [f"room-{r.id}" for r in scenario.rooms]
        + [f"staff-{m.id}" for m in scenario.staff]
        + [f"helpers-{g.id}" for g in scenario.helper_groups]
    )


# --- which feeds ---------------------------------------------------------------------------------
def test_one_feed_per_class_grade_room_staff_and_helper_team_plus_the_library(demo: Solved) -> None:
    scenario, rota = demo
    feeds = build_feeds(scenario, rota)
    assert [f.key for f in feeds] == expected_keys(scenario)
    assert len(feeds) == 1 + 6 + 24 + 3 + 1 + 4
    for feed in feeds:
        assert feed.filename == f"{feed.key}.ics"
        assert feed.kind == ("library" if feed.key == "library" else feed.key.split("-", 1)[0])
        assert feed.events == len(parse(feed).events)


def test_feeds_exist_even_without_sessions_and_hold_every_special_day(tiny_feeds: dict[str, Feed]) -> None:
    helpers = tiny_feeds["helpers-helpers_1_1"]
    calendar = parse(helpers)
    summaries = sorted(str(e["SUMMARY"]) for e in calendar.events)
    assert summaries == ["Make-up school day (Wednesday timetable)", "Sports day"]
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_library_feed_holds_every_session_activity_and_day(demo: Solved, demo_feeds: dict[str, Feed]) -> None:
    scenario, rota = demo
    library = demo_feeds["library"]
    runs = day_runs(rota.calendar, scenario.term.weekdays)
    assert len(runs) < len(rota.calendar), "the two-day closures are one event each"
    assert library.events == len(rota.sessions) + len(rota.activities) + len(runs)
    kinds = {uid.split(".", 1)[0] for uid in uids(library)}
    assert kinds == {"session", "activity", "day"}


def test_a_class_feed_holds_its_sessions_its_activities_and_the_days(
    demo: Solved, demo_feeds: dict[str, Feed]
) -> None:
    scenario, rota = demo
    feed = demo_feeds["class-3-2"]
    ids = {uid.split("@")[0] for uid in uids(feed)}
    want = {f"session.{s.id}" for s in rota.sessions if s.class_id == "3-2"}
    want |= {f"activity.{a.id}" for a in rota.activities if "3-2" in a.class_ids}
    want |= {
        f"day.{r[0].date.isoformat()}.{r[0].kind}" for r in day_runs(rota.calendar, scenario.term.weekdays)
    }
    assert ids == want
    assert feed.events == len(want)


# --- the calendar --------------------------------------------------------------------------------
def test_calendar_properties(demo_feeds: dict[str, Feed]) -> None:
    feed = demo_feeds["class-3-2"]
    assert feed.title == "阳光小学 · 三年级2班 · 图书馆安排"
    calendar = parse(feed)
    assert str(calendar["PRODID"]) == "-//Library Rota//library-rota//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == feed.title
    assert str(calendar["NAME"]) == feed.title
    assert feed.title in str(calendar["DESCRIPTION"]) and "2026年秋季学期" in str(calendar["DESCRIPTION"])
    assert str(calendar["X-WR-CALDESC"]) == str(calendar["DESCRIPTION"])
    assert str(calendar["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert str(calendar["X-PUBLISHED-TTL"]) == "PT12H"
    lines = feed.ics.split(b"\r\n")
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT12H" in lines
    assert b"METHOD:PUBLISH" in lines


@pytest.mark.parametrize("which", ["demo", "tiny"])
def test_one_vtimezone_of_the_school_and_every_timed_start_and_end_carries_it(
    which: str, request: pytest.FixtureRequest
) -> None:
    scenario, _ = request.getfixturevalue(which)
    feeds: dict[str, Feed] = request.getfixturevalue(f"{which}_feeds")
    tzid = scenario.school.timezone
    for feed in feeds.values():
        calendar = parse(feed)
        assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [tzid], feed.key
        assert calendar.get_missing_tzids() == set()
        for event in calendar.events:
            for name in ("DTSTART", "DTEND"):
                prop = field(event, name)
                if isinstance(prop.dt, dt.datetime):
                    assert prop.params["TZID"] == tzid, (feed.key, event["UID"])
                    assert prop.dt.tzinfo is not None
                else:
                    assert prop.params.get("VALUE") == "DATE", (feed.key, event["UID"])
        in_event = False
        for line in feed.ics.decode().split("\r\n"):
            in_event = line == "BEGIN:VEVENT" or (in_event and line != "END:VEVENT")
            if in_event and line.startswith(("DTSTART", "DTEND")):
                assert re.fullmatch(
                    rf"DT(START|END)(;TZID={re.escape(tzid)}:\d{{8}}T\d{{6}}|;VALUE=DATE:\d{{8}})", line
                )


def test_a_school_in_a_zone_equal_to_utc_still_gets_its_tzid() -> None:
    # icalendar writes any zone it finds equal to UTC as ...Z unless TZID is given explicitly.
    scenario, rota = solved(tiny_dict(timezone="Atlantic/Reykjavik"))
    library = build_feed(scenario, rota, "library")
    text = library.ics.decode()
    assert re.search(r"^DTSTART;TZID=Atlantic/Reykjavik:202609\d\dT\d{6}\r$", text, flags=re.M)
    assert not re.search(r"^DT(START|END)[^\r]*Z\r$", text, flags=re.M)


def test_times_are_the_rota_instants(demo: Solved, demo_feeds: dict[str, Feed]) -> None:
    _, rota = demo
    events = {str(e["UID"]).split("@")[0]: e for e in parse(demo_feeds["library"]).events}
    for s in rota.sessions:
        event = events[f"session.{s.id}"]
        assert event.decoded("DTSTART") == s.start and event.decoded("DTEND") == s.end
    for a in rota.activities:
        event = events[f"activity.{a.id}"]
        if a.all_day:
            assert event.decoded("DTSTART") == a.date
            assert event.decoded("DTEND") == a.date + dt.timedelta(days=1)
        else:
            assert event.decoded("DTSTART") == a.start and event.decoded("DTEND") == a.end


def test_no_recurrence_one_event_per_occurrence(demo_feeds: dict[str, Feed]) -> None:
    for feed in demo_feeds.values():
        for name in (b"RRULE", b"RDATE", b"EXDATE", b"EXRULE"):
            assert b"\r\n" + name not in feed.ics


# --- events --------------------------------------------------------------------------------------
def test_uids_name_what_each_event_is_unique_in_a_feed_and_stable(demo: Solved) -> None:
    scenario, rota = demo
    domain = hashlib.sha1("阳光小学".encode()).hexdigest()[:10] + ".library-rota.invalid"
    first = {f.key: uids(f) for f in build_feeds(scenario, rota)}
    second = {f.key: uids(f) for f in build_feeds(scenario, rota)}
    assert first == second
    for key, found in first.items():
        assert len(found) == len(set(found)), key
        for uid in found:
            assert re.fullmatch(rf"(session|activity|day)\.[^@]+@{re.escape(domain)}", uid), uid
    assert f"session.{rota.sessions[0].id}@{domain}" in first["library"]


def test_events_sorted_by_start_then_uid(demo_feeds: dict[str, Feed]) -> None:
    for feed in demo_feeds.values():
        keys = []
        for event in parse(feed).events:
            start = event.decoded("DTSTART")
            if isinstance(start, dt.datetime):
                start = start.replace(tzinfo=None)
            else:
                start = dt.datetime.combine(start, dt.time(0))
            keys.append((start, str(event["UID"])))
        assert keys == sorted(keys), feed.key


def test_session_words_in_chinese(demo: Solved, demo_feeds: dict[str, Feed]) -> None:
    _, rota = demo
    events = {str(e["UID"]).split("@")[0]: e for e in parse(demo_feeds["library"]).events}
    borrowing = next(s for s in rota.sessions if s.class_id == "3-2" and s.origin == "pattern")
    event = events[f"session.{borrowing.id}"]
    assert str(event["SUMMARY"]) == "三年级2班 借阅"
    assert str(event["LOCATION"]) == "藏书室"
    description = str(event["DESCRIPTION"])
    assert "三年级2班" in description and "班主任" in description
    assert "请带借阅证和要归还的图书" in description and "王老师" in description
    assert [str(c) for c in field(event, "CATEGORIES").cats] == ["borrowing"]
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["TRANSP"]) == "OPAQUE"
    assert event.decoded("SEQUENCE") == 0
    stamp = rota.version_time.astimezone(dt.UTC)
    assert event.decoded("DTSTAMP") == stamp and event.decoded("LAST-MODIFIED") == stamp
    assert re.search(rb"\r\nDTSTAMP:\d{8}T\d{6}Z\r\n", demo_feeds["library"].ics)

    returns = next(s for s in rota.sessions if s.origin == "returns")
    assert str(events[f"session.{returns.id}"]["SUMMARY"]).endswith(" 还书")

    activity = next(a for a in rota.activities if a.kind == "orientation")
    assert str(events[f"activity.{activity.id}"]["SUMMARY"]) == activity.name


def test_makeup_words_in_chinese(solved_scenario: Callable[[str], Solved]) -> None:
    # The autumn demo's table now needs no make-up; the spring term's closures still force some.
    scenario, rota = solved_scenario("demo_school_spring")
    feeds = {f.key: f for f in build_feeds(scenario, rota)}
    events = {str(e["UID"]).split("@")[0]: e for e in parse(feeds["library"]).events}
    makeup = next(s for s in rota.sessions if s.origin == "makeup")
    assert str(events[f"session.{makeup.id}"]["SUMMARY"]).endswith(" 补课")
    assert "补课" in str(events[f"session.{makeup.id}"]["DESCRIPTION"])


def event_span(event: Any) -> tuple[dt.date, dt.date]:
    return event.decoded("DTSTART"), event.decoded("DTEND")


def test_special_days_are_all_day_and_transparent(demo: Solved, demo_feeds: dict[str, Feed]) -> None:
    scenario, rota = demo
    feed = demo_feeds["class-1-1"]
    days = {str(e["UID"]).split("@")[0]: e for e in parse(feed).events if str(e["UID"]).startswith("day.")}
    runs = {
        f"day.{r[0].date.isoformat()}.{r[0].kind}": r for r in day_runs(rota.calendar, scenario.term.weekdays)
    }
    assert sorted(days) == sorted(runs)
    for uid, event in days.items():
        assert event["DTSTART"].params["VALUE"] == "DATE"
        # DTEND is exclusive: the day after the run's last day.
        assert event.decoded("DTEND") == runs[uid][-1].date + dt.timedelta(days=1)
        assert str(event["TRANSP"]) == "TRANSPARENT"
    # The two-day sports meeting is one event.
    assert event_span(days["day.2026-10-22.closure"]) == (dt.date(2026, 10, 22), dt.date(2026, 10, 24))
    assert str(days["day.2026-10-01.holiday"]["SUMMARY"]) == "国庆节"
    assert str(days["day.2026-10-10.makeup"]["SUMMARY"]) == "调休上课（按周三课表）"
    assert str(days["day.2026-10-22.closure"]["SUMMARY"]) == "秋季运动会"
    assert b"DTSTART;VALUE=DATE:20261001\r\n" in feed.ics


def test_english_words(tiny: Solved, tiny_feeds: dict[str, Feed]) -> None:
    _, rota = tiny
    feed = tiny_feeds["class-1-1"]
    assert feed.title == "Tiny School · Class 1-1 · Library rota"
    assert tiny_feeds["staff-lib"].title == "Tiny School · Ms Lee · Library duty"
    assert tiny_feeds["grade-1"].title == "Tiny School · Grade 1 · Library rota"
    events = {str(e["UID"]).split("@")[0]: e for e in parse(feed).events}
    session = next(s for s in rota.sessions if s.class_id == "1-1" and s.origin == "pattern")
    assert str(events[f"session.{session.id}"]["SUMMARY"]) == "Class 1-1 reading"
    assert "On duty: Ms Lee" in str(events[f"session.{session.id}"]["DESCRIPTION"])
    book_days = [e for uid, e in events.items() if uid.startswith("activity.book_day")]
    assert book_days, "the all-day book day is in the class's feed"
    book_day = book_days[0]
    assert str(book_day["SUMMARY"]) == "Book Day"
    assert book_day["DTSTART"].params["VALUE"] == "DATE"
    assert str(events["day.2026-09-12.makeup"]["SUMMARY"]) == "Make-up school day (Wednesday timetable)"


# --- the bytes -----------------------------------------------------------------------------------
def test_same_rota_gives_the_same_bytes(demo: Solved, demo_feeds: dict[str, Feed]) -> None:
    again = build_feeds(*demo)
    assert [f.ics for f in again] == [demo_feeds[f.key].ics for f in again]
    assert again == list(demo_feeds.values())


def test_lines_crlf_folded_at_75_octets_in_whole_utf8(demo_feeds: dict[str, Feed]) -> None:
    folded = 0
    for feed in demo_feeds.values():
        assert feed.ics.endswith(b"END:VCALENDAR\r\n")
        lines = feed.ics.split(b"\r\n")[:-1]
        for line in lines:
            assert b"\n" not in line and b"\r" not in line
            assert len(line) <= 75, (feed.key, line)
            line.decode("utf-8")  # no UTF-8 sequence split across a fold
            folded += line.startswith(b" ")
    assert folded, "the Chinese descriptions are long enough to fold"


def test_chinese_text_intact_after_unfolding(demo_feeds: dict[str, Feed]) -> None:
    calendar = parse(demo_feeds["class-3-2"])
    descriptions = [str(e["DESCRIPTION"]) for e in calendar.events if str(e["UID"]).startswith("session.")]
    assert descriptions and all("\ufffd" not in d for d in descriptions)
    assert all(d.startswith("班级：三年级2班（班主任：") for d in descriptions)


def test_bytes_are_what_icalendar_writes_for_the_whole_calendar(
    demo_feeds: dict[str, Feed], tiny_feeds: dict[str, Feed]
) -> None:
    # The feeds splice each event's bytes in once; icalendar, given the parsed calendar, agrees.
    for feed in [*demo_feeds.values(), *tiny_feeds.values()]:
        assert parse(feed).to_ical() == feed.ics, feed.key


def test_a_rota_of_another_school_is_refused(demo: Solved, tiny: Solved) -> None:
    with pytest.raises(ValueError, match="does not match the scenario"):
        build_feeds(tiny[0], demo[1])


def test_build_feed_is_one_of_build_feeds(tiny: Solved, tiny_feeds: dict[str, Feed]) -> None:
    for key in ("library", "class-1-2", "helpers-helpers_1_1"):
        assert build_feed(*tiny, key) == tiny_feeds[key]
    with pytest.raises(KeyError):
        build_feed(*tiny, "class-9-9")


# --- files ---------------------------------------------------------------------------------------
def test_write_feeds_writes_every_feed_and_an_index(tmp_path: Path, tiny: Solved) -> None:
    written = write_feeds(*tiny, tmp_path)
    feeds = build_feeds(*tiny)
    folder = tmp_path / "calendars"
    assert written == [folder / f.filename for f in feeds] + [folder / "index.html"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in written)
    for feed in feeds:
        assert (folder / feed.filename).read_bytes() == feed.ics
    again = tmp_path / "again"
    write_feeds(*tiny, again)
    for path in written:
        assert (again / "calendars" / path.name).read_bytes() == path.read_bytes()


def test_index_lists_every_feed_escaped_without_scripts(tmp_path: Path) -> None:
    scenario, rota = solved(tiny_dict(name='Tiny <School> & "Co"'))
    write_feeds(scenario, rota, tmp_path)
    page = (tmp_path / "calendars" / "index.html").read_text(encoding="utf-8")
    assert "<School>" not in page and "Tiny &lt;School&gt; &amp; &quot;Co&quot;" in page
    assert "<script" not in page.lower()
    assert '<html lang="en">' in page
    assert "webcal://" in page and "https://" in page
    for feed in build_feeds(scenario, rota):
        assert f'<a href="{feed.filename}" type="text/calendar">{feed.filename}</a>' in page
        assert f'<td class="n">{feed.events}</td>' in page


def test_index_in_chinese(tmp_path: Path, demo: Solved) -> None:
    write_feeds(*demo, tmp_path)
    page = (tmp_path / "calendars" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and "阳光小学 · 三年级2班 · 图书馆安排" in page
    assert "如何订阅" in page and "class-3-2.ics" in page


# --- the command ---------------------------------------------------------------------------------
def write_yaml(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_rota_solve_writes_the_calendars_and_rota_export_writes_them_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    school = write_yaml(tmp_path / "school.yaml", tiny_dict())
    out = tmp_path / "out"
    assert main(["solve", str(school), "--out", str(out)]) == 0
    assert "calendar feeds" in capsys.readouterr().out
    names = {p.name for p in (out / "calendars").iterdir()}
    assert {"library.ics", "class-1-1.ics", "helpers-helpers_1_1.ics", "index.html"} <= names

    again = tmp_path / "again"
    assert main(["export", str(school), "--rota", str(out / "rota.json"), "--out", str(again)]) == 0
    for name in ("rota.csv", "rota.html", *(f"calendars/{n}" for n in names)):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name

    # Without --out, the files go next to the rota.json.
    (out / "rota.csv").unlink()
    assert main(["export", str(school), "--rota", str(out / "rota.json")]) == 0
    assert (out / "rota.csv").read_bytes() == (again / "rota.csv").read_bytes()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        ("not json", "Invalid JSON"),
        ('{"school": "x"}', "field required"),
    ],
)
def test_rota_export_of_a_bad_rota_json_exits_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, message: str
) -> None:
    school = write_yaml(tmp_path / "school.yaml", tiny_dict())
    rota_json = tmp_path / "rota.json"
    if content is not None:
        rota_json.write_text(content, encoding="utf-8")
    assert main(["export", str(school), "--rota", str(rota_json), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("invalid rota: ") and err.count("\n") == 1, err
    assert message.lower() in err.lower()
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_rota_export_refuses_a_rota_of_another_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tiny: Solved
) -> None:
    _, rota = tiny
    rota_json = tmp_path / "rota.json"
    rota_json.write_text(rota.model_dump_json(), encoding="utf-8")
    other = write_yaml(tmp_path / "other.yaml", tiny_dict(name="Other School"))
    assert main(["export", str(other), "--rota", str(rota_json), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "solved for another scenario" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_export_gives_the_same_bytes_in_any_process(tmp_path: Path, tiny: Solved) -> None:
    scenario, rota = tiny
    school = write_yaml(tmp_path / "school.yaml", tiny_dict())
    rota_json = tmp_path / "rota.json"
    rota_json.write_text(rota.model_dump_json(), encoding="utf-8")
    outs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"out{hash_seed}"
        command = [sys.executable, "-m", "rota_solver.cli", "export", str(school)]
        command += ["--rota", str(rota_json), "--out", str(out)]
        subprocess.run(
            command,
            check=True,
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
        )
        outs.append({p.name: p.read_bytes() for p in (out / "calendars").iterdir()})
    assert outs[0] == outs[1]
    assert len(outs[0]) == len(build_feeds(scenario, rota)) + 1
