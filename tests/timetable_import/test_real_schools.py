"""Four real schools from FET's examples, of four countries (a Greek primary, an Indian school from
class I to XII on a six-day week, a South African junior school on a two-week timetable, a Namibian
school): import, add the library's rules (reading for the
youngest grade weekly, borrowing for every grade fortnightly, in the library time the import chose
outside lessons), solve, and the rota is verified."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from rota_solver import SolveOptions, SolveRequest, parse_scenario, run, verify
from rota_solver.timetable_import import ImportOptions, import_timetable

SCHOOLS = {
    "greek_primary": ("Greece/Didymoteicho/6th-Primary-School.fet", 13, 1),
    "indian_k12": ("India/2021/St-Joseph-EMHSS-Puthanangadi/stjosephemhss.fet", 36, 1),
    "south_african_two_weeks": ("South-Africa/difficult/Collegiate_Junior_School2.fet", 23, 2),
    "namibian_school": ("Namibia/by-Willy/Highlands_Christian_School.fet", 16, 1),
}


def with_library_rules(text: str) -> str:
    data: dict[str, Any] = yaml.safe_load(text)
    grades = sorted({c["grade"] for c in data["classes"]})
    common = {"room": "library", "duration_minutes": 20, "windows": ["library_time"]}
    data["rules"] = [
        {"id": "reading", "kind": "reading", "grades": [grades[0]], "frequency": {"per_week": 1}, **common},
        {"id": "borrowing", "kind": "borrowing", "grades": grades, "frequency": {"every_weeks": 2}, **common},
    ]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("school", sorted(SCHOOLS))
def test_a_real_school_gets_a_verified_rota(fet_examples: Path, school: str) -> None:
    path, classes, weeks = SCHOOLS[school]
    source = fet_examples / path
    options = ImportOptions(term_start=dt.date(2026, 9, 7), term_end=dt.date(2026, 12, 18))
    result = import_timetable(source.read_bytes(), source.name, options=options, fet_seconds=20)
    scenario = result.scenario
    assert len(scenario.classes) == classes
    assert sum(1 for c in scenario.classes if c.busy) >= 0.8 * classes
    assert {len(scenario.periods)} <= {7, 9, 11, 13}
    if school == "indian_k12":  # a six-day week: Saturday is a school day with its lessons
        assert "sat" in scenario.term.weekdays
        assert any(b.day == "sat" for c in scenario.classes for b in c.busy)
    if weeks == 2:  # lessons on only one week of the two say which
        assert any(b.model_dump().get("weeks") for c in scenario.classes for b in c.busy)
    scenario = parse_scenario(with_library_rules(result.text))
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=60)))
    assert outcome.kind in ("solved", "solved_with_unmet")
    assert outcome.rota is not None
    assert verify(scenario, outcome.rota) == []
    assert outcome.rota.sessions
