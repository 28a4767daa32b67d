"""Issue 14 item 10: a term in a year for which the holiday data has no official make-up working
days (China's 调休) for the school's country is warned about, on one line saying how to add
``makeup_days``, by ``rota validate``, ``rota solve`` and the service's validate endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import holidays
import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from api.settings import Settings
from rota_solver.cli import main
from rota_solver.scenario import Scenario
from rota_solver.term_calendar import calendar_warnings, makeup_data_missing
from tests.factories import school_dict

TOKEN = "t" * 32


def _covered_years(country: str) -> set[int]:
    table = holidays.country_holidays(country, years=range(2000, 2040))
    return {day.year for day in getattr(table, "weekend_workdays", set())}


NO_DATA_YEAR = next(y for y in range(2026, 2040) if y not in _covered_years("CN"))
"""The first year the installed holidays package has no 调休 for China (2027 for 0.109)."""
DATA_YEAR = max(_covered_years("CN"))


def _cn_school(year: int, *, locale: str = "zh-CN", **term: Any) -> dict[str, Any]:
    return school_dict(
        school={"name": "春晖小学", "timezone": "Asia/Shanghai", "locale": locale},
        term={"start": f"{year}-03-01", "end": f"{year}-03-12", "holiday_country": "CN", **term},
    )


def test_a_year_without_makeup_data_is_found() -> None:
    assert makeup_data_missing(Scenario.model_validate(_cn_school(NO_DATA_YEAR))) == [NO_DATA_YEAR]
    assert makeup_data_missing(Scenario.model_validate(_cn_school(DATA_YEAR))) == []
    declared = [{"date": f"{NO_DATA_YEAR}-03-07", "follows": "mon", "name": "调休"}]
    assert makeup_data_missing(Scenario.model_validate(_cn_school(NO_DATA_YEAR, makeup_days=declared))) == []
    # A country with no substituted working days at all warns of nothing.
    british = school_dict(
        term={"start": f"{NO_DATA_YEAR}-03-01", "end": f"{NO_DATA_YEAR}-03-12", "holiday_country": "GB"}
    )
    assert makeup_data_missing(Scenario.model_validate(british)) == []


def test_the_warning_is_one_line_in_the_schools_language() -> None:
    [zh] = calendar_warnings(Scenario.model_validate(_cn_school(NO_DATA_YEAR)))
    assert "\n" not in zh and str(NO_DATA_YEAR) in zh and "makeup_days" in zh and "调休" in zh
    [en] = calendar_warnings(Scenario.model_validate(_cn_school(NO_DATA_YEAR, locale="en")))
    assert "\n" not in en and en.startswith("warning:") and "makeup_days" in en


def test_validate_and_solve_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "school.yaml"
    path.write_text(yaml.safe_dump(_cn_school(NO_DATA_YEAR), allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "makeup_days" in err
    assert main(["solve", str(path), "--out", str(tmp_path / "out"), "--time-limit", "20"]) == 0
    assert sum("makeup_days" in line for line in capsys.readouterr().err.splitlines()) == 1
    fine = tmp_path / "fine.yaml"
    fine.write_text(yaml.safe_dump(_cn_school(DATA_YEAR), allow_unicode=True), encoding="utf-8")
    assert main(["validate", str(fine)]) == 0
    assert capsys.readouterr().err == ""


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", admin_token=SecretStr(TOKEN))
    with TestClient(create_app(settings)) as client:
        yield client


def test_the_service_validate_endpoint_returns_the_warning(client: TestClient) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    answer = client.post("/scenarios/validate", json=_cn_school(NO_DATA_YEAR), headers=auth)
    assert answer.status_code == 200
    body = answer.json()
    assert body["valid"] is True and len(body["warnings"]) == 1 and "makeup_days" in body["warnings"][0]
    fine = client.post("/scenarios/validate", json=_cn_school(DATA_YEAR), headers=auth).json()
    assert fine["warnings"] == []
