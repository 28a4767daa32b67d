"""Find a small set of requirement groups that cannot all hold: CP-SAT's sufficient assumptions,
then shrunk by solving again without each member (deletion filter) until every one is needed.

``add_assumptions`` with ``sufficient_assumptions_for_infeasibility`` needs one worker and no
objective (with an objective the answer was every group, or-tools#3943); the answer is not
guaranteed minimal, hence the shrinking, and its literals are checked against the assumptions
(or-tools#5141).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ortools.sat.python import cp_model

from ..control import RunControl
from ..model.variables import GroupKey
from .groups import Guarded
from .words import group_order

Outcome = Literal["conflict", "no_conflict", "timeout"]


@dataclass(frozen=True)
class Core:
    groups: tuple[GroupKey, ...]
    minimal: bool
    """Every probe without one member proved that member necessary (none timed out)."""
    outcome: Outcome
    """conflict: ``groups`` cannot all hold; no_conflict: the groups given can; timeout: unknown."""


@dataclass
class _Prober:
    guarded: Guarded
    probe_seconds: float
    deadline: float
    seed: int
    control: RunControl

    def probe(self, on: Sequence[GroupKey]) -> tuple[Outcome, list[GroupKey]]:
        """Solve with the groups ``on`` enforced (the rest free); on infeasibility, CP-SAT's sufficient
        subset of ``on``."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            return "timeout", []
        model = self.guarded.rm.model
        model.clear_assumptions()
        model.add_assumptions([self.guarded.literals[key] for key in on])
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = self.seed
        # A probe's own short cap is the explainer's choice, not the run's limit: it is no cut.
        status = self.control.search(
            solver, model, stage="explaining", seconds=min(self.probe_seconds, left), tentative=True
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return "no_conflict", []
        if status != cp_model.INFEASIBLE:
            return "timeout", []
        by_index = {self.guarded.literals[key].index: key for key in on}
        # Presolve may hand back literals that are not assumptions (or-tools#5141): keep ours only.
        found = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in by_index]
        return "conflict", sorted(found, key=group_order) or list(on)


def minimal_core(
    guarded: Guarded,
    start: Sequence[GroupKey] | None = None,
    probe_seconds: float = 5.0,
    budget_seconds: float = 30.0,
    seed: int = 0,
    control: RunControl | None = None,
) -> Core:
    """A minimal conflicting set of groups: among ``start`` (every group if None)."""
    prober = _Prober(guarded, probe_seconds, time.monotonic() + budget_seconds, seed, control or RunControl())
    first = sorted(guarded.literals if start is None else start, key=group_order)
    outcome, current = prober.probe(first)
    if outcome != "conflict":
        return Core(tuple(first), False, outcome)
    minimal = True
    # Try dropping the groups in reverse sentence order: demands last, so the conflict keeps the
    # classes it is about and sheds what merely limits them.
    for key in sorted(current, key=group_order, reverse=True):
        if key not in current:
            continue  # already shed by a smaller sufficient set
        trial = [k for k in current if k != key]
        outcome, found = prober.probe(trial)
        if outcome == "conflict":
            current = found
        elif outcome == "timeout":
            minimal = False
            break  # the next probes are as hard: keep the rest rather than wait for each in turn
    return Core(tuple(sorted(current, key=group_order)), minimal, "conflict")
