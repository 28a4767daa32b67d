"""Hypothesis strategies that generate small, valid, varied schools as scenario data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

DAYS = ["mon", "tue", "wed", "thu", "fri"]
PERIODS = [("p5", "14:00", "14:40"), ("p6", "14:50", "15:30"), ("p7", "15:40", "16:20")]


@st.composite
def schools(draw: st.DrawFn, away: bool = False) -> dict[str, Any]:
    """A school of 1-6 classes, 1-3 rules, 1-2 rooms, 1-2 librarians and 0-2 helper groups,
    over a term of one to three weeks that may start mid-week and hold a closure, with maybe a
    stocktake, an orientation, teacher groups' weekly reading and an all-day event.

    With ``away``, every staff member has one to six days off, and a rule after the first may need no
    staff."""
    start = dt.date(2026, 9, 7) + dt.timedelta(days=draw(st.integers(0, 4)))
    end = start + dt.timedelta(days=draw(st.integers(4, 20)))
    term: dict[str, Any] = {"start": start.isoformat(), "end": end.isoformat()}
    if draw(st.booleans()):
        closed = start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))
        term["closures"] = [{"name": "Sports day", "start": closed.isoformat()}]

    rooms = [
        {
            "id": f"room{i}",
            "seats": draw(st.sampled_from([30, 60, 90])),
            "classes_at_once": draw(st.integers(1, 2)),
        }
        for i in range(draw(st.integers(1, 2)))
    ]
    n_classes = draw(st.integers(1, 6))
    classes: list[dict[str, Any]] = []
    for i in range(n_classes):
        busy = [
            {"day": draw(st.sampled_from(DAYS)), "period": draw(st.sampled_from([p[0] for p in PERIODS]))}
            for _ in range(draw(st.integers(0, 4)))
        ]
        if draw(st.integers(0, 3)) == 0:
            busy.append({"day": draw(st.sampled_from(DAYS)), "start": "11:30", "end": "12:00"})
        classes.append(
            {
                "id": f"c{i}",
                "grade": draw(st.integers(1, 3)),
                "size": draw(st.sampled_from([20, 30, 40])),
                "busy": busy,
            }
        )

    staff = []
    for i in range(draw(st.integers(1, 2))):
        days = draw(st.lists(st.sampled_from(DAYS), min_size=2, max_size=5, unique=True))
        member: dict[str, Any] = {
            "id": f"lib{i}",
            "role": "librarian",
            "availability": [
                {"days": days, "start": "08:00", "end": draw(st.sampled_from(["13:00", "17:00"]))}
            ],
        }
        if draw(st.booleans()):
            member["max_sessions_per_day"] = draw(st.integers(1, 4))
        if away:
            offsets = draw(st.lists(st.integers(0, (end - start).days), min_size=1, max_size=6))
            member["days_off"] = sorted({(start + dt.timedelta(days=d)).isoformat() for d in offsets})
        elif draw(st.integers(0, 3)) == 0:
            member["days_off"] = [
                (start + dt.timedelta(days=draw(st.integers(0, (end - start).days)))).isoformat()
            ]
        staff.append(member)
    helpers = [
        {
            "id": f"helpers{i}",
            "class_id": f"c{draw(st.integers(0, n_classes - 1))}",
            "windows": ["lunch"],
            "max_sessions_per_day": draw(st.integers(1, 2)),
        }
        for i in range(draw(st.integers(0, 2)))
    ]

    grades = sorted({c["grade"] for c in classes})
    rules: list[dict[str, Any]] = []
    for i in range(draw(st.integers(2 if away else 1, 3))):
        every = draw(st.booleans())
        window = draw(st.sampled_from(["lunch", "afternoon"]))
        staffing: dict[str, int] = {"librarian": 1}
        if away and i > 0 and draw(st.booleans()):
            staffing = {}
        elif helpers and window == "lunch" and draw(st.booleans()):
            staffing["helper"] = 1
        rules.append(
            {
                "id": f"rule{i}",
                "kind": draw(st.sampled_from(["reading", "borrowing"])),
                "grades": draw(st.lists(st.sampled_from(grades), min_size=1, max_size=3, unique=True)),
                "room": draw(st.sampled_from([r["id"] for r in rooms])),
                "frequency": {"every_weeks": 2} if every else {"per_week": draw(st.integers(1, 2))},
                "duration_minutes": 20 if window == "lunch" else draw(st.sampled_from([20, 40])),
                "windows": [window],
                "spacing": {"min_days_apart": draw(st.integers(1, 2))},
                "staffing": staffing,
                "preferences": {"days": draw(st.lists(st.sampled_from(DAYS), max_size=2, unique=True))},
                "max_gap_days": draw(st.sampled_from([None, None, 4, 6, 9])),
            }
        )
    data: dict[str, Any] = {}
    if draw(st.booleans()) and (end - start).days >= 7:
        # A stocktake over the last two days, loans due the day before it.
        data["stocktake"] = {
            "start": (end - dt.timedelta(days=1)).isoformat(),
            "end": end.isoformat(),
            "loans_due": (end - dt.timedelta(days=2)).isoformat(),
            "returns_within_days": draw(st.integers(3, 7)),
            "reading_continues": draw(st.booleans()),
            "shifts": [{"window": "lunch", "staffing": {"librarian": 1}}],
        }
    activities: list[dict[str, Any]] = []
    grades_of_first_rule = list(rules[0]["grades"])
    if draw(st.booleans()):
        activities.append(
            {
                "id": "orientation",
                "kind": "orientation",
                "participants": {"grades": [classes[0]["grade"]], "each_class": True},
                "when": {"weeks": [1, 2]},
                "duration_minutes": 20,
                "windows": ["lunch"],
                "room": rooms[0]["id"],
                "staffing": {"librarian": 1},
                "before_first": [rules[0]["id"]] if classes[0]["grade"] in grades_of_first_rule else [],
            }
        )
        if not activities[-1]["before_first"]:
            del activities[-1]["before_first"]
    if draw(st.booleans()):
        activities.append(
            {
                "id": "teachers",
                "kind": "teachers_reading",
                "participants": {"teacher_groups": ["t1", "t2"]},
                "when": {"every_weeks": 1},
                "duration_minutes": 40,
                "windows": ["afternoon"],
                "room": rooms[-1]["id"],
            }
        )
        data["teacher_groups"] = [
            {"id": "t1", "members": 5, "availability": [{"days": ["mon", "tue", "wed"]}]},
            {"id": "t2", "members": 5, "availability": [{"days": ["wed", "thu", "fri"], "start": "14:00"}]},
        ]
    if draw(st.booleans()):
        activities.append(
            {
                "id": "event_day",
                "kind": "event",
                "participants": {"grades": grades},
                "when": {"weeks": [draw(st.integers(1, 2))]},
                "all_day": True,
            }
        )
    if activities:
        data["activities"] = activities
    return data | {
        "school": {"name": "Generated School", "timezone": "Asia/Shanghai", "locale": "en"},
        "term": term,
        "periods": [{"id": p, "start": a, "end": b} for p, a, b in PERIODS],
        "windows": [
            {"id": "lunch", "start": "11:30", "end": "12:30"},
            {"id": "afternoon", "periods": [p[0] for p in PERIODS]},
        ],
        "rooms": rooms,
        "staff": staff,
        "helper_groups": helpers,
        "classes": classes,
        "rules": rules,
    }
