"""The solve pipeline: the weekly table, its duties, the table laid over the term's dates, the dated
stage; each stage a function with one extension point (a layer: a rerun's published rota).

Every search runs through one :class:`RunControl`: one deadline for the whole run, and a cancel
switch. Explaining a failure and verifying the rota are the application service's
(:mod:`rota_solver.application`), above this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from typing import Protocol

from ortools.sat.python import cp_model

from .control import RunControl
from .expand import expand_pattern, summarise
from .labels import labels_for
from .model.builder import BuiltModel
from .model.hard_rules import HARD_RULES, HardRule
from .model.layer import WeeklyLayer
from .model.soft_rules import SOFT_RULES, SoftRule
from .progress import ProgressCallback
from .rota import (
    DatedSession,
    LostSession,
    PatternSession,
    PenaltyTerm,
    Rota,
    SolveReport,
    StageReport,
    Unmet,
)
from .scenario import Scenario
from .solver_options import SolveOptions, cp_solver
from .term import DatedLayer, plan_term
from .term.floor import dated_floor, floor_activities
from .term.joint_bound import joint_bound
from .term.rhythm import RHYTHM_TERM
from .term_calendar import TermCalendar, build_term_calendar, week_label
from .weekly_stage import relaxable, weekly_stage


class Layer(WeeklyLayer, DatedLayer, Protocol):
    """A layer over the whole pipeline (a rerun's published rota)."""

    def splice(
        self,
        scenario: Scenario,
        calendar: TermCalendar,
        sessions: list[DatedSession],
        lost: list[LostSession],
    ) -> tuple[list[DatedSession], list[LostSession]]:
        """The dated sessions and losses the dated stage starts from, given the new table's."""
        ...


def scenario_digest(scenario: Scenario) -> str:
    return hashlib.sha256(scenario.model_dump_json().encode()).hexdigest()


def solve(
    scenario: Scenario,
    options: SolveOptions | None = None,
    progress: ProgressCallback | None = None,
    hard_rules: Sequence[HardRule] = HARD_RULES,
    soft_rules: Sequence[SoftRule] = SOFT_RULES,
    layer: Layer | None = None,
    control: RunControl | None = None,
) -> Rota:
    """The best rota for ``scenario`` within ``control``'s deadline (default: one of
    ``options.time_limit_seconds`` from now); raises :class:`NoRotaExists` (unexplained: the
    application service explains it), :class:`NoSolutionInTime` or, when cancelled,
    :class:`rota_solver.errors.RunCancelled`.

    With a ``layer`` (a rerun, see :func:`rota_solver.rerun.rerun`), the published rota stands before
    the freeze date and every change after it is priced above all wishes.
    """
    options = options or SolveOptions()
    control = control or RunControl(options.time_limit_seconds)
    calendar = build_term_calendar(scenario)
    weekly_scenario = layer.weekly_scenario(scenario) if layer else scenario
    result = weekly_stage(
        weekly_scenario, calendar, hard_rules, soft_rules, layer, options, control, progress
    )
    built, solver, status = result.built, result.solver, result.staff_status
    table_status, bound = result.table_status, result.bound
    build_seconds, weekly_solve_seconds = result.build_seconds, result.solve_seconds
    pattern = _pattern(built, solver, calendar.cycle_weeks)
    both = table_status == cp_model.OPTIMAL and status == cp_model.OPTIMAL
    weekly_proof = (
        "weekly_optimal"
        if both
        else "weekly_limit_duties_shared"
        if status == cp_model.OPTIMAL
        else "weekly_limit"
    )
    weekly_terms = _terms(built, solver)
    # The returned table's own penalty: a search stopped early (or a table moved by the staff step)
    # can leave the solver's running objective apart from what the table itself costs.
    objective = sum(t.cost for t in weekly_terms)
    weekly = StageReport(
        name="weekly_pattern",
        status="optimal" if both else "feasible",
        objective=round(objective),
        best_bound=round(bound),
        seconds=round(build_seconds + weekly_solve_seconds, 3),
        proves=labels_for("en").proof(weekly_proof),
        proof=weekly_proof,
    )
    expansion = expand_pattern(scenario, calendar, pattern)
    sessions, lost = expansion.sessions, expansion.lost
    if layer is not None:
        sessions, lost = layer.splice(scenario, calendar, sessions, lost)
    term = plan_term(
        scenario, calendar, sessions, lost, cp_solver(options, dated=True), control, progress, layer
    )
    both_optimal = weekly.status == "optimal" and term.stage.status == "optimal"
    total = weekly.objective + term.stage.objective
    whole = (
        None
        if layer is not None
        else _whole_term_bound(
            scenario,
            calendar,
            result.table_bound,
            term.terms,
            term.unmet,
            (hard_rules, soft_rules) if relaxable(hard_rules, soft_rules, None) else None,
            total,
            options,
            control,
        )
    )
    report = SolveReport(
        status="optimal" if both_optimal else "feasible",
        objective=total,
        best_bound=weekly.best_bound + term.stage.best_bound,
        whole_term_bound=whole,
        whole_term_gap=None if whole is None else total - whole,
        terms=weekly_terms + term.terms,
        proven=(
            "Solved in two stages. "
            + weekly.proves
            + " "
            + term.stage.proves
            + _whole_term_words(total, whole)
        ),
        build_seconds=round(build_seconds, 3),
        solve_seconds=round(weekly_solve_seconds + term.stage.seconds, 3),
        variables=result.size[0],
        constraints=result.size[1],
        stages=[weekly, term.stage],
        seed=options.seed,
        workers=options.workers,
    )
    return Rota(
        school=scenario.school.name,
        timezone=scenario.school.timezone,
        locale=scenario.school.locale,
        term_start=scenario.term.start,
        term_end=scenario.term.end,
        cycle_weeks=calendar.cycle_weeks,
        teaching_weeks=calendar.teaching_weeks,
        scenario_digest=scenario_digest(scenario),
        version_time=_version_time(scenario, options),
        pattern=pattern,
        sessions=term.sessions,
        lost=term.lost,
        activities=term.activities,
        unmet=term.unmet,
        calendar=sorted(expansion.calendar + term.stocktake_days, key=lambda d: (d.date, d.kind)),
        summaries=summarise(scenario, calendar, pattern, term.sessions, term.lost),
        report=report,
    )


def _whole_term_bound(
    scenario: Scenario,
    calendar: TermCalendar,
    table_bound: float,
    dated_terms: list[PenaltyTerm],
    unmet: list[Unmet],
    rules: tuple[Sequence[HardRule], Sequence[SoftRule]] | None,
    total: int,
    options: SolveOptions,
    control: RunControl,
) -> int:
    """A proven lower bound on the whole term's penalty over every weekly table: the dated penalty no
    table avoids (:mod:`rota_solver.term.floor`), looked for among the activities and shifts this
    rota left unmet or off their rhythm (the floor is at most what they cost here), plus the table's
    bound (not the staff step's, which holds for the chosen table only) or, when that leaves a gap and
    the model's own ``rules`` are used, the least of any table's wishes and what its dates will cost
    the term at the least (:mod:`rota_solver.term.joint_bound`)."""
    off_rhythm = any(t.cost for t in dated_terms if t.name == RHYTHM_TERM)
    # Past the deadline the run returns what it has: 0 is a floor too.
    floor = (
        dated_floor(scenario, calendar, cp_solver(options, dated=True), control, unmet, off_rhythm)
        if control.left() > FLOOR_MIN_SECONDS
        else 0
    )
    # The table's objective is integral, so its bound rounds up.
    bound = math.ceil(table_bound - 1e-6)
    small = len(scenario.classes) < JOINT_BOUND_BELOW_CLASSES
    if rules is not None and small and bound + floor < total and control.left() > FLOOR_MIN_SECONDS:
        hard_rules, soft_rules = rules
        leave_out = frozenset(a.id for a in floor_activities(scenario, unmet, off_rhythm))
        solver = cp_solver(options, relaxation=True)
        joint = joint_bound(scenario, calendar, hard_rules, soft_rules, leave_out, solver, control)
        bound = max(bound, joint)
    return bound + floor


JOINT_BOUND_BELOW_CLASSES = 60
"""Only schools smaller than this look for the joint bound: the example schools take 0.05-0.1 s for
it; 72 generated classes 1.1 s (bound 12 of a 61 penalty, where the weekly bound and the floor give
0); 240 found none in 1.4 s."""
FLOOR_MIN_SECONDS = 1.0
"""Time the run must have left for the whole-term floor to be looked for (building its model of a
few activities took 0.7 s at 120 tight generated classes)."""


def _whole_term_words(total: int, whole: int | None) -> str:
    if whole is None:
        return " A rerun prices its changes to the published rota: no whole-term bound is stated."
    if whole >= total:
        return f" The whole term's penalty, {total}, is proven the least any weekly table allows."
    return (
        f" The whole term's penalty is {total}; every weekly table costs at least {whole}"
        f" (gap {total - whole}): the two stages are not proven jointly best, as a different table"
        " might need fewer make-ups."
    )


def _version_time(scenario: Scenario, options: SolveOptions) -> dt.datetime:
    if options.version_time is not None:
        return options.version_time.astimezone(dt.UTC)
    before_term = scenario.term.start - dt.timedelta(days=1)
    return dt.datetime.combine(before_term, dt.time(0), tzinfo=dt.UTC)


def _pattern(built: BuiltModel, solver: cp_model.CpSolver, cycle_weeks: int) -> list[PatternSession]:
    rm = built.rm
    on_duty: dict[tuple[str, int, object], list[str]] = {}
    for (person_id, rule_id, week, slot), var in rm.assignments.items():
        if solver.boolean_value(var):
            on_duty.setdefault((rule_id, week, slot), []).append(person_id)
    cells = []
    for (class_id, rule_id, week, slot), var in rm.placements.items():
        if not solver.boolean_value(var):
            continue
        rule = rm.rule(rule_id)
        cells.append(
            PatternSession(
                cycle_week=week,
                week_label=week_label(week, cycle_weeks),
                weekday=slot.weekday,
                start=_clock(slot.start),
                end=_clock(slot.end),
                window_id=slot.window_id,
                rule_id=rule_id,
                kind=rule.kind,
                room_id=rule.room,
                class_id=class_id,
                staff_ids=sorted(on_duty.get((rule_id, week, slot), [])),
            )
        )
    day_order = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
    return sorted(cells, key=lambda c: (c.cycle_week, day_order[c.weekday], c.start, c.rule_id, c.class_id))


def _clock(minute_of_day: int) -> dt.time:
    return dt.time(minute_of_day // 60, minute_of_day % 60)


def _terms(built: BuiltModel, solver: cp_model.CpSolver) -> list[PenaltyTerm]:
    terms = []
    for penalty in built.penalties:
        bearers: dict[str, int] = {}
        for expr, bearer in penalty.units:
            value = int(solver.value(expr))
            if value:
                bearers[bearer] = bearers.get(bearer, 0) + value
        units = sum(bearers.values())
        terms.append(
            PenaltyTerm(
                name=penalty.name,
                description=penalty.description,
                weight=penalty.weight,
                units=units,
                cost=penalty.weight * units,
                bearers=dict(sorted(bearers.items())),
            )
        )
    return terms


__all__ = ["Layer", "SolveOptions", "scenario_digest", "solve"]
