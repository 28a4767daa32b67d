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

import datetime as dt

from ortools.sat.python import cp_model

from ..control import RunControl
from ..rota import Unmet
from ..scenario import Activity, Scenario
from ..term_calendar import TermCalendar
from .items import Fixed, SpotFinder
from .model import TermModel, build_term_model
from .plan import TermInputs, activity_items, shift_items

STAGE = "whole_term_bound"
FLOOR_SECONDS = 1.0
"""The most the floor's search takes; stopped early it still gives its bound (maybe 0)."""


def floor_activities(scenario: Scenario, unmet: list[Unmet], off_rhythm: bool) -> list[Activity]:
    """The activities the floor places: those a rota left an occurrence of ``unmet``, and when some
    occurrence is ``off_rhythm``, those with a rhythm."""
    subjects = [u.subject for u in unmet if u.kind == "activity"]
    return [
        a
        for a in scenario.activities
        if any(s.startswith(f"{a.id}.") for s in subjects) or (off_rhythm and (a.when.every_weeks or 1) >= 2)
    ]


def dated_floor(
    scenario: Scenario,
    calendar: TermCalendar,
    solver: cp_model.CpSolver,
    control: RunControl,
    unmet: list[Unmet],
    off_rhythm: bool,
) -> int:
    """A lower bound on the dated penalty of every weekly table (0 when nothing is forced).

    Only the activities a rota left an occurrence of ``unmet`` (and, when some occurrence is
    ``off_rhythm``, those with a rhythm), and the stocktake shifts if one was unmet, are placed:
    leaving items out is a relaxation too, and it keeps the model small (all of a 240-class school's
    activities took 4.4 s to bound, for 0)."""
    activities = floor_activities(scenario, unmet, off_rhythm)
    shifts = any(u.kind == "stocktake_shift" for u in unmet)
    if not activities and not shifts:
        return 0
    finder = SpotFinder(scenario, calendar, Fixed())
    items = activity_items(scenario.model_copy(update={"activities": activities}), calendar, finder)
    items += shift_items(scenario, calendar, finder) if shifts else []
    if not items:
        return 0
    # No gap limits: gap_classes below leaves every class out, and no rule counts a day.
    no_gaps: dict[str, list[dt.date]] = {rule.id: [] for rule in scenario.rules}
    inputs = TermInputs(held=[], lost=[], items=items, gap_days=no_gaps, finder=finder)
    tm = TermModel(scenario, calendar, inputs, Fixed(), gap_classes=frozenset())
    build_term_model(tm)
    seconds = min(FLOOR_SECONDS, control.left() / 2)
    status = control.search(solver, tm.model, stage=STAGE, seconds=seconds, tentative=True)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return 0
    # Weights are integers, so a fractional bound rounds up.
    return max(0, -int(-solver.best_objective_bound // 1))
