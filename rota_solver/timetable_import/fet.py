"""FET (https://lalescu.ro/liviu/fet/) files: the XML a ``*_data_and_timetable.fet`` holds (students'
years, groups and subgroups, days, hours, activities and their placement, kept as 100% preferred
starting times), or a ``.fet`` without a timetable, which ``fet-cl`` is run on first."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .model import ImportedClass, ImportProblem, Lesson, Timetable
from .names import bells_from_names, days_from_names
from .xmltree import Element, parse_xml

ClassLevel = Literal["year", "group", "subgroup"]
LEVELS: tuple[ClassLevel, ...] = ("year", "group", "subgroup")


@dataclass
class StudentSet:
    name: str
    level: ClassLevel
    size: int | None
    line: int
    parents: set[str] = field(default_factory=set)
    children: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Placement:
    """Students with a lesson: at a day and hour (indexes), for ``duration`` hours."""

    students: tuple[str, ...]
    subject: str
    teachers: tuple[str, ...]
    day: int
    hour: int
    duration: int
    where: str


@dataclass(frozen=True)
class _Activity:
    id: str
    subject: str
    teachers: tuple[str, ...]
    students: tuple[str, ...]
    duration: int
    active: bool
    line: int


def read_fet(
    data: bytes,
    source: str,
    *,
    class_level: ClassLevel | None = None,
    fet_seconds: int = 60,
) -> Timetable:
    """The timetable in a FET file; without one, FET (``fet-cl``) makes it first, in ``fet_seconds``."""
    root = parse_xml(data, source)
    if root.tag != "fet":
        raise ImportProblem(source, f"line {root.line}", f"expected a FET file (<fet>), found <{root.tag}>")
    activities = _activities(root, source)
    placed = _placements(root)
    active = [a for a in activities.values() if a.active]
    unplaced = [a for a in active if a.id not in placed]
    table = Timetable(source=source, school_name=root.findtext("Institution_Name"))
    if unplaced:
        placed, note = _generate(data, source, fet_seconds, len(unplaced), len(active))
        table.read.append(note)
    _read_days_and_hours(root, source, table)
    sets = _students(root, source)
    days = {d.name: i for i, d in enumerate(table.days)}
    hours = {b.name: i for i, b in enumerate(table.bells)}
    placements: list[Placement] = []
    for activity in activities.values():
        where = f"line {activity.line}"
        if not activity.active:
            table.skip(where, f"activity {activity.id} is not active")
            continue
        if not activity.students:
            table.skip(where, f"activity {activity.id} ({activity.subject}) has no students")
            continue
        if activity.id not in placed:
            table.skip(where, f"activity {activity.id} ({activity.subject}) has no place in the timetable")
            continue
        day_name, hour_name, line = placed[activity.id]
        if day_name not in days or hour_name not in hours:
            table.skip(f"line {line}", f"activity {activity.id} is placed on an unknown day or hour")
            continue
        placements.append(
            Placement(activity.students, activity.subject, activity.teachers, days[day_name],
                      hours[hour_name], activity.duration, where)
        )  # fmt: skip
    assign(table, sets, placements, class_level)
    table.read.append(f"lessons: {len(activities)} FET activities, {len(table.lessons)} class periods")
    return table


def assign(
    table: Timetable, sets: dict[str, StudentSet], placements: list[Placement], class_level: ClassLevel | None
) -> None:
    """Choose the classes among the student sets and give each its lessons: a lesson of a set keeps
    every class busy that is the set, sits in it, or holds it (then for that part of it)."""
    active = [(p.students, p.duration) for p in placements]
    level = class_level or _busiest_level(sets, active)
    depth = LEVELS.index(level)
    # A set above the level with nothing at it (a year without groups) is a class too.
    classes = [
        s for s in sets.values() if s.level == level or (LEVELS.index(s.level) < depth and not s.children)
    ]
    if not classes:
        raise ImportProblem(table.source, "students", f"expected students at the {level} level, found none")
    for s in classes:
        parent = sorted(s.parents)[0] if s.parents else ""
        table.classes.append(ImportedClass(s.name, s.size, parent=parent))
    class_names = {s.name for s in classes}
    table.read.append(
        f"classes: the {len(classes)} FET {level}s"
        + ("" if class_level else " (the level most lessons are for; --class-level to choose)")
    )
    for p in placements:
        busy: dict[str, str] = {}
        for name in p.students:
            if name not in sets:
                table.skip(p.where, f"unknown students {name!r}")
                continue
            for class_name in _related(sets, name) & class_names:
                inside = class_name != name and class_name in _related(sets, name, down=False)
                part = name if inside else ""  # a subgroup of the class: part of it
                busy[class_name] = "" if class_name in busy and busy[class_name] != part else part
        teachers = ", ".join(p.teachers)
        for hour in range(p.hour, min(p.hour + p.duration, len(table.bells))):
            for class_name, part in sorted(busy.items()):
                table.lessons.append(Lesson(class_name, p.day, hour, p.subject, teachers, part))


def _read_days_and_hours(root: Element, source: str, table: Timetable) -> None:
    days_list = root.find("Days_List")
    hours_list = root.find("Hours_List")
    if days_list is None or hours_list is None:
        raise ImportProblem(source, f"line {root.line}", "expected <Days_List> and <Hours_List>")
    day_names = [d.findtext("Name") for d in days_list.findall("Day")]
    table.days, how = days_from_names(day_names, source, f"line {days_list.line}")
    table.read.append(f"days: {', '.join(day_names)} ({how})")
    hour_names = [h.findtext("Name") for h in hours_list.findall("Hour")]
    if not hour_names:
        raise ImportProblem(source, f"line {hours_list.line}", "expected the hours of the day, found none")
    table.bells = bells_from_names(hour_names)
    assumed = [b.name for b in table.bells if b.assumed]
    table.read.append(f"periods: {len(table.bells)} from <Hours_List> (line {hours_list.line})")
    if assumed:
        table.skip(
            f"line {hours_list.line}",
            f"hours {', '.join(assumed)} give no times: 45 minutes each from 08:00 assumed, edit `periods`",
        )


def _activities(root: Element, source: str) -> dict[str, _Activity]:
    listing = root.find("Activities_List")
    if listing is None:
        raise ImportProblem(source, f"line {root.line}", "expected <Activities_List>")
    out: dict[str, _Activity] = {}
    for a in listing.findall("Activity"):
        duration_text = a.findtext("Duration", "1")
        if not duration_text.isdigit():
            raise ImportProblem(
                source, f"line {a.line}", f"expected a whole number of hours, found {duration_text!r}"
            )
        activity_id = a.findtext("Id")
        if not activity_id:
            raise ImportProblem(source, f"line {a.line}", "expected the activity's <Id>")
        out[activity_id] = _Activity(
            id=activity_id,
            subject=a.findtext("Subject"),
            teachers=tuple(t.text.strip() for t in a.findall("Teacher") if t.text.strip()),
            students=tuple(s.text.strip() for s in a.findall("Students") if s.text.strip()),
            duration=max(1, int(duration_text)),
            active=a.findtext("Active", "true") != "false",
            line=a.line,
        )
    return out


def _placements(root: Element) -> dict[str, tuple[str, str, int]]:
    """Activity id -> (day, hour, line) from the 100% preferred starting times (a FET timetable)."""
    listing = root.find("Time_Constraints_List")
    if listing is None:
        return {}
    out = {}
    for c in listing.findall("ConstraintActivityPreferredStartingTime"):
        if c.findtext("Active", "true") == "false" or c.findtext("Weight_Percentage") not in ("100", "100.0"):
            continue
        day, hour = c.findtext("Preferred_Day"), c.findtext("Preferred_Hour")
        if day and hour:
            out[c.findtext("Activity_Id")] = (day, hour, c.line)
    return out


def _generate(
    data: bytes, source: str, seconds: int, unplaced: int, total: int
) -> tuple[dict[str, tuple[str, str, int]], str]:
    """Run fet-cl on the file and read the placement it writes (the best stage it reached, when the
    time limit stops it)."""
    fet_cl = shutil.which("fet-cl")
    if fet_cl is None:
        raise ImportProblem(
            source,
            "",
            f"holds no timetable ({unplaced} of {total} activities unplaced): expected a "
            "*_data_and_timetable.fet, or FET's fet-cl installed to make one (Debian: apt-get install fet)",
        )
    with tempfile.TemporaryDirectory(prefix="rota-fet-") as tmp:
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in Path(source).stem) or "school"
        inputfile = Path(tmp) / f"{stem}.fet"
        inputfile.write_bytes(data)
        out = Path(tmp) / "out"
        subprocess.run(
            [fet_cl, f"--inputfile={inputfile}", f"--outputdir={out}", f"--timelimitseconds={seconds}",
             "--htmllevel=0", "--writetimetablesstatistics=false", "--writetimetableconflicts=false"],
            capture_output=True, timeout=seconds + 60, check=False,
        )  # fmt: skip
        complete = sorted(out.glob("timetables/*/*_data_and_timetable.fet"))
        if complete:
            root = parse_xml(complete[0].read_bytes(), source)
            return _placements(
                root
            ), f"timetable: made by fet-cl ({unplaced} activities had no place in the file)"
        partial = sorted(out.glob("timetables/*-highest/*_activities.xml"))
        if not partial:
            raise ImportProblem(source, "", f"fet-cl found no timetable in {seconds} s; export one from FET")
        placed = {}
        for a in parse_xml(partial[0].read_bytes(), source).findall("Activity"):
            day, hour = a.findtext("Day"), a.findtext("Hour")
            if day and hour:
                placed[a.findtext("Id")] = (day, hour, a.line)
        note = (
            f"timetable: fet-cl placed {len(placed)} of {total} activities in its {seconds} s limit; "
            "the others are skipped (export the finished timetable from FET for all of them)"
        )
        return placed, note


def _students(root: Element, source: str) -> dict[str, StudentSet]:
    listing = root.find("Students_List")
    if listing is None:
        raise ImportProblem(source, f"line {root.line}", "expected <Students_List>")
    sets: dict[str, StudentSet] = {}

    def add(element: Element, level: ClassLevel, parent: str | None) -> str:
        name = element.findtext("Name")
        if not name:
            raise ImportProblem(source, f"line {element.line}", f"expected the {level}'s <Name>")
        add_set(sets, name, level, element.findtext("Number_of_Students", "0"), element.line, parent)
        return name

    for year in listing.findall("Year"):
        year_name = add(year, "year", None)
        for group in year.findall("Group"):
            group_name = add(group, "group", year_name)
            for subgroup in group.findall("Subgroup"):
                add(subgroup, "subgroup", group_name)
    return sets


def add_set(
    sets: dict[str, StudentSet], name: str, level: ClassLevel, size_text: str, line: int, parent: str | None
) -> None:
    """Add a student set (once: a subgroup in several groups keeps its first place) under ``parent``."""
    size = int(size_text) if size_text.strip().isdigit() and int(size_text) > 0 else None
    found = sets.setdefault(name, StudentSet(name, level, size, line))
    if parent is not None and parent != name:
        found.parents.add(parent)
        sets[parent].children.add(name)


def _related(sets: dict[str, StudentSet], name: str, down: bool = True) -> set[str]:
    """The set, every set it sits in, and every set inside it: all are busy when it has a lesson."""
    out = {name}
    todo = [name]
    while todo:
        for parent in sets[todo.pop()].parents - out:
            out.add(parent)
            todo.append(parent)
    if not down:
        return out
    todo = [name]
    while todo:
        for child in sets[todo.pop()].children - out:
            out.add(child)
            todo.append(child)
    return out


def _busiest_level(sets: dict[str, StudentSet], lessons: list[tuple[tuple[str, ...], int]]) -> ClassLevel:
    counts: Counter[ClassLevel] = Counter()
    for students, duration in lessons:
        for name in students:
            if name in sets:
                counts[sets[name].level] += duration
    if not counts:
        return "group" if any(s.level == "group" for s in sets.values()) else "year"
    return max(LEVELS, key=lambda level: (counts[level], -LEVELS.index(level)))
