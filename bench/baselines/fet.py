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

With ``wishes=True`` the export also carries the weekly table's wishes and the rest of its hard rules
that FET can say, for a like-for-like race on the table (``bench.anytime``):

* an A/B cycle is two FET terms of a week each (mode ``Terms``) and a fortnightly rule's classes are
  split evenly between them (``ConstraintActivitiesMaxInATerm``, as ``phases_balanced``);
* a weekly rule's session in week B falls on the weekday of its week-A twin, exactly one week later
  (min and max days between = days of a week, 100 %: our model chooses one day set for both weeks),
  and at its hour (``ConstraintActivitiesSameStartingHour``, soft: ``same_slot_every_week``);
* preferred days and preferred windows as ``ConstraintActivityPreferredTimeSlots`` of the allowed
  slots on those days or in those windows, soft.

A soft constraint's weight grows with our price of the wish: ``100 - scale / price`` % (the default
scale, :data:`WISH_SCALE` = 30: price 2: 85 %, 3: 90 %, 4: 92.5 %; a wish priced 0 is left out).
FET's weights are not prices (a soft constraint of weight w is broken in about (100 - w) % of the
placements FET tries that would break it), so the table FET returns is scored by our own penalty,
not FET's. Higher weights cost FET time on a tight school: at 72 tight classes (``bench.tight``,
seed 0) scale 30 placed everything in 0.4 s, 15 in 1.4 s, and 10 (95-97.5 %) placed none in 60 s.
Spacing stays a hard constraint (it is one of ours). Staffing, what FET still cannot say, is left
to the scorer (``bench.anytime``): a FET table on which our people cannot be named is reported.
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
    log: str = ""
    """FET's own last words (``logs/result.txt``) and any errors it read the file with."""


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


WISH_SCALE = 30.0
"""A soft wish of our price p weighs ``100 - WISH_SCALE / p`` % in FET (see the module docstring)."""


def wish_weight(price: int, scale: float = WISH_SCALE) -> float:
    """The FET weight (percent) of a soft wish of our ``price`` (see the module docstring)."""
    return round(max(1.0, min(99.9, 100 - scale / price)), 1)


def export_fet(scenario: Scenario, wishes: bool = False, wish_scale: float = WISH_SCALE) -> FetExport:
    """The weekly problem as a .fet document (see the module docstring for what it holds); with
    ``wishes``, the soft wishes and the phase and day-set rules too."""
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

    terms = wishes and cycle > 1
    root = ET.Element("fet", version="6.8.5")
    _sub(root, "Mode", "Terms" if terms else "Official")
    _sub(root, "Institution_Name", scenario.school.name)
    _sub(root, "Comments", "Library rota weekly pattern (exported by bench.baselines.fet)")
    if terms:
        _sub(root, "Number_of_Terms", cycle)
        _sub(root, "Number_of_Days_Per_Term", len(weekdays))
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
    twins: list[tuple[int, int]] = []
    """(week-A activity, its twin a week later) of a weekly rule's sessions."""
    halves: list[tuple[str, list[int]]] = []
    """(rule id, the activities of a rule for every k weeks whose classes split over k terms)."""
    next_id = 1
    for rule in scenario.rules:
        for school_class in scenario.rule_classes(rule):
            weeks: list[int | None] = (
                list(range(cycle))
                if rule.frequency.every_weeks is None
                else [None] * (cycle // rule.frequency.weeks)
            )
            earlier: list[int] = []
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
                if week is not None and earlier:
                    twins += list(zip(earlier, ids, strict=True))
                earlier = ids
        if rule.frequency.every_weeks is not None and rule.frequency.weeks == cycle:
            halves.append((rule.id, [i for i, (_, r, _) in activities.items() if r == rule.id]))
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
        _preferred_slots(time_constraints, activity_id, allowed, 100)
        if not wishes:
            continue
        # The soft wishes: the allowed slots on a preferred day, in a preferred window.
        weights = scenario.weights
        wished = rule.preferences
        by_name = {
            (day_names[(w, s.weekday)], hour_names[(s.start, s.end)]): s
            for w in range(cycle)
            for s in slots_of[rule_id]
        }
        for wanted, price in (
            (
                [t for t in allowed if by_name[t].weekday in wished.days] if wished.days else None,
                weights.preferred_day,
            ),
            (
                [t for t in allowed if by_name[t].window_id in wished.windows] if wished.windows else None,
                weights.preferred_window,
            ),
        ):
            if wanted is not None and price and wanted and len(wanted) < len(allowed):
                _preferred_slots(time_constraints, activity_id, wanted, wish_weight(price, wish_scale))
    for ids, gap in groups:
        el = _sub(time_constraints, "ConstraintMinDaysBetweenActivities")
        _sub(el, "Weight_Percentage", 100)
        _sub(el, "Consecutive_If_Same_Day", "false")
        _sub(el, "Number_of_Activities", len(ids))
        for activity_id in ids:
            _sub(el, "Activity_Id", activity_id)
        _sub(el, "MinDays", gap)
        _sub(el, "Active", "true")
    if wishes:
        weights = scenario.weights
        for a, b in twins:
            for tag, what in (
                ("ConstraintMinDaysBetweenActivities", "MinDays"),
                ("ConstraintMaxDaysBetweenActivities", "MaxDays"),
            ):
                el = _sub(time_constraints, tag)
                _sub(el, "Weight_Percentage", 100)
                if what == "MinDays":
                    _sub(el, "Consecutive_If_Same_Day", "false")
                _sub(el, "Number_of_Activities", 2)
                _sub(el, "Activity_Id", a)
                _sub(el, "Activity_Id", b)
                _sub(el, what, len(weekdays))
                _sub(el, "Active", "true")
            if weights.same_slot_every_week:
                el = _sub(time_constraints, "ConstraintActivitiesSameStartingHour")
                _sub(el, "Weight_Percentage", wish_weight(weights.same_slot_every_week, wish_scale))
                _sub(el, "Number_of_Activities", 2)
                _sub(el, "Activity_Id", a)
                _sub(el, "Activity_Id", b)
                _sub(el, "Active", "true")
        if terms:
            for rule_id, ids in halves:
                k = next(r for r in scenario.rules if r.id == rule_id).frequency.weeks
                el = _sub(time_constraints, "ConstraintActivitiesMaxInATerm")
                _sub(el, "Weight_Percentage", 100)
                _sub(el, "Number_of_Activities", len(ids))
                for activity_id in ids:
                    _sub(el, "Activity_Id", activity_id)
                _sub(el, "Max_Number_of_Activities_in_A_Term", -(-len(ids) // k))
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


def _preferred_slots(
    parent: ET.Element, activity_id: int, slots: list[tuple[str, str]], weight: float
) -> None:
    el = _sub(parent, "ConstraintActivityPreferredTimeSlots")
    _sub(el, "Weight_Percentage", weight)
    _sub(el, "Activity_Id", activity_id)
    _sub(el, "Number_of_Preferred_Time_Slots", len(slots))
    _slot_constraint(el, slots, "Preferred_Time_Slot", "Preferred_Day", "Preferred_Hour")
    _sub(el, "Active", "true")


def _staffable(scenario: Scenario, staffing: dict[str, int], slot: Slot) -> bool:
    for role, need in staffing.items():
        able = sum(1 for m in scenario.staff if m.role == role and staff_available_at(scenario, m, slot))
        able += sum(1 for g in scenario.helper_groups if g.role == role and slot.window_id in g.windows)
        if able < need:
            return False
    return True


def run_fet(
    scenario: Scenario,
    time_limit: float,
    keep: Path | None = None,
    wishes: bool = False,
    wish_scale: float = WISH_SCALE,
) -> FetResult:
    """Export (with ``wishes``: see :func:`export_fet`), run ``fet-cl`` with a time limit, and read
    back which activities it placed."""
    export = export_fet(scenario, wishes, wish_scale)
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
        log = _fet_log(out)
        found = sorted(out.rglob("*_activities.xml"))
        if not found:
            return FetResult("not solved", required, 0, seconds, log=log)
        cells = _read_activities(found[0], export, scenario)
        return FetResult(
            "solved" if len(cells) == required else "partial", required, len(cells), seconds, cells, log
        )


def _fet_log(out: Path) -> str:
    """The last line of FET's ``result.txt`` and the lines of its reading of the file that report an
    error (FET skips what it cannot read, with a warning there, rather than stop)."""
    lines = []
    result = out / "logs" / "result.txt"
    if result.exists():
        lines += result.read_text(encoding="utf-8-sig", errors="replace").strip().splitlines()[-1:]
    opened = out / "logs" / "file_open.log"
    if opened.exists():
        text = opened.read_text(encoding="utf-8-sig", errors="replace")
        lines += [f"file_open.log: {line}" for line in text.splitlines() if "error" in line.lower()]
    return "\n".join(lines)


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
        window = next(
            s.window_id
            for s in rule_slots(scenario, rule)
            if (s.weekday, s.start, s.end) == (weekday, start, end)
        )
        assert weekday in WEEKDAYS
        cells.append(GreedyCell(class_id, rule_id, week, Slot(weekday, start, end, window)))
    return cells


def fet_version() -> str | None:
    if not fet_available():
        return None
    done = subprocess.run([FET_CLI, "--version"], capture_output=True, text=True, check=False, timeout=30)
    found = re.search(r"(\d+\.\d+\.\d+)", done.stdout + done.stderr)
    return found.group(1) if found else "unknown"
