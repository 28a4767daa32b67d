"""One job's whole life in the process that runs it, and the leases of that process's jobs: the
one path every job takes, whether a thread of the server process runs it (:mod:`api.jobs`) or a
task-queue worker does (:mod:`api.worker`).

:func:`run_job` claims the queued job (atomically: of two processes handed it, one gets it), hands
its request to :func:`rota_solver.application.run` (the same application service the ``rota``
command calls), records progress in the database at most twice a second and at the start of every
phase, and stores the outcome: a verified rota (solved, solved with unmet requirements listed, or
stopped at the limit with the best rota found) as the school's next rota version. Every write is
guarded by the job's owner, so a process that lost its job (its lease ran out and another worker
retried it) stores nothing: one rota version per job. Nothing here touches publication.

:class:`LeaseKeeper` is the process's heartbeat: it renews its jobs' leases every sixth of
``ROTA_JOB_LEASE_SECONDS``, stops a job cancelled through any process (the job is no longer active
in the database), puts back on the queue the running jobs of dead workers that may be retried, and
fails those of dead processes that may not.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
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

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_SECONDS = 0.5
"""Least time between two progress writes of one job."""
RESTART_ERROR = "interrupted: the server process running it stopped (restart, crash or kill)"
WORKER_LOST_ERROR = "interrupted: the worker process running it stopped (crash, kill or lost contact)"
RETRY_NOTE = "retrying: the worker process running it stopped (crash, kill or lost contact)"
QUEUE_WAIT_ERROR = "no worker took the job from the task queue in time (ROTA_QUEUE_WAIT_SECONDS)"
SHUTDOWN_ERROR = "interrupted: the service shut down"
HEARTBEATS_PER_LEASE = 6
"""A job's lease (``Settings.job_lease_seconds``: how long it stays ours without a renewal) is
renewed this many times over; expired jobs of dead processes are looked for as often."""

StopReason = Literal["cancel", "shutdown"]


def process_owner() -> str:
    """A name for this process on its jobs' leases: host, process id and a random part."""
    return f"{socket.gethostname()[:48]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class JobControl:
    """What the thread running a job and ``cancel`` (or the heartbeat) share about it."""

    job_id: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop_reason: StopReason | None = None
    run: RunControl | None = None
    """The run's control, once the job has started."""
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
        """The run's control (its deadline counts from now), or None if the job is to stop already."""
        with self.lock:
            if self.stop_reason is not None:
                return None
            self.run = RunControl(time_limit_seconds)
            return self.run


def lease_end(settings: Settings) -> dt.datetime:
    return storage.utcnow() + dt.timedelta(seconds=settings.job_lease_seconds)


def run_job(
    sessions: sessionmaker[Session], settings: Settings, control: JobControl, owner: str
) -> bool:
    """Claim the queued job, solve it and store the outcome; False if it was not there to claim
    (no longer queued: cancelled, or claimed by another process). Never raises: an unexpected error
    fails the job with its reason."""
    started = time.monotonic()
    try:
        return _solve_job(sessions, settings, control, owner, started)
    except Exception as exc:
        if isinstance(exc, SQLAlchemyError):  # a full disk, a lost database: say so, in one line
            reason = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
            error = f"could not store the job's result: {reason}"
            log.error("job %s: %s", control.job_id, error)
        else:
            error = f"internal error: {type(exc).__name__}: {exc}"
            log.exception("job %s failed unexpectedly", control.job_id)
        try:
            with sessions() as s:
                storage.finish_job(
                    s,
                    control.job_id,
                    "failed",
                    storage.utcnow(),
                    time.monotonic() - started,
                    error,
                    owner=owner,
                )
        except SQLAlchemyError:
            # Its lease, no longer renewed, runs out: a heartbeat then fails it.
            log.exception("job %s: could not record the failure", control.job_id)
        return True
    finally:
        control.done.set()


def _solve_job(
    sessions: sessionmaker[Session], settings: Settings, control: JobControl, owner: str, started: float
) -> bool:
    job_id = control.job_id
    version_time = storage.utcnow()
    with sessions() as s:
        claimed = storage.claim_job(s, job_id, version_time, owner, lease_end(settings))
    if claimed is None:
        return False  # cancelled while queued, or another process has it
    limit = claimed.time_limit_seconds
    run_control = control.start_work(limit)
    if run_control is None:
        _finish_stopped(sessions, control, started, owner)
        return True
    retry = f", attempt {claimed.attempt}" if claimed.attempt > 1 else ""
    log.info("job %s started (time limit %g s%s)", job_id, limit, retry)
    options = SolveOptions(time_limit_seconds=limit, workers=1, version_time=version_time)

    def on_progress(progress: Progress) -> None:
        now = time.monotonic()
        new_phase = progress.objective is None
        if new_phase:
            log.info("job %s: %s at %.2f s", job_id, progress.stage, now - started)
        if new_phase or now - control.last_write >= PROGRESS_INTERVAL_SECONDS:
            control.last_write = now
            try:
                with sessions() as s:
                    storage.record_progress(
                        s, job_id, progress.stage, now - started, progress.objective, progress.bound, owner
                    )
            except SQLAlchemyError:  # progress is a nicety: never let it end the solve
                log.warning("job %s: could not record progress", job_id, exc_info=True)

    try:
        scenario = parse_scenario(claimed.text)
    except InvalidScenario as exc:  # valid when stored: a newer version of the rules rejects it
        with sessions() as s:
            storage.finish_job(
                s, job_id, "failed", storage.utcnow(), time.monotonic() - started, f"invalid scenario: {exc}",
                owner=owner,
            )
        return True
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
        _finish_stopped(sessions, control, started, owner)
        return True
    _finish(sessions, job_id, started, outcome, owner)
    return True


def _finish(
    sessions: sessionmaker[Session], job_id: str, started: float, outcome: Outcome, owner: str
) -> None:
    """Store the outcome: its verified rota as the next version, or why there is none."""
    keep = outcome.has_rota
    error = None if keep else outcome.message
    status: Literal["succeeded", "failed"] = "succeeded" if keep else "failed"
    with sessions() as s:
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
            owner=owner,
        )
    result = f"{status}, {outcome.kind}" if stored else "discarded (cancelled, or taken over, meanwhile)"
    seconds = time.monotonic() - started
    log.info("job %s %s after %.2f s%s", job_id, result, seconds, f": {error}" if error else "")


def _finish_stopped(sessions: sessionmaker[Session], control: JobControl, started: float, owner: str) -> None:
    """The job was cancelled (already marked so) or its process is shutting down."""
    seconds = time.monotonic() - started
    if control.stop_reason == "shutdown":
        with sessions() as s:
            now = storage.utcnow()
            if not storage.finish_job(s, control.job_id, "failed", now, seconds, SHUTDOWN_ERROR, owner=owner):
                storage.fail_active_jobs(s, now, SHUTDOWN_ERROR, only={control.job_id})  # still queued
    log.info("job %s stopped (%s) after %.2f s", control.job_id, control.stop_reason, seconds)


class LeaseKeeper:
    """The heartbeat of one process: renews the leases of the jobs it runs (``track``), stops those
    cancelled through any process, and takes care of the jobs of processes that died."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        owner: str,
        expired_error: str = RESTART_ERROR,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self.owner = owner
        self._expired_error = expired_error
        self._controls: dict[str, JobControl] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="rota-job-lease", daemon=True)
        self._thread.start()

    def track(self, control: JobControl) -> None:
        with self._lock:
            self._controls[control.job_id] = control

    def forget(self, job_id: str) -> None:
        with self._lock:
            self._controls.pop(job_id, None)

    def get(self, job_id: str) -> JobControl | None:
        with self._lock:
            return self._controls.get(job_id)

    def tracked(self) -> list[JobControl]:
        with self._lock:
            return list(self._controls.values())

    def expire(self) -> list[str]:
        """Requeue the retryable running jobs of dead workers; fail every other job whose lease ran
        out. The ids failed."""
        now = storage.utcnow()
        wait_until = now + dt.timedelta(seconds=self._settings.queue_wait_seconds)
        with self._sessions() as s:
            requeued = storage.requeue_expired_jobs(s, now, wait_until)
            failed = storage.fail_expired_jobs(s, now, self._expired_error, QUEUE_WAIT_ERROR)
        for job_id in requeued:
            log.warning("job %s put back on the queue: %s", job_id, RETRY_NOTE)
        for job_id in failed:
            log.warning("job %s failed: its lease ran out", job_id)
        return failed

    def stop(self) -> None:
        self._stopping.set()

    def _beat(self) -> None:
        while not self._stopping.wait(self._settings.job_lease_seconds / HEARTBEATS_PER_LEASE):
            self.beat()

    def beat(self, on_error: Callable[[], None] | None = None) -> None:
        try:
            mine = self.tracked()
            if mine:
                with self._sessions() as s:
                    active = set(storage.renew_leases(s, self.owner, lease_end(self._settings)))
                for control in mine:
                    started = control.run is not None  # a queue job is ours only once claimed
                    if control.job_id not in active and control.stop_reason is None and started:
                        log.info("job %s was cancelled elsewhere or taken over: stopping", control.job_id)
                        control.request_stop("cancel")
            self.expire()
        except SQLAlchemyError:  # the database is away for a moment: try again next beat
            log.warning("could not renew the job leases", exc_info=True)
