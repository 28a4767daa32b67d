"""Issue 14 item 12: damage the solved demo school's rota one session at a time, in every way a
rota can go wrong, and the independent verifier reports each damage that changes anything.

The sample takes every session on Tuesday 15 September 2026 (or, when the table leaves that day
free, the first school day after it that holds any), every one on the make-up Saturday
10 October 2026 (which follows another weekday's timetable: before the table check a session
dropped there went unnoticed), and a spread over the rest of the term."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from rota_solver.rota import DatedSession, Rota
from rota_solver.rules import RuleId
from rota_solver.scenario import Scenario
from rota_solver.term_calendar import build_term_calendar, week_label
from rota_solver.verify import check_table_kept, verify

Damage = Callable[[Scenario, Rota, DatedSession], Rota | None]
MINUTES = dt.timedelta(minutes=10)


def _replace(rota: Rota, old: DatedSession, *new: DatedSession) -> Rota:
    sessions = [x for s in rota.sessions for x in ((*new,) if s is old else (s,))]
    return rota.model_copy(update={"sessions": sessions})


def drop(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota:
    return _replace(rota, s)


def duplicate(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota:
    return _replace(rota, s, s, s.model_copy(update={"id": f"{s.id}.copy"}))


def duplicate_id(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota:
    return _replace(rota, s, s, s)


def move_day(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota:
    """To the next school day, at the same time, its date fields made consistent with that day."""
    days = build_term_calendar(scenario).days
    later = [d for d in days if d.date > s.date] or [d for d in days if d.date < s.date]
    day = later[0]
    shift = dt.timedelta(days=(day.date - s.date).days)
    update = {
        "date": day.date,
        "start": s.start + shift,
        "end": s.end + shift,
        "follows": day.follows,
        "teaching_week": day.teaching_week,
        "week_label": week_label(day.cycle_week, rota.cycle_weeks),
    }
    return _replace(rota, s, s.model_copy(update=update))


def move_time(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota:
    """To another slot of its rule on the same day: the table's next cell of any class there."""
    times = sorted({c.start for c in rota.pattern if c.rule_id == s.rule_id and c.start != s.start.time()})
    if not times:
        return shift_time(scenario, rota, s)
    start = dt.datetime.combine(s.date, times[0], tzinfo=s.start.tzinfo)
    return _replace(rota, s, s.model_copy(update={"start": start, "end": start + (s.end - s.start)}))


def shift_time(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota:
    return _replace(rota, s, s.model_copy(update={"start": s.start + MINUTES, "end": s.end + MINUTES}))


def change_room(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota | None:
    other = next((r.id for r in scenario.rooms if r.id != s.room_id), None)
    return None if other is None else _replace(rota, s, s.model_copy(update={"room_id": other}))


def strip_staff(scenario: Scenario, rota: Rota, s: DatedSession) -> Rota | None:
    return None if not s.staff_ids else _replace(rota, s, s.model_copy(update={"staff_ids": []}))


DAMAGES: dict[str, Damage] = {
    "drop": drop,
    "duplicate": duplicate,
    "duplicate_id": duplicate_id,
    "move_day": move_day,
    "move_time": move_time,
    "shift_time": shift_time,
    "change_room": change_room,
    "strip_staff": strip_staff,
}

SEPT_15 = dt.date(2026, 9, 15)
MAKEUP_SATURDAY = dt.date(2026, 10, 10)


MOVES = ("move_day", "move_time")
"""Damages that a make-up session can take and stay valid (it may sit in any free slot)."""


def mid_september(rota: Rota) -> dt.date:
    """Tuesday 15 September, the day the issue named, or the first day after it with sessions."""
    return min(s.date for s in rota.sessions if s.date >= SEPT_15)


def sample(rota: Rota) -> list[DatedSession]:
    picked = [s for s in rota.sessions if s.date in (mid_september(rota), MAKEUP_SATURDAY)]
    picked += rota.sessions[::97]
    picked += [s for s in rota.sessions if s.origin != "pattern"][:4]
    return list({s.id: s for s in picked}.values())


@pytest.fixture(scope="module")
def demo(solved_scenario: Callable[[str], tuple[Scenario, Rota]]) -> tuple[Scenario, Rota]:
    scenario, rota = solved_scenario("demo_school")
    assert verify(scenario, rota) == []
    return scenario, rota


def test_the_sample_holds_the_dates_the_issue_names(demo: tuple[Scenario, Rota]) -> None:
    scenario, rota = demo
    saturday = [d for d in build_term_calendar(scenario).days if d.date == MAKEUP_SATURDAY]
    assert saturday and saturday[0].makeup and saturday[0].follows != "sat"
    dates = {s.date for s in sample(rota)}
    assert {mid_september(rota), MAKEUP_SATURDAY} <= dates
    assert len(sample(rota)) > 10


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_the_verifier_reports_every_damage(damage: str, demo: tuple[Scenario, Rota]) -> None:
    scenario, rota = demo
    missed = []
    for s in sample(rota):
        if damage in MOVES and s.origin == "makeup":
            continue  # a make-up has no cell of the table: another free slot keeps every rule too
        damaged = DAMAGES[damage](scenario, rota, s)
        if damaged is None or damaged.sessions == rota.sessions:
            continue  # nothing changed
        if not verify(scenario, damaged):
            missed.append(f"{s.id} ({s.date}, {s.origin})")
    assert missed == [], f"{damage} went unnoticed for {missed}"


def test_a_session_dropped_on_the_make_up_saturday_is_named_by_the_table_check(
    demo: tuple[Scenario, Rota],
) -> None:
    scenario, rota = demo
    for s in [s for s in rota.sessions if s.date == MAKEUP_SATURDAY and s.origin == "pattern"]:
        found = check_table_kept(scenario, drop(scenario, rota, s))
        assert [v.rule for v in found] == [RuleId.TABLE_KEPT]
        assert "neither held nor listed lost" in found[0].message and "make-up day" in found[0].message
