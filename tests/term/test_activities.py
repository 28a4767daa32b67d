"""Activities around the fixed pattern: orientation before a class's first session, recurring
(monthly, every k weeks) and per-teacher-group events, all-day events that displace as few sessions as
possible, unplaceable ones reported unmet, and nothing clashing with anything else."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import combinations
from typing import Any

import pytest

from rota_solver.model.variables import RotaModel
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.verify import verify
from tests.factories import rule, tiny_school
from tests.model.helpers import busy_every_day, place, term
from tests.term.helpers import (
    assert_only_confessed_violations,
    day,
    events_of,
    of_origin,
    solve_only,
    solve_term,
)

AFTERNOON = {"duration_minutes": 40, "windows": ["afternoon"]}
"""A timed activity in one afternoon period (14:00-14:40 or 14:50-15:30)."""


def activity(id: str, participants: dict[str, Any], when: dict[str, Any], **rest: Any) -> dict[str, Any]:
    return {"id": id, "kind": rest.pop("kind", id), "participants": participants, "when": when, **rest}


# --- orientation before the first session -------------------------------------------------------


def orientation_school() -> Scenario:
    """The term starts on Monday 2026-09-07 and reading's only window is Monday lunch, so each class's
    first reading session (09-07, lunch) would come before any orientation (afternoons of weeks 1-2)."""
    return tiny_school(
        windows=[
            {"id": "lunch", "start": "11:30", "end": "12:30", "days": ["mon"]},
            {"id": "afternoon", "periods": ["p5", "p6"]},
        ],
        activities=[
            activity(
                "orientation",
                {"grades": [1], "each_class": True},
                {"weeks": [1, 2]},
                room="library",
                staffing={"librarian": 1},
                before_first=["reading"],
                **AFTERNOON,
            )
        ],
    )


def test_a_final_returns_session_comes_after_the_orientation_too() -> None:
    """Borrowing is the rule the orientation must precede; the stocktake comes in week 2 and the
    returns window (Mon 09-14 to Wed 09-16, loans due) starts before the orientation's only days (Wed
    09-16 to Fri 09-18, afternoons). A returns session is a session of the rule: it may not come before
    the orientation either (a generated school found the solver placing them before, which the
    verifier reported)."""
    scenario = tiny_school(
        rules=[rule(id="borrowing", kind="borrowing", windows=["afternoon"], duration_minutes=40)],
        stocktake={
            "start": "2026-09-17",
            "end": "2026-09-18",
            "loans_due": "2026-09-16",
            "returns_within_days": 3,
        },
        activities=[
            activity(
                "orientation",
                {"grades": [1], "each_class": True},
                {"start": "2026-09-16", "end": "2026-09-18"},
                staffing={"librarian": 1},
                before_first=["borrowing"],
                **AFTERNOON,
            )
        ],
    )
    rota = solve_only(scenario)
    assert_only_confessed_violations(scenario, rota)
    orientations = {e.class_ids[0]: e for e in events_of(rota, "orientation")}
    after = [r for r in of_origin(rota, "returns") if r.class_id in orientations]
    assert after  # a class with both (1-1: orientation 14:00, returns 14:50 on 09-16)
    for returns in after:
        event = orientations[returns.class_id]
        assert event.end is not None and event.end <= returns.start


def test_each_class_has_its_orientation_before_its_first_session_which_gives_way() -> None:
    scenario = orientation_school()
    rota = solve_term(scenario)

    events = {e.class_ids[0]: e for e in events_of(rota, "orientation")}
    assert sorted(events) == ["1-1", "1-2"]
    for class_id, event in events.items():
        assert event.id == f"orientation.1.{class_id}" and event.class_ids == [class_id]
        assert event.start is not None and event.end is not None
        assert day("2026-09-07") <= event.date <= day("2026-09-18")
        assert event.staff_ids == ["lib"] and event.room_id == "library"
        first = min(s.start for s in rota.sessions if s.class_id == class_id and s.rule_id == "reading")
        assert event.end <= first
    # Both Monday-09-07 sessions gave way; the 09-14 ones are held (within the 14-day gap: no make-up).
    assert sorted((x.date, x.class_id, x.cause) for x in rota.lost) == [
        (day("2026-09-07"), "1-1", "activity"),
        (day("2026-09-07"), "1-2", "activity"),
    ]
    assert sorted((s.date, s.class_id) for s in rota.sessions) == [
        (day("2026-09-14"), "1-1"),
        (day("2026-09-14"), "1-2"),
    ]
    displaced = term(rota, "DisplacedSessions")
    assert (displaced.units, displaced.bearers) == (2, {"1-1": 1, "1-2": 1})
    assert term(rota, "MakeupSessions").units == 0


# --- recurring activities -----------------------------------------------------------------------


def recurring_school(when: dict[str, Any]) -> Scenario:
    """Six teaching weeks 2026-09-28..11-06, touching September, October and November."""
    return tiny_school(
        term={"start": "2026-09-28", "end": "2026-11-06"},
        activities=[activity("repair", {"staff": ["lib"]}, when, room="library", **AFTERNOON)],
    )


def test_a_monthly_activity_has_one_event_in_each_month_of_the_term() -> None:
    rota = solve_term(recurring_school({"monthly": True}))

    events = events_of(rota, "repair")
    assert sorted(e.date.month for e in events) == [9, 10, 11]
    assert all(e.participant_staff_ids == ["lib"] and e.window_id == "afternoon" for e in events)


def test_monthly_occurrences_are_numbered_in_date_order() -> None:
    rota = solve_term(recurring_school({"monthly": True}))

    by_date = sorted(events_of(rota, "repair"), key=lambda e: e.date)
    assert [e.id for e in by_date] == ["repair.1", "repair.2", "repair.3"]


def test_every_two_weeks_gives_one_event_per_two_week_block() -> None:
    rota = solve_term(recurring_school({"every_weeks": 2}))

    events = sorted(events_of(rota, "repair"), key=lambda e: e.date)
    # No holidays: teaching week n is the n-th Monday-to-Friday week from 09-28, block k weeks 2k+1, 2k+2.
    assert [(e.date - day("2026-09-28")).days // 14 for e in events] == [0, 1, 2]


def test_each_teacher_group_gets_its_own_event_inside_its_availability() -> None:
    scenario = tiny_school(
        rooms=[{"id": "library", "seats": 60}, {"id": "teachers_room", "seats": 8}],
        teacher_groups=[
            {
                "id": "chinese",
                "members": 4,
                "availability": [{"days": ["tue"], "start": "14:50", "end": "15:30"}],
            },
            {
                "id": "maths",
                "members": 4,
                "availability": [{"days": ["thu"], "start": "14:00", "end": "14:40"}],
            },
        ],
        activities=[
            activity(
                "teachers_reading",
                {"teacher_groups": ["chinese", "maths"]},
                {"every_weeks": 1},
                room="teachers_room",
                **AFTERNOON,
            )
        ],
    )
    rota = solve_term(scenario)

    events = events_of(rota, "teachers_reading")
    got = sorted((e.teacher_group_ids[0], e.date, e.start and e.start.time()) for e in events)
    assert [len(e.teacher_group_ids) for e in events] == [1] * 4
    assert got == [
        ("chinese", day("2026-09-08"), dt.time(14, 50)),
        ("chinese", day("2026-09-15"), dt.time(14, 50)),
        ("maths", day("2026-09-10"), dt.time(14, 0)),
        ("maths", day("2026-09-17"), dt.time(14, 0)),
    ]


# --- all-day events -----------------------------------------------------------------------------


def event_day_school(when: dict[str, Any], room: str | None, **overrides: Any) -> Scenario:
    """Classes 1-1 and 2-1 read in the library every school day; grade 1 has an all-day fair."""
    data: dict[str, Any] = {
        "classes": [{"id": "1-1", "grade": 1, "size": 30}, {"id": "2-1", "grade": 2, "size": 30}],
        "rules": [rule(grades=[1, 2], frequency={"per_week": 5})],
        "activities": [activity("fair", {"grades": [1]}, when, kind="event", all_day=True, room=room)],
    }
    data.update(overrides)
    return tiny_school(**data)


@pytest.mark.parametrize(
    ("room", "displaced"),
    [
        pytest.param(None, ["1-1"], id="held-elsewhere-only-its-classes-give-way"),
        pytest.param("library", ["1-1", "2-1"], id="in-the-library-its-sessions-give-way-too"),
    ],
)
def test_an_all_day_event_displaces_its_classes_sessions_that_day(
    room: str | None, displaced: list[str]
) -> None:
    fair = day("2026-09-09")
    scenario = event_day_school({"start": "2026-09-09", "end": "2026-09-09"}, room)
    rota = solve_term(scenario)

    [event] = events_of(rota, "fair")
    assert (event.date, event.all_day, event.start, event.end, event.class_ids) == (
        fair,
        True,
        None,
        None,
        ["1-1"],
    )
    assert sorted(x.class_id for x in rota.lost if x.date == fair and x.cause == "activity") == displaced
    assert {x.reason for x in rota.lost} == {"fair"}
    held = sorted(s.class_id for s in rota.sessions if s.date == fair)
    assert held == sorted({"1-1", "2-1"} - set(displaced))
    assert term(rota, "DisplacedSessions").units == len(displaced)


def fair_with_one_free_day() -> Scenario:
    """Every September school day has both classes in the library except Wednesday 09-16, when the
    librarian is away and nothing is held: a fair in September displaces nothing only there."""
    return event_day_school(
        {"month": 9},
        "library",
        term={"start": "2026-09-07", "end": "2026-09-25"},
        staff=[{"id": "lib", "role": "librarian", "days_off": ["2026-09-16"]}],
    )


def test_an_all_day_event_takes_the_day_with_the_fewest_displaced_sessions() -> None:
    rota = solve_term(fair_with_one_free_day())

    [event] = events_of(rota, "fair")
    assert event.date == day("2026-09-16")
    assert not [s for s in rota.sessions if s.date == event.date]
    assert [x.cause for x in rota.lost] == ["staff_away", "staff_away"]
    assert term(rota, "DisplacedSessions").units == 0


# --- an activity that cannot be placed ----------------------------------------------------------


def quiz_with_its_classes_busy() -> Scenario:
    """Grade 1's quiz in week 1 has only the afternoon, when both classes always have lessons."""
    busy = busy_every_day("14:00", "15:30")
    return tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30, "busy": busy},
            {"id": "1-2", "grade": 1, "size": 30, "busy": busy},
        ],
        activities=[activity("quiz", {"grades": [1]}, {"weeks": [1]}, room="library", **AFTERNOON)],
    )


def test_an_activity_whose_only_window_has_its_classes_busy_is_reported_unmet() -> None:
    scenario = quiz_with_its_classes_busy()
    rota = solve_only(scenario)

    assert events_of(rota, "quiz") == []
    assert [(u.kind, u.subject) for u in rota.unmet] == [("activity", "quiz.1")]
    unmet = term(rota, "Unmet")
    assert (unmet.units, unmet.bearers) == (1, {"quiz.1": 1})
    assert_only_confessed_violations(scenario, rota)


# --- no clashes -----------------------------------------------------------------------------------


def clashes(scenario: Scenario, rota: Rota) -> list[str]:
    """Pairs of overlapping sessions and timed events sharing a class (or a helper group's own class),
    a person, or overfilling a room; checked here, apart from the verifier. Two classes sharing one
    duty would count as a clash too, so use it only where no room takes two classes with one duty."""
    own_class = {g.id: g.class_id for g in scenario.helper_groups}
    items: list[tuple[str, dt.date, dt.datetime, dt.datetime, str | None, set[str], set[str]]] = []
    for s in rota.sessions:
        classes = {s.class_id} | {own_class[p] for p in s.staff_ids if p in own_class}
        items.append((s.id, s.date, s.start, s.end, s.room_id, {s.class_id}, set(s.staff_ids) | classes))
    for e in rota.activities:
        assert not e.all_day and e.start is not None and e.end is not None
        people = set(e.staff_ids) | set(e.participant_staff_ids) | set(e.helper_group_ids)
        people |= {own_class[p] for p in people if p in own_class} | set(e.class_ids)
        people |= {f"teachers:{t}" for t in e.teacher_group_ids}
        items.append((e.id, e.date, e.start, e.end, e.room_id, set(e.class_ids) or {e.id}, people))
    found = []
    for a, b in combinations(items, 2):
        if a[1] == b[1] and a[2] < b[3] and b[2] < a[3] and a[6] & b[6]:
            found.append(f"{a[0]} and {b[0]} share {sorted(a[6] & b[6])}")
    by_room: dict[str, list[tuple[str, dt.datetime, dt.datetime, set[str]]]] = defaultdict(list)
    for item_id, _, start, end, room, classes, _ in items:
        if room is not None:
            by_room[room].append((item_id, start, end, classes))
    for room_id, entries in by_room.items():
        limit = scenario.room(room_id).classes_at_once
        for item_id, start, _, _ in entries:
            present = set().union(*(c for _, s, e, c in entries if s <= start < e))
            if len(present) > limit:
                found.append(
                    f"{room_id} holds {sorted(present)} at {start} (with {item_id}), room for {limit}"
                )
    return found


def busy_library_school(**overrides: Any) -> Scenario:
    """One librarian, a one-class library and afternoons only: two classes read twice a week, each
    grade-1 class has an orientation, 1-2 a story hour, 1-1's helpers meet the librarian and the
    librarian has a repair session of her own: 9 of the week's 10 afternoon slots are taken."""
    data: dict[str, Any] = {
        "term": {"start": "2026-09-07", "end": "2026-09-11"},
        "helper_groups": [{"id": "helpers", "class_id": "1-1", "windows": ["afternoon"]}],
        "rules": [rule(frequency={"per_week": 2}, windows=["afternoon"], duration_minutes=40)],
        "activities": [
            activity(
                "orientation",
                {"grades": [1], "each_class": True},
                {"weeks": [1]},
                room="library",
                staffing={"librarian": 1},
                **AFTERNOON,
            ),
            activity(
                "helper_meeting",
                {"helper_groups": "all", "staff": ["lib"]},
                {"every_weeks": 1},
                room="library",
                **AFTERNOON,
            ),
            activity("repair", {"staff": ["lib"]}, {"weeks": [1]}, room="library", **AFTERNOON),
            activity(
                "story_hour",
                {"classes": ["1-2"]},
                {"weeks": [1]},
                room="library",
                staffing={"librarian": 1},
                **AFTERNOON,
            ),
        ],
    }
    data.update(overrides)
    return tiny_school(**data)


def test_activities_never_clash_with_sessions_or_each_other() -> None:
    scenario = busy_library_school()
    rota = solve_term(scenario)

    assert len(rota.sessions) == 4 and len(rota.activities) == 5 and rota.unmet == []
    assert clashes(scenario, rota) == []
    slots = {(e.date, e.start) for e in rota.activities} | {(s.date, s.start) for s in rota.sessions}
    assert len(slots) == 9


def test_a_joint_activity_never_fills_a_room_past_its_classes_at_once() -> None:
    # The library takes two classes at once; 2-1 and 2-2 fill one of them every afternoon period,
    # so the joint grade-1 quiz (two classes) only fits at lunch, when the library is empty.
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-11"},
        rooms=[{"id": "library", "seats": 200, "classes_at_once": 2}],
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30},
            {"id": "2-2", "grade": 2, "size": 30},
        ],
        rules=[rule(grades=[2], frequency={"per_week": 5}, windows=["afternoon"], staffing={})],
        activities=[
            activity(
                "quiz",
                {"grades": [1]},
                {"weeks": [1]},
                kind="event",
                duration_minutes=40,
                windows=["afternoon", "lunch"],
                room="library",
            )
        ],
    )

    def every_afternoon_period(rm: RotaModel) -> None:
        for weekday in ("mon", "tue", "wed", "thu", "fri"):
            place(rm, "2-1", "reading", weekday, "14:00")
            place(rm, "2-2", "reading", weekday, "14:50")

    rota = solve_only(scenario, every_afternoon_period)

    [quiz] = events_of(rota, "quiz")
    assert clashes(scenario, rota) == []
    assert quiz.window_id == "lunch"
    assert verify(scenario, rota) == []


def test_a_makeup_never_goes_into_a_room_given_over_to_an_all_day_event() -> None:
    # 2-1 reads on Wednesdays (8-day limit); Wednesday 09-23 is closed, so it needs a make-up on
    # Tuesday 09-22 (it is busy every Thursday lunch, the other date that would do). Grade 1's fair
    # takes the library for a day of week 3: on Tuesday it would displace nothing, on any other day
    # 1-1's story session. Right: the fair on Monday, Thursday or Friday and the make-up on Tuesday.
    scenario = tiny_school(
        term={
            "start": "2026-09-07",
            "end": "2026-10-02",
            "closures": [{"name": "Sports day", "start": "2026-09-23"}],
        },
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30, "busy": busy_every_day("11:30", "12:30", ["thu"])},
        ],
        rules=[rule(grades=[2], max_gap_days=8), rule(id="story", grades=[1], frequency={"per_week": 4})],
        activities=[
            activity(
                "fair",
                {"grades": [1]},
                {"start": "2026-09-21", "end": "2026-09-25"},
                kind="event",
                all_day=True,
                room="library",
            )
        ],
    )

    def force(rm: RotaModel) -> None:
        place(rm, "2-1", "reading", "wed", "11:30")
        for weekday in ("mon", "wed", "thu", "fri"):
            place(rm, "1-1", "story", weekday, "11:50")

    rota = solve_only(scenario, force)

    [fair] = events_of(rota, "fair")
    [makeup] = of_origin(rota, "makeup")
    assert makeup.date == day("2026-09-22")
    in_library = [s.id for s in rota.sessions if s.date == fair.date and s.room_id == "library"]
    assert in_library == [], f"the library is given over to the fair on {fair.date}"
    assert term(rota, "DisplacedSessions").units == 1
    assert verify(scenario, rota) == []
