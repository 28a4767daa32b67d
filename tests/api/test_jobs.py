"""Background solves: a job runs to a verified rota version; one job per school; cancel and
shutdown really stop CP-SAT; a restart fails interrupted jobs and leaves publication alone."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import Engine, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from api import storage
from api.db import init_db, make_engine, make_session_factory
from api.errors import Conflict, NotFound
from api.jobs import RESTART_ERROR, SHUTDOWN_ERROR, JobRunner
from api.models import SolveJob
from api.schemas import Job
from api.settings import Settings
from rota_solver import parse_scenario, verify
from tests.factories import school_dict
from tests.slow_school import slow_school

TINY = yaml.safe_dump(school_dict())
MakeRunner = Callable[..., JobRunner]


@pytest.fixture(scope="module")
def slow_text() -> str:
    text = slow_school()
    parse_scenario(text)
    return text


@pytest.fixture(autouse=True)
def no_rota_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings built here must not pick up the developer's ROTA_* variables (a real database!)."""
    for name in [n for n in os.environ if n.startswith("ROTA_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'rota.db'}")
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    factory = make_session_factory(engine)
    with factory() as s:
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
    return factory


@pytest.fixture
def make_runner(sessions: sessionmaker[Session], tmp_path: Path) -> Iterator[MakeRunner]:
    runners: list[JobRunner] = []

    def make(**settings: Any) -> JobRunner:
        runner = JobRunner(
            sessions, Settings(data_dir=tmp_path, **{"job_time_limit_seconds": 60, **settings})
        )
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        runner.shutdown()


def wait_for(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def job(sessions: sessionmaker[Session], job_id: str) -> storage.JobInfo:
    with sessions() as s:
        return storage.get_job(s, job_id)


def searching(sessions: sessionmaker[Session], job_id: str) -> Callable[[], bool]:
    """True once CP-SAT has reported a weekly table: the job is past model building, searching."""
    return lambda: job(sessions, job_id).phase == "weekly_pattern"


def test_a_job_solves_the_tiny_school_into_rota_version_1(
    sessions: sessionmaker[Session], make_runner: MakeRunner
) -> None:
    runner = make_runner(job_time_limit_seconds=10)
    assert runner.recover_on_startup() == 0
    queued = runner.start("tiny")
    assert (queued.status, queued.school, queued.scenario_version, queued.rota_version) == (
        "queued",
        "tiny",
        1,
        None,
    )
    assert queued.time_limit_seconds == 10
    assert runner.wait(queued.id, 30)
    done = job(sessions, queued.id)
    assert (done.status, done.phase, done.error, done.rota_version) == ("succeeded", "done", None, 1)
    assert done.finished_at is not None and done.finished_at >= done.created_at
    with sessions() as s:
        info, rota, scenario = storage.get_rota(s, "tiny", 1)
        assert storage.get_school(s, "tiny").published_version is None  # a job never publishes
    assert verify(scenario, rota) == []
    assert rota.scenario_digest == storage_digest(sessions) and info.objective == done.best_objective
    assert done.created_at <= rota.version_time <= done.finished_at  # stamped with the job's start

    second = runner.start("tiny")  # the school is free again
    assert runner.wait(second.id, 30) and job(sessions, second.id).rota_version == 2


def storage_digest(sessions: sessionmaker[Session]) -> str:
    with sessions() as s:
        return storage.latest_scenario(s, "tiny").digest


def test_unknown_schools_and_versions(make_runner: MakeRunner) -> None:
    runner = make_runner()
    for slug, version in (("other", None), ("tiny", 2)):
        with pytest.raises(NotFound):
            runner.start(slug, version)
    with pytest.raises(NotFound):
        runner.cancel("nope")


def test_no_rota_exists_fails_the_job_with_the_conflicts(
    sessions: sessionmaker[Session], make_runner: MakeRunner
) -> None:
    always_busy = [{"day": d, "start": "11:30", "end": "12:30"} for d in ("mon", "tue", "wed", "thu", "fri")]
    text = yaml.safe_dump(school_dict(classes=[{"id": "1-1", "grade": 1, "size": 30, "busy": always_busy}]))
    with sessions() as s:
        storage.save_scenario(s, "tiny", text, "yaml", "admin")
    runner = make_runner()
    started = runner.start("tiny")
    assert runner.wait(started.id, 30)
    failed = job(sessions, started.id)
    assert failed.status == "failed" and failed.rota_version is None
    assert failed.error is not None and failed.error.startswith("no rota exists: 1-1 needs 1 session(s)")
    # The structured explanation, as the job resource serves it: groups, sentence, tested changes.
    served = Job.of(failed).model_dump(mode="json")["explanation"]
    [conflict] = served["conflicts"]
    assert [(g["kind"], g["subject"]) for g in conflict["groups"]] == [
        ("demand", ["reading", "1-1"]),
        ("timetable", ["1-1"]),
    ]
    assert conflict["text"] == failed.error.removeprefix("no rota exists: ")
    assert conflict["suggestions"] == [
        {
            "text": "allow the afternoon 14:00–15:30 window for reading",
            "change": {"path": "rules[0].windows", "value": ["lunch", "afternoon"]},
            "solves": True,
        }
    ]


def test_one_job_per_school_and_a_queued_job_can_be_cancelled(
    sessions: sessionmaker[Session], make_runner: MakeRunner, slow_text: str
) -> None:
    with sessions() as s:
        storage.save_scenario(s, "slow", slow_text, "yaml", "admin")
    runner = make_runner(job_workers=1)
    slow = runner.start("slow")
    tiny = runner.start("tiny")  # another school: queued behind the slow one
    with pytest.raises(Conflict) as caught:
        runner.start("slow")
    assert caught.value.running_job == slow.id and slow.id in str(caught.value)

    cancelled = runner.cancel(tiny.id)
    assert (cancelled.status, cancelled.error) == ("cancelled", "cancelled on request")
    assert runner.cancel(slow.id).status == "cancelled"
    assert runner.wait(slow.id, 30) and runner.wait(tiny.id, 30)
    assert job(sessions, tiny.id).status == "cancelled" and job(sessions, tiny.id).rota_version is None
    assert runner.cancel(tiny.id) == job(sessions, tiny.id)  # cancelling again changes nothing
    with sessions() as s:
        assert storage.list_rotas(s, "slow") == [] and storage.list_rotas(s, "tiny") == []


def test_cancel_stops_cp_sat_between_solutions(
    sessions: sessionmaker[Session], make_runner: MakeRunner, slow_text: str
) -> None:
    with sessions() as s:
        storage.save_scenario(s, "slow", slow_text, "yaml", "admin")
    runner = make_runner()
    started = runner.start("slow")
    wait_for(searching(sessions, started.id))
    time.sleep(0.5)  # inside the seconds without a better solution: no callback is coming
    running = job(sessions, started.id)
    assert running.status == "running" and running.best_objective is not None and running.bound is not None
    assert running.elapsed_seconds > 0.5
    asked = time.monotonic()
    cancelled = runner.cancel(started.id)
    assert cancelled.status == "cancelled" and cancelled.finished_at is not None
    assert runner.wait(started.id, 30)
    latency = time.monotonic() - asked
    print(f"cancel latency {latency:.2f} s")
    assert latency < 3.0  # measured 0.17-0.3 s: laying out the weekly table, building the term model
    final = job(sessions, started.id)
    assert (final.status, final.rota_version) == ("cancelled", None)
    with sessions() as s:
        assert storage.list_rotas(s, "slow") == []


def test_the_time_limit_ends_a_long_search_with_the_best_rota_found(
    sessions: sessionmaker[Session], make_runner: MakeRunner, slow_text: str
) -> None:
    with sessions() as s:
        storage.save_scenario(s, "slow", slow_text, "yaml", "admin")
    # The table's share of 8 s (about 3.5 s after reading and building) finds tables but proves
    # none best: that takes about 12 s.
    runner = make_runner(job_time_limit_seconds=8)
    started = runner.start("slow")
    assert runner.wait(started.id, 60)
    done = job(sessions, started.id)
    assert (done.status, done.rota_version, done.time_limit_seconds) == ("succeeded", 1, 8.0), done.error
    assert done.outcome == "stopped_at_limit" and "weekly_pattern" in done.cut_short
    assert done.elapsed_seconds < 8 + 2  # the limit is the whole job's
    with sessions() as s:
        info, rota, _scenario = storage.get_rota(s, "slow", 1)
    assert info.status == "feasible" and rota.report.stages[0].status == "feasible"
    assert done.best_objective == rota.report.objective and done.bound == rota.report.best_bound


def test_shutdown_stops_running_jobs_and_fails_them(
    sessions: sessionmaker[Session], make_runner: MakeRunner, slow_text: str
) -> None:
    with sessions() as s:
        storage.save_scenario(s, "slow", slow_text, "yaml", "admin")
    runner = make_runner()
    started = runner.start("slow")
    queued = runner.start("tiny")
    wait_for(searching(sessions, started.id))
    asked = time.monotonic()
    runner.shutdown()
    assert time.monotonic() - asked < 5.0
    for job_id in (started.id, queued.id):
        assert runner.wait(job_id, 0)
        stopped = job(sessions, job_id)
        assert (stopped.status, stopped.error, stopped.rota_version) == ("failed", SHUTDOWN_ERROR, None)
    with pytest.raises(RuntimeError):
        runner.start("tiny")


def test_recover_on_startup_fails_interrupted_jobs_and_keeps_the_publication(
    sessions: sessionmaker[Session], make_runner: MakeRunner
) -> None:
    first = make_runner(job_time_limit_seconds=10)
    done = first.start("tiny")
    assert first.wait(done.id, 30)
    with sessions() as s:
        storage.publish(s, "tiny", 1, storage.utcnow())
        token = storage.get_school(s, "tiny").feed_token
        before = storage.published(s, None, token)
        # What a killed process leaves behind: a job marked running that nothing runs.
        interrupted = storage.create_job(s, "tiny", None, 10.0, "interrupted")
        storage.claim_job(s, interrupted.id, storage.utcnow())
    assert job(sessions, interrupted.id).status == "running"

    restarted = make_runner(job_time_limit_seconds=10)
    assert restarted.recover_on_startup() == 1
    failed = job(sessions, interrupted.id)
    assert (failed.status, failed.error, failed.rota_version) == ("failed", RESTART_ERROR, None)
    assert failed.finished_at is not None
    with sessions() as s:
        assert storage.published(s, None, token) == before
        assert storage.get_school(s, "tiny").published_version == 1
    assert restarted.recover_on_startup() == 0
    again = restarted.start("tiny")  # no longer blocked by the dead job
    assert restarted.wait(again.id, 30) and job(sessions, again.id).status == "succeeded"


def test_a_failed_write_fails_the_job_with_the_reason_and_frees_the_school(
    sessions: sessionmaker[Session], make_runner: MakeRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk while storing the rota: the job ends failed, saying why, never left running."""
    with sessions() as s:
        storage.save_scenario(s, "tiny", yaml.safe_dump(school_dict()), "yaml", "admin")
    real = storage.finish_job

    def disk_full(*args: Any, **kwargs: Any) -> bool:
        if kwargs.get("rota") is not None:
            full = sqlite3.OperationalError("database or disk is full")
            raise OperationalError("INSERT INTO rota_versions", {}, full)
        return real(*args, **kwargs)

    monkeypatch.setattr(storage, "finish_job", disk_full)
    runner = make_runner()
    started = runner.start("tiny")
    assert runner.wait(started.id, 60)
    done = job(sessions, started.id)
    assert done.status == "failed" and done.error is not None
    assert done.error == "could not store the job's result: database or disk is full"
    monkeypatch.setattr(storage, "finish_job", real)
    again = runner.start("tiny")
    assert runner.wait(again.id, 60)
    assert job(sessions, again.id).status == "succeeded"


def test_a_second_runner_fails_only_jobs_whose_lease_ran_out(
    sessions: sessionmaker[Session], make_runner: MakeRunner, slow_text: str
) -> None:
    with sessions() as s:
        storage.save_scenario(s, "slow", slow_text, "yaml", "admin")
        storage.save_scenario(s, "tiny", yaml.safe_dump(school_dict()), "yaml", "admin")
    first = make_runner()
    running = first.start("slow")
    second = make_runner()
    assert second.recover_on_startup() == 0, "the first runner's lease is alive"
    assert job(sessions, running.id).status in ("queued", "running")
    with pytest.raises(Conflict):
        second.start("slow")
    # As if the first runner's process had died: its lease runs out unrenewed.
    with sessions() as s:
        s.execute(update(SolveJob).where(SolveJob.id == running.id).values(lease_until=storage.utcnow()))
        s.commit()
        first._leases.stop()  # its heartbeat would renew the lease
    assert second.recover_on_startup() == 1
    ended = job(sessions, running.id)
    assert (ended.status, ended.error) == ("failed", RESTART_ERROR)
