"""An early weekly table for a short run: the first-fit table, completed where it left classes out.

A run whose time limit is short for the school's size may end before the relaxed table is proven;
without a table in hand it would then have no rota at all (120 tight generated classes, a 1 s limit
on a slower machine: seed 0 had none). The first-fit table (:func:`first_fit`) takes milliseconds
but leaves out the few classes that find no slot once the room is 90 % full (1-7 of 72-240 tight
classes). First-fit first makes room for them, each by moving one class out of its way
(``make_room``): on every tight instance measured (72, 120 and 240 classes, seeds 0-2) that placed
them all in 0.01-0.1 s, and the table's penalty was the neighbourhood's below, or the relaxed
optimum, or within 2 of it (216, 196, 204; 344, 350, 338 against the optima 342, 348, 338). The
first-fit table with the people it found is then the early table (:func:`first_fit_table`), people
named on it 0.08-0.15 s after a 120-class solve began.

When room cannot be made, the classes still left out, and every class of the rules they miss, are
set free in the relaxed model with the rest of the table held, and that neighbourhood's best table is
taken (:func:`first_fit_completed`). When the rules missed hold every class, the neighbourhood is the
whole relaxation, whose optimum the weekly stage searches for next: only its first table is taken
then, and only when that search may not fit in the time left (:data:`WHOLE_FIRST_ANSWER_FACTOR`).
People are named on the table by the weekly stage, and the whole is the rota in hand.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ortools.sat.python import cp_model

from .control import RunControl
from .model.builder import Table, build_model
from .model.first_fit import FirstFit
from .model.hard_rules import HardRule
from .model.soft_rules import SoftRule
from .model.variables import Cells
from .progress import Reporter
from .scenario import Scenario
from .solver_options import SolveOptions, cp_solver
from .term_calendar import TermCalendar

EARLY_TABLE_SECONDS_PER_CLASS = 0.025
"""A run whose time limit is below this many seconds per class takes the early table first: at 120
tight generated classes (under 3 s) the relaxed optimum took 0.4-0.5 s on one machine, 0.8-1.0 s on a
slower one, and a 1 s run there ended without any rota for one seed of three. Longer runs find the
relaxed optimum well within their time, and the early table's 0.1-0.7 s (72-240 classes) is saved."""

EARLY_TABLE_DETERMINISTIC_LIMIT = 0.5
"""Work units (about seconds) for the neighbourhood's best table: 0.02-0.07 units at 72 and 120
tight classes, 0.16 at 240 (seed 0); a work limit, so the same scenario and seed give the same
table unless the run's own clock ends the search first."""
WHOLE_FIRST_ANSWER_FACTOR = 6.0
"""When the neighbourhood is the whole relaxation, its first table is taken only with less time left
than this many times its build: the relaxed optimum and people named on it took about 5 builds (120
tight classes, seed 2: 0.09 s to build, 0.30 s to search, 0.07 s to name people), and a first table
in hand costs the search the 0.2 s it takes (at a 1 s limit: 470 kept where the optimum, 338, came
without it). On a machine or a load that makes the build slower, the search is as much slower."""
EARLY_TABLE_SHARE = 0.3
"""The most of the time left that search may take once it has a table."""


def takes_early_table(scenario: Scenario, control: RunControl) -> bool:
    """Whether the run's time limit is short for the school's size (:data:`EARLY_TABLE_SECONDS_PER_CLASS`).
    The limit decides, not the time left, so the same scenario and limit always ask for it."""
    limit = control.time_limit_seconds
    return limit is not None and limit < EARLY_TABLE_SECONDS_PER_CLASS * len(scenario.classes)


def first_fit_table(scenario: Scenario, fitted: FirstFit) -> Table | None:
    """The first-fit table with the people it found on duty, when every class fitted (with room made,
    :func:`~rota_solver.model.first_fit.first_fit`'s ``make_room``); else ``None``."""
    if set(fitted.day_sets) != _pairs(scenario):
        return None
    return Table(
        day_sets={(c, r, phase, days): 1 for (c, r), (phase, days) in fitted.day_sets.items()},
        placements={(c.class_id, c.rule_id, c.week, c.slot): 1 for c in fitted.cells},
        duties=dict.fromkeys(fitted.duties, 1),
        assignments={(p, r, w, s): 1 for (r, w, s), people in fitted.duties.items() for p in people},
    )


def first_fit_completed(
    scenario: Scenario,
    hard_rules: Sequence[HardRule],
    soft_rules: Sequence[SoftRule],
    calendar: TermCalendar,
    options: SolveOptions,
    control: RunControl,
    stage: str,
    fitted: FirstFit,
) -> Table | None:
    """The best table, by the relaxed model's rules (people left out, so people may yet fail to be
    named on it), of the neighbourhood of the first-fit table ``fitted`` that sets free the classes of
    the rules where it left classes out (before making room) and holds the rest. ``None`` when the
    neighbourhood holds no such table within its work limit, or it is the whole relaxation and the
    time left is enough to search that (:data:`WHOLE_FIRST_ANSWER_FACTOR`)."""
    left_out = (_pairs(scenario) - set(fitted.day_sets)) | fitted.made_room_for
    # A class left out of one rule finds no slot because that rule's room is full where it is free:
    # the other classes of the rule are the ones that can make way.
    missed = {rule_id for _, rule_id in left_out}
    free = {class_id for class_id, _ in left_out}
    free |= {c.id for rule in scenario.rules if rule.id in missed for c in scenario.rule_classes(rule)}
    whole = len(free) == len(scenario.classes)
    held = Cells(
        frozenset(
            (class_id, rule_id, phase, days)
            for (class_id, rule_id), (phase, days) in fitted.day_sets.items()
            if class_id not in free
        ),
        frozenset((c.class_id, c.rule_id, c.week, c.slot) for c in fitted.cells if c.class_id not in free),
        frozenset(free),
    )
    started = time.perf_counter()
    built = build_model(
        scenario, hard_rules, soft_rules, calendar=calendar, people_are="left_out", hint=False, only=held
    )
    # The whole relaxation, when the rules missed hold every class: its optimum is the weekly stage's
    # next search, so only its first table is taken, and only when that search may not fit.
    if whole and control.left() >= WHOLE_FIRST_ANSWER_FACTOR * (time.perf_counter() - started):
        return None
    solver = first_answer_solver(options) if whole else neighbourhood_solver(options)
    reporter = Reporter(stage)
    status = control.search(
        solver,
        built.rm.model,
        reporter,
        stage=stage,
        seconds=control.left(),
        soft_seconds=control.share(EARLY_TABLE_SHARE),
        tentative=True,
    )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return built.table(solver)


def _pairs(scenario: Scenario) -> set[tuple[str, str]]:
    """(class id, rule id) of every class each rule asks sessions of."""
    return {(c.id, rule.id) for rule in scenario.rules for c in scenario.rule_classes(rule)}


def neighbourhood_solver(options: SolveOptions) -> cp_model.CpSolver:
    """The relaxation's solver (:func:`cp_solver`), within :data:`EARLY_TABLE_DETERMINISTIC_LIMIT`."""
    solver = cp_solver(options, relaxation=True)
    # Nothing spent on symmetries or probing: the neighbourhood's search (120 tight
    # classes, seeds 0-1, random seeds 0-3: 0.12-0.25 s, against 0.16-0.39 s with them).
    solver.parameters.symmetry_level = 0
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.max_deterministic_time = min(
        solver.parameters.max_deterministic_time, EARLY_TABLE_DETERMINISTIC_LIMIT
    )
    return solver


def first_answer_solver(options: SolveOptions) -> cp_model.CpSolver:
    """A solver that stops at its first answer and spends nothing on proving, without the LP (the
    whole relaxation of 120 tight classes, seed 2: its first table in 0.14 s, against 0.30 s for its
    optimum; at 240 classes 0.27-0.30 s)."""
    solver = neighbourhood_solver(options)
    solver.parameters.stop_after_first_solution = True
    solver.parameters.linearization_level = 0
    solver.parameters.add_lp_constraints_lazily = True
    return solver
