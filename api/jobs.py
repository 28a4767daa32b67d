"""Background solves: a pool of worker threads inside the service process, one job per school.

A job runs :func:`rota_solver.solve` in a worker thread with one CP-SAT worker and the settings'
time limit (per solve stage), records its progress in the database at most twice a second, checks
the rota with :func:`rota_solver.verify` and stores it as the school's next rota version. Nothing
here touches publication: a failed, cancelled or interrupted job leaves the published rota as it was.

A rerun job is the same job with :func:`rota_solver.rerun.rerun` in place of ``solve``: against the
rota version published when it was started, it stores the new version with what changed. A
:class:`~rota_solver.errors.CannotRerun` (the new scenario does not fit the published rota) fails
the job with the reason, as a scenario without a rota does.
The limit applies to each of the solve's two CP-SAT stages, so a job can last about twice the limit
plus model building and checking (seconds for a large school).

Cancelling (or shutting down) really stops CP-SAT, although ``rota_solver.solve`` keeps its
``CpSolver`` objects to itself and calls back only when it finds a better solution:

* a stopper thread finds the ``CpSolver.solve`` call on the worker thread's stack
  (``sys._current_frames``) and calls that solver's ``stop_search()``, CP-SAT's thread-safe way
  to end a search from outside. It does so at once and again every 50 ms until the job ends, so
  the next stage's search is stopped as soon as it starts, before its first solution too (the
  stage then ends in ``NoSolutionInTime``, which a stopped job ignores);
* the progress callback, which runs inside CP-SAT's solution callback, raises
  :class:`JobCancelled` once a stop is asked for, leaving ``solve`` at once.

What cannot be stopped is plain Python inside ``solve``: building the weekly model, and between
the stages laying out the weekly table and building the term model. A cancel waits for the part
in progress: measured 0.03-0.3 s for the demo school, 2.5 s for a school three times its size
with all its activities.

A cancelled job is marked so in the database at once; its worker thread finishes moments later
and discards whatever it had found.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from ortools.sat.python import cp_model
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rota_solver import NoRotaExists, Progress, Rota, RotaError, SolveOptions, parse_scenario, solve, verify
from rota_solver.conflict import Explanation
from rota_solver.errors import CannotRerun
from rota_solver.explain import explain_unmet
from rota_solver.rerun import RotaDiff
from rota_solver.rerun import rerun as rerun_rota

from . import storage
from .settings import Settings
from .storage import JobInfo, RerunParams

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5
"""Least time between two progress writes of one job."""
STOP_POLL_SECONDS = 0.05
"""How often a stopping job's CP-SAT search is told to stop again (each stage starts a new one)."""
RESTART_ERROR = "interrupted by a restart of the service"
SHUTDOWN_ERROR = "interrupted: the service shut down"
VERIFIER_MESSAGES = 3
"""How many of the verifier's messages a failed job's error quotes."""

StopReason = Literal["cancel", "shutdown"]


class JobCancelled(Exception):
    """Raised inside the solve to end it when its job is cancelled or the service shuts down."""


_CP_SAT_SOLVE = cp_model.CpSolver.solve.__code__


@dataclass
class _Control:
    """What the worker thread and ``cancel`` share about one job."""

    job_id: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop_reason: StopReason | None = None
    worker: int | None = None
    """Thread id of the worker running the job, once it has started."""
    solving: bool = False
    """True while the worker is inside ``rota_solver.solve``."""
    stopper: threading.Thread | None = None
    done: threading.Event = field(default_factory=threading.Event)
    last_write: float = float("-inf")

    def request_stop(self, reason: StopReason) -> None:
        """Ask the job to stop; a job already running gets a stopper thread for its CP-SAT searches."""
        with self.lock:
            if self.stop_reason is None:
                self.stop_reason = reason
            if self.worker is None or self.stopper is not None:
                return  # not started (it checks stop_reason first), or already being stopped
            self.stopper = threading.Thread(
                target=self._keep_stopping, name=f"rota-job-stop-{self.job_id[:8]}", daemon=True
            )
        self.stopper.start()

    def start_work(self) -> bool:
        """Called by the worker thread as it picks the job up; False if it is to stop already."""
        with self.lock:
            self.worker = threading.get_ident()
            return self.stop_reason is None

    def _keep_stopping(self) -> None:
        while True:
            with self.lock:  # the worker cannot leave solve() meanwhile: the solver found is this job's
                if self.solving and self.worker is not None:
                    _stop_cp_sat(self.worker)
            if self.done.wait(STOP_POLL_SECONDS):
                return


def _stop_cp_sat(thread_id: int) -> None:
    """Stop the CP-SAT search running on ``thread_id``, if it is in one."""
    frame = sys._current_frames().get(thread_id)
    while frame is not None:
        if frame.f_code is _CP_SAT_SOLVE:
            solver = frame.f_locals.get("self")
            if isinstance(solver, cp_model.CpSolver):
                solver.stop_search()  # takes the solver's lock; a no-op before or after its search
            return
        frame = frame.f_back


class JobRunner:
    """Starts, tracks and cancels the solve jobs of one app."""

    def __init__(self, session_factory: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = session_factory
        self._settings = settings
        self._executor = ThreadPoolExecutor(max_workers=settings.job_workers, thread_name_prefix="rota-job")
        self._controls: dict[str, _Control] = {}
        self._lock = threading.Lock()
        self._closed = False

    def start(
        self, slug: str, scenario_version: int | None = None, rerun: RerunParams | None = None
    ) -> JobInfo:
        """Queue a solve of the school's scenario ``scenario_version`` (default: the newest), or
        with ``rerun`` a rerun of it against the school's published rota.

        :class:`storage.NotFound` for an unknown school or version; :class:`storage.Conflict`
        (naming the job) if the school already has a job queued or running, or for a rerun when
        nothing is published.
        """
        job_id = uuid.uuid4().hex
        with self._lock:
            if self._closed:
                raise RuntimeError("the job runner is shut down")
            with self._sessions() as s:
                info = storage.create_job(
                    s, slug, scenario_version, self._settings.job_time_limit_seconds, job_id, rerun
                )
            control = _Control(job_id)
            self._controls[job_id] = control
            self._executor.submit(self._run, control)
        log.info(
            "%s job %s queued for school %s, scenario version %d",
            info.kind,
            job_id,
            slug,
            info.scenario_version,
        )
        return info

    def cancel(self, job_id: str) -> JobInfo:
        """Cancel a queued or running job and stop its CP-SAT search; a finished job is returned
        unchanged. :class:`storage.NotFound` for an unknown job."""
        with self._sessions() as s:
            info = storage.cancel_job(s, job_id, storage.utcnow())
        with self._lock:
            control = self._controls.get(job_id)
        if control is not None and info.status == "cancelled":
            control.request_stop("cancel")
            log.info("job %s cancelled", job_id)
        return info

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Wait until the job's worker thread has finished with it; False on timeout."""
        with self._lock:
            control = self._controls.get(job_id)
        return control is None or control.done.wait(timeout)

    def recover_on_startup(self) -> int:
        """Mark jobs left queued or running by an earlier process failed; how many.

        Call once at start-up, before :meth:`start`. Jobs of this runner are left alone.
        """
        with self._lock:
            own = set(self._controls)
        with self._sessions() as s:
            active = storage.fail_active_jobs(s, storage.utcnow(), RESTART_ERROR, exclude=own)
        if active:
            log.warning("marked %d job(s) interrupted by a restart as failed", active)
        return active

    def shutdown(self) -> None:
        """Stop every job (they end failed, as interrupted) and wait for the worker threads."""
        with self._lock:
            self._closed = True
            controls = list(self._controls.values())
        for control in controls:
            control.request_stop("shutdown")
        self._executor.shutdown(wait=True, cancel_futures=True)
        # Jobs still queued never reached a worker.
        with self._lock:
            never_ran = list(self._controls.values())
            self._controls.clear()
        with self._sessions() as s:
            storage.fail_active_jobs(s, storage.utcnow(), SHUTDOWN_ERROR, only={c.job_id for c in never_ran})
        for control in never_ran:
            control.done.set()

    # --- the worker thread -------------------------------------------------------------------

    def _run(self, control: _Control) -> None:
        started = time.monotonic()
        try:
            if control.start_work():
                self._solve_job(control, started)
            else:
                self._finish_stopped(control, started)
        except Exception as exc:
            log.exception("job %s failed unexpectedly", control.job_id)
            try:
                with self._sessions() as s:
                    storage.finish_job(
                        s,
                        control.job_id,
                        "failed",
                        storage.utcnow(),
                        time.monotonic() - started,
                        error=f"internal error: {type(exc).__name__}: {exc}",
                    )
            except SQLAlchemyError:
                log.exception("job %s: could not record the failure", control.job_id)
        finally:
            control.done.set()
            with self._lock:
                self._controls.pop(control.job_id, None)

    def _solve_job(self, control: _Control, started: float) -> None:
        job_id = control.job_id
        version_time = storage.utcnow()
        with self._sessions() as s:
            claimed = storage.claim_job(s, job_id, version_time)
        if claimed is None:
            return  # cancelled while queued
        options = SolveOptions(
            time_limit_seconds=self._settings.job_time_limit_seconds, workers=1, version_time=version_time
        )

        def on_progress(progress: Progress) -> None:
            # Runs inside CP-SAT's solution callback: raising here ends the search and the solve.
            if control.stop_reason is not None:
                raise JobCancelled(job_id)
            now = time.monotonic()
            if now - control.last_write >= PROGRESS_INTERVAL_SECONDS:
                control.last_write = now
                self._progress(job_id, progress.stage, now - started, progress.objective, progress.bound)

        rota: Rota | None = None
        changes: RotaDiff | None = None
        error: str | None = None
        explanation: Explanation | None = None
        try:
            scenario = parse_scenario(claimed.text)
            with control.lock:
                control.solving = control.stop_reason is None
            if control.solving and claimed.rerun is not None:
                inputs = claimed.rerun
                result = rerun_rota(
                    scenario,
                    inputs.published,
                    today=inputs.today,
                    freeze=inputs.freeze,
                    notice_school_days=inputs.notice_days,
                    options=options,
                    progress=on_progress,
                )
                rota, changes = result.rota, result.diff
            elif control.solving:
                rota = solve(scenario, options, progress=on_progress)
                rota = explain_unmet(scenario, rota, options.time_limit_seconds)
        except JobCancelled:
            pass
        except CannotRerun as exc:  # the new scenario does not fit the published rota: the user's to fix
            error = f"cannot rerun: {exc}"
        except NoRotaExists as exc:
            error = "no rota exists: " + "; ".join(exc.conflicts)
            explanation = exc.explanation
        except RotaError as exc:
            error = str(exc)
        finally:
            with control.lock:
                control.solving = False
        if control.stop_reason is not None:
            self._finish_stopped(control, started)
            return
        if rota is not None:
            self._progress(job_id, "verifying", time.monotonic() - started)
            violations = verify(scenario, rota)
            if violations:
                error = _verifier_error([v.message for v in violations])
                rota = changes = None
        with self._sessions() as s:
            status: Literal["succeeded", "failed"] = "succeeded" if rota is not None else "failed"
            stored = storage.finish_job(
                s,
                job_id,
                status,
                storage.utcnow(),
                time.monotonic() - started,
                error=error,
                rota=rota,
                changes=changes,
                explanation=explanation,
            )
        outcome = status if stored else "discarded (cancelled meanwhile)"
        log.info("job %s %s%s", job_id, outcome, f": {error}" if error else "")

    def _finish_stopped(self, control: _Control, started: float) -> None:
        """The job was cancelled (already marked so) or the service is shutting down."""
        seconds = time.monotonic() - started
        if control.stop_reason == "shutdown":
            with self._sessions() as s:
                now = storage.utcnow()
                if not storage.finish_job(s, control.job_id, "failed", now, seconds, SHUTDOWN_ERROR):
                    storage.fail_active_jobs(s, now, SHUTDOWN_ERROR, only={control.job_id})  # still queued
        log.info("job %s stopped (%s) after %.2f s", control.job_id, control.stop_reason, seconds)

    def _progress(
        self,
        job_id: str,
        phase: str,
        elapsed: float,
        objective: float | None = None,
        bound: float | None = None,
    ) -> None:
        try:
            with self._sessions() as s:
                storage.record_progress(s, job_id, phase, elapsed, objective, bound)
        except SQLAlchemyError:  # progress is a nicety: never let it end the solve
            log.warning("job %s: could not record progress", job_id, exc_info=True)


def _verifier_error(messages: list[str]) -> str:
    shown = "; ".join(messages[:VERIFIER_MESSAGES])
    more = len(messages) - VERIFIER_MESSAGES
    return f"the verifier rejected the rota: {shown}" + (f" (and {more} more)" if more > 0 else "")
