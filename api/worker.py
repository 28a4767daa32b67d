"""``rota worker``: a Celery worker that runs the service's jobs from the task queue.

Each task is one job id; its body is :func:`api.job_body.run_job`, the path the in-process runner
takes, so a school gets the same outcome, rota and progress either way. A process (the worker with
``--concurrency 1``, which runs tasks itself, or each child of a prefork pool) opens its own
database engine and runs a :class:`api.job_body.LeaseKeeper` heartbeat: it renews the lease of the
job it runs, stops it when it is cancelled through any server, and requeues or fails the jobs of
dead processes. See :mod:`api.queue` for what happens when a worker dies.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from typing import Any

from celery import Celery, Task
from sqlalchemy.orm import Session, sessionmaker

from . import storage
from .db import init_db, make_engine, make_session_factory
from .job_body import WORKER_LOST_ERROR, JobControl, LeaseKeeper, process_owner, run_job
from .queue import ACTIVE, TASK_NAME, celery_app, queue_names
from .settings import Settings

log = logging.getLogger(__name__)


@dataclass
class _Process:
    """One worker process's database and heartbeat (made after a prefork child has forked)."""

    pid: int
    settings: Settings
    sessions: sessionmaker[Session]
    leases: LeaseKeeper


_lock = threading.Lock()
_process: _Process | None = None


def _this_process(settings: Settings) -> _Process:
    global _process
    with _lock:
        if _process is None or _process.pid != os.getpid():
            engine = make_engine(settings.resolved_database_url())
            sessions = make_session_factory(engine)
            leases = LeaseKeeper(sessions, settings, process_owner(), WORKER_LOST_ERROR)
            _process = _Process(os.getpid(), settings, sessions, leases)
            log.info("worker process %s ready (lease owner %s)", os.getpid(), leases.owner)
        return _process


def run_task(task: Task[Any, Any], settings: Settings, job_id: str) -> str:
    """Run the job the message names; what became of it. A job another live worker holds (this
    message is a copy the broker handed out again) is looked at again a lease later."""
    process = _this_process(settings)
    control = JobControl(job_id)
    process.leases.track(control)
    try:
        ran = run_job(process.sessions, settings, control, process.leases.owner)
    finally:
        process.leases.forget(job_id)
    if ran:
        return "ran"
    with process.sessions() as s:
        state = storage.job_state(s, job_id)
    if state is None or state.status not in ACTIVE:
        return "ended before this delivery"
    log.info("job %s is held by %s: looking again in %g s", job_id, state.owner, settings.job_lease_seconds)
    raise task.retry(countdown=settings.job_lease_seconds, max_retries=None)


def worker_app(settings: Settings) -> Celery:
    """The Celery app with the job task registered."""
    app = celery_app(settings)

    @app.task(  # type: ignore[untyped-decorator]
        name=TASK_NAME, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None
    )
    def run_job_task(self: Task[Any, Any], job_id: str) -> str:
        return run_task(self, settings, job_id)

    return app


def run_worker(settings: Settings, concurrency: int = 1, queues: list[str] | None = None) -> None:
    """Run a worker until it is stopped (SIGTERM or Ctrl-C: the running job finishes first).
    ``concurrency`` 1 runs each job in this process; more starts that many child processes."""
    engine = make_engine(settings.resolved_database_url())
    try:
        init_db(engine)  # the same schema as the servers'; concurrent starts take turns
    finally:
        engine.dispose()
    small, large = queue_names(settings)
    names = [{"small": small, "large": large}.get(q, q) for q in (queues or ["small", "large"])]
    app = worker_app(settings)
    argv = [
        "worker",
        f"--concurrency={concurrency}",
        f"--pool={'solo' if concurrency == 1 else 'prefork'}",
        f"--queues={','.join(names)}",
        f"--hostname=rota-{os.getpid()}@%h",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    app.worker_main(argv=argv)
