"""Generated schools where every staff member has days off, and some rules need no staff: a run
never ends with the verifier rejecting the rota (exit 3), whatever the days off (issue 14 item 1)."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from pydantic import ValidationError

from rota_solver import SolveRequest, run
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions
from tests.strategies import schools

EXAMPLES = int(os.environ.get("ROTA_DAYS_OFF_EXAMPLES", "25"))
"""Kept small for CI (about 20 s); raise it locally to search harder."""
OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(data=schools(away=True))
def test_days_off_never_make_the_verifier_reject_the_rota(data: dict[str, Any]) -> None:
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError:
        return
    outcome = run(SolveRequest(scenario, OPTIONS))
    assert outcome.kind != "verifier_failed", outcome.violations
