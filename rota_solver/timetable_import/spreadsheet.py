"""A timetable kept in a spreadsheet (XLSX, or CSV), in one of two layouts:

- ``long``: a table with a row per lesson and columns for class, day, period and subject (teacher,
  start, end and week optional);
- ``grid``: a block per class, days across and periods down (the period's name, with its times
  if you have them, in the first column), the class's name on its own in a row above the block, or
  the sheet's name when a sheet holds one class.

The layout and the columns' headings are found by themselves (English, German, French, Spanish and
Chinese headings); a small mapping file says them where the file uses other words::

    layout: long
    sheet: Timetable
    columns: {class: Form, day: Weekday, period: Lesson, subject: Course, teacher: Staff}
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..scenario import WEEKDAYS, Weekday
from .fet_csv import decode
from .model import Day, ImportedClass, ImportProblem, Lesson, Timetable
from .names import bells_from_names, weekday_of

Layout = Literal["long", "grid"]
FIELDS = ("class", "day", "period", "subject", "teacher", "start", "end", "week")
_HEADINGS: dict[str, tuple[str, ...]] = {
    "class": ("class", "form", "klasse", "classe", "clase", "curso", "班级", "班"),
    "day": ("day", "weekday", "tag", "wochentag", "jour", "dia", "día", "星期", "周次", "日"),
    "period": ("period", "lesson", "hour", "slot", "stunde", "heure", "periodo", "período", "节次", "节"),
    "subject": ("subject", "fach", "matiere", "matière", "asignatura", "materia", "科目", "课程", "学科"),
    "teacher": ("teacher", "lehrer", "lehrkraft", "enseignant", "profesor", "教师", "老师", "任课教师"),
    "start": ("start", "from", "begin", "beginn", "debut", "inicio", "开始"),
    "end": ("end", "to", "until", "ende", "fin", "结束"),
    "week": ("week", "woche", "semaine", "semana", "单双周", "周"),
}


@dataclass(frozen=True)
class SheetMapping:
    """What the columns of a spreadsheet mean; every field is optional."""

    layout: Layout | None = None
    sheet: str | None = None
    header_row: int | None = None
    columns: Mapping[str, str] = field(default_factory=dict)
    class_pattern: str | None = None
    """Grid layout: a regular expression a class's title cell matches (its first group: the name)."""

    @staticmethod
    def from_data(data: Any, source: str) -> SheetMapping:
        if not isinstance(data, dict):
            raise ImportProblem(source, "", "expected a mapping with layout, sheet, columns")
        unknown = set(data) - {"layout", "sheet", "header_row", "columns", "class_pattern"}
        if unknown:
            raise ImportProblem(source, "", f"unknown keys {sorted(unknown)}")
        layout = data.get("layout")
        if layout not in (None, "long", "grid"):
            raise ImportProblem(source, "layout", f"expected long or grid, found {layout!r}")
        columns = data.get("columns") or {}
        if not isinstance(columns, dict) or set(columns) - set(FIELDS):
            raise ImportProblem(source, "columns", f"expected a mapping of {list(FIELDS)} to headings")
        header_row = data.get("header_row")
        if header_row is not None and not (isinstance(header_row, int) and header_row >= 1):
            raise ImportProblem(source, "header_row", "expected a row number from 1")
        return SheetMapping(
            layout=layout,
            sheet=None if data.get("sheet") is None else str(data["sheet"]),
            header_row=header_row,
            columns={str(k): str(v) for k, v in columns.items()},
            class_pattern=data.get("class_pattern"),
        )


Sheet = tuple[str, list[list[str]]]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}" if value.date() == dt.date(1899, 12, 30) else str(value)
    if isinstance(value, dt.time):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheets_of_xlsx(data: bytes, source: str) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportProblem(source, "", f"expected an XLSX workbook ({type(exc).__name__})") from None
    try:
        return [
            (ws.title, [[_cell(v) for v in row] for row in ws.iter_rows(values_only=True)])
            for ws in book.worksheets
        ]
    finally:
        book.close()


def sheets_of_csv(data: bytes, source: str) -> list[Sheet]:
    text = decode(data, source)
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    return [(source, [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)])]


def read_spreadsheet(sheets: list[Sheet], source: str, mapping: SheetMapping | None = None) -> Timetable:
    mapping = mapping or SheetMapping()
    if mapping.sheet is not None:
        sheets = [s for s in sheets if s[0] == mapping.sheet]
        if not sheets:
            raise ImportProblem(
                source, f"sheet {mapping.sheet!r}", "expected this sheet (the mapping names it)"
            )
    table = Timetable(source=source)
    first = next(((name, rows) for name, rows in sheets if any(any(r) for r in rows)), None)
    if first is None:
        raise ImportProblem(source, "", "expected a timetable, found empty sheets")
    layout = mapping.layout
    header: tuple[int, dict[str, int]] | None = None
    if layout != "grid":
        header = _long_header(first[1], mapping)
        if header is None and layout == "long":
            where = f"sheet {first[0]!r} row {mapping.header_row or 1}"
            raise ImportProblem(source, where, "expected headings for class, day, period and subject")
    if header is not None:
        _read_long(table, first, header)
    else:
        _read_grid(table, sheets, mapping)
    return table


def _match(heading: str, field_name: str, mapping: SheetMapping) -> bool:
    text = heading.strip().casefold()
    if field_name in mapping.columns:
        return text == mapping.columns[field_name].strip().casefold()
    return text in _HEADINGS[field_name]


def _long_header(rows: list[list[str]], mapping: SheetMapping) -> tuple[int, dict[str, int]] | None:
    candidates = [mapping.header_row - 1] if mapping.header_row else range(min(len(rows), 10))
    for r in candidates:
        if r >= len(rows):
            continue
        found: dict[str, int] = {}
        for i, heading in enumerate(rows[r]):
            for name in FIELDS:
                if name not in found and _match(heading, name, mapping):
                    found[name] = i
                    break
        if {"class", "day", "period", "subject"} <= set(found):
            return r, found
    return None


def _week(text: str) -> int | None:
    low = text.strip().casefold()
    if low in ("", "ab", "a/b", "all", "every", "both", "每周"):
        return None
    if low in ("a", "1", "week a", "week 1", "odd", "单", "单周"):
        return 1
    if low in ("b", "2", "week b", "week 2", "even", "双", "双周"):
        return 2
    return -1


def _day(text: str) -> Weekday | None:
    wd = weekday_of(text)
    if wd is None and text.strip().isdigit() and 1 <= int(text) <= 7:
        wd = WEEKDAYS[int(text) - 1]
    return wd


def _read_long(table: Timetable, sheet: Sheet, header: tuple[int, dict[str, int]]) -> None:
    name, rows = sheet
    header_row, col = header
    records = []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]

        def get(field_name: str, row: list[str] = row) -> str:
            i = col.get(field_name)
            return row[i] if i is not None and i < len(row) else ""

        if not any(row):
            continue
        where = f"sheet {name!r}"
        for needed in ("class", "day", "period"):
            if not get(needed):
                cell = f"{_column(col[needed])}{r + 1}"
                raise ImportProblem(table.source, f"{where} cell {cell}", f"expected the lesson's {needed}")
        weekday = _day(get("day"))
        if weekday is None:
            cell = f"{_column(col['day'])}{r + 1}"
            raise ImportProblem(
                table.source, f"{where} cell {cell}", f"expected a weekday, found {get('day')!r}"
            )
        week = _week(get("week"))
        if week == -1:
            cell = f"{_column(col['week'])}{r + 1}"
            raise ImportProblem(
                table.source, f"{where} cell {cell}", f"expected week A or B (1 or 2), found {get('week')!r}"
            )
        if not get("subject"):
            table.skip(f"{where} row {r + 1}", "no subject: the class is free then, skipped")
            continue
        period = get("period")
        if get("start") and get("end"):
            period = (
                f"{period} {get('start')}-{get('end')}" if not re.search(r"\d[:.]\d\d", period) else period
            )
        records.append((get("class"), weekday, week, period, get("subject"), get("teacher")))
    two_weeks = any(r[2] is not None for r in records)
    weekdays = [wd for wd in WEEKDAYS if any(r[1] == wd for r in records)]
    weeks = (1, 2) if two_weeks else (1,)
    table.days = [
        Day(f"{wd}{'' if not two_weeks else ' ' + 'AB'[w - 1]}", wd, w) for w in weeks for wd in weekdays
    ]
    day_index = {(d.weekday, d.week): i for i, d in enumerate(table.days)}
    labels = sorted({r[3] for r in records}, key=_label_key)
    table.bells = bells_from_names(labels)
    period_index = {label: i for i, label in enumerate(labels)}
    classes: list[str] = list(dict.fromkeys(r[0] for r in records))
    table.classes = [ImportedClass(c) for c in classes]
    for class_name, weekday, week, period, subject, teacher in records:
        for w in weeks if week is None else (week,):
            table.lessons.append(
                Lesson(class_name, day_index[(weekday, w)], period_index[period], subject, teacher)
            )
    table.read.append(
        f"sheet {name!r}: a long table, headings in row {header_row + 1}; {len(records)} lessons, "
        f"{len(classes)} classes, {len(labels)} periods"
    )
    _note_assumed(table)


def _label_key(label: str) -> tuple[int, tuple[object, ...]]:
    match = re.search(r"(\d{1,2})[:.](\d\d)", label)
    minutes = int(match.group(1)) * 60 + int(match.group(2)) if match else 24 * 60
    return minutes, tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", label))


def _note_assumed(table: Timetable) -> None:
    assumed = [b.name for b in table.bells if b.assumed]
    if assumed:
        table.skip(
            "periods",
            f"{', '.join(assumed)} give no times: 45 minutes each from 08:00 assumed; edit `periods`",
        )


def _read_grid(table: Timetable, sheets: list[Sheet], mapping: SheetMapping) -> None:
    pattern = re.compile(mapping.class_pattern) if mapping.class_pattern else None
    labels: list[str] = []
    cells: list[
        tuple[str, Weekday, int, str, str]
    ] = []  # class, weekday, period label index, subject, teacher
    blocks = 0
    for name, rows in sheets:
        title = ""
        r = 0
        sheet_blocks = 0
        while r < len(rows):
            row = rows[r]
            filled = [(i, c) for i, c in enumerate(row) if c]
            days = {i: wd for i, c in filled if (wd := _day(c)) is not None}
            if len(days) >= 2:
                class_name = title or name
                if pattern is not None and title:
                    match = pattern.search(title)
                    class_name = (match.group(1) if match and match.groups() else title) if match else name
                r += 1
                while r < len(rows) and any(rows[r]):
                    line = rows[r]
                    label = line[0] if line else ""
                    if not label:
                        table.skip(f"sheet {name!r} cell A{r + 1}", "a row with no period name, skipped")
                        r += 1
                        continue
                    if label not in labels:
                        labels.append(label)
                    for i, weekday in days.items():
                        text = line[i] if i < len(line) else ""
                        if text:
                            subject, _, teacher = text.partition("\n")
                            cells.append(
                                (
                                    class_name,
                                    weekday,
                                    labels.index(label),
                                    subject.strip(),
                                    teacher.strip(),
                                )
                            )
                    r += 1
                blocks += 1
                sheet_blocks += 1
                title = ""
                continue
            if len(filled) == 1 and (pattern is None or pattern.search(filled[0][1])):
                title = filled[0][1]
            elif filled:
                title = ""
            r += 1
    if not blocks:
        raise ImportProblem(
            table.source,
            f"sheet {sheets[0][0]!r}",
            "expected a long table (headings class, day, period, subject) or a grid (weekdays across a row)",
        )
    weekdays: list[Weekday] = [wd for wd in WEEKDAYS if any(c[1] == wd for c in cells)] or ["mon"]
    table.days = [Day(wd, wd) for wd in weekdays]
    day_index = {d.weekday: i for i, d in enumerate(table.days)}
    order = sorted(range(len(labels)), key=lambda i: _label_key(labels[i]))
    table.bells = bells_from_names([labels[i] for i in order])
    position = {old: new for new, old in enumerate(order)}
    classes = list(dict.fromkeys(c[0] for c in cells))
    table.classes = [ImportedClass(c) for c in classes]
    for class_name, weekday, label_index, subject, teacher in cells:
        table.lessons.append(Lesson(class_name, day_index[weekday], position[label_index], subject, teacher))
    table.read.append(
        f"a grid: {blocks} blocks, {len(classes)} classes, {len(labels)} periods, {len(cells)} lessons"
    )
    _note_assumed(table)
