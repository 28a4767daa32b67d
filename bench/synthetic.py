"""Synthetic schools for benchmarks and tests: realistic, seeded and deterministic.

:func:`synthetic_school` builds a primary school of 12 to 240 classes in the shape of the seed
work plans (the demo school is its 24-class Chinese instance, scaled):

* grades 1-6, the classes spread evenly over them (the remainder goes to the lower grades);
* grades 1-2 read in a reading room twice a week, on days not back to back, preferring Monday
  and Wednesday, in afternoon lesson periods (morning ones too when the afternoons cannot hold
  them); with several reading rooms each room has its own rule and its share of the classes;
* grades 3-6 borrow every other week (A/B weeks) in 20-minute slots at lunch (and after school
  when lunch cannot hold them, preferring lunch), with a librarian and a helper team;
* helper teams (小小图书管理员) from grade 5-6 classes, on duty at lunch and after school;
* class timetables: specialist lessons (PE, music, art, science, computing) in about a quarter
  of the lesson periods a class could read in, and lunch or after-school clubs on one or two
  days for the borrowing classes;
* orientation for every grade-1 class before its first reading session, a reading-month event
  day and essay competitions in November, donated books in December, helper meetings every other
  week, monthly book repair, the teacher groups' weekly reading, and the stocktake at term end;
* public holidays of the given country (``holidays`` package) with that country's term dates.

Rooms and the number of classes they hold at once are sized from the demand, the way a school
with that many classes would have built its library; ``rooms`` and ``librarians`` override.
:func:`synthetic_district` gives N such schools of varied sizes. Same arguments, same scenario.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from typing import Any

from rota_solver.scenario import WEEKDAYS, Scenario

MIN_CLASSES = 6
MAX_CLASSES = 300
DAYS = list(WEEKDAYS[:5])
PERIODS: list[tuple[str, str, str]] = [
    ("p1", "08:00", "08:40"),
    ("p2", "08:50", "09:30"),
    ("p3", "09:55", "10:35"),
    ("p4", "10:45", "11:25"),
    ("p5", "14:00", "14:40"),
    ("p6", "14:50", "15:30"),
    ("p7", "15:40", "16:20"),
]
MORNING = ["p1", "p2", "p3", "p4"]
AFTERNOON = ["p5", "p6", "p7"]
BUSY_SHARE = 0.25
"""Share of the lesson periods a class could read in that its timetable fills with lessons
taught elsewhere (PE, music, ...)."""
TARGET_LOAD = 0.55
"""Share of a room's class places the rota may fill when the generator sizes the room."""


@dataclass(frozen=True)
class Country:
    """Term dates and words of one country's schools."""

    code: str
    subdivision: str | None
    locale: str
    timezone: str
    term: tuple[dt.date, dt.date]
    closures: list[tuple[str, dt.date, dt.date]]
    stocktake: tuple[dt.date, dt.date, dt.date]
    """Start, end, loans due."""


COUNTRIES: dict[str, Country] = {
    "CN": Country(
        "CN",
        None,
        "zh-CN",
        "Asia/Shanghai",
        (dt.date(2026, 9, 1), dt.date(2027, 1, 22)),
        [
            ("秋季运动会", dt.date(2026, 10, 22), dt.date(2026, 10, 23)),
            ("期末考试", dt.date(2027, 1, 18), dt.date(2027, 1, 19)),
        ],
        (dt.date(2027, 1, 20), dt.date(2027, 1, 22), dt.date(2027, 1, 15)),
    ),
    "GB": Country(
        "GB",
        "ENG",
        "en",
        "Europe/London",
        (dt.date(2026, 9, 2), dt.date(2026, 12, 18)),
        [("October half term", dt.date(2026, 10, 26), dt.date(2026, 10, 30))],
        (dt.date(2026, 12, 16), dt.date(2026, 12, 18), dt.date(2026, 12, 11)),
    ),
    "US": Country(
        "US",
        None,
        "en",
        "America/New_York",
        (dt.date(2026, 9, 8), dt.date(2026, 12, 18)),
        [("Thanksgiving break", dt.date(2026, 11, 27), dt.date(2026, 11, 27))],
        (dt.date(2026, 12, 16), dt.date(2026, 12, 18), dt.date(2026, 12, 11)),
    ),
}
"""Countries the generator knows term dates for (their public holidays come from ``holidays``)."""

_ZH_GRADES = "一二三四五六"
_LESSONS = {
    "zh-CN": ["体育", "音乐", "美术", "科学", "信息"],
    "en": ["PE", "Music", "Art", "Science", "Computing"],
}
_CLUBS = {"zh-CN": ["合唱团", "书法社", "足球队"], "en": ["Choir", "Chess club", "Football club"]}
_SURNAMES = {
    "zh-CN": ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "马", "朱", "胡", "林"],
    "en": ["Smith", "Jones", "Patel", "Khan", "Brown", "Taylor", "Evans", "Wilson", "Okafor", "Nowak"],
}
_SUBJECT_GROUPS = {
    "zh-CN": ["语文组", "数学组", "英语组", "综合组", "科学组", "体艺组", "信息组", "德育组"],
    "en": ["English", "Maths", "Languages", "Humanities", "Science", "Arts", "PE", "Computing"],
}


def _words(locale: str) -> dict[str, str]:
    zh = locale == "zh-CN"
    return {
        "school": "第{n}实验小学" if zh else "Synthetic Primary School {n}",
        "reading_room": "学生阅览室{i}" if zh else "Reading room {i}",
        "stacks": "藏书室" if zh else "Library",
        "teachers_room": "教师阅览室" if zh else "Staff reading room",
        "reading": "低年级阅览" if zh else "Reading (years 1-2)",
        "borrowing": "中高年级借阅" if zh else "Borrowing (years 3-6)",
        "librarian": "图书管理员{i}" if zh else "Librarian {i}",
        "helpers": "{cls}图书管理员" if zh else "{cls} library helpers",
        "orientation": "新生图书借阅知识讲座" if zh else "Library induction",
        "reading_month": "读书月启动日" if zh else "Book week day",
        "essay": "{g}年级读书征文比赛" if zh else "Year {g} book review competition",
        "donated": "新捐赠图书阅读" if zh else "Donated books reading",
        "meeting": "小小图书管理员例会" if zh else "Library helpers' meeting",
        "repair": "图书修补" if zh else "Book repair",
        "teachers": "教师阅览" if zh else "Staff reading",
        "term": "2026年秋季学期" if zh else "Autumn term 2026",
    }


def _class_name(locale: str, grade: int, number: int) -> str:
    return f"{_ZH_GRADES[grade - 1]}年级{number}班" if locale == "zh-CN" else f"Year {grade} class {number}"


def default_rooms(classes: int) -> int:
    """Reading rooms a school of this many classes has: 1 up to 36 classes, 2 up to 96, else 3."""
    return 1 if classes <= 36 else 2 if classes <= 96 else 3


def default_librarians(classes: int) -> int:
    """Librarians: 1 up to 24 classes, 2 up to 60, 3 up to 120, else 4."""
    return 1 if classes <= 24 else 2 if classes <= 60 else 3 if classes <= 120 else 4


def synthetic_school(
    classes: int,
    seed: int = 0,
    country: str = "CN",
    rooms: int | None = None,
    librarians: int | None = None,
) -> Scenario:
    """A validated scenario of a primary school with ``classes`` classes (deterministic for a seed)."""
    return Scenario.model_validate(synthetic_school_data(classes, seed, country, rooms, librarians))


def synthetic_district(
    schools: int, seed: int = 0, country: str = "CN", sizes: tuple[int, ...] = (12, 18, 24, 30, 36, 48, 72)
) -> list[Scenario]:
    """``schools`` schools of sizes drawn from ``sizes``, each with its own seed."""
    rng = random.Random(f"district:{seed}")
    return [
        synthetic_school(rng.choice(sizes), seed=seed * 1000 + i, country=country) for i in range(schools)
    ]


def synthetic_school_data(
    classes: int,
    seed: int = 0,
    country: str = "CN",
    rooms: int | None = None,
    librarians: int | None = None,
) -> dict[str, Any]:
    """The scenario of :func:`synthetic_school` as plain data (what a YAML file would hold)."""
    if not MIN_CLASSES <= classes <= MAX_CLASSES:
        raise ValueError(f"classes must be {MIN_CLASSES}-{MAX_CLASSES}, not {classes}")
    if country not in COUNTRIES:
        raise ValueError(f"unknown country {country!r}; known: {sorted(COUNTRIES)}")
    n_rooms = rooms if rooms is not None else default_rooms(classes)
    n_librarians = librarians if librarians is not None else default_librarians(classes)
    if not 1 <= n_rooms <= 3 or not 1 <= n_librarians <= 4:
        raise ValueError("a school has 1-3 reading rooms and 1-4 librarians")
    where = COUNTRIES[country]
    words = _words(where.locale)
    rng = random.Random(f"school:{classes}:{seed}:{country}:{n_rooms}:{n_librarians}")
    zh = where.locale == "zh-CN"

    # --- classes by grade ------------------------------------------------
    per_grade = [classes // 6 + (1 if g < classes % 6 else 0) for g in range(6)]
    school_classes: list[dict[str, Any]] = []
    for grade in range(1, 7):
        for number in range(1, per_grade[grade - 1] + 1):
            surname = rng.choice(_SURNAMES[where.locale])
            school_classes.append(
                {
                    "id": f"{grade}-{number}",
                    "name": _class_name(where.locale, grade, number),
                    "grade": grade,
                    "size": rng.randint(36, 46) if zh else rng.randint(24, 31),
                    "homeroom_teacher": f"{surname}老师"
                    if zh
                    else f"{rng.choice(['Mr', 'Ms', 'Mrs'])} {surname}",
                }
            )
    lower = [c for c in school_classes if c["grade"] <= 2]
    upper = [c for c in school_classes if c["grade"] >= 3]

    # --- rooms and windows, sized from the demand --------------------------
    reading_per_week = 2 * len(lower)
    afternoon_places = n_rooms * 2 * len(AFTERNOON) * len(DAYS) * TARGET_LOAD
    reading_periods = AFTERNOON if reading_per_week <= afternoon_places else MORNING + AFTERNOON
    reading_windows = ["afternoon"] if reading_periods == AFTERNOON else ["morning", "afternoon"]
    reading_slots = len(reading_periods) * len(DAYS)
    lower_by_room = [lower[i::n_rooms] for i in range(n_rooms)]
    room_at_once = [
        max(2, math.ceil(2 * len(share) / (reading_slots * TARGET_LOAD))) for share in lower_by_room
    ]
    borrowing_per_week = len(upper) / 2
    lunch_slots = 3 * len(DAYS)
    borrowing_windows = ["lunch"] if borrowing_per_week <= lunch_slots * 0.6 else ["lunch", "after_school"]
    borrowing_slots = lunch_slots * len(borrowing_windows)
    stacks_at_once = max(1, math.ceil(borrowing_per_week / (borrowing_slots * TARGET_LOAD)))

    room_list: list[dict[str, Any]] = [
        {
            "id": "reading_room" if n_rooms == 1 else f"reading_room_{i + 1}",
            "name": words["reading_room"].format(i=i + 1 if n_rooms > 1 else "").strip(),
            "seats": at_once * 50,
            "classes_at_once": at_once,
        }
        for i, at_once in enumerate(room_at_once)
    ]
    room_list.append(
        {
            "id": "stacks",
            "name": words["stacks"],
            "seats": max(50, stacks_at_once * 50),
            "classes_at_once": stacks_at_once,
        }
    )
    room_list.append(
        {"id": "teachers_room", "name": words["teachers_room"], "seats": 20, "classes_at_once": 1}
    )

    # --- timetables ---------------------------------------------------------
    lessons, clubs = _LESSONS[where.locale], _CLUBS[where.locale]
    n_helpers = min(len([c for c in upper if c["grade"] >= 5]), max(4, math.ceil(len(upper) / 8)))
    helper_classes = [c for c in upper if c["grade"] >= 5][:n_helpers]
    helper_ids = {c["id"] for c in helper_classes}
    for c in school_classes:
        reads = c["grade"] <= 2
        periods = reading_periods if reads else MORNING + AFTERNOON
        cells = [(d, p) for d in DAYS for p in periods]
        count = round(BUSY_SHARE * len(cells)) if reads else rng.randint(4, 6)
        busy: list[dict[str, Any]] = [
            {"day": d, "period": p, "what": rng.choice(lessons)}
            for d, p in sorted(rng.sample(cells, count), key=lambda x: (DAYS.index(x[0]), x[1]))
        ]
        if not reads:
            for day in sorted(rng.sample(DAYS, rng.randint(1, 2)), key=DAYS.index):
                if "after_school" in borrowing_windows and c["id"] not in helper_ids and rng.random() < 0.5:
                    busy.append({"day": day, "start": "16:30", "end": "17:30", "what": rng.choice(clubs)})
                else:
                    busy.append({"day": day, "start": "11:30", "end": "12:10", "what": rng.choice(clubs)})
        c["busy"] = busy

    # --- people ---------------------------------------------------------------
    staff = [
        {
            "id": f"lib_{i + 1}",
            "name": words["librarian"].format(i=i + 1),
            "role": "librarian",
            "availability": [{"days": DAYS, "start": "08:00", "end": "17:30"}],
            "max_sessions_per_day": 8,
        }
        for i in range(n_librarians)
    ]
    helper_groups = [
        {
            "id": f"helpers_{c['id']}",
            "name": words["helpers"].format(cls=c["name"]),
            "class_id": c["id"],
            "members": 2,
            "windows": ["lunch", "after_school"],
        }
        for c in helper_classes
    ]
    n_teacher_groups = min(8, 4 + classes // 60)
    teacher_groups = []
    for i in range(n_teacher_groups):
        days = sorted(rng.sample(DAYS, 3), key=DAYS.index)
        teacher_groups.append(
            {
                "id": f"teachers_{i + 1}",
                "name": _SUBJECT_GROUPS[where.locale][i],
                "members": rng.randint(4, 12),
                "availability": [{"days": days, "start": "08:00", "end": "11:30"}],
            }
        )

    # --- rules ------------------------------------------------------------------
    rules: list[dict[str, Any]] = []
    for i, share in enumerate(lower_by_room):
        if not share:
            continue
        rule: dict[str, Any] = {
            "id": "lower_reading" if n_rooms == 1 else f"lower_reading_{i + 1}",
            "name": words["reading"],
            "kind": "reading",
            "room": room_list[i]["id"],
            "frequency": {"per_week": 2},
            "duration_minutes": 40,
            "windows": reading_windows,
            "spacing": {"min_days_apart": 2},
            "staffing": {"librarian": 1},
            "preferences": {"days": ["mon", "wed"]},
        }
        if n_rooms == 1:
            rule["grades"] = [1, 2]
        else:
            rule["classes"] = [c["id"] for c in share]
        rules.append(rule)
    reading_rule_ids = [r["id"] for r in rules]
    rules.append(
        {
            "id": "upper_borrowing",
            "name": words["borrowing"],
            "kind": "borrowing",
            "grades": [3, 4, 5, 6],
            "room": "stacks",
            "frequency": {"every_weeks": 2},
            "duration_minutes": 20,
            "windows": borrowing_windows,
            "staffing": {"librarian": 1, "helper": 1},
            "preferences": {"windows": ["lunch"]} if len(borrowing_windows) > 1 else {},
        }
    )

    # --- term, stocktake and activities --------------------------------------------
    term_start, term_end = where.term
    stocktake_start, stocktake_end, loans_due = where.stocktake
    term: dict[str, Any] = {
        "name": words["term"],
        "start": term_start.isoformat(),
        "end": term_end.isoformat(),
        "weekdays": DAYS,
        "holiday_country": where.code,
        "closures": [{"name": n, "start": a.isoformat(), "end": b.isoformat()} for n, a, b in where.closures],
    }
    if where.subdivision:
        term["holiday_subdivision"] = where.subdivision
    stocktake = {
        "start": stocktake_start.isoformat(),
        "end": stocktake_end.isoformat(),
        "loans_due": loans_due.isoformat(),
        "returns_within_days": 14,
        "reading_continues": False,
        "shifts": [
            {"window": "lunch", "staffing": {"librarian": 1, "helper": 2}},
            {"window": "afternoon", "staffing": {"librarian": 1}},
        ],
    }
    activity_windows = reading_windows
    activities: list[dict[str, Any]] = [
        {
            "id": "orientation",
            "name": words["orientation"],
            "kind": "orientation",
            "participants": {"grades": [1], "each_class": True},
            "when": {"weeks": [1, 2]},
            "duration_minutes": 40,
            "windows": activity_windows,
            "room": "stacks",
            "staffing": {"librarian": 1},
            "before_first": [
                rid
                for rid, share in zip(reading_rule_ids, [s for s in lower_by_room if s], strict=True)
                if any(c["grade"] == 1 for c in share)
            ],
        },
        {
            "id": "reading_month_day",
            "name": words["reading_month"],
            "kind": "event",
            "participants": {"grades": [1, 2, 3, 4, 5, 6]},
            "when": {"month": 11},
            "all_day": True,
            "room": "stacks",
        },
    ]
    activities += [
        {
            "id": f"essay_competition_{grade}",
            "name": words["essay"].format(g=grade),
            "kind": "competition",
            "participants": {"grades": [grade]},
            "when": {"month": 11},
            "duration_minutes": 40,
            "windows": ["afternoon"],
            "staffing": {"librarian": 1},
        }
        for grade in (5, 6)
    ]
    activities += [
        {
            "id": "donated_books",
            "name": words["donated"],
            "kind": "reading",
            "participants": {"grades": [3, 4], "each_class": True},
            "when": {"month": 12},
            "duration_minutes": 40,
            "windows": activity_windows,
            "room": room_list[0]["id"],
            "staffing": {"librarian": 1},
        },
        {
            "id": "helper_meeting",
            "name": words["meeting"],
            "kind": "meeting",
            "participants": {"helper_groups": "all", "staff": ["lib_1"]},
            "when": {"every_weeks": 2},
            "duration_minutes": 20,
            "windows": ["lunch", "after_school"],
            "room": "stacks",
        },
        {
            "id": "book_repair",
            "name": words["repair"],
            "kind": "repair",
            "participants": {"helper_groups": "all"},
            "when": {"monthly": True},
            "duration_minutes": 30,
            "windows": ["after_school"],
            "room": "stacks",
            "staffing": {"librarian": 1},
        },
        {
            "id": "teachers_reading",
            "name": words["teachers"],
            "kind": "teachers_reading",
            "participants": {"teacher_groups": [t["id"] for t in teacher_groups]},
            "when": {"every_weeks": 1},
            "duration_minutes": 40,
            "windows": ["morning"],
            "room": "teachers_room",
        },
    ]
    period_names = ["第一节", "第二节", "第三节", "第四节", "第五节", "第六节", "第七节"]
    return {
        "school": {
            "name": words["school"].format(n=seed + 1),
            "timezone": where.timezone,
            "locale": where.locale,
        },
        "term": term,
        "periods": [
            {"id": p, "name": period_names[i] if zh else f"Period {i + 1}", "start": a, "end": b}
            for i, (p, a, b) in enumerate(PERIODS)
        ],
        "windows": [
            {"id": "morning", "name": "上午课" if zh else "Morning lessons", "periods": MORNING},
            {"id": "lunch", "name": "午间" if zh else "Lunch", "start": "11:30", "end": "12:30"},
            {"id": "afternoon", "name": "下午课" if zh else "Afternoon lessons", "periods": AFTERNOON},
            {
                "id": "after_school",
                "name": "课后" if zh else "After school",
                "start": "16:30",
                "end": "17:30",
            },
        ],
        "rooms": room_list,
        "staff": staff,
        "helper_groups": helper_groups,
        "teacher_groups": teacher_groups,
        "classes": school_classes,
        "rules": rules,
        "stocktake": stocktake,
        "activities": activities,
    }
