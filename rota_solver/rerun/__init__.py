"""Rerun a published rota after the scenario changed: the past stands, the future moves as little
as it must, and the diff says what moved for whom."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..control import RunControl
from ..errors import CannotRerun
from ..progress import ProgressCallback
from ..rota import PenaltyTerm, Rota
from ..scenario import Scenario, minutes
from ..slots import Slot, class_busy_at, lessons_at, library_may_take
from ..solve import SolveOptions, solve
from ..term.model import CHANGE_TERM
from ..term_calendar import TermCalendar, build_term_calendar
from .diff import Change, EventState, RotaDiff, carry_over
from .keep import CHANGE_DESCRIPTION, CHANGE_NAME, RESTAFFED_NAME, PublishedLayer
from .words import diff_text

NOTICE_SCHOOL_DAYS = 2
"""Default notice: a rerun changes nothing before the second school day after today."""


@dataclass(frozen=True)
class RerunResult:
    rota: Rota
    diff: RotaDiff


def freeze_date(
    calendar: TermCalendar, today: dt.date, notice_school_days: int = NOTICE_SCHOOL_DAYS
) -> dt.date:
    """The first date a rerun may change: ``notice_school_days`` school days after ``today`` (the
    day after term end when fewer are left, so nothing changes)."""
    later = [d.date for d in calendar.days if d.date > today]
    if notice_school_days == 0:
        return today
    if len(later) < notice_school_days:
        return max(today, calendar.days[-1].date) + dt.timedelta(days=1)
    return later[notice_school_days - 1]


def rerun(
    scenario: Scenario,
    published: Rota,
    *,
    today: dt.date | None = None,
    freeze: dt.date | None = None,
    notice_school_days: int = NOTICE_SCHOOL_DAYS,
    options: SolveOptions | None = None,
    progress: ProgressCallback | None = None,
    control: RunControl | None = None,
    rewrite_past: bool = False,
) -> RerunResult:
    """The rota for the changed ``scenario`` that keeps ``published`` before the freeze date (given,
    or ``notice_school_days`` after ``today``) and changes as few published events as possible.

    A freeze date before ``today`` would change sessions that already took place: refused
    (:class:`CannotRerun`) unless ``rewrite_past``; :func:`held_sessions_changed` counts them."""
    _check_same_term(scenario, published)
    calendar = build_term_calendar(scenario)
    today = today or dt.datetime.now(scenario.school.tz).date()
    if freeze is not None and freeze < today and not rewrite_past:
        raise CannotRerun(
            f"the freeze date {freeze} is before today {today}: sessions from {freeze} to "
            f"{today - dt.timedelta(days=1)} already took place and must not change; give a freeze date "
            "from today on, or rewrite the past on purpose (rota rerun --rewrite-past)"
        )
    freeze = freeze or freeze_date(calendar, today, notice_school_days)
    _check_past_untouched(scenario, published, freeze)
    options = options or SolveOptions()
    if options.version_time is None:
        # Same scenario, published rota and day: the same files.
        midnight = dt.datetime.combine(today, dt.time(0), tzinfo=scenario.school.tz)
        options = options.model_copy(update={"version_time": midnight})
    control = control or RunControl(options.time_limit_seconds)
    layer = PublishedLayer(published, freeze, control)
    rota = solve(scenario, options, progress, layer=layer, control=control)
    carried, diff = carry_over(published, rota, freeze)
    return RerunResult(_changes_as_diffed(carried, diff), diff)


def _changes_as_diffed(rota: Rota, diff: RotaDiff) -> Rota:
    """The report's change terms as one line that counts what the diff lists.

    Each stage prices changes in its own units (the weekly stage per table cell times its sessions
    ahead, and per duty; the dated stage per item), so their counts neither agree with each other nor
    with the events that changed. The report keeps their cost (the objective is the sum of the
    terms) under one ``ChangedSessions`` term whose units are the diff's changes, borne by class."""
    merged = [t for t in rota.report.terms if t.name in _CHANGE_TERMS]
    if not merged:
        return rota
    bearers = {class_id: len(indexes) for class_id, indexes in sorted(diff.by_class.items())}
    term = PenaltyTerm(
        name=CHANGE_NAME,
        description=CHANGE_DESCRIPTION,
        weight=merged[0].weight,  # the first stage's price of a change; cost is both stages'
        units=len(diff.changes),
        cost=sum(t.cost for t in merged),
        bearers=bearers,
    )
    kept = [t for t in rota.report.terms if t.name not in _CHANGE_TERMS]
    report = rota.report.model_copy(update={"terms": [*kept, term]})
    return rota.model_copy(update={"report": report})


_CHANGE_TERMS = frozenset({CHANGE_NAME, RESTAFFED_NAME, CHANGE_TERM})  # the two stages' names


def held_sessions_changed(diff: RotaDiff, today: dt.date) -> int:
    """Published sessions dated before ``today`` (already held) that a rerun moves, changes or cancels."""
    return sum(
        1 for c in diff.changes if c.what == "session" and c.before is not None and c.before.date < today
    )


def _check_same_term(scenario: Scenario, published: Rota) -> None:
    problems = []
    if published.school != scenario.school.name:
        problems.append(f"the published rota is for {published.school!r}, not {scenario.school.name!r}")
    if (published.term_start, published.term_end) != (scenario.term.start, scenario.term.end):
        problems.append(
            f"the published rota covers {published.term_start}..{published.term_end}, the scenario's term "
            f"is {scenario.term.start}..{scenario.term.end}"
        )
    if published.timezone != scenario.school.timezone:
        problems.append(
            f"the published rota is in {published.timezone}, the scenario in {scenario.school.timezone}"
        )
    if problems:
        raise CannotRerun("; ".join(problems) + ": solve it afresh instead")


def _check_past_untouched(scenario: Scenario, published: Rota, freeze: dt.date) -> None:
    """The published sessions before the freeze took place (or will, at short notice): a change that
    reaches back to them is a mistake in the new scenario, most often a lesson without a start date."""
    classes = {c.id: c for c in scenario.classes}
    rules = {r.id: r for r in scenario.rules}
    rooms = {r.id: r for r in scenario.rooms}
    away = {(m.id, day) for m in scenario.staff for day in m.days_off}
    problems: list[str] = []
    for s in published.sessions:
        if s.date >= freeze:
            continue
        slot = Slot(s.follows, minutes(s.start.time()), minutes(s.end.time()), s.window_id)
        school_class = classes.get(s.class_id)
        # As the rota's own rule and week see it: a lesson it may take, or one of the other week, is no clash.
        rule, week = rules.get(s.rule_id), (s.teaching_week - 1) % scenario.cycle_weeks
        if school_class is not None and class_busy_at(
            scenario, school_class, slot, on=s.date, rule=rule, cycle_week=week
        ):
            lesson = next(
                b
                for b in lessons_at(scenario, school_class, slot, s.date, rule=rule, cycle_week=week)
                if not library_may_take(school_class, b, rule)
            )
            problems.append(
                f"class {s.class_id}'s lesson {lesson.what or lesson.period or ''} on {lesson.day} now "
                f"clashes with its session of {s.date} (before the freeze date {freeze}): give the lesson "
                f"`since: {freeze}` (the date it starts)"
            )
        room = rooms.get(s.room_id)
        if room is not None and room.closed_on(s.date):
            problems.append(f"room {s.room_id} is closed on {s.date}, before the freeze date {freeze}")
        for person in s.staff_ids:
            if (person, s.date) in away:
                problems.append(f"{person} is away on {s.date}, before the freeze date {freeze}")
    if problems:
        unique = list(dict.fromkeys(problems))
        more = f" (and {len(unique) - 5} more)" if len(unique) > 5 else ""
        raise CannotRerun(
            "the new scenario changes what was already published before the freeze date: "
            + "; ".join(unique[:5])
            + more
        )


__all__ = [
    "NOTICE_SCHOOL_DAYS",
    "Change",
    "EventState",
    "RerunResult",
    "RotaDiff",
    "diff_text",
    "freeze_date",
    "held_sessions_changed",
    "rerun",
]
