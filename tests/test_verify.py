"""The independent verifier: a hand-made valid rota passes, and each hard rule caught alone.

The school: two plain weeks (Mon 7 Sep - Fri 18 Sep 2026); Monday 7 Sep closed, Saturday
12 Sep a make-up day following Monday. Grade-1 classes read once a week at lunch with the
librarian and 2-1's helpers; 1-1, 1-2 and 2-1 borrow once every two weeks at a desk.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from rota_solver.rota import DatedSession, LostSession, Rota
from rota_solver.scenario import Scenario, Weekday, weekday_of
from rota_solver.verify import CHECKS, Violation, check_spacing, verify
from tests.factories import hand_made_rota, rule, school_dict, tiny_school

TZ = ZoneInfo("Asia/Shanghai")
ALL_RULES = (
    "SessionOnSchoolDay",
    "TimesInSchoolTimezone",
    "RuleMatchesSession",
    "SessionInAllowedWindow",
    "ClassNotBusy",
    "ClassOneSessionAtATime",
    "RoomCapacity",
    "RoomOpen",
    "Frequency",
    "TableKept",
    "PinnedSessionKept",
    "Spacing",
    "Staffing",
    "StaffAvailable",
    "StaffOnePlaceAtATime",
    "StaffDailyCap",
    "HelpersOwnClassFree",
    "NoDuplicateSessionIds",
    "GapLimit",
    "ReturnsBeforeDue",
    "NoBorrowingDuringStocktake",
    "ActivityPlaced",
    "SummaryAddsUp",
)
# Exercised by the whole-term school in tests/test_verify_term.py.
TERM_RULES = {"GapLimit", "ReturnsBeforeDue", "NoBorrowingDuringStocktake", "ActivityPlaced"}
# Checked against a rota's weekly table and summary (and the scenario's pins), which these hand-made
# rotas leave out: exercised on solved rotas in tests/test_summary_sums.py,
# tests/test_verify_mutations.py and tests/test_verify_pins.py.
TABLE_RULES = {"TableKept", "PinnedSessionKept", "SummaryAddsUp"}


def scenario_data(**overrides: Any) -> dict[str, Any]:
    base = school_dict(
        term={
            "start": "2026-09-07",
            "end": "2026-09-18",
            "closures": [{"name": "Opening day", "start": "2026-09-07"}],
            "makeup_days": [{"date": "2026-09-12", "follows": "mon"}],
        },
        rooms=[
            {"id": "library", "seats": 50, "classes_at_once": 2},
            {"id": "desk", "seats": 40, "classes_at_once": 1},
        ],
        staff=[
            {"id": "lib", "role": "librarian", "max_sessions_per_day": 2, "days_off": ["2026-09-18"]},
            {
                "id": "ast",
                "role": "librarian",
                "availability": [{"days": ["mon", "tue", "wed"], "start": "11:00", "end": "16:00"}],
            },
        ],
        helper_groups=[{"id": "h21", "class_id": "2-1", "windows": ["lunch"]}],
        classes=[
            {"id": "1-1", "grade": 1, "size": 30, "busy": [{"day": "mon", "period": "p6", "what": "PE"}]},
            {"id": "1-2", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 20, "busy": [{"day": "tue", "start": "11:30", "end": "12:00"}]},
        ],
        rules=[
            rule(spacing={"min_days_apart": 2}, staffing={"librarian": 1, "helper": 1}),
            rule(
                id="borrowing",
                kind="borrowing",
                classes=["2-1"],
                room="desk",
                frequency={"every_weeks": 2},
                duration_minutes=30,
                windows=["afternoon", "lunch"],
                staffing={"librarian": 1},
            ),
        ],
    )
    base.update(overrides)
    return base


def school(**overrides: Any) -> Scenario:
    return Scenario.model_validate(scenario_data(**overrides))


def session(
    sid: str,
    day: str,
    start: str,
    class_id: str,
    rule_id: str = "reading",
    *,
    window: str | None = None,
    staff: list[str] | None = None,
    minutes: int | None = None,
    follows: Weekday | None = None,
    week: int | None = None,
    **fields: Any,
) -> DatedSession:
    """A dated session with the fields derived the way a correct solver would."""
    date = dt.date.fromisoformat(day)
    begin = dt.datetime.combine(date, dt.time.fromisoformat(start), TZ)
    reading = rule_id == "reading"
    data: dict[str, Any] = {
        "id": sid,
        "date": date,
        "start": begin,
        "end": begin + dt.timedelta(minutes=minutes or (20 if reading else 30)),
        "follows": follows or weekday_of(date),
        "teaching_week": week or (1 if date.day < 14 else 2),
        "week_label": "AB"[(week or (1 if date.day < 14 else 2)) - 1],
        "window_id": window or ("lunch" if reading else "afternoon"),
        "rule_id": rule_id,
        "kind": rule_id,
        "room_id": "library" if reading else "desk",
        "class_id": class_id,
        "staff_ids": staff if staff is not None else (["lib", "h21"] if reading else ["ast"]),
    }
    data.update(fields)
    return DatedSession(**data)


def lost(day: str, class_id: str, rule_id: str = "reading", start: str = "11:30") -> LostSession:
    return LostSession(
        date=dt.date.fromisoformat(day),
        rule_id=rule_id,
        class_id=class_id,
        start=dt.time.fromisoformat(start),
        reason="test",
    )


SESSIONS = {
    "S1": session("S1", "2026-09-12", "11:30", "1-1", follows="mon"),  # make-up day for closed Monday 7th
    "S2": session("S2", "2026-09-14", "11:30", "1-1"),
    "S3": session("S3", "2026-09-11", "11:30", "1-2"),
    "S4": session("S4", "2026-09-08", "14:00", "1-1", "borrowing"),
    "S5": session("S5", "2026-09-09", "14:50", "2-1", "borrowing"),
    "S6": session("S6", "2026-09-14", "14:00", "1-2", "borrowing", staff=["lib"]),
}
LOST = [lost("2026-09-07", "1-1"), lost("2026-09-18", "1-2")]  # closure; librarian's day off


def make_rota(sessions: list[DatedSession], lost_sessions: list[LostSession] | None = None) -> Rota:
    return hand_made_rota(sessions=sessions, lost=LOST if lost_sessions is None else lost_sessions)


def valid_rota() -> Rota:
    return make_rota(list(SESSIONS.values()))


def changed(sid: str, **fields: Any) -> list[DatedSession]:
    """The valid sessions with one session's fields replaced."""
    return [s.model_copy(update=fields) if s.id == sid else s for s in SESSIONS.values()]


def moved(sid: str, day: str, start: str, **fields: Any) -> list[DatedSession]:
    """The valid sessions with one moved to another date and time (derived fields kept correct)."""
    old = SESSIONS[sid]
    fields = {"window": old.window_id, "staff": old.staff_ids, **fields}
    new = session(sid, day, start, old.class_id, old.rule_id, **fields)
    return [new if s.id == sid else s for s in SESSIONS.values()]


def added(*extra: DatedSession) -> list[DatedSession]:
    return [*SESSIONS.values(), *extra]


def rules_of(violations: list[Violation]) -> set[str]:
    return {v.rule for v in violations}


def test_valid_rota_passes() -> None:
    assert verify(school(), valid_rota()) == []


def test_every_rule_has_a_documented_check_in_order() -> None:
    names = [check.__name__ for check in CHECKS]
    snake = ["".join(f"_{c.lower()}" if c.isupper() else c for c in r) for r in ALL_RULES]
    assert names == ["check" + name for name in snake]
    assert all(check.__doc__ for check in CHECKS)


# Each case: (rule, scenario overrides, sessions, lost entries or None for the valid ones).
Case = tuple[str, dict[str, Any], list[DatedSession], list[LostSession] | None]
S3_START, S3_END = SESSIONS["S3"].start, SESSIONS["S3"].end
LIB, AST = scenario_data()["staff"]
CLASS_1_1, CLASS_1_2, CLASS_2_1 = scenario_data()["classes"]
FRIDAY_CHOIR = {"day": "fri", "start": "11:00", "end": "11:40"}
FRIDAY_LUNCH_PE = {"day": "fri", "start": "11:30", "end": "12:00", "what": "PE", "since": "2026-09-11"}
CASE_FIELDS = ("rule_name", "overrides", "sessions", "lost_sessions")
SOLE: dict[str, Case] = {
    "sunday": ("SessionOnSchoolDay", {}, moved("S3", "2026-09-13", "11:30", follows="fri"), None),
    "closed_day": ("SessionOnSchoolDay", {}, moved("S1", "2026-09-07", "11:30"), None),
    "wrong_follows": ("SessionOnSchoolDay", {}, changed("S3", follows="thu"), None),
    "wrong_teaching_week": ("SessionOnSchoolDay", {}, changed("S3", teaching_week=2), None),
    "utc_times": (
        "TimesInSchoolTimezone",
        {},
        changed("S3", start=S3_START.astimezone(dt.UTC), end=S3_END.astimezone(dt.UTC)),
        None,
    ),
    "naive_times": (
        "TimesInSchoolTimezone",
        {},
        changed("S3", start=S3_START.replace(tzinfo=None), end=S3_END.replace(tzinfo=None)),
        None,
    ),
    "too_long": ("TimesInSchoolTimezone", {}, changed("S3", end=S3_END + dt.timedelta(minutes=10)), None),
    "wrong_kind": ("RuleMatchesSession", {}, changed("S3", kind="borrowing"), None),
    "wrong_room": ("RuleMatchesSession", {}, changed("S5", room_id="library"), None),
    "off_grid": ("SessionInAllowedWindow", {}, moved("S3", "2026-09-11", "11:40"), None),
    "past_window_end": ("SessionInAllowedWindow", {}, moved("S3", "2026-09-11", "12:30"), None),
    "not_period_start": ("SessionInAllowedWindow", {}, moved("S4", "2026-09-08", "14:10"), None),
    "window_not_of_rule": (  # the helpers may work afternoons, so only the rule forbids it
        "SessionInAllowedWindow",
        {"helper_groups": [{"id": "h21", "class_id": "2-1", "windows": ["lunch", "afternoon"]}]},
        changed("S3", window_id="afternoon"),
        None,
    ),
    "window_not_that_day": (
        "SessionInAllowedWindow",
        {
            "windows": [
                {"id": "lunch", "start": "11:30", "end": "12:30"},
                {"id": "afternoon", "periods": ["p5", "p6"], "days": ["mon", "wed", "thu", "fri"]},
            ]
        },
        list(SESSIONS.values()),
        None,
    ),
    "busy_lesson": ("ClassNotBusy", {}, moved("S4", "2026-09-12", "14:50", follows="mon"), None),
    "double_booked_class": (
        "ClassOneSessionAtATime",
        {},
        added(SESSIONS["S1"].model_copy(update={"id": "S1b"})),
        None,
    ),
    "too_many_pupils": ("RoomCapacity", {}, moved("S3", "2026-09-12", "11:30", follows="mon"), None),
    "too_many_classes": ("RoomCapacity", {}, moved("S5", "2026-09-08", "14:00"), None),
    "room_closed": (
        "RoomOpen",
        {
            "rooms": [
                {
                    "id": "library",
                    "seats": 50,
                    "classes_at_once": 2,
                    "closed": [{"name": "Repairs", "start": "2026-09-11"}],
                },
                {"id": "desk", "seats": 40},
            ]
        },
        list(SESSIONS.values()),
        None,
    ),
    "dated_lesson": (  # 1-2 has PE on Fridays at 11:30 from the 11th on
        "ClassNotBusy",
        {"classes": [CLASS_1_1, {**CLASS_1_2, "busy": [FRIDAY_LUNCH_PE]}, CLASS_2_1]},
        list(SESSIONS.values()),
        None,
    ),
    "missing_week": ("Frequency", {}, [s for s in SESSIONS.values() if s.id != "S3"], None),
    "missing_lost": ("Frequency", {}, list(SESSIONS.values()), LOST[:1]),
    "lost_for_no_reason": ("Frequency", {}, list(SESSIONS.values()), [*LOST, lost("2026-09-10", "1-1")]),
    "no_phase_session": ("Frequency", {}, [s for s in SESSIONS.values() if s.id != "S4"], None),
    "two_phases": ("Frequency", {}, added(session("S7", "2026-09-16", "14:00", "1-1", "borrowing")), None),
    "unbalanced_phases": ("Frequency", {}, moved("S6", "2026-09-09", "14:00", staff=["ast"]), None),
    "too_close": ("Spacing", {}, added(session("S7", "2026-09-10", "11:30", "1-2")), None),
    "helper_missing": ("Staffing", {}, changed("S3", staff_ids=["lib"]), None),
    "two_librarians": ("Staffing", {}, changed("S4", staff_ids=["ast", "lib"]), None),
    "listed_twice": ("Staffing", {}, changed("S3", staff_ids=["lib", "lib", "h21"]), None),
    "unknown_person": ("Staffing", {}, changed("S4", staff_ids=["ghost"]), None),
    "day_off": ("StaffAvailable", {}, added(session("S7", "2026-09-18", "11:30", "1-2")), None),
    "weekday_unavailable": (
        "StaffAvailable",
        {"staff": [LIB, {"id": "ast", "availability": [{"days": ["mon", "wed"]}]}]},
        list(SESSIONS.values()),
        None,
    ),
    "hours_unavailable": (
        "StaffAvailable",
        {"staff": [LIB, {"id": "ast", "availability": [{"start": "14:30"}]}]},
        list(SESSIONS.values()),
        None,
    ),
    "helper_window": (
        "StaffAvailable",
        {"helper_groups": [{"id": "h21", "class_id": "2-1", "windows": ["afternoon"]}]},
        list(SESSIONS.values()),
        None,
    ),
    "two_rooms_at_once": (  # the librarian at S3 in the library and at the desk, both Friday 11:30
        "StaffOnePlaceAtATime",
        {},
        moved("S4", "2026-09-11", "11:30", window="lunch", staff=["lib"]),
        None,
    ),
    "lower_cap": (  # Monday 14th: S2 and S6
        "StaffDailyCap",
        {"staff": [{**LIB, "max_sessions_per_day": 1}, AST]},
        list(SESSIONS.values()),
        None,
    ),
    "helpers_class_busy": (
        "HelpersOwnClassFree",
        {"classes": [CLASS_1_1, CLASS_1_2, {"id": "2-1", "grade": 2, "size": 20, "busy": [FRIDAY_CHOIR]}]},
        list(SESSIONS.values()),
        None,
    ),
    "helpers_class_in_library": (
        "HelpersOwnClassFree",
        {},
        moved("S5", "2026-09-12", "11:30", window="lunch", follows="mon"),
        None,
    ),
    "duplicate_id": ("NoDuplicateSessionIds", {}, changed("S2", id="S1"), None),
}


# A second session too close in a week of a once-a-week rule is also one session too many.
ALSO_BROKEN = {"Spacing": {"Frequency"}}


@pytest.mark.parametrize(CASE_FIELDS, SOLE.values(), ids=list(SOLE))
def test_one_break_reports_only_that_rule(
    rule_name: str,
    overrides: dict[str, Any],
    sessions: list[DatedSession],
    lost_sessions: list[LostSession] | None,
) -> None:
    violations = verify(school(**overrides), make_rota(sessions, lost_sessions))
    assert violations, "the break went unnoticed"
    assert rules_of(violations) == {rule_name} | ALSO_BROKEN.get(rule_name, set())
    assert all(v.message for v in violations)


def test_every_rule_is_exercised() -> None:
    assert {case[0] for case in SOLE.values()} == set(ALL_RULES) - TERM_RULES - TABLE_RULES


@pytest.mark.parametrize(
    "sessions",
    [
        changed("S3", rule_id="nope"),
        changed("S3", class_id="2-1"),
    ],
    ids=["unknown_rule", "class_not_in_rule"],
)
def test_rule_mismatch_is_reported(sessions: list[DatedSession]) -> None:
    # These knock on to other rules (a week goes uncovered, 2-1's own helpers), so only require the one.
    assert "RuleMatchesSession" in rules_of(verify(school(), make_rota(sessions)))


def test_violation_names_its_sessions() -> None:
    violations = verify(school(), make_rota(moved("S3", "2026-09-12", "11:30", follows="mon")))
    assert violations == [
        Violation(
            "RoomCapacity", "Room library on 2026-09-12 at 11:30 holds 60 pupils for 50 seats.", ("S1", "S3")
        )
    ]


def test_one_duty_for_two_classes_in_a_shared_room_is_allowed() -> None:
    # Same room, start and end: the librarian and helpers run one duty, and the room takes two classes.
    roomy = scenario_data()
    roomy["rooms"][0]["seats"] = 60
    sessions = moved("S3", "2026-09-12", "11:30", follows="mon")
    assert verify(Scenario.model_validate(roomy), make_rota(sessions)) == []


def test_spacing_ignores_makeup_days() -> None:
    # Thursday 10th and make-up Saturday 12th are 2 days apart, fewer than 3, but make-up days are exempt.
    spaced = school(
        rules=[
            rule(spacing={"min_days_apart": 3}, staffing={"librarian": 1, "helper": 1}),
            scenario_data()["rules"][1],
        ]
    )
    extra = session("S7", "2026-09-10", "11:30", "1-1")
    assert check_spacing(spaced, make_rota(added(extra))) == []
    ordinary = session("S7", "2026-09-09", "11:30", "1-2")  # Wednesday 9th vs Friday 11th: 2 < 3
    assert [v.session_ids for v in check_spacing(spaced, make_rota(added(ordinary)))] == [("S3", "S7")]


def test_fewer_teaching_weeks_than_the_cycle_allows_an_empty_phase() -> None:
    # One teaching week, every-two-weeks rule: one class may rightly have nothing this term.
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-11"},
        rules=[rule(frequency={"every_weeks": 2})],
    )
    only = session("R1", "2026-09-07", "11:30", "1-1", staff=["lib"])
    rota = make_rota([only], [])
    assert verify(scenario, rota) == []
    both = session("R2", "2026-09-08", "11:30", "1-2", staff=["lib"])
    assert [v.rule for v in verify(scenario, make_rota([only, both], []))] == ["Frequency"]


def test_output_is_deterministic() -> None:
    too_close = session("S7", "2026-09-10", "11:30", "1-2")
    lib_away = session("S8", "2026-09-18", "11:30", "1-2")
    broken = make_rota(added(too_close, lib_away))
    first = verify(school(), broken)
    assert first == verify(school(), broken)
    assert [v.rule for v in first] == sorted((v.rule for v in first), key=ALL_RULES.index)


def test_a_dated_lesson_binds_only_from_its_date() -> None:
    # The same Friday PE, but from the 14th: S3 on Friday the 11th comes before it.
    later = {**FRIDAY_LUNCH_PE, "since": "2026-09-14"}
    scenario = school(classes=[CLASS_1_1, {**CLASS_1_2, "busy": [later]}, CLASS_2_1])
    assert verify(scenario, valid_rota()) == []
    ended = {**FRIDAY_LUNCH_PE, "since": None, "until": "2026-09-10"}
    scenario = school(classes=[CLASS_1_1, {**CLASS_1_2, "busy": [ended]}, CLASS_2_1])
    assert verify(scenario, valid_rota()) == []


def test_a_session_lost_to_a_closed_room_needs_the_room_closed() -> None:
    closed = school(
        rooms=[
            {
                "id": "library",
                "seats": 50,
                "classes_at_once": 2,
                "closed": [{"name": "Repairs", "start": "2026-09-11"}],
            },
            {"id": "desk", "seats": 40},
        ]
    )
    gone = [s for s in SESSIONS.values() if s.id != "S3"]
    entry = lost("2026-09-11", "1-2").model_copy(update={"cause": "room_closed"})
    assert verify(closed, make_rota(gone, [*LOST, entry])) == []
    assert rules_of(verify(school(), make_rota(gone, [*LOST, entry]))) == {"Frequency"}


def test_a_pattern_change_loss_only_in_the_week_a_rerun_takes_effect() -> None:
    gone = [s for s in SESSIONS.values() if s.id != "S3"]
    entry = lost("2026-09-11", "1-2").model_copy(update={"cause": "pattern_change"})
    rota = make_rota(gone, [*LOST, entry])
    assert rules_of(verify(school(), rota)) == {"Frequency"}
    rerun = rota.model_copy(update={"frozen_before": dt.date(2026, 9, 9)})
    assert verify(school(), rerun) == []
    later = rota.model_copy(update={"frozen_before": dt.date(2026, 9, 14)})
    assert rules_of(verify(school(), later)) == {"Frequency"}
