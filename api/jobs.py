"""Background solves: a pool of worker threads inside the service process, one job per school.

A job hands its request to :func:`rota_solver.application.run`, the same application service the
``rota`` command calls, so a school gets the same outcome, rota and explanation from both. The
settings' time limit bounds the whole job (every solver stage and the explainer); progress is
recorded in the database at most twice a second, and at the start of every phase. A job with a
verified rota (solved, solved with unmet requirements listed, or stopped at the limit with the best
rota found) stores it as the school's next rota version; nothing here touches publication: a
failed, cancelled or interrupted job leaves the published rota as it was.

Cancelling (or shutting down) goes through the job's :class:`rota_solver.RunControl`: it stops the
running CP-SAT search with the solver's own thread-safe ``stop_search()`` and keeps the next one
from starting. Plain Python between two searches (building a model) finishes first: measured
0.03-0.3 s for the demo school. A cancelled job is marked so in the database at once; its worker
thread ends moments later and discards whatever it had found.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from rota_solver import (
    InvalidScenario,
    Outcome,
    Progress,
    RerunRequest,
    RunControl,
    SolveOptions,
    SolveRequest,
    parse_scenario,
    run,
)

from . import storage
from .settings import Settings
from .storage import JobInfo, RerunParams

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5
"""Least time between two progress writes of one job."""
RESTART_ERROR = "interrupted: the server process running it stopped (restart, crash or kill)"
HEARTBEATS_PER_LEASE = 6
"""A job's lease (``Settings.job_lease_seconds``: how long it stays ours without a renewal) is
renewed this many times over; expired jobs of dead processes are looked for as often."""
SHUTDOWN_ERROR = "interrupted: the service shut down"

StopReason = Literal["cancel", "shutdown"]


@dataclass
class _Control:
    """What the worker thread and ``cancel`` share about one job."""

    job_id: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop_reason: StopReason | None = None
    run: RunControl | None = None
    """The run's control, once the worker has started it."""
    done: threading.Event = field(default_factory=threading.Event)
    last_write: float = float("-inf")

    def request_stop(self, reason: StopReason) -> None:
        """Ask the job to stop; a running job's search stops at once."""
        with self.lock:
            if self.stop_reason is None:
                self.stop_reason = reason
            run = self.run
        if run is not None:
            run.cancel()

    def start_work(self, time_limit_seconds: float) -> RunControl | None:
        """Called by the worker thread as it picks the job up: the run's control (its deadline
        counts from now), or None if the job is to stop already."""
        with self.lock:
            if self.stop_reason is not None:
                return None
            self.run = RunControl(time_limit_seconds)
            return self.run


class JobRunner:
    """Starts, tracks and cancels the solve jobs of one app."""

    def __init__(self, session_factory: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = session_factory
        self._settings = settings
        self._executor = ThreadPoolExecutor(max_workers=settings.job_workers, thread_name_prefix="rota-job")
        self._controls: dict[str, _Control] = {}
        self._lock = threading.Lock()
        self._closed = False
        self.owner = f"{socket.gethostname()[:48]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        """This process's name on its jobs' leases."""
        self._stopping = threading.Event()
        self._heartbeat = threading.Thread(target=self._keep_leases, name="rota-job-lease", daemon=True)
        self._heartbeat.start()

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
                    s,
                    slug,
                    scenario_version,
                    self._settings.job_time_limit_seconds,
                    job_id,
                    rerun,
                    owner=self.owner,
                    lease_until=self._lease_end(),
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
        """Mark failed the jobs whose owner's lease has run out (the process that ran them died);
        how many. Jobs of a live server process on the same database keep running. The heartbeat
        does the same every few seconds, so a crash elsewhere frees its schools within a lease."""
        expired = self._fail_expired()
        return len(expired)

    def _lease_end(self) -> dt.datetime:
        return storage.utcnow() + dt.timedelta(seconds=self._settings.job_lease_seconds)

    def _fail_expired(self) -> list[str]:
        with self._sessions() as s:
            expired = storage.fail_expired_jobs(s, storage.utcnow(), RESTART_ERROR)
        for job_id in expired:
            log.warning("job %s failed: %s", job_id, RESTART_ERROR)
        return expired

    def _keep_leases(self) -> None:
        """Renew this process's leases; stop jobs cancelled through another process; fail the jobs
        of processes that died."""
        while not self._stopping.wait(self._settings.job_lease_seconds / HEARTBEATS_PER_LEASE):
            try:
                with self._lock:
                    mine = dict(self._controls)
                if mine:
                    with self._sessions() as s:
                        active = set(storage.renew_leases(s, self.owner, self._lease_end()))
                    for job_id, control in mine.items():
                        if job_id not in active and control.stop_reason is None:
                            log.info("job %s was cancelled elsewhere: stopping it", job_id)
                            control.request_stop("cancel")
                self._fail_expired()
            except SQLAlchemyError:  # the database is away for a moment: try again next beat
                log.warning("could not renew the job leases", exc_info=True)

    def shutdown(self) -> None:
        """Stop every job (they end failed, as interrupted) and wait for the worker threads."""
        self._stopping.set()
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
            self._solve_job(control, started)
        except Exception as exc:
            if isinstance(exc, SQLAlchemyError):  # a full disk, a lost database: say so, in one line
                reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
                error = f"could not store the job's result: {reason}"
                log.error("job %s: %s", control.job_id, error)
            else:
                error = f"internal error: {type(exc).__name__}: {exc}"
                log.exception("job %s failed unexpectedly", control.job_id)
            try:
                with self._sessions() as s:
                    storage.finish_job(
                        s, control.job_id, "failed", storage.utcnow(), time.monotonic() - started, error=error
                    )
            except SQLAlchemyError:
                # Its lease, no longer renewed, runs out: the heartbeat then fails it.
                log.exception("job %s: could not record the failure", control.job_id)
        finally:
            control.done.set()
            with self._lock:
                self._controls.pop(control.job_id, None)

    def _solve_job(self, control: _Control, started: float) -> None:
        job_id = control.job_id
        limit = self._settings.job_time_limit_seconds
        run_control = control.start_work(limit)
        if run_control is None:
            self._finish_stopped(control, started)
            return
        version_time = storage.utcnow()
        with self._sessions() as s:
            claimed = storage.claim_job(s, job_id, version_time)
        if claimed is None:
            return  # cancelled while queued
        log.info("job %s started (time limit %g s)", job_id, limit)
        options = SolveOptions(time_limit_seconds=limit, workers=1, version_time=version_time)

        def on_progress(progress: Progress) -> None:
            now = time.monotonic()
            new_phase = progress.objective is None
            if new_phase:
                log.info("job %s: %s at %.2f s", job_id, progress.stage, now - started)
            if new_phase or now - control.last_write >= PROGRESS_INTERVAL_SECONDS:
                control.last_write = now
                self._progress(job_id, progress.stage, now - started, progress.objective, progress.bound)

        try:
            scenario = parse_scenario(claimed.text)
        except InvalidScenario as exc:  # valid when stored: a newer version of the rules rejects it
            error = f"invalid scenario: {exc}"
            with self._sessions() as s:
                storage.finish_job(s, job_id, "failed", storage.utcnow(), time.monotonic() - started, error)
            return
        if claimed.rerun is not None:
            inputs = claimed.rerun
            request: SolveRequest | RerunRequest = RerunRequest(
                scenario,
                inputs.published,
                today=inputs.today,
                freeze=inputs.freeze,
                notice_school_days=inputs.notice_days,
                options=options,
            )
        else:
            request = SolveRequest(scenario, options)
        outcome = run(request, run_control, on_progress)
        if control.stop_reason is not None or outcome.kind == "cancelled":
            self._finish_stopped(control, started)
            return
        self._finish(job_id, started, outcome)

    def _finish(self, job_id: str, started: float, outcome: Outcome) -> None:
        """Store the outcome: its verified rota as the next version, or why there is none."""
        keep = outcome.has_rota
        error = None if keep else outcome.message
        with self._sessions() as s:
            status: Literal["succeeded", "failed"] = "succeeded" if keep else "failed"
            stored = storage.finish_job(
                s,
                job_id,
                status,
                storage.utcnow(),
                time.monotonic() - started,
                error=error,
                rota=outcome.rota if keep else None,
                changes=outcome.diff if keep else None,
                explanation=outcome.explanation,
                outcome=outcome.kind,
                cut_short=outcome.cut_short,
            )
        result = f"{status}, {outcome.kind}" if stored else "discarded (cancelled meanwhile)"
        seconds = time.monotonic() - started
        log.info("job %s %s after %.2f s%s", job_id, result, seconds, f": {error}" if error else "")

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
