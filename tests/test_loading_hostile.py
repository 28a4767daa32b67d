"""Hostile scenario text gets one clear problem with its line, never an exception of another kind:
impossible dates, keys given twice, deep nesting, lists past the limits, numbers past what the model
holds, control characters and lone surrogates (issue 15)."""

from __future__ import annotations

import time

import pytest
import yaml

from rota_solver import InvalidScenario
from rota_solver.loading import parse_scenario
from rota_solver.scenario import LIMITS
from tests.factories import rule, school_dict


def text_of(**overrides: object) -> str:
    return yaml.safe_dump(school_dict(**overrides), allow_unicode=True, sort_keys=False)


def problem_of(text: str) -> tuple[str, str, int | None]:
    with pytest.raises(InvalidScenario) as caught:
        parse_scenario(text)
    first = caught.value.problems[0]
    return first.path, first.message, first.line


@pytest.mark.parametrize("day", ["2026-02-30", "2026-13-01", "0000-01-01"])
def test_a_date_that_does_not_exist_is_named_with_its_line(day: str) -> None:
    text = text_of().replace("start: '2026-09-07'", f"start: {day}", 1)
    assert day in text
    _, message, line = problem_of(text)
    assert "not a date that exists" in message and day in message
    assert line == next(i for i, t in enumerate(text.splitlines(), 1) if day in t)


def test_an_impossible_time_is_a_field_problem() -> None:
    text = text_of().replace("start: '11:30'", "start: '25:00'", 1)
    assert "25:00" in text
    path, _, line = problem_of(text)
    assert path.endswith("start") and line is not None


def test_a_key_given_twice_names_both_lines() -> None:
    text = text_of()
    text += "school:\n  name: Another\n  timezone: Asia/Shanghai\n"
    path, message, line = problem_of(text)
    first = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("school:"))
    assert path == "school" and f"lines {first} and {line}" in message


def test_deep_nesting_is_refused_fast() -> None:
    started = time.monotonic()
    _, message, _ = problem_of("[" * 100_000)
    assert "deep" in message or "YAML" in message
    assert time.monotonic() - started < 5


def test_a_list_past_its_limit_is_refused_before_validation() -> None:
    classes = [{"id": f"c{i}", "name": f"c{i}", "grade": 1, "size": 30} for i in range(LIMITS["classes"] + 1)]
    started = time.monotonic()
    path, message, line = problem_of(text_of(classes=classes))
    assert path == "classes" and f"at most {LIMITS['classes']}" in message and line is not None
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("field", "value"),
    [("size", 10**30), ("size", 2**63)],
)
def test_a_number_past_what_the_model_holds_is_a_field_problem(field: str, value: int) -> None:
    data = school_dict()
    data["classes"][0][field] = value
    path, message, _ = problem_of(yaml.safe_dump(data, sort_keys=False))
    assert path == f"classes[0].{field}" and "less than or equal" in message


def test_a_weight_of_2_to_the_62_is_refused() -> None:
    data = school_dict()
    data["weights"] = {"preferred_day": 2**62}
    path, _, _ = problem_of(yaml.safe_dump(data, sort_keys=False))
    assert path == "weights.preferred_day"


@pytest.mark.parametrize("character", ["\x00", "\x07", "\ud800"])
def test_control_characters_and_lone_surrogates_are_refused(character: str) -> None:
    raw = text_of().replace("name: Tiny School", "name: Tiny" + character + "School", 1)
    _, message, line = problem_of(raw)
    assert f"U+{ord(character):04X}" in message and line is not None
    escaped = text_of().replace("name: Tiny School", 'name: "Tiny\\u0007School"', 1)
    assert "not allowed" in problem_of(escaped)[1]


def test_a_term_with_too_many_events_is_refused_before_any_model_is_built() -> None:
    """1,000 classes reading four times a week for a long term: the feeds would run to hundreds of
    megabytes. The estimate says how many, and the limit."""
    classes = [{"id": f"c{i}", "name": f"c{i}", "grade": 1, "size": 30} for i in range(1000)]
    data = school_dict(classes=classes, rules=[rule(frequency={"per_week": 4})])
    data["term"] = {"start": "2026-09-01", "end": "2027-01-29"}
    data["rooms"][0]["classes_at_once"] = 200
    started = time.monotonic()
    path, message, _ = problem_of(yaml.safe_dump(data, sort_keys=False))
    assert path == "rules" and "at most 60,000" in message and "about 88,000" in message
    assert time.monotonic() - started < 10
    fewer = school_dict(classes=classes[:200], rules=[rule(frequency={"per_week": 4})])
    fewer["term"] = data["term"]
    fewer["rooms"][0]["classes_at_once"] = 200
    parse_scenario(yaml.safe_dump(fewer, sort_keys=False))  # 17,600: within the limit
