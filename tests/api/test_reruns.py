"""Reruns over HTTP: the changed scenario against the published rota, as a job; the new version
keeps what it was rerun from and what changed (JSON, text, HTML); publishing it raises the moved
events' SEQUENCE in the feeds."""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from collections.abc import Iterator
from html import escape
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.exceptions import StarletteDeprecationWarning

from api.changes_page import changes_html
from api.main import create_app
from api.settings import Settings
from rota_solver import Rota, Scenario, application
from rota_solver.rerun import RerunResult, RotaDiff, diff_text, rerun
from tests.api.test_http import ADMIN_TOKEN, AUTH, feed_path, wait_for_job
from tests.rerun.helpers import FREEZE, THURSDAY, rerun_school_data, scenario_of, with_class

with warnings.catch_warnings():  # the TestClient's note that it would rather have httpx2
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

SCHOOL = "rerun-school"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data", admin_token=SecretStr(ADMIN_TOKEN), job_time_limit_seconds=20
    )
    with TestClient(create_app(settings)) as client:
        yield client


def upload(client: TestClient, data: dict[str, Any]) -> int:
    response = client.put(f"/schools/{SCHOOL}/scenario", json=data, headers=AUTH)
    assert response.status_code == 201, response.text
    number: int = response.json()["number"]
    return number


def run(client: TestClient, path: str, **params: str | int) -> dict[str, Any]:
    """Start a job at ``path`` and wait for it to end."""
    started = client.post(path, params=params, headers=AUTH)
    assert started.status_code == 202, started.text
    assert started.headers["Location"] == started.json()["url"]
    return wait_for_job(client, started.json()["id"], timeout=60)


def solve_and_publish(client: TestClient, data: dict[str, Any]) -> Rota:
    """Upload ``data``, solve it, publish the rota (version 1); that rota."""
    upload(client, data)
    job = run(client, f"/schools/{SCHOOL}/solves")
    assert job["status"] == "succeeded" and job["kind"] == "solve" and job["rerun"] is None, job
    assert (
        client.post(f"/schools/{SCHOOL}/rotas/{job['rota_version']}/publish", headers=AUTH).status_code == 200
    )
    return rota(client, job["rota_version"])


def rota(client: TestClient, number: int) -> Rota:
    return Rota.model_validate_json(client.get(f"/schools/{SCHOOL}/rotas/{number}", headers=AUTH).content)


def changes(client: TestClient, number: int, fmt: str) -> httpx.Response:
    response: httpx.Response = client.get(
        f"/schools/{SCHOOL}/rotas/{number}/changes", params={"format": fmt}, headers=AUTH
    )
    return response


def pe_on_the_slot_of(published: Rota, class_id: str) -> dict[str, str]:
    """A PE lesson at the class's published weekly session."""
    cell = next(p for p in published.pattern if p.class_id == class_id)
    return {"day": cell.weekday, "start": cell.start.isoformat(), "end": cell.end.isoformat(), "what": "PE"}


def test_a_rerun_moves_only_the_class_that_lost_its_slot_and_says_so(client: TestClient) -> None:
    data = rerun_school_data()
    published = solve_and_publish(client, data)
    changed = with_class(data, "1-2", busy=[{**pe_on_the_slot_of(published, "1-2"), "since": str(FREEZE)}])
    assert upload(client, changed) == 2

    job = run(client, f"/schools/{SCHOOL}/reruns", today=str(THURSDAY))

    assert (job["status"], job["kind"], job["scenario_version"], job["rota_version"]) == (
        "succeeded",
        "rerun",
        2,
        2,
    ), job
    assert job["rerun"] == {
        "published_version": 1,
        "today": str(THURSDAY),
        "freeze": None,
        "notice_days": 2,
    }
    listed = client.get(f"/schools/{SCHOOL}/rotas", headers=AUTH).json()
    assert [(r["number"], r["based_on"], r["published"]) for r in listed] == [(1, None, True), (2, 1, False)]
    assert listed[0]["changes"] is None and listed[0]["changes_url"] is None
    assert listed[1]["changes"] == {
        "freeze": str(FREEZE),
        "total": 3,
        "moved": 3,
        "changed": 0,
        "cancelled": 0,
        "added": 0,
    }
    assert listed[1]["changes_url"] == f"/schools/{SCHOOL}/rotas/2/changes"

    # JSON: exactly class 1-2's three sessions from the freeze date on, each moved.
    as_json = changes(client, 2, "json")
    assert as_json.status_code == 200 and as_json.headers["content-type"] == "application/json"
    assert as_json.headers["X-Rota-Based-On"] == "1"
    diff = RotaDiff.model_validate_json(as_json.content)
    expected = {f"session.{s.id}" for s in published.sessions if s.class_id == "1-2" and s.date >= FREEZE}
    assert len(expected) == 3
    assert {c.uid for c in diff.changes} == expected and {c.kind for c in diff.changes} == {"moved"}
    assert diff.freeze == FREEZE and list(diff.by_class) == ["1-2"]
    assert diff == RotaDiff.model_validate_json(client.get(listed[1]["changes_url"], headers=AUTH).content)

    # Text: the CLI's changes.txt, in the school's language.
    scenario = scenario_of(changed)
    as_text = changes(client, 2, "text")
    assert as_text.headers["content-type"] == "text/plain; charset=utf-8"
    assert as_text.text == diff_text(scenario, diff)
    assert "3 moved" in as_text.text and "Class 1-2" in as_text.text

    # HTML: the same lines as a page, every one escaped.
    as_html = changes(client, 2, "html")
    assert as_html.headers["content-type"] == "text/html; charset=utf-8"
    assert as_html.text == changes_html(scenario, diff, number=2, based_on=1)
    page = as_html.text
    assert '<html lang="en">' in page and "rota version 2" in page and "rerun of version 1" in page
    for line in as_text.text.splitlines():
        if line.strip():
            assert escape(line.strip().removeprefix("- ").rstrip(":")) in page, line
    assert page.count("<li>") == 3 * 3  # each change under its class, each of its staff and its room

    # The new version: revision 1, the published one untouched before the freeze date.
    rerun_rota = rota(client, 2)
    assert (rerun_rota.revision, rerun_rota.frozen_before) == (1, FREEZE)
    assert [s for s in rerun_rota.sessions if s.date < FREEZE] == [
        s for s in published.sessions if s.date < FREEZE
    ]
    assert client.get(f"/schools/{SCHOOL}", headers=AUTH).json()["published_version"] == 1, "not published"

    # Published, the class's feed shows the moved sessions as the same events, SEQUENCE 1.
    published_2 = client.post(f"/schools/{SCHOOL}/rotas/2/publish", headers=AUTH)
    assert published_2.status_code == 200 and published_2.json()["based_on"] == 1
    feed = client.get(feed_path(client, SCHOOL) + "class-1-2.ics")
    assert feed.status_code == 200
    for uid in expected:
        event = feed.text[feed.text.index(f"UID:{uid}@") :]
        assert "SEQUENCE:1" in event[: event.index("END:VEVENT")], uid


def test_a_rerun_that_changes_nothing_says_so(client: TestClient) -> None:
    data = rerun_school_data()
    solve_and_publish(client, data)
    freeze = dt.date(2026, 10, 5)

    # An explicit freeze date wins over the notice. (With no today given the school's date now
    # counts, and the term here is in the past: a freeze in it would be refused, see below.)
    job = run(
        client, f"/schools/{SCHOOL}/reruns", freeze=str(freeze), today=str(THURSDAY), scenario_version=1
    )

    assert job["status"] == "succeeded", job
    assert job["rerun"]["today"] == str(THURSDAY)
    assert job["rerun"]["freeze"] == str(freeze)
    listed = client.get(f"/schools/{SCHOOL}/rotas", headers=AUTH).json()
    assert listed[1]["based_on"] == 1 and listed[1]["changes"]["total"] == 0
    assert listed[1]["changes"]["freeze"] == str(freeze)
    assert RotaDiff.model_validate_json(changes(client, 2, "json").content).changes == []
    text = changes(client, 2, "text").text
    assert text.startswith("The rerun changes nothing") and "5 Oct" in text
    assert escape(text.strip()) in changes(client, 2, "html").text


def test_a_rerun_needs_a_published_rota(client: TestClient) -> None:
    upload(client, rerun_school_data())
    response = client.post(f"/schools/{SCHOOL}/reruns", params={"today": str(THURSDAY)}, headers=AUTH)
    assert response.status_code == 409
    body = response.json()
    assert body["running_job"] is None and "no published rota to rerun against" in body["detail"]
    assert client.get(f"/schools/{SCHOOL}/rotas", headers=AUTH).json() == []
    # Nothing was queued: a solve may start at once.
    assert client.post(f"/schools/{SCHOOL}/solves", headers=AUTH).status_code == 202


def test_a_scenario_that_rewrites_the_past_fails_the_rerun_with_why(client: TestClient) -> None:
    data = rerun_school_data()
    published = solve_and_publish(client, data)
    undated = with_class(data, "1-2", busy=[pe_on_the_slot_of(published, "1-2")])  # no `since:`
    upload(client, undated)

    job = run(client, f"/schools/{SCHOOL}/reruns", today=str(THURSDAY))

    assert (job["status"], job["rota_version"]) == ("failed", None), job
    assert job["error"].startswith("cannot rerun: the new scenario changes what was already published")
    assert f"since: {FREEZE}" in job["error"]
    assert [r["number"] for r in client.get(f"/schools/{SCHOOL}/rotas", headers=AUTH).json()] == [1]

    other_term = {**data, "term": {"start": "2026-09-07", "end": "2026-10-23"}}
    upload(client, other_term)
    job = run(client, f"/schools/{SCHOOL}/reruns", today=str(THURSDAY))
    assert job["status"] == "failed" and job["error"].startswith("cannot rerun: the published rota covers")


@pytest.fixture
def held_rerun(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Reruns wait (at most 30 s) until the yielded event is set, so a rerun job stays running."""
    release = threading.Event()

    def held(*args: Any, **kwargs: Any) -> RerunResult:
        release.wait(timeout=30)
        return rerun(*args, **kwargs)

    monkeypatch.setattr(application, "rerun", held)
    yield release
    release.set()


def test_a_rerun_is_one_job_of_the_school_and_can_be_cancelled(
    client: TestClient, held_rerun: threading.Event
) -> None:
    solve_and_publish(client, rerun_school_data())
    started = client.post(f"/schools/{SCHOOL}/reruns", params={"today": str(THURSDAY)}, headers=AUTH)
    assert started.status_code == 202
    first = started.json()
    for path in ("reruns", "solves"):
        clash = client.post(f"/schools/{SCHOOL}/{path}", headers=AUTH)
        assert clash.status_code == 409 and clash.json()["running_job"] == first["id"]

    assert client.delete(f"/jobs/{first['id']}", headers=AUTH).json()["status"] == "cancelled"
    held_rerun.set()
    ended = wait_for_job(client, first["id"])
    assert (ended["status"], ended["rota_version"], ended["kind"]) == ("cancelled", None, "rerun")
    assert [r["number"] for r in client.get(f"/schools/{SCHOOL}/rotas", headers=AUTH).json()] == [1]


def test_changes_of_a_fresh_solve_are_404_and_bad_parameters_422(client: TestClient) -> None:
    solve_and_publish(client, rerun_school_data())
    fresh = changes(client, 1, "json")
    assert fresh.status_code == 404 and "not rerun" in fresh.json()["detail"]
    assert changes(client, 7, "json").status_code == 404
    assert changes(client, 1, "pdf").status_code == 422
    reruns = f"/schools/{SCHOOL}/reruns"
    for params in (
        {"notice_days": -1},
        {"today": "Thursday"},
        {"freeze": "2026-13-01"},
        {"scenario_version": 0},
    ):
        assert client.post(reruns, params=params, headers=AUTH).status_code == 422, params
    assert client.post(reruns, params={"scenario_version": 7}, headers=AUTH).status_code == 404
    assert client.post("/schools/nowhere/reruns", headers=AUTH).status_code == 404


def test_the_changes_page_is_in_the_school_language_and_escapes_names() -> None:
    data = rerun_school_data(school={"name": "<Tiny> & Co", "timezone": "Asia/Shanghai", "locale": "zh-CN"})
    data = with_class(data, "1-2", name="<script>alert(1)</script>")
    scenario: Scenario = scenario_of(data)
    before = {"date": "2026-09-28", "room_id": "library", "staff_ids": ["lee"]}
    after = {**before, "date": "2026-09-30"}
    times = {"start": None, "end": None}
    diff = RotaDiff.model_validate(
        {
            "freeze": "2026-09-28",
            "changes": [
                {
                    "kind": "moved",
                    "uid": "session.x",
                    "what": "session",
                    "name": "reading",
                    "class_ids": ["1-2"],
                    "before": {**before, **times},
                    "after": {**after, **times},
                }
            ],
            "by_class": {"1-2": [0]},
            "by_staff": {"lee": [0]},
            "by_room": {"library": [0]},
        }
    )
    page = changes_html(scenario, diff, number=3, based_on=2)
    assert '<html lang="zh-CN">' in page and "第3版" in page and "第2版" in page
    assert "&lt;Tiny&gt; &amp; Co" in page and "<Tiny>" not in page
    assert "&lt;script&gt;" in page and "<script>" not in page
    assert "按班级" in page and "按值班人员" in page and "按场地" in page
    assert page.count("<li>") == 3


def test_a_freeze_before_today_is_refused(client: TestClient) -> None:
    """Issue 14 item 8: sessions that already took place never change through the service."""
    data = rerun_school_data()
    solve_and_publish(client, data)
    for params in ({"freeze": "2026-09-14", "today": str(THURSDAY)}, {"freeze": "2026-09-14"}):
        refused = client.post(f"/schools/{SCHOOL}/reruns", params=params, headers=AUTH)
        assert refused.status_code == 422, refused.text
        assert "freeze date 2026-09-14 is before today" in refused.json()["detail"]
    assert client.get(f"/schools/{SCHOOL}/rotas", headers=AUTH).json()[0]["number"] == 1
    assert len(client.get(f"/schools/{SCHOOL}/rotas", headers=AUTH).json()) == 1
