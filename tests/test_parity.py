"""One application path: `rota` and the service give the same school the same answer.

For every scenario in ``scenarios/``, a school with unmet requirements, one without any rota, one the
time limit cuts short, and a rerun, the command line's exit status, the service job's outcome and the
rota itself (its CSV bytes and every dated event) are the same.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from starlette.exceptions import StarletteDeprecationWarning

from api.main import create_app
from api.settings import Settings
from rota_solver import EXIT_CODES, OutcomeKind, Scenario
from rota_solver.cli import main
from tests.api.test_http import ADMIN_TOKEN, AUTH, YAML, wait_for_job
from tests.conftest import SCENARIO_NAMES, SCENARIOS
from tests.explain import schools
from tests.rerun.helpers import THURSDAY, rerun_school_data, scenario_of, with_class

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

LIMIT = 20.0
COMPARED = ("pattern", "sessions", "lost", "activities", "unmet", "summaries", "calendar")
"""The rota's content; its report (seconds) and version stamp differ by when it was made."""


def settings(tmp_path: Path, limit: float = LIMIT) -> Settings:
    token = SecretStr(ADMIN_TOKEN)
    return Settings(data_dir=tmp_path / "data", admin_token=token, job_time_limit_seconds=limit)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(settings(tmp_path))) as client:
        yield client


def yaml_of(scenario: Scenario) -> str:
    data = scenario.model_dump(mode="json", exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def content(rota: dict[str, Any]) -> dict[str, Any]:
    return {key: rota[key] for key in COMPARED}


def by_cli(tmp_path: Path, text: str, *args: str) -> tuple[int, Path]:
    path = tmp_path / "school.yaml"
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "cli"
    return main([*args[:1], str(path), "--out", str(out), "--time-limit", str(LIMIT), *args[1:]]), out


def by_service(client: TestClient, text: str, school: str = "s") -> dict[str, Any]:
    assert client.put(f"/schools/{school}/scenario", content=text, headers=YAML).status_code in (200, 201)
    started = client.post(f"/schools/{school}/solves", headers=AUTH)
    assert started.status_code == 202
    return wait_for_job(client, started.json()["id"], timeout=120)


def assert_same(code: int, out: Path, job: dict[str, Any], client: TestClient, school: str = "s") -> None:
    assert job["outcome"] is not None, job
    assert EXIT_CODES[job["outcome"]] == code, (job["outcome"], code, job["error"])
    if job["rota_version"] is None:
        assert not (out / "rota.json").exists()
        return
    n = job["rota_version"]
    csv = client.get(f"/schools/{school}/rotas/{n}?format=csv", headers=AUTH)
    assert csv.content == (out / "rota.csv").read_bytes()
    served = client.get(f"/schools/{school}/rotas/{n}?format=json", headers=AUTH).json()
    written = json.loads((out / "rota.json").read_text(encoding="utf-8"))
    assert content(served) == content(written)


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_every_example_school_gets_the_same_answer(tmp_path: Path, client: TestClient, name: str) -> None:
    text = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8")
    code, out = by_cli(tmp_path, text, "solve")
    assert_same(code, out, by_service(client, text), client)


CRAFTED: dict[str, tuple[Callable[[], Scenario], OutcomeKind]] = {
    "unmet requirements, explained": (schools.orientation_school, "solved_with_unmet"),
    "no rota at all": (schools.two_classes_share_one_free_slot, "no_rota"),
    "a stocktake short of staff": (schools.stocktake_needs_two_librarians, "solved_with_unmet"),
}


@pytest.mark.parametrize("name", sorted(CRAFTED), ids=sorted(CRAFTED))
def test_a_crafted_school_gets_the_same_outcome(tmp_path: Path, client: TestClient, name: str) -> None:
    make, kind = CRAFTED[name]
    text = yaml_of(make())
    code, out = by_cli(tmp_path, text, "solve")
    job = by_service(client, text)
    assert job["outcome"] == kind and code == EXIT_CODES[kind]
    assert_same(code, out, job, client)
    if kind == "no_rota":
        assert job["explanation"]["conflicts"], "the service carries the explanation the CLI prints"
        assert (out / "explanation.html").exists()


def test_a_run_the_limit_cuts_short_ends_alike(tmp_path: Path) -> None:
    """The demo school in 0.2 s: both stop at the limit, both with the same outcome."""
    text = (SCENARIOS / "demo_school.yaml").read_text(encoding="utf-8")
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["solve", str(path), "--out", str(tmp_path / "cli"), "--time-limit", "0.2"])
    with TestClient(create_app(settings(tmp_path, limit=0.2))) as client:
        job = by_service(client, text)
    assert job["outcome"] == "stopped_at_limit" and job["cut_short"]
    assert code in (EXIT_CODES["stopped_at_limit"], EXIT_CODES["no_rota"])  # 1: stopped before any rota


def test_a_rerun_gets_the_same_answer(tmp_path: Path, client: TestClient) -> None:
    first = yaml_of(scenario_of(rerun_school_data()))
    job = by_service(client, first)
    assert job["outcome"] == "solved"
    assert client.post("/schools/s/rotas/1/publish", headers=AUTH).status_code == 200
    published = tmp_path / "published.json"
    published.write_bytes(client.get("/schools/s/rotas/1?format=json", headers=AUTH).content)

    # PE takes class 1-1's Monday lunch from the freeze date on.
    pe = [{"day": "mon", "start": "11:30", "end": "12:30", "what": "PE", "since": "2026-09-28"}]
    changed = yaml_of(scenario_of(with_class(rerun_school_data(), "1-1", busy=pe)))
    assert client.put("/schools/s/scenario", content=changed, headers=YAML).status_code in (200, 201)
    started = client.post(f"/schools/s/reruns?today={THURSDAY}", headers=AUTH)
    assert started.status_code == 202
    rerun_job = wait_for_job(client, started.json()["id"], timeout=120)
    code, out = by_cli(
        tmp_path, changed, "rerun", "--published", str(published), "--today", THURSDAY.isoformat()
    )
    assert rerun_job["outcome"] == "solved" and code == 0
    assert_same(code, out, rerun_job, client)
    served = client.get("/schools/s/rotas/2/changes?format=json", headers=AUTH).json()
    written = json.loads((out / "changes.json").read_text(encoding="utf-8"))
    assert served == written


def test_the_example_files_round_trip_as_the_service_stores_them() -> None:
    """The service stores the text it is given; the crafted schools go through YAML unchanged."""
    for make, _ in CRAFTED.values():
        scenario = make()
        path_text = yaml_of(scenario)
        assert Scenario.model_validate(yaml.safe_load(path_text)) == scenario
