"""The anytime benchmark's parts (bench.anytime): a tight school fills 90-93 % of its room-slots, FET
loads and solves its export with the soft wishes, and the scorer prices a table as our model does.

FET must be installed (scripts/test.sh installs it): without it the test fails, it does not skip."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bench.anytime import cells_of, score_table, table_penalty
from bench.baselines.fet import export_fet, fet_available, run_fet
from bench.tight import HIGH, LOW, demand_ratio, tight_school
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve

CLASSES = 30
"""The smallest tight school at hand: 24 classes cannot be cut to 90-93 % (a cycle's places are even)."""


@pytest.fixture(scope="module")
def school() -> Scenario:
    return tight_school(CLASSES, seed=1)


def test_tight_school_demand_is_90_to_93_percent(school: Scenario) -> None:
    demand, usable = demand_ratio(school)
    assert LOW <= demand / usable <= HIGH
    assert school.cycle_weeks == 2
    assert tight_school(CLASSES, seed=1) == school  # deterministic


def test_fet_loads_and_solves_the_export_with_wishes(school: Scenario) -> None:
    root = ET.fromstring(export_fet(school, wishes=True).xml)
    weights = [
        float(el.findtext("Weight_Percentage", "100"))
        for el in root.iter("ConstraintActivityPreferredTimeSlots")
    ]
    assert any(w < 100 for w in weights)  # the soft wishes are there
    assert root.findall(".//ConstraintActivitiesMaxInATerm")
    assert fet_available(), "fet-cl is not installed: apt-get install fet (scripts/test.sh installs it)"
    result = run_fet(school, 30, wishes=True)
    assert "error" not in result.log.lower(), result.log
    assert result.status == "solved", result.log
    score = score_table(school, result.cells)
    assert score.penalty is not None and score.penalty >= 0
    assert not score.broken, score.broken


def test_scorer_prices_our_own_table_as_our_model_does(school: Scenario) -> None:
    rota = solve(school, SolveOptions(time_limit_seconds=10, workers=1, seed=0))
    score = score_table(school, cells_of(rota))
    assert score.staffed and not score.broken
    assert score.penalty == table_penalty(rota)
