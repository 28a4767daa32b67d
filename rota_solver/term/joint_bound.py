"""A proven lower bound on the whole term's penalty that looks at both stages together: the least,
over every weekly table, of its wishes plus what its dates will cost the term at the least
(:func:`~rota_solver.term.foresight.foreseen_cost`).

The weekly stage's bound holds for the wishes alone, and the floor (:mod:`rota_solver.term.floor`)
for what no table avoids. A table that keeps a November day free for the reading month's opening
day, or its borrowing off the days a holiday shuts, costs the term less; whether one exists at the
same wishes is what the weekly stage's tie-break looks for, and this bound tells whether any table,
at any wishes, could do better than the rota found.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ortools.sat.python import cp_model

from ..control import RunControl
from ..model.builder import build_model
from ..model.hard_rules import HardRule
from ..model.soft_rules import SoftRule
from ..scenario import Scenario
from ..term_calendar import TermCalendar
from .foresight import foresee, foreseen_cost
from .model import UNMET_PENALTY

STAGE = "whole_term_bound"
JOINT_DETERMINISTIC_LIMIT = 0.3
"""Work units (about seconds) its search may take; stopped early it still gives its bound."""
JOINT_SECONDS = 2.0
"""And at most this long."""


def joint_bound(
    scenario: Scenario,
    calendar: TermCalendar,
    hard_rules: Sequence[HardRule],
    soft_rules: Sequence[SoftRule],
    leave_out: frozenset[str],
    solver: cp_model.CpSolver,
    control: RunControl,
) -> int:
    """The least wishes plus foreseen term cost over every table of the relaxation without people,
    or the bound its search reached in its time. The activities of ``leave_out`` are priced by the
    floor."""
    built = build_model(
        scenario, hard_rules, soft_rules, calendar=calendar, people_are="left_out", hint=False
    )
    rm = built.rm
    foresight = foresee(scenario, calendar, list(rm.placements), rm.cycle_weeks, leave_out)
    parts = (foresight.forced, foresight.events, foresight.returns, foresight.orientations.orientations)
    if not any(parts):
        return 0  # nothing to add to the weekly bound
    cost = foreseen_cost(rm.model, rm.placements, foresight, scenario, UNMET_PENALTY)
    rm.model.minimize(cp_model.LinearExpr.sum([built.wishes(), cost]))
    solver.parameters.max_deterministic_time = min(
        solver.parameters.max_deterministic_time, JOINT_DETERMINISTIC_LIMIT
    )
    seconds = min(JOINT_SECONDS, control.left() / 2)
    status = control.search(solver, rm.model, stage=STAGE, seconds=seconds, tentative=True)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
        return 0
    # Stopped early, with or without a table, the search's bound holds all the same.
    # Weights are integers, so a fractional bound rounds up.
    return math.ceil(solver.best_objective_bound - 1e-6)
