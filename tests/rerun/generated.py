"""What the rerun tests on generated schools share: the published rota of a generated school (solved
once per module), a hypothesis school published and the day its rerun happens, and what the
verifier finds in a rerun beyond the unmet requirements the rota lists."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st
from pydantic import ValidationError

from bench.synthetic import synthetic_school
from rota_solver.errors import NoRotaExists
from rota_solver.rerun import RerunResult, freeze_date
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify

OPTIONS = SolveOptions(time_limit_seconds=30, workers=1, seed=0)
TODAY = dt.date(2026, 11, 2)


def property_examples(share: int, least: int) -> int:
    """A rerun property test's examples: its ``1/share`` of ``ROTA_PROPERTY_EXAMPLES`` (the whole
    property budget, 200 by default), and at least ``least``."""
    return max(least, int(os.environ.get("ROTA_PROPERTY_EXAMPLES", "200")) // share)


Published = Callable[..., tuple[Scenario, Rota]]
"""``published(classes, seed=0)``: a generated school and its solved rota."""


def published_schools() -> Published:
    """A cache of generated schools and their rotas (for a module-scoped fixture)."""
    cache: dict[tuple[int, int], tuple[Scenario, Rota]] = {}

    def solved(classes: int, seed: int = 0) -> tuple[Scenario, Rota]:
        if (classes, seed) not in cache:
            scenario = synthetic_school(classes, seed=seed)
            rota = solve(scenario, OPTIONS)
            assert all(v.listed_unmet for v in verify(scenario, rota))
            cache[(classes, seed)] = (scenario, rota)
        return cache[(classes, seed)]

    return solved


def published_on_a_drawn_day(
    data: dict[str, Any], st_data: st.DataObject
) -> tuple[Scenario, Rota, dt.date, dt.date] | None:
    """A hypothesis school solved, a day of its term drawn as today, and that day's freeze date;
    ``None`` when the school does not validate or has no rota."""
    try:
        scenario = Scenario.model_validate(data)
        rota = solve(scenario, OPTIONS)
    except (ValidationError, NoRotaExists):
        return None
    term_days = (rota.term_end - rota.term_start).days
    today = rota.term_start + dt.timedelta(days=st_data.draw(st.integers(0, term_days)))
    return scenario, rota, today, freeze_date(build_term_calendar(scenario), today)


def hidden(changed: Scenario, result: RerunResult) -> set[str]:
    """What the verifier finds beyond the unmet requirements the rota lists."""
    return {v.message for v in verify(changed, result.rota) if not v.listed_unmet}
