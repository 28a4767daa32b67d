"""The solved rota: the output model, separate from the scenario (input) model."""

from __future__ import annotations

import datetime as dt
from typing import Literal, cast

from pydantic import BaseModel, ConfigDict, Field

from .conflict import Conflict
from .scenario import CycleLabel, Pin, Weekday


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PatternSession(_Out):
    """One cell of the weekly rotation table: a class's session in one week of the cycle."""

    cycle_week: int = Field(description="0-based week of the rotation cycle (0 = week A).")
    week_label: str = Field(description="A, B, ... or empty when every week is the same.")
    weekday: Weekday = Field(description="Weekday of the session.")
    start: dt.time = Field(description="Start time (school timezone).")
    end: dt.time = Field(description="End time (school timezone).")
    window_id: str = Field(description="Window the slot belongs to.")
    rule_id: str = Field(description="Grade rule the session serves.")
    kind: str = Field(description="Activity kind, e.g. reading or borrowing.")
    room_id: str = Field(description="Room.")
    class_id: str = Field(description="Class.")
    staff_ids: list[str] = Field(description="Staff members and helper groups on duty.")

    def as_pin(self) -> Pin:
        """The scenario's pin that keeps this session in its cell ("keep this session here"): add
        ``pin.model_dump(mode="json", exclude_none=True)`` to the scenario's ``pins``."""
        # An empty label is a one-week cycle, where a pin names no week.
        week = cast(CycleLabel, self.week_label) if self.week_label else None  # Pin checks the label
        return Pin(class_id=self.class_id, rule=self.rule_id, day=self.weekday, start=self.start, week=week)


class DatedSession(_Out):
    """A session on a real date."""

    id: str = Field(description="Stable id: rule, class, teaching week and occurrence.")
    date: dt.date = Field(description="Date of the session.")
    start: dt.datetime = Field(description="Start, timezone-aware in the school's timezone.")
    end: dt.datetime = Field(description="End, timezone-aware in the school's timezone.")
    follows: Weekday = Field(description="Weekday timetable the date follows (make-up days differ).")
    teaching_week: int = Field(description="1-based teaching week.")
    week_label: str = Field(description="A/B label of the week in the rotation cycle.")
    window_id: str = Field(description="Window the slot belongs to.")
    rule_id: str = Field(description="Grade rule the session serves.")
    kind: str = Field(description="Activity kind.")
    room_id: str = Field(description="Room.")
    class_id: str = Field(description="Class.")
    staff_ids: list[str] = Field(description="Staff members and helper groups on duty.")
    origin: Literal["pattern", "makeup", "returns"] = Field(
        default="pattern",
        description="pattern: from the weekly table; makeup: added for a lost session; returns: the "
        "final return-all-books session before the stocktake.",
    )


class ActivityEvent(_Out):
    """A placed activity, stocktake shift or all-day event."""

    id: str = Field(description="Stable id: activity, occurrence and participant.")
    activity_id: str = Field(description="Activity id from the scenario, or `stocktake` for shifts.")
    name: str = Field(description="Printed name.")
    kind: str = Field(description="Kind, e.g. orientation, meeting, stocktake.")
    date: dt.date = Field(description="Date.")
    all_day: bool = Field(description="An all-day event (no start or end).")
    start: dt.datetime | None = Field(description="Start, timezone-aware; none for all-day events.")
    end: dt.datetime | None = Field(description="End, timezone-aware; none for all-day events.")
    follows: Weekday = Field(description="Weekday timetable the date follows.")
    window_id: str | None = Field(description="Window of the slot; none for all-day events.")
    room_id: str | None = Field(description="Room, or none when held elsewhere.")
    class_ids: list[str] = Field(description="Classes taking part.")
    helper_group_ids: list[str] = Field(description="Helper groups taking part.")
    teacher_group_ids: list[str] = Field(description="Teacher groups taking part.")
    participant_staff_ids: list[str] = Field(description="Staff members taking part.")
    staff_ids: list[str] = Field(description="Staff and helper groups on duty (the activity's staffing).")


class Unmet(_Out):
    """A requirement the rota could not meet, and why, in words."""

    kind: Literal["gap", "returns", "activity", "stocktake_shift"] = Field(description="What kind.")
    subject: str = Field(description="Class, activity or shift concerned.")
    message: str = Field(description="What is missing and why.")
    explanation: Conflict | None = Field(
        default=None,
        description="Why it cannot be placed, with figures and tested suggestions (activities, returns "
        "and stocktake shifts; filled in by `rota_solver.explain.explain_unmet`).",
    )


class LostSession(_Out):
    """A session of the weekly pattern that did not take place, and why."""

    date: dt.date = Field(description="Date it would have taken place.")
    rule_id: str = Field(description="Grade rule.")
    class_id: str = Field(description="Class.")
    start: dt.time = Field(description="Pattern start time.")
    reason: str = Field(description="Why, e.g. the holiday's name.")
    cause: Literal[
        "day_off", "outside_term", "staff_away", "room_closed", "stocktake", "activity", "pattern_change"
    ] = Field(
        default="day_off",
        description="Kind of reason. pattern_change: in the week a rerun takes effect, the new weekly "
        "table could not give the class the session the old one had already spent.",
    )


class CalendarDay(_Out):
    date: dt.date = Field(description="The day.")
    kind: Literal["holiday", "closure", "makeup", "stocktake"] = Field(
        description="What is special about it."
    )
    name: str = Field(description="Holiday or closure name; for make-up days, the weekday followed.")
    follows: Weekday | None = Field(
        default=None, description="For make-up days: the weekday timetable followed."
    )


class ClassSummary(_Out):
    """One class's sessions of one rule over the term, in columns that add up (the verifier checks
    it on every rota)::

        required + on_makeup_days = planned          (a first solve; a rerun's planned may differ)
        planned = from_table + lost
        held = from_table + made_up + extra_returns  (= every dated session of the class and rule)
    """

    class_id: str = Field(description="Class.")
    rule_id: str = Field(description="Grade rule.")
    required: int = Field(
        description="Sessions the weekly table gives the class over the term's teaching weeks "
        "(its cells in each week, whether that day is a school day or not)."
    )
    on_makeup_days: int = Field(
        default=0,
        description="Extra table sessions on make-up days (调休): a make-up day runs the timetable of "
        "the weekday it follows, on top of that weekday's own day.",
    )
    planned: int = Field(
        description="Table sessions due on the term's days: each is held (from_table) or listed lost."
    )
    lost: int = Field(
        description="Table sessions lost to holidays, closures, absent staff, stocktake or activities."
    )
    from_table: int = Field(
        default=0,
        description="Table sessions held on their day and time (the one turned into the final "
        "returns session included).",
    )
    made_up: int = Field(default=0, description="Make-up sessions added for lost ones.")
    extra_returns: int = Field(
        default=0, description="Final returns sessions held in a slot of their own, not a table one."
    )
    held: int = Field(default=0, description="Dated sessions held: from_table + made_up + extra_returns.")


class PenaltyTerm(_Out):
    """One soft wish: how often the rota falls short of it, and who bears that."""

    name: str = Field(description="Soft rule name, e.g. PreferredDays.")
    description: str = Field(description="The wish, in one sentence.")
    weight: int = Field(description="Penalty points per unit.")
    units: int = Field(description="Units of shortfall in one rotation cycle.")
    cost: int = Field(
        description="weight x units; for a rerun's ChangedSessions the solver's price of the changes "
        "(each stage prices its own), while units count the changes the diff lists."
    )
    bearers: dict[str, int] = Field(description="Units by class or staff id.")


class StageReport(_Out):
    """One stage of the solve and exactly what it proves."""

    name: str = Field(description="weekly_pattern or term_dates.")
    status: Literal["optimal", "feasible"] = Field(description="optimal: proven best within the stage.")
    objective: int = Field(description="Stage penalty.")
    best_bound: int = Field(description="Proven lower bound on the stage penalty.")
    seconds: float = Field(description="Build and solve time of the stage.")
    proves: str = Field(description="What the stage's status covers, in English.")
    proof: str = Field(
        default="",
        description="Id of what the stage's status covers (weekly_optimal, weekly_limit, "
        "weekly_limit_duties_shared, term_optimal, term_limit); pages print it in the school's language.",
    )


class SolveReport(_Out):
    status: Literal["optimal", "feasible"] = Field(description="optimal: proven best for the soft wishes.")
    objective: int = Field(description="Total penalty of the weekly pattern.")
    best_bound: int = Field(
        description="Sum of the stages' proven bounds: each stage's bound given what came before it "
        "(the dated stage's for the table the weekly stage chose)."
    )
    whole_term_bound: int | None = Field(
        default=None,
        description="Proven lower bound on the whole term's penalty over every weekly table (both stages "
        "together); none for a rerun.",
    )
    whole_term_gap: int | None = Field(
        default=None, description="objective - whole_term_bound: 0 when the rota is proven best for the term."
    )
    terms: list[PenaltyTerm] = Field(description="The objective, term by term.")
    proven: str = Field(description="What the status covers, in words.")
    build_seconds: float = Field(description="Model build time.")
    solve_seconds: float = Field(description="CP-SAT wall time.")
    variables: int = Field(description="Model variables.")
    constraints: int = Field(description="Model constraints.")
    stages: list[StageReport] = Field(default=[], description="Each stage of the solve.")
    seed: int = Field(description="Random seed used.")
    workers: int = Field(description="Search workers used.")


class Revision(_Out):
    """How often an event has changed since it was first published, for the feeds' SEQUENCE."""

    sequence: int = Field(ge=0, description="iCalendar SEQUENCE: 0 when first published, +1 per change.")
    modified: dt.datetime = Field(description="When the event last changed (UTC): DTSTAMP and LAST-MODIFIED.")


class CancelledEvent(_Out):
    """A published session or activity that a rerun removed: feeds keep it, cancelled, until its date."""

    uid: str = Field(description="Feed UID (before the @): session.<id> or activity.<id>.")
    session: DatedSession | None = Field(default=None, description="The cancelled session, as published.")
    activity: ActivityEvent | None = Field(default=None, description="The cancelled activity, as published.")
    revision: Revision = Field(description="SEQUENCE (one above the published one) and time of cancelling.")

    @property
    def date(self) -> dt.date:
        event = self.session or self.activity
        assert event is not None
        return event.date


class Rota(_Out):
    """The term rota: the rotation table, every dated session, and how it was found."""

    school: str = Field(description="School name.")
    timezone: str = Field(description="IANA timezone of every time.")
    locale: str = Field(description="Language of labels.")
    term_start: dt.date = Field(description="First day of term.")
    term_end: dt.date = Field(description="Last day of term.")
    cycle_weeks: int = Field(description="Weeks in the rotation cycle (2 for A/B).")
    teaching_weeks: int = Field(description="Teaching weeks in the term.")
    scenario_digest: str = Field(description="SHA-256 of the scenario the rota was solved for.")
    version_time: dt.datetime = Field(
        description="When this rota version was made (UTC); feeds use it for DTSTAMP and LAST-MODIFIED, "
        "so the same rota always gives the same bytes."
    )
    pattern: list[PatternSession] = Field(description="The weekly rotation table.")
    sessions: list[DatedSession] = Field(description="Every dated session of the term.")
    lost: list[LostSession] = Field(description="Pattern sessions that did not take place, with why.")
    activities: list[ActivityEvent] = Field(default=[], description="Placed activities and stocktake shifts.")
    unmet: list[Unmet] = Field(default=[], description="Requirements the rota could not meet.")
    calendar: list[CalendarDay] = Field(description="Holidays, closures and make-up days.")
    summaries: list[ClassSummary] = Field(description="Per class and rule: required, planned, lost.")
    report: SolveReport = Field(description="How the rota was found.")
    revision: int = Field(default=0, ge=0, description="0 for a first solve, +1 for each rerun on top of it.")
    frozen_before: dt.date | None = Field(
        default=None,
        description="For a rerun: sessions and activities before this date are exactly as published in "
        "the version it was rerun from.",
    )
    first_version_time: dt.datetime | None = Field(
        default=None,
        description="version_time of revision 0: the DTSTAMP of every event never changed since (none: "
        "this is revision 0).",
    )
    revisions: dict[str, Revision] = Field(
        default={},
        description="Feed UID (before the @) -> SEQUENCE and time of the last change, for events a rerun "
        "moved or added; events not listed are as first published.",
    )
    cancelled: list[CancelledEvent] = Field(
        default=[], description="Published events that reruns removed, shown cancelled in the feeds."
    )

    def revision_of(self, uid: str) -> Revision:
        """SEQUENCE and last-change time of the event with feed UID ``uid`` (before the @)."""
        found = self.revisions.get(uid)
        if found is not None:
            return found
        return Revision(sequence=0, modified=self.first_version_time or self.version_time)
