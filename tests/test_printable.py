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
    CalendarDay,
    ClassSummary,
    DatedSession,
    PatternSession,
    PenaltyTerm,
    Rota,
    SolveReport,
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
    assert [zh.kind(k) for k in ("reading", "borrowing", "orientation", "stocktake", "returns")] == [
        "阅览",
        "借阅",
        "入馆教育",
        "清点",
        "还书",
    ]
    assert zh.kind("storytime") == en.kind("storytime") == "storytime"
    assert (zh.status("optimal"), en.status("optimal")) == ("最优（已证明）", "optimal (proven)")
    assert (zh.status("feasible"), en.status("feasible")) == ("可行", "feasible")
    assert [zh.day_kind(k) for k in ("holiday", "closure", "makeup")] == ["节假日", "停课", "调休上课"]
    assert (zh.follows("mon"), en.follows("mon")) == ("按周一课表", "follows Monday")
    assert zh.teaching_weeks([1, 3]) == "第1、3周"
    assert zh.date(dt.date(2026, 9, 7)) == "2026年9月7日" and en.date(dt.date(2026, 9, 7)) == "7 Sep 2026"
    assert all(zh.column(c) != c for c in CSV_COLUMNS)


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
    assert len(rows) == len(rota.sessions) == 6
    first = rows[0]
    assert first == {
        "date": "2026-09-07",
        "weekday": "mon",
        "start": "11:30",  # stored as 03:30 UTC
        "end": "11:50",
        "teaching_week": "1",
        "week_label": "A",
        "class_id": "1-1",
        "class_name": "Class 1-1",
        "grade": "1",
        "kind": "reading",
        "rule_id": "reading",
        "room": "Library",
        "staff": "Ms Lee",
        "session_id": "reading.1-1.w1",
    }
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert {r["staff"] for r in rows} == {"Ms Lee", "Ms Lee; Helpers 1-2"}


def test_csv_is_deterministic_and_round_trips_odd_names() -> None:
    scenario = school(locale="zh-CN", class_name='一年级"1"班, <b>')
    rota = hand_rota(scenario)
    text = rota_csv(scenario, rota)
    assert rota_csv(scenario, rota.model_copy(update={"sessions": rota.sessions[::-1]})) == text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["class_name"] for r in rows if r["class_id"] == "1-1"} == {'一年级"1"班, <b>'}


def test_csv_header_can_be_in_the_school_language() -> None:
    scenario = school(locale="zh-CN")
    header = rota_csv(scenario, hand_rota(scenario), header="labels").splitlines()[0]
    assert header.startswith("日期,星期,开始,结束,教学周")
