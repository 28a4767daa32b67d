"""The feeds rebuilt after each of the four known reruns: both parsers read them; a moved or
restaffed session keeps its UID with SEQUENCE 1, a cancelled one is STATUS:CANCELLED until its date,
and every event the rerun did not touch has exactly its old bytes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from calendars import build_feeds, write_feeds
from rota_solver.rerun import RerunResult
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from tests.calendars.parsers import parse_with_ical_js, read_with_icalendar
from tests.rerun.helpers import (
    FREEZE,
    published_rota,
    rerun_checked,
    rerun_school_data,
    scenario_of,
    with_class,
)

WEEK_5 = [(dt.date(2026, 10, 5) + dt.timedelta(days=n)).isoformat() for n in range(5)]


def pe_on_1_2(data: dict[str, Any], published: Rota) -> dict[str, Any]:
    cell = next(p for p in published.pattern if p.class_id == "1-2")
    lesson = {"day": cell.weekday, "start": cell.start.isoformat(), "end": cell.end.isoformat()}
    return with_class(data, "1-2", busy=[{**lesson, "what": "PE", "since": FREEZE.isoformat()}])


def librarian_away(data: dict[str, Any], published: Rota) -> dict[str, Any]:
    away = published.pattern[0].staff_ids[0]
    return {**data, "staff": [{**m, "days_off": WEEK_5} if m["id"] == away else m for m in data["staff"]]}


def room_closed(data: dict[str, Any], published: Rota) -> dict[str, Any]:
    closed = {"name": "Roof repairs", "start": "2026-10-05", "end": "2026-10-16"}
    return {**data, "rooms": [{**data["rooms"][0], "closed": [closed]}]}


def no_move(data: dict[str, Any], published: Rota) -> dict[str, Any]:
    used = {p.weekday for p in published.pattern if p.class_id == "1-1"}
    free_day = next(d for d in ("tue", "thu", "fri") if d not in used)
    choir = {"day": free_day, "start": "11:30", "end": "12:30", "what": "Choir", "since": FREEZE.isoformat()}
    return with_class(data, "1-1", busy=[choir])


CASES: dict[str, Callable[[dict[str, Any], Rota], dict[str, Any]]] = {
    "class loses its slot": pe_on_1_2,
    "librarian away a week": librarian_away,
    "room closed two weeks": room_closed,
    "no move needed": no_move,
}


def vevents(ics: bytes) -> dict[str, bytes]:
    """Each VEVENT's lines by UID."""
    blocks = re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", ics, flags=re.S)
    out = {}
    for block in blocks:
        uid = re.search(rb"\r\nUID:([^\r]*)\r\n", block)
        assert uid is not None
        out[uid.group(1).decode().split("@")[0]] = block
    return out


@pytest.mark.parametrize("change", CASES.values(), ids=list(CASES))
def test_feeds_carry_the_rerun(
    change: Callable[[dict[str, Any], Rota], dict[str, Any]], tmp_path: Path
) -> None:
    data = rerun_school_data()
    scenario = scenario_of(data)
    published = published_rota(scenario)
    changed: Scenario = scenario_of(change(data, published))
    result: RerunResult = rerun_checked(changed, published)

    before = {f.key: vevents(f.ics) for f in build_feeds(scenario, published)}
    after = {f.key: vevents(f.ics) for f in build_feeds(changed, result.rota)}
    changed_uids = {c.uid for c in result.diff.changes}
    for key, events in after.items():
        for uid, block in events.items():
            if uid in changed_uids:
                assert b"\r\nSEQUENCE:1\r\n" in block, (key, uid)
                assert block != before[key].get(uid)
            else:
                assert block == before[key][uid], (key, uid)  # untouched: the same bytes
    cancelled = {c.uid for c in result.diff.changes if c.kind == "cancelled"}
    for uid in cancelled:
        blocks = [events[uid] for events in after.values() if uid in events]
        assert blocks and all(b"\r\nSTATUS:CANCELLED\r\n" in b for b in blocks)
        assert uid in after["class-" + next(c.class_ids[0] for c in result.diff.changes if c.uid == uid)]

    # The same parser checks as any feed: ical.js and icalendar read SEQUENCE and STATUS alike.
    paths = write_feeds(changed, result.rota, tmp_path)
    js = parse_with_ical_js([p for p in paths if p.suffix == ".ics"])
    for key, parsed in js.items():
        assert parsed["errors"] == []
        py = read_with_icalendar(key, (tmp_path / "calendars" / f"{key}.ics").read_bytes())
        py_events = {str(e["UID"]).split("@")[0]: e for e in py.walk("VEVENT")}
        for event in parsed["events"]:
            assert event["uid"] is not None
            uid = event["uid"].split("@")[0]
            assert event["sequence"] == (1 if uid in changed_uids else 0)
            assert event["status"] == ("CANCELLED" if uid in cancelled else "CONFIRMED")
            assert int(str(py_events[uid]["SEQUENCE"])) == event["sequence"]
            assert str(py_events[uid]["STATUS"]) == event["status"]
