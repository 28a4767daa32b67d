"""The printable rotation table: one A4 landscape page per week of the cycle, then a summary.

This is the sheet the librarian posts on every class's door, so it is in the school's
language, needs no JavaScript or external files, and prints in black and white (activity
kinds differ by grey tint and border style, with a key).
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import jinja2

from .labels import Labels, labels_for
from .rota import CalendarDay, ClassSummary, PatternSession, Rota
from .scenario import WEEKDAYS, Scenario, SchoolClass, Weekday
from .table_csv import hhmm, people_names

# Grey tints and border styles by kind, in rule order: tints alone blur on a cheap printer.
_TINTS = ("#ffffff", "#e4e4e4", "#c8c8c8", "#f2f2f2", "#d6d6d6", "#bababa")
_BORDERS = ("solid", "dashed", "dotted", "double")

# Printable area of A4 landscape with 12 mm margins (273 x 186 mm), less the page header and key.
_GRID_WIDTH_MM = 273.0
_GRID_HEIGHT_MM = 155.0  # 161 mm measured in Chromium, less slack for other fonts
_SLOT_COLUMN_MM = 27.0
_MM_PER_PT = 25.4 / 72
_ENTRY_EM = 2.85  # one entry: name line, 0.8em detail line, padding, borders and gap, in grid ems
_ROW_PAD_MM = 1.8  # cell padding and rule
_HEADER_ROW_EM = 1.6
_HEADER_ROW_MM = 2.5
_LARGEST_PT = 13.0
_SMALLEST_PT = 6.0
_SUMMARY_ROWS = 18
_SUMMARY_COLUMNS = 3


@dataclass(frozen=True)
class KindStyle:
    kind: str
    label: str
    css_class: str
    tint: str
    border: str


@dataclass(frozen=True)
class Entry:
    class_id: str
    class_name: str
    kind: str
    kind_label: str
    css_class: str
    rule_id: str
    room: str
    staff: str


@dataclass(frozen=True)
class Slot:
    start: dt.time
    end: dt.time
    names: tuple[str, ...]
    """Printed lines above the time: window name, then lesson period name if any."""
    time: str
    key: str


@dataclass(frozen=True)
class Row:
    slot: Slot
    cells: tuple[tuple[Entry, ...], ...]
    """Entries per weekday column, in column order."""


@dataclass(frozen=True)
class WeekPage:
    cycle_week: int
    label: str
    title: str
    weeks: str
    """Which teaching weeks this page is for, e.g. 第1周（9月7日）、第3周（9月21日）."""
    rows: tuple[Row, ...]
    font_pt: float


@dataclass(frozen=True)
class SummaryRow:
    class_id: str
    class_name: str
    rule_name: str
    required: int
    planned: int
    lost: int
    first_of_class: bool
    class_rows: int


@dataclass(frozen=True)
class CalendarRow:
    date: str
    weekday: str
    kind: str
    css_class: str
    name: str


def printable_html(scenario: Scenario, rota: Rota) -> str:
    """The rotation table of ``rota`` as a self-contained HTML page for A4 landscape print."""
    labels = labels_for(scenario.school.locale)
    kinds = _kind_styles(scenario, rota, labels)
    weekdays = _weekdays(scenario, rota.pattern)
    slots = _slots(scenario, rota.pattern, labels)
    pages = [
        _week_page(scenario, rota, labels, kinds, weekdays, slots, cycle_week)
        for cycle_week in range(max(rota.cycle_weeks, 1))
    ]
    term = scenario.term
    return _template().render(
        labels=labels,
        school=scenario.school.name,
        term_name=term.name,
        term_dates=labels.date_range(term.start, term.end),
        weekdays=weekdays,
        kinds=list(kinds.values()),
        pages=pages,
        summary_columns=_summary_columns(scenario, rota.summaries, labels),
        calendar=_calendar_rows(scenario, rota.calendar, labels),
        report=rota.report,
        terms=rota.report.terms,
        digest=rota.scenario_digest[:12],
    )


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rota_solver", "templates"),
        autoescape=True,  # the name ends in .j2, so select_autoescape would not switch it on
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template("rotation_table.html.j2")


def _kind_styles(scenario: Scenario, rota: Rota, labels: Labels) -> dict[str, KindStyle]:
    order: list[str] = []
    for kind in [r.kind for r in scenario.rules] + [p.kind for p in rota.pattern]:
        if kind not in order:
            order.append(kind)
    return {
        kind: KindStyle(
            kind=kind,
            label=labels.kind(kind),
            css_class=f"k{i}",
            tint=_TINTS[i % len(_TINTS)],
            border=_BORDERS[i % len(_BORDERS)],
        )
        for i, kind in enumerate(order)
    }


def _weekdays(scenario: Scenario, pattern: list[PatternSession]) -> list[Weekday]:
    """School weekdays, plus any other weekday the pattern uses, in calendar order."""
    used = set(scenario.term.weekdays) | {p.weekday for p in pattern}
    return [wd for wd in WEEKDAYS if wd in used]


def _slots(scenario: Scenario, pattern: list[PatternSession], labels: Labels) -> list[Slot]:
    """One row per distinct (start, end) across all weeks, so every week's page lines up."""
    windows_by_time: dict[tuple[dt.time, dt.time], list[str]] = defaultdict(list)
    for cell in pattern:
        seen = windows_by_time[(cell.start, cell.end)]
        if cell.window_id not in seen:
            seen.append(cell.window_id)
    window_order = {w.id: i for i, w in enumerate(scenario.windows)}
    slots = []
    for (start, end), window_ids in sorted(windows_by_time.items()):
        names: list[str] = []
        for window_id in sorted(window_ids, key=lambda w: (window_order.get(w, len(window_order)), w)):
            for name in _slot_names(scenario, window_id, start):
                if name not in names:
                    names.append(name)
        slots.append(
            Slot(
                start=start,
                end=end,
                names=tuple(names),
                time=f"{hhmm(start)}–{hhmm(end)}",
                key=f"{hhmm(start)}-{hhmm(end)}",
            )
        )
    return slots


def _slot_names(scenario: Scenario, window_id: str, start: dt.time) -> list[str]:
    """The window's name, and the lesson period's when the slot is one (下午, 第五节)."""
    window = next((w for w in scenario.windows if w.id == window_id), None)
    if window is None:
        return [window_id]
    names = [window.name or window.id]
    for period_id in window.periods or []:
        period = next((p for p in scenario.periods if p.id == period_id), None)
        if period is not None and period.name and period.start <= start < period.end:
            names.append(period.name)
    return names


def _week_page(
    scenario: Scenario,
    rota: Rota,
    labels: Labels,
    kinds: dict[str, KindStyle],
    weekdays: list[Weekday],
    slots: list[Slot],
    cycle_week: int,
) -> WeekPage:
    classes = {c.id: c for c in scenario.classes}
    class_order = {c.id: i for i, c in enumerate(scenario.classes)}
    rooms = {r.id: r.name or r.id for r in scenario.rooms}
    people = people_names(scenario)
    cells: dict[tuple[dt.time, dt.time, str], list[PatternSession]] = defaultdict(list)
    label = ""
    for p in rota.pattern:
        if p.cycle_week == cycle_week:
            cells[(p.start, p.end, p.weekday)].append(p)
            label = label or p.week_label
    if rota.cycle_weeks > 1 and not label:
        label = "ABCDEFGH"[cycle_week] if cycle_week < 8 else str(cycle_week + 1)
    rows = []
    for slot in slots:
        row_cells = []
        for wd in weekdays:
            here = sorted(
                cells.get((slot.start, slot.end, wd), []),
                key=lambda p: (class_order.get(p.class_id, len(class_order)), p.class_id, p.rule_id),
            )
            row_cells.append(tuple(_entry(p, classes, rooms, people, kinds, labels) for p in here))
        rows.append(Row(slot=slot, cells=tuple(row_cells)))
    return WeekPage(
        cycle_week=cycle_week,
        label=label,
        title=labels.week(label),
        weeks=_teaching_weeks(rota, labels, cycle_week),
        rows=tuple(rows),
        font_pt=_font_size(rows, len(weekdays)),
    )


def _entry(
    p: PatternSession,
    classes: dict[str, SchoolClass],
    rooms: dict[str, str],
    people: dict[str, str],
    kinds: dict[str, KindStyle],
    labels: Labels,
) -> Entry:
    school_class = classes.get(p.class_id)
    return Entry(
        class_id=p.class_id,
        class_name=school_class.label if school_class else p.class_id,
        kind=p.kind,
        kind_label=labels.kind(p.kind),
        css_class=kinds[p.kind].css_class,
        rule_id=p.rule_id,
        room=rooms.get(p.room_id, p.room_id),
        staff=labels.join([people.get(s, s) for s in p.staff_ids]),
    )


def _teaching_weeks(rota: Rota, labels: Labels, cycle_week: int) -> str:
    """Which teaching weeks a cycle week's page is for: 第1、3、5周 (empty for a one-week cycle)."""
    if rota.cycle_weeks <= 1:
        return ""
    # Teaching week 1 is week A (see term_calendar): the week number alone sets the cycle week.
    numbers = [n for n in range(1, rota.teaching_weeks + 1) if (n - 1) % rota.cycle_weeks == cycle_week]
    return labels.teaching_weeks(numbers) if numbers else ""


def _text_ems(text: str) -> float:
    """Rough printed width in ems: CJK and other wide characters 1, the rest about 0.55."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55 for ch in text)


def _font_size(rows: list[Row], columns: int) -> float:
    """Largest grid font, in half-point steps, at which the week's grid fits the page height.

    The estimate counts each entry's two lines, wrapped to the column width; printing the
    sample schools shows it errs on the safe side.
    """
    column_mm = (_GRID_WIDTH_MM - _SLOT_COLUMN_MM) / max(columns, 1) - 2.0
    size = _LARGEST_PT
    while size > _SMALLEST_PT:
        em_mm = size * _MM_PER_PT
        column_ems = column_mm / em_mm
        height_mm = _HEADER_ROW_EM * em_mm + _HEADER_ROW_MM
        for row in rows:
            slot_ems = (_SLOT_COLUMN_MM - 2.0) / em_mm
            tallest = 1.2 * sum(math.ceil(_text_ems(t) / slot_ems) for t in (*row.slot.names, row.slot.time))
            for entries in row.cells:
                cell = 0.0
                for e in entries:
                    name_lines = math.ceil(_text_ems(f"{e.class_name} {e.kind_label}") / column_ems)
                    detail_lines = math.ceil(0.8 * _text_ems(f"{e.room} · {e.staff}") / column_ems)
                    cell += _ENTRY_EM + 1.2 * (name_lines - 1) + 0.96 * (detail_lines - 1)
                tallest = max(tallest, cell)
            height_mm += tallest * em_mm + _ROW_PAD_MM
        if height_mm <= _GRID_HEIGHT_MM:
            break
        size -= 0.5
    return size


def _summary_columns(
    scenario: Scenario, summaries: list[ClassSummary], labels: Labels
) -> list[list[SummaryRow]]:
    """Summary rows by class, split into up to three side-by-side tables, never mid-class."""
    class_order = {c.id: i for i, c in enumerate(scenario.classes)}
    rule_order = {r.id: i for i, r in enumerate(scenario.rules)}
    classes = {c.id: c.label for c in scenario.classes}
    rules = {r.id: r.name or labels.kind(r.kind) for r in scenario.rules}
    by_class: dict[str, list[ClassSummary]] = defaultdict(list)
    for s in sorted(
        summaries,
        key=lambda s: (
            class_order.get(s.class_id, len(class_order)),
            s.class_id,
            rule_order.get(s.rule_id, len(rule_order)),
            s.rule_id,
        ),
    ):
        by_class[s.class_id].append(s)
    groups = [
        [
            SummaryRow(
                class_id=s.class_id,
                class_name=classes.get(s.class_id, s.class_id),
                rule_name=rules.get(s.rule_id, s.rule_id),
                required=s.required,
                planned=s.planned,
                lost=s.lost,
                first_of_class=i == 0,
                class_rows=len(group),
            )
            for i, s in enumerate(group)
        ]
        for group in by_class.values()
    ]
    # Side-by-side tables keep 24 classes with two rules each on the summary page.
    total = sum(len(g) for g in groups)
    count = min(_SUMMARY_COLUMNS, max(1, math.ceil(total / _SUMMARY_ROWS)))
    columns: list[list[SummaryRow]] = [[] for _ in range(count)]
    index = 0
    for group in groups:
        if columns[index] and len(columns[index]) + len(group) / 2 > total / count and index < count - 1:
            index += 1
        columns[index].extend(group)
    return [c for c in columns if c]


def _calendar_rows(scenario: Scenario, days: list[CalendarDay], labels: Labels) -> list[CalendarRow]:
    """Special days in date order; a holiday or closure over several school days is one row."""
    runs: list[list[CalendarDay]] = []
    for day in sorted(days, key=lambda d: (d.date, d.kind, d.name)):
        last = runs[-1][-1] if runs else None
        if (
            last is not None
            and day.kind != "makeup"
            and (day.kind, day.name) == (last.kind, last.name)
            and _only_days_off_between(scenario, last.date, day.date)
        ):
            runs[-1].append(day)
        else:
            runs.append([day])
    rows = []
    for run in runs:
        first, last = run[0], run[-1]
        name = first.name
        if first.kind == "makeup" and first.follows is not None:
            follows = labels.follows(first.follows)
            # The model puts the followed weekday in `name` when the day has no name of its own.
            name = f"{name} · {follows}" if name and name != first.follows else follows
        first_wd, last_wd = _weekday_name(first.date, labels), _weekday_name(last.date, labels)
        same = first.date == last.date
        rows.append(
            CalendarRow(
                date=labels.date_short(first.date) if same else labels.short_range(first.date, last.date),
                weekday=first_wd if same else labels.short_range_text(first_wd, last_wd),
                kind=labels.day_kind(first.kind),
                css_class=first.kind,
                name=name,
            )
        )
    return rows


def _weekday_name(day: dt.date, labels: Labels) -> str:
    return labels.weekday(WEEKDAYS[day.weekday()])


def _only_days_off_between(scenario: Scenario, first: dt.date, last: dt.date) -> bool:
    """Whether every day strictly between is an ordinary day without school (a weekend)."""
    day = first + dt.timedelta(days=1)
    while day < last:
        if WEEKDAYS[day.weekday()] in scenario.term.weekdays:
            return False
        day += dt.timedelta(days=1)
    return True
