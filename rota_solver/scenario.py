"""The scenario: everything a school says about itself, as validated pydantic models.

Cross-reference checks raise :class:`FieldError`, which carries the path of the
offending field relative to the model that raised it, so the loader can name the
field and its YAML line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Loc = tuple[str | int, ...]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[\p{L}\p{M}\p{N}_.\-]+$")]
"""Letters and digits of any script (Α1, 一年级1班), ``_``, ``.`` and ``-``: file names and calendar
UIDs use :func:`ascii_slug` of it."""

_ASCII_ID = re.compile(r"[A-Za-z0-9_.\-]+")
_GREEK = {
    **{"Α": "A", "Β": "B", "Γ": "G", "Δ": "D", "Ε": "E", "Ζ": "Z", "Η": "I", "Θ": "Th", "Ι": "I"},
    **{"Κ": "K", "Λ": "L", "Μ": "M", "Ν": "N", "Ξ": "X", "Ο": "O", "Π": "P", "Ρ": "R", "Σ": "S"},
    **{"Τ": "T", "Υ": "Y", "Φ": "F", "Χ": "Ch", "Ψ": "Ps", "Ω": "O"},
}


def ascii_slug(text: str) -> str:
    """``text`` as ASCII for file names and calendar UIDs: an id of ASCII letters, digits, ``_``,
    ``.`` and ``-`` stays as it is (the names feeds always had); any other is its Latin and Greek
    letters and its digits, Greek transliterated, then ``-`` and 8 hex digits of its SHA-1, so
    that ``Α1`` is ``A1-…`` and ``一年级1班`` is ``1-…``: stable, and distinct from every other id."""
    if _ASCII_ID.fullmatch(text):
        return text
    kept = []
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(char):
            continue  # an accent: é is e, ά is a
        latin = _GREEK.get(char.upper(), "") if "\u0370" <= char <= "\u03ff" else ""
        if char.isascii() and (char.isalnum() or char in "_.-"):
            kept.append(char)
        elif latin:
            kept.append(latin if char.isupper() else latin.lower())
        elif char == "ς":
            kept.append("s")
        else:
            kept.append("-")
    readable = re.sub(r"-{2,}", "-", "".join(kept)).strip("-.")
    digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return f"{readable}-{digest}" if readable else f"x-{digest}"


class FieldError(ValueError):
    """A cross-reference problem at ``loc`` below the model that raised it."""

    def __init__(self, loc: Loc, message: str) -> None:
        self.loc = loc
        self.message = message
        super().__init__(message)


def weekday_of(day: dt.date) -> Weekday:
    return WEEKDAYS[day.weekday()]


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class School(_Model):
    name: str = Field(description="School name as printed on the rota.")
    timezone: str = Field(
        default="Asia/Shanghai", description="IANA timezone every time is in, e.g. Asia/Shanghai."
    )
    locale: Literal["zh-CN", "en"] = Field(
        default="zh-CN", description="Language of printed tables and labels."
    )
    day_start: dt.time = Field(
        default=dt.time(7, 0), description="Earliest time any school activity may start."
    )
    day_end: dt.time = Field(default=dt.time(18, 30), description="Latest time any school activity may end.")

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {value!r} (use an IANA name such as Asia/Shanghai)") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Closure(_Model):
    name: str = Field(description="Why the school is closed, e.g. 运动会 (sports day).")
    start: dt.date = Field(description="First closed day.")
    end: dt.date | None = Field(default=None, description="Last closed day; defaults to start.")

    @property
    def last(self) -> dt.date:
        return self.end or self.start

    @model_validator(mode="after")
    def _ordered(self) -> Closure:
        if self.end is not None and self.end < self.start:
            raise FieldError(("end",), f"ends {self.end} before it starts {self.start}")
        return self


class MakeupDay(_Model):
    date: dt.date = Field(description="A normally free day that is a school day (China's 调休).")
    follows: Weekday = Field(description="Whose weekday timetable the day follows.")
    name: str | None = Field(default=None, description="Optional label, e.g. 国庆调休.")


class Term(_Model):
    name: str = Field(default="", description="Term name, e.g. 2026年秋季学期.")
    start: dt.date = Field(description="First day of term.")
    end: dt.date = Field(description="Last day of term.")
    weekdays: list[Weekday] = Field(
        default=["mon", "tue", "wed", "thu", "fri"], description="Ordinary school weekdays."
    )
    holiday_country: str | None = Field(
        default=None,
        description="ISO country code for public holidays and official make-up days "
        "(the `holidays` package), e.g. CN or GB. None: only the closures listed here.",
    )
    holiday_subdivision: str | None = Field(
        default=None, description="Region code for regional holidays, e.g. ENG."
    )
    closures: list[Closure] = Field(
        default=[], description="Extra days with no school (sports day, exams, local holidays)."
    )
    makeup_days: list[MakeupDay] = Field(
        default=[],
        description="Make-up school days and the weekday they follow; overrides the "
        "country's official ones on the same date.",
    )
    open_on: list[dt.date] = Field(
        default=[], description="Public holidays on which this school is open all the same."
    )
    count_empty_weeks: bool = Field(
        default=False,
        description="Whether a week with no school day still counts in the teaching-week "
        "numbering that sets A/B parity.",
    )

    @model_validator(mode="after")
    def _dates_inside_term(self) -> Term:
        if self.end < self.start:
            raise FieldError(("end",), f"term ends {self.end} before it starts {self.start}")
        if (self.end - self.start).days > 400:
            raise FieldError(("end",), "a term longer than 400 days is surely a typo")
        if len(set(self.weekdays)) != len(self.weekdays) or not self.weekdays:
            raise FieldError(("weekdays",), "list each school weekday once, at least one")
        for i, closure in enumerate(self.closures):
            if closure.start < self.start or closure.last > self.end:
                raise FieldError(
                    ("closures", i, "start"),
                    f"{closure.start}..{closure.last} is outside the term {self.start}..{self.end}",
                )
        for i, makeup in enumerate(self.makeup_days):
            if not self.start <= makeup.date <= self.end:
                raise FieldError(
                    ("makeup_days", i, "date"), f"{makeup.date} is outside the term {self.start}..{self.end}"
                )
            if makeup.follows not in self.weekdays:
                raise FieldError(
                    ("makeup_days", i, "follows"),
                    f"{makeup.follows} is not a school weekday ({', '.join(self.weekdays)})",
                )
        for i, day in enumerate(self.open_on):
            if not self.start <= day <= self.end:
                raise FieldError(("open_on", i), f"{day} is outside the term {self.start}..{self.end}")
        self._holiday_region_known()
        return self

    def _holiday_region_known(self) -> None:
        # Checked here, not when the calendar is built: an unknown code would pass validation and
        # then stop every solve.
        if self.holiday_country is None:
            if self.holiday_subdivision is not None:
                raise FieldError(("holiday_subdivision",), "give holiday_country too, or leave this out")
            return
        supported = holidays.list_supported_countries()
        regions = supported.get(self.holiday_country)
        if regions is None:
            raise FieldError(
                ("holiday_country",),
                f"{self.holiday_country!r} is not a country the holidays package knows: give an ISO "
                "3166 code such as CN, GB or US",
            )
        if self.holiday_subdivision is not None and self.holiday_subdivision not in regions:
            shown = ", ".join(regions[:12]) + (", ..." if len(regions) > 12 else "")
            raise FieldError(
                ("holiday_subdivision",),
                f"{self.holiday_subdivision!r} is not a region of {self.holiday_country}"
                + (f": one of {shown}" if regions else f": {self.holiday_country} has none"),
            )


class Period(_Model):
    id: Id = Field(description="Period id used by windows and class timetables, e.g. p5.")
    name: str = Field(default="", description="Printed name, e.g. 第五节.")
    start: dt.time = Field(description="Bell time the period starts.")
    end: dt.time = Field(description="Bell time the period ends.")
    days: list[Weekday] | None = Field(
        default=None,
        description="Weekdays these bell times hold; default every school weekday. List the same id "
        "again with other days and times for bells that differ by day (a short Wednesday).",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end <= self.start:
            raise FieldError(("end",), f"ends {self.end} at or before it starts {self.start}")
        return self


class Window(_Model):
    """When library sessions may happen: a time range, or a list of lesson periods."""

    id: Id = Field(description="Window id, e.g. lunch.")
    name: str = Field(default="", description="Printed name, e.g. 午间.")
    days: list[Weekday] | None = Field(
        default=None, description="Weekdays the window exists; default all school weekdays."
    )
    start: dt.time | None = Field(default=None, description="Start of a time-range window.")
    end: dt.time | None = Field(default=None, description="End of a time-range window.")
    periods: list[Id] | None = Field(
        default=None, description="Lesson periods forming the window; each period is one slot."
    )

    @model_validator(mode="after")
    def _one_form(self) -> Window:
        timed = self.start is not None or self.end is not None
        if timed == (self.periods is not None):
            raise FieldError((), "give either start and end, or periods, not both")
        if timed and (self.start is None or self.end is None):
            raise FieldError(
                ("end" if self.end is None else "start",), "a time window needs both start and end"
            )
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise FieldError(("end",), f"ends {self.end} at or before it starts {self.start}")
        if self.periods is not None and not self.periods:
            raise FieldError(("periods",), "list at least one period")
        return self


class Room(_Model):
    id: Id = Field(description="Room id, e.g. reading_room.")
    name: str = Field(default="", description="Printed name, e.g. 学生阅览室.")
    seats: int | None = Field(
        default=None,
        gt=0,
        le=10_000,
        description="Seats (at most 10,000): the pupils of all classes in the room at once must fit. "
        "None: seats are not counted (only classes_at_once is), and its classes need no size.",
    )
    classes_at_once: int = Field(
        default=1, gt=0, le=200, description="How many classes fit at the same time (at most 200)."
    )
    closed: list[Closure] = Field(
        default=[], description="Dates the room is closed (repairs, exams): nothing takes place in it then."
    )

    def closed_on(self, day: dt.date) -> bool:
        return any(c.start <= day <= c.last for c in self.closed)


class Availability(_Model):
    days: list[Weekday] | None = Field(default=None, description="Weekdays; default every school weekday.")
    start: dt.time = Field(default=dt.time(0, 0), description="From this time.")
    end: dt.time = Field(default=dt.time(23, 59), description="Until this time.")

    @model_validator(mode="after")
    def _ordered(self) -> Availability:
        if self.end <= self.start:
            raise FieldError(("end",), f"ends {self.end} at or before it starts {self.start}")
        return self


class StaffMember(_Model):
    id: Id = Field(description="Staff id, e.g. lib_wang.")
    name: str = Field(default="", description="Printed name, e.g. 王老师.")
    role: Id = Field(default="librarian", description="Role named in rule staffing, e.g. librarian.")
    availability: list[Availability] = Field(
        default=[Availability()],
        description="Weekly hours this person can be on duty; default all day every school day.",
    )
    days_off: list[dt.date] = Field(default=[], description="Dates this person is away.")
    max_sessions_per_day: int | None = Field(
        default=None, gt=0, le=50, description="Cap on duties a day; none if empty."
    )


class HelperGroup(_Model):
    """Student helpers (小小图书管理员) from one class, on duty as one team."""

    id: Id = Field(description="Helper group id, e.g. helpers_5_1.")
    name: str = Field(default="", description="Printed name, e.g. 五(1)班图书管理员.")
    class_id: Id = Field(description="The class the helpers belong to: never on duty while it is busy.")
    members: int = Field(default=2, gt=0, le=1000, description="Pupils in the team (at most 1,000).")
    windows: list[Id] = Field(description="Windows the team can work in, e.g. [lunch].")
    max_sessions_per_day: int | None = Field(
        default=1, gt=0, le=50, description="Cap on duties a day (at most 50)."
    )

    role: Literal["helper"] = Field(default="helper", description="Always `helper` in rule staffing.")


CYCLE_LABELS = "ABCDEFGH"
"""Labels of the rotation cycle's weeks, from cycle week 0."""
CycleLabel = Literal["A", "B", "C", "D", "E", "F", "G", "H"]
WeekOfCycle = Annotated[int, Field(ge=0, le=7)] | CycleLabel


class BusyPeriod(_Model):
    """A slot in a class's own timetable when it cannot come to the library."""

    day: Weekday = Field(description="Weekday of the lesson.")
    period: Id | None = Field(default=None, description="Bell-schedule period id, or give start/end.")
    start: dt.time | None = Field(default=None, description="Start time, when no period is given.")
    end: dt.time | None = Field(default=None, description="End time, when no period is given.")
    what: str = Field(default="", description="What the class does then, e.g. 体育 (PE).")
    since: dt.date | None = Field(
        default=None,
        description="First date of a timetable change (the lesson applies from then); none: all term.",
    )
    until: dt.date | None = Field(
        default=None, description="Last date the lesson applies (a change that ends); none: to term end."
    )
    library_may_take: bool = Field(
        default=False,
        description="The library may hold a session in this lesson (a reading lesson given to the "
        "library), priced by weights.lesson_taken; a class's or rule's `library_may_take` subjects do "
        "the same by `what`.",
    )
    weeks: list[WeekOfCycle] | None = Field(
        default=None,
        min_length=1,
        max_length=8,
        description="Weeks of the rotation cycle the lesson is on in a two-week (or k-week) timetable: "
        "labels [A] or [B], or cycle week numbers from 0, aligned with the teaching weeks (teaching week "
        "1 is cycle week 0, A; week n is cycle week (n-1) mod the cycle). None: every week.",
    )
    group: str = Field(
        default="",
        max_length=100,
        description="The part of the class the lesson is for (a language set, half the class in a lab); "
        "empty: the whole class. It blocks the class unless the rule says group_lessons_block: false.",
    )

    @property
    def cycle_week_numbers(self) -> set[int] | None:
        """The cycle weeks the lesson is on (A is 0, B is 1, ...), or None for every week."""
        if self.weeks is None:
            return None
        return {w if isinstance(w, int) else CYCLE_LABELS.index(w) for w in self.weeks}

    @model_validator(mode="after")
    def _one_form(self) -> BusyPeriod:
        if (self.period is None) == (self.start is None or self.end is None):
            raise FieldError((), "give either period, or start and end")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise FieldError(("end",), f"ends {self.end} at or before it starts {self.start}")
        if self.since is not None and self.until is not None and self.until < self.since:
            raise FieldError(("until",), f"ends {self.until} before it starts {self.since}")
        return self

    def applies_on(self, day: dt.date) -> bool:
        """Whether the lesson is on the timetable on ``day`` (a dated change may start or end)."""
        return (self.since is None or self.since <= day) and (self.until is None or day <= self.until)


class GradeName(_Model):
    """What a school calls one of its grades."""

    number: int = Field(ge=0, le=13, description="The grade number the classes use (0 for Reception).")
    name: str = Field(
        min_length=1,
        max_length=40,
        description="Its name, e.g. Reception, Year 6, 六年级; printed, and the grade's feed is named "
        "after it (`reception.ics`, `year-6.ics`; `grade-N.ics` when it has no Latin letters or digits).",
    )


class SchoolClass(_Model):
    id: Id = Field(description="Class id, e.g. 3-2.")
    name: str = Field(default="", description="Printed name, e.g. 三年级2班.")
    grade: int = Field(
        ge=0,
        le=13,
        description="The class's grade (year) number, 0-13: 1-6 in a Chinese primary school, 0 for "
        "Reception (or a pre-primary class); `grades` names them.",
    )
    size: int | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="Pupils in the class (at most 1,000); needed only when a room the class goes to (its "
        "rules' rooms, its activities') counts seats.",
    )
    homeroom_teacher: str = Field(default="", description="Homeroom teacher (班主任).")
    busy: list[BusyPeriod] = Field(
        default=[], max_length=400, description="The class timetable's lessons that block library time."
    )
    library_may_take: list[str] = Field(
        default=[],
        max_length=50,
        description="Subjects (matched against busy[].what, case aside) whose lessons the library may "
        "take for any of the class's rules, e.g. [Reading, 阅读]; each session held in one is priced by "
        "weights.lesson_taken, so free periods are used first.",
    )

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def pupils(self) -> int:
        """Pupils to count against a room's seats: the size, or 0 when not given, which the scenario
        allows only for classes that go to no room that counts seats."""
        return self.size or 0


class Frequency(_Model):
    """`per_week: n` (n sessions every week), or `every_weeks: k` (one session every k weeks)."""

    per_week: int | None = Field(default=None, ge=1, le=7, description="Sessions every week.")
    every_weeks: int | None = Field(default=None, ge=2, le=8, description="One session every k weeks.")

    @model_validator(mode="after")
    def _one_form(self) -> Frequency:
        if (self.per_week is None) == (self.every_weeks is None):
            raise FieldError((), "give exactly one of per_week or every_weeks")
        return self

    @property
    def sessions(self) -> int:
        return self.per_week or 1

    @property
    def weeks(self) -> int:
        return self.every_weeks or 1


class Spacing(_Model):
    min_days_apart: int = Field(
        default=1,
        ge=1,
        le=6,
        description="Days between one class's sessions of the rule in a week: 1 different days, "
        "2 also not on consecutive days.",
    )


class Preferences(_Model):
    days: list[Weekday] = Field(default=[], description="Preferred weekdays (soft).")
    windows: list[Id] = Field(default=[], description="Preferred windows (soft).")


class GradeRule(_Model):
    id: Id = Field(description="Rule id, e.g. lower_reading.")
    name: str = Field(default="", description="Printed name, e.g. 低年级阅览.")
    kind: Id = Field(description="Activity kind: reading, borrowing, ...")
    grades: list[int] = Field(default=[], description="Grades the rule applies to.")
    classes: list[Id] = Field(default=[], description="Extra classes the rule applies to, by id.")
    room: Id = Field(description="Room the sessions take place in.")
    frequency: Frequency = Field(description="How often each class comes.")
    duration_minutes: int = Field(gt=0, le=240, description="Length of one session.")
    windows: list[Id] = Field(min_length=1, description="Windows sessions may take place in.")
    spacing: Spacing = Field(default=Spacing(), description="Spacing between one class's sessions.")
    staffing: dict[Id, int] = Field(
        default={}, description="Staff each session needs by role, e.g. {librarian: 1, helper: 1}."
    )
    preferences: Preferences = Field(default=Preferences(), description="Soft wishes.")
    library_may_take: list[str] = Field(
        default=[],
        max_length=50,
        description="Subjects (matched against busy[].what, case aside) whose lessons this rule's "
        "sessions may take, e.g. [Reading, 阅读]; priced by weights.lesson_taken per session.",
    )
    group_lessons_block: bool = Field(
        default=True,
        description="Whether a lesson for part of a class (busy[].group: a language set, half the class "
        "in a lab) keeps the class from this rule's sessions: true for a whole-class visit; a rule for "
        "small groups may say false.",
    )
    max_gap_days: int | None = Field(
        default=None,
        ge=1,
        le=120,
        description="Longest wait in days between a class's consecutive sessions of the rule, make-ups "
        "included; default its period plus one week (14 days weekly, 21 fortnightly). Waits are "
        "counted in calendar days from the term's start to the rule's last school day (none after "
        "it); a stretch with no school that holds a holiday or closure counts only its days beyond "
        "whole weeks, so a two-week break adds nothing to a wait and a one-day closure counts.",
    )

    @property
    def gap_limit(self) -> int:
        return self.max_gap_days or 7 * (self.frequency.weeks + 1)

    @model_validator(mode="after")
    def _sane(self) -> GradeRule:
        if not self.grades and not self.classes:
            raise FieldError(("grades",), "name the grades or the classes the rule applies to")
        for role, count in self.staffing.items():
            if count < 0:
                raise FieldError(("staffing", role), "a staffing count cannot be negative")
        if self.frequency.sessions > 1 and self.frequency.sessions * self.spacing.min_days_apart > 7:
            raise FieldError(
                ("spacing", "min_days_apart"), "that many sessions cannot be that far apart in a week"
            )
        return self


class TeacherGroup(_Model):
    """A group of teachers (e.g. 语文组) who use the teachers' reading room."""

    id: Id = Field(description="Teacher group id, e.g. chinese.")
    name: str = Field(default="", description="Printed name, e.g. 语文组.")
    members: int = Field(
        default=1, gt=0, le=1000, description="Teachers in the group (for room seats; at most 1,000)."
    )
    availability: list[Availability] = Field(
        default=[Availability()], description="Weekly hours the group is free of lessons."
    )


class StocktakeShift(_Model):
    window: Id = Field(description="Window the shift covers, every stocktake day.")
    staffing: dict[Id, int] = Field(
        description="People the shift needs by role, e.g. {librarian: 1, helper: 2}."
    )


class Stocktake(_Model):
    """The end-of-term stocktake (清点): loans due back, final returns, library closed to borrowing."""

    start: dt.date = Field(description="First stocktake day.")
    end: dt.date = Field(description="Last stocktake day.")
    loans_due: dt.date = Field(
        description="The day all loans fall due: the last day a class's final returns session may be "
        "held; from this day on (this day included) there is no ordinary borrowing session."
    )
    returns_within_days: int = Field(
        default=14,
        ge=1,
        le=60,
        description="Each borrowing class's final return-all-books session falls in this many days up to "
        "and including loans_due.",
    )
    reading_continues: bool = Field(
        default=False, description="Whether reading-room sessions go on during the stocktake days."
    )
    shifts: list[StocktakeShift] = Field(default=[], description="Work shifts on every stocktake day.")

    @model_validator(mode="after")
    def _ordered(self) -> Stocktake:
        if self.end < self.start:
            raise FieldError(("end",), f"ends {self.end} before it starts {self.start}")
        if self.loans_due > self.start:
            raise FieldError(("loans_due",), f"loans must be due back by the stocktake start {self.start}")
        return self


class When(_Model):
    """When an activity happens: one of a month, a date range or teaching weeks, optionally recurring."""

    month: int | None = Field(default=None, ge=1, le=12, description="Calendar month, e.g. 11 for November.")
    start: dt.date | None = Field(default=None, description="First allowed date.")
    end: dt.date | None = Field(default=None, description="Last allowed date.")
    weeks: list[int] | None = Field(default=None, description="Allowed teaching weeks, e.g. [1, 2].")
    every_weeks: int | None = Field(
        default=None, ge=1, le=8, description="Recurring: once in every block of k teaching weeks."
    )
    monthly: bool = Field(default=False, description="Recurring: once in every month of the term.")

    @model_validator(mode="after")
    def _consistent(self) -> When:
        if self.every_weeks is not None and self.monthly:
            raise FieldError(("monthly",), "an activity recurs either every k weeks or monthly, not both")
        if (self.start is None) != (self.end is None):
            raise FieldError(("end" if self.end is None else "start",), "give both start and end")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise FieldError(("end",), f"ends {self.end} before it starts {self.start}")
        if self.weeks is not None and (not self.weeks or min(self.weeks) < 1):
            raise FieldError(("weeks",), "list teaching weeks from 1")
        return self


class Participants(_Model):
    grades: list[int] = Field(default=[], description="All classes of these grades.")
    classes: list[Id] = Field(default=[], description="These classes.")
    each_class: bool = Field(
        default=False, description="Each class gets its own session (orientation) rather than one together."
    )
    helper_groups: list[Id] | Literal["all"] = Field(default=[], description="Helper groups, or all.")
    staff: list[Id] = Field(default=[], description="Staff members who take part.")
    teacher_groups: list[Id] = Field(default=[], description="Teacher groups; each gets its own session.")


class Activity(_Model):
    """A monthly or recurring library activity the solver places with the rota."""

    id: Id = Field(description="Activity id, e.g. orientation.")
    name: str = Field(default="", description="Printed name, e.g. 新生图书借阅知识讲座.")
    kind: Id = Field(description="Kind, e.g. orientation, event, meeting, repair, teachers_reading.")
    participants: Participants = Field(description="Who takes part.")
    when: When = Field(description="When it may happen.")
    duration_minutes: int | None = Field(default=None, gt=0, le=240, description="Length; none for all-day.")
    all_day: bool = Field(
        default=False,
        description="A one-day event: its classes' library sessions that day, and its room's, give way.",
    )
    windows: list[Id] = Field(default=[], description="Windows it may take place in (timed activities).")
    room: Id | None = Field(default=None, description="Room; none if held elsewhere (classrooms, hall).")
    staffing: dict[Id, int] = Field(default={}, description="Staff it needs by role.")
    before_first: list[Id] = Field(
        default=[], description="Each class's session comes before its first session of these rules."
    )

    @model_validator(mode="after")
    def _shape(self) -> Activity:
        if self.all_day and (self.duration_minutes is not None or self.windows or self.staffing):
            raise FieldError(("all_day",), "an all-day event has no duration, windows or staffing")
        if not self.all_day and (self.duration_minutes is None or not self.windows):
            raise FieldError(("duration_minutes",), "a timed activity needs duration_minutes and windows")
        if self.before_first and not self.participants.each_class:
            raise FieldError(("before_first",), "before_first needs participants.each_class: true")
        return self


class Pin(_Model):
    """A pin, "keep this session here": the weekly table holds the class's session of the rule in this
    cell, a hard rule (``PinnedSessionKept``). Every field is one of a table session's
    (:class:`rota_solver.rota.PatternSession`, ``PatternSession.as_pin()``): ``class_id``, ``rule``
    (its ``rule_id``), ``day`` (its ``weekday``), ``start``, and ``week`` (its ``week_label``, left
    out when that is empty). In YAML::

        pins:
          - {class_id: 3-2, rule: lower_reading, day: tue, start: "12:10", week: A}
    """

    class_id: Id = Field(description="The class whose session is pinned, e.g. 3-2 (YAML key `class_id`).")
    rule: Id = Field(
        description="The grade rule of the session, e.g. lower_reading; it must apply to the class."
    )
    day: Weekday = Field(description="Weekday of the session in the weekly table.")
    start: dt.time = Field(
        description="Start time of the session: the start of a slot of one of the rule's windows on that "
        "weekday (a period's bell, or a time range cut into the rule's duration)."
    )
    week: CycleLabel | None = Field(
        default=None,
        description="Week of the rotation cycle the cell is in: A, B, ... (a table session's week_label). "
        "May be left out only when the cycle is one week; a weekly rule in an A/B cycle has a cell in each "
        "week, pinned one at a time.",
    )

    @property
    def cycle_week(self) -> int:
        """0-based week of the rotation cycle (A is 0; no week: 0)."""
        return CYCLE_LABELS.index(self.week) if self.week is not None else 0


MAX_WEIGHT = 100_000
"""The largest price of one soft wish."""


class Weights(_Model):
    """Prices of the soft wishes, in penalty points per unit (each at most MAX_WEIGHT, 100,000: a rerun
    prices a change above every wish together, and the sum must stay within what CP-SAT holds)."""

    preferred_day: int = Field(
        default=3, ge=0, le=MAX_WEIGHT, description="A session on a day the rule does not prefer."
    )
    preferred_window: int = Field(
        default=2, ge=0, le=MAX_WEIGHT, description="A session in a window the rule does not prefer."
    )
    same_slot_every_week: int = Field(
        default=4,
        ge=0,
        le=MAX_WEIGHT,
        description="A week a class's session is not at its usual weekday and slot.",
    )
    spread_over_week: int = Field(
        default=5, ge=0, le=MAX_WEIGHT, description="Each extra session of one class on the same day."
    )
    makeup_session: int = Field(
        default=10, ge=0, le=MAX_WEIGHT, description="Each make-up session added after a lost one."
    )
    displaced_session: int = Field(
        default=10,
        ge=0,
        le=MAX_WEIGHT,
        description="Each session that gives way to an activity (orientation, event day).",
    )
    staff_balance: int = Field(
        default=1,
        ge=0,
        le=MAX_WEIGHT,
        description="Duties between the busiest and idlest of one role, per cycle.",
    )
    lesson_taken: int = Field(
        default=30,
        ge=0,
        le=MAX_WEIGHT,
        description="Each session held in a lesson the library may take (library_may_take), per week "
        "of the rotation cycle in the weekly table and per make-up or returns session on a date.",
    )
    joint_activity_time: int = Field(
        default=100,
        ge=0,
        le=MAX_WEIGHT,
        description="An occurrence of an activity for several classes at once (a grade's competition) "
        "for which the weekly table leaves no time when all of them are out of library sessions.",
    )


LIMITS = {
    "periods": 40,
    "windows": 50,
    "rooms": 50,
    "staff": 300,
    "helper_groups": 200,
    "classes": 1000,
    "rules": 100,
    "teacher_groups": 100,
    "activities": 300,
    "grades": 14,
    "pins": 4000,
}
"""The most of each list a scenario may hold: a school of 1,000 classes is four times the largest
one measured (240 classes), and every list past these sizes is refused before it is validated. Pins:
every cell of the table of 1,000 classes coming twice a week in an A/B cycle."""


class Scenario(_Model):
    """A whole school: what the solver needs to build its term rota."""

    school: School
    term: Term
    periods: list[Period] = Field(default=[], max_length=LIMITS["periods"], description="The bell schedule.")
    windows: list[Window] = Field(
        min_length=1, max_length=LIMITS["windows"], description="When library sessions may happen."
    )
    rooms: list[Room] = Field(min_length=1, max_length=LIMITS["rooms"], description="Library rooms.")
    staff: list[StaffMember] = Field(
        default=[], max_length=LIMITS["staff"], description="Librarians and other staff."
    )
    helper_groups: list[HelperGroup] = Field(
        default=[], max_length=LIMITS["helper_groups"], description="Student helper teams."
    )
    classes: list[SchoolClass] = Field(
        min_length=1, max_length=LIMITS["classes"], description="The school's classes (at most 1,000)."
    )
    rules: list[GradeRule] = Field(
        min_length=1, max_length=LIMITS["rules"], description="Grade rules: who comes, how often, where."
    )
    teacher_groups: list[TeacherGroup] = Field(
        default=[], max_length=LIMITS["teacher_groups"], description="Teacher groups (教研组)."
    )
    stocktake: Stocktake | None = Field(default=None, description="End-of-term stocktake, if any.")
    activities: list[Activity] = Field(
        default=[],
        max_length=LIMITS["activities"],
        description="Monthly and recurring activities (at most 300).",
    )
    weights: Weights = Field(default=Weights(), description="Prices of the soft wishes.")
    grades: list[GradeName] = Field(
        default=[],
        max_length=LIMITS["grades"],
        description="Names of the grades, where the default (一年级…六年级; Grade 1…, Reception for 0) "
        "is not what the school says, e.g. [{number: 0, name: Reception}, {number: 1, name: Year 1}].",
    )
    pins: list[Pin] = Field(
        default=[],
        max_length=LIMITS["pins"],
        description='Sessions kept where they are ("keep this session here"): each a cell the weekly table '
        "must hold, {class_id, rule, day, start, week}, as a session of the table gives them.",
    )

    def grade_name(self, grade: int) -> str | None:
        """The school's own name for ``grade``, if it gives one."""
        return next((g.name for g in self.grades if g.number == grade), None)

    # --- lookups (indexed once: the solver asks them thousands of times) ---
    _CACHED: ClassVar[tuple[str, ...]] = ("_index", "_bells", "_rule_classes")

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy without this scenario's lookups: they index its own periods, rooms and classes,
        which ``update`` may replace."""
        copied = super().model_copy(update=update, deep=deep)
        for name in self._CACHED:
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def _index(self) -> dict[str, dict[str, object]]:
        return {
            "period": {p.id: p for p in reversed(self.periods)},  # an id listed again: its first
            "window": {w.id: w for w in self.windows},
            "room": {r.id: r for r in self.rooms},
            "class": {c.id: c for c in self.classes},
        }

    def period(self, period_id: str) -> Period:
        found = self._index["period"][period_id]
        assert isinstance(found, Period)
        return found

    def bell(self, period_id: str, day: Weekday) -> Period | None:
        """The period's bell times on a weekday; None if it has none that day."""
        key = (period_id, day)
        bells = self._bells
        if key not in bells:
            bells[key] = next(
                (p for p in self.periods if p.id == period_id and (p.days is None or day in p.days)), None
            )
        return bells[key]

    @cached_property
    def _bells(self) -> dict[tuple[str, Weekday], Period | None]:
        return {}

    def window(self, window_id: str) -> Window:
        found = self._index["window"][window_id]
        assert isinstance(found, Window)
        return found

    def room(self, room_id: str) -> Room:
        found = self._index["room"][room_id]
        assert isinstance(found, Room)
        return found

    def school_class(self, class_id: str) -> SchoolClass:
        found = self._index["class"][class_id]
        assert isinstance(found, SchoolClass)
        return found

    def classes_with_dated_lessons(self) -> frozenset[str]:
        """Ids of the classes whose timetable changes on a date (a lesson with ``since`` or
        ``until``): for the rest, a weekday's lessons are the same in every week of a cycle."""
        return frozenset(c.id for c in self.classes if any(b.since or b.until for b in c.busy))

    def window_days(self, window: Window) -> list[Weekday]:
        return list(window.days) if window.days is not None else list(self.term.weekdays)

    def window_cover(self, window: Window, day: Weekday | None = None) -> list[tuple[dt.time, dt.time]]:
        """What the window covers on ``day`` (None: on any day): each of its periods' bells (not the
        breaks between them), or its time range. Two windows overlap only where these do."""
        if window.periods is not None:
            return [
                (p.start, p.end)
                for p in self.periods
                if p.id in window.periods and (day is None or p.days is None or day in p.days)
            ]
        assert window.start is not None and window.end is not None
        return [(window.start, window.end)]

    def longest_slot(self, window: Window) -> int:
        """Minutes of the window's longest slot: its longest period, or its whole time range."""
        return max(minutes(end) - minutes(start) for start, end in self.window_cover(window))

    def window_span(self, window: Window, day: Weekday | None = None) -> tuple[dt.time, dt.time]:
        """From the window's first bell to its last on ``day`` (None: on any day), breaks between its
        periods included: for shifts that hold the whole window, and for naming it."""
        if window.periods is not None:
            bells = self.window_cover(window, day) or self.window_cover(window)
            return min(b[0] for b in bells), max(b[1] for b in bells)
        assert window.start is not None and window.end is not None
        return window.start, window.end

    def busy_span(self, busy: BusyPeriod) -> tuple[dt.time, dt.time]:
        """The lesson's times: its period's bells on its weekday, or its start and end."""
        if busy.period is not None:
            bell = self.bell(busy.period, busy.day)
            assert bell is not None  # checked: the period has bells that day
            return bell.start, bell.end
        assert busy.start is not None and busy.end is not None
        return busy.start, busy.end

    def rule_classes(self, rule: GradeRule) -> list[SchoolClass]:
        """Classes a rule applies to, in scenario order."""
        # Keyed by what decides it, not the rule's id: the explainer asks for changed copies of rules.
        key = (tuple(rule.grades), tuple(rule.classes))
        found = self._rule_classes.get(key)
        if found is None:
            found = [c for c in self.classes if c.grade in rule.grades or c.id in rule.classes]
            self._rule_classes[key] = found
        return list(found)

    @cached_property
    def _rule_classes(self) -> dict[tuple[tuple[int, ...], tuple[str, ...]], list[SchoolClass]]:
        return {}

    def activity_classes(self, activity: Activity) -> list[SchoolClass]:
        """Classes taking part in an activity, in scenario order."""
        who = activity.participants
        return [c for c in self.classes if c.grade in who.grades or c.id in who.classes]

    def activity_helper_groups(self, activity: Activity) -> list[HelperGroup]:
        """Helper groups taking part in an activity: all in scenario order, or as the activity lists them."""
        wanted = activity.participants.helper_groups
        if wanted == "all":
            return list(self.helper_groups)
        groups = {g.id: g for g in self.helper_groups}
        return [groups[g] for g in wanted]

    @property
    def cycle_weeks(self) -> int:
        """Weeks in the rotation cycle: the least common multiple of every rule's period."""
        from math import lcm

        return lcm(*(r.frequency.weeks for r in self.rules))

    # --- cross references ----------------------------------------------
    @model_validator(mode="after")
    def _cross_references(self) -> Scenario:
        _unique_ids(self)
        _check_periods_and_windows(self)
        _check_people(self)
        _check_classes(self)
        _check_rules(self)
        _check_term_plan(self)
        _check_sizes(self)
        _check_term_events(self)
        _check_pins(self)
        return self


def _unique_ids(s: Scenario) -> None:
    groups: list[tuple[str, list[str]]] = [
        ("periods", [p.id for p in s.periods]),
        ("windows", [w.id for w in s.windows]),
        ("rooms", [r.id for r in s.rooms]),
        ("classes", [c.id for c in s.classes]),
        ("rules", [r.id for r in s.rules]),
    ]
    people = [m.id for m in s.staff] + [h.id for h in s.helper_groups]
    for name, ids in groups:
        seen: set[str] = set()
        for i, item_id in enumerate(ids):
            if item_id in seen and name != "periods":  # a period's days are checked with its bells
                raise FieldError((name, i, "id"), f"id {item_id!r} is used twice")
            seen.add(item_id)
        if name in ("rooms", "classes", "rules"):
            _check_slugs(name, ids)
    _check_slugs("activities", [a.id for a in s.activities])
    seen_people: set[str] = set()
    for i, person in enumerate(people):
        if person in seen_people:
            where = ("staff", i) if i < len(s.staff) else ("helper_groups", i - len(s.staff))
            raise FieldError((*where, "id"), f"id {person!r} is used twice among staff and helper groups")
        seen_people.add(person)
    _check_slugs("staff", [m.id for m in s.staff])
    _check_slugs("helper_groups", [h.id for h in s.helper_groups])


def _check_slugs(name: str, ids: list[str]) -> None:
    """Ids of one list must keep distinct ASCII names in file names and calendar UIDs."""
    slugs: dict[str, str] = {}
    for i, item_id in enumerate(ids):
        slug = ascii_slug(item_id)
        if slugs.setdefault(slug, item_id) != item_id:
            raise FieldError(
                (name, i, "id"),
                f"id {item_id!r} has the same ASCII name {slug!r} (for file names and calendar UIDs) as "
                f"id {slugs[slug]!r}; rename one",
            )


def _check_sizes(s: Scenario) -> None:
    """A class going to a room that counts seats needs its size."""
    rooms = {r.id: r for r in s.rooms if r.seats is not None}
    going: dict[str, str] = {}
    for rule in s.rules:
        if rule.room in rooms:
            for c in s.rule_classes(rule):
                going.setdefault(c.id, f"rule {rule.id!r} takes it to room {rule.room!r}")
    for activity in s.activities:
        if activity.room in rooms:
            for c in s.activity_classes(activity):
                going.setdefault(c.id, f"activity {activity.id!r} takes it to room {activity.room!r}")
    for i, school_class in enumerate(s.classes):
        if school_class.size is None and school_class.id in going:
            raise FieldError(
                ("classes", i, "size"),
                f"class {school_class.id!r} needs a size: {going[school_class.id]}, which counts seats "
                "(give the size, or leave the room's seats out)",
            )


MAX_TERM_EVENTS = 60_000
"""The most sessions and activity occurrences a term may hold: 1,000 classes coming twice a week
for 30 weeks. Every event reaches several calendar feeds (class, grade, room, staff, library), so an
upload past this would build feeds of hundreds of megabytes."""


def _occurrences(activity: Activity, weeks: int) -> int:
    when = activity.when
    if when.every_weeks is not None:
        return -(-weeks // when.every_weeks)
    if when.monthly:
        return weeks // 4 + 1
    return 1


def _check_term_events(s: Scenario) -> None:
    """An upper estimate of the term's events, before any model is built."""
    weeks = (s.term.end - s.term.start).days // 7 + 1
    sessions = sum(
        len(s.rule_classes(rule)) * rule.frequency.sessions * -(-weeks // rule.frequency.weeks)
        for rule in s.rules
    )
    occurrences = sum(
        (len(s.activity_classes(a)) if a.participants.each_class else 1) * _occurrences(a, weeks)
        for a in s.activities
    )
    if sessions + occurrences > MAX_TERM_EVENTS:
        raise FieldError(
            ("rules",),
            f"the term would hold about {sessions + occurrences:,} sessions and activities; at most "
            f"{MAX_TERM_EVENTS:,} are allowed (fewer classes, rules or activities, or a shorter term)",
        )


def _check_periods_and_windows(s: Scenario) -> None:
    period_ids = {p.id for p in s.periods}
    day_start, day_end = s.school.day_start, s.school.day_end
    bells_on: dict[tuple[str, Weekday], int] = {}
    for i, period in enumerate(s.periods):
        if period.start < day_start or period.end > day_end:
            raise FieldError(
                ("periods", i, "start"),
                f"{period.start}-{period.end} is outside the school day {day_start}-{day_end}",
            )
        for j, day in enumerate(period.days or []):
            if day not in s.term.weekdays:
                raise FieldError(
                    ("periods", i, "days", j), f"{day} is not a school weekday ({', '.join(s.term.weekdays)})"
                )
        for day in period.days if period.days is not None else s.term.weekdays:
            if (period.id, day) in bells_on:
                where = ("periods", i, "days" if period.days is not None else "id")
                first = bells_on[(period.id, day)]
                raise FieldError(
                    where, f"period {period.id!r} has bells on {day} twice (also periods[{first}])"
                )
            bells_on[(period.id, day)] = i
    for i, window in enumerate(s.windows):
        for j, period_id in enumerate(window.periods or []):
            if period_id not in period_ids:
                raise FieldError(
                    ("windows", i, "periods", j), f"unknown period {period_id!r}; known: {sorted(period_ids)}"
                )
        for j, day in enumerate(window.days or []):
            if day not in s.term.weekdays:
                raise FieldError(
                    ("windows", i, "days", j), f"{day} is not a school weekday ({', '.join(s.term.weekdays)})"
                )
        start, end = s.window_span(window)
        if start < day_start or end > day_end:
            raise FieldError(
                ("windows", i, "end" if end > day_end else "start"),
                f"{start}-{end} is outside the school day {day_start}-{day_end}",
            )


def _check_people(s: Scenario) -> None:
    class_ids = {c.id for c in s.classes}
    window_ids = {w.id for w in s.windows}
    for i, member in enumerate(s.staff):
        for j, day in enumerate(member.days_off):
            if not s.term.start <= day <= s.term.end:
                raise FieldError(
                    ("staff", i, "days_off", j), f"{day} is outside the term {s.term.start}..{s.term.end}"
                )
    for i, group in enumerate(s.helper_groups):
        if group.class_id not in class_ids:
            raise FieldError(("helper_groups", i, "class_id"), f"unknown class {group.class_id!r}")
        for j, window_id in enumerate(group.windows):
            if window_id not in window_ids:
                raise FieldError(
                    ("helper_groups", i, "windows", j),
                    f"unknown window {window_id!r}; known: {sorted(window_ids)}",
                )


def _check_classes(s: Scenario) -> None:
    period_ids = {p.id for p in s.periods}
    for i, school_class in enumerate(s.classes):
        for j, busy in enumerate(school_class.busy):
            if busy.period is not None and busy.period not in period_ids:
                raise FieldError(
                    ("classes", i, "busy", j, "period"),
                    f"unknown period {busy.period!r}; known: {sorted(period_ids)}",
                )
            if busy.period is not None and s.bell(busy.period, busy.day) is None:
                raise FieldError(
                    ("classes", i, "busy", j, "period"), f"period {busy.period!r} has no bells on {busy.day}"
                )
            weeks = busy.cycle_week_numbers or set()
            if weeks and max(weeks) >= s.cycle_weeks:
                raise FieldError(
                    ("classes", i, "busy", j, "weeks"),
                    f"week {CYCLE_LABELS[max(weeks)]} (cycle week {max(weeks)}) is not in the rota's "
                    f"{s.cycle_weeks}-week cycle (weeks {', '.join(CYCLE_LABELS[: s.cycle_weeks])}); the "
                    "cycle is set by the rules' every_weeks",
                )
            for field in ("since", "until"):
                day = getattr(busy, field)
                if day is not None and not s.term.start <= day <= s.term.end:
                    raise FieldError(
                        ("classes", i, "busy", j, field),
                        f"{day} is outside the term {s.term.start}..{s.term.end}",
                    )
    seen: dict[int, int] = {}
    for i, grade in enumerate(s.grades):
        if grade.number in seen:
            twice = f"grade {grade.number} is named twice (also grades[{seen[grade.number]}])"
            raise FieldError(("grades", i, "number"), twice)
        seen[grade.number] = i
    for i, room in enumerate(s.rooms):
        for j, closure in enumerate(room.closed):
            if closure.start < s.term.start or closure.last > s.term.end:
                raise FieldError(
                    ("rooms", i, "closed", j, "start"),
                    f"{closure.start}..{closure.last} is outside the term {s.term.start}..{s.term.end}",
                )


def _check_windows_apart(s: Scenario, loc: Loc, window_ids: list[str]) -> None:
    """The windows of one rule or activity must not overlap: their slots would collide. A periods
    window covers its periods only, so a break between them can be a window of its own."""
    for j, second_id in enumerate(window_ids):
        for first_id in window_ids[:j]:
            first, second = s.window(first_id), s.window(second_id)
            days = [
                day
                for day in sorted(set(s.window_days(first)) & set(s.window_days(second)), key=WEEKDAYS.index)
                if any(
                    a0 < b1 and b0 < a1
                    for a0, a1 in s.window_cover(first, day)
                    for b0, b1 in s.window_cover(second, day)
                )
            ]
            if days:
                on = ", ".join(days)
                raise FieldError((*loc, j), f"window {second_id!r} overlaps window {first_id!r} on {on}")


def _check_rules(s: Scenario) -> None:
    room_ids = {r.id for r in s.rooms}
    window_ids = {w.id for w in s.windows}
    class_ids = {c.id for c in s.classes}
    roles = {m.role for m in s.staff} | ({"helper"} if s.helper_groups else set())
    for i, rule in enumerate(s.rules):
        if rule.room not in room_ids:
            raise FieldError(("rules", i, "room"), f"unknown room {rule.room!r}; known: {sorted(room_ids)}")
        for j, window_id in enumerate(rule.windows):
            if window_id not in window_ids:
                raise FieldError(
                    ("rules", i, "windows", j), f"unknown window {window_id!r}; known: {sorted(window_ids)}"
                )
        _check_windows_apart(s, ("rules", i, "windows"), rule.windows)
        for j, window_id in enumerate(rule.preferences.windows):
            if window_id not in rule.windows:
                raise FieldError(
                    ("rules", i, "preferences", "windows", j),
                    f"preferred window {window_id!r} is not one of the rule's windows",
                )
        for j, class_id in enumerate(rule.classes):
            if class_id not in class_ids:
                raise FieldError(("rules", i, "classes", j), f"unknown class {class_id!r}")
        for role in rule.staffing:
            if role not in roles:
                raise FieldError(
                    ("rules", i, "staffing", role),
                    f"no staff member or helper group has role {role!r}; roles: {sorted(roles)}",
                )
        if not s.rule_classes(rule):
            raise FieldError(("rules", i, "grades"), "no class is in these grades")
        fits = any(rule.duration_minutes <= s.longest_slot(s.window(w)) for w in rule.windows)
        if not fits:
            raise FieldError(
                ("rules", i, "duration_minutes"),
                f"{rule.duration_minutes} minutes is longer than every allowed window slot",
            )


def _check_term_plan(s: Scenario) -> None:
    window_ids = {w.id for w in s.windows}
    room_ids = {r.id for r in s.rooms}
    rule_ids = {r.id for r in s.rules}
    class_ids = {c.id for c in s.classes}
    helper_ids = {g.id for g in s.helper_groups}
    staff_ids = {m.id for m in s.staff}
    teacher_ids = {t.id for t in s.teacher_groups}
    roles = {m.role for m in s.staff} | ({"helper"} if s.helper_groups else set())
    term = s.term
    if s.stocktake is not None:
        st = s.stocktake
        for field_name, day in (("start", st.start), ("end", st.end), ("loans_due", st.loans_due)):
            if not term.start <= day <= term.end:
                raise FieldError(
                    ("stocktake", field_name), f"{day} is outside the term {term.start}..{term.end}"
                )
        for i, shift in enumerate(st.shifts):
            if shift.window not in window_ids:
                raise FieldError(("stocktake", "shifts", i, "window"), f"unknown window {shift.window!r}")
            for role in shift.staffing:
                if role not in roles:
                    raise FieldError(
                        ("stocktake", "shifts", i, "staffing", role), f"no one has role {role!r}"
                    )
    for i, activity in enumerate(s.activities):
        loc: Loc = ("activities", i)
        who = activity.participants
        for j, window_id in enumerate(activity.windows):
            if window_id not in window_ids:
                raise FieldError(
                    (*loc, "windows", j), f"unknown window {window_id!r}; known: {sorted(window_ids)}"
                )
        _check_windows_apart(s, (*loc, "windows"), activity.windows)
        if activity.room is not None and activity.room not in room_ids:
            raise FieldError((*loc, "room"), f"unknown room {activity.room!r}; known: {sorted(room_ids)}")
        for role in activity.staffing:
            if role not in roles:
                raise FieldError(
                    (*loc, "staffing", role), f"no staff member or helper group has role {role!r}"
                )
        for j, rule_id in enumerate(activity.before_first):
            if rule_id not in rule_ids:
                raise FieldError((*loc, "before_first", j), f"unknown rule {rule_id!r}")
        checks: list[tuple[str, list[str], set[str]]] = [
            ("classes", who.classes, class_ids),
            ("staff", who.staff, staff_ids),
            ("teacher_groups", who.teacher_groups, teacher_ids),
            ("helper_groups", [] if who.helper_groups == "all" else who.helper_groups, helper_ids),
        ]
        for name, given, known in checks:
            for j, item in enumerate(given):
                if item not in known:
                    raise FieldError(
                        (*loc, "participants", name, j), f"unknown {name[:-1].replace('_', ' ')} {item!r}"
                    )
        if not (who.grades or who.classes or who.helper_groups or who.staff or who.teacher_groups):
            raise FieldError((*loc, "participants"), "name who takes part")
        if who.grades and not [c for c in s.classes if c.grade in who.grades]:
            raise FieldError((*loc, "participants", "grades"), "no class is in these grades")
        when = activity.when
        for field_name, bound in (("start", when.start), ("end", when.end)):
            if bound is not None and not term.start <= bound <= term.end:
                raise FieldError(
                    (*loc, "when", field_name), f"{bound} is outside the term {term.start}..{term.end}"
                )
        if when.month is not None and not _term_has_month(term, when.month):
            raise FieldError(
                (*loc, "when", "month"), f"the term {term.start}..{term.end} has no month {when.month}"
            )
        if activity.duration_minutes is not None and activity.windows:
            longest = max(s.longest_slot(s.window(w)) for w in activity.windows)
            if activity.duration_minutes > longest:
                raise FieldError(
                    (*loc, "duration_minutes"),
                    f"{activity.duration_minutes} minutes is longer than every allowed window",
                )


def _term_has_month(term: Term, month: int) -> bool:
    year, current = term.start.year, term.start.month
    while (year, current) <= (term.end.year, term.end.month):
        if current == month:
            return True
        year, current = (year + 1, 1) if current == 12 else (year, current + 1)
    return False


def _slot_starts(s: Scenario, rule: GradeRule, day: Weekday) -> list[dt.time]:
    """Start times of the rule's slots on the weekday ``day``, as the weekly table has them: a window
    that exists that day gives each of its periods whose bells that day hold the rule's duration, or
    its time range cut into pieces of the duration."""
    starts: set[dt.time] = set()
    for window_id in rule.windows:
        window = s.window(window_id)
        if day not in s.window_days(window):
            continue
        if window.periods is not None:
            for period_id in window.periods:
                bell = s.bell(period_id, day)
                if bell is not None and minutes(bell.start) + rule.duration_minutes <= minutes(bell.end):
                    starts.add(bell.start)
        else:
            assert window.start is not None and window.end is not None
            start, end = minutes(window.start), minutes(window.end)
            while start + rule.duration_minutes <= end:
                starts.add(dt.time(start // 60, start % 60))
                start += rule.duration_minutes
    return sorted(starts)


def _check_pins(s: Scenario) -> None:
    """Each pin names a class, a rule that applies to it, a slot of the rule's windows on its day, and
    a week of the cycle; no pin twice."""
    class_ids = {c.id for c in s.classes}
    rules = {r.id: r for r in s.rules}
    cycle = s.cycle_weeks
    weeks = ", ".join(CYCLE_LABELS[:cycle])
    seen: dict[tuple[str, str, int, str, dt.time], int] = {}
    for i, pin in enumerate(s.pins):
        loc: Loc = ("pins", i)
        if pin.class_id not in class_ids:
            raise FieldError((*loc, "class_id"), f"unknown class {pin.class_id!r}")
        rule = rules.get(pin.rule)
        if rule is None:
            raise FieldError((*loc, "rule"), f"unknown rule {pin.rule!r}; known: {sorted(rules)}")
        if pin.class_id not in {c.id for c in s.rule_classes(rule)}:
            raise FieldError((*loc, "rule"), f"rule {rule.id!r} does not apply to class {pin.class_id!r}")
        starts = _slot_starts(s, rule, pin.day)
        if not starts:
            days = sorted({d for w in rule.windows for d in s.window_days(s.window(w))}, key=WEEKDAYS.index)
            raise FieldError(
                (*loc, "day"),
                f"rule {rule.id!r} has no slot on {pin.day}: its windows ({', '.join(rule.windows)}) "
                f"exist on {', '.join(days)}",
            )
        if pin.start not in starts:
            listed = ", ".join(f"{t:%H:%M}" for t in starts)
            raise FieldError(
                (*loc, "start"),
                f"{pin.start:%H:%M} is not the start of a slot of rule {rule.id!r} on {pin.day} "
                f"(its slots start at {listed})",
            )
        if pin.week is None and cycle > 1:
            raise FieldError(
                (*loc, "week"),
                f"give the week of the rota's {cycle}-week cycle the session is in ({weeks}); it may be "
                "left out only when the cycle is one week",
            )
        if pin.cycle_week >= cycle:
            raise FieldError(
                (*loc, "week"),
                f"week {pin.week} is not in the rota's {cycle}-week cycle (weeks {weeks}); the cycle is set "
                "by the rules' every_weeks",
            )
        key = (pin.class_id, rule.id, pin.cycle_week, pin.day, pin.start)
        if key in seen:
            raise FieldError(loc, f"the same pin as pins[{seen[key]}]")
        seen[key] = i
