"""Issue 14 item 11: a closure of several days is one all-day event in every feed (DTEND the day
after its last day), read so by icalendar, ical.js and recurring-ical-events, with a UID named
from its first day that stays across rebuilds and a longer closure, and byte-identical feeds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events  # type: ignore[import-untyped,unused-ignore]

from calendars import build_feeds, write_feeds
from calendars.feeds import day_runs
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.calendars.parsers import parse_with_ical_js
from tests.factories import rule, school_dict

HALF_TERM = ("2026-10-19", "2026-10-23")  # Monday to Friday
LONG_WEEKEND = ("2026-10-29", "2026-11-03")  # Thursday to Tuesday, over a weekend


def _school(half_term_end: str = HALF_TERM[1]) -> dict[str, Any]:
    return school_dict(
        term={
            "name": "Autumn",
            "start": "2026-10-12",
            "end": "2026-11-13",
            "closures": [
                {"name": "Half term", "start": HALF_TERM[0], "end": half_term_end},
                {"name": "Long weekend", "start": LONG_WEEKEND[0], "end": LONG_WEEKEND[1]},
                {"name": "Sports day", "start": "2026-11-11"},
            ],
        },
        rules=[rule(max_gap_days=28)],
    )


def _solved(data: dict[str, Any]) -> tuple[Scenario, Rota]:
    scenario = Scenario.model_validate(data)
    rota = solve(scenario, SolveOptions(time_limit_seconds=20, workers=1, seed=0))
    assert verify(scenario, rota) == []
    return scenario, rota


def _closures(calendar: icalendar.Calendar) -> dict[str, icalendar.cal.Component]:
    return {
        str(e["UID"]).split("@")[0]: e for e in calendar.walk("VEVENT") if str(e["UID"]).startswith("day.")
    }


def test_a_closure_of_several_days_is_one_event_in_every_feed(tmp_path: Path) -> None:
    scenario, rota = _solved(_school())
    assert len(rota.calendar) == 5 + 4 + 1  # the school days closed
    assert [len(r) for r in day_runs(rota.calendar, scenario.term.weekdays)] == [5, 4, 1]
    want = {
        "day.2026-10-19.closure": ("Half term", dt.date(2026, 10, 19), dt.date(2026, 10, 24)),
        "day.2026-10-29.closure": ("Long weekend", dt.date(2026, 10, 29), dt.date(2026, 11, 4)),
        "day.2026-11-11.closure": ("Sports day", dt.date(2026, 11, 11), dt.date(2026, 11, 12)),
    }
    paths = [p for p in write_feeds(scenario, rota, tmp_path) if p.suffix == ".ics"]
    js = parse_with_ical_js(paths)
    assert paths
    for path in paths:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        days = _closures(calendar)
        got = {uid: (str(e["SUMMARY"]), e.decoded("DTSTART"), e.decoded("DTEND")) for uid, e in days.items()}
        assert got == want, path.name
        js_days = {
            (e["uid"] or "").split("@")[0]: (e["isDate"], e["start"], e["end"])
            for e in js[path.stem]["events"]
            if (e["uid"] or "").startswith("day.")
        }
        assert js_days == {uid: (True, s.isoformat(), e.isoformat()) for uid, (_, s, e) in want.items()}
        # Every closed day finds the closure's one event; the days after it do not.
        for uid, (_, first, after) in want.items():
            day = first
            while day < after:
                found = recurring_ical_events.of(calendar).at(day)
                assert [str(o["UID"]).split("@")[0] for o in found if str(o["UID"]).startswith("day.")] == [
                    uid
                ]
                day += dt.timedelta(days=1)
            after_found = recurring_ical_events.of(calendar).at(after)
            assert not [o for o in after_found if str(o["UID"]).startswith("day.")], (path.name, after)


def test_closure_events_are_byte_identical_and_keep_their_uid_when_the_closure_grows() -> None:
    scenario, rota = _solved(_school())
    first = [f.ics for f in build_feeds(scenario, rota)]
    assert first == [f.ics for f in build_feeds(scenario, rota)]
    longer, longer_rota = _solved(_school(half_term_end="2026-10-26"))  # on to the Monday after
    feed = next(f for f in build_feeds(longer, longer_rota) if f.key == "library")
    days = _closures(icalendar.Calendar.from_ical(feed.ics))
    half_term = days["day.2026-10-19.closure"]
    assert (half_term.decoded("DTSTART"), half_term.decoded("DTEND")) == (
        dt.date(2026, 10, 19),
        dt.date(2026, 10, 27),
    )
    assert sorted(days) == ["day.2026-10-19.closure", "day.2026-10-29.closure", "day.2026-11-11.closure"]
