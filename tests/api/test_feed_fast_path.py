"""The feeds' fast path answers a poll as the feed route does (status, headers, body; 304, gzip,
HEAD), without asking the database again within the recheck time, and sees a publish made by
another server process once that time has passed."""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.exceptions import StarletteDeprecationWarning

from api import feed_fast_path, storage
from api.main import create_app
from tests.api.test_http import AUTH, settings, solve_and_publish, tiny_yaml, upload, wait_for_job

with warnings.catch_warnings():  # the TestClient's note that it would rather have httpx2
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

__all__ = ["settings"]  # the fixture, used by name

_VARYING = {"date", "server"}


def _answer(response: httpx.Response) -> tuple[int, dict[str, str], bytes]:
    headers = {k: v for k, v in response.headers.items() if k not in _VARYING}
    return response.status_code, headers, response.content


@pytest.fixture
def two_apps(settings: Any) -> Iterator[tuple[TestClient, TestClient]]:
    """The same database behind an app with the fast path (recheck 0.3 s) and one without (0)."""
    fast = create_app(settings.model_copy(update={"feed_recheck_seconds": 0.3}))
    slow = create_app(settings.model_copy(update={"feed_recheck_seconds": 0.0}))
    with TestClient(fast) as a, TestClient(slow) as b:
        yield a, b


def test_fast_answers_equal_the_routes_answers(two_apps: tuple[TestClient, TestClient]) -> None:
    fast, slow = two_apps
    base = solve_and_publish(slow)
    for name in ("library.ics", "class-1-1.ics"):
        url = base + name
        fast.get(url)  # the first poll goes the long way and fills the cache
        etag = slow.get(url).headers["ETag"]
        last_modified = slow.get(url).headers["Last-Modified"]
        for headers in (
            {},
            {"Accept-Encoding": "gzip"},
            {"Accept-Encoding": "identity"},
            {"If-None-Match": etag},
            {"If-None-Match": '"other", ' + etag},
            {"If-None-Match": '"other"'},
            {"If-Modified-Since": last_modified},
            {"If-Modified-Since": "not a date"},
        ):
            assert _answer(fast.get(url, headers=headers)) == _answer(slow.get(url, headers=headers)), headers
        assert _answer(fast.head(url)) == _answer(slow.head(url))
    assert _answer(fast.get(base + "nope.ics")) == _answer(slow.get(base + "nope.ics"))


def test_polls_within_the_recheck_time_do_not_ask_the_database(
    two_apps: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow = two_apps
    base = solve_and_publish(slow)
    asked: list[str] = []
    real = storage.get_school

    def counting(session: Any, slug: str) -> Any:
        asked.append(slug)
        return real(session, slug)

    monkeypatch.setattr(storage, "get_school", counting)
    assert fast.get(base + "library.ics").status_code == 200
    asked.clear()
    started = time.monotonic()
    for _ in range(20):
        assert fast.get(base + "library.ics").status_code == 200
    if time.monotonic() - started < 0.3:
        assert asked == []
    time.sleep(0.35)
    assert fast.get(base + "library.ics").status_code == 200
    assert asked == ["tiny"], "past the recheck time the database is asked again"


def test_a_publish_by_another_process_is_seen_after_the_recheck_time(
    two_apps: tuple[TestClient, TestClient],
) -> None:
    fast, other = two_apps
    base = solve_and_publish(other)
    first = fast.get(base + "class-1-1.ics").headers["ETag"]
    changed = tiny_yaml(school={"name": "Tiny Renamed", "timezone": "Asia/Shanghai", "locale": "en"})
    assert upload(other, text=changed).status_code == 201
    job = wait_for_job(other, other.post("/schools/tiny/solves", headers=AUTH).json()["id"])
    other.post(f"/schools/tiny/rotas/{job['rota_version']}/publish", headers=AUTH).raise_for_status()
    time.sleep(0.35)
    now = fast.get(base + "class-1-1.ics")
    assert now.headers["ETag"] != first and b"Tiny Renamed" in now.content


def test_a_rotated_token_stops_at_once_in_the_same_process(two_apps: tuple[TestClient, TestClient]) -> None:
    fast, _ = two_apps
    base = solve_and_publish(fast)
    assert fast.get(base + "class-1-1.ics").status_code == 200
    fast.post("/schools/tiny/feed-token", headers=AUTH).raise_for_status()
    assert fast.get(base + "class-1-1.ics").status_code == 404


def test_a_fault_in_the_fast_path_is_answered_the_long_way(
    two_apps: tuple[TestClient, TestClient], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fast, slow = two_apps
    base = solve_and_publish(slow)
    url = base + "class-1-1.ics"
    fast.get(url)  # fills the cache

    def broken(*_: Any) -> bool:
        raise ValueError("a fault in the fast path")

    monkeypatch.setattr(feed_fast_path, "not_modified", broken)
    etag = slow.get(url).headers["ETag"]
    for headers in ({}, {"If-None-Match": etag}):
        assert _answer(fast.get(url, headers=headers)) == _answer(slow.get(url, headers=headers)), headers
    assert "answered the long way" in caplog.text
