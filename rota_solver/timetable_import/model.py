"""The common model every reader fills: classes, days, periods with times, and lessons (class, day,
period, subject, teacher), with what was read, skipped or assumed, and where in the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..scenario import Weekday


class ImportProblem(Exception):
    """A file that cannot be imported: one line naming the file, the place in it (sheet and cell,
    or XML line) and what was expected there. Nothing is written."""

    def __init__(self, source: str, where: str, message: str) -> None:
        self.source = source
        self.where = where
        self.message = message
        super().__init__(self.line())

    def line(self) -> str:
        place = f": {self.where}" if self.where else ""
        return f"{self.source}{place}: {self.message}"


@dataclass(frozen=True)
class Day:
    """A day of the timetable: the weekday it falls on and, in a two-week timetable, its week (1 or 2)."""

    name: str
    weekday: Weekday
    week: int = 1


@dataclass(frozen=True)
class Bell:
    """A period of the bell schedule, with its times (``assumed`` when the file gave none)."""

    name: str
    start: dt.time
    end: dt.time
    assumed: bool = False


@dataclass(frozen=True)
class ImportedClass:
    name: str
    size: int | None = None
    grade: int | None = None
    """The grade the file states (aSc's grade column); otherwise inferred from the name."""
    parent: str = ""
    """The name of the set the class sits in (FET's year or group), a second place to find its grade."""


@dataclass(frozen=True)
class Lesson:
    class_name: str
    day: int
    """Index into :attr:`Timetable.days`."""
    period: int
    """Index into :attr:`Timetable.bells`."""
    subject: str
    teacher: str = ""
    group: str = ""
    """The part of the class the lesson is for (a subgroup), or empty for the whole class."""


@dataclass(frozen=True)
class Note:
    where: str
    message: str

    def line(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


@dataclass
class Timetable:
    """A school's timetable as read from any format."""

    source: str
    school_name: str = ""
    days: list[Day] = field(default_factory=list)
    bells: list[Bell] = field(default_factory=list)
    classes: list[ImportedClass] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    read: list[str] = field(default_factory=list)
    """What was read, one line each (for the printout)."""
    skipped: list[Note] = field(default_factory=list)
    """What was skipped or assumed, and why, with its place in the file."""

    def skip(self, where: str, message: str) -> None:
        self.skipped.append(Note(where, message))

    @property
    def weeks(self) -> int:
        return max((d.week for d in self.days), default=1)
