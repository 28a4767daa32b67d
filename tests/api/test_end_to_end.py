"""The real server, as an admin and a homeroom teacher's calendar app use it: ``rota serve`` in a
subprocess on a free loopback port; upload the demo school, solve it, publish the rota, and poll
class 3-2's feed (200, then 304). Twice: solving in the server process with its SQLite file, and
on the task queue (a ``rota worker`` process, Redis) with PostgreSQL."""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.local_server import LocalServer, local_server, local_worker, rota_serve_command
from tests.conftest import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
ADMIN_TOKEN = "end-to-end-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(params=["embedded", "queue"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LocalServer]:
    """``rota serve`` on 127.0.0.1, its data in ``tmp_path``; stopped (SIGTERM, then kill) after.
    ``queue``: on PostgreSQL, sending its jobs to Redis, with one ``rota worker`` running them."""
    if request.param == "embedded":
        with local_server(
            tmp_path / "data", ADMIN_TOKEN, rota_serve_command, tmp_path / "server.log", ROOT
        ) as running:
            yield running
        return
    settings: dict[str, str] = request.getfixturevalue("queue_settings")
    data = tmp_path / "data"
    with (
        local_server(data, ADMIN_TOKEN, rota_serve_command, tmp_path / "s.log", ROOT, settings) as running,
        local_worker(data, ADMIN_TOKEN, tmp_path / "worker.log", ROOT, settings),
    ):
        yield running


def test_upload_solve_publish_and_poll_a_class_feed(server: LocalServer) -> None:
    with httpx.Client(base_url=server.base_url, headers=AUTH, timeout=30) as admin:
        uploaded = admin.put(
            "/schools/demo/scenario",
            content=(SCENARIOS / "demo_school.yaml").read_bytes(),
            headers={"Content-Type": "application/yaml"},
        )
        assert uploaded.status_code == 201, uploaded.text
        started = admin.post("/schools/demo/solves")
        assert started.status_code == 202, started.text
        location = started.headers["Location"]

        deadline = time.monotonic() + 120
        job = started.json()
        while job["status"] in {"queued", "running"} and time.monotonic() < deadline:
            time.sleep(0.25)
            job = admin.get(location).json()
        assert job["status"] == "succeeded", f"{job}\n{server.log_tail()}"

        published = admin.post(f"/schools/demo/rotas/{job['rota_version']}/publish")
        assert published.status_code == 200 and published.json()["published"] is True
        feed_url = admin.get("/schools/demo").json()["feed_url"]

    assert feed_url.startswith(server.base_url + "/feeds/")
    with httpx.Client(timeout=30) as calendar_app:  # no admin token: the address is the credential
        index = calendar_app.get(feed_url)
        assert index.status_code == 200 and "class-3-2.ics" in index.text
        first = calendar_app.get(feed_url + "class-3-2.ics")
        assert first.status_code == 200
        assert first.headers["content-type"] == "text/calendar; charset=utf-8"
        assert first.content.startswith(b"BEGIN:VCALENDAR") and b"BEGIN:VEVENT" in first.content
        again = calendar_app.get(feed_url + "class-3-2.ics", headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["ETag"] == first.headers["ETag"]

    server.process.terminate()  # uvicorn shuts down gracefully, then exits by the signal it got
    assert server.process.wait(timeout=15) in {0, -signal.SIGTERM}
    assert "Application shutdown complete" in server.log_tail(), server.log_tail()
