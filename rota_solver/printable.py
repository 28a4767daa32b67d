"""The printable rota: one A4 landscape page per week of the cycle, the term month by month,
then a summary with the solve report.

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
from collections.abc import Callable
from dataclasses import dataclass

import jinja2

from .conflict import Explanation
from .labels import Labels, labels_for
from .rota import (
    ActivityEvent,
    CalendarDay,
    ClassSummary,
    DatedSession,
    LostSession,
    PatternSession,
    PenaltyTerm,
    Rota,
    StageReport,
)
from .scenario import WEEKDAYS, Scenario, SchoolClass, Weekday
from .table_csv import hhmm, local_time, people_names, teacher_group_names

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
    on_makeup_days: int
    planned: int
    lost: int
    made_up: int
    extra_returns: int
    held: int
    first_of_class: bool
    class_rows: int


@dataclass(frozen=True)
class StageRow:
    name: str
    title: str
    status: str
    status_label: str
    objective: int
    best_bound: int
    seconds: float
    proves: str


@dataclass(frozen=True)
class TermRow:
    name: str
    title: str
    description: str
    weight: int
    units: int
    cost: int


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
    report = rota.report
    return _template().render(
        labels=labels,
        school=scenario.school.name,
        term_name=term.name,
        term_dates=labels.date_range(term.start, term.end),
        weekdays=weekdays,
        kinds=list(kinds.values()),
        pages=pages,
        months=_overview(scenario, rota, labels),
        # The separator stays with its entry; a trailing space goes between the wrapping entries.
        entry_separator=labels.format("entry_separator").rstrip(),
        entry_gap=" " if labels.format("entry_separator").endswith(" ") else "",
        unmet=_unmet_lines(scenario, rota, labels),
        summary_columns=_summary_columns(scenario, rota.summaries, labels),
        report=report,
        proven="" if report.stages else labels.translate(report.proven),
        stages=[_stage_row(stage, labels) for stage in report.stages],
        terms=[_term_row(t, labels) for t in report.terms],
        digest=rota.scenario_digest[:12],
    )


def explanation_html(scenario: Scenario, explanation: Explanation) -> str:
    """A printable page saying why no rota exists: each conflict, the requirements involved with
    their figures, and the tested suggestions."""
    labels = labels_for(scenario.school.locale)
    return _template("explanation.html.j2").render(
        labels=labels, school=scenario.school.name, term_name=scenario.term.name, explanation=explanation
    )


def _stage_row(stage: StageReport, labels: Labels) -> StageRow:
    return StageRow(
        name=stage.name,
        title=labels.stage(stage.name),
        status=stage.status,
        status_label=labels.status(stage.status),
        objective=stage.objective,
        best_bound=stage.best_bound,
        seconds=stage.seconds,
        proves=labels.proof(stage.proof, stage.proves),
    )


def _term_row(term: PenaltyTerm, labels: Labels) -> TermRow:
    return TermRow(
        name=term.name,
        title=labels.penalty(term.name),
        description=labels.penalty_description(term.name, term.description),
        weight=term.weight,
        # Unmet requirements are counted one each; their penalty counts a gap's days past its limit.
        units=len(term.bearers) if term.name == "Unmet" else term.units,
        cost=term.cost,
    )


def compile_printable_template() -> None:
    """Compile the printable page's template now (about 0.1 s), so that a server process does not
    spend it on the first reader of a printable page."""
    _template()


@functools.cache
def _template(name: str = "rotation_table.html.j2") -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("rota_solver", "templates"),
        autoescape=True,  # the name ends in .j2, so select_autoescape would not switch it on
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env.get_template(name)


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
        # The period's bells of any day that hold the slot (bells may differ by day).
        period = next((p for p in scenario.periods if p.id == period_id and p.start <= start < p.end), None)
        if period is not None and period.name:
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
                on_makeup_days=s.on_makeup_days,
                planned=s.planned,
                lost=s.lost,
                made_up=s.made_up,
                extra_returns=s.extra_returns,
                held=s.held,
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


def _calendar_runs(scenario: Scenario, days: list[CalendarDay]) -> list[list[CalendarDay]]:
    """Special days in date order; a holiday or closure over several school days is one run."""
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
    return runs


def _only_days_off_between(scenario: Scenario, first: dt.date, last: dt.date) -> bool:
    """Whether every day strictly between is an ordinary day without school (a weekend)."""
    day = first + dt.timedelta(days=1)
    while day < last:
        if WEEKDAYS[day.weekday()] in scenario.term.weekdays:
            return False
        day += dt.timedelta(days=1)
    return True


# --- term overview, month by month ------------------------------------------------------------

_LIST_MAX = 4
"""An activity with more instances than this in a month, some for the same people, prints as one
line with its count and weekday pattern instead of every date."""


@dataclass(frozen=True)
class OverviewItem:
    item: str
    """What it is, for the page's CSS and tests: holiday, closure, makeup_day, stocktake, loans_due,
    activity, recurring, returns, makeup, displaced, staff_away."""
    first: dt.date
    when: str
    title: str
    note: str
    """Muted line under the title: kind, room, count."""
    lines: tuple[tuple[str, ...], ...]
    """Detail lines, each a list of entries that wrap as units."""
    ref: str = ""
    """Activity id or day kind, for tests and styling."""


@dataclass(frozen=True)
class MonthSection:
    key: str
    """``YYYY-MM``."""
    title: str
    weeks: str
    items: tuple[OverviewItem, ...]


@dataclass(frozen=True)
class UnmetLine:
    kind: str
    subject: str
    headline: str
    message: str
    why: str = ""
    """The explainer's sentence with figures, when it explained the item."""
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Names:
    """Printed names by id, and the rota's local times, for the overview's lines."""

    scenario: Scenario
    labels: Labels
    classes: dict[str, SchoolClass]
    class_order: dict[str, int]
    rules: dict[str, str]
    rule_kinds: dict[str, str]
    rooms: dict[str, str]
    people: dict[str, str]
    teachers: dict[str, str]
    windows: dict[str, str]

    @staticmethod
    def of(scenario: Scenario, labels: Labels) -> _Names:
        return _Names(
            scenario=scenario,
            labels=labels,
            classes={c.id: c for c in scenario.classes},
            class_order={c.id: i for i, c in enumerate(scenario.classes)},
            rules={r.id: r.name or labels.kind(r.kind) for r in scenario.rules},
            rule_kinds={r.id: r.kind for r in scenario.rules},
            rooms={r.id: r.name or r.id for r in scenario.rooms},
            people=people_names(scenario),
            teachers=teacher_group_names(scenario),
            windows={w.id: w.name or w.id for w in scenario.windows},
        )

    def class_name(self, class_id: str) -> str:
        found = self.classes.get(class_id)
        return found.label if found else class_id

    def class_key(self, class_id: str) -> tuple[int, str]:
        return (self.class_order.get(class_id, len(self.class_order)), class_id)

    def classes_text(self, class_ids: list[str]) -> list[str]:
        """Classes, a whole grade as 五年级 and the whole school as 全校."""
        wanted = set(class_ids)
        if wanted and wanted == set(self.classes):
            return [self.labels.heading("whole_school")]
        out: list[str] = []
        done: set[str] = set()
        for c in sorted(wanted, key=self.class_key):
            if c in done:
                continue
            school_class = self.classes.get(c)
            if school_class is not None:
                grade = [g.id for g in self.scenario.classes if g.grade == school_class.grade]
                if len(grade) > 1 and wanted >= set(grade):
                    out.append(
                        self.labels.grade(school_class.grade, self.scenario.grade_name(school_class.grade))
                    )
                    done.update(grade)
                    continue
            out.append(self.class_name(c))
            done.add(c)
        return out

    def who(self, event: ActivityEvent) -> str:
        """Who takes part in an activity; for a stocktake shift, who works it."""
        parts = self.classes_text(event.class_ids)
        helpers = set(event.helper_group_ids)
        if helpers and helpers == {g.id for g in self.scenario.helper_groups} and len(helpers) > 1:
            parts.append(self.labels.heading("all_helpers"))
        else:
            parts += [self.people.get(g, g) for g in event.helper_group_ids]
        parts += [self.teachers.get(t, t) for t in event.teacher_group_ids]
        parts += [self.people.get(p, p) for p in event.participant_staff_ids]
        if not parts:  # a stocktake shift: its workers, staff before helper groups
            staff_order = {m.id: i for i, m in enumerate(self.scenario.staff)}
            helper_order = {g.id: len(staff_order) + i for i, g in enumerate(self.scenario.helper_groups)}
            order = staff_order | helper_order
            workers = sorted(event.staff_ids, key=lambda p: (order.get(p, len(order)), p))
            parts = [self.people.get(p, p) for p in workers]
        return self.labels.join(parts)

    def local(self, moment: dt.datetime) -> str:
        return hhmm(local_time(moment, self.scenario.school.tz))


def _months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _when(labels: Labels, days: list[dt.date]) -> str:
    first, last = min(days), max(days)
    return labels.date_weekday(first) if first == last else labels.month_range(first, last)


def _overview(scenario: Scenario, rota: Rota, labels: Labels) -> list[MonthSection]:
    names = _Names.of(scenario, labels)
    pairs = _makeup_pairs(rota)
    first = min([rota.term_start, scenario.term.start])
    last = max([rota.term_end, scenario.term.end])
    sections = []
    for year, month in _months(first, last):

        def here(day: dt.date, year: int = year, month: int = month) -> bool:
            return (day.year, day.month) == (year, month)

        items = _day_items(scenario, rota, names, [d for d in rota.calendar if here(d.date)], here)
        sessions = [s for s in rota.sessions if here(s.date)]
        items += _session_items(names, sessions, pairs)
        items += _lost_items(scenario, names, [x for x in rota.lost if here(x.date)])
        items += _activity_items(
            names, [a for a in rota.activities if here(a.date) and a.activity_id != "stocktake"]
        )
        order = {"recurring": 1}
        items.sort(key=lambda i: (order.get(i.item, 0), i.first, i.item, i.ref, i.title))
        weeks = sorted({s.teaching_week for s in sessions})
        week_text = ""
        if weeks:
            key = "month_week" if weeks[0] == weeks[-1] else "month_weeks"
            week_text = labels.format(key, first=weeks[0], last=weeks[-1])
        sections.append(
            MonthSection(
                key=f"{year:04d}-{month:02d}",
                title=labels.month(month),
                weeks=week_text,
                items=tuple(items),
            )
        )
    return sections


def _day_items(
    scenario: Scenario,
    rota: Rota,
    names: _Names,
    days: list[CalendarDay],
    here: Callable[[dt.date], bool],
) -> list[OverviewItem]:
    labels = names.labels
    items = []
    runs = _calendar_runs(scenario, [d for d in days if d.kind != "stocktake"])
    # Adjacent holidays of other names (国庆节, 国庆节（补假）, 休息日) print as one row.
    merged: list[list[list[CalendarDay]]] = []
    for run in runs:
        last = merged[-1][-1] if merged else None
        if (
            last is not None
            and run[0].kind == "holiday" == last[-1].kind
            and _only_days_off_between(scenario, last[-1].date, run[0].date)
        ):
            merged[-1].append(run)
        else:
            merged.append([run])
    for group in merged:
        head = group[0][0]
        dates = [d.date for run in group for d in run]
        if head.kind == "makeup":
            follows = labels.follows(head.follows) if head.follows else ""
            own = head.name if head.name and head.name != head.follows else ""
            items.append(
                OverviewItem(
                    item="makeup_day",
                    first=head.date,
                    when=_when(labels, dates),
                    title=labels.day_kind("makeup"),
                    note=own,
                    lines=((follows,),) if follows else (),
                    ref="makeup",
                )
            )
            continue
        others = tuple(
            labels.labelled(labels.month_range(run[0].date, run[-1].date), run[0].name)
            for run in group[1:]
            if run[0].name != head.name
        )
        items.append(
            OverviewItem(
                item=head.kind,
                first=head.date,
                when=_when(labels, dates),
                title=head.name or labels.day_kind(head.kind),
                note=labels.day_kind(head.kind),
                lines=(others,) if others else (),
                ref=head.kind,
            )
        )
    stocktake_days = sorted((d for d in days if d.kind == "stocktake"), key=lambda d: d.date)
    shifts = sorted(
        (a for a in rota.activities if a.activity_id == "stocktake" and here(a.date)),
        key=lambda a: (a.date, a.start or dt.datetime.min.replace(tzinfo=dt.UTC), a.id),
    )
    st_dates = sorted({d.date for d in stocktake_days} | {a.date for a in shifts})
    if st_dates:
        # Each shift window's times once, in the note; then who works which shift, day by day.
        window_times: dict[str, set[str]] = defaultdict(set)
        for a in shifts:
            window_times[names.windows.get(a.window_id or "", a.window_id or "")].add(_event_time(names, a))
        same_times = all(len(t) == 1 for t in window_times.values())
        note = labels.heading("stocktake_shifts") if shifts else ""
        if shifts and same_times:
            note = labels.labelled(
                note, labels.join([f"{w} {next(iter(t))}" for w, t in window_times.items()])
            )
        lines = []
        for day in st_dates:
            entries = []
            for a in shifts:
                if a.date == day:
                    window = names.windows.get(a.window_id or "", a.window_id or "")
                    when = window if same_times else f"{window} {_event_time(names, a)}"
                    entries.append(f"{when} {names.who(a)}".strip())
            if entries:
                # One entry per day, wrapping as text: the helper groups' names are long.
                text = labels.format("entry_separator").join(entries)
                lines.append((labels.labelled(labels.date_short(day), text),))
        name = next((d.name for d in stocktake_days if d.name), labels.day_kind("stocktake"))
        items.append(
            OverviewItem(
                item="stocktake",
                first=st_dates[0],
                when=_when(labels, st_dates),
                title=name,
                note=note,
                lines=tuple(lines),
                ref="stocktake",
            )
        )
    stocktake = scenario.stocktake
    if stocktake is not None and here(stocktake.loans_due):
        items.append(
            OverviewItem(
                item="loans_due",
                first=stocktake.loans_due,
                when=labels.date_weekday(stocktake.loans_due),
                title=labels.heading("loans_due"),
                note="",
                lines=((labels.heading("loans_due_note"),),),
                ref="loans_due",
            )
        )
    return items


def _event_time(names: _Names, event: ActivityEvent) -> str:
    if event.all_day or event.start is None or event.end is None:
        return names.labels.heading("all_day")
    return names.labels.time_range(names.local(event.start), names.local(event.end))


def _session_entry(
    names: _Names, s: DatedSession, extra: str = "", *, with_kind: bool = True
) -> tuple[tuple[int, str], dt.date, str]:
    """``一年级1班借阅 9月28日 11:30（补10月1日）``, for lists sorted by class then date."""
    labels = names.labels
    text = names.class_name(s.class_id)
    if with_kind:
        text += ("" if labels.locale == "zh-CN" else " ") + labels.kind(s.kind)
    text += f" {labels.date_short(s.date)} {names.local(s.start)}"
    if extra:
        text += labels.format("in_brackets", text=extra)
    return (names.class_key(s.class_id), s.date, text)


def _session_items(
    names: _Names, sessions: list[DatedSession], pairs: dict[str, dt.date]
) -> list[OverviewItem]:
    labels = names.labels
    items = []
    for origin, title in (("makeup", "makeup_sessions"), ("returns", "returns_sessions")):
        chosen = [s for s in sessions if s.origin == origin]
        if not chosen:
            continue
        entries = []
        for s in chosen:
            lost = pairs.get(s.id)
            extra = labels.format("for_lost", date=labels.date_short(lost)) if lost else ""
            # A returns row says 还书 once; a make-up names its kind when the school has several.
            with_kind = origin == "makeup" and len(set(names.rule_kinds.values())) > 1
            entries.append(_session_entry(names, s, extra, with_kind=with_kind))
        entries.sort()
        rooms = sorted({names.rooms.get(s.room_id, s.room_id) for s in chosen})
        items.append(
            OverviewItem(
                item=origin,
                first=min(s.date for s in chosen),
                when=_when(labels, [s.date for s in chosen]),
                title=labels.heading(title),
                note=labels.join(rooms),
                lines=(tuple(e[2] for e in entries),),
                ref=origin,
            )
        )
    return items


def _lost_items(scenario: Scenario, names: _Names, lost: list[LostSession]) -> list[OverviewItem]:
    labels = names.labels
    items = []
    for cause, title in (
        ("activity", "displaced"),
        ("staff_away", "staff_away"),
        ("room_closed", "room_closed"),
    ):
        chosen = [x for x in lost if x.cause == cause]
        if not chosen:
            continue
        entries = []
        for x in chosen:
            reason = x.reason
            if cause == "staff_away":
                away = [m.name or m.id for m in scenario.staff if x.date in m.days_off]
                reason = labels.format("away", names=labels.join(away)) if away else x.reason
            kind = labels.kind(names.rule_kinds.get(x.rule_id, x.rule_id))
            space = "" if labels.locale == "zh-CN" else " "
            text = f"{names.class_name(x.class_id)}{space}{kind} {labels.date_short(x.date)} {hhmm(x.start)}"
            entries.append(
                (names.class_key(x.class_id), x.date, text + labels.format("in_brackets", text=reason))
            )
        entries.sort()
        items.append(
            OverviewItem(
                item="displaced" if cause == "activity" else cause,
                first=min(x.date for x in chosen),
                when=_when(labels, [x.date for x in chosen]),
                title=labels.heading(title),
                note="",
                lines=(tuple(e[2] for e in entries),),
                ref=cause,
            )
        )
    return items


def _activity_items(names: _Names, events: list[ActivityEvent]) -> list[OverviewItem]:
    labels = names.labels
    by_activity: dict[str, list[ActivityEvent]] = defaultdict(list)
    for e in events:
        by_activity[e.activity_id].append(e)
    items = []
    for activity_id, group in sorted(by_activity.items()):
        group.sort(key=lambda e: (e.date, e.all_day is False, _event_time(names, e), e.id))
        head = group[0]
        whos = [names.who(e) for e in group]
        distinct = list(dict.fromkeys(whos))
        rooms = list(dict.fromkeys(names.rooms.get(e.room_id, e.room_id) for e in group if e.room_id))
        title = head.name or labels.kind(head.kind)
        note = [k for k in [labels.kind(head.kind)] if k != title] + rooms
        recurring = len(group) > _LIST_MAX and len(distinct) < len(group)
        lines: list[tuple[str, ...]]
        if recurring:
            note.append(labels.format("count", count=len(group)))
            patterns = []
            for who in distinct:
                days = [WEEKDAYS[e.date.weekday()] for e, w in zip(group, whos, strict=True) if w == who]
                pattern = labels.join(
                    [
                        labels.format("times_on", weekday=labels.weekday(wd), count=days.count(wd))
                        for wd in WEEKDAYS
                        if wd in days
                    ]
                )
                patterns.append(labels.labelled(who, pattern))
            lines = [tuple(patterns)]
        elif len(distinct) == 1:
            times = [f"{labels.date_short(e.date)} {_event_time(names, e)}" for e in group]
            lines = [(distinct[0],), tuple(times)] if distinct[0] else [tuple(times)]
        else:
            entries = sorted(
                (
                    _who_key(names, e),
                    e.date,
                    _event_time(names, e),
                    f"{w} {labels.date_short(e.date)} {_event_time(names, e)}",
                )
                for e, w in zip(group, whos, strict=True)
            )
            lines = [tuple(x[3] for x in entries)]
        items.append(
            OverviewItem(
                item="recurring" if recurring else "activity",
                first=head.date,
                when=_when(labels, [e.date for e in group]),
                title=title,
                note=" · ".join(note),
                lines=tuple(lines),
                ref=activity_id,
            )
        )
    return items


def _who_key(names: _Names, event: ActivityEvent) -> tuple[int, str]:
    """Per-class activities list in class order, others in date order."""
    if event.class_ids:
        return names.class_key(event.class_ids[0])
    return (len(names.class_order), "")


def _makeup_pairs(rota: Rota) -> dict[str, dt.date]:
    """For each make-up session, the lost session of its class and rule it most likely replaces.

    The rota does not link them, so each make-up (in date order) takes the nearest lost date of
    the same class and rule within four weeks, ties to the earlier, each lost date once.
    """
    lost: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for x in sorted(rota.lost, key=lambda x: (x.date, x.start)):
        if x.cause not in ("outside_term", "stocktake"):
            lost[(x.class_id, x.rule_id)].append(x.date)
    pairs: dict[str, dt.date] = {}
    for s in sorted(rota.sessions, key=lambda s: (s.date, s.start, s.id)):
        if s.origin != "makeup":
            continue
        candidates = lost.get((s.class_id, s.rule_id), [])
        near = [d for d in candidates if abs((d - s.date).days) <= 28]
        if near:
            best = min(near, key=lambda d: (abs((d - s.date).days), d))
            candidates.remove(best)
            pairs[s.id] = best
    return pairs


def _unmet_lines(scenario: Scenario, rota: Rota, labels: Labels) -> list[UnmetLine]:
    names = _Names.of(scenario, labels)
    activities = {a.id: a.name or a.id for a in scenario.activities}
    out = []
    kinds = {"gap": 0, "returns": 1, "activity": 2, "stocktake_shift": 3}
    for u in sorted(rota.unmet, key=lambda u: (kinds.get(u.kind, len(kinds)), u.subject, u.message)):
        parts = u.subject.replace("/", ".").split(".")
        what = labels.heading(f"unmet_{u.kind}")
        if u.kind == "gap" and len(parts) >= 2:
            subject = f"{names.class_name(parts[0])} {names.rules.get(parts[1], parts[1])}"
        elif u.kind == "returns" and len(parts) >= 2:
            subject = names.class_name(parts[1])
        elif u.kind == "stocktake_shift" and len(parts) >= 3:
            try:
                day = labels.date_short(dt.date.fromisoformat(parts[1]))
            except ValueError:
                day = parts[1]
            shifts = scenario.stocktake.shifts if scenario.stocktake else []
            index = int(parts[2]) - 1 if parts[2].isdigit() else -1
            window = shifts[index].window if 0 <= index < len(shifts) else ""
            subject = f"{day} {names.windows.get(window, window)}".strip()
        elif u.kind == "activity":
            who = [
                names.class_name(p) if p in names.classes else names.teachers.get(p, names.people.get(p, ""))
                for p in parts[2:]
            ]
            subject = activities.get(parts[0], u.subject)
            if any(who):
                subject += labels.format("in_brackets", text=labels.join([w for w in who if w]))
        else:
            subject = u.subject
        why = u.explanation.text if u.explanation is not None else ""
        fixes = tuple(x.text for x in u.explanation.suggestions) if u.explanation is not None else ()
        out.append(
            UnmetLine(
                kind=u.kind,
                subject=u.subject,
                headline=labels.labelled(subject, what),
                message=u.message,
                why=why,
                suggestions=fixes,
            )
        )
    return out
