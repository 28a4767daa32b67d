"""The printed rotation table, its labels and the CSV export, from a rota built by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from rota_solver.labels import CSV_COLUMNS, labels_for
from rota_solver.printable import printable_html
from rota_solver.rota import (
    ActivityEvent,
    CalendarDay,
    ClassSummary,
    DatedSession,
    LostSession,
    PatternSession,
    PenaltyTerm,
    Rota,
    SolveReport,
    StageReport,
    Unmet,
)
from rota_solver.scenario import WEEKDAYS, Scenario, Weekday
from rota_solver.table_csv import rota_csv
from tests.factories import rule, tiny_school

TERM_MONDAY = dt.date(2026, 9, 7)  # tiny_school's term: two plain weeks from here
SHANGHAI = ZoneInfo("Asia/Shanghai")

# (cycle week, weekday, start, end, window, rule, class, staff)
Cell = tuple[int, Weekday, str, str, str, str, str, list[str]]
AB_CELLS: list[Cell] = [
    (0, "mon", "11:30", "11:50", "lunch", "reading", "1-1", ["lib"]),
    (0, "tue", "11:30", "11:50", "lunch", "reading", "1-2", ["lib", "h1"]),
    (0, "wed", "11:55", "12:15", "lunch", "borrowing", "1-1", ["lib"]),
    (1, "thu", "11:30", "11:50", "lunch", "reading", "1-1", ["lib"]),
    (1, "mon", "11:55", "12:15", "lunch", "reading", "1-2", ["lib"]),
    (1, "fri", "11:30", "11:50", "lunch", "borrowing", "1-2", ["lib", "h1"]),
]


def school(locale: str = "en", class_name: str = "Class 1-1", cycle: int = 2) -> Scenario:
    rules = [rule(id="reading", kind="reading")]
    if cycle == 2:
        rules.append(rule(id="borrowing", kind="borrowing", frequency={"every_weeks": 2}))
    return tiny_school(
        school={"name": "Tiny School", "timezone": "Asia/Shanghai", "locale": locale},
        windows=[
            {"id": "lunch", "name": "Lunch", "start": "11:30", "end": "12:30"},
            {"id": "afternoon", "periods": ["p5", "p6"]},
        ],
        helper_groups=[{"id": "h1", "name": "Helpers 1-2", "class_id": "1-2", "windows": ["lunch"]}],
        classes=[
            {"id": "1-1", "name": class_name, "grade": 1, "size": 30},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
        rules=rules,
    )


def hand_rota(scenario: Scenario, cells: list[Cell] | None = None, cycle: int = 2) -> Rota:
    """A rota as the solver would return it; session times deliberately stored in UTC."""
    cells = AB_CELLS if cells is None else cells
    pattern = [
        PatternSession(
            cycle_week=week,
            week_label="AB"[week] if cycle == 2 else "",
            weekday=day,
            start=dt.time.fromisoformat(start),
            end=dt.time.fromisoformat(end),
            window_id=window,
            rule_id=rule_id,
            kind=rule_id,
            room_id="library",
            class_id=class_id,
            staff_ids=staff,
        )
        for week, day, start, end, window, rule_id, class_id, staff in cells
    ]
    sessions = []
    for teaching_week in (1, 2):
        monday = TERM_MONDAY + dt.timedelta(weeks=teaching_week - 1)
        for p in pattern:
            if p.cycle_week != (teaching_week - 1) % cycle:
                continue
            day = monday + dt.timedelta(days=WEEKDAYS.index(p.weekday))
            sessions.append(
                DatedSession(
                    id=f"{p.rule_id}.{p.class_id}.w{teaching_week}",
                    date=day,
                    start=dt.datetime.combine(day, p.start, SHANGHAI).astimezone(dt.UTC),
                    end=dt.datetime.combine(day, p.end, SHANGHAI).astimezone(dt.UTC),
                    follows=p.weekday,
                    teaching_week=teaching_week,
                    week_label=p.week_label,
                    window_id=p.window_id,
                    rule_id=p.rule_id,
                    kind=p.kind,
                    room_id=p.room_id,
                    class_id=p.class_id,
                    staff_ids=p.staff_ids,
                )
            )
    report = SolveReport(
        status="optimal",
        objective=7,
        best_bound=7,
        terms=[
            PenaltyTerm(
                name="SameSlotEveryWeek",
                description="A class comes at the same time every week.",
                weight=4,
                units=1,
                cost=4,
                bearers={"1-1": 1},
            ),
            PenaltyTerm(
                name="PreferredDays",
                description="Sessions on preferred days.",
                weight=3,
                units=1,
                cost=3,
                bearers={"1-2": 1},
            ),
        ],
        proven="over the whole rotation cycle",
        build_seconds=0.25,
        solve_seconds=1.5,
        variables=120,
        constraints=340,
        seed=1,
        workers=8,
    )
    return Rota(
        school=scenario.school.name,
        timezone=scenario.school.timezone,
        locale=scenario.school.locale,
        term_start=scenario.term.start,
        term_end=scenario.term.end,
        cycle_weeks=cycle,
        teaching_weeks=2,
        scenario_digest="0" * 64,
        version_time=dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
        pattern=pattern,
        sessions=sessions,
        lost=[],
        calendar=[
            CalendarDay(date=dt.date(2026, 9, 12), kind="makeup", name="mon", follows="mon"),
            CalendarDay(date=dt.date(2026, 9, 17), kind="closure", name="Sports day"),
        ],
        summaries=[
            ClassSummary(class_id=c, rule_id=r, required=2, planned=2, lost=0)
            for c in ("1-1", "1-2")
            for r in (["reading", "borrowing"] if cycle == 2 else ["reading"])
        ],
        report=report,
    )


class _Grid(HTMLParser):
    """Collects every timetable entry: (week, weekday, slot, class id, kind, printed class name)."""

    def __init__(self) -> None:
        super().__init__()
        self.weeks: list[str] = []
        self.week_titles: list[str] = []
        self.columns: dict[str, list[str]] = {}
        self.entries: list[tuple[str, str, str, str, str, str]] = []
        self._week = self._weekday = self._slot = ""
        self._entry: dict[str, str] | None = None
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "section" and "week" in classes:
            self._week = a["data-week"]
            self.weeks.append(self._week)
            self.columns[self._week] = []
        elif tag == "th" and "data-weekday" in a:
            self.columns[self._week].append(a["data-weekday"])
        elif tag == "td" and "data-weekday" in a:
            self._weekday, self._slot = a["data-weekday"], a["data-slot"]
        elif tag == "div" and "entry" in classes:
            self._entry = a
        elif (tag == "span" and "who" in classes) or (tag == "div" and "badge" in classes):
            self._in, self._text = classes[0], ""

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._in == "who" and self._entry is not None:
            e = self._entry
            where = (self._week, self._weekday, self._slot)
            self.entries.append((*where, e["data-class"], e["data-kind"], self._text))
            self._in = None
        elif tag == "div" and self._in == "badge":
            self.week_titles.append(self._text.strip())
            self._in = None


def grid(html: str) -> _Grid:
    parser = _Grid()
    parser.feed(html)
    return parser


# --- labels -------------------------------------------------------------------------------


def test_labels_in_both_languages() -> None:
    zh, en = labels_for("zh-CN"), labels_for("en")
    assert (zh.weekday("mon"), en.weekday("mon")) == ("周一", "Monday")
    assert (zh.week("A"), en.week("A")) == ("A周", "Week A")
    assert (zh.week(""), en.week("")) == ("每周", "Every week")
    kinds = ["reading", "borrowing", "orientation", "meeting", "repair", "teachers_reading"]
    kinds += ["competition", "event", "exhibition", "stocktake", "returns"]
    assert [zh.kind(k) for k in kinds] == [
        "阅览",
        "借阅",
        "入馆教育",
        "例会",
        "图书修补",
        "教师阅览",
        "比赛",
        "活动",
        "展览",
        "图书清点",
        "还书",
    ]
    assert all(en.kind(k) != k for k in kinds)
    assert zh.kind("storytime") == en.kind("storytime") == "storytime"
    assert (zh.status("optimal"), en.status("optimal")) == ("最优（已证明）", "optimal (proven)")
    assert (zh.status("feasible"), en.status("feasible")) == ("可行", "feasible")
    assert [zh.day_kind(k) for k in ("holiday", "closure", "makeup")] == ["节假日", "停课", "调休上课"]
    assert (zh.follows("mon"), en.follows("mon")) == ("按周一课表", "follows Monday")
    assert zh.teaching_weeks([1, 3]) == "第1、3周"
    assert zh.date(dt.date(2026, 9, 7)) == "2026年9月7日" and en.date(dt.date(2026, 9, 7)) == "7 Sep 2026"
    assert all(zh.column(c) != c for c in CSV_COLUMNS)
    assert all(en.column(c) != c for c in CSV_COLUMNS)
    assert (zh.month(9), zh.month(11), zh.month(1)) == ("九月份", "十一月份", "一月份")
    assert (en.month(9), en.month(1)) == ("September", "January")
    assert (zh.grade(5), en.grade(5)) == ("五年级", "Grade 5")
    assert zh.month_range(dt.date(2026, 9, 1), dt.date(2026, 9, 3)) == "9月1日—3日"
    assert en.month_range(dt.date(2026, 9, 1), dt.date(2026, 9, 3)) == "1–3 Sep"
    assert zh.date_weekday(dt.date(2026, 9, 20)) == "9月20日（周日）"
    assert en.date_weekday(dt.date(2026, 9, 20)) == "20 Sep (Sun)"


def test_penalty_terms_and_stages_in_both_languages() -> None:
    zh, en = labels_for("zh-CN"), labels_for("en")
    names = ["PreferredDays", "PreferredWindows", "SameSlotEveryWeek", "SpreadOverWeek", "BalancedStaffLoad"]
    names += ["MakeupSessions", "DisplacedSessions", "ExtraReturnsSessions", "Unmet"]
    assert [zh.penalty(n) for n in names] == [
        "偏好日",
        "偏好时段",
        "每周同一时段",
        "分散到一周",
        "值班均衡",
        "补课",
        "让位于活动",
        "额外还书时段",
        "未满足",
    ]
    assert all(en.penalty(n) != n for n in names)
    # Chinese descriptions for every term; English prints the report's own sentence.
    assert all(zh.penalty_description(n, "given") != "given" for n in names)
    assert en.penalty_description("MakeupSessions", "given") == "given"
    assert zh.penalty("NewRule") == "NewRule"
    assert (zh.stage("weekly_pattern"), zh.stage("term_dates")) == ("每周轮流表", "学期日程")
    assert zh.translate("The weekly rotation table is proven best for the weekly wishes.").startswith(
        "已证明"
    )
    assert zh.translate("Something new.") == en.translate("Something new.") == "Something new."


def test_unknown_locale_is_named() -> None:
    with pytest.raises(KeyError, match="fr"):
        labels_for("fr")


# --- printable table ------------------------------------------------------------------------


def test_one_page_per_cycle_week_with_every_class_in_its_cell() -> None:
    scenario = school()
    html = printable_html(scenario, hand_rota(scenario))
    found = grid(html)
    assert found.weeks == ["A", "B"]
    assert found.week_titles == ["Week A", "Week B"]
    names = {c.id: c.label for c in scenario.classes}
    expected = sorted(
        ("AB"[week], day, f"{start}-{end}", class_id, rule_id, names[class_id])
        for week, day, start, end, _window, rule_id, class_id, _staff in AB_CELLS
    )
    assert sorted(found.entries) == expected


def test_columns_are_the_school_weekdays_and_rows_the_pattern_times() -> None:
    scenario = school()
    html = printable_html(scenario, hand_rota(scenario))
    assert grid(html).columns == {w: ["mon", "tue", "wed", "thu", "fri"] for w in "AB"}
    # Both weeks share the rows, so the A and B sheets line up on the door.
    assert html.count('<tr data-slot="11:30-11:50">') == 2
    assert html.count('<tr data-slot="11:55-12:15">') == 2
    assert "Lunch" in html and "11:30–11:50" in html


def test_one_week_cycle_prints_a_single_every_week_page() -> None:
    scenario = school(cycle=1)
    cells = [c for c in AB_CELLS if c[0] == 0 and c[5] == "reading"]
    found = grid(printable_html(scenario, hand_rota(scenario, cells, cycle=1)))
    assert found.weeks == [""]
    assert found.week_titles == ["Every week"]
    assert len(found.entries) == 2


def test_chinese_school_prints_chinese() -> None:
    scenario = school(locale="zh-CN")
    html = printable_html(scenario, hand_rota(scenario))
    assert '<html lang="zh-CN">' in html
    words = ["图书馆轮流安排表", "周一", "周五", "A周", "B周", "阅览", "借阅"]
    words += ["最优（已证明）", "按周一课表", "停课"]
    for word in words:
        assert word in html, word
    assert "Monday" not in html and "Week A" not in html
    assert "Noto Sans CJK SC" in html


def test_english_school_prints_english() -> None:
    scenario = school(locale="en")
    html = printable_html(scenario, hand_rota(scenario))
    assert '<html lang="en">' in html
    for word in (
        "Library rotation table",
        "Monday",
        "Friday",
        "Week A",
        "Reading",
        "Borrowing",
        "optimal (proven)",
        "follows Monday",
        "Sports day",
    ):
        assert word in html, word
    assert "周一" not in html


def test_summary_calendar_and_report() -> None:
    scenario = school()
    html = printable_html(scenario, hand_rota(scenario))
    assert html.count('<tr data-class="1-1"') == 2  # one row per rule
    for text in (
        "A class comes at the same time every week.",
        'data-term="PreferredDays"',
        "over the whole rotation cycle",
        "solve 1.5 s",
        "17 Sep",
    ):
        assert text in html, text


def test_class_names_are_escaped() -> None:
    scenario = school(class_name="<b>Bold</b> & Co")
    html = printable_html(scenario, hand_rota(scenario))
    assert "<b>" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html
    assert {e[5] for e in grid(html).entries if e[3] == "1-1"} == {"<b>Bold</b> & Co"}


def test_print_ready_and_self_contained() -> None:
    scenario = school()
    html = printable_html(scenario, hand_rota(scenario))
    assert "@page { size: A4 landscape; margin: 12mm; }" in html
    assert "break-after: page" in html and "page-break-after: always" in html
    assert "<script" not in html.lower()
    assert "http://" not in html and "https://" not in html and "<link" not in html


def test_same_input_same_bytes_whatever_the_order() -> None:
    scenario = school(locale="zh-CN")
    rota = hand_rota(scenario)
    backwards = {name: getattr(rota, name)[::-1] for name in ("pattern", "sessions", "calendar")}
    shuffled = rota.model_copy(update=backwards)
    first = printable_html(scenario, rota).encode()
    assert printable_html(scenario, rota).encode() == first
    assert printable_html(scenario, shuffled).encode() == first


# --- CSV ------------------------------------------------------------------------------------


def test_csv_has_one_row_per_session_in_local_time() -> None:
    scenario = school()
    rota = hand_rota(scenario)
    text = rota_csv(scenario, rota)
    assert "\r" not in text and text.endswith("\n")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.splitlines()[0].split(",") == list(CSV_COLUMNS)
    sessions = [r for r in rows if r["row_type"] == "session"]
    assert len(sessions) == len(rota.sessions) == 6
    assert sessions[0] == {
        "row_type": "session",
        "date": "2026-09-07",
        "weekday": "mon",
        "follows": "mon",
        "start": "11:30",  # stored as 03:30 UTC
        "end": "11:50",
        "teaching_week": "1",
        "week_label": "A",
        "class_id": "1-1",
        "class_name": "Class 1-1",
        "grade": "1",
        "kind": "reading",
        "origin": "pattern",
        "rule_id": "reading",
        "activity_id": "",
        "name": "reading",
        "room": "Library",
        "staff": "Ms Lee",
        "participants": "",
        "id": "reading.1-1.w1",
    }
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert {r["staff"] for r in sessions} == {"Ms Lee", "Ms Lee; Helpers 1-2"}
    # The calendar's make-up and closure days are all-day rows of their own.
    days = [r for r in rows if r["row_type"] == "day"]
    assert [(d["date"], d["weekday"], d["kind"], d["follows"], d["start"]) for d in days] == [
        ("2026-09-12", "sat", "makeup", "mon", ""),
        ("2026-09-17", "thu", "closure", "", ""),
    ]
    assert days[1]["name"] == "Sports day" and days[1]["teaching_week"] == "2"


def test_csv_is_deterministic_and_round_trips_odd_names() -> None:
    scenario = school(locale="zh-CN", class_name='一年级"1"班, <b>')
    rota = hand_rota(scenario)
    text = rota_csv(scenario, rota)
    assert rota_csv(scenario, rota.model_copy(update={"sessions": rota.sessions[::-1]})) == text
    assert rota_csv(scenario, rota.model_copy(update={"calendar": rota.calendar[::-1]})) == text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["class_name"] for r in rows if r["class_id"] == "1-1"} == {'一年级"1"班, <b>'}


def test_csv_header_can_be_in_the_school_language() -> None:
    scenario = school(locale="zh-CN")
    header = rota_csv(scenario, hand_rota(scenario), header="labels").splitlines()[0]
    assert header.startswith("行类型,日期,星期,按课表,开始,结束,教学周")


# --- the whole term: activities, make-ups, returns, stocktake, unmet ---------------------------


def term_school(locale: str = "en") -> Scenario:
    """The A/B school over three months, with the term plan's activities and a stocktake."""
    return Scenario.model_validate(
        {
            **school(locale).model_dump(mode="json", exclude_none=True),
            "term": {"name": "Autumn", "start": "2026-09-07", "end": "2026-11-06"},
            "classes": [
                *school(locale).model_dump(mode="json", exclude_none=True)["classes"],
                {"id": "2-1", "name": "Class 2-1", "grade": 2, "size": 30},
            ],
            "teacher_groups": [{"id": "chinese", "name": "Chinese dept", "members": 4}],
            "stocktake": {
                "start": "2026-11-04",
                "end": "2026-11-06",
                "loans_due": "2026-11-02",
                "shifts": [{"window": "afternoon", "staffing": {"librarian": 1}}],
            },
            "activities": [
                {
                    "id": "orientation",
                    "name": "Library induction",
                    "kind": "orientation",
                    "participants": {"grades": [1], "each_class": True},
                    "when": {"weeks": [1, 2]},
                    "duration_minutes": 20,
                    "windows": ["afternoon"],
                    "room": "library",
                    "staffing": {"librarian": 1},
                },
                {
                    "id": "teachers_reading",
                    "name": "Teachers' reading hour",
                    "kind": "teachers_reading",
                    "participants": {"teacher_groups": ["chinese"]},
                    "when": {"every_weeks": 1},
                    "duration_minutes": 20,
                    "windows": ["lunch"],
                    "room": "library",
                },
                {
                    "id": "helper_meeting",
                    "name": "Helpers' meeting",
                    "kind": "meeting",
                    "participants": {"helper_groups": "all", "staff": ["lib"]},
                    "when": {"every_weeks": 2},
                    "duration_minutes": 20,
                    "windows": ["lunch"],
                    "room": "library",
                },
                {
                    "id": "book_day",
                    "name": "Book day",
                    "kind": "event",
                    "participants": {"grades": [1]},
                    "when": {"month": 10},
                    "all_day": True,
                },
            ],
        }
    )


def _at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm), SHANGHAI)


def _event(
    event_id: str, activity_id: str, name: str, kind: str, day: dt.date, start: str | None, **who: list[str]
) -> ActivityEvent:
    end = None
    if start is not None:
        end = (_at(day, start) + dt.timedelta(minutes=20)).time().isoformat("minutes")
    return ActivityEvent(
        id=event_id,
        activity_id=activity_id,
        name=name,
        kind=kind,
        date=day,
        all_day=start is None,
        start=_at(day, start) if start else None,
        end=_at(day, end) if end else None,
        follows=WEEKDAYS[day.weekday()],
        window_id=None if start is None else ("lunch" if start < "12:30" else "afternoon"),
        room_id="library" if kind != "stocktake" else None,
        class_ids=who.get("classes", []),
        helper_group_ids=who.get("helpers", []),
        teacher_group_ids=who.get("teachers", []),
        participant_staff_ids=who.get("participants", []),
        staff_ids=who.get("staff", []),
    )


def _extra_session(base: DatedSession, session_id: str, day: dt.date, origin: str, kind: str) -> DatedSession:
    start = base.start.astimezone(SHANGHAI).time()
    end = base.end.astimezone(SHANGHAI).time()
    return base.model_copy(
        update={
            "id": session_id,
            "date": day,
            "start": dt.datetime.combine(day, start, SHANGHAI),
            "end": dt.datetime.combine(day, end, SHANGHAI),
            "follows": WEEKDAYS[day.weekday()],
            "origin": origin,
            "kind": kind,
        }
    )


D = dt.date


def term_rota(scenario: Scenario) -> Rota:
    rota = hand_rota(scenario)
    reading_1_2 = next(s for s in rota.sessions if s.class_id == "1-2" and s.rule_id == "reading")
    borrowing_1_1 = next(s for s in rota.sessions if s.class_id == "1-1" and s.rule_id == "borrowing")
    sessions = [
        *rota.sessions,
        _extra_session(reading_1_2, "reading.1-2.w3.m1", D(2026, 9, 21), "makeup", "reading"),
        _extra_session(borrowing_1_1, "returns.1-1", D(2026, 10, 28), "returns", "returns"),
    ]
    activities = [
        _event(
            "orientation.1.1-2",
            "orientation",
            "Library induction",
            "orientation",
            D(2026, 9, 9),
            "14:00",
            classes=["1-2"],
            staff=["lib"],
        ),
        _event(
            "orientation.1.1-1",
            "orientation",
            "Library induction",
            "orientation",
            D(2026, 9, 8),
            "14:00",
            classes=["1-1"],
            staff=["lib"],
        ),
        _event(
            "helper_meeting.1",
            "helper_meeting",
            "Helpers' meeting",
            "meeting",
            D(2026, 9, 10),
            "12:10",
            helpers=["h1"],
            participants=["lib"],
        ),
        _event(
            "helper_meeting.2",
            "helper_meeting",
            "Helpers' meeting",
            "meeting",
            D(2026, 9, 24),
            "12:10",
            helpers=["h1"],
            participants=["lib"],
        ),
        _event("book_day.1", "book_day", "Book day", "event", D(2026, 10, 9), None, classes=["1-1", "1-2"]),
        *[
            _event(
                f"teachers_reading.{i}.chinese",
                "teachers_reading",
                "Teachers' reading hour",
                "teachers_reading",
                day,
                "12:10",
                teachers=["chinese"],
            )
            for i, day in enumerate(
                [
                    D(2026, 10, 12),
                    D(2026, 10, 14),
                    D(2026, 10, 19),
                    D(2026, 10, 21),
                    D(2026, 10, 26),
                    D(2026, 10, 28),
                ]
            )
        ],
        *[
            _event(
                f"stocktake.{day.isoformat()}.1",
                "stocktake",
                "Stocktake",
                "stocktake",
                day,
                "14:00",
                staff=["lib"],
            )
            for day in (D(2026, 11, 4), D(2026, 11, 5), D(2026, 11, 6))
        ],
    ]
    lost = [
        LostSession(
            date=D(2026, 9, 17),
            rule_id="reading",
            class_id="1-2",
            start=dt.time(11, 30),
            reason="Sports day",
            cause="day_off",
        ),
        LostSession(
            date=D(2026, 9, 8),
            rule_id="reading",
            class_id="1-1",
            start=dt.time(14, 0),
            reason="Library induction",
            cause="activity",
        ),
    ]
    calendar = [
        *rota.calendar,
        CalendarDay(date=D(2026, 10, 1), kind="holiday", name="National Day"),
        CalendarDay(date=D(2026, 10, 2), kind="holiday", name="National Day"),
        CalendarDay(date=D(2026, 10, 5), kind="holiday", name="National Day (in lieu)"),
        *[CalendarDay(date=D(2026, 11, d), kind="stocktake", name="Stocktake") for d in (4, 5, 6)],
    ]
    unmet = [
        Unmet(
            kind="gap",
            subject="1-2/reading",
            message="class 1-2 has no reading session between 2026-10-05 and 2026-10-30: no free slot",
        ),
    ]
    summaries = [
        s.model_copy(update={"made_up": 1}) if (s.class_id, s.rule_id) == ("1-2", "reading") else s
        for s in rota.summaries
    ]
    terms = [
        *rota.report.terms,
        PenaltyTerm(
            name="MakeupSessions",
            description="A make-up session added.",
            weight=10,
            units=1,
            cost=10,
            bearers={"1-2": 1},
        ),
        PenaltyTerm(
            name="Unmet",
            description="A requirement left unmet.",
            weight=1000,
            units=1,
            cost=1000,
            bearers={"1-2": 1},
        ),
    ]
    stages = [
        StageReport(
            name="weekly_pattern",
            status="optimal",
            objective=7,
            best_bound=7,
            seconds=0.5,
            proves="The weekly rotation table is proven best for the weekly wishes.",
        ),
        StageReport(
            name="term_dates",
            status="feasible",
            objective=1010,
            best_bound=1000,
            seconds=2.0,
            proves="The time limit ended the dated stage: its plan is valid but not proven to need "
            "the fewest make-ups.",
        ),
    ]
    report = rota.report.model_copy(update={"terms": terms, "stages": stages, "status": "feasible"})
    return rota.model_copy(
        update={
            "term_end": D(2026, 11, 6),
            "sessions": sessions,
            "activities": activities,
            "lost": lost,
            "calendar": calendar,
            "unmet": unmet,
            "summaries": summaries,
            "report": report,
        }
    )


class _Overview(HTMLParser):
    """Month sections in page order: (month key, title, [(item, ref, when, text of the row)])."""

    def __init__(self) -> None:
        super().__init__()
        self.months: list[tuple[str, str, list[tuple[str, str, str, str]]]] = []
        self.unmet: list[str] = []
        self.order: list[str] = []
        self.made_up: dict[str, list[str]] = {}
        self._row: list[str] | None = None
        self._cells: list[str] = []
        self._title: list[str] | None = None
        self._unmet: list[str] | None = None
        self._summary_class = ""
        self._in_made_up = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if tag == "section" and "month" in classes:
            self.months.append((a["data-month"], "", []))
            self.order.append("month")
            self._title = []
        elif tag == "div" and "unmet-box" in classes:
            self.order.append("unmet")
        elif tag == "li" and "unmet" in classes:
            self._unmet = []
        elif tag == "tr" and "data-item" in a:
            self._row = [a["data-item"], a["data-ref"]]
            self._cells = []
        elif tag == "td" and self._row is not None:
            self._cells.append("")
        elif tag == "tr" and "data-class" in a:
            self._summary_class = a["data-class"]
        elif tag == "td" and "made-up" in classes:
            self._in_made_up = True

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        if self._unmet is not None:
            self._unmet.append(data)
        if self._row is not None and self._cells:
            self._cells[-1] += " " + data
        if self._in_made_up:
            self.made_up.setdefault(self._summary_class, []).append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._title is not None:
            key, _, items = self.months[-1]
            self.months[-1] = (key, next(t.strip() for t in self._title if t.strip()), items)
            self._title = None
        elif tag == "li" and self._unmet is not None:
            self.unmet.append("".join(self._unmet))
            self._unmet = None
        elif tag == "tr" and self._row is not None:
            when, *rest = (" ".join(c.split()) for c in self._cells)
            self.months[-1][2].append((self._row[0], self._row[1], when, " ".join(rest)))
            self._row = None
        elif tag == "td":
            self._in_made_up = False


def overview(html: str) -> _Overview:
    parser = _Overview()
    parser.feed(html)
    return parser


def items_of(found: _Overview, month: str) -> dict[tuple[str, str], tuple[str, str]]:
    rows = next(items for key, _, items in found.months if key == month)
    return {(item, ref): (when, text) for item, ref, when, text in rows}


def test_term_overview_has_a_section_per_month_in_order() -> None:
    scenario = term_school()
    found = overview(printable_html(scenario, term_rota(scenario)))
    assert [(key, title) for key, title, _ in found.months] == [
        ("2026-09", "September"),
        ("2026-10", "October"),
        ("2026-11", "November"),
    ]
    # Unmet requirements come first, above the months.
    assert found.order[0] == "unmet"


def test_term_overview_september() -> None:
    scenario = term_school()
    found = overview(printable_html(scenario, term_rota(scenario)))
    september = items_of(found, "2026-09")
    # Per-class orientation is one line, the classes in class order with their dates.
    when, text = september[("activity", "orientation")]
    assert when == "8–9 Sep"
    assert "Class 1-1 8 Sep 14:00–14:20; Class 1-2 9 Sep 14:00–14:20" in text
    assert "Orientation" in text and "Library" in text
    # Two meetings: the people once, then the dates.
    when, text = september[("activity", "helper_meeting")]
    assert "Helpers 1-2, Ms Lee" in text and "10 Sep 12:10–12:30; 24 Sep 12:10–12:30" in text
    assert september[("makeup_day", "makeup")] == ("12 Sep (Sat)", "Make-up day follows Monday")
    assert september[("closure", "closure")][0] == "17 Sep (Thu)"
    # The make-up is paired with the session the closure cost the class.
    assert "Class 1-2 Reading 21 Sep 11:30 (for 17 Sep)" in september[("makeup", "makeup")][1]
    assert "Class 1-1 Reading 8 Sep 14:00 (Library induction)" in september[("displaced", "activity")][1]
    # Chronological: the first dates never go backwards.
    rows = next(items for key, _, items in found.months if key == "2026-09")
    assert [r[0] for r in rows] == ["activity", "displaced", "activity", "makeup_day", "closure", "makeup"]


def test_term_overview_october_and_november() -> None:
    scenario = term_school()
    found = overview(printable_html(scenario, term_rota(scenario)))
    october = items_of(found, "2026-10")
    # National Day and its day in lieu are one row.
    when, text = october[("holiday", "holiday")]
    assert when == "1–5 Oct" and text.startswith("National Day") and "5 Oct: National Day (in lieu)" in text
    # The whole grade takes part in the all-day event.
    assert october[("activity", "book_day")] == (
        "9 Oct (Fri)",
        "Book day Event · Library Grade 1 9 Oct all day",
    )
    # Six weekly instances print as one line with the count and weekday pattern.
    when, text = october[("recurring", "teachers_reading")]
    assert when == "12–28 Oct"
    assert "6 times" in text and "Chinese dept: Monday ×3, Wednesday ×3" in text
    assert "Class 1-1 28 Oct 11:55" in october[("returns", "returns")][1]
    rows = next(items for key, _, items in found.months if key == "2026-10")
    assert rows[-1][0] == "recurring"
    november = items_of(found, "2026-11")
    assert november[("loans_due", "loans_due")][0] == "2 Nov (Mon)"
    when, text = november[("stocktake", "stocktake")]
    assert when == "4–6 Nov"
    assert "4 Nov: afternoon Ms Lee" in text and "6 Nov: afternoon Ms Lee" in text
    assert "14:00–14:20" in text


def test_unmet_requirements_are_listed_in_a_red_box() -> None:
    scenario = term_school()
    html = printable_html(scenario, term_rota(scenario))
    found = overview(html)
    assert len(found.unmet) == 1
    assert found.unmet[0].startswith("Class 1-2 Reading: too long between two sessions")
    assert "2026-10-05" in found.unmet[0]
    assert "Requirements not met (1)" in html and 'class="unmet-box"' in html
    # Without unmet requirements there is no box, only a reassurance.
    plain = printable_html(scenario, term_rota(scenario).model_copy(update={"unmet": []}))
    assert 'class="unmet-box"' not in plain and "Every requirement is met." in plain


def test_summary_gains_made_up_and_report_shows_both_stages() -> None:
    scenario = term_school()
    html = printable_html(scenario, term_rota(scenario))
    # Made up, per class and rule (reading, borrowing).
    assert overview(html).made_up == {"1-1": ["0", "0"], "1-2": ["1", "0"]}
    for text in (
        'data-stage="weekly_pattern"',
        'data-stage="term_dates"',
        "Weekly rotation table",
        "Term dates",
        "The weekly rotation table is proven best for the weekly wishes.",
        "not proven to need the fewest make-ups",
        'data-term="MakeupSessions"',
        "Make-up sessions",
        "Unmet requirements",
        "A make-up session added.",  # English prints the report's own description where it has none
        "Requirements left unmet (activities, returns, stocktake shifts, gaps), counted once each",
    ):
        assert text in html, text


def test_chinese_term_overview_and_report() -> None:
    scenario = term_school(locale="zh-CN")
    html = printable_html(scenario, term_rota(scenario))
    assert [title for _, title, _ in overview(html).months] == ["九月份", "十月份", "十一月份"]
    for word in (
        "学期安排总览",
        "入馆教育",
        "例会",
        "教师阅览",
        "补课",
        "补9月17日",
        "让位于活动的课",
        "期末还书",
        "借阅截止",
        "清点值班",
        "未能满足的要求（1项）",
        "一年级",
        "共6次",
        "周一3次",
        "每周轮流表",
        "学期日程",
        "已证明每周轮流表对每周的软约束最优。",
        "求解时限已到",
        "偏好日",
        "每周同一时段",
        "让位于活动",
        "未满足",
        "为使各班两次课的间隔不超过上限而增加的一节补课。",
    ):
        assert word in html, word
    assert "A make-up session added." not in html
    assert "Monday" not in html and "times" not in html


def test_term_overview_is_deterministic_whatever_the_order() -> None:
    scenario = term_school(locale="zh-CN")
    rota = term_rota(scenario)
    names = ("sessions", "activities", "lost", "calendar", "unmet", "summaries", "pattern")
    shuffled = rota.model_copy(update={name: getattr(rota, name)[::-1] for name in names})
    first = printable_html(scenario, rota)
    assert printable_html(scenario, shuffled) == first
    assert rota_csv(scenario, shuffled) == rota_csv(scenario, rota)


def test_csv_has_rows_for_activities_and_days() -> None:
    scenario = term_school()
    rota = term_rota(scenario)
    rows = list(csv.DictReader(io.StringIO(rota_csv(scenario, rota))))
    by_type = {t: [r for r in rows if r["row_type"] == t] for t in ("session", "activity", "day")}
    assert len(by_type["session"]) == len(rota.sessions)
    assert len(by_type["activity"]) == len(rota.activities)
    assert len(by_type["day"]) == len(rota.calendar)
    assert len(rows) == len(rota.sessions) + len(rota.activities) + len(rota.calendar)
    # Date order, all-day rows first on a day, then by start.
    keys = [(r["date"], r["start"] != "", r["start"]) for r in rows]
    assert keys == sorted(keys)
    book_day = next(r for r in by_type["activity"] if r["activity_id"] == "book_day")
    assert (book_day["start"], book_day["end"], book_day["kind"], book_day["follows"]) == (
        "",
        "",
        "event",
        "fri",
    )
    assert (book_day["class_id"], book_day["class_name"], book_day["grade"]) == (
        "1-1; 1-2",
        "Class 1-1; Class 1-2",
        "1",
    )
    meeting = next(r for r in by_type["activity"] if r["id"] == "helper_meeting.1")
    assert (meeting["participants"], meeting["start"], meeting["end"]) == (
        "Helpers 1-2; Ms Lee",
        "12:10",
        "12:30",
    )
    teachers = next(r for r in by_type["activity"] if r["activity_id"] == "teachers_reading")
    assert teachers["participants"] == "Chinese dept" and teachers["room"] == "Library"
    shift = next(r for r in by_type["activity"] if r["activity_id"] == "stocktake")
    assert (shift["kind"], shift["staff"], shift["room"]) == ("stocktake", "Ms Lee", "")
    origins = {r["id"]: r["origin"] for r in by_type["session"]}
    assert origins["reading.1-2.w3.m1"] == "makeup" and origins["returns.1-1"] == "returns"
    assert origins["reading.1-1.w1"] == "pattern"
    kinds = [(d["date"], d["kind"]) for d in by_type["day"]]
    assert ("2026-10-05", "holiday") in kinds and ("2026-11-06", "stocktake") in kinds
    assert all(d["start"] == d["end"] == d["id"] == "" for d in by_type["day"])
