"""FET's CSV export of a timetable (``fet-cl --exportcsv=true`` writes ``<name>_timetable.csv``): one
row per activity and hour, with "Day", "Hour", "Students Sets" (``+`` between sets), "Subject" and
"Teachers". With the export's ``<name>_students.csv`` beside it, years, groups and subgroups are
known as in the XML; without it, every students set named is a class."""

from __future__ import annotations

import csv
import io
import re

from ..scenario import WEEKDAYS
from .fet import ClassLevel, Placement, StudentSet, add_set, assign
from .model import ImportProblem, Timetable
from .names import bells_from_names, days_from_names, weekday_of

_COLUMNS = ("Day", "Hour", "Students Sets", "Subject", "Teachers")


def decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportProblem(source, f"line {line}", "expected UTF-8 text") from None


def _natural(text: str) -> tuple[object, ...]:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text))


def _hour_key(name: str) -> tuple[int, tuple[object, ...]]:
    """Hours in the order of their times (``08:10``), else of their numbers (``P2`` before ``P10``)."""
    match = re.search(r"(\d{1,2})[:.](\d\d)", name)
    return (int(match.group(1)) * 60 + int(match.group(2)) if match else 24 * 60, _natural(name))


def read_fet_csv(
    data: bytes, source: str, *, students_csv: bytes | None = None, class_level: ClassLevel | None = None
) -> Timetable:
    rows = list(csv.reader(io.StringIO(decode(data, source))))
    if not rows:
        raise ImportProblem(source, "line 1", "expected FET's timetable CSV header, found an empty file")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in _COLUMNS if c not in header]
    if missing:
        raise ImportProblem(
            source, "line 1", f"expected FET's timetable CSV columns {list(_COLUMNS)}; missing {missing}"
        )
    col = {name: header.index(name) for name in _COLUMNS}
    table = Timetable(source=source)
    records = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise ImportProblem(source, f"line {n}", f"expected {len(header)} columns, found {len(row)}")
        records.append((n, {name: row[i].strip() for name, i in col.items()}))
    day_names = sorted(
        {r["Day"] for _, r in records}, key=lambda d: (WEEKDAYS.index(weekday_of(d) or "sun"), _natural(d))
    )
    if not all(weekday_of(d) for d in day_names):
        day_names = sorted({r["Day"] for _, r in records}, key=_natural)
    hour_names = sorted({r["Hour"] for _, r in records}, key=_hour_key)
    table.days, how = days_from_names(day_names, source, "column Day")
    table.bells = bells_from_names(hour_names)
    table.read.append(f"days: {', '.join(day_names)} ({how}); periods: {len(hour_names)} (column Hour)")
    sets: dict[str, StudentSet] = {}
    if students_csv is not None:
        _read_students(students_csv, source, sets)
    days = {d.name: i for i, d in enumerate(table.days)}
    hours = {b.name: i for i, b in enumerate(table.bells)}
    placements = []
    for n, r in records:
        students = tuple(s.strip() for s in r["Students Sets"].split("+") if s.strip())
        if not students:
            table.skip(f"line {n}", f"{r['Subject'] or 'a lesson'} has no students")
            continue
        for name in students:
            if students_csv is None and name not in sets:
                add_set(sets, name, "group", "0", n, None)
        teachers = tuple(t for t in r["Teachers"].split("+") if t)
        placements.append(
            Placement(students, r["Subject"], teachers, days[r["Day"]], hours[r["Hour"]], 1, f"line {n}")
        )
    assign(table, sets, placements, class_level or ("group" if students_csv is None else None))
    table.read.append(f"lessons: {len(records)} rows, {len(table.lessons)} class periods")
    return table


def _read_students(data: bytes, source: str, sets: dict[str, StudentSet]) -> None:
    rows = list(csv.reader(io.StringIO(decode(data, source))))
    for n, row in enumerate(rows[1:], start=2):
        if len(row) < 6:
            raise ImportProblem(
                f"{source} (students)", f"line {n}", "expected Year, count, Group, count, Subgroup, count"
            )
        year, year_size, group, group_size, subgroup, subgroup_size = (c.strip() for c in row[:6])
        if year and year not in sets:
            add_set(sets, year, "year", year_size, n, None)
        if (group and group not in sets) or group:
            add_set(sets, group, "group", group_size, n, year)
        if subgroup:
            add_set(sets, subgroup, "subgroup", subgroup_size, n, group)
