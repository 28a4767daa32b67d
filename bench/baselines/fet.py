"""FET baseline: the weekly-pattern part of a school exported to FET's .fet format and solved by fet-cl.

FET (https://lalescu.ro/liviu/fet/, Debian package ``fet``) is the free timetabling program many
schools use. The export is the weekly rotation cycle: a FET day per weekday of each cycle week
(``A-mon`` ... ``B-fri``), a FET hour per library slot (the rules' slots must not overlap),
students = classes (with their sizes), activities = the sessions a class needs in the cycle (a
per-week rule's sessions in each week, a fortnightly rule's one session anywhere in the cycle),
rooms = each library room as ``classes_at_once`` copies of its seats, and as hard constraints:
class timetables (students not available), the rule's windows and staff hours (preferred time
slots: a slot where the rule's roles have too few people in their hours is left out), spacing
(min days between a class's sessions of one rule in a week). FET cannot say "one librarian covers
every class in the room at that slot", so staff are not assigned: FET solves a relaxation of the
weekly problem (no staffing, no A/B balance, no preferences), and its time is a lower bound on
what it would need for ours.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from rota_solver.scenario import WEEKDAYS, Scenario
from rota_solver.slots import Slot, class_busy_at, rule_slots, staff_available_at
from rota_solver.term_calendar import week_label

from .greedy import GreedyCell

FET_CLI = "fet-cl"


def fet_available() -> bool:
    return shutil.which(FET_CLI) is not None


@dataclass
class FetExport:
    xml: str
    activities: dict[int, tuple[str, str, int | None]]
    """FET activity id -> (class id, rule id, cycle week or None for any week of the cycle)."""
    days: dict[str, tuple[int, str]]
    """FET day name -> (cycle week, weekday)."""
    hours: dict[str, tuple[int, int]]
    """FET hour name -> (start, end) minutes."""


@dataclass
class FetResult:
    status: str
    """solved, not solved (time limit or impossible), or not installed."""
    required: int
    placed: int
    seconds: float
    cells: list[GreedyCell] = field(default_factory=list)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _sub(parent: ET.Element, tag: str, text: object = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = str(text)
    return element


def _slot_constraint(
    parent: ET.Element, times: list[tuple[str, str]], item: str, day_tag: str, hour_tag: str
) -> None:
    for day, hour in times:
        cell = _sub(parent, item)
        _sub(cell, day_tag, day)
        _sub(cell, hour_tag, hour)


def export_fet(scenario: Scenario) -> FetExport:
    """The weekly problem as a .fet document (see the module docstring for what it holds)."""
    cycle = scenario.cycle_weeks
    weekdays = list(scenario.term.weekdays)
    day_names = {
        (w, d): (f"{week_label(w, cycle)}-{d}" if cycle > 1 else d) for w in range(cycle) for d in weekdays
    }
    slots_of = {r.id: rule_slots(scenario, r) for r in scenario.rules}
    times = sorted({(s.start, s.end) for slots in slots_of.values() for s in slots})
    for (a0, a1), (b0, b1) in itertools.pairwise(times):
        if b0 < a1:
            raise ValueError(
                f"slots {_hhmm(a0)}-{_hhmm(a1)} and {_hhmm(b0)}-{_hhmm(b1)} overlap: FET needs a grid"
            )
    hour_names = {t: f"{_hhmm(t[0])}-{_hhmm(t[1])}" for t in times}

    root = ET.Element("fet", version="6.8.5")
    _sub(root, "Mode", "Official")
    _sub(root, "Institution_Name", scenario.school.name)
    _sub(root, "Comments", "Library rota weekly pattern (exported by bench.baselines.fet)")
    days_list = _sub(root, "Days_List")
    _sub(days_list, "Number_of_Days", len(day_names))
    for name in day_names.values():
        _sub(_sub(days_list, "Day"), "Name", name)
    hours_list = _sub(root, "Hours_List")
    _sub(hours_list, "Number_of_Hours", len(times))
    for t in times:
        _sub(_sub(hours_list, "Hour"), "Name", hour_names[t])
    subjects = _sub(root, "Subjects_List")
    for rule in scenario.rules:
        _sub(_sub(subjects, "Subject"), "Name", rule.id)
    _sub(root, "Activity_Tags_List")
    _sub(root, "Teachers_List")
    students = _sub(root, "Students_List")
    for school_class in scenario.classes:
        year = _sub(students, "Year")
        _sub(year, "Name", school_class.id)
        _sub(year, "Number_of_Students", school_class.size)

    activities_el = _sub(root, "Activities_List")
    activities: dict[int, tuple[str, str, int | None]] = {}
    groups: list[tuple[list[int], int]] = []
    next_id = 1
    for rule in scenario.rules:
        for school_class in scenario.rule_classes(rule):
            weeks: list[int | None] = (
                list(range(cycle))
                if rule.frequency.every_weeks is None
                else [None] * (cycle // rule.frequency.weeks)
            )
            for week in weeks:
                n = rule.frequency.sessions
                ids = list(range(next_id, next_id + n))
                next_id += n
                for activity_id in ids:
                    activities[activity_id] = (school_class.id, rule.id, week)
                    el = _sub(activities_el, "Activity")
                    _sub(el, "Subject", rule.id)
                    _sub(el, "Students", school_class.id)
                    _sub(el, "Duration", 1)
                    _sub(el, "Total_Duration", n)
                    _sub(el, "Id", activity_id)
                    _sub(el, "Activity_Group_Id", ids[0] if n > 1 else 0)
                    _sub(el, "Active", "true")
                if n > 1:
                    groups.append((ids, rule.spacing.min_days_apart))
    _sub(root, "Buildings_List")
    rooms = _sub(root, "Rooms_List")
    copies: dict[str, list[str]] = {}
    for room in scenario.rooms:
        copies[room.id] = [f"{room.id}#{i + 1}" for i in range(room.classes_at_once)]
        for name in copies[room.id]:
            el = _sub(rooms, "Room")
            _sub(el, "Name", name)
            _sub(el, "Building", "")
            _sub(el, "Capacity", room.seats)
            _sub(el, "Virtual", "false")

    time_constraints = _sub(root, "Time_Constraints_List")
    basic = _sub(time_constraints, "ConstraintBasicCompulsoryTime")
    _sub(basic, "Weight_Percentage", 100)
    _sub(basic, "Active", "true")
    for school_class in scenario.classes:
        busy = [
            (day_names[(w, d)], hour_names[t])
            for (w, d) in day_names
            for t in times
            if class_busy_at(scenario, school_class, Slot(d, t[0], t[1], ""))
        ]
        if busy:
            el = _sub(time_constraints, "ConstraintStudentsSetNotAvailableTimes")
            _sub(el, "Weight_Percentage", 100)
            _sub(el, "Students", school_class.id)
            _sub(el, "Number_of_Not_Available_Times", len(busy))
            _slot_constraint(el, busy, "Not_Available_Time", "Day", "Hour")
            _sub(el, "Active", "true")
    for activity_id, (_, rule_id, week) in activities.items():
        rule = next(r for r in scenario.rules if r.id == rule_id)
        allowed = [
            (day_names[(w, s.weekday)], hour_names[(s.start, s.end)])
            for w in range(cycle)
            if week is None or w == week
            for s in slots_of[rule_id]
            if s.weekday in weekdays and _staffable(scenario, rule.staffing, s)
        ]
        el = _sub(time_constraints, "ConstraintActivityPreferredTimeSlots")
        _sub(el, "Weight_Percentage", 100)
        _sub(el, "Activity_Id", activity_id)
        _sub(el, "Number_of_Preferred_Time_Slots", len(allowed))
        _slot_constraint(el, allowed, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour")
        _sub(el, "Active", "true")
    for ids, gap in groups:
        el = _sub(time_constraints, "ConstraintMinDaysBetweenActivities")
        _sub(el, "Weight_Percentage", 100)
        _sub(el, "Consecutive_If_Same_Day", "false")
        _sub(el, "Number_of_Activities", len(ids))
        for activity_id in ids:
            _sub(el, "Activity_Id", activity_id)
        _sub(el, "MinDays", gap)
        _sub(el, "Active", "true")

    space = _sub(root, "Space_Constraints_List")
    basic_space = _sub(space, "ConstraintBasicCompulsorySpace")
    _sub(basic_space, "Weight_Percentage", 100)
    _sub(basic_space, "Active", "true")
    for activity_id, (_, rule_id, _) in activities.items():
        rule = next(r for r in scenario.rules if r.id == rule_id)
        el = _sub(space, "ConstraintActivityPreferredRooms")
        _sub(el, "Weight_Percentage", 100)
        _sub(el, "Activity_Id", activity_id)
        _sub(el, "Number_of_Preferred_Rooms", len(copies[rule.room]))
        for name in copies[rule.room]:
            _sub(el, "Preferred_Room", name)
        _sub(el, "Active", "true")
    ET.indent(root)
    xml = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
    return FetExport(
        xml=xml,
        activities=activities,
        days={name: key for key, name in day_names.items()},
        hours={name: t for t, name in hour_names.items()},
    )


def _staffable(scenario: Scenario, staffing: dict[str, int], slot: Slot) -> bool:
    for role, need in staffing.items():
        able = sum(1 for m in scenario.staff if m.role == role and staff_available_at(scenario, m, slot))
        able += sum(1 for g in scenario.helper_groups if g.role == role and slot.window_id in g.windows)
        if able < need:
            return False
    return True


def run_fet(scenario: Scenario, time_limit: float, keep: Path | None = None) -> FetResult:
    """Export, run ``fet-cl`` with a time limit, and read back which activities it placed."""
    export = export_fet(scenario)
    required = len(export.activities)
    if not fet_available():
        return FetResult("not installed", required, 0, 0.0)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "school.fet"
        source.write_text(export.xml, encoding="utf-8")
        out = work / "out"
        started = time.perf_counter()
        subprocess.run(
            [
                FET_CLI,
                f"--inputfile={source}",
                f"--outputdir={out}",
                f"--timelimitseconds={max(1, round(time_limit))}",
                "--language=en_US",
                "--verbose=false",
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=time_limit + 120,
        )
        seconds = time.perf_counter() - started
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / "school.fet").write_text(export.xml, encoding="utf-8")
        found = sorted(out.rglob("*_activities.xml"))
        if not found:
            return FetResult("not solved", required, 0, seconds)
        cells = _read_activities(found[0], export, scenario)
        return FetResult(
            "solved" if len(cells) == required else "partial", required, len(cells), seconds, cells
        )


def _read_activities(path: Path, export: FetExport, scenario: Scenario) -> list[GreedyCell]:
    """Placed activities of FET's ``*_activities.xml``, as weekly pattern cells."""
    root = ET.parse(path).getroot()
    cells = []
    for el in root.iter("Activity"):
        activity_id = int(el.findtext("Id", "0"))
        day, hour = el.findtext("Day"), el.findtext("Hour")
        if activity_id not in export.activities or not day or not hour:
            continue
        class_id, rule_id, _ = export.activities[activity_id]
        week, weekday = export.days[day]
        start, end = export.hours[hour]
        rule = next(r for r in scenario.rules if r.id == rule_id)
        window = next(s.window_id for s in rule_slots(scenario, rule) if (s.start, s.end) == (start, end))
        assert weekday in WEEKDAYS
        cells.append(GreedyCell(class_id, rule_id, week, Slot(weekday, start, end, window)))
    return cells


def fet_version() -> str | None:
    if not fet_available():
        return None
    done = subprocess.run([FET_CLI, "--version"], capture_output=True, text=True, check=False, timeout=30)
    found = re.search(r"(\d+\.\d+\.\d+)", done.stdout + done.stderr)
    return found.group(1) if found else "unknown"
