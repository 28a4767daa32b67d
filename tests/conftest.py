"""Shared fixtures: scenarios by name, solved once per session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rota_solver.loading import load_scenario
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SCENARIO_NAMES = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="session")
def scenario_path() -> Callable[[str], Path]:
    """Path of a scenario in ``scenarios/`` by name (file stem)."""
    return lambda name: SCENARIOS / f"{name}.yaml"


_solved: dict[str, tuple[Scenario, Rota]] = {}


@pytest.fixture(scope="session")
def solved_scenario() -> Callable[[str], tuple[Scenario, Rota]]:
    """Load, solve and verify a scenario by name; cached for the test session."""

    def get(name: str) -> tuple[Scenario, Rota]:
        if name not in _solved:
            scenario = load_scenario(SCENARIOS / f"{name}.yaml")
            rota = solve(scenario, SolveOptions(time_limit_seconds=60, workers=1, seed=0))
            assert verify(scenario, rota) == []
            _solved[name] = (scenario, rota)
        return _solved[name]

    return get
