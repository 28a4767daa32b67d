"""Faults with real server processes on one database: a second server leaves the first one's jobs
alone, a cancel reaches a job another process runs, a process killed mid-solve (kill -9) has its
job failed and its school freed once its lease runs out (by a survivor, or by the server started
again), a failing disk write fails the job with its reason while the published rota stays served,
and ``rota serve --workers 2`` serves."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from api.local_server import LocalServer, local_server, rota_serve_command
from tests.api.test_http import tiny_yaml
from tests.slow_school import slow_school

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "two-servers-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
YAML = {**AUTH, "Content-Type": "application/yaml"}
LEASE = "3"
SETTINGS = {"ROTA_JOB_LEASE_SECONDS": LEASE, "ROTA_JOB_TIME_LIMIT_SECONDS": "120"}


def server(tmp_path: Path, name: str, command: Callable[[int], list[str]] = rota_serve_command) -> Any:
    return local_server(tmp_path / "data", ADMIN_TOKEN, command, tmp_path / f"{name}.log", ROOT, SETTINGS)


def client(running: LocalServer) -> httpx.Client:
    return httpx.Client(base_url=running.base_url, headers=AUTH, timeout=30)


def wait_for(
    get: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool], seconds: float
) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while True:
        value = get()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def start_slow_solve(admin: httpx.Client) -> dict[str, Any]:
    assert admin.put("/schools/slow/scenario", content=slow_school(), headers=YAML).status_code in (200, 201)
    started = admin.post("/schools/slow/solves")
    assert started.status_code == 202, started.text
    job: dict[str, Any] = started.json()
    return wait_for(lambda: admin.get(job["url"]).json(), lambda j: j["status"] == "running", 30)


def test_a_second_server_leaves_the_first_ones_job_alone_and_a_cancel_reaches_it(tmp_path: Path) -> None:
    with server(tmp_path, "first") as first, client(first) as a:
        job = start_slow_solve(a)
        assert job["status"] == "running"
        with server(tmp_path, "second") as second, client(second) as b:
            time.sleep(float(LEASE))  # a lease's time: the first server keeps renewing it
            seen = b.get(job["url"]).json()
            assert seen["status"] == "running", f"{seen}\n{second.log_tail()}"
            refused = b.post("/schools/slow/solves")
            assert refused.status_code == 409 and refused.json()["running_job"] == job["id"]

            assert b.delete(job["url"]).json()["status"] == "cancelled"
            # The first server hears of it at its next heartbeat and stops the search.
            stopped = wait_for(
                lambda: {"log": first.log_tail()}, lambda x: "cancelled elsewhere" in x["log"], 10
            )
            assert "cancelled elsewhere" in stopped["log"], first.log_tail()
            again = b.post("/schools/slow/solves")
            assert again.status_code == 202, again.text
            b.delete(again.json()["url"])


def test_a_server_killed_mid_solve_has_its_job_failed_and_its_school_freed(tmp_path: Path) -> None:
    with server(tmp_path, "second") as second, client(second) as b:
        with server(tmp_path, "first") as first, client(first) as a:
            job = start_slow_solve(a)
            os.kill(first.process.pid, signal.SIGKILL)
            first.process.wait(timeout=10)
        # The survivor fails the dead process's job once its lease has run out.
        ended = wait_for(
            lambda: b.get(job["url"]).json(), lambda j: j["status"] != "running", 4 * float(LEASE)
        )
        assert ended["status"] == "failed" and "stopped" in ended["error"], f"{ended}\n{second.log_tail()}"
        restarted = b.post("/schools/slow/solves")
        assert restarted.status_code == 202, restarted.text
        b.delete(restarted.json()["url"])


def test_several_worker_processes_serve_one_school(tmp_path: Path) -> None:
    def workers(port: int) -> list[str]:
        return [*rota_serve_command(port), "--workers", "2"]

    with server(tmp_path, "workers", workers) as running, client(running) as admin:
        assert admin.put("/schools/tiny/scenario", content=tiny_yaml(), headers=YAML).status_code == 201
        started = admin.post("/schools/tiny/solves").json()
        job = wait_for(
            lambda: admin.get(started["url"]).json(),
            lambda j: j["status"] != "running" and j["status"] != "queued",
            60,
        )
        assert job["status"] == "succeeded", f"{job}\n{running.log_tail()}"
        assert admin.post(f"/schools/tiny/rotas/{job['rota_version']}/publish").status_code == 200
        feed = admin.get("/schools/tiny").json()["feed_url"]
        # Whichever process answers, the newly published version is what it serves.
        for _ in range(6):
            assert httpx.get(feed, timeout=10).status_code == 200


def test_a_failing_disk_write_fails_the_job_with_its_reason_and_the_published_rota_stays_served(
    tmp_path: Path,
) -> None:
    """Files may not grow past 400 kB, as on a full disk: the tiny school's rota fits and is
    published; the demo school's does not. Measured: the database's write-ahead log holds 251 kB
    after the first, and would need 585 kB for the second."""
    tiny = tiny_yaml()
    demo = (ROOT / "scenarios" / "demo_school.yaml").read_text(encoding="utf-8")
    with (
        local_server(tmp_path / "data", ADMIN_TOKEN, rota_serve_command, tmp_path / "full.log", ROOT,
                     SETTINGS, max_file_bytes=400_000) as running,
        client(running) as admin,
    ):  # fmt: skip
        assert admin.put("/schools/s/scenario", content=tiny, headers=YAML).status_code == 201
        first = admin.post("/schools/s/solves").json()
        done = wait_for(lambda: admin.get(first["url"]).json(), finished, 60)
        assert done["status"] == "succeeded", f"{done}\n{running.log_tail()}"
        assert admin.post(f"/schools/s/rotas/{done['rota_version']}/publish").status_code == 200
        feed = admin.get("/schools/s").json()["feed_url"] + "library.ics"
        before = httpx.get(feed, timeout=10).content

        assert admin.put("/schools/s/scenario", content=demo, headers=YAML).status_code == 201
        second = admin.post("/schools/s/solves").json()
        failed = wait_for(lambda: admin.get(second["url"]).json(), finished, 90)
        assert failed["status"] == "failed", f"{failed}\n{running.log_tail()}"
        assert failed["error"].startswith("could not store the job's result:"), failed["error"]
        assert httpx.get(feed, timeout=10).content == before, "the published rota is served as it was"
        again = admin.post("/schools/s/solves")
        assert again.status_code == 202, "the school is free again"
        admin.delete(again.json()["url"])


def test_a_server_killed_mid_solve_and_restarted_frees_the_school(tmp_path: Path) -> None:
    """kill -9 during a solve, then the same server again on the same data: once the dead process's
    lease runs out its job is failed with the reason, the published feed is byte-identical."""
    with server(tmp_path, "first") as first, client(first) as a:
        assert a.put("/schools/s/scenario", content=tiny_yaml(), headers=YAML).status_code == 201
        url = a.post("/schools/s/solves").json()["url"]
        done = wait_for(lambda: a.get(url).json(), finished, 60)
        assert a.post(f"/schools/s/rotas/{done['rota_version']}/publish").status_code == 200
        feed_path = a.get("/schools/s").json()["feed_url"].split("/feeds/", 1)[1]
        before = httpx.get(f"{first.base_url}/feeds/{feed_path}library.ics", timeout=10).content
        job = start_slow_solve(a)
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
    with server(tmp_path, "again") as again, client(again) as b:
        ended = wait_for(lambda: b.get(job["url"]).json(), finished, 4 * float(LEASE))
        assert ended["status"] == "failed" and "stopped" in ended["error"], f"{ended}\n{again.log_tail()}"
        assert httpx.get(f"{again.base_url}/feeds/{feed_path}library.ics", timeout=10).content == before
        restarted = b.post("/schools/slow/solves")
        assert restarted.status_code == 202, restarted.text
        b.delete(restarted.json()["url"])


def finished(job: dict[str, Any]) -> bool:
    return job["status"] not in ("queued", "running")
