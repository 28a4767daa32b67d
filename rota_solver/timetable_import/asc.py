"""aSc Timetables' XML export (File > Import/Export > aSc Timetables XML): ``<periods>`` with start and
end times, ``<daysdefs>`` (a day is a bit mask such as ``10000``), ``<classes>`` (with ``grade``),
``<groups>``, ``<subjects>``, ``<teachers>``, ``<lessons>`` (classes, groups, subject, teachers,
periods per card) and ``<cards>``, each a lesson placed at a period on the days (and weeks) of its
masks."""

from __future__ import annotations

import datetime as dt

from ..scenario import WEEKDAYS
from .model import Bell, Day, ImportedClass, ImportProblem, Lesson, Timetable
from .names import bells_from_names, weekday_of
from .xmltree import Element, parse_xml


def _time(text: str) -> dt.time | None:
    parts = text.strip().split(":")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    hour, minute = int(parts[0]), int(parts[1])
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


def _section(root: Element, tag: str, source: str) -> Element:
    found = root.find(tag)
    if found is None:
        raise ImportProblem(source, f"line {root.line}", f"expected <{tag}> in aSc's XML export")
    return found


def read_asc(data: bytes, source: str) -> Timetable:
    root = parse_xml(data, source)
    if root.tag != "timetable":
        raise ImportProblem(
            source, f"line {root.line}", f"expected aSc Timetables' XML (<timetable>), found <{root.tag}>"
        )
    table = Timetable(source=source, school_name=root.attrs.get("name", ""))
    periods = _section(root, "periods", source).findall("period")
    if not periods:
        raise ImportProblem(source, f"line {root.line}", "expected at least one <period>")
    period_index: dict[str, int] = {}
    fallback = bells_from_names([p.attrs.get("starttime", "") for p in periods])
    for i, p in enumerate(periods):
        start, end = _time(p.attrs.get("starttime", "")), _time(p.attrs.get("endtime", ""))
        name = p.attrs.get("name") or p.attrs.get("period") or str(i + 1)
        if start is None or end is None or end <= start:
            table.skip(f"line {p.line}", f"period {name} gives no start and end time: times assumed")
            table.bells.append(Bell(name, fallback[i].start, fallback[i].end, True))
        else:
            table.bells.append(Bell(name, start, end))
        period_index[p.attrs.get("period", str(i + 1))] = i
    # Days: one per single-day mask of <daysdefs>, in mask order.
    width = 0
    day_names: dict[int, str] = {}
    daysdefs = root.find("daysdefs")
    for d in daysdefs.findall("daysdef") if daysdefs is not None else []:
        masks = d.attrs.get("days", "").split(",")
        width = max(width, *(len(m) for m in masks))
        mask = masks[0]
        if len(masks) == 1 and mask.count("1") == 1:
            day_names.setdefault(mask.index("1"), d.attrs.get("name", ""))
    cards = _section(root, "cards", source).findall("card")
    width = max([width, *(len(c.attrs.get("days", "")) for c in cards)])
    if width == 0:
        raise ImportProblem(
            source, f"line {root.line}", "expected days: <daysdefs> or cards with a days mask"
        )
    if width > 7:
        raise ImportProblem(source, f"line {root.line}", f"expected at most 7 days in a week, found {width}")
    for i in range(width):
        name = day_names.get(i, WEEKDAYS[i])
        table.days.append(Day(name, weekday_of(name) or WEEKDAYS[i]))
    weeks = max([1, *(len(c.attrs.get("weeks", "")) for c in cards)])
    if weeks == 2:
        table.days += [Day(f"{d.name} (B)", d.weekday, 2) for d in table.days]
    elif weeks > 2:
        table.skip("cards", f"a {weeks}-week timetable: every week's lessons kept as weekly lessons")
    classes = {}
    for c in _section(root, "classes", source).findall("class"):
        grade_text = c.attrs.get("grade", "")
        name = c.attrs.get("name") or c.attrs.get("short") or c.attrs.get("id", "")
        grade = int(grade_text) if grade_text.isdigit() and int(grade_text) <= 13 else None
        classes[c.attrs.get("id", "")] = name
        table.classes.append(ImportedClass(name, grade=grade))
    groups = {}
    groups_section = root.find("groups")
    for g in groups_section.findall("group") if groups_section is not None else []:
        whole = g.attrs.get("entireclass", "0") in ("1", "true")
        groups[g.attrs.get("id", "")] = "" if whole else g.attrs.get("name", "")
    subjects = _names(root, "subjects", "subject")
    teachers = _names(root, "teachers", "teacher")
    lessons: dict[str, Element] = {}
    for lesson in _section(root, "lessons", source).findall("lesson"):
        lessons[lesson.attrs.get("id", "")] = lesson
    table.read.append(
        f"aSc XML: {len(table.classes)} classes, {len(table.bells)} periods, {width} days"
        + (", two weeks" if weeks == 2 else "")
        + f", {len(lessons)} lessons, {len(cards)} cards"
    )
    for card in cards:
        where = f"line {card.line}"
        found = lessons.get(card.attrs.get("lessonid", ""))
        if found is None:
            table.skip(where, f"card of unknown lesson {card.attrs.get('lessonid', '')!r}")
            continue
        lesson = found
        period = period_index.get(card.attrs.get("period", ""))
        if period is None:
            table.skip(where, f"card at unknown period {card.attrs.get('period', '')!r}")
            continue
        class_names = [classes[c] for c in _ids(lesson.attrs.get("classids", "")) if c in classes]
        if not class_names:
            table.skip(where, "card of a lesson with no class")
            continue
        group_names = {groups.get(g, "") for g in _ids(lesson.attrs.get("groupids", ""))}
        part = group_names.pop() if len(group_names) == 1 else ""
        subject = subjects.get(lesson.attrs.get("subjectid", ""), "")
        teacher = ", ".join(teachers[t] for t in _ids(lesson.attrs.get("teacherids", "")) if t in teachers)
        length_text = lesson.attrs.get("periodspercard", "1")
        length = int(length_text) if length_text.isdigit() and int(length_text) > 0 else 1
        week_mask = card.attrs.get("weeks", "") if weeks == 2 else ""
        in_weeks = [w for w in (1, 2) if week_mask[w - 1 : w] != "0"] if week_mask else [1]
        for day, bit in enumerate(card.attrs.get("days", "")):
            if bit != "1":
                continue
            for week in in_weeks:
                day_index = day + (week - 1) * width
                for hour in range(period, min(period + length, len(table.bells))):
                    for class_name in class_names:
                        table.lessons.append(Lesson(class_name, day_index, hour, subject, teacher, part))
    return table


def _ids(text: str) -> list[str]:
    return [t for t in text.split(",") if t]


def _names(root: Element, section: str, tag: str) -> dict[str, str]:
    found = root.find(section)
    if found is None:
        return {}
    return {
        e.attrs.get("id", ""): e.attrs.get("name") or e.attrs.get("short", "") for e in found.findall(tag)
    }
