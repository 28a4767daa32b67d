"""The part of the dated stage's penalty that no weekly table avoids: with the weekly stage's bound,
a proven lower bound on the whole term's penalty (both stages together, over every table).

The dated stage is solved for the table the weekly stage chose, so its optimum says nothing about
other tables. This floor does: it is the dated model's bound for an *empty* table, with only the
activities and stocktake shifts to place, no gap limits and no returns sessions.

Why that bounds every table's dated penalty: take any table and any dated rota for it. Its activity
and shift placements are placements of the empty model too, since a table's sessions only take
spots, people and pupils away (fixed occupancy, head counts, daily caps, one place at a time) and
an activity may take a session's slot only by displacing it, which costs. Those placements cost in
the empty model at most what they cost there: the same unmet activities and shifts and the same
rhythm, and no displaced sessions, make-ups, lessons taken, returns or gaps, which are all >= 0.
So the empty model's optimum, and a fortiori its proven bound, is at most that rota's penalty.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ..control import RunControl
from ..scenario import Scenario
from ..term_calendar import TermCalendar
from .items import Fixed
from .model import TermModel, build_term_model
from .plan import build_inputs

STAGE = "whole_term_bound"
FLOOR_SECONDS = 1.0
"""The most the floor's search takes; stopped early it still gives its bound (maybe 0)."""


def dated_floor(
    scenario: Scenario, calendar: TermCalendar, solver: cp_model.CpSolver, control: RunControl
) -> int:
    """A lower bound on the dated penalty of every weekly table (0 when nothing is forced)."""
    if not scenario.activities and scenario.stocktake is None:
        return 0
    inputs = build_inputs(scenario, calendar, [], [], Fixed())
    inputs.items = [i for i in inputs.items if i.kind not in ("returns", "makeup")]
    if not inputs.items:
        return 0
    tm = TermModel(scenario, calendar, inputs, Fixed(), gap_classes=frozenset())
    build_term_model(tm)
    status = control.search(solver, tm.model, stage=STAGE, seconds=FLOOR_SECONDS, tentative=True)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0
    # Weights are integers, so a fractional bound rounds up.
    return max(0, -int(-solver.best_objective_bound // 1))
