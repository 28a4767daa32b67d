"""The rota service over HTTP, in process: every endpoint, every error status, the job lifecycle
and the feeds' conditional requests. Each test has its own data directory and app."""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import json
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from pydantic import SecretStr
from starlette.exceptions import StarletteDeprecationWarning

import rota_solver
import rota_solver.application
from api import feed_cache, jobs
from api.main import create_app
from api.settings import Settings
from calendars import build_feeds
from rota_solver import Rota, parse_scenario
from rota_solver.errors import InvalidScenario
from rota_solver.printable import printable_html
from rota_solver.solve import scenario_digest
from rota_solver.table_csv import rota_csv
from tests.factories import rule, school_dict

with warnings.catch_warnings():  # the TestClient's note that it would rather have httpx2
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

ADMIN_TOKEN = "test-admin-token-0123456789"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
YAML = {**AUTH, "Content-Type": "application/yaml"}
MAX_BODY = 64_000
TERMINAL = {"succeeded", "failed", "cancelled"}


def tiny_yaml(**overrides: Any) -> str:
    return yaml.safe_dump(school_dict(**overrides), allow_unicode=True, sort_keys=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        admin_token=SecretStr(ADMIN_TOKEN),
        max_body_bytes=MAX_BODY,
        job_time_limit_seconds=20.0,
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as client:
        yield client


def upload(client: TestClient, school: str = "tiny", text: str | None = None) -> httpx.Response:
    response: httpx.Response = client.put(
        f"/schools/{school}/scenario", content=text or tiny_yaml(), headers=YAML
    )
    return response


def wait_for_job(client: TestClient, job_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """Poll the job until it ends (at most ``timeout`` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(f"/jobs/{job_id}", headers=AUTH)
        assert response.status_code == 200
        job: dict[str, Any] = response.json()
        if job["status"] in TERMINAL or time.monotonic() > deadline:
            return job
        time.sleep(0.05)


def solve_and_publish(client: TestClient, school: str = "tiny") -> str:
    """Upload (if needed), solve, publish the new rota; the feed base path."""
    if client.get(f"/schools/{school}", headers=AUTH).status_code == 404:
        assert upload(client, school).status_code == 201
    started = client.post(f"/schools/{school}/solves", headers=AUTH)
    assert started.status_code == 202, started.text
    job = wait_for_job(client, started.json()["id"])
    assert job["status"] == "succeeded", job
    published = client.post(f"/schools/{school}/rotas/{job['rota_version']}/publish", headers=AUTH)
    assert published.status_code == 200, published.text
    return feed_path(client, school)


def feed_path(client: TestClient, school: str) -> str:
    url = httpx.URL(client.get(f"/schools/{school}", headers=AUTH).json()["feed_url"])
    return url.path


# --- public and protected --------------------------------------------------------------------------
def test_health_and_docs_are_public(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_every_field_of_every_response_is_described(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    ours = [name for name in schemas if name not in {"HTTPValidationError", "ValidationError"}]
    assert {"Job", "ScenarioVersion", "RotaVersion", "ProblemReport", "ConflictBody"} <= set(ours)
    assert {"RerunJobParams", "ChangeCounts"} <= set(ours)
    for name in ours:
        for field, spec in schemas[name]["properties"].items():
            assert spec.get("description"), f"{name}.{field} has no description"


PROTECTED = [
    ("PUT", "/schools/tiny/scenario"),
    ("GET", "/schools/tiny/scenario"),
    ("POST", "/scenarios/validate"),
    ("GET", "/schools/tiny"),
    ("POST", "/schools/tiny/solves"),
    ("POST", "/schools/tiny/reruns"),
    ("GET", "/jobs/some-job"),
    ("DELETE", "/jobs/some-job"),
    ("GET", "/schools/tiny/rotas"),
    ("GET", "/schools/tiny/rotas/1"),
    ("POST", "/schools/tiny/rotas/1/publish"),
    ("GET", "/schools/tiny/rotas/1/changes"),
    ("POST", "/schools/tiny/feed-token"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_admin_endpoint_answers_401_without_the_token(
    client: TestClient, method: str, path: str
) -> None:
    assert upload(client).status_code == 201
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {ADMIN_TOKEN}"}):
        response = client.request(method, path, headers=headers, content=tiny_yaml())
        assert response.status_code == 401, (method, path, headers)
        assert response.headers["WWW-Authenticate"] == "Bearer"
    assert client.get("/schools/tiny/rotas", headers=AUTH).json() == [], "nothing was solved"


# --- scenarios -------------------------------------------------------------------------------------
def test_upload_yaml_then_json_and_read_each_version_back(client: TestClient) -> None:
    text = tiny_yaml()
    first = client.put("/schools/tiny/scenario", content=text, headers={**AUTH, "Content-Type": "text/yaml"})
    assert first.status_code == 201
    body = first.json()
    assert body["number"] == 1 and body["format"] == "yaml" and body["school"] == "tiny"
    assert body["digest"] == scenario_digest(parse_scenario(text))
    assert first.headers["Location"] == "/schools/tiny/scenario?version=1"

    data = school_dict(school={"name": "Tiny School (JSON)", "timezone": "Asia/Shanghai", "locale": "en"})
    second = client.put("/schools/tiny/scenario", json=data, headers=AUTH)
    assert second.status_code == 201
    assert (second.json()["number"], second.json()["format"]) == (2, "json")

    latest = client.get("/schools/tiny/scenario", headers=AUTH)
    assert latest.headers["content-type"].startswith("application/json")
    assert json.loads(latest.text) == data
    old = client.get("/schools/tiny/scenario", params={"version": 1}, headers=AUTH)
    assert old.headers["content-type"].startswith("application/yaml") and old.text == text


def test_invalid_scenario_is_422_with_every_problem_as_the_cli_reports_it(client: TestClient) -> None:
    text = tiny_yaml(rules=[rule(room="attic")])
    response = upload(client, text=text)
    assert response.status_code == 422
    with pytest.raises(InvalidScenario) as raised:
        parse_scenario(text)
    problems = raised.value.problems
    expected = [{"path": p.path, "line": p.line, "message": p.message} for p in problems]
    assert response.json() == {"problems": expected}
    assert any(p.path == "rules[0].room" and "attic" in p.message for p in problems)
    assert client.get("/schools/tiny", headers=AUTH).status_code == 404, "nothing stored"

    broken = upload(client, text="school: [unclosed\n")
    assert broken.status_code == 422
    assert broken.json()["problems"][0]["message"].startswith("not valid YAML")
    assert broken.json()["problems"][0]["line"] is not None


def test_validate_checks_without_storing(client: TestClient) -> None:
    valid = client.post("/scenarios/validate", content=tiny_yaml(), headers=YAML)
    assert valid.status_code == 200 and valid.json() == {"valid": True, "classes": 2, "warnings": []}
    as_json = client.post("/scenarios/validate", json=school_dict(), headers=AUTH)
    assert as_json.json() == {"valid": True, "classes": 2, "warnings": []}
    invalid = client.post("/scenarios/validate", content=tiny_yaml(rules=[rule(room="attic")]), headers=YAML)
    assert invalid.status_code == 422 and invalid.json()["problems"][0]["path"] == "rules[0].room"
    assert client.get("/schools/tiny", headers=AUTH).status_code == 404


def test_wrong_content_type_is_415_and_non_utf8_is_422(client: TestClient) -> None:
    form = client.put(
        "/schools/tiny/scenario",
        content=tiny_yaml(),
        headers={**AUTH, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert form.status_code == 415
    latin1 = client.put(
        "/schools/tiny/scenario", content="school: {name: Caf\xe9}".encode("latin-1"), headers=YAML
    )
    assert latin1.status_code == 422 and "UTF-8" in latin1.json()["problems"][0]["message"]


def test_body_over_the_limit_is_413_whether_its_length_is_given_or_not(client: TestClient) -> None:
    big = tiny_yaml() + "#" * MAX_BODY + "\n"
    assert upload(client, text=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: sent chunked
        yield tiny_yaml().encode()
        for _ in range(10):
            yield b"#" * (MAX_BODY // 8) + b"\n"

    chunked = client.put("/schools/tiny/scenario", content=chunks(), headers=YAML)
    assert chunked.status_code == 413
    assert client.post("/scenarios/validate", content=big, headers=YAML).status_code == 413
    assert client.get("/schools/tiny", headers=AUTH).status_code == 404, "nothing stored"
    assert upload(client, text=tiny_yaml() + "#" * (MAX_BODY // 2) + "\n").status_code == 201


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/schools/nowhere"),
        ("GET", "/schools/nowhere/scenario"),
        ("GET", "/schools/tiny/scenario?version=7"),
        ("POST", "/schools/nowhere/solves"),
        ("POST", "/schools/tiny/solves?scenario_version=7"),
        ("POST", "/schools/nowhere/reruns"),
        ("POST", "/schools/tiny/reruns?scenario_version=7"),
        ("GET", "/jobs/no-such-job"),
        ("DELETE", "/jobs/no-such-job"),
        ("GET", "/schools/nowhere/rotas"),
        ("GET", "/schools/tiny/rotas/7"),
        ("POST", "/schools/tiny/rotas/7/publish"),
        ("GET", "/schools/tiny/rotas/7/changes"),
        ("POST", "/schools/nowhere/feed-token"),
        ("GET", "/feeds/no-such-token/"),
        ("GET", "/feeds/no-such-token/library.ics"),
        ("GET", "/feeds/no-such-token/rota.html"),
    ],
)
def test_unknown_things_are_404(client: TestClient, method: str, path: str) -> None:
    assert upload(client).status_code == 201
    response = client.request(method, path, headers=AUTH)
    assert response.status_code == 404, response.text
    if path.startswith("/feeds/"):  # a page: people open feed addresses in browsers
        assert response.headers["content-type"].startswith("text/html") and "Not found" in response.text
    else:
        assert response.json()["detail"]


# --- jobs and rotas --------------------------------------------------------------------------------
def test_a_job_runs_to_success_and_its_rota_is_served_in_three_formats(
    client: TestClient, settings: Settings
) -> None:
    assert upload(client).status_code == 201
    started = client.post("/schools/tiny/solves", headers=AUTH)
    assert started.status_code == 202
    job = started.json()
    assert started.headers["Location"] == f"/jobs/{job['id']}" == job["url"]
    assert job["status"] in {"queued", "running", "succeeded"}
    assert (job["school"], job["scenario_version"]) == ("tiny", 1)
    assert job["time_limit_seconds"] == settings.job_time_limit_seconds

    done = wait_for_job(client, job["id"])
    assert done["status"] == "succeeded", done
    assert done["rota_version"] == 1 and done["error"] is None
    assert done["phase"] and done["best_objective"] is not None and done["bound"] is not None
    assert done["elapsed_seconds"] > 0 and done["finished_at"] is not None

    rotas = client.get("/schools/tiny/rotas", headers=AUTH).json()
    assert [(r["number"], r["published"], r["scenario_version"]) for r in rotas] == [(1, False, 1)]
    served = client.get("/schools/tiny/rotas/1", headers=AUTH)
    assert served.headers["content-type"] == "application/json"
    rota = Rota.model_validate_json(served.content)
    scenario = parse_scenario(tiny_yaml())
    assert rota.report.objective == rotas[0]["objective"] == done["best_objective"]
    csv = client.get("/schools/tiny/rotas/1", params={"format": "csv"}, headers=AUTH)
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.text == rota_csv(scenario, rota)
    html = client.get("/schools/tiny/rotas/1", params={"format": "html"}, headers=AUTH)
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert html.text == printable_html(scenario, rota)
    assert client.get("/schools/tiny/rotas/1", params={"format": "pdf"}, headers=AUTH).status_code == 422

    published = client.post("/schools/tiny/rotas/1/publish", headers=AUTH)
    assert published.status_code == 200 and published.json()["published"] is True
    assert client.get("/schools/tiny", headers=AUTH).json()["published_version"] == 1
    assert client.get("/schools/tiny/rotas", headers=AUTH).json()[0]["published"] is True


@pytest.fixture
def held_solver(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Solves wait (at most 30 s) until the yielded event is set, so a job stays running."""
    release = threading.Event()
    real_solve = rota_solver.solve

    def held_solve(*args: Any, **kwargs: Any) -> Rota:
        release.wait(timeout=30)
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(rota_solver, "solve", held_solve)
    monkeypatch.setattr(rota_solver.application, "solve", held_solve)  # what jobs call
    if hasattr(jobs, "solve"):
        monkeypatch.setattr(jobs, "solve", held_solve)
    yield release
    release.set()


def test_a_second_solve_conflicts_until_the_first_is_cancelled(
    client: TestClient, held_solver: threading.Event
) -> None:
    assert upload(client).status_code == 201
    first = client.post("/schools/tiny/solves", headers=AUTH).json()
    second = client.post("/schools/tiny/solves", headers=AUTH)
    assert second.status_code == 409
    assert second.json()["running_job"] == first["id"] and second.json()["detail"]

    cancelled = client.delete(f"/jobs/{first['id']}", headers=AUTH)
    assert cancelled.status_code == 200 and cancelled.json()["id"] == first["id"]
    held_solver.set()
    ended = wait_for_job(client, first["id"])
    assert ended["status"] == "cancelled" and ended["rota_version"] is None
    assert client.get("/schools/tiny/rotas", headers=AUTH).json() == []

    again = client.post("/schools/tiny/solves", headers=AUTH)
    assert again.status_code == 202
    assert wait_for_job(client, again.json()["id"])["status"] == "succeeded"


# --- feeds -----------------------------------------------------------------------------------------
def test_feed_index_lists_every_feed_with_subscribe_links(client: TestClient) -> None:
    base = solve_and_publish(client)
    index = client.get(base)
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert index.headers["Referrer-Policy"] == "no-referrer"
    rota = Rota.model_validate_json(client.get("/schools/tiny/rotas/1", headers=AUTH).content)
    filenames = [feed.filename for feed in build_feeds(parse_scenario(tiny_yaml()), rota)]
    assert "class-1-1.ics" in filenames
    for filename in filenames:
        assert f'href="webcal://testserver{base}{filename}"' in index.text
        assert f'href="http://testserver{base}{filename}"' in index.text
    assert 'href="rota.html"' in index.text
    printable = client.get(base + "rota.html")
    assert printable.status_code == 200 and "<table" in printable.text


def test_feed_is_calendar_bytes_with_validators(client: TestClient) -> None:
    base = solve_and_publish(client)
    response = client.get(base + "class-1-1.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"] == f'W/"{hashlib.sha256(response.content).hexdigest()}"'
    assert response.headers["Cache-Control"] == "max-age=300"
    last_modified = email.utils.parsedate_to_datetime(response.headers["Last-Modified"])
    assert abs(dt.datetime.now(dt.UTC) - last_modified) < dt.timedelta(minutes=1)
    rota = Rota.model_validate_json(client.get("/schools/tiny/rotas/1", headers=AUTH).content)
    feeds = {f.filename: f for f in build_feeds(parse_scenario(tiny_yaml()), rota)}
    assert response.content == feeds["class-1-1.ics"].ics
    assert response.content.startswith(b"BEGIN:VCALENDAR")

    head = client.head(base + "class-1-1.ics")
    assert (
        head.status_code == 200 and head.content == b"" and head.headers["ETag"] == response.headers["ETag"]
    )
    assert client.get(base + "class-9-9.ics").status_code == 404


def test_conditional_requests_get_304(client: TestClient) -> None:
    url = solve_and_publish(client) + "class-1-1.ics"
    first = client.get(url)
    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    published = email.utils.parsedate_to_datetime(last_modified)
    later = email.utils.format_datetime(published + dt.timedelta(hours=1), usegmt=True)
    earlier = email.utils.format_datetime(published - dt.timedelta(seconds=1), usegmt=True)

    def status(**headers: str) -> int:
        code: int = client.get(url, headers={k.replace("_", "-"): v for k, v in headers.items()}).status_code
        return code

    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["ETag"] == etag and not_modified.headers["Last-Modified"] == last_modified
    assert not_modified.headers["Cache-Control"] == "max-age=300"
    assert status(If_None_Match=f'"other", {etag}') == 304
    assert status(If_None_Match=etag.removeprefix("W/")) == 304, "weak comparison"
    assert status(If_None_Match="*") == 304
    assert status(If_None_Match='"other"') == 200

    assert status(If_Modified_Since=last_modified) == 304
    assert status(If_Modified_Since=later) == 304
    assert status(If_Modified_Since=earlier) == 200
    assert status(If_Modified_Since="not a date") == 200

    assert status(If_None_Match='"other"', If_Modified_Since=later) == 200, "If-None-Match wins"
    assert status(If_None_Match=etag, If_Modified_Since=earlier) == 304, "If-None-Match wins"


def test_feeds_are_built_once_per_published_version(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[int] = []
    real_build: Callable[..., Any] = build_feeds

    def counting_build(*args: Any) -> Any:
        builds.append(1)
        return real_build(*args)

    monkeypatch.setattr(feed_cache, "build_feeds", counting_build)
    base = solve_and_publish(client)
    for _ in range(5):
        assert client.get(base + "library.ics").status_code == 200
        assert client.get(base).status_code == 200
    assert len(builds) == 1
    first_etag = client.get(base + "class-1-1.ics").headers["ETag"]

    changed = tiny_yaml(school={"name": "Tiny School Renamed", "timezone": "Asia/Shanghai", "locale": "en"})
    assert upload(client, text=changed).status_code == 201
    assert solve_and_publish(client) == base, "publishing keeps the token"
    response = client.get(base + "class-1-1.ics")
    assert len(builds) == 2 and response.headers["ETag"] != first_etag
    assert b"Tiny School Renamed" in response.content
    assert client.get(base + "class-1-1.ics", headers={"If-None-Match": first_etag}).status_code == 200


def test_rotating_the_token_ends_the_old_address(client: TestClient) -> None:
    old = solve_and_publish(client)
    assert client.get(old + "class-1-1.ics").status_code == 200
    rotated = client.post("/schools/tiny/feed-token", headers=AUTH)
    assert rotated.status_code == 200
    new_url = rotated.json()["feed_url"]
    assert new_url.startswith("http://testserver/feeds/") and new_url.endswith("/")
    new = httpx.URL(new_url).path
    assert new != old and feed_path(client, "tiny") == new
    for path in (old, old + "class-1-1.ics", old + "rota.html"):
        assert client.get(path).status_code == 404
    assert client.get(new + "class-1-1.ics").status_code == 200
    assert client.get(new).status_code == 200


def test_a_school_with_nothing_published_has_no_feeds(client: TestClient) -> None:
    assert upload(client).status_code == 201
    base = feed_path(client, "tiny")
    assert client.get(base).status_code == 404
    assert client.get(base + "library.ics").status_code == 404
