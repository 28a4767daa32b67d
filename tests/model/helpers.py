"""Shared helpers for the per-rule model tests: force assignments, solve, verify, read terms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ortools.sat.python import cp_model

from rota_solver.model.builder import build_model
from rota_solver.model.hard_rules import HARD_RULES, HardRule
from rota_solver.model.soft_rules import SOFT_RULES, SoftRule
from rota_solver.model.variables import RotaModel
from rota_solver.rota import PenaltyTerm, Rota
from rota_solver.scenario import Scenario, Weekday
from rota_solver.slots import Slot
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import Violation, verify

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1)
FEASIBLE = (cp_model.OPTIMAL, cp_model.FEASIBLE)

# A joint activity of grade 1 at lunch in weeks 1-2, run by a librarian: the joint-activity tests' quiz.
QUIZ: dict[str, Any] = {
    "id": "quiz",
    "kind": "competition",
    "participants": {"grades": [1]},
    "when": {"weeks": [1, 2]},
    "duration_minutes": 30,
    "windows": ["lunch"],
    "staffing": {"librarian": 1},
}

Force = Callable[[RotaModel], None]
"""Adds constraints to a built model: the assignment a test wants to force."""


def clock(hhmm: str) -> int:
    """Minutes from midnight of an ``HH:MM`` string, as in :class:`Slot`."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def slot(rm: RotaModel, rule_id: str, weekday: Weekday, start: str) -> Slot:
    """The one slot of ``rule_id`` on ``weekday`` starting at ``start``."""
    found = [s for s in rm.slots[rule_id] if s.weekday == weekday and s.start == clock(start)]
    assert len(found) == 1, f"no single {rule_id} slot {weekday} {start} in {rm.slots[rule_id]}"
    return found[0]


def place(rm: RotaModel, class_id: str, rule_id: str, weekday: Weekday, start: str, week: int = 0) -> None:
    """Force the class's session of the rule into that slot of that cycle week."""
    rm.model.add(rm.placements[(class_id, rule_id, week, slot(rm, rule_id, weekday, start))] == 1)


def assign(
    rm: RotaModel, person_id: str, rule_id: str, weekday: Weekday, start: str, week: int = 0, on: bool = True
) -> None:
    """Force a staff member or helper group onto (or, ``on=False``, off) the rule's duty in that slot."""
    key = (person_id, rule_id, week, slot(rm, rule_id, weekday, start))
    rm.model.add(rm.assignments[key] == int(on))


def solve_model(rm: RotaModel) -> cp_model.CpSolverStatus:
    """CP-SAT status of the model as built and forced (one worker, 10 s)."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    return solver.solve(rm.model)


def status_when(
    scenario: Scenario, force: Force, hard_rules: Sequence[HardRule] = HARD_RULES
) -> cp_model.CpSolverStatus:
    """Build the model with ``hard_rules``, apply ``force`` and return the solver's status."""
    built = build_model(scenario, hard_rules)
    force(built.rm)
    return solve_model(built.rm)


def without(rule: HardRule) -> list[HardRule]:
    """Every hard rule but ``rule``."""
    assert rule in HARD_RULES
    return [r for r in HARD_RULES if r is not rule]


def forcing(force: Force) -> HardRule:
    """``force`` as a hard rule, to append to a rule list handed to :func:`solve`."""

    def forced(rm: RotaModel) -> None:
        force(rm)

    return forced


def solve_and_verify(
    scenario: Scenario,
    hard_rules: Sequence[HardRule] = HARD_RULES,
    soft_rules: Sequence[SoftRule] = SOFT_RULES,
) -> Rota:
    """Solve to optimality and assert the independent verifier finds nothing wrong."""
    rota = solve(scenario, OPTIONS, hard_rules=hard_rules, soft_rules=soft_rules)
    assert rota.report.status == "optimal"
    assert verify(scenario, rota) == []
    assert rota.sessions, "a rota with no sessions proves nothing"
    return rota


def violations_without(scenario: Scenario, rule: HardRule, *extra: HardRule) -> tuple[Rota, list[Violation]]:
    """Solve with ``rule`` dropped (and ``extra`` rules added); the verifier's findings on the rota."""
    rota = solve(scenario, OPTIONS, hard_rules=[*without(rule), *extra])
    assert rota.report.status == "optimal"
    return rota, verify(scenario, rota)


def rule_names(violations: Sequence[Violation]) -> set[str]:
    return {v.rule for v in violations}


def term(rota: Rota, name: str) -> PenaltyTerm:
    """The objective term called ``name``."""
    found = [t for t in rota.report.terms if t.name == name]
    assert len(found) == 1, f"{name} not among {[t.name for t in rota.report.terms]}"
    return found[0]


WORKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")


def busy_every_day(start: str, end: str, days: Sequence[Weekday] = WORKDAYS) -> list[dict[str, str]]:
    """Busy-period data for the same time on each of ``days``."""
    return [{"day": d, "start": start, "end": end} for d in days]


def assert_only_rule_forbids(scenario: Scenario, force: Force, rule: HardRule) -> None:
    """``force`` breaks ``rule``: infeasible with every hard rule, feasible once ``rule`` is dropped
    (so it is that rule, not another, that forbids it)."""
    assert status_when(scenario, force) == cp_model.INFEASIBLE
    assert status_when(scenario, force, without(rule)) in FEASIBLE


def assert_allowed(scenario: Scenario, force: Force) -> None:
    """``force`` keeps every hard rule: the model stays solvable."""
    assert status_when(scenario, force) in FEASIBLE
