"""Background solves: a pool of worker threads inside the service process, one job per school.

Each job runs :func:`api.job_body.run_job`, the one job path (a task-queue worker runs the same,
:mod:`api.worker`), which hands its request to :func:`rota_solver.application.run`, the same
application service the ``rota`` command calls, so a school gets the same outcome, rota and
explanation from both. The settings' time limit bounds the whole job (every solver stage and the
explainer). Nothing here touches publication: a failed, cancelled or interrupted job leaves the
published rota as it was. :class:`Jobs` is what the routes need; with ``ROTA_BROKER_URL`` set the
service uses :class:`api.queue.QueueJobs` instead, which sends jobs to the task queue.

Cancelling (or shutting down) goes through the job's :class:`rota_solver.RunControl`: it stops the
running CP-SAT search with the solver's own thread-safe ``stop_search()`` and keeps the next one
from starting. Plain Python between two searches (building a model) finishes first: measured
0.03-0.3 s for the demo school. A cancelled job is marked so in the database at once; its worker
thread ends moments later and discards whatever it had found.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from . import storage
from .job_body import (
    HEARTBEATS_PER_LEASE,
    RESTART_ERROR,
    SHUTDOWN_ERROR,
    JobControl,
    LeaseKeeper,
    process_owner,
    run_job,
)
from .settings import Settings
from .storage import JobInfo, RerunParams

__all__ = ["HEARTBEATS_PER_LEASE", "RESTART_ERROR", "SHUTDOWN_ERROR", "JobRunner", "Jobs"]

log = logging.getLogger(__name__)


class Jobs(Protocol):
    """Starting, cancelling and waiting for jobs, whoever runs them."""

    def start(
        self, slug: str, scenario_version: int | None = None, rerun: RerunParams | None = None
    ) -> JobInfo: ...

    def cancel(self, job_id: str) -> JobInfo: ...

    def wait(self, job_id: str, timeout: float | None = None) -> bool: ...

    def recover_on_startup(self) -> int: ...

    def shutdown(self) -> None: ...


class JobRunner:
    """Starts, tracks and cancels the solve jobs of one app, in threads of this process."""

    def __init__(self, session_factory: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = session_factory
        self._settings = settings
        self._executor = ThreadPoolExecutor(max_workers=settings.job_workers, thread_name_prefix="rota-job")
        self._lock = threading.Lock()
        self._closed = False
        self.owner = process_owner()
        """This process's name on its jobs' leases."""
        self._leases = LeaseKeeper(session_factory, settings, self.owner)

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
            control = JobControl(job_id)
            self._leases.track(control)
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
        control = self._leases.get(job_id)
        if control is not None and info.status == "cancelled":
            control.request_stop("cancel")
            log.info("job %s cancelled", job_id)
        return info

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Wait until the job's worker thread has finished with it; False on timeout."""
        control = self._leases.get(job_id)
        return control is None or control.done.wait(timeout)

    def recover_on_startup(self) -> int:
        """Mark failed the jobs whose owner's lease has run out (the process that ran them died);
        how many. Jobs of a live server process on the same database keep running. The heartbeat
        does the same every few seconds, so a crash elsewhere frees its schools within a lease."""
        return len(self._leases.expire())

    def _lease_end(self) -> dt.datetime:
        return storage.utcnow() + dt.timedelta(seconds=self._settings.job_lease_seconds)

    def shutdown(self) -> None:
        """Stop every job (they end failed, as interrupted) and wait for the worker threads."""
        self._leases.stop()
        with self._lock:
            self._closed = True
        controls = self._leases.tracked()
        for control in controls:
            control.request_stop("shutdown")
        self._executor.shutdown(wait=True, cancel_futures=True)
        # Jobs still queued never reached a worker.
        never_ran = self._leases.tracked()
        for control in never_ran:
            self._leases.forget(control.job_id)
        with self._sessions() as s:
            storage.fail_active_jobs(s, storage.utcnow(), SHUTDOWN_ERROR, only={c.job_id for c in never_ran})
        for control in never_ran:
            control.done.set()

    def _run(self, control: JobControl) -> None:
        try:
            run_job(self._sessions, self._settings, control, self.owner)
        finally:
            self._leases.forget(control.job_id)
