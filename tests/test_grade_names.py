"""Grades as the school says them: Reception (grade 0) and Year N in an English school, 一年级 by
default in a Chinese one; the labels and the grade feeds follow (issue 14 item 9)."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from calendars import build_feeds
from rota_solver import InvalidScenario, Scenario, SolveOptions, SolveRequest, labels_for, run
from rota_solver.loading import parse_scenario
from tests.factories import rule, school_dict


def english_school(**extra: Any) -> dict[str, Any]:
    classes = [
        {"id": "R", "name": "Reception", "grade": 0, "size": 20},
        {"id": "6A", "name": "6A", "grade": 6, "size": 28},
    ]
    data = school_dict(classes=classes, rules=[rule(grades=[0, 6])], **extra)
    data["school"]["locale"] = "en"
    return data


def test_reception_is_grade_0_and_the_school_names_its_years() -> None:
    named = english_school(grades=[{"number": 0, "name": "Reception"}, {"number": 6, "name": "Year 6"}])
    scenario = Scenario.model_validate(named)
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=20)))
    assert outcome.kind == "solved" and outcome.rota is not None
    feeds = {f.key: f for f in build_feeds(scenario, outcome.rota)}
    assert {"reception", "year-6"} <= set(feeds) and "grade-6" not in feeds
    assert "Year 6" in feeds["year-6"].title and "Reception" in feeds["reception"].title
    assert b"BEGIN:VEVENT" in feeds["reception"].ics  # Reception's own sessions are in its feed


def test_default_names_keep_the_old_feed_addresses() -> None:
    scenario = Scenario.model_validate(english_school())
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=20)))
    assert outcome.rota is not None
    keys = {f.key for f in build_feeds(scenario, outcome.rota)}
    assert {"grade-0", "grade-6"} <= keys
    assert labels_for("en").grade(0) == "Reception" and labels_for("zh-CN").grade(0) == "学前班"
    assert labels_for("zh-CN").grade(6) == "六年级"
    assert labels_for("en").grade(6, "Year 6") == "Year 6"


def test_a_name_without_latin_letters_keeps_grade_n() -> None:
    data = english_school(grades=[{"number": 6, "name": "六年级"}])
    scenario = Scenario.model_validate(data)
    outcome = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=20)))
    assert outcome.rota is not None
    assert "grade-6" in {f.key for f in build_feeds(scenario, outcome.rota)}


def test_a_grade_named_twice_is_refused_with_its_line() -> None:
    data = english_school(grades=[{"number": 6, "name": "Year 6"}, {"number": 6, "name": "Y6"}])
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(InvalidScenario) as caught:
        parse_scenario(text)
    [problem] = caught.value.problems
    assert problem.path == "grades[1].number" and "named twice" in problem.message
    assert problem.line is not None
