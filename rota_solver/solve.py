"""The solve pipeline: the weekly table, its duties, the table laid over the term's dates, the dated
stage; each stage a function with one extension point (a layer: a rerun's published rota).

Every search runs through one :class:`RunControl`: one deadline for the whole run, and a cancel
switch. Explaining a failure and verifying the rota are the application service's
(:mod:`rota_solver.application`), above this module.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Sequence
from typing import Protocol

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field

from .control import RunControl
from .errors import NoRotaExists, NoSolutionInTime
from .expand import expand_pattern, summarise
from .labels import labels_for
from .model.builder import BuiltModel, build_model
from .model.hard_rules import HARD_RULES, HardRule
from .model.layer import WeeklyLayer
from .model.soft_rules import SOFT_RULES, SoftRule
from .progress import ProgressCallback, Reporter
from .rota import DatedSession, LostSession, PatternSession, PenaltyTerm, Rota, SolveReport, StageReport
from .scenario import Scenario
from .term import DatedLayer, plan_term
from .term_calendar import TermCalendar, build_term_calendar, week_label

WEEKLY_STAGE = "weekly_pattern"
STAFF_STAGE = "weekly_staff"
TABLE_SHARE = 0.6
"""Share of the time left that the weekly table's search may take: the later stages need the rest."""
TABLE_HARD_SHARE = 0.85
"""Share of the time left that the table's search may take when it has found no table yet."""
STAFF_SHARE = 0.3
"""Share of the time then left for sharing out the duties."""


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


class SolveOptions(BaseModel):
    """How hard and how reproducibly to search."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Wall-clock limit in seconds for the whole run: every search of every stage, the "
        "explanation of a failure included, ends by then.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Threads for the weekly table's search, whose subsolvers take turns in a fixed "
        "order: the same scenario, seed and workers give the same rota.",
    )
    seed: int = Field(default=0, ge=0, description="CP-SAT random seed.")
    version_time: dt.datetime | None = Field(
        default=None,
        description="Timestamp of the rota version (timezone-aware); default midnight UTC of the day "
        "before term starts, so that solving the same scenario twice gives identical files.",
    )
    deterministic_time_limit: float | None = Field(
        default=None, gt=0, description="Limit in CP-SAT's deterministic time units (repeatable runs)."
    )


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
    started = time.perf_counter()
    built = build_model(
        layer.weekly_scenario(scenario) if layer else scenario, hard_rules, soft_rules, calendar=calendar
    )
    if layer is not None:
        layer.price_weekly_changes(built, calendar)
    build_seconds = time.perf_counter() - started

    solver = _solver(options)
    status, table_seconds = _table_step(built, solver, control, progress)

    if status == cp_model.MODEL_INVALID:
        # A bug of ours, not the school's: never explain it as a conflict in the school's rules.
        raise RuntimeError(f"internal error, the weekly model is invalid: {built.rm.model.validate()}")
    if status == cp_model.INFEASIBLE:
        raise NoRotaExists(["the weekly table's hard rules cannot all hold"])
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoSolutionInTime(round(control.elapsed(), 1))

    table_status, objective, bound, weekly_solve_seconds = (
        status,
        solver.objective_value,
        solver.best_objective_bound,
        table_seconds,
    )
    if built.has_staff_step:
        status, staff_seconds, solver = _staff_step(built, solver, objective, control, progress)
        objective += solver.objective_value
        bound += solver.best_objective_bound
        weekly_solve_seconds += staff_seconds
    pattern = _pattern(built, solver, calendar.cycle_weeks)
    proto = built.rm.model.proto
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
        scenario, calendar, sessions, lost, _solver(options, interleave=False), control, progress, layer
    )
    both_optimal = weekly.status == "optimal" and term.stage.status == "optimal"
    report = SolveReport(
        status="optimal" if both_optimal else "feasible",
        objective=weekly.objective + term.stage.objective,
        best_bound=weekly.best_bound + term.stage.best_bound,
        terms=weekly_terms + term.terms,
        proven=(
            "Solved in two stages. " + weekly.proves + " " + term.stage.proves + " The two together are "
            "not proven jointly best: a different weekly table might need fewer make-ups."
        ),
        build_seconds=round(build_seconds, 3),
        solve_seconds=round(weekly_solve_seconds + term.stage.seconds, 3),
        variables=len(proto.variables),
        constraints=len(proto.constraints),
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


PROBE_DETERMINISTIC_LIMIT = 20.0
"""Work units (about seconds) the every-wish-met probe may take before the full search starts."""


STAFF_TABLE_DETERMINISTIC_LIMIT = 0.5
"""Work units for letting the table move in the staff step: at 72 and 120 generated classes evening
the duties out that way took 4.3 and 5.7 units (5 s and 14 s) for a spread of 0 instead of 2."""


def _table_step(
    built: BuiltModel, solver: cp_model.CpSolver, control: RunControl, progress: ProgressCallback | None
) -> tuple[cp_model.CpSolverStatus, float]:
    """Solve the table: first with every wish met, which when it succeeds is the proven optimum;
    otherwise the full search. Returns the status and the seconds both took."""
    reporter = Reporter(WEEKLY_STAGE, progress)
    seconds = 0.0
    # Within its share of the time left, the duties and the dated stage coming after it; past it
    # only until a first table is found.
    stop_at = time.monotonic() + control.share(TABLE_SHARE)
    probe = built.every_wish_met()
    if probe is not None:
        limit = solver.parameters.max_deterministic_time
        solver.parameters.max_deterministic_time = min(limit, PROBE_DETERMINISTIC_LIMIT)
        # At most half the share: a tight limit leaves the full search time for a first table.
        status = control.search(
            solver,
            probe,
            reporter,
            stage=WEEKLY_STAGE,
            seconds=(stop_at - time.monotonic()) / 2,
            tentative=True,
        )
        seconds += solver.wall_time
        solver.parameters.max_deterministic_time = limit
        if status == cp_model.OPTIMAL:
            return status, seconds
    status = control.search(
        solver,
        built.rm.model,
        reporter,
        stage=WEEKLY_STAGE,
        seconds=control.share(TABLE_HARD_SHARE),
        soft_seconds=stop_at - time.monotonic(),
    )
    return status, seconds + solver.wall_time


def _staff_step(
    built: BuiltModel,
    solver: cp_model.CpSolver,
    table_objective: float,
    control: RunControl,
    progress: ProgressCallback | None,
) -> tuple[cp_model.CpSolverStatus, float, cp_model.CpSolver]:
    """With the table's wishes kept at their optimum, share the duties out as the staff wishes ask.

    First with the table itself held (who is on duty is then all there is to choose: 0.1 s at 72
    generated classes). Only when that leaves duties uneven may the table change too, among tables
    as good for the classes, starting from the held one's answer: a part-timer who works only on
    Mondays gets a duty only if some class comes on a Monday.
    """
    reporter = Reporter(STAFF_STAGE, progress) if progress else None
    stop_at = time.monotonic() + control.share(STAFF_SHARE)
    built.minimize(staff_step=True)
    held = built.held_table(table_objective, solver)
    status = control.search(solver, held, reporter, stage=STAFF_STAGE, seconds=stop_at - time.monotonic())
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoSolutionInTime(round(control.elapsed(), 1))
    seconds = solver.wall_time
    if solver.objective_value <= 0 or status != cp_model.OPTIMAL:
        return status, seconds, solver
    built.fix_table(table_objective, solver)
    # A solver of its own: when the moved table is not proven in budget, the held answer stands.
    mover = cp_model.CpSolver()
    mover.parameters.copy_from(solver.parameters)
    mover.parameters.max_deterministic_time = min(
        solver.parameters.max_deterministic_time, STAFF_TABLE_DETERMINISTIC_LIMIT
    )
    moved = control.search(
        mover,
        built.rm.model,
        reporter,
        stage=STAFF_STAGE,
        seconds=max(0.0, stop_at - time.monotonic()),
        tentative=True,
    )
    seconds += mover.wall_time
    if moved == cp_model.OPTIMAL:
        return moved, seconds, mover
    return status, seconds, solver


def _version_time(scenario: Scenario, options: SolveOptions) -> dt.datetime:
    if options.version_time is not None:
        return options.version_time.astimezone(dt.UTC)
    before_term = scenario.term.start - dt.timedelta(days=1)
    return dt.datetime.combine(before_term, dt.time(0), tzinfo=dt.UTC)


def _solver(options: SolveOptions, interleave: bool = True) -> cp_model.CpSolver:
    """A solver set up from ``options``; ``interleave``: the weekly table's subsolver portfolio."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = options.time_limit_seconds
    solver.parameters.num_workers = options.workers if interleave else 1
    # Interleaved, CP-SAT's portfolio of subsolvers (local search, neighbourhoods, LP) takes turns in
    # a fixed order, even on one thread: as reproducible as one plain worker. The weekly table at 240
    # generated classes was proven in 36 s where the plain worker had a 48% gap at 60 s. The dated
    # stage is slower with it (33 s against 7 s at 72 classes), so it keeps the plain worker.
    solver.parameters.interleave_search = interleave
    solver.parameters.random_seed = options.seed
    # Full linearization: the term stage's gap windows are covering constraints whose LP bound
    # proves the optimum at once (the default level left the bound at 0 for minutes on the demo
    # school), and the weekly stage is faster with it too (0.14 s against 0.20 s).
    solver.parameters.linearization_level = 2
    if options.deterministic_time_limit is not None:
        solver.parameters.max_deterministic_time = options.deterministic_time_limit
    return solver


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
