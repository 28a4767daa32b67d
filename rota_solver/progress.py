"""Progress reports while CP-SAT searches: one per better rota found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model


@dataclass(frozen=True)
class Progress:
    """A run's progress: a better rota found by a solver stage, or the start of a later phase."""

    stage: str
    """weekly_pattern, weekly_staff or term_dates (a better rota); explaining or verifying (begun)."""
    elapsed: float
    objective: float | None = None
    bound: float | None = None
    solutions: int = 0


ProgressCallback = Callable[[Progress], None]


class Reporter(cp_model.CpSolverSolutionCallback):
    """Passes each solution's figures to a callback (about free at a few calls a second); counts
    them, and can end the search at the next one (:meth:`stop_at_next`)."""

    def __init__(self, stage: str, callback: ProgressCallback | None = None) -> None:
        super().__init__()
        self._stage = stage
        self._callback = callback
        self._count = 0
        self._stop_at_next = False

    @property
    def solutions(self) -> int:
        return self._count

    def stop_at_next(self) -> None:
        """End the search as soon as it finds its next solution."""
        self._stop_at_next = True

    def on_solution_callback(self) -> None:
        self._count += 1
        if self._stop_at_next:
            self.stop_search()
        if self._callback is None:
            return
        self._callback(
            Progress(
                self._stage, self.wall_time, self.objective_value, self.best_objective_bound, self._count
            )
        )
