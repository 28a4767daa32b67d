"""The task queue with real processes, Redis and PostgreSQL: a worker killed (SIGKILL) mid-solve
leaves its job retried once or failed with the reason, never lost, one rota version at most, and
the school free; a cancel reaches a job on a worker; two uvicorn processes on PostgreSQL serve a
newly published version alike."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from api.db import make_engine
from api.local_server import LocalServer, LocalWorker, local_server, local_worker, uvicorn_command
from api.local_server import rota_serve_command as serve
from api.models import SolveJob
from tests.api.test_http import tiny_yaml
from tests.slow_school import slow_school

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "queue-tests-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
YAML = {**AUTH, "Content-Type": "application/yaml"}
# A short lease and visibility timeout, so that a dead worker's job comes back within seconds.
FAST = {
    "ROTA_JOB_LEASE_SECONDS": "3",
    "ROTA_QUEUE_VISIBILITY_SECONDS": "6",
    "ROTA_JOB_TIME_LIMIT_SECONDS": "8",
}


def wait_for(get: Callable[[], Any], done: Callable[[Any], bool], seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        value = get()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


class Deployment:
    """A server and workers on one database and queue."""

    def __init__(self, tmp_path: Path, settings: dict[str, str], stack: ExitStack) -> None:
        self.tmp_path, self.settings, self.stack = tmp_path, settings, stack
        self.server: LocalServer = stack.enter_context(
            local_server(tmp_path / "data", ADMIN_TOKEN, serve, tmp_path / "server.log", ROOT, settings)
        )
        client = httpx.Client(base_url=self.server.base_url, headers=AUTH, timeout=30)
        self.admin = stack.enter_context(client)
        self.workers: list[LocalWorker] = []

    def add_worker(self) -> LocalWorker:
        log = self.tmp_path / f"worker-{len(self.workers) + 1}.log"
        worker = self.stack.enter_context(
            local_worker(self.tmp_path / "data", ADMIN_TOKEN, log, ROOT, self.settings)
        )
        self.workers.append(worker)
        return worker

    def logs(self) -> str:
        return "\n".join([self.server.log_tail(), *(w.log_tail() for w in self.workers)])

    def job(self, url: str) -> dict[str, Any]:
        body: dict[str, Any] = self.admin.get(url).json()
        return body


@pytest.fixture
def deployment(tmp_path: Path, queue_settings: dict[str, str]) -> Iterator[Deployment]:
    with ExitStack() as stack:
        yield Deployment(tmp_path, {**queue_settings, **FAST}, stack)


def owner_pid(database_url: str, job_id: str) -> int:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            owner = connection.execute(select(SolveJob.owner).where(SolveJob.id == job_id)).scalar_one()
    finally:
        engine.dispose()
    assert owner is not None
    return int(owner.split(":")[1])


def start_slow_solve(d: Deployment) -> dict[str, Any]:
    assert d.admin.put("/schools/slow/scenario", content=slow_school(), headers=YAML).status_code == 201
    started = d.admin.post("/schools/slow/solves")
    assert started.status_code == 202, started.text
    url = started.json()["url"]
    job: dict[str, Any] = wait_for(lambda: d.job(url), lambda j: j["status"] == "running", 30)
    assert job["status"] == "running", f"{job}\n{d.logs()}"
    return job


def test_a_worker_killed_mid_solve_has_its_job_retried_once_and_the_school_freed(
    deployment: Deployment,
) -> None:
    d = deployment
    d.add_worker()
    d.add_worker()
    job = start_slow_solve(d)
    victim = owner_pid(d.settings["ROTA_DATABASE_URL"], job["id"])
    assert victim in {w.process.pid for w in d.workers}
    time.sleep(1.0)  # mid-solve: the weekly search is under way
    os.kill(victim, signal.SIGKILL)

    # The lease runs out (3 s), a heartbeat requeues the job, the broker hands its message out
    # again (visibility 6 s) and the surviving worker runs it: attempt 2, to the end.
    ended = wait_for(lambda: d.job(job["url"]), lambda j: j["status"] not in ("queued", "running"), 60)
    assert ended["status"] in ("succeeded", "failed"), f"{ended}\n{d.logs()}"
    if ended["status"] == "failed":
        assert ended["error"], ended
    else:
        assert ended["attempts"] == 2, ended
        assert owner_pid(d.settings["ROTA_DATABASE_URL"], job["id"]) != victim
    rotas = d.admin.get("/schools/slow/rotas").json()
    assert len(rotas) == (1 if ended["status"] == "succeeded" else 0), rotas
    time.sleep(4)  # leftover copies of the message come and go: still one rota version
    assert len(d.admin.get("/schools/slow/rotas").json()) == len(rotas)
    assert d.job(job["url"])["status"] == ended["status"]
    again = d.admin.post("/schools/slow/solves")
    assert again.status_code == 202, again.text  # the school is free
    d.admin.delete(again.json()["url"])


def test_a_cancel_reaches_the_job_on_a_worker(deployment: Deployment) -> None:
    d = deployment
    worker = d.add_worker()
    job = start_slow_solve(d)
    assert d.admin.delete(job["url"]).json()["status"] == "cancelled"
    stopped = wait_for(worker.log_tail, lambda log: "cancelled elsewhere" in log, 10)
    assert "cancelled elsewhere" in stopped, d.logs()
    assert d.job(job["url"])["status"] == "cancelled"
    assert d.admin.get("/schools/slow/rotas").json() == []
    refused = d.admin.post("/schools/slow/solves")
    assert refused.status_code == 202, refused.text
    d.admin.delete(refused.json()["url"])


def test_progress_of_a_worker_job_comes_back_through_the_server(deployment: Deployment) -> None:
    d = deployment
    d.add_worker()
    job = start_slow_solve(d)
    seen = wait_for(lambda: d.job(job["url"]), lambda j: j["best_objective"] is not None, 20)
    assert seen["status"] == "running" and seen["phase"] and seen["elapsed_seconds"] > 0, seen
    d.admin.delete(job["url"])


def test_two_uvicorn_processes_on_postgresql_serve_the_newly_published_version(
    tmp_path: Path, postgres_url: str
) -> None:
    # A poll is answered from memory while the database confirmed it within the recheck time.
    recheck = 0.5
    settings = {"ROTA_DATABASE_URL": postgres_url, "ROTA_FEED_RECHECK_SECONDS": str(recheck)}
    data = tmp_path / "data"
    with (
        local_server(data, ADMIN_TOKEN, uvicorn_command, tmp_path / "a.log", ROOT, settings) as a,
        local_server(data, ADMIN_TOKEN, uvicorn_command, tmp_path / "b.log", ROOT, settings) as b,
        httpx.Client(base_url=a.base_url, headers=AUTH, timeout=30) as admin,
        httpx.Client(timeout=30) as app,
    ):
        assert admin.put("/schools/tiny/scenario", content=tiny_yaml(), headers=YAML).status_code == 201
        token_path = admin.get("/schools/tiny").json()["feed_url"].split("/feeds/")[1]
        etags = []
        for version in (1, 2):
            if version == 2:  # the library moves: a rota that differs
                room = {"id": "library", "name": "New Library", "seats": 60, "classes_at_once": 1}
                changed = tiny_yaml(rooms=[room])
                assert admin.put("/schools/tiny/scenario", content=changed, headers=YAML).status_code == 201
            started = admin.post("/schools/tiny/solves").json()
            done = admin.get(started["url"]).json()
            for _ in range(300):
                if done["status"] == "succeeded":
                    break
                time.sleep(0.2)
                done = admin.get(started["url"]).json()
            assert done["rota_version"] == version, done
            assert admin.post(f"/schools/tiny/rotas/{version}/publish").status_code == 200
            # Within the recheck time, from either process: the version just published, byte for byte.
            time.sleep(recheck + 0.1)
            answers = [app.get(f"{s.base_url}/feeds/{token_path}library.ics") for s in (a, b, b, a)]
            assert {r.status_code for r in answers} == {200}, [r.text[:200] for r in answers]
            assert len({r.headers["ETag"] for r in answers}) == 1
            assert len({r.content for r in answers}) == 1
            etags.append(answers[0].headers["ETag"])
        assert etags[0] != etags[1], "the second publish changed the feed"
