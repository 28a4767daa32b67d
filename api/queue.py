"""The task queue: Celery over Redis (broker and result backend), used when ``ROTA_BROKER_URL`` is
set. The server sends each job's id to a queue; ``rota worker`` processes (:mod:`api.worker`) run
it through :func:`api.job_body.run_job`, the same path as the in-process runner.

Nothing is lost and nothing is stored twice:

* the database, not the queue, says what a job is and who runs it: a queued job has no owner and
  waits at most ``ROTA_QUEUE_WAIT_SECONDS``; a worker claims it atomically and holds it with a lease
  it renews (the partial unique index keeps one active job per school);
* the message is acknowledged only after the job has ended (``acks_late``), and given back when the
  worker process dies (``reject_on_worker_lost``; Redis hands an unacknowledged message out again
  after ``ROTA_QUEUE_VISIBILITY_SECONDS``), so a worker killed mid-solve leaves a message behind;
* once the dead worker's lease runs out, a heartbeat (of any server or worker) puts the job back
  to queued, once (``max_attempts`` 2); the message's next delivery claims it; a second death fails
  it with the reason. A copy delivered while a live worker still holds the job looks again a lease
  later; every write of the job is guarded by its owner, so only one rota version is stored.

Fairness: schools of ``ROTA_LARGE_SCHOOL_CLASSES`` classes or more go on ``<prefix>.large``, the
rest on ``<prefix>.small``; a worker takes one job at a time (prefetch 1) from its queues in turn,
so a 240-class solve holds one worker, never the small schools' queue.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid

from celery import Celery
from sqlalchemy.orm import Session, sessionmaker

from rota_solver import InvalidScenario, parse_scenario

from . import storage
from .job_body import WORKER_LOST_ERROR, LeaseKeeper, process_owner
from .settings import Settings
from .storage import JobInfo, RerunParams

log = logging.getLogger(__name__)

TASK_NAME = "rota.run_job"
QUEUE_MAX_ATTEMPTS = 2
"""A queue job starts at most twice: once, and once more if the worker running it dies."""
ACTIVE = ("queued", "running")


def queue_names(settings: Settings) -> tuple[str, str]:
    """The small schools' queue and the large schools' queue."""
    return f"{settings.queue_prefix}.small", f"{settings.queue_prefix}.large"


def queue_for(settings: Settings, classes: int) -> str:
    small, large = queue_names(settings)
    return large if classes >= settings.large_school_classes else small


def celery_app(settings: Settings) -> Celery:
    """The Celery app for ``settings.broker_url`` (the server's and the workers' alike)."""
    if not settings.broker_url:
        raise ValueError("the task queue needs ROTA_BROKER_URL")
    prefix = f"{settings.queue_prefix}:"
    visibility = settings.queue_visibility_seconds
    app = Celery("rota", broker=settings.broker_url, backend=settings.result_backend or settings.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_default_queue=queue_names(settings)[0],
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        result_expires=86400,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility,
            "global_keyprefix": prefix,
            # Look for messages of dead workers a few times per visibility timeout.
            "unacked_restore_interval": max(1, min(10, int(visibility / 3))),
            "unacked_restore_throttle": 1,
        },
        result_backend_transport_options={"global_keyprefix": prefix},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
    )
    return app


class QueueJobs:
    """The server's side of the queue: jobs are created in the database and sent to the broker;
    ``rota worker`` processes run them. Cancel marks the job in the database; the worker's
    heartbeat stops its search."""

    def __init__(self, session_factory: sessionmaker[Session], settings: Settings) -> None:
        self._sessions = session_factory
        self._settings = settings
        self._app = celery_app(settings)
        self._leases = LeaseKeeper(session_factory, settings, process_owner(), WORKER_LOST_ERROR)

    def start(
        self, slug: str, scenario_version: int | None = None, rerun: RerunParams | None = None
    ) -> JobInfo:
        """As :meth:`api.jobs.JobRunner.start`; the job goes to the queue for its school's size."""
        job_id = uuid.uuid4().hex
        now = storage.utcnow()
        with self._sessions() as s:
            info = storage.create_job(
                s,
                slug,
                scenario_version,
                self._settings.job_time_limit_seconds,
                job_id,
                rerun,
                owner=None,
                lease_until=now + _seconds(self._settings.queue_wait_seconds),
                max_attempts=QUEUE_MAX_ATTEMPTS,
            )
            text = storage.scenario_version(s, slug, info.scenario_version).text
        queue = queue_for(self._settings, _classes(text))
        try:
            self._app.send_task(TASK_NAME, args=[job_id], queue=queue)
        except Exception as exc:  # the broker is away: the job cannot run, and says why
            error = f"could not send the job to the task queue: {type(exc).__name__}: {exc}"[:500]
            log.error("job %s: %s", job_id, error)
            with self._sessions() as s:
                storage.fail_active_jobs(s, storage.utcnow(), error, only={job_id})
                return storage.get_job(s, job_id)
        log.info("%s job %s for school %s sent to queue %s", info.kind, job_id, slug, queue)
        return info

    def cancel(self, job_id: str) -> JobInfo:
        """Mark the job cancelled; the worker running it stops at its next heartbeat."""
        with self._sessions() as s:
            info = storage.cancel_job(s, job_id, storage.utcnow())
        log.info("job %s: %s", job_id, info.status)
        return info

    def wait(self, job_id: str, timeout: float | None = None) -> bool:
        """Poll the database until the job has ended; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._sessions() as s:
                if storage.get_job(s, job_id).status not in ACTIVE:
                    return True
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.2)

    def recover_on_startup(self) -> int:
        """Requeue or fail the jobs of workers that died; how many failed."""
        return len(self._leases.expire())

    def shutdown(self) -> None:
        """Queued and running jobs are the workers': they go on."""
        self._leases.stop()
        self._app.close()


def _seconds(value: float) -> dt.timedelta:
    return dt.timedelta(seconds=value)


def _classes(text: str) -> int:
    try:
        return len(parse_scenario(text).classes)
    except InvalidScenario:  # the job fails on the worker, saying why
        return 0
