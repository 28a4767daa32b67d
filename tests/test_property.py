"""Generated schools: whenever the solver returns a rota, the independent verifier finds nothing
beyond the requirements the rota itself reports unmet."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from rota_solver.errors import NoRotaExists
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.strategies import schools

EXAMPLES = int(os.environ.get("ROTA_PROPERTY_EXAMPLES", "200"))
OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=schools())
def test_every_solved_generated_school_passes_the_verifier(data: dict[str, Any]) -> None:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError:
        return
    try:
        rota = solve(scenario, OPTIONS)
    except NoRotaExists as exc:
        assert exc.conflicts, "an infeasible school must be explained"
        return
    assert rota.report.status == "optimal"
    violations = verify(scenario, rota)
    if not rota.unmet:
        assert violations == []
    else:
        # A requirement the rota confesses unmet is still a violation, and the only kind allowed.
        assert all(v.listed_unmet for v in violations), violations
    # The whole term's bound holds for this rota too.
    report = rota.report
    assert report.whole_term_bound is not None and report.whole_term_bound <= report.objective
    # Every pattern cell is accounted for on the dates: held or lost, never silently dropped.
    for row in rota.summaries:
        assert row.planned + row.lost >= row.required


def test_generator_produces_mostly_solvable_schools() -> None:
    """Guards the property above from passing vacuously on schools that never solve."""
    solved = 0

    @settings(max_examples=40, deadline=None, derandomize=True)
    @given(data=schools())
    def count(data: dict[str, Any]) -> None:
        nonlocal solved
        try:
            solve(Scenario.model_validate(data), OPTIONS)
            solved += 1
        except (ValidationError, NoRotaExists):
            pass

    count()
    assert solved >= 10
