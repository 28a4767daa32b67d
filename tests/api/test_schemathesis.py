"""Schemathesis against a real `rota serve` on loopback (issue 15): requests generated from the
service's own OpenAPI, with the admin token, half of them aimed at real ids (a school with a stored
scenario, a finished job, a published rota version, the feed token): no answer is a server error,
and every answer's status, media type and body agree with the OpenAPI.

``ROTA_SCHEMATHESIS_EXAMPLES`` sets the examples per operation and mode (default 25: about a
minute on two cores)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from api.local_server import LocalServer, local_server, rota_serve_command
from tests.api.test_http import tiny_yaml

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "schemathesis-admin-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
EXAMPLES = int(os.environ.get("ROTA_SCHEMATHESIS_EXAMPLES", "25"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
"""Not ``negative_data_rejection``: FastAPI ignores unknown query parameters and headers, as it
should; nor ``positive_data_acceptance``: a scenario can match the body's schema and still be
invalid (a rule naming a room the school lacks), and the answer is 422 with every problem."""
LAST = ("/schools/{school}/feed-token", "/jobs/{job_id}")
"""Run after the rest: rotating the token and cancelling jobs change what the others see."""


@dataclass
class RealIds:
    """Path parameters that name things that exist."""

    values: dict[str, str]
    stats: dict[str, int] = field(default_factory=dict)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalServer, RealIds]]:
    tmp = tmp_path_factory.mktemp("schemathesis")
    limits = {"ROTA_JOB_TIME_LIMIT_SECONDS": "5", "ROTA_MAX_BODY_BYTES": "65536"}
    with (
        local_server(tmp / "data", TOKEN, rota_serve_command, tmp / "serve.log", ROOT, limits) as server,
        httpx.Client(base_url=server.base_url, headers=AUTH, timeout=60) as admin,
    ):
        yaml_headers = {"Content-Type": "application/yaml"}
        stored = admin.put("/schools/demo/scenario", content=tiny_yaml(), headers=yaml_headers)
        assert stored.status_code == 201, stored.text
        job = admin.post("/schools/demo/solves").json()
        deadline = time.monotonic() + 60
        while admin.get(f"/jobs/{job['id']}").json()["status"] != "succeeded":
            assert time.monotonic() < deadline, server.log_tail()
            time.sleep(0.2)
        assert admin.post("/schools/demo/rotas/1/publish").status_code == 200
        token = httpx.URL(admin.get("/schools/demo").json()["feed_url"]).path.split("/")[2]
        ids = {"school": "demo", "number": "1", "job_id": job["id"], "token": token}
        yield server, RealIds(ids | {"filename": "library.ics"})


def test_the_openapi_holds_for_generated_requests(served: tuple[LocalServer, RealIds]) -> None:
    server, real = served
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    operations.sort(key=lambda operation: operation.path in LAST)
    failures: list[str] = []
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                fuzz(operation, mode, server, real, failures)
            except Unsatisfiable:  # nothing in this operation can be made invalid (e.g. /health)
                assert mode is GenerationMode.NEGATIVE, operation.label
    elapsed = time.monotonic() - started
    requests = sum(real.stats.values())
    print(f"\nschemathesis: {len(operations)} operations, {requests} requests, {elapsed:.0f} s, "
          f"statuses {sorted(real.stats.items())}")  # fmt: skip
    assert not failures, "\n".join(dict.fromkeys(failures)) + "\n" + server.log_tail()


def fuzz(
    operation: Any, mode: GenerationMode, server: LocalServer, real: RealIds, failures: list[str]
) -> None:
    """Up to ``EXAMPLES`` requests to ``operation``, half with real ids; what fails, into ``failures``."""

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), aim_at_real=st.booleans())
    def run(case: Any, aim_at_real: bool) -> None:
        if aim_at_real and case.path_parameters:
            parameters = case.path_parameters.items()
            case.path_parameters = {name: real.values.get(name, value) for name, value in parameters}
        response = case.call(base_url=server.base_url, headers=AUTH)
        real.stats[str(response.status_code)] = real.stats.get(str(response.status_code), 0) + 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, FailureGroup) as exc:
            found = getattr(exc, "exceptions", [exc])
            titles = "; ".join(str(getattr(one, "title", one)).splitlines()[0] for one in found)
            failures.append(f"{operation.label} ({mode.value}): {titles}"[:300])
            failures.append(f"    {case.as_curl_command()}"[:600])

    run()
