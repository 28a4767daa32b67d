"""What the lease decides for a task-queue job, on the database alone: a dead worker's job is
requeued once, then failed with the reason; a worker that lost its job stores nothing."""

from __future__ import annotations

import datetime as dt

from api import storage
from api.db import init_db, make_engine, make_session_factory
from tests.api.test_http import tiny_yaml


def test_a_queue_job_is_retried_once_and_a_lost_worker_stores_nothing() -> None:
    engine = make_engine("sqlite://")
    init_db(engine)
    sessions = make_session_factory(engine)
    now = storage.utcnow()
    later = now + dt.timedelta(hours=1)
    with sessions() as s:
        storage.save_scenario(s, "tiny", tiny_yaml(), "yaml", "test")
        storage.create_job(s, "tiny", None, 10.0, "j1", owner=None, lease_until=later, max_attempts=2)
        assert storage.claim_job(s, "j1", now, "worker-a", now + dt.timedelta(seconds=3)) is not None
        assert storage.claim_job(s, "j1", now, "worker-b", later) is None  # a copy of the message
        # Worker A dies: its lease runs out; the job goes back to the queue, once.
        gone = now + dt.timedelta(seconds=10)
        assert storage.requeue_expired_jobs(s, gone, later) == ["j1"]
        assert storage.fail_expired_jobs(s, gone, "lost") == []
        info = storage.get_job(s, "j1")
        assert (info.status, info.attempts) == ("queued", 1)
        claimed = storage.claim_job(s, "j1", gone, "worker-b", gone + dt.timedelta(seconds=3))
        assert claimed is not None and claimed.attempt == 2
        # A, only presumed dead, comes back with a result: nothing is stored.
        assert not storage.finish_job(s, "j1", "failed", gone, 1.0, "late", owner="worker-a")
        storage.record_progress(s, "j1", "weekly", 1.0, 5.0, owner="worker-a")
        assert storage.get_job(s, "j1").best_objective is None
        # B dies too: no third start, the job fails saying so, and the school is free.
        end = gone + dt.timedelta(seconds=10)
        assert storage.requeue_expired_jobs(s, end, later) == []
        assert storage.fail_expired_jobs(s, end, "lost") == ["j1"]
        failed = storage.get_job(s, "j1")
        assert failed.status == "failed" and failed.error is not None and "not retried again" in failed.error
        assert storage.list_rotas(s, "tiny") == []
        storage.create_job(s, "tiny", None, 10.0, "j2")
    engine.dispose()


def test_a_job_no_worker_takes_fails_saying_so() -> None:
    engine = make_engine("sqlite://")
    init_db(engine)
    sessions = make_session_factory(engine)
    now = storage.utcnow()
    with sessions() as s:
        storage.save_scenario(s, "tiny", tiny_yaml(), "yaml", "test")
        storage.create_job(s, "tiny", None, 10.0, "j1", lease_until=now, max_attempts=2)
        late = now + dt.timedelta(seconds=1)
        assert storage.fail_expired_jobs(s, late, "lost", "no worker took it") == ["j1"]
        assert storage.get_job(s, "j1").error == "no worker took it"
    engine.dispose()
