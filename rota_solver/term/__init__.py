"""The term stage: with the weekly pattern fixed on the dates, place make-ups, returns, activities
and stocktake shifts, and keep every class within its gap limit."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from ortools.sat.python import cp_model

from ..control import RunControl
from ..cp_bulk import add_hints
from ..errors import NoSolutionInTime
from ..labels import labels_for
from ..progress import ProgressCallback, Reporter
from ..rota import ActivityEvent, CalendarDay, DatedSession, LostSession, PenaltyTerm, StageReport, Unmet
from ..scenario import Scenario
from ..term_calendar import TermCalendar, week_label
from .first_fit import DatedFit, first_fit_plan
from .items import Fixed, Item, Spot, fixed_occupancy
from .layer import TermLayer
from .model import CHANGE_TERM, ChangePrices, TermModel, build_term_model
from .plan import TermInputs, build_inputs, limited_by_keep, stop_for_stocktake
from .reach import (
    REACH_ROUNDS,
    REACH_SHARE,
    Reach,
    ReachLayer,
    coupled,
    in_the_way,
    in_the_way_as_published,
    inside,
)
from .rhythm import RHYTHM_DESCRIPTION, RHYTHM_TERM

STAGE = "term_dates"


class DatedLayer(TermLayer, ChangePrices, ReachLayer, Protocol):
    """A layer over the whole dated stage: its inputs and its prices (a rerun's published rota), and
    the part of the term a change can reach."""


_DESCRIPTIONS = {
    "MakeupSessions": "A make-up session added so that no class waits longer than its gap limit.",
    "DisplacedSessions": "A pattern session that gives way to an activity (orientation, event day).",
    "ExtraReturnsSessions": "A final returns session in a slot of its own, not the class's last "
    "borrowing slot.",
    "LessonsTaken": "A make-up or returns session held in a lesson its rule may take (library_may_take).",
    "Unmet": "A requirement left unmet (activity, returns, shift or gap): see the unmet list.",
    CHANGE_TERM: "A published session or activity that the rerun moves, cancels or adds.",
    RHYTHM_TERM: RHYTHM_DESCRIPTION,
}


@dataclass(frozen=True)
class TermOutcome:
    sessions: list[DatedSession]
    lost: list[LostSession]
    activities: list[ActivityEvent]
    unmet: list[Unmet]
    stocktake_days: list[CalendarDay]
    terms: list[PenaltyTerm]
    stage: StageReport


def plan_term(
    scenario: Scenario,
    calendar: TermCalendar,
    pattern_sessions: list[DatedSession],
    pattern_lost: list[LostSession],
    solver: cp_model.CpSolver,
    control: RunControl,
    progress: ProgressCallback | None = None,
    layer: DatedLayer | None = None,
) -> TermOutcome:
    """Solve the term stage with ``solver`` (its parameters set by the caller) within ``control``'s
    deadline; with a ``layer`` (a rerun), around everything settled before its freeze date and with
    changes priced."""
    held, stocktake_lost = stop_for_stocktake(scenario, pattern_sessions)
    fixed = fixed_occupancy(held, scenario)
    # Probing in presolve took 0.5 s of the demo school's 1.1 s and found nothing the LP does not.
    solver.parameters.cp_model_probing_level = 0
    lost = pattern_lost + stocktake_lost
    if layer is not None:
        return _plan_rerun(scenario, calendar, held, lost, fixed, solver, control, progress, layer)
    building = time.perf_counter()
    inputs = build_inputs(scenario, calendar, held, lost, fixed)
    started = time.perf_counter()
    inputs_seconds = started - building
    # A fresh solve keeps a moment back: should the search find nothing in time, the first-fit
    # plan (or, failing that, the plain table with nothing placed) is still a rota.
    reserve = min(FALLBACK_SECONDS, control.left() * 0.1)
    searching = control.child(control.left() - reserve, share_cuts=True)
    search = _Search(solver, searching, Reporter(STAGE, progress) if progress else None)
    # With less time left than its inputs took, building the search's model would only overrun the
    # limit.
    solved = None
    if searching.left() > MODEL_BUILD_FACTOR * inputs_seconds:
        solved = _solve_people_later(scenario, calendar, inputs, fixed, search)
    if solved is None or solved.status != cp_model.OPTIMAL:
        bound = solved.bound if solved is not None else 0.0
        fit = first_fit_plan(scenario, calendar, inputs, fixed)
        fitted = _first_fit_named(scenario, calendar, inputs, fixed, fit, solver, control, bound)
        if solved is None or solved.status != cp_model.FEASIBLE:
            solved = fitted or _nothing_placed(scenario, calendar, inputs, fixed, solver, control, bound)
            if STAGE not in control.cut_short:
                control.cut_short.append(STAGE)
        elif fitted is not None and fitted.solver.objective_value < solved.solver.objective_value:
            solved = fitted  # the search stopped short of first fit's plan
    return _outcome(scenario, calendar, solved, time.perf_counter() - started)


def _plan_rerun(
    scenario: Scenario,
    calendar: TermCalendar,
    held: list[DatedSession],
    lost: list[LostSession],
    fixed: Fixed,
    solver: cp_model.CpSolver,
    control: RunControl,
    progress: ProgressCallback | None,
    layer: DatedLayer,
) -> TermOutcome:
    """The dated stage of a rerun: on the part of the term the change reaches when that is proven to
    be the full model's optimum (:mod:`rota_solver.term.reach`), else on the full model, first with
    only the changes the new scenario forces."""
    started = time.perf_counter()
    search = _Search(solver, control, Reporter(STAGE, progress) if progress else None)
    tried = _solve_in_reach(scenario, calendar, held, lost, fixed, search, layer)
    if tried.solved is not None and tried.inputs is not None:
        solved, inputs = tried.solved, tried.inputs
    elif control.left() <= 0:
        raise NoSolutionInTime(round(control.elapsed(), 1))  # building the full model would only overrun
    else:
        finder = tried.inputs.finder if tried.inputs is not None else None
        inputs = build_inputs(scenario, calendar, held, lost, fixed, layer, finder=finder)
        settled = False
        if not tried.unmet:
            tm, terms, status = _solve(scenario, calendar, inputs, fixed, search, layer, only_forced=True)
            settled = _settled(terms, solver, status)
        if not settled:
            tm, terms, status = _solve(scenario, calendar, inputs, fixed, search, layer, only_forced=False)
        solved = _Solved(tm, terms, status, solver, solver.best_objective_bound)
    if solved.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # Every requirement is elastic, so this is a time-out before the first solution.
        raise NoSolutionInTime(round(control.elapsed(), 1))
    outcome = _outcome(scenario, calendar, solved, time.perf_counter() - started)
    activities = sorted(
        layer.settled_activities() + outcome.activities,
        key=lambda a: (
            a.date,
            a.start or dt.datetime.combine(a.date, dt.time(0), tzinfo=scenario.school.tz),
            a.id,
        ),
    )
    return dataclasses.replace(outcome, activities=activities, unmet=inputs.settled_unmet + outcome.unmet)


@dataclass(frozen=True)
class _Search:
    """The stage's solver, the run's control and the progress reporter, passed as one."""

    solver: cp_model.CpSolver
    control: RunControl
    reporter: Reporter | None

    def run(
        self, model: cp_model.CpModel, solver: cp_model.CpSolver | None = None
    ) -> cp_model.CpSolverStatus:
        return self.control.search(
            solver or self.solver, model, self.reporter if solver is None else None, stage=STAGE
        )


Terms = dict[str, list[tuple[cp_model.LinearExprT, str]]]

FALLBACK_SECONDS = 1.0
"""Time a fresh solve's dated stage keeps back for its fallback (at most a tenth of what is left)."""
FALLBACK_FLOOR_SECONDS = 0.3
"""The least time the fallback gets, past the deadline if need be."""

MODEL_BUILD_FACTOR = 1.0
"""The search is tried when the time left is over this many times its inputs' time. Its model builds
in 0.5 times that on the tight benchmark schools and 1.3-3 times on the generated ones; with 2, a
2 s run at 120 tight classes stood on first fit (25 requirements unmet) where the search had time to
leave 20; with 1, a generated school's run whose search finds nothing ends 0.3 s past its limit."""

NAMING_ROUNDS = 3
"""Rounds of placing against head counts before every date is planned person by person."""


@dataclass(frozen=True)
class _Solved:
    tm: TermModel
    terms: Terms
    status: cp_model.CpSolverStatus
    solver: cp_model.CpSolver
    """The solver holding ``tm``'s solution."""
    bound: float
    """Lower bound on the full model's objective."""


def _solve_people_later(
    scenario: Scenario,
    calendar: TermCalendar,
    inputs: TermInputs,
    fixed: Fixed,
    search: _Search,
) -> _Solved:
    """Place every item against each role's head count, then name the people on the chosen spots.

    Duty variables per person were four in five of the model's variables (70,742 of 88,809 at 72
    generated classes). The head-count model is a relaxation of the full one, so when people can be
    named at its optimum without a worse objective, that is the full model's optimum. On a date where
    they cannot, the next round chooses people there inside the model; after ``NAMING_ROUNDS`` the
    full model runs.
    """
    solver = search.solver
    by_person: frozenset[dt.date] = frozenset()
    hint: dict[str, Spot] = {}
    for _ in range(NAMING_ROUNDS):
        tm = TermModel(scenario, calendar, inputs, fixed, by_person_on=by_person)
        terms = build_term_model(tm)
        if hint:
            add_hints(tm.model, ((var, hint.get(key) == spot) for (key, spot), var in tm.place.items()))
        status = search.run(tm.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _Solved(tm, terms, status, solver, solver.best_objective_bound)
        chosen = _chosen(tm, solver)
        named = _name_people(scenario, calendar, inputs, fixed, chosen, search)
        if _no_worse(named, solver):
            return _accepted(named, status, solver)
        if search.control.left() <= 0:  # building another model would only overrun the deadline
            return _Solved(tm, terms, cp_model.UNKNOWN, solver, solver.best_objective_bound)
        failed = _failed_dates(chosen, named)
        if failed:
            # Before another round: the items of those days free to take any of their spots again.
            repaired = _name_people(scenario, calendar, inputs, fixed, chosen, search, failed)
            if _no_worse(repaired, solver):
                return _accepted(repaired, status, solver)
        if not failed:
            break
        by_person |= failed
        hint = chosen
        if search.control.left() <= 0:
            return _Solved(tm, terms, cp_model.UNKNOWN, solver, solver.best_objective_bound)
    if search.control.left() <= 0:
        return _Solved(tm, terms, cp_model.UNKNOWN, solver, solver.best_objective_bound)
    tm = TermModel(scenario, calendar, inputs, fixed)
    terms = build_term_model(tm)
    status = search.run(tm.model)
    return _Solved(tm, terms, status, solver, solver.best_objective_bound)


def _nothing_placed(
    scenario: Scenario,
    calendar: TermCalendar,
    inputs: TermInputs,
    fixed: Fixed,
    like: cp_model.CpSolver,
    control: RunControl,
    bound: float,
) -> _Solved:
    """The dated plan when the time ran out before any was found: the weekly table's sessions on
    their dates, nothing added or moved, every required item listed unmet; valid, proven nothing.

    Its model has no spot to place anything (make-up candidates left out), so it builds and solves in
    a fraction of the search's model's time (presolve alone answers)."""
    items = [
        dataclasses.replace(item, spots=[], convertible=[]) for item in inputs.items if item.kind != "makeup"
    ]
    tm = TermModel(scenario, calendar, dataclasses.replace(inputs, items=items, displaceable={}), fixed)
    terms = build_term_model(tm)
    solver, status = _fallback_solve(tm.model, like, control)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        status = cp_model.FEASIBLE  # the plan of last resort, not the best one
    return _Solved(tm, terms, status, solver, _known(bound))


def _fallback_solve(
    model: cp_model.CpModel, like: cp_model.CpSolver, control: RunControl
) -> tuple[cp_model.CpSolver, cp_model.CpSolverStatus]:
    """Solve a fallback plan's model with ``like``'s parameters; it may use a moment past the
    deadline rather than leave the run without a rota."""
    solver = cp_model.CpSolver()
    solver.parameters.copy_from(like.parameters)
    control.check()
    solver.parameters.max_time_in_seconds = max(FALLBACK_FLOOR_SECONDS, min(FALLBACK_SECONDS, control.left()))
    return solver, solver.solve(model)


def _known(bound: float) -> float:
    """Every penalty is at least 0: a bound below that (a search stopped before it had one) says
    nothing."""
    return max(0.0, bound) if math.isfinite(bound) else 0.0


def _held_to(
    inputs: TermInputs, chosen: dict[str, Spot], free_on: frozenset[dt.date] = frozenset()
) -> list[Item]:
    """The items, each held to its chosen spot (or to none), make-ups not chosen left out; items
    chosen on a date of ``free_on`` keep all their spots."""
    return [
        item
        if item.key in chosen and chosen[item.key].date in free_on
        else dataclasses.replace(item, spots=[chosen[item.key]] if item.key in chosen else [])
        for item in inputs.items
        if item.key in chosen or item.kind != "makeup"
    ]


def _first_fit_named(
    scenario: Scenario,
    calendar: TermCalendar,
    inputs: TermInputs,
    fixed: Fixed,
    fit: DatedFit,
    like: cp_model.CpSolver,
    control: RunControl,
    bound: float,
) -> _Solved | None:
    """The dated plan when the search found none in time (or stopped short of it): every item held
    to its first-fit spot (or unplaced), the people first fit named as the hint. The model checks
    every hard rule again, and leaves out (reports unmet) whatever first fit got wrong. ``None`` if
    it finds nothing in time."""
    tm = TermModel(scenario, calendar, dataclasses.replace(inputs, items=_held_to(inputs, fit.spots)), fixed)
    terms = build_term_model(tm)
    add_hints(tm.model, ((var, True) for var in tm.place.values()))
    add_hints(tm.model, ((var, person in fit.people[key]) for (key, _, person), var in tm.duty.items()))
    add_hints(tm.model, ((var, session_id not in fit.given_way) for session_id, var in tm.held.items()))
    solver, status = _fallback_solve(tm.model, like, control)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    # Proven best only for these spots, not among all the term's plans.
    return _Solved(tm, terms, cp_model.FEASIBLE, solver, _known(bound))


def _no_worse(named: _Solved, relaxed: cp_model.CpSolver) -> bool:
    """Whether people were named without raising the head-count model's objective."""
    if named.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    return round(named.solver.objective_value) <= round(relaxed.objective_value)


def _accepted(named: _Solved, status: cp_model.CpSolverStatus, relaxed: cp_model.CpSolver) -> _Solved:
    """The named rota, proven best when the head-count model was (its bound holds for both)."""
    proven = status == cp_model.OPTIMAL and named.status == cp_model.OPTIMAL
    return dataclasses.replace(
        named, status=cp_model.OPTIMAL if proven else cp_model.FEASIBLE, bound=relaxed.best_objective_bound
    )


def _failed_dates(chosen: dict[str, Spot], named: _Solved) -> frozenset[dt.date]:
    """Dates of the items that did not keep their chosen spot once people were named."""
    solved = named.status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    kept = _chosen(named.tm, named.solver) if solved else {}
    return frozenset(spot.date for key, spot in chosen.items() if kept.get(key) != spot)


def _name_people(
    scenario: Scenario,
    calendar: TermCalendar,
    inputs: TermInputs,
    fixed: Fixed,
    chosen: dict[str, Spot],
    search: _Search,
    free_on: frozenset[dt.date] = frozenset(),
) -> _Solved:
    """The full model with every item held to its chosen spot (or unplaced), make-ups not chosen
    left out: what remains is who is on duty. Items chosen on a date of ``free_on`` keep all
    their spots."""
    tm = TermModel(
        scenario, calendar, dataclasses.replace(inputs, items=_held_to(inputs, chosen, free_on)), fixed
    )
    terms = build_term_model(tm)
    solver = cp_model.CpSolver()
    solver.parameters.copy_from(search.solver.parameters)
    status = search.run(tm.model, solver)
    return _Solved(tm, terms, status, solver, solver.best_objective_bound)


def _chosen(tm: TermModel, solver: cp_model.CpSolver) -> dict[str, Spot]:
    return {key: spot for (key, spot), var in tm.place.items() if solver.boolean_value(var)}


def _solve(
    scenario: Scenario,
    calendar: TermCalendar,
    inputs: TermInputs,
    fixed: Fixed,
    search: _Search,
    layer: DatedLayer,
    only_forced: bool,
) -> tuple[TermModel, dict[str, list[tuple[cp_model.LinearExprT, str]]], cp_model.CpSolverStatus]:
    """Build and solve the term model. For a rerun with ``only_forced``, every change the new
    scenario does not force is ruled out: a far smaller search, and when it meets every requirement
    it is the true optimum (any other rota makes an unforced change, which costs more than every
    wish together)."""
    tm = TermModel(scenario, calendar, inputs, fixed, not_before=layer.freeze)
    terms = build_term_model(tm, layer)
    layer.hint(tm)
    if only_forced:
        for expr, _ in terms[CHANGE_TERM]:
            if not isinstance(expr, int):
                tm.model.add(expr == 0)
    status = search.run(tm.model)
    return tm, terms, status


@dataclass(frozen=True)
class _Reached:
    solved: _Solved | None
    """The rerun's optimum, or ``None`` when the part of the term its change reaches did not prove it."""
    inputs: TermInputs | None
    """The inputs last built (their spot finder's answers serve the full model's)."""
    unmet: bool = False
    """Whether a held model's optimum left something unmet: then so does every rota with only the
    changes the new scenario forces (they are rotas of the held model)."""


def _solve_in_reach(
    scenario: Scenario,
    calendar: TermCalendar,
    held: list[DatedSession],
    lost: list[LostSession],
    fixed: Fixed,
    search: _Search,
    layer: DatedLayer,
) -> _Reached:
    """The rerun's optimum from the part of the term its change reaches (the held model, with the
    bound model proving it: :mod:`rota_solver.term.reach`); when that is not proven the full model
    is to run."""
    reach = layer.reach(scenario, calendar, held, lost)
    if reach is None:
        return _Reached(None, None)
    everyone = {c.id for c in scenario.classes}
    inputs: TermInputs | None = None
    unmet = False
    for round_number in range(REACH_ROUNDS):
        # Items outside the reach only at the spots the layer holds them at; an item that cannot
        # stay there joins the reach, and the inputs are built again (looking up only what is new).
        rebuild = True
        while rebuild:
            finder = inputs.finder if inputs is not None else None
            inputs = build_inputs(
                scenario, calendar, held, lost, fixed, layer, keep=layer.kept_spots(reach), finder=finder
            )
            grown = coupled(inputs, layer.grow(reach, inputs))
            if len(grown.classes & everyone) >= REACH_SHARE * len(everyone):
                # Most of the school: the full model at once rather than two models nearly as large.
                grown = grown.add(everyone, {item.key for item in inputs.items})
            # Built again only if the reach took in an item whose spots the layer limited.
            rebuild = grown.classes != reach.classes or any(
                limited_by_keep(item) and grown.holds(item) and not reach.holds(item) for item in inputs.items
            )
            reach = grown
        assert inputs is not None
        whole = everyone <= reach.classes and all(reach.holds(item) for item in inputs.items)
        early: _Bound | None = None
        if round_number == 0 and not whole:
            # The bound first. When its rota wants more classes held as published outside the reach
            # than the reach has, the held model, which holds them, would not prove it: the reach
            # grows now, without that model (a closed room at 120 generated classes: 14 classes grew
            # to 53, and 27 to 108 at 240, whose held model took 0.6 s). A few more (a session given
            # way otherwise than published) the held model's rota may share: it is solved as before.
            early = _bound(scenario, calendar, inputs, fixed, search, layer, reach, None)
            if early is not None:
                wider = in_the_way_as_published(layer, inputs, early.tm, early.solver, reach)
                if len(wider.classes - reach.classes) > len(reach.classes):
                    reach = wider
                    continue
        tm = TermModel(scenario, calendar, inputs, fixed, not_before=layer.freeze)
        terms = build_term_model(tm, layer)
        layer.hint(tm)
        status = search.run(tm.model)
        solved = _Solved(tm, terms, status, search.solver, search.solver.best_objective_bound)
        if whole:
            return _Reached(solved, inputs)  # the reach is everything: the held model is the full one
        if status != cp_model.OPTIMAL or search.control.left() <= 0:
            return _Reached(_timed_out(solved, search), inputs, unmet)
        unmet = unmet or _unmet_and_changes(terms, search.solver)[0] > 0
        bound = early or _bound(scenario, calendar, inputs, fixed, search, layer, reach, (tm, search.solver))
        if bound is None:
            return _Reached(_timed_out(solved, search), inputs, unmet)
        bound_tm, bound_terms, bound_solver = bound.tm, bound.terms, bound.solver
        if _unmet_and_changes(terms, search.solver) == _unmet_and_changes(bound_terms, bound_solver):
            return _Reached(solved, inputs)
        wider = layer.changed_outside(
            tm, search.solver, in_the_way(tm, search.solver, bound_tm, bound_solver, reach)
        )
        if search.control.left() <= 0:
            return _Reached(_timed_out(solved, search), inputs, unmet)
        if wider == reach:
            break
        reach = wider
    return _Reached(None, inputs, unmet)


@dataclass(frozen=True)
class _Bound:
    """A bound model solved to optimality: :mod:`rota_solver.term.reach`."""

    tm: TermModel
    terms: Terms
    solver: cp_model.CpSolver


def _bound(
    scenario: Scenario,
    calendar: TermCalendar,
    inputs: TermInputs,
    fixed: Fixed,
    search: _Search,
    layer: DatedLayer,
    reach: Reach,
    held: tuple[TermModel, cp_model.CpSolver] | None,
) -> _Bound | None:
    """The bound model of ``reach`` at its optimum, starting from the ``held`` model's rota cut down
    (one of its rotas), else from the layer's; ``None`` when the search did not prove it."""
    bound_tm = TermModel(
        scenario, calendar, inside(inputs, reach), fixed, not_before=layer.freeze, gap_classes=reach.classes
    )
    bound_terms = build_term_model(bound_tm, layer.within(reach))
    _only_unmet_and_changes(bound_tm, bound_terms)
    if held is not None:
        _hint_from(bound_tm, *held)
    else:
        layer.hint(bound_tm)
    bound_solver = cp_model.CpSolver()
    bound_solver.parameters.copy_from(search.solver.parameters)
    if search.run(bound_tm.model, bound_solver) != cp_model.OPTIMAL:
        return None
    return _Bound(bound_tm, bound_terms, bound_solver)


def _timed_out(solved: _Solved, search: _Search) -> _Solved | None:
    """The held model's rota, not proven, when the time ran out (no time is left for the full model);
    otherwise ``None``, for the full model to run. (Its bound is the held model's, not the full
    model's: only 0 is known to be below the full model's optimum.)"""
    if search.control.left() > 0 or solved.status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return dataclasses.replace(solved, status=cp_model.FEASIBLE, bound=0.0)


def _hint_from(tm: TermModel, solved: TermModel, solver: cp_model.CpSolver) -> None:
    """Start ``tm``'s search from ``solver``'s rota of ``solved`` (a model with every item, spot and
    session ``tm`` has)."""

    def copy(variables: Mapping[K, cp_model.IntVar], values: Mapping[K, cp_model.IntVar]) -> None:
        hints = ((var, solver.value(values[key])) for key, var in variables.items() if key in values)
        add_hints(tm.model, hints)

    copy(tm.place, solved.place)
    copy(tm.duty, solved.duty)
    copy(tm.held, solved.held)
    copy(tm.convert, solved.convert)
    copy(tm.unplaced, solved.unplaced)


K = TypeVar("K")


def _only_unmet_and_changes(tm: TermModel, terms: Terms) -> None:
    """The bound model's objective: unmet requirements, then changes; its wishes are left out (the
    proof compares only these two, so the search need not settle the wishes)."""
    changes = terms.get(CHANGE_TERM, [])
    tm.model.minimize(
        (len(changes) + 1) * cp_model.LinearExpr.sum([expr for expr, _ in terms["Unmet"]])
        + cp_model.LinearExpr.sum([expr for expr, _ in changes])
    )


def _unmet_and_changes(terms: Terms, solver: cp_model.CpSolver) -> tuple[int, int]:
    def total(name: str) -> int:
        return sum(int(solver.value(expr)) for expr, _ in terms.get(name, []))

    return total("Unmet"), total(CHANGE_TERM)


def _settled(
    terms: dict[str, list[tuple[cp_model.LinearExprT, str]]],
    solver: cp_model.CpSolver,
    status: cp_model.CpSolverStatus,
) -> bool:
    """Whether the forced-changes-only solve is the answer: optimal, with nothing unmet."""
    if status != cp_model.OPTIMAL:
        return False
    return not any(solver.value(expr) for expr, _ in terms["Unmet"])


def _not_lost_to_returns(lost: list[LostSession], sessions: list[DatedSession]) -> list[LostSession]:
    """A borrowing cell lost to the stocktake whose class's final returns session lands at that very
    time is not lost: the class comes as usual, to return its books (the verifier counts the cell as
    held by that session)."""
    returns = {(s.class_id, s.rule_id, s.date, s.start.time()) for s in sessions if s.origin == "returns"}
    return [
        x for x in lost if x.cause != "stocktake" or (x.class_id, x.rule_id, x.date, x.start) not in returns
    ]


def _outcome(scenario: Scenario, calendar: TermCalendar, solved: _Solved, seconds: float) -> TermOutcome:
    tm, solver, status, terms = solved.tm, solved.solver, solved.status, solved.terms
    tz = scenario.school.tz
    days = {d.date: d for d in calendar.days}
    chosen = _chosen(tm, solver)
    on_duty: dict[str, list[str]] = defaultdict(list)
    for (key, spot, person), var in tm.duty.items():
        if chosen.get(key) == spot and solver.boolean_value(var):
            on_duty[key].append(person)

    displaced = {sid for sid, var in tm.held.items() if not solver.boolean_value(var)}
    converted = {sid: key for (key, sid), var in tm.convert.items() if solver.boolean_value(var)}
    sessions = [
        s.model_copy(update={"id": converted[s.id], "kind": "returns", "origin": "returns"})
        if s.id in converted
        else s
        for s in tm.inputs.held
        if s.id not in displaced
    ]
    lost = list(tm.inputs.lost)
    by_id = {s.id: s for s in tm.inputs.held}
    for sid in sorted(displaced):
        s = by_id[sid]
        reasons = [tm.item(k).label for k in tm.inputs.displaceable[sid] if k in chosen]
        lost.append(
            LostSession(
                date=s.date,
                rule_id=s.rule_id,
                class_id=s.class_id,
                start=s.start.time(),
                reason=", ".join(reasons) or "activity",
                cause="activity",
            )
        )
    activities: list[ActivityEvent] = []
    makeup_count: dict[tuple[str, str, int], int] = defaultdict(int)
    for s in tm.inputs.held:  # a rerun keeps published make-ups: number new ones after them
        if s.origin == "makeup":
            makeup_count[(s.rule_id, s.class_id, s.teaching_week)] += 1
    for item in tm.inputs.items:
        if item.key not in chosen:
            continue
        spot = chosen[item.key]
        day = days[spot.date]
        start = dt.datetime.combine(spot.date, _clock(spot.start), tzinfo=tz)
        end = dt.datetime.combine(spot.date, _clock(spot.end), tzinfo=tz)
        staff = sorted(on_duty.get(item.key, []))
        if item.kind in ("makeup", "returns"):
            assert item.rule_id is not None
            rule = next(r for r in scenario.rules if r.id == item.rule_id)
            class_id = item.classes[0]
            if item.kind == "makeup":
                week_key = (rule.id, class_id, day.teaching_week)
                makeup_count[week_key] += 1
                session_id = f"{rule.id}.{class_id}.w{day.teaching_week}.m{makeup_count[week_key]}"
            else:
                session_id = item.key
            sessions.append(
                DatedSession(
                    id=session_id,
                    date=spot.date,
                    start=start,
                    end=end,
                    follows=day.follows,
                    teaching_week=day.teaching_week,
                    week_label=week_label(day.cycle_week, calendar.cycle_weeks),
                    window_id=spot.window_id,
                    rule_id=rule.id,
                    kind="returns" if item.kind == "returns" else rule.kind,
                    room_id=rule.room,
                    class_id=class_id,
                    staff_ids=staff,
                    origin=item.kind,
                )
            )
            continue
        activity = item.activity
        activities.append(
            ActivityEvent(
                id=item.key,
                activity_id=activity.id if activity else "stocktake",
                name=item.label,
                kind=activity.kind if activity else "stocktake",
                date=spot.date,
                all_day=item.all_day,
                start=None if item.all_day else start,
                end=None if item.all_day else end,
                follows=day.follows,
                window_id=None if item.all_day else spot.window_id,
                room_id=item.room,
                class_ids=list(item.classes),
                helper_group_ids=list(item.helper_groups),
                teacher_group_ids=list(item.teacher_groups),
                participant_staff_ids=list(item.staff),
                staff_ids=staff,
            )
        )
    sessions.sort(key=lambda s: (s.start, s.room_id, s.class_id))
    lost = _not_lost_to_returns(lost, sessions)
    lost.sort(key=lambda x: (x.date, x.start, x.rule_id, x.class_id))
    activities.sort(
        key=lambda a: (a.date, a.start or dt.datetime.combine(a.date, dt.time(0), tzinfo=tz), a.id)
    )
    unmet = _unmet(tm, solver)
    proof = "term_optimal" if status == cp_model.OPTIMAL else "term_limit"
    stage = StageReport(
        name="term_dates",
        status="optimal" if status == cp_model.OPTIMAL else "feasible",
        objective=round(solver.objective_value),
        best_bound=round(solved.bound),
        seconds=round(seconds, 3),
        proves=labels_for("en").proof(proof),
        proof=proof,
    )
    return TermOutcome(
        sessions,
        lost,
        activities,
        unmet,
        _stocktake_days(scenario, calendar),
        _penalties(tm, solver, terms),
        stage,
    )


def _clock(minute_of_day: int) -> dt.time:
    return dt.time(minute_of_day // 60, minute_of_day % 60)


def _penalties(
    tm: TermModel, solver: cp_model.CpSolver, terms: dict[str, list[tuple[cp_model.LinearExprT, str]]]
) -> list[PenaltyTerm]:
    out = []
    for name, units in terms.items():
        bearers: dict[str, int] = defaultdict(int)
        for expr, bearer in units:
            value = int(solver.value(expr))
            if value:
                bearers[bearer] += value
        weight = tm.weights[name]
        total = sum(bearers.values())
        out.append(
            PenaltyTerm(
                name=name,
                description=_DESCRIPTIONS[name],
                weight=weight,
                units=total,
                cost=weight * total,
                bearers=dict(sorted(bearers.items())),
            )
        )
    return out


_UNMET_WORDS = {
    "zh-CN": {
        "unplaced": "{what} 无法安排：{why}",
        "no_slot": "没有空闲时段",
        "clash": "每个空闲时段都与其他安排冲突",
        "gap": "{who} 在 {start} 至 {end} 之间没有{rule}，也没有可用于补课的空闲时段",
    },
    "en": {
        "unplaced": "{what} could not be placed: {why}",
        "no_slot": "no free slot",
        "clash": "every free slot clashes with something else",
        "gap": "{who} has no {rule} session between {start} and {end}, and no free slot for a make-up",
    },
}


def _unmet(tm: TermModel, solver: cp_model.CpSolver) -> list[Unmet]:
    words = _UNMET_WORDS[tm.scenario.school.locale]
    out = []
    for key, var in tm.unplaced.items():
        if solver.boolean_value(var):
            item = tm.item(key)
            kind: Literal["returns", "activity", "stocktake_shift"] = (
                "returns"
                if item.kind == "returns"
                else "activity"
                if item.kind == "activity"
                else "stocktake_shift"
            )
            why = words["no_slot"] if not item.spots else words["clash"]
            subject = f"{item.classes[0]}/{item.rule_id}" if item.kind == "returns" else key
            message = words["unplaced"].format(what=f"{item.label} ({key})", why=why)
            out.append(Unmet(kind=kind, subject=subject, message=message))
    reported: set[tuple[str, str]] = set()
    for class_id, rule_id, start, end, slack, _ in tm.gap_slack:
        if solver.boolean_value(slack) and (class_id, rule_id) not in reported:
            reported.add((class_id, rule_id))
            out.append(
                Unmet(
                    kind="gap",
                    subject=f"{class_id}/{rule_id}",
                    message=words["gap"].format(
                        who=tm.scenario.school_class(class_id).label,
                        rule=next(r.name or r.id for r in tm.scenario.rules if r.id == rule_id),
                        start=start,
                        end=end,
                    ),
                )
            )
    return out


def _stocktake_days(scenario: Scenario, calendar: TermCalendar) -> list[CalendarDay]:
    stocktake = scenario.stocktake
    if stocktake is None:
        return []
    name = {"zh-CN": "图书清点", "en": "Stocktake"}[scenario.school.locale]
    return [
        CalendarDay(date=d.date, kind="stocktake", name=name)
        for d in calendar.days
        if stocktake.start <= d.date <= stocktake.end
    ]


__all__ = ["DatedLayer", "Item", "TermOutcome", "plan_term"]
