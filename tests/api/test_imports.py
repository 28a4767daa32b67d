"""POST /schools/{school}/scenario/import: a timetable file becomes the school's next scenario version
(a new scenario first, then merged, keeping what was there); a bad file is 422 in one line."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from rota_solver import parse_scenario
from tests.api.test_http import AUTH, client, settings, upload  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
LESSONS = "class,day,period,subject\nYear 6A,mon,1 09:00-09:45,Maths\nYear 7A,tue,2 09:50-10:35,PE\n"


def test_import_creates_then_merges_a_version(client: TestClient) -> None:  # noqa: F811
    url = "/schools/town/scenario/import?format=csv&term_start=2026-09-07&term_end=2026-12-18"
    first = client.post(url, content=LESSONS.encode(), headers=AUTH)
    assert first.status_code == 201, first.text
    assert first.json()["number"] == 1 and first.json()["read"]
    text = client.get("/schools/town/scenario", headers=AUTH).text
    assert [c.name for c in parse_scenario(text).classes] == ["Year 6A", "Year 7A"]
    riverside = (ROOT / "scenarios" / "riverside_primary.yaml").read_text(encoding="utf-8")
    assert upload(client, "river", riverside).status_code == 201
    merged = client.post("/schools/river/scenario/import?format=csv", content=LESSONS.encode(), headers=AUTH)
    assert merged.status_code == 201, merged.text
    assert merged.json()["number"] == 2
    scenario = parse_scenario(client.get("/schools/river/scenario", headers=AUTH).text)
    assert [r.id for r in scenario.rules] == ["weekly_borrowing"]
    assert len(scenario.classes) == 13
    assert yaml.safe_load(client.get("/schools/river/scenario?version=1", headers=AUTH).text)


def test_a_bad_file_is_422_in_one_line_and_nothing_is_stored(client: TestClient) -> None:  # noqa: F811
    bad = client.post("/schools/x/scenario/import?format=fet", content=b"<fet>\n<Days_List>", headers=AUTH)
    assert bad.status_code == 422
    assert bad.json()["detail"] == "upload.fet: line 2: expected XML: no element found"
    assert client.get("/schools/x/scenario", headers=AUTH).status_code == 404
    assert client.post("/schools/x/scenario/import?format=csv", content=b"").status_code == 401
