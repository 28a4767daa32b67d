"""Turn an imported timetable into scenario data: a new scenario (with a template of the library's
own part for the librarian to finish), or the next version of an existing one, which keeps
everything it had and gains the classes, grades, periods and busy lessons it lacked."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import yaml

from ..errors import InvalidScenario
from ..loading import parse_scenario
from ..scenario import WEEKDAYS, BusyPeriod, Scenario
from .model import Bell, ImportProblem, Timetable
from .names import class_ids, infer_grade

_HAS_WEEKS = "weeks" in BusyPeriod.model_fields
_HAS_GROUP = "group" in BusyPeriod.model_fields
_GRADE_WORD = re.compile(r"^(year|grade|klasse|std|standard|form|class)\s*\.?\s*(\d{1,2})(?!\d)", re.I)


@dataclass(frozen=True)
class ImportOptions:
    grade_pattern: str | None = None
    """A regular expression whose first group is the grade in a class name (digits, 三, IV...)."""
    grades: dict[str, int] = field(default_factory=dict)
    """Grades by class name (or id), over what the names say."""
    school_name: str | None = None
    timezone: str = "UTC"
    locale: str | None = None
    term_start: dt.date | None = None
    term_end: dt.date | None = None


@dataclass
class ImportResult:
    text: str
    """The scenario YAML, validated."""
    scenario: Scenario
    read: list[str]
    skipped: list[str]
    added_classes: int = 0
    added_lessons: int = 0


def build_scenario(
    table: Timetable, options: ImportOptions | None = None, existing: str | None = None
) -> ImportResult:
    """The scenario text for ``table``: new, or ``existing`` (scenario YAML) with the timetable merged in.
    Raises :class:`ImportProblem` when the result would not be a valid scenario."""
    options = options or ImportOptions()
    skipped = [n.line() for n in table.skipped]
    read = list(table.read)
    base: Scenario | None = None
    if existing is not None:
        try:
            base = parse_scenario(existing, source="existing scenario")
        except InvalidScenario as exc:
            raise ImportProblem("existing scenario", "", f"expected a valid scenario: {exc}") from None
    grades = _grades(table, options, skipped)
    ids = class_ids([c.name for c in table.classes], grades)
    data = _dump(base) if base is not None else _template(table, options, grades)
    period_ids = _merge_periods(data, table.bells)
    added_classes, added_lessons = _merge_classes(data, table, ids, grades, period_ids, base, skipped)
    _merge_grade_names(data, table, grades)
    text = _yaml(data, template=base is None)
    try:
        scenario = parse_scenario(text, source=table.source)
    except InvalidScenario as exc:
        raise ImportProblem(table.source, "", f"the imported scenario is not valid: {exc}") from None
    read.append(f"scenario: {added_classes} new classes, {added_lessons} new busy lessons")
    return ImportResult(text, scenario, read, skipped, added_classes, added_lessons)


def _grades(table: Timetable, options: ImportOptions, skipped: list[str]) -> list[int]:
    pattern = re.compile(options.grade_pattern) if options.grade_pattern else None
    out = []
    for c in table.classes:
        grade = options.grades.get(c.name)
        if grade is None:
            grade = c.grade
        if grade is None:
            grade = infer_grade(c.name, pattern)
        if grade is None and c.parent:
            grade = infer_grade(c.parent, pattern)
        if grade is None:
            skipped.append(
                f"class {c.name!r}: its name gives no grade; put in grade 1 (use --grade-pattern or --grades)"
            )
            grade = 1
        out.append(grade)
    return out


def _dump(scenario: Scenario) -> dict[str, Any]:
    data = scenario.model_dump(mode="json", exclude_defaults=True)
    return _short_times(data)  # type: ignore[no-any-return]


def _short_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _short_times(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_short_times(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d\d:\d\d:00", value):
        return value[:5]
    return value


def _hhmm(t: dt.time) -> str:
    return f"{t.hour:02d}:{t.minute:02d}"


def _template(table: Timetable, options: ImportOptions, grades: list[int]) -> dict[str, Any]:
    today = dt.date.today()
    start = options.term_start or dt.date(today.year if today.month < 8 else today.year + 1, 9, 1)
    end = options.term_end or max(start + dt.timedelta(days=100), start)
    weekdays = [wd for wd in WEEKDAYS if any(d.weekday == wd for d in table.days)]
    locale = options.locale or (
        "zh-CN" if any(re.search(r"[\u4e00-\u9fff]", c.name) for c in table.classes) else "en"
    )
    first = min((b.start for b in table.bells), default=dt.time(8, 0))
    last = max((b.end for b in table.bells), default=dt.time(16, 0))
    window = _library_window(table.bells)
    day_start = min(first, window[0], dt.time(7, 0))
    day_end = max(last, window[1], dt.time(18, 30))
    per_day = max(1, len(weekdays))
    at_once = min(200, max(1, math.ceil(len(table.classes) / (per_day * table.weeks))))
    sizes = [c.size for c in table.classes if c.size]
    seats = min(10_000, at_once * max(sizes or [30]))
    return {
        "school": {
            "name": options.school_name or table.school_name or "My school",
            "timezone": options.timezone,
            "locale": locale,
            "day_start": _hhmm(day_start),
            "day_end": _hhmm(day_end),
        },
        "term": {"name": "", "start": start, "end": end, "weekdays": weekdays},
        "periods": [],
        "windows": [
            {"id": "library_time", "name": "Library time", "start": _hhmm(window[0]), "end": _hhmm(window[1])}
        ],
        "rooms": [{"id": "library", "name": "Library", "seats": seats, "classes_at_once": at_once}],
        "rules": [
            {
                "id": "borrowing",
                "name": "Borrowing",
                "kind": "borrowing",
                "grades": sorted(set(grades)),
                "room": "library",
                "frequency": {"every_weeks": 2} if table.weeks == 2 else {"per_week": 1},
                "duration_minutes": min(20, _minutes(window[1]) - _minutes(window[0])),
                "windows": ["library_time"],
            }
        ],
        "classes": [],
    }


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _library_window(bells: list[Bell]) -> tuple[dt.time, dt.time]:
    """A time no lesson takes: the longest break of 25 minutes or more around midday, else the half
    hour after the last lesson."""
    ordered = sorted(bells, key=lambda b: b.start)
    best: tuple[int, dt.time, dt.time] | None = None
    for a, b in pairwise(ordered):
        gap = _minutes(b.start) - _minutes(a.end)
        if gap >= 25 and 11 * 60 <= _minutes(a.end) <= 14 * 60 + 30 and (best is None or gap > best[0]):
            best = (gap, a.end, b.start)
    if best is not None:
        return best[1], best[2]
    last = max((_minutes(b.end) for b in bells), default=15 * 60)
    last = min(last + 5, 23 * 60 + 20)
    return dt.time(last // 60, last % 60), dt.time((last + 30) // 60, (last + 30) % 60)


def _merge_periods(data: dict[str, Any], bells: list[Bell]) -> list[str]:
    """The period id of each bell: an existing period with its times, else a new one."""
    periods: list[dict[str, Any]] = data.setdefault("periods", [])
    by_time = {(p["start"], p["end"]): p["id"] for p in periods}
    used = {p["id"] for p in periods}
    out = []
    for i, bell in enumerate(bells):
        key = (_hhmm(bell.start), _hhmm(bell.end))
        if key not in by_time:
            new_id, n = f"p{i + 1}", 2
            while new_id in used:
                new_id, n = f"p{i + 1}-{n}", n + 1
            used.add(new_id)
            periods.append({"id": new_id, "name": bell.name, "start": key[0], "end": key[1]})
            by_time[key] = new_id
        out.append(by_time[key])
    school = data["school"]
    first = min((p["start"] for p in periods), default=None)
    last = max((p["end"] for p in periods), default=None)
    if first is not None and first < school.get("day_start", "07:00"):
        school["day_start"] = first
    if last is not None and last > school.get("day_end", "18:30"):
        school["day_end"] = last
    return out


def _merge_classes(
    data: dict[str, Any],
    table: Timetable,
    ids: list[str],
    grades: list[int],
    period_ids: list[str],
    base: Scenario | None,
    skipped: list[str],
) -> tuple[int, int]:
    classes: list[dict[str, Any]] = data.setdefault("classes", [])
    by_key: dict[str, dict[str, Any]] = {}
    for c in classes:
        by_key.setdefault(c["id"], c)
        if c.get("name"):
            by_key.setdefault(c["name"], c)
    cycle = base.cycle_weeks if base is not None else table.weeks
    weekdays = set(data["term"].get("weekdays", ["mon", "tue", "wed", "thu", "fri"]))
    lessons_of: dict[str, dict[tuple[int, int], list[tuple[str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for lesson in table.lessons:
        lessons_of[lesson.class_name][(lesson.day, lesson.period)].append((lesson.subject, lesson.group))
    added_classes = added_lessons = 0
    folded = 0
    for imported, class_id, grade in zip(table.classes, ids, grades, strict=True):
        entry = by_key.get(imported.name) or by_key.get(class_id)
        if entry is None:
            entry = {"id": class_id, "name": imported.name, "grade": grade}
            entry["size"] = imported.size or 30  # the library's rooms count seats
            if not imported.size:
                skipped.append(f"class {imported.name!r}: no size given; 30 pupils assumed, edit `size`")
            classes.append(entry)
            by_key[class_id] = entry
            added_classes += 1
        busy: list[dict[str, Any]] = entry.setdefault("busy", [])
        have = {(b["day"], b.get("period"), str(b.get("weeks"))) for b in busy}
        # One entry per weekday and period; a two-week timetable's weeks as A and B.
        slots: dict[tuple[str, int], dict[int, list[tuple[str, str]]]] = defaultdict(dict)
        for (day_index, period), what in lessons_of.get(imported.name, {}).items():
            day = table.days[day_index]
            slots[(day.weekday, period)][day.week] = what
        for (weekday, period), by_week in sorted(
            slots.items(), key=lambda item: (WEEKDAYS.index(item[0][0]), item[0][1])
        ):
            if weekday not in weekdays:
                skipped.append(f"class {imported.name!r}: lesson on {weekday}, not a school weekday, skipped")
                continue
            split = len(by_week) < table.weeks
            if split and not (_HAS_WEEKS and cycle % table.weeks == 0):
                folded += 1
                split = False
            groups = [(sorted(by_week) if split else [None])]
            for weeks in groups[0]:
                what = [w for week in (by_week if weeks is None else [weeks]) for w in by_week[week]]
                key_weeks = str(None if weeks is None else ["AB"[weeks - 1]])
                period_id = period_ids[period]
                if (weekday, period_id, key_weeks) in have or (weekday, period_id, "None") in have:
                    continue
                subjects = list(dict.fromkeys(s for s, _ in what if s))
                parts = {g for _, g in what}
                item: dict[str, Any] = {"day": weekday, "period": period_id, "what": " / ".join(subjects)}
                if weeks is not None:
                    item["weeks"] = ["AB"[weeks - 1]]
                if _HAS_GROUP and len(parts) == 1 and "" not in parts:
                    item["group"] = parts.pop()
                busy.append(item)
                added_lessons += 1
        if not busy:
            del entry["busy"]
    if folded:
        skipped.append(
            f"{folded} lessons of a two-week timetable are on only one of the weeks; the scenario's rules "
            "repeat every week, so they keep the class busy every week (give a rule every_weeks: 2)"
        )
    return added_classes, added_lessons


def _merge_grade_names(data: dict[str, Any], table: Timetable, grades: list[int]) -> None:
    named = {g["number"] for g in data.get("grades", [])}
    words: dict[int, set[str]] = defaultdict(set)
    for c, grade in zip(table.classes, grades, strict=True):
        match = _GRADE_WORD.match(c.name)
        words[grade].add(f"{match.group(1).title()} {grade}" if match else "")
    new = [
        {"number": grade, "name": next(iter(names))}
        for grade, names in sorted(words.items())
        if grade not in named and len(names) == 1 and "" not in names
    ]
    if new:
        data["grades"] = [*data.get("grades", []), *new]


_TEMPLATE_NOTES = {
    "windows": "The library's own part: when sessions may happen (a time no lesson takes was chosen).\n"
    "Edit it, and the rooms and rules below; `rota validate` checks them.",
    "rooms": "Library rooms: seats, and how many classes at once.",
    "rules": "Who comes, how often, where: one rule for every grade to start with.",
    "classes": "Classes and their lessons, from the imported timetable.",
    "term": "Term dates: set them, and holiday_country for public holidays.",
}


class _Dumper(yaml.SafeDumper):
    pass


def _yaml(data: dict[str, Any], template: bool) -> str:
    parts = []
    for key, value in data.items():
        text = yaml.dump({key: value}, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                         default_flow_style=None, width=110)  # fmt: skip
        note = _TEMPLATE_NOTES.get(key) if template else None
        if note:
            text = "".join(f"# {line}\n" for line in note.splitlines()) + text
        parts.append(text)
    return "\n".join(parts)
