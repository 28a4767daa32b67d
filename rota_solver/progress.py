"""Progress reports while CP-SAT searches: one per better rota found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class Progress:
    """A better rota was found while solving."""

    stage: str
    """weekly_pattern or term_dates."""
    elapsed: float
    objective: float
    bound: float
    solutions: int


ProgressCallback = Callable[[Progress], None]


class Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each solution's figures to a callback (about free at a few calls a second)."""

    def __init__(self, stage: str, callback: ProgressCallback) -> None:
        super().__init__()
        self._stage = stage
        self._callback = callback
        self._count = 0

    def on_solution_callback(self) -> None:
        self._count += 1
        self._callback(
            Progress(
                self._stage, self.wall_time, self.objective_value, self.best_objective_bound, self._count
            )
        )
