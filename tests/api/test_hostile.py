"""The service under hostile input and faults (issue 15): simultaneous uploads lose nothing, numbers
and dates out of range are 422 with a message, never 500."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from api.local_server import local_server, rota_serve_command
from tests.api import test_http
from tests.api.test_http import AUTH, solve_and_publish, tiny_yaml, upload
from tests.factories import school_dict

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
settings, client = test_http.settings, test_http.client  # the fixtures: an app on a file database
TOO_BIG = 2**63
UPLOADS = 8


def at_once(count: int, call: Callable[[int], int]) -> list[int]:
    """``call(i)`` for i in range(count), from as many threads released together; the results."""
    results: list[int] = [0] * count
    barrier = threading.Barrier(count)

    def one(i: int) -> None:
        barrier.wait()
        results[i] = call(i)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def numbered(text: str, i: int) -> str:
    """The scenario ``text`` made distinguishable: a comment naming upload ``i``."""
    return f"# upload {i}\n{text}"


@pytest.mark.parametrize("existing", [True, False], ids=["existing school", "new school"])
def test_simultaneous_uploads_each_become_the_next_version(client: TestClient, existing: bool) -> None:
    """Eight PUTs at once (file database, WAL): eight new versions, each text stored once, no 500."""
    text = tiny_yaml()
    first = 1 if existing else 0
    if existing:
        assert upload(client, "demo").status_code == 201

    def put(i: int) -> int:
        response = upload(client, "demo", numbered(text, i))
        assert response.status_code == 201, response.text
        number: int = response.json()["number"]
        return number

    numbers = at_once(UPLOADS, put)
    assert sorted(numbers) == list(range(first + 1, first + UPLOADS + 1))
    for i, number in enumerate(numbers):
        stored = client.get(f"/schools/demo/scenario?version={number}", headers=AUTH)
        assert stored.text == numbered(text, i)


def test_simultaneous_uploads_through_two_server_processes_lose_nothing(tmp_path: Path) -> None:
    """``rota serve --workers 2``: two processes on one SQLite file, sixteen uploads at once."""
    token = "hostile-admin-token-0123456789abcdef"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/yaml"}
    text = tiny_yaml()

    def two_workers(port: int) -> list[str]:
        return [*rota_serve_command(port), "--workers", "2"]

    with local_server(tmp_path / "data", token, two_workers, tmp_path / "serve.log", ROOT) as server:

        def put(i: int) -> int:
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as fresh_connection:
                response = fresh_connection.put("/schools/new/scenario", content=numbered(text, i))
            assert response.status_code == 201, response.text
            number: int = response.json()["number"]
            return number

        numbers = at_once(2 * UPLOADS, put)
        assert sorted(numbers) == list(range(1, 2 * UPLOADS + 1))
        for i, number in enumerate(numbers):
            stored = httpx.get(f"{server.base_url}/schools/new/scenario?version={number}", headers=headers)
            assert stored.text == numbered(text, i)

        feed_url = httpx.get(f"{server.base_url}/schools/new", headers=headers).json()["feed_url"]
        token = httpx.URL(feed_url).path.split("/")[2]
        assert httpx.get(feed_url).status_code == 404  # nothing published yet: a page that says so
        log = server.log_tail()
        assert "GET /feeds/…/ HTTP/1.1" in log and token not in log, "feed tokens stay out of the access log"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/schools/tiny/rotas/{TOO_BIG}"),
        ("GET", f"/schools/tiny/rotas/{TOO_BIG}/changes"),
        ("POST", f"/schools/tiny/rotas/{TOO_BIG}/publish"),
        ("GET", f"/schools/tiny/scenario?version={TOO_BIG}"),
        ("POST", f"/schools/tiny/solves?scenario_version={TOO_BIG}"),
        ("POST", f"/schools/tiny/reruns?scenario_version={TOO_BIG}"),
        ("GET", "/schools/tiny/rotas/0"),
    ],
)
def test_numbers_out_of_range_are_422(client: TestClient, method: str, path: str) -> None:
    assert upload(client).status_code == 201
    response = client.request(method, path, headers=AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"][0] in {"path", "query"}


@pytest.mark.parametrize(
    "query", ["today=9999-12-31", "freeze=9999-12-31", "today=0001-01-01", "freeze=0001-01-01"]
)
def test_a_rerun_from_a_date_out_of_range_is_422_with_why(client: TestClient, query: str) -> None:
    solve_and_publish(client)
    response = client.post(f"/schools/tiny/reruns?{query}", headers=AUTH)
    assert response.status_code == 422, response.text
    assert "give a date from 1900-01-01 to 2999-12-31" in response.text
    assert client.get("/schools/tiny/rotas", headers=AUTH).json()[-1]["number"] == 1  # no job ran


def test_a_lone_surrogate_in_a_json_scenario_is_422(client: TestClient) -> None:
    data = school_dict()
    data["school"]["name"] = "Tiny \ud800 School"
    body = json.dumps(data)  # ASCII: the surrogate travels as the escape \ud800
    headers = {**AUTH, "Content-Type": "application/json"}
    response = client.put("/schools/tiny/scenario", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["problems"][0]["message"]  # the loader's words or the storage's
    assert client.get("/schools/tiny", headers=AUTH).status_code == 404  # nothing stored
