"""HTTP details and operations (issue 15): the public address comes from a setting, never from the
Host header in production; HEAD, validators and gzip on the public pages; OPTIONS with a complete
Allow; HTML 404 pages on the feeds; school and job listings; feed tokens kept out of the access
log; `rota serve` refusing bad settings in one line."""

from __future__ import annotations

import gzip
import logging
import os
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from starlette.exceptions import StarletteDeprecationWarning

from api.errors import ServiceMisconfigured
from api.main import create_app
from api.middleware import RedactFeedTokens
from api.settings import Settings
from tests.api import test_http
from tests.api.test_http import AUTH, feed_path, solve_and_publish, tiny_yaml, upload, wait_for_job

with warnings.catch_warnings():  # the TestClient's note that it would rather have httpx2
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
PUBLIC = "https://library.school.example/rota"
settings, client = test_http.settings, test_http.client  # the fixtures


@pytest.fixture
def public_client(settings: Settings) -> Iterator[TestClient]:
    configured = settings.model_copy(update={"public_url": PUBLIC})
    with TestClient(create_app(configured)) as client:
        yield client


# --- the public address ----------------------------------------------------------------------------
def test_feed_addresses_come_from_the_public_url_not_the_host_header(public_client: TestClient) -> None:
    hostile = {"Host": "evil.example"}
    solve_and_publish(public_client)
    school = public_client.get("/schools/tiny", headers={**AUTH, **hostile}).json()
    assert school["feed_url"].startswith(f"{PUBLIC}/feeds/")
    index = public_client.get(httpx.URL(school["feed_url"]).path.removeprefix("/rota"), headers=hostile)
    assert index.status_code == 200
    assert "evil.example" not in index.text
    assert 'href="webcal://library.school.example/rota/feeds/' in index.text
    assert 'href="https://library.school.example/rota/feeds/' in index.text
    rotated = public_client.post("/schools/tiny/feed-token", headers={**AUTH, **hostile}).json()
    assert rotated["feed_url"].startswith(f"{PUBLIC}/feeds/")


def test_production_needs_a_public_url_and_a_long_token(tmp_path: Path) -> None:
    token = SecretStr("x" * 32)
    with pytest.raises(ServiceMisconfigured, match="ROTA_PUBLIC_URL"):
        Settings(mode="production", data_dir=tmp_path, admin_token=token).check()
    good = Settings(mode="production", data_dir=tmp_path, admin_token=token, public_url=PUBLIC)
    assert good.check() == "x" * 32
    assert good.public_base("http://evil.example/") == PUBLIC
    with pytest.raises(ServiceMisconfigured, match="at least 32"):
        good.model_copy(update={"admin_token": SecretStr("x")}).check()
    development = Settings(data_dir=tmp_path, admin_token=SecretStr("x"))
    assert development.check() == "x"
    assert development.public_base("http://testserver/") == "http://testserver"


# --- HEAD, validators, gzip ------------------------------------------------------------------------
def test_index_and_printable_table_answer_head_and_conditional_requests(client: TestClient) -> None:
    base = solve_and_publish(client)
    for path in (base, base + "rota.html"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["ETag"].startswith('W/"')
        head = client.head(path)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["ETag"] == page.headers["ETag"]
        assert client.get(path, headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
        since = {"If-Modified-Since": page.headers["Last-Modified"]}
        assert client.get(path, headers=since).status_code == 304
        assert client.get(path, headers={"If-None-Match": '"other"', **since}).status_code == 200


def test_large_feeds_are_gzipped_when_asked_with_the_same_weak_etag(client: TestClient) -> None:
    base = solve_and_publish(client)
    plain = client.get(base + "library.ics", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and len(plain.content) > 1024
    packed = client.get(base + "library.ics", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and packed.headers["Vary"] == "Accept-Encoding"
    assert packed.content == plain.content  # httpx decoded it
    assert int(packed.headers["Content-Length"]) < len(plain.content)
    assert packed.headers["ETag"] == plain.headers["ETag"] and packed.headers["ETag"].startswith("W/")
    refused = client.get(base + "library.ics", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    rota = client.get("/schools/tiny/rotas/1", headers={**AUTH, "Accept-Encoding": "gzip"})
    assert rota.headers["Content-Encoding"] == "gzip"  # the admin side, by the middleware
    assert gzip.decompress(gzip.compress(rota.content)) == rota.content


# --- OPTIONS and 404 pages -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/schools/tiny/scenario", "GET, OPTIONS, PUT"),
        ("/jobs/some-job", "DELETE, GET, OPTIONS"),
        ("/feeds/some-token/", "GET, HEAD, OPTIONS"),
        ("/feeds/some-token/rota.html", "GET, HEAD, OPTIONS"),
        ("/schools", "GET, OPTIONS"),
    ],
)
def test_options_lists_every_method_of_the_path(client: TestClient, path: str, allow: str) -> None:
    response = client.options(path)
    assert response.status_code == 204 and response.headers["Allow"] == allow


def test_a_feed_address_before_publishing_says_so_in_the_school_language(client: TestClient) -> None:
    chinese = tiny_yaml(school={"name": "小学", "timezone": "Asia/Shanghai", "locale": "zh-CN"})
    assert upload(client, "zh", chinese).status_code == 201
    for path in (feed_path(client, "zh"), feed_path(client, "zh") + "library.ics"):
        page = client.get(path)
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
        assert '<html lang="zh-CN">' in page.text and "小学" in page.text and "尚未发布" in page.text
    assert upload(client, "en").status_code == 201
    assert "not published yet" in client.get(feed_path(client, "en")).text
    openapi = client.get("/openapi.json").json()["paths"]["/feeds/{token}/"]["get"]["responses"]
    assert list(openapi["404"]["content"]) == ["text/html"]


# --- listings --------------------------------------------------------------------------------------
def test_schools_and_a_schools_jobs_are_listed(client: TestClient) -> None:
    assert client.get("/schools", headers=AUTH).json() == []
    assert client.get("/schools").status_code == 401
    for school in ("b-school", "a-school"):
        assert upload(client, school).status_code == 201
    listed = client.get("/schools", headers=AUTH).json()
    assert [school["slug"] for school in listed] == ["a-school", "b-school"]
    assert all(school["feed_url"].startswith("http://testserver/feeds/") for school in listed)
    ids = []
    for _ in range(2):
        started = client.post("/schools/a-school/solves", headers=AUTH).json()
        wait_for_job(client, started["id"])
        ids.append(started["id"])
    jobs = client.get("/schools/a-school/jobs", headers=AUTH).json()
    assert [job["id"] for job in jobs] == ids[::-1], "newest first"
    assert [job["id"] for job in client.get("/schools/a-school/jobs?limit=1", headers=AUTH).json()] == ids[1:]
    assert client.get("/schools/b-school/jobs", headers=AUTH).json() == []
    assert client.get("/schools/nowhere/jobs", headers=AUTH).status_code == 404


# --- operations ------------------------------------------------------------------------------------
def test_feed_tokens_are_left_out_of_the_access_log() -> None:
    record = logging.LogRecord(
        "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/feeds/s3cret-T0ken_x/class-3-2.ics?x=1", "1.1", 200), None,
    )  # fmt: skip
    assert RedactFeedTokens().filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /feeds/…/class-3-2.ics?x=1 HTTP/1.1" 200'


def serve(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ROTA_")}
    command = [sys.executable, "-m", "rota_solver.cli", "serve", "--port", "1"]
    return subprocess.run(
        command, cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"ROTA_MODE": "prodution"}, "ROTA_MODE='prodution'"),
        ({"ROTA_JOB_WORKERS": "many"}, "ROTA_JOB_WORKERS='many'"),
        ({"ROTA_DATA_DIR": "{file}/data"}, "cannot make the data directory"),
        ({"ROTA_STATIC_FEEDS_DIR": "{file}/static"}, "cannot make ROTA_STATIC_FEEDS_DIR"),
        (
            {"ROTA_MODE": "production", "ROTA_ADMIN_TOKEN": "x", "ROTA_PUBLIC_URL": PUBLIC},
            "at least 32",
        ),
        ({"ROTA_MODE": "production", "ROTA_ADMIN_TOKEN": "x" * 40}, "ROTA_PUBLIC_URL"),
    ],
    ids=[
        "mode typo",
        "not a number",
        "data dir under a file",
        "feeds dir under a file",
        "short token",
        "no public url",
    ],
)
def test_rota_serve_refuses_bad_settings_in_one_line(tmp_path: Path, env: dict[str, str], says: str) -> None:
    file = tmp_path / "a-file"
    file.write_text("not a directory")
    env = {"ROTA_DATA_DIR": str(tmp_path / "data")} | {k: v.format(file=file) for k, v in env.items()}
    result = serve(tmp_path, **env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rota serve: ") and says in lines[0], result.stderr
