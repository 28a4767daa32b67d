"""The term's foreseen cost of a table (``rota_solver.term.foresight``) is a lower bound: for every
generated school the solver answers, what the foresight says the rota's own weekly table will cost
the term, at the least, is at most what its dated stage paid. The weekly stage's tie-break and the
whole term's bound rest on that."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from ortools.sat.python import cp_model
from pydantic import ValidationError

from rota_solver.errors import NoRotaExists
from rota_solver.model.builder import build_model
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.slots import Slot
from rota_solver.solve import SolveOptions, solve
from rota_solver.term.foresight import foresee, foreseen_cost
from rota_solver.term.model import UNMET_PENALTY
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from tests.strategies import schools

EXAMPLES = int(os.environ.get("ROTA_PROPERTY_EXAMPLES", "200")) // 2
OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)


def minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def foreseen_for(scenario: Scenario, rota: Rota) -> int:
    """The least foreseen cost of the rota's weekly table (every cell held)."""
    calendar = build_term_calendar(scenario)
    built = build_model(scenario, people_are="left_out", hint=False, calendar=calendar)
    rm = built.rm
    chosen = {
        (p.class_id, p.rule_id, p.cycle_week, Slot(p.weekday, minutes(p.start), minutes(p.end), p.window_id))
        for p in rota.pattern
    }
    assert chosen <= set(rm.placements)
    for key, var in rm.placements.items():
        rm.model.add(var == int(key in chosen))
    foresight = foresee(scenario, calendar, list(rm.placements), rm.cycle_weeks)
    rm.model.minimize(foreseen_cost(rm.model, rm.placements, foresight, scenario, UNMET_PENALTY))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(rm.model) == cp_model.OPTIMAL
    return round(solver.objective_value)


def check(data: dict[str, Any]) -> None:
    try:
        scenario = Scenario.model_validate(data)
        rota = solve(scenario, OPTIONS)
    except (ValidationError, NoRotaExists):
        return
    # The verifier finds nothing beyond what the rota itself reports unmet.
    assert all(v.listed_unmet for v in verify(scenario, rota))
    _weekly, dated = rota.report.stages
    assert foreseen_for(scenario, rota) <= dated.objective


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=schools())
def test_what_a_rotas_table_is_foreseen_to_cost_the_term_is_at_most_what_it_paid(
    data: dict[str, Any],
) -> None:
    check(data)


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=schools(away=True))
def test_so_it_is_with_staff_away(data: dict[str, Any]) -> None:
    """Days off: sessions lost to them, and a borrowing class's returns session filling the wait a
    make-up would (a generated school found the foresight counting both)."""
    check(data)
