"""Shared helpers for the term-stage tests: solve a tiny school (pattern forced where asked), read
the rota's dated sessions, events and penalty terms."""

from __future__ import annotations

import datetime as dt

from rota_solver.model.hard_rules import HARD_RULES
from rota_solver.rota import ActivityEvent, DatedSession, Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify
from tests.model.helpers import Force, forcing

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)


def solve_only(scenario: Scenario, *forces: Force) -> Rota:
    """Solve both stages to optimality, the weekly pattern constrained by ``forces``; no verifying
    (for tests that check what the rota reports before they verify it)."""
    rota = solve(scenario, OPTIONS, hard_rules=[*HARD_RULES, *(forcing(f) for f in forces)])
    assert rota.report.status == "optimal", rota.report.stages
    return rota


def solve_term(scenario: Scenario, *forces: Force) -> Rota:
    """:func:`solve_only`, then assert the independent verifier finds nothing wrong."""
    rota = solve_only(scenario, *forces)
    assert verify(scenario, rota) == []
    return rota


def day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def of_origin(rota: Rota, origin: str, class_id: str | None = None) -> list[DatedSession]:
    """The rota's sessions of one origin (pattern, makeup, returns), of one class if given."""
    return [s for s in rota.sessions if s.origin == origin and (class_id is None or s.class_id == class_id)]


def events_of(rota: Rota, activity_id: str) -> list[ActivityEvent]:
    return [e for e in rota.activities if e.activity_id == activity_id]


def summary(rota: Rota, class_id: str, rule_id: str) -> tuple[int, int, int, int]:
    """(required, planned, lost, made_up) of one class and rule."""
    found = [s for s in rota.summaries if (s.class_id, s.rule_id) == (class_id, rule_id)]
    assert len(found) == 1
    s = found[0]
    return s.required, s.planned, s.lost, s.made_up


def assert_only_confessed_violations(scenario: Scenario, rota: Rota) -> None:
    """The verifier reports at most what the rota lists as unmet (which excuses nothing), nothing else.

    (A gap with no school day the class could come on is exempt in the verifier, so it may find none.)
    """
    assert rota.unmet
    violations = verify(scenario, rota)
    assert all(v.listed_unmet for v in violations), violations
