"""One run's deadline and cancellation, shared by every CP-SAT search of the run.

The application service makes one :class:`RunControl` per solve or rerun and passes it down through
every stage (weekly table, duties, dated term, explainer). Each search goes through
:meth:`RunControl.search`, which caps it by the time left and registers its solver so that
:meth:`RunControl.cancel`, from any thread, can stop it with CP-SAT's own thread-safe
``stop_search()``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from ortools.sat.python import cp_model

from .errors import RunCancelled
from .progress import Reporter

Clock = Callable[[], float]

_UNFINISHED = (cp_model.FEASIBLE, cp_model.UNKNOWN)


class RunControl:
    """The deadline (``time_limit_seconds`` from now; None: none) and the cancel switch of one run."""

    def __init__(self, time_limit_seconds: float | None = None, clock: Clock = time.monotonic) -> None:
        self._clock = clock
        self.started = clock()
        self.time_limit_seconds = time_limit_seconds
        self.deadline = math.inf if time_limit_seconds is None else self.started + time_limit_seconds
        self._lock = threading.Lock()
        self._running: set[cp_model.CpSolver] = set()
        self._cancelled = threading.Event()
        self.cut_short: list[str] = []
        """Stages whose search the deadline ended before it was finished, in order, once each."""

    def child(self, seconds: float, share_cuts: bool = False) -> RunControl:
        """A control for a sub-run of at most ``seconds`` (and never past this one's deadline) that
        this one's :meth:`cancel` also stops; its cut stages are its own unless ``share_cuts`` (a
        part of this run that ends early so that something after it still has time)."""
        sub = RunControl(max(0.0, min(seconds, self.left())), self._clock)
        sub._lock, sub._running, sub._cancelled = self._lock, self._running, self._cancelled
        if share_cuts:
            sub.cut_short = self.cut_short
        return sub

    # --- asked from any thread ----------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the run: the running search ends now, and the next one does not start."""
        self._cancelled.set()
        with self._lock:
            for solver in self._running:
                solver.stop_search()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def elapsed(self) -> float:
        return self._clock() - self.started

    def left(self) -> float:
        """Seconds until the deadline (never below 0; ``inf`` without one)."""
        return max(0.0, self.deadline - self._clock())

    def share(self, fraction: float) -> float:
        """``fraction`` of the time left: what one stage may take so later stages still get theirs."""
        return self.left() * fraction

    # --- used by the stages --------------------------------------------------------------------

    def check(self) -> None:
        """Raise :class:`RunCancelled` if the run was cancelled (between two pieces of work)."""
        if self._cancelled.is_set():
            raise RunCancelled()

    def search(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: cp_model.CpSolverSolutionCallback | None = None,
        *,
        stage: str,
        seconds: float | None = None,
        tentative: bool = False,
        soft_seconds: float | None = None,
        floor_seconds: float = 0.0,
    ) -> cp_model.CpSolverStatus:
        """``solver.solve(model)`` within the deadline (and within ``seconds`` if given); records
        ``stage`` as cut short when its time ran out unfinished, unless the search is ``tentative``
        (a probe whose answer the stage can do without); :class:`RunCancelled` if the run was
        cancelled before or during it.

        With ``soft_seconds`` (and a :class:`Reporter` as ``callback``), the search ends after that
        long if it has a solution, else at its first one: a stage takes its share of the time when it
        can, and more only when it must to have anything at all.

        ``floor_seconds``: the least time the search gets, past the deadline if need be (the run's
        rota of last resort: a run with no time left would otherwise end with no rota at all)."""
        self.check()
        allowed = min(self.left(), seconds if seconds is not None else math.inf)
        configured = solver.parameters.max_time_in_seconds
        # A search needs a sliver of time even at the deadline to hand back what it was given.
        applied = max(0.01, floor_seconds, min(configured, allowed))
        solver.parameters.max_time_in_seconds = applied
        with self._lock:
            self._running.add(solver)
        timer = None
        softly = [False]
        if soft_seconds is not None and isinstance(callback, Reporter):
            reporter = callback

            def soft_stop() -> None:
                softly[0] = True
                if reporter.solutions:
                    solver.stop_search()
                else:
                    reporter.stop_at_next()

            timer = threading.Timer(max(0.0, soft_seconds), soft_stop)
            timer.daemon = True
            timer.start()
        try:
            status = solver.solve(model, callback)
        finally:
            if timer is not None:
                timer.cancel()
            with self._lock:
                self._running.discard(solver)
            solver.parameters.max_time_in_seconds = configured
        self.check()
        if status in _UNFINISHED and softly[0] and not tentative and stage not in self.cut_short:
            self.cut_short.append(stage)
        # Ended unfinished by its wall-clock cap (a deterministic cap, as the probes use, ends it sooner).
        by_clock = solver.wall_time >= applied - 0.05
        if status in _UNFINISHED and by_clock and not tentative and stage not in self.cut_short:
            self.cut_short.append(stage)
        return status

    @property
    def out_of_time(self) -> bool:
        return self.left() <= 0.0
