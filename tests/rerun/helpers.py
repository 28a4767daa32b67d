"""A small school for rerun tests, whose minimal change after each edit is known by construction:
four classes reading once a week in a one-class reading room with fifteen lunch slots a week, two
librarians, six plain teaching weeks, so any one class can always move to a free slot alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rota_solver.rerun import RerunResult, rerun
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.factories import rule, school_dict

OPTIONS = SolveOptions(time_limit_seconds=20, workers=1, seed=0)
THURSDAY = dt.date(2026, 9, 24)
"""Today in the tests: Thursday of teaching week 3; with two school days' notice the rerun may
change things from Monday 28 September (teaching week 4) on."""
FREEZE = dt.date(2026, 9, 28)


def rerun_school_data(**overrides: Any) -> dict[str, Any]:
    data = school_dict(
        term={"start": "2026-09-07", "end": "2026-10-16"},
        staff=[
            {"id": "lee", "name": "Ms Lee", "role": "librarian"},
            {"id": "ng", "name": "Mr Ng", "role": "librarian"},
        ],
        classes=[{"id": f"1-{n}", "name": f"Class 1-{n}", "grade": 1, "size": 30} for n in range(1, 5)],
        rules=[rule(preferences={"days": ["mon", "wed"]}, max_gap_days=28)],
    )
    data.update(overrides)
    return data


def scenario_of(data: dict[str, Any]) -> Scenario:
    return Scenario.model_validate(data)


def published_rota(scenario: Scenario) -> Rota:
    rota = solve(scenario, OPTIONS)
    assert verify(scenario, rota) == []
    return rota


def rerun_checked(scenario: Scenario, published: Rota, **kwargs: Any) -> RerunResult:
    """Rerun from Thursday of week 3, assert it is proven optimal and the verifier passes."""
    kwargs.setdefault("today", THURSDAY)
    result = rerun(scenario, published, options=OPTIONS, **kwargs)
    assert result.rota.report.status == "optimal", result.rota.report.stages
    assert verify(scenario, result.rota) == []
    return result


def with_class(data: dict[str, Any], class_id: str, **fields: Any) -> dict[str, Any]:
    """``data`` with one class's fields extended (lists appended to)."""
    out = {**data, "classes": []}
    for c in data["classes"]:
        c = dict(c)
        if c["id"] == class_id:
            for key, value in fields.items():
                c[key] = [*c.get(key, []), *value] if isinstance(value, list) else value
        out["classes"].append(c)
    return out
