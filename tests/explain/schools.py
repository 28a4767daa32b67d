"""Crafted infeasible schools, each with one conflict (built on tests.factories)."""

from __future__ import annotations

from typing import Any

from rota_solver.scenario import Scenario, Weekday
from tests.factories import rule, tiny_school
from tests.model.helpers import busy_every_day

WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")


def lunch_busy_except_monday_first_slot() -> list[dict[str, str]]:
    """Lessons over the whole lunch window except Monday 11:30-11:50."""
    return [{"day": "mon", "start": "11:50", "end": "12:30"}, *busy_every_day("11:30", "12:30", WORKDAYS[1:])]


def two_classes_share_one_free_slot() -> Scenario:
    """1-1 and 1-2 are free only on Monday 11:30-11:50, and the library holds one class at a time."""
    busy = lunch_busy_except_monday_first_slot()
    return tiny_school(
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30, "busy": busy},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30, "busy": busy},
        ]
    )


def helpers_busy_in_their_own_lessons() -> Scenario:
    """Reading needs one helper team; the only team's class 2-1 has PE over every lunch, the only
    time the team works."""
    return tiny_school(
        helper_groups=[{"id": "hg", "name": "Team 2-1", "class_id": "2-1", "windows": ["lunch"]}],
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30},
            {
                "id": "2-1",
                "name": "Class 2-1",
                "grade": 2,
                "size": 30,
                "busy": busy_every_day("11:30", "12:30"),
            },
            {"id": "3-1", "name": "Class 3-1", "grade": 3, "size": 30},
        ],
        rules=[rule(staffing={"helper": 1})],
    )


def helpers_never_in_the_rule_windows() -> Scenario:
    """Reading at lunch needs one helper team, and the only team works afternoons only."""
    return tiny_school(
        helper_groups=[{"id": "hg", "name": "Team 2-1", "class_id": "2-1", "windows": ["afternoon"]}],
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30},
            {"id": "2-1", "name": "Class 2-1", "grade": 2, "size": 30},
        ],
        rules=[rule(staffing={"helper": 1})],
    )


def too_few_librarian_hours() -> Scenario:
    """Four classes need a staffed session a week in a one-class library; the one librarian works
    Monday to Wednesday, one duty a day."""
    return tiny_school(
        staff=[
            {
                "id": "lib",
                "name": "Ms Lee",
                "availability": [{"days": ["mon", "tue", "wed"]}],
                "max_sessions_per_day": 1,
            }
        ],
        classes=[{"id": f"1-{n}", "name": f"Class 1-{n}", "grade": 1, "size": 30} for n in range(1, 5)],
    )


def timetable_leaves_two_adjacent_days() -> Scenario:
    """1-1 reads twice a week, two days apart, and is free at lunch only on Monday and Tuesday."""
    return tiny_school(
        classes=[
            {
                "id": "1-1",
                "name": "Class 1-1",
                "grade": 1,
                "size": 30,
                "busy": busy_every_day("11:30", "12:30", ("wed", "thu", "fri")),
            },
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
        rules=[rule(frequency={"per_week": 2}, spacing={"min_days_apart": 2})],
    )


def class_too_big_for_the_room() -> Scenario:
    """Class 1-1 has 40 pupils; the library seats 30 (the reading room seats 45)."""
    return tiny_school(
        rooms=[
            {"id": "library", "name": "Library", "seats": 30},
            {"id": "reading_room", "name": "Reading room", "seats": 45},
        ],
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 40},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
    )


def two_rules_want_the_one_free_slot() -> Scenario:
    """1-1 must read (reading room) and borrow (library) every week, and is free only on Monday
    11:30-11:50: a class is in one place at a time."""
    return tiny_school(
        rooms=[
            {"id": "library", "name": "Library", "seats": 60},
            {"id": "reading_room", "name": "Reading room", "seats": 60},
        ],
        classes=[
            {
                "id": "1-1",
                "name": "Class 1-1",
                "grade": 1,
                "size": 30,
                "busy": lunch_busy_except_monday_first_slot(),
            },
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
        rules=[
            rule(id="reading", room="reading_room", staffing={}),
            rule(id="borrowing", kind="borrowing", classes=["1-1"], grades=[]),
        ],
    )


def orientation_school(**extra: Any) -> Scenario:
    """Each grade-1 class's orientation must be in teaching week 1, in the afternoon, before its first
    borrowing; 1-1 has lessons every afternoon."""
    return tiny_school(
        classes=[
            {
                "id": "1-1",
                "name": "Class 1-1",
                "grade": 1,
                "size": 30,
                "busy": busy_every_day("14:00", "15:30"),
            },
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
        rules=[rule(id="borrowing", kind="borrowing")],
        activities=[
            {
                "id": "orientation",
                "name": "Orientation",
                "kind": "orientation",
                "participants": {"grades": [1], "each_class": True},
                "when": {"weeks": [1]},
                "duration_minutes": 40,
                "windows": ["afternoon"],
                "room": "library",
                "staffing": {"librarian": 1},
                "before_first": ["borrowing"],
            }
        ],
        **extra,
    )


def stocktake_needs_two_librarians() -> Scenario:
    """Each stocktake day's shift needs two librarians; the school has one."""
    return tiny_school(
        stocktake={
            "start": "2026-09-17",
            "end": "2026-09-18",
            "loans_due": "2026-09-16",
            "returns_within_days": 10,
            "reading_continues": True,
            "shifts": [{"window": "afternoon", "staffing": {"librarian": 2}}],
        }
    )


def afternoons_only(classes: list[dict[str, Any]], seats: int = 100) -> Scenario:
    """Reading twice a week, 40 min, only on Monday and Wednesday afternoons (two periods each) in a
    one-class library; a morning window (two periods every day) and lunch are there unused."""
    return tiny_school(
        periods=[
            {"id": "p1", "start": "08:00", "end": "08:40"},
            {"id": "p2", "start": "08:50", "end": "09:30"},
            {"id": "p5", "start": "14:00", "end": "14:40"},
            {"id": "p6", "start": "14:50", "end": "15:30"},
        ],
        windows=[
            {"id": "morning", "periods": ["p1", "p2"]},
            {"id": "lunch", "start": "11:30", "end": "12:30"},
            {"id": "afternoon", "days": ["mon", "wed"], "periods": ["p5", "p6"]},
        ],
        rooms=[{"id": "library", "name": "Library", "seats": seats, "classes_at_once": 1}],
        classes=classes,
        rules=[
            rule(
                grades=[1, 2],
                frequency={"per_week": 2},
                duration_minutes=40,
                windows=["afternoon"],
                staffing={},
            )
        ],
    )


def six_classes_on_two_afternoons() -> Scenario:
    """Grades 1-2 (six classes) read twice a week on Monday and Wednesday afternoons: 12 sessions,
    4 slots."""
    return afternoons_only(
        [
            {"id": f"{g}-{n}", "name": f"Class {g}-{n}", "grade": g, "size": 30}
            for g in (1, 2)
            for n in (1, 2, 3)
        ]
    )


def three_classes_on_two_afternoons() -> Scenario:
    """Grade 1 (three classes) reads twice a week on Monday and Wednesday afternoons: 6 sessions,
    4 slots; one more afternoon is enough."""
    return afternoons_only(
        [{"id": f"1-{n}", "name": f"Class 1-{n}", "grade": 1, "size": 30} for n in (1, 2, 3)]
    )


def talk_too_big_for_the_library() -> Scenario:
    """An author talk for grades 1 and 2 together (ten classes, 389 pupils) in week 1's afternoons,
    in the library (100 seats, ten classes at once); the hall seats 400."""
    sizes = {"1-1": 40, "1-2": 40, **{f"2-{n}": 39 for n in range(1, 8)}, "2-8": 36}
    return tiny_school(
        rooms=[
            {"id": "library", "name": "Library", "seats": 100, "classes_at_once": 10},
            {"id": "hall", "name": "Hall", "seats": 400, "classes_at_once": 10},
        ],
        classes=[
            {"id": c, "name": f"Class {c}", "grade": int(c[0]), "size": size} for c, size in sizes.items()
        ],
        activities=[
            {
                "id": "talk",
                "name": "Author talk",
                "kind": "event",
                "participants": {"grades": [1, 2]},
                "when": {"weeks": [1]},
                "duration_minutes": 40,
                "windows": ["afternoon"],
                "room": "library",
            }
        ],
    )


def library_closed_for_a_week() -> Scenario:
    """Two classes read weekly at Monday and Tuesday lunch (one 20-minute slot a day, the library's
    only slots), at most 10 days apart; the library is closed all of week 2, and week 1 has no free
    slot left for a make-up before it."""
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-25"},
        windows=[
            {"id": "lunch", "days": ["mon", "tue"], "start": "11:30", "end": "11:50"},
            {"id": "afternoon", "periods": ["p5", "p6"]},
        ],
        rooms=[
            {
                "id": "library",
                "name": "Library",
                "seats": 60,
                "closed": [{"name": "repairs", "start": "2026-09-14", "end": "2026-09-18"}],
            }
        ],
        rules=[rule(max_gap_days=10)],
    )
