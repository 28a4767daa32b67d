"""The weekly stage: the table of classes in the rotation cycle, with its people named.

The table is first solved with the staff left out (a relaxation whose optimum bounds the named
model's), people are named on it, and among the tables as good, one whose dates cost the term less
is taken (:mod:`rota_solver.term.foresight`). When people cannot be named on the relaxed optimum, a
rota is kept in hand, the joint activities it blocks get their time back near it, or the relaxation
is searched again pricing them; for a rerun, or rules of the caller's, the named model is searched.
A run short for the school's size first takes an early rota in hand (:mod:`rota_solver.early_table`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .control import RunControl
from .cp_bulk import hint_whole_answer
from .early_table import first_fit_completed, first_fit_table, takes_early_table
from .errors import NoRotaExists, NoSolutionInTime
from .model.builder import BuiltModel, Table, build_model
from .model.first_fit import first_fit
from .model.hard_rules import HARD_RULES, HardRule
from .model.joint_neighbourhood import blocked_occurrences, classes_in_the_way, neighbourhood
from .model.layer import WeeklyLayer
from .model.soft_rules import SOFT_RULES, SoftRule
from .model.variables import Cells, Staffing
from .progress import Progress, ProgressCallback, Reporter
from .scenario import Scenario
from .solver_options import SolveOptions, cp_solver
from .term.foresight import cost_of, foresee, foreseen_cost
from .term.model import UNMET_PENALTY
from .term_calendar import TermCalendar

WEEKLY_STAGE = "weekly_pattern"
STAFF_STAGE = "weekly_staff"
TABLE_SHARE = 0.6
"""Share of the time left that the weekly table's search may take: the later stages need the rest."""
IN_HAND_TABLE_SHARE = 0.3
"""Share of the time left at its start that the weekly stage may take once a short run's early rota is
in hand (:mod:`rota_solver.early_table`): the dated stage needs the rest to place anything (72 tight
generated classes, a 1 s limit: 8-9 requirements unmet against 224-225 with :data:`TABLE_SHARE`,
where the dated stage had no time and listed every make-up unmet; 120 classes, 2 s: 17-24 against
17-307), and the early table was the relaxed optimum or within 2 of it."""
TABLE_HARD_SHARE = 0.85
"""Share of the time left that the table's search may take when it has found no table yet."""
STAFF_SHARE = 0.3
"""Share of the time then left for sharing out the duties."""


TIE_BREAK_DETERMINISTIC_LIMIT = 0.5
"""Work units (about seconds) for finding, among the tables as good as the relaxed optimum, one whose
dates force fewer make-ups (:func:`_cheaper_for_the_term`)."""
TIE_BREAK_SHARE = 0.1
"""The most of the run's time left that search may take."""

PROBE_DETERMINISTIC_LIMIT = 2.0
"""Work units (about seconds) the every-wish-met probe may take before the full search starts. It
answers in a fraction of one unit whether such a table exists or not (0.03-1 s up to 240 generated
classes); when it cannot, the full search is the better use of the time."""

STAFF_TABLE_DETERMINISTIC_LIMIT = 0.5
"""Work units for letting the table move in the staff step: at 72 and 120 generated classes evening
the duties out that way took 4.3 and 5.7 units (5 s and 14 s) for a spread of 0 instead of 2."""
STAFF_TABLE_BELOW_CLASSES = 60
"""Only schools smaller than this let the table move for the duties' sake: at 72, 120 and 240
generated classes the moved table was never better within the budget above (spread 2 stayed 2),
and the try took 1.1 s of a 4.3 s solve at 72 classes; a small school's try takes a moment and can
give a part-timer their share."""


@dataclass
class Weekly:
    """The weekly stage's answer: the model naming people and the solver holding its table."""

    built: BuiltModel
    solver: cp_model.CpSolver
    table_status: cp_model.CpSolverStatus
    """OPTIMAL when the table is proven best for the classes' wishes."""
    staff_status: cp_model.CpSolverStatus
    """OPTIMAL when its duties are proven shared out as evenly as the table allows (or there is
    nothing to share out)."""
    bound: float
    """The table's bound and, when the staff have wishes, the bound of their step."""
    table_bound: float
    """The table's bound alone: valid for every table (the staff step's is for this table only)."""
    size: tuple[int, int]
    """Variables and constraints of the model the table was searched in."""
    build_seconds: float
    solve_seconds: float


def relaxable(
    hard_rules: Sequence[HardRule], soft_rules: Sequence[SoftRule], layer: WeeklyLayer | None
) -> bool:
    """Whether the table may first be solved with the staff left out: the rules are the model's own
    (which know how to read a model without people) and no layer prices the people on duty."""
    return layer is None and set(hard_rules) <= set(HARD_RULES) and set(soft_rules) <= set(SOFT_RULES)


@dataclass(frozen=True)
class WeeklyRun:
    """What each step of one weekly stage reads: the school, the rules, the term, the solver's
    options, the run's control and where progress goes."""

    scenario: Scenario
    hard_rules: Sequence[HardRule]
    soft_rules: Sequence[SoftRule]
    calendar: TermCalendar
    options: SolveOptions
    control: RunControl
    progress: ProgressCallback | None

    def build(
        self,
        hint: bool | None = None,
        people_are: Staffing = "named",
        only: Table | Cells | None = None,
        joint_free_times: bool = False,
    ) -> BuiltModel:
        """The model of the run's school and rules (see :func:`build_model`)."""
        return build_model(
            self.scenario,
            self.hard_rules,
            self.soft_rules,
            hint=hint,
            calendar=self.calendar,
            people_are=people_are,
            only=only,
            joint_free_times=joint_free_times,
        )


def weekly_stage(
    scenario: Scenario,
    calendar: TermCalendar,
    hard_rules: Sequence[HardRule],
    soft_rules: Sequence[SoftRule],
    layer: WeeklyLayer | None,
    options: SolveOptions,
    control: RunControl,
    progress: ProgressCallback | None,
) -> Weekly:
    """The weekly table with its people named.

    The table is first solved with the staff left out (:data:`~rota_solver.model.variables.Staffing`),
    a relaxation: its optimum is a lower bound of the model naming them, and when people can be named
    on its table without a higher penalty, that table is the named model's optimum, proven. The
    240-class generated school's table is proven best in about 2 s this way, where the model naming
    people took 36-65 s. When they cannot be named (or for a rerun, or rules of the caller's), the
    named model is searched, from the relaxed table and knowing its bound."""
    run = WeeklyRun(scenario, hard_rules, soft_rules, calendar, options, control, progress)
    began, left_at_start = time.monotonic(), control.left()
    stop_at = began + control.share(TABLE_SHARE)
    build_seconds = solve_seconds = 0.0
    built: BuiltModel | None = None
    bound = 0.0
    tried: Table | None = None
    fallback: _Fallback | None = None
    early: _Fallback | None = None
    early_build = 0.0
    if relaxable(hard_rules, soft_rules, layer):
        if takes_early_table(scenario, control):
            # A short run: a rota in hand first, should the relaxed optimum not come in time.
            started = time.perf_counter()
            early = _early_rota(run)
            if early is not None:
                # The rest of a short run is worth more to the dated stage than to a better table.
                stop_at = min(stop_at, began + IN_HAND_TABLE_SHARE * left_at_start)
            searched = early.solver.wall_time if early else 0.0
            early_build = time.perf_counter() - started - searched
            build_seconds += early_build
            solve_seconds += searched
        size: tuple[int, int] | None = None
        small = len(scenario.classes) < STAFF_TABLE_BELOW_CLASSES
        first_pass = 0.0
        for joint_free_times in (False, True):
            if early is not None and time.monotonic() + early_build >= stop_at:
                # The relaxed model takes about as long to build as the early rota's models did: it
                # would be built for a search with no time left (120 tight classes at 0.5 s: 0.13 s),
                # and the named model longer still. The rota in hand stands.
                standing = _better(fallback, early)
                assert standing is not None
                return _fallen_back(standing, bound, size, build_seconds, solve_seconds, control)
            if joint_free_times and (fallback is None or stop_at - time.monotonic() < first_pass):
                # People could not be named on the table at any penalty (a rule about people, not a
                # wish, stood in the way: pricing the wish would not help), or no time for a second
                # pass as long as the first.
                break
            started = time.perf_counter()
            # No first-fit start: the relaxed table is found and proven sooner without (240 generated
            # classes, seeds 0-2: 1.0-1.1 s against 1.6-1.9 s; 180: 0.5 s against 0.9 s).
            relaxed = run.build(people_are="left_out", hint=False, joint_free_times=joint_free_times)
            build_seconds += time.perf_counter() - started
            if joint_free_times and not _prices_joint_activities(relaxed):
                break  # no joint activity: the same relaxation as before
            # (Not from the first pass's table: its blocked activities held the search there.)
            solver = cp_solver(options, relaxation=True)
            # Its tables are reported once people are named on one: a relaxed table's penalty may be
            # below any the school can have.
            in_hand = fallback is not None or early is not None
            status = _search_table(relaxed, solver, control, None, stop_at, relaxation=True, in_hand=in_hand)
            solve_seconds += solver.wall_time
            if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                break
            first_pass = first_pass or time.perf_counter() - started
            bound = max(bound, solver.best_objective_bound)
            tried = relaxed.table(solver)
            size = size or _size(relaxed)
            started = time.perf_counter()
            naming, named, searched = _named_and_cheaper(run, relaxed, solver, status, tried, layer)
            build_seconds += time.perf_counter() - started - searched
            solve_seconds += searched
            if named.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                seconds = (build_seconds, solve_seconds)
                return _named_table(
                    naming, named, status, solver.objective_value, bound, size, seconds, control, progress
                )
            built = naming if small else None
            # People cannot be named on it at its penalty: most often a joint activity it leaves no
            # time for once people are on duty. People are named on it at whatever penalty they
            # allow (a whole rota in hand); then the classes in the activities' way are set free to
            # give them their time at that penalty, and else the relaxation is searched once more,
            # pricing it.
            if fallback is None:
                fallback = _named_at_any_penalty(naming, tried, options, control)
                if fallback is not None and progress is not None and _better(early, fallback) is fallback:
                    value = fallback.penalty
                    progress(Progress(WEEKLY_STAGE, control.elapsed(), value, bound, 1))
                if fallback is not None and _time_to_build(control, build_seconds - early_build):
                    started = time.perf_counter()
                    freed = _joint_activities_freed(run, fallback, bound)
                    if freed is not None:
                        naming, named = freed
                        build_seconds += time.perf_counter() - started - named.seconds
                        seconds = (build_seconds, solve_seconds + named.seconds)
                        return _named_table(
                            naming, named, cp_model.OPTIMAL, bound, bound, size, seconds, control, progress
                        )
        fallback = _better(fallback, early)
        if fallback is not None:
            tried = fallback.table
            if not _time_to_build(control, build_seconds - early_build) or time.monotonic() >= stop_at:
                # Too little time to build the named model and search it, or the table's share is
                # spent: the rota in hand stands.
                return _fallen_back(fallback, bound, size, build_seconds, solve_seconds, control)
        # Else no table in its time (a work limit), or none people can be named on: the named
        # model's search may yet find one.
    own = layer.own_cells(scenario) if layer is not None else None
    if built is None and layer is not None and own is not None:
        # The model of the layer's own table alone: when the layer settles that table (a published
        # table that still holds), it is the whole model's answer, at a fraction of its build
        # (120 generated classes: 0.15 s against 0.6 s).
        started = time.perf_counter()
        mine = run.build(hint=False, only=own)
        if layer.price_weekly_changes(mine, calendar):
            built = mine
        build_seconds += time.perf_counter() - started
    if built is None:
        started = time.perf_counter()
        # A rerun starts from the published table (the layer's hint), not the first-fit one.
        built = run.build(hint=False if layer else None)
        if layer is not None:
            layer.price_weekly_changes(built, calendar)
        build_seconds += time.perf_counter() - started
    if tried is not None:
        built.hint(tried)
        built.at_least(bound)
    solver = cp_solver(options)
    # The table with every wish met, unless the relaxation proved there is none.
    probe = built.every_wish_met() if bound < 1 else None
    try:
        status = _search_table(built, solver, control, progress, stop_at, probe, in_hand=fallback is not None)
    except NoSolutionInTime:
        if fallback is None:
            raise
        return _fallen_back(fallback, bound, _size(built), build_seconds, solve_seconds, control)
    solve_seconds += solver.wall_time
    bound = max(bound, solver.best_objective_bound)
    size = _size(built)
    if not built.has_staff_step:
        return Weekly(built, solver, status, status, bound, bound, size, build_seconds, solve_seconds)
    named = _name_people(built, built.table(solver), solver.objective_value, solver, control, progress)
    solve_seconds += named.seconds
    if named.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoSolutionInTime(round(control.elapsed(), 1))
    table_bound = bound
    bound += named.solver.best_objective_bound
    return Weekly(
        built, named.solver, status, named.status, bound, table_bound, size, build_seconds, solve_seconds
    )


def _named_table(
    naming: BuiltModel,
    named: _Named,
    table_status: cp_model.CpSolverStatus,
    objective: float,
    bound: float,
    size: tuple[int, int] | None,
    seconds: tuple[float, float],
    control: RunControl,
    progress: ProgressCallback | None,
) -> Weekly:
    """The weekly stage's answer when people are named on a relaxed table at its penalty
    (``objective``), its wishes' ``bound`` proven by the relaxation; ``seconds``: building, solving."""
    if progress is not None:
        progress(Progress(WEEKLY_STAGE, control.elapsed(), objective, bound, 1))
    staff_bound = named.solver.best_objective_bound if naming.has_staff_step else 0.0
    return Weekly(
        naming, named.solver, table_status, named.status, bound + staff_bound, bound, size or (0, 0), *seconds
    )


FALLBACK_KEPT_FACTOR = 1.5
"""With less time left than this many times what the relaxed and naming models took to build, the
named model is not built: the rota in hand stands."""


def _time_to_build(control: RunControl, build_seconds: float) -> bool:
    """Whether there is time left to build the named model: :data:`FALLBACK_KEPT_FACTOR` times what
    the relaxed and naming models took (``build_seconds``, the early table's left out)."""
    return control.left() >= FALLBACK_KEPT_FACTOR * build_seconds


def _fallen_back(
    fallback: _Fallback,
    bound: float,
    size: tuple[int, int] | None,
    build_seconds: float,
    solve_seconds: float,
    control: RunControl,
) -> Weekly:
    """The weekly stage's answer when time ran out with only the rota in hand: not proven."""
    if WEEKLY_STAGE not in control.cut_short:
        control.cut_short.append(WEEKLY_STAGE)
    return Weekly(
        fallback.naming,
        fallback.solver,
        cp_model.FEASIBLE,
        cp_model.FEASIBLE,
        bound,
        bound,
        size or (0, 0),
        build_seconds,
        solve_seconds + fallback.solver.wall_time,
    )


def _early_rota(run: WeeklyRun) -> _Fallback | None:
    """The run's first rota, reported at once: the first-fit table with room made for the classes it
    left out (:func:`~rota_solver.early_table.first_fit_table`), or when room could not be made, the
    best table of its neighbourhood (:func:`~rota_solver.early_table.first_fit_completed`); people
    named on it at whatever penalty they allow. ``None`` if there is none."""
    scenario, control = run.scenario, run.control
    fitted = first_fit(scenario, make_room=True)
    table = first_fit_table(scenario, fitted)
    if table is None:
        table = first_fit_completed(
            scenario, run.hard_rules, run.soft_rules, run.calendar, run.options, control, WEEKLY_STAGE, fitted
        )
    if table is None:
        return None
    naming = run.build(hint=False, only=table)
    early = _named_at_any_penalty(
        naming, table, run.options, control, floor_seconds=EARLY_NAMING_FLOOR_SECONDS
    )
    if early is None:
        return None
    if run.progress is not None:
        run.progress(Progress(WEEKLY_STAGE, control.elapsed(), early.penalty, None, 1))
    return _duties_spread(early, run.options, control)


EARLY_NAMING_FLOOR_SECONDS = 0.3
"""The least time naming people on the early table gets, past the deadline if need be: it is the run's
rota of last resort (120 tight classes, a 0.1 s limit: the search had 0.01 s, found none, and the run
failed 0.5 s later having searched for another table; its first answer takes 0.04 s)."""

EARLY_DUTIES_DETERMINISTIC_LIMIT = 0.2
"""Work units (about seconds) for sharing the early rota's duties out: 72-240 tight generated
classes took 0.015-0.075 units (0.05-0.19 s), the staff step then 0 (72), 0-2 (120), 90 (240)."""
EARLY_DUTIES_SHARE = 0.3
"""The most of the time left that it may take: its first answer is the early rota itself, so a share
as short as the naming's (a tenth) ended it there in one 1 s run of 120 classes in six."""


def _duties_spread(early: _Fallback, options: SolveOptions, control: RunControl) -> _Fallback:
    """The early rota with its duties shared out as the staff wishes ask, its table and wishes held:
    it may stand as the run's weekly table (72 tight generated classes, a 1 s limit: the staff step
    84-88 when left as first named, 0 after). The early rota itself when that finds nothing in time,
    or when the time left is shorter than naming people took (the run is past its deadline, or
    nearly): the search, as long as that at the least, would only make it later."""
    if control.left() <= early.solver.wall_time:
        return early
    spread = _named_at_any_penalty(early.naming, early.table, options, control, early.penalty, early.solver)
    return spread or early


def _better(one: _Fallback | None, other: _Fallback | None) -> _Fallback | None:
    """The rota in hand of the lower penalty (the first on a tie)."""
    if one is None or other is None:
        return one or other
    return other if other.penalty < one.penalty else one


def _prices_joint_activities(built: BuiltModel) -> bool:
    return any(p.name == "JointActivityTime" and p.units for p in built.penalties)


def _size(built: BuiltModel) -> tuple[int, int]:
    proto = built.rm.model.proto
    return len(proto.variables), len(proto.constraints)


def _cheaper_for_the_term(
    relaxed: BuiltModel,
    solver: cp_model.CpSolver,
    status: cp_model.CpSolverStatus,
    calendar: TermCalendar,
    options: SolveOptions,
    control: RunControl,
    layer: WeeklyLayer | None,
) -> Table | None:
    """Among the tables as good as the relaxed optimum, one whose cells' dates cost the term less at
    the least (:func:`~rota_solver.term.foresight.foreseen_cost`: the make-ups their days off force,
    the sessions an all-day event must displace), or ``None`` when the optimum's cost nothing or no
    cheaper table is found in a short search. The wishes and their proof are the same; the term is
    cheaper (the demo school: two classes off the B-week Friday lunch cells that Mid-Autumn, the
    sports days and New Year shut, penalty 66 -> 54; then a November day with no session for the
    reading month's opening day, 44 -> 34). Not for a rerun, whose table keeps the published one
    where it can."""
    if layer is not None or status != cp_model.OPTIMAL:
        return None
    rm = relaxed.rm
    foresight = foresee(rm.scenario, calendar, list(rm.placements), rm.cycle_weeks)
    seconds = control.left() * TIE_BREAK_SHARE
    if seconds < 0.05:
        return None

    def cost(model: cp_model.CpModel) -> cp_model.LinearExprT:
        return foreseen_cost(model, rm.placements, foresight, rm.scenario, UNMET_PENALTY)

    chosen = {key: int(solver.boolean_value(var)) for key, var in rm.placements.items()}
    model = relaxed.among_equals(solver.objective_value, cost, solver)
    if foresight.orientations.orientations:
        # What the orientations cost this table takes a search of its own (a small one: the table
        # held), whose whole answer, the orientations' spots too, is where the tie-break starts.
        held = relaxed.among_equals(solver.objective_value, cost, solver)
        for key, value in chosen.items():
            held.add(rm.placements[key] == value)
        now_solver = cp_solver(options, relaxation=True)
        found = control.search(now_solver, held, stage=WEEKLY_STAGE, seconds=seconds / 2, tentative=True)
        if found != cp_model.OPTIMAL:
            return None
        now = round(now_solver.objective_value)
        # The two copies make the same variables in the same order.
        hint_whole_answer(model, now_solver)
    else:
        now = cost_of(foresight, [key for key, value in chosen.items() if value], rm.scenario, UNMET_PENALTY)
    if now == 0:
        return None
    tie = cp_solver(options, relaxation=True)
    # A work limit, not a clock: the same scenario and seed choose the same table.
    tie.parameters.max_deterministic_time = TIE_BREAK_DETERMINISTIC_LIMIT
    found = control.search(tie, model, stage=WEEKLY_STAGE, seconds=seconds, tentative=True)
    if found not in (cp_model.OPTIMAL, cp_model.FEASIBLE) or tie.objective_value >= now:
        return None
    return relaxed.table(tie)


def _search_table(
    built: BuiltModel,
    solver: cp_model.CpSolver,
    control: RunControl,
    progress: ProgressCallback | None,
    stop_at: float,
    probe: cp_model.CpModel | None = None,
    relaxation: bool = False,
    in_hand: bool = False,
) -> cp_model.CpSolverStatus:
    """Search the table within its share of the time (past it only until a first table, unless a
    rota is already ``in_hand``: then the time left is the dated stage's); first, with a ``probe``
    (the model with every wish met, see :meth:`BuiltModel.every_wish_met`), for a table of no
    penalty, which when found is the optimum. Raises when there is no table (or, unless a
    ``relaxation``'s, none in time); the solver holds the answer."""
    reporter = Reporter(WEEKLY_STAGE, progress)
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
        solver.parameters.max_deterministic_time = limit
        if status == cp_model.OPTIMAL:
            return status
        reporter = Reporter(WEEKLY_STAGE, progress)
    status = control.search(
        solver,
        built.rm.model,
        reporter,
        stage=WEEKLY_STAGE,
        seconds=stop_at - time.monotonic() if in_hand else control.share(TABLE_HARD_SHARE),
        soft_seconds=stop_at - time.monotonic(),
    )
    if status == cp_model.MODEL_INVALID:
        # A bug of ours, not the school's: never explain it as a conflict in the school's rules.
        raise RuntimeError(f"internal error, the weekly model is invalid: {built.rm.model.validate()}")
    if status == cp_model.INFEASIBLE:
        # A relaxation without a table: the model naming people has none either.
        raise NoRotaExists(["the weekly table's hard rules cannot all hold"])
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE) and not relaxation:
        raise NoSolutionInTime(round(control.elapsed(), 1))
    return status


@dataclass
class _Named:
    status: cp_model.CpSolverStatus
    """INFEASIBLE when people cannot be named on the table at its penalty."""
    solver: cp_model.CpSolver
    seconds: float


NAMED_AT_ANY_PENALTY_SHARE = 0.1
"""Of the time left, what naming people on a relaxed table at whatever penalty they allow may take."""


@dataclass(frozen=True)
class _Fallback:
    """A relaxed table with people named at whatever penalty they allow: a whole rota in hand."""

    naming: BuiltModel
    solver: cp_model.CpSolver
    table: Table
    penalty: float
    """The table's wishes (the solver's objective may be the staff step's alone)."""


def _named_at_any_penalty(
    naming: BuiltModel,
    table: Table,
    options: SolveOptions,
    control: RunControl,
    wishes: float | None = None,
    start: cp_model.CpSolver | None = None,
    floor_seconds: float = 0.0,
) -> _Fallback | None:
    """``table`` with people named on it, its wishes as low as they allow (above the relaxed
    penalty, which people could not be named at): a whole rota at once, from which the named
    model's search starts, rather than from a table without people, and which stands if that
    search has no time. ``None`` when people cannot be named on it at all, or not in its time.
    With ``wishes`` (a rota in hand's): those held, and the duties shared out as the staff wishes ask,
    within :data:`EARLY_DUTIES_DETERMINISTIC_LIMIT`, from ``start`` (the solver holding that rota's
    whole answer) when given. ``floor_seconds``: the least time the search gets, past the deadline if
    need be (see :meth:`RunControl.search`)."""
    solver = cp_solver(options, relaxation=True)
    if wishes is not None:
        solver.parameters.max_deterministic_time = min(
            solver.parameters.max_deterministic_time, EARLY_DUTIES_DETERMINISTIC_LIMIT
        )
    held = naming.held_table(wishes, table)
    if start is not None:
        # Its whole answer, where the duties alone left CP-SAT to complete the rest (120 tight
        # classes: no solution within the 0.1 s a 0.3 s run had left).
        hint_whole_answer(held, start)
    reporter = Reporter(WEEKLY_STAGE)
    # Until its first answer at least (0.05 s at 120 tight generated classes): it is the rota in hand.
    status = control.search(
        solver,
        held,
        reporter,
        stage=WEEKLY_STAGE,
        seconds=control.left(),
        soft_seconds=control.left() * (NAMED_AT_ANY_PENALTY_SHARE if wishes is None else EARLY_DUTIES_SHARE),
        tentative=True,
        floor_seconds=floor_seconds,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    rm = naming.rm
    named = Table(
        day_sets=table.day_sets,
        placements=table.placements,
        duties={k: int(solver.value(v)) for k, v in rm.duties.items()},
        assignments={k: int(solver.value(v)) for k, v in rm.assignments.items()},
    )
    return _Fallback(naming, solver, named, solver.objective_value if wishes is None else wishes)


JOINT_FREED_DETERMINISTIC_LIMIT = 1.0
"""Work units (about seconds) for finding, among the tables near the one in hand, one that gives the
joint activities it blocks their time back (:func:`_joint_activities_freed`): 120 tight generated
classes took 0.02-0.03 units."""
JOINT_FREED_SHARE = 0.3
"""The most of the run's time left that search may take."""


def _joint_activities_freed(
    run: WeeklyRun, fallback: _Fallback, optimum: float
) -> tuple[BuiltModel, _Named] | None:
    """The rota in hand with the joint activities it leaves no time for given one, at the relaxed
    ``optimum``: a table near it and people named on it at that penalty, which proves it the best.

    The relaxed optimum most often blocks an activity only by where it put the sessions of a few
    classes (120 tight generated classes: the helpers' book repair, after school, 500 of an 848
    penalty). The classes in its way (:func:`classes_in_the_way`) are set free, every other class's
    cells held, in the relaxation that prices the activities' time, its penalty held at the optimum.
    ``None`` when the table people were named on blocks no activity, when the neighbourhood has no
    such table, or when people cannot be named on it at that penalty: the whole relaxation is
    searched again then."""
    blocked = blocked_occurrences(fallback.naming, fallback.solver)
    if not blocked:
        return None
    free = classes_in_the_way(run.scenario, run.calendar, blocked, fallback.table)
    near = run.build(
        people_are="left_out", hint=False, only=neighbourhood(fallback.table, free), joint_free_times=True
    )
    near.hint(fallback.table)
    near.at_least(optimum)
    near.at_most(optimum)
    control = run.control
    solver = cp_solver(run.options, relaxation=True)
    # The penalty is held, so it is a search for any table: the LP has nothing to bound (120 tight
    # generated classes: 0.05 s without it, 0.25-0.45 s with).
    solver.parameters.linearization_level = 0
    solver.parameters.add_lp_constraints_lazily = True
    # A work limit, not a clock: the same scenario and seed give the same table.
    solver.parameters.max_deterministic_time = min(
        solver.parameters.max_deterministic_time, JOINT_FREED_DETERMINISTIC_LIMIT
    )
    status = control.search(
        solver, near.rm.model, stage=WEEKLY_STAGE, seconds=control.left() * JOINT_FREED_SHARE, tentative=True
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    table = near.table(solver)
    naming, named, searched = _named_and_cheaper(run, near, solver, cp_model.OPTIMAL, table, None)
    if named.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return naming, _Named(named.status, named.solver, searched + solver.wall_time)


def _named_and_cheaper(
    run: WeeklyRun,
    relaxed: BuiltModel,
    solver: cp_model.CpSolver,
    status: cp_model.CpSolverStatus,
    table: Table,
    layer: WeeklyLayer | None,
) -> tuple[BuiltModel, _Named, float]:
    """People named on the relaxed ``table`` at the solver's penalty and, when they can be, on a table
    as good whose dates cost the term less (:func:`_cheaper_for_the_term`) if there is one and people
    can be named on it too: looked for only once people are named on ``table`` (were they not, the
    search would be lost: 48 generated classes, 0.9 s). Also the seconds spent searching."""
    objective = solver.objective_value
    naming, named = _name_on(run, table, objective)
    searched = named.seconds
    if named.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return naming, named, searched
    started = time.perf_counter()
    fewer = _cheaper_for_the_term(relaxed, solver, status, run.calendar, run.options, run.control, layer)
    searched += time.perf_counter() - started
    if fewer is not None:
        cheaper, on_cheaper = _name_on(run, fewer, objective)
        searched += on_cheaper.seconds
        if on_cheaper.status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return cheaper, on_cheaper, searched
    return naming, named, searched


def _name_on(run: WeeklyRun, table: Table, objective: float) -> tuple[BuiltModel, _Named]:
    """People named on a relaxed ``table`` at its penalty (:func:`_name_people`), in the model of the
    table's own cells (the named model with the table held: 0.1 s to build at 240 classes, not
    0.8 s), or a small school's whole model, whose table may still move for the duties' sake."""
    small = len(run.scenario.classes) < STAFF_TABLE_BELOW_CLASSES
    naming = run.build(hint=False, only=None if small else table)
    solver = cp_solver(run.options, relaxation=True)
    return naming, _name_people(naming, table, objective, solver, run.control, run.progress)


def _name_people(
    built: BuiltModel,
    table: Table,
    table_objective: float,
    solver: cp_model.CpSolver,
    control: RunControl,
    progress: ProgressCallback | None,
) -> _Named:
    """Name the people on ``table``'s duties, its wishes kept at ``table_objective``, sharing the
    duties out as the staff wishes ask.

    First with the table itself held (who is on duty is then all there is to choose: 0.1-0.3 s up to
    240 generated classes). Only when that leaves duties uneven may the table of a small school
    change too, among tables as good for the classes, starting from the held one's answer: a
    part-timer who works only on Mondays gets a duty only if some class comes on a Monday.
    """
    reporter = Reporter(STAFF_STAGE, progress)
    stop_at = time.monotonic() + control.share(STAFF_SHARE)
    held = built.held_table(table_objective, table)
    # Its share of the time, or longer if that is what its first answer takes: without one the
    # proven table would be thrown away (120 tight generated classes, 2 s: its share ended 0.2 s in).
    status = control.search(
        solver,
        held,
        reporter,
        stage=STAFF_STAGE,
        seconds=control.left(),
        soft_seconds=stop_at - time.monotonic(),
    )
    seconds = solver.wall_time
    if status == cp_model.INFEASIBLE:
        return _Named(status, solver, seconds)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoSolutionInTime(round(control.elapsed(), 1))
    small = len(built.rm.scenario.classes) < STAFF_TABLE_BELOW_CLASSES
    if solver.objective_value <= 0 or status != cp_model.OPTIMAL or not small:
        return _Named(status, solver, seconds)
    built.minimize(staff_step=True)
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
        return _Named(moved, mover, seconds)
    return _Named(status, solver, seconds)
