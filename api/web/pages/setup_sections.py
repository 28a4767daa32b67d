"""Each set-up section's inputs: which values of the scenario it shows, in which order, as what."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ..forms import as_dict, as_list, text_of, time_text
from .setup_data import model_fields
from .setup_lists import WEEKDAYS, Col, ListPart, Page, Part, Record

_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
TIMEZONES = (
    "Asia/Shanghai",
    "Asia/Hong_Kong",
    "Asia/Macau",
    "Asia/Taipei",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Athens",
    "Africa/Johannesburg",
    "Africa/Windhoek",
    "Asia/Kolkata",
    "America/New_York",
    "Australia/Sydney",
)
COUNTRIES = ("CN", "HK", "MO", "TW", "SG", "GB", "DE", "GR", "ZA", "NA", "IN", "US", "AU")
CYCLE_WEEKS = "ABCDEFGH"


# --- choices ---------------------------------------------------------------------------------


def school_days(page: Page) -> list[tuple[str, str]]:
    return [(d, page.t(f"weekday_short.{d}")) for d in page.opts.weekdays]


def all_days(page: Page) -> list[tuple[str, str]]:
    return [(d, page.t(f"weekday_short.{d}")) for d in WEEKDAYS]


def _ids(values: list[str]) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


def periods(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.periods)


def windows(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.windows)


def rooms(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.rooms)


def classes(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.classes)


def grades(page: Page) -> list[tuple[str, str]]:
    return [(str(g), str(g)) for g in page.opts.grades]


def helpers(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.helpers)


def helpers_or_all(page: Page) -> list[tuple[str, str]]:
    return [("all", page.t("setup.all_helpers")), *_ids(page.opts.helpers)]


def staff(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.staff)


def teacher_groups(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.teacher_groups)


def rules(page: Page) -> list[tuple[str, str]]:
    return _ids(page.opts.rules)


def locales(page: Page) -> list[tuple[str, str]]:
    return [("zh-CN", "中文 (zh-CN)"), ("en", "English (en)")]


def months(page: Page) -> list[tuple[str, str]]:
    return [(str(m), page.t(f"setup.month.{m}")) for m in range(1, 13)]


def weeks(page: Page) -> list[tuple[str, str]]:
    return [(w, w) for w in CYCLE_WEEKS]


# --- values typed as lines ---------------------------------------------------------------------


def show_dates(value: Any) -> str:
    return "\n".join(text_of(v) for v in value) if isinstance(value, list) else text_of(value)


def parse_dates(lines: list[str]) -> list[str]:
    return [w for line in lines for w in re.split(r"[\s,;，、]+", line) if w]


def show_closures(value: Any) -> str:
    """A room's closures, one a line: ``2026-10-12 2026-10-16 Repairs``."""
    lines = []
    for item in as_list(value):
        closure = as_dict(item)
        dates = [text_of(closure.get("start"))] + ([text_of(closure["end"])] if closure.get("end") else [])
        lines.append(" ".join([*dates, text_of(closure.get("name"))]).strip())
    return "\n".join(lines)


def parse_closures(lines: list[str]) -> list[dict[str, Any]]:
    found = []
    for line in lines:
        words = line.split()
        closure: dict[str, Any] = {"name": "", "start": words[0]}
        rest = words[1:]
        if rest and _DATE.match(rest[0]):
            closure["end"] = rest.pop(0)
        closure["name"] = " ".join(rest)
        found.append(closure)
    return found


def helpers_value(ticked: list[Any]) -> Any:
    return "all" if "all" in ticked else ticked


# --- links and notes on rows -------------------------------------------------------------------


def class_links(page: Page, index: int, item: dict[str, Any]) -> list[tuple[str, str]]:
    class_id = item.get("id")
    if not isinstance(class_id, str) or not class_id:
        return []
    lessons = len(as_list(item.get("busy")))
    href = f"/app/s/{page.school}/setup/classes/{quote(class_id, safe='')}"
    return [(href, page.t("setup.classes.timetable", n=lessons))]


def hours_links(page: Page, index: int, item: dict[str, Any], slug: str) -> list[tuple[str, str]]:
    person = item.get("id")
    if not isinstance(person, str) or not person:
        return []
    return [(f"/app/s/{page.school}/setup/{slug}/{quote(person, safe='')}", page.t("setup.hours.link"))]


def staff_links(page: Page, index: int, item: dict[str, Any]) -> list[tuple[str, str]]:
    return hours_links(page, index, item, "staff")


def group_links(page: Page, index: int, item: dict[str, Any]) -> list[tuple[str, str]]:
    return hours_links(page, index, item, "teacher-groups")


def hours_notes(page: Page, item: dict[str, Any]) -> list[str]:
    availability = item.get("availability")
    if availability is None:
        hours = page.t("setup.hours.all_day")
    else:
        hours = page.t("setup.hours.entries", n=len(as_list(availability)))
    off = len(as_list(item.get("days_off")))
    return [hours] + ([page.t("setup.hours.days_off_n", n=off)] if off else [])


# --- the sections ----------------------------------------------------------------------------


def _id(model: str) -> Col:
    return Col("id", "setup.f.id", model=model)


def _name(model: str) -> Col:
    return Col("name", "setup.f.name", model=model)


def parts(slug: str) -> list[Part]:
    """The inputs of the section ``slug``, in the order they are shown."""
    return _PARTS[slug]()


def _school() -> list[Part]:
    return [
        Record(
            "school",
            "setup.sec.school",
            [
                Col("name", "setup.f.school_name", model="School"),
                Col("timezone", "setup.f.timezone", model="School"),
                Col("locale", "setup.f.locale", "select", model="School", options=locales, blank=False),
                Col("day_start", "setup.f.day_start", "time", model="School"),
                Col("day_end", "setup.f.day_end", "time", model="School"),
            ],
        )
    ]


def _term() -> list[Part]:
    return [
        Record(
            "term",
            "setup.sec.term",
            [
                Col("name", "setup.f.term_name", model="Term"),
                Col("start", "setup.f.term_start", "date", model="Term"),
                Col("end", "setup.f.term_end", "date", model="Term"),
                Col("weekdays", "setup.f.weekdays", "checks", model="Term", options=all_days),
                Col("holiday_country", "setup.f.holiday_country", model="Term"),
                Col("holiday_subdivision", "setup.f.holiday_subdivision", model="Term"),
                Col("open_on", "setup.f.open_on", "lines", model="Term", show=show_dates, parse=parse_dates),
                Col("count_empty_weeks", "setup.f.count_empty_weeks", "bool", model="Term"),
            ],
        ),
        ListPart(
            "term.closures",
            "setup.term.closures",
            [
                Col("name", "setup.f.closure_name", model="Closure"),
                Col("start", "setup.f.first_day", "date", model="Closure"),
                Col("end", "setup.f.last_day", "date", model="Closure"),
            ],
            new_rows=2,
            page_size=100,
            hint="setup.term.closures_hint",
        ),
        ListPart(
            "term.makeup_days",
            "setup.term.makeup_days",
            [
                Col("date", "setup.f.date", "date", model="MakeupDay"),
                Col("follows", "setup.f.follows", "select", model="MakeupDay", options=school_days),
                Col("name", "setup.f.name", model="MakeupDay"),
            ],
            new_rows=2,
            page_size=100,
            hint="setup.term.makeup_hint",
        ),
    ]


def _periods() -> list[Part]:
    return [
        ListPart(
            "periods",
            "setup.sec.periods",
            [
                _id("Period"),
                _name("Period"),
                Col("start", "setup.f.start", "time", model="Period"),
                Col("end", "setup.f.end", "time", model="Period"),
                Col("days", "setup.f.days", "checks", model="Period", options=school_days, all_is_none=True),
            ],
            new_rows=2,
            hint="setup.periods.hint",
        )
    ]


def _windows() -> list[Part]:
    return [
        ListPart(
            "windows",
            "setup.sec.windows",
            [
                _id("Window"),
                _name("Window"),
                Col("days", "setup.f.days", "checks", model="Window", options=school_days, all_is_none=True),
                Col("start", "setup.f.start", "time", model="Window"),
                Col("end", "setup.f.end", "time", model="Window"),
                Col("periods", "setup.f.window_periods", "checks", model="Window", options=periods),
            ],
            hint="setup.windows.hint",
        )
    ]


def _rooms() -> list[Part]:
    return [
        ListPart(
            "rooms",
            "setup.sec.rooms",
            [
                _id("Room"),
                _name("Room"),
                Col("seats", "setup.f.seats", "int", model="Room"),
                Col("classes_at_once", "setup.f.classes_at_once", "int", model="Room"),
                Col(
                    "closed",
                    "setup.f.room_closed",
                    "lines",
                    model="Room",
                    show=show_closures,
                    parse=parse_closures,
                ),
            ],
            hint="setup.rooms.hint",
        )
    ]


def _staff() -> list[Part]:
    return [
        ListPart(
            "staff",
            "setup.sec.staff",
            [
                _id("StaffMember"),
                _name("StaffMember"),
                Col("role", "setup.f.role", model="StaffMember"),
                Col("max_sessions_per_day", "setup.f.max_per_day", "int", model="StaffMember"),
            ],
            page_size=100,
            links=staff_links,
            notes=hours_notes,
            hint="setup.staff.hint",
        )
    ]


def _helpers() -> list[Part]:
    return [
        ListPart(
            "helper_groups",
            "setup.sec.helpers",
            [
                _id("HelperGroup"),
                _name("HelperGroup"),
                Col("class_id", "setup.f.helper_class", "select", model="HelperGroup", options=classes),
                Col("members", "setup.f.members", "int", model="HelperGroup"),
                Col("windows", "setup.f.windows", "checks", model="HelperGroup", options=windows),
                Col("max_sessions_per_day", "setup.f.max_per_day", "int", model="HelperGroup"),
            ],
            page_size=100,
        )
    ]


def _classes() -> list[Part]:
    return [
        ListPart(
            "classes",
            "setup.sec.classes",
            [
                _id("SchoolClass"),
                _name("SchoolClass"),
                Col("grade", "setup.f.grade", "int", model="SchoolClass"),
                Col("size", "setup.f.size", "int", model="SchoolClass"),
                Col("homeroom_teacher", "setup.f.homeroom_teacher", model="SchoolClass"),
            ],
            new_rows=3,
            page_size=100,
            links=class_links,
            hint="setup.classes.hint",
        ),
        ListPart(
            "grades",
            "setup.classes.grade_names",
            [
                Col("number", "setup.f.grade", "int", model="GradeName"),
                Col("name", "setup.f.grade_name", model="GradeName"),
            ],
            hint="setup.classes.grade_names_hint",
        ),
    ]


def _rules() -> list[Part]:
    return [
        ListPart(
            "rules",
            "setup.sec.rules",
            [
                _id("GradeRule"),
                _name("GradeRule"),
                Col("kind", "setup.f.kind", model="GradeRule"),
                Col("grades", "setup.f.grades", "checks", model="GradeRule", options=grades, ints=True),
                Col("classes", "setup.f.extra_classes", "words", model="GradeRule"),
                Col("room", "setup.f.room", "select", model="GradeRule", options=rooms),
                Col("frequency.per_week", "setup.f.per_week", "int", model="Frequency"),
                Col("frequency.every_weeks", "setup.f.every_weeks", "int", model="Frequency"),
                Col("duration_minutes", "setup.f.duration", "int", model="GradeRule"),
                Col("windows", "setup.f.windows", "checks", model="GradeRule", options=windows),
                Col("spacing.min_days_apart", "setup.f.min_days_apart", "int", model="Spacing"),
                Col("staffing", "setup.f.staffing", "roles", model="GradeRule"),
                Col(
                    "preferences.days",
                    "setup.f.preferred_days",
                    "checks",
                    model="Preferences",
                    options=school_days,
                ),
                Col(
                    "preferences.windows",
                    "setup.f.preferred_windows",
                    "checks",
                    model="Preferences",
                    options=windows,
                ),
                Col(
                    "library_may_take", "setup.f.library_may_take", "words", model="GradeRule", split="commas"
                ),
                Col("group_lessons_block", "setup.f.group_lessons_block", "bool", model="GradeRule"),
                Col("max_gap_days", "setup.f.max_gap_days", "int", model="GradeRule"),
            ],
            layout="cards",
            page_size=20,
        )
    ]


def _teacher_groups() -> list[Part]:
    return [
        ListPart(
            "teacher_groups",
            "setup.sec.teacher-groups",
            [
                _id("TeacherGroup"),
                _name("TeacherGroup"),
                Col("members", "setup.f.teachers", "int", model="TeacherGroup"),
            ],
            page_size=100,
            links=group_links,
            notes=hours_notes,
        )
    ]


def _activities() -> list[Part]:
    return [
        ListPart(
            "activities",
            "setup.sec.activities",
            [
                _id("Activity"),
                _name("Activity"),
                Col("kind", "setup.f.kind", model="Activity"),
                Col(
                    "participants.grades",
                    "setup.f.grades",
                    "checks",
                    model="Participants",
                    options=grades,
                    ints=True,
                ),
                Col("participants.classes", "setup.f.classes", "words", model="Participants"),
                Col("participants.each_class", "setup.f.each_class", "bool", model="Participants"),
                Col(
                    "participants.helper_groups",
                    "setup.f.helper_groups",
                    "checks",
                    model="Participants",
                    options=helpers_or_all,
                    parse=helpers_value,
                ),
                Col("participants.staff", "setup.f.staff", "checks", model="Participants", options=staff),
                Col(
                    "participants.teacher_groups",
                    "setup.f.teacher_groups",
                    "checks",
                    model="Participants",
                    options=teacher_groups,
                ),
                Col("when.month", "setup.f.month", "select", model="When", options=months, ints=True),
                Col("when.start", "setup.f.from_date", "date", model="When"),
                Col("when.end", "setup.f.to_date", "date", model="When"),
                Col("when.weeks", "setup.f.teaching_weeks", "words", model="When", ints=True),
                Col("when.every_weeks", "setup.f.every_weeks", "int", model="When"),
                Col("when.monthly", "setup.f.monthly", "bool", model="When"),
                Col("all_day", "setup.f.all_day", "bool", model="Activity"),
                Col("duration_minutes", "setup.f.duration", "int", model="Activity"),
                Col("windows", "setup.f.windows", "checks", model="Activity", options=windows),
                Col("room", "setup.f.room", "select", model="Activity", options=rooms),
                Col("staffing", "setup.f.staffing", "roles", model="Activity"),
                Col("before_first", "setup.f.before_first", "checks", model="Activity", options=rules),
            ],
            layout="cards",
            page_size=20,
            hint="setup.activities.hint",
        )
    ]


def _stocktake() -> list[Part]:
    return [
        Record(
            "stocktake",
            "setup.sec.stocktake",
            [
                Col("start", "setup.f.first_day", "date", model="Stocktake"),
                Col("end", "setup.f.last_day", "date", model="Stocktake"),
                Col("loans_due", "setup.f.loans_due", "date", model="Stocktake"),
                Col("returns_within_days", "setup.f.returns_within_days", "int", model="Stocktake"),
                Col("reading_continues", "setup.f.reading_continues", "bool", model="Stocktake"),
            ],
            toggle="setup.stocktake.on",
        ),
        ListPart(
            "stocktake.shifts",
            "setup.stocktake.shifts",
            [
                Col(
                    "window", "setup.f.window", "select", model="StocktakeShift", options=windows, blank=False
                ),
                Col("staffing", "setup.f.staffing", "roles", model="StocktakeShift"),
            ],
            page_size=50,
        ),
    ]


def _weights() -> list[Part]:
    return [
        Record(
            "weights",
            "setup.sec.weights",
            [Col(name, f"setup.w.{name}", "int", model="Weights") for name in model_fields("Weights")],
            hint="setup.weights.hint",
        )
    ]


def _pins() -> list[Part]:
    return [
        ListPart(
            "pins",
            "setup.sec.pins",
            [
                Col(
                    "class_id",
                    "setup.f.class",
                    "select",
                    model="Pin",
                    options=classes,
                    blank=False,
                    fixed=True,
                ),
                Col("rule", "setup.f.rule", "select", model="Pin", options=rules, blank=False, fixed=True),
                Col(
                    "day", "setup.f.day", "select", model="Pin", options=school_days, blank=False, fixed=True
                ),
                Col("start", "setup.f.start", "time", model="Pin", fixed=True, show=time_text),
                Col("week", "setup.f.week", "select", model="Pin", options=weeks, fixed=True),
            ],
            page_size=200,
            remove_style="button",
            hint="setup.pins.hint",
        )
    ]


_PARTS = {
    "school": _school,
    "term": _term,
    "periods": _periods,
    "windows": _windows,
    "rooms": _rooms,
    "staff": _staff,
    "helpers": _helpers,
    "classes": _classes,
    "rules": _rules,
    "teacher-groups": _teacher_groups,
    "activities": _activities,
    "stocktake": _stocktake,
    "weights": _weights,
    "pins": _pins,
}
