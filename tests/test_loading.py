"""A bad scenario gives one clear line per problem: field path, YAML line, message; never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from rota_solver.errors import InvalidScenario, RotaError, ScenarioProblem
from rota_solver.loading import format_path, load_scenario, parse_scenario
from tests.factories import school_dict

Data = dict[str, Any]


def dump(data: Data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    """1-based line of the ``occurrence``-th line containing ``marker``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(hits) >= occurrence, f"{marker!r} occurs {len(hits)} times in:\n{text}"
    return hits[occurrence - 1]


def problems_of(text: str) -> list[ScenarioProblem]:
    with pytest.raises(InvalidScenario) as caught:
        parse_scenario(text)
    return caught.value.problems


@dataclass(frozen=True)
class Breakage:
    """One way to break the valid tiny school, and the problem the loader must report."""

    break_it: Callable[[Data], None]
    path: str
    marker: str
    """Text on the offending YAML line."""
    message: str
    occurrence: int = 1


def _set_rule_room(d: Data) -> None:
    d["rules"][0]["room"] = "attic"


def _add_rule_window(d: Data) -> None:
    d["rules"][0]["windows"] = ["lunch", "nowhere"]


def _add_window_period(d: Data) -> None:
    d["windows"][1]["periods"] = ["p5", "p9"]


def _helper_of_unknown_class(d: Data) -> None:
    d["helper_groups"] = [{"id": "helpers", "class_id": "9-9", "windows": ["lunch"]}]


def _overlapping_window(d: Data) -> None:
    d["windows"].append({"id": "late_lunch", "start": "12:00", "end": "13:00"})
    d["rules"][0]["windows"].append("late_lunch")


def _window_at_night(d: Data) -> None:
    d["windows"][0].update(start="22:00", end="23:00")


def _window_backwards(d: Data) -> None:
    d["windows"][0].update(start="12:30", end="11:30")


def _rule_too_long(d: Data) -> None:
    d["rules"][0]["duration_minutes"] = 90


def _bad_timezone(d: Data) -> None:
    d["school"]["timezone"] = "Mars/Olympus"


def _closure_after_term(d: Data) -> None:
    d["term"]["closures"] = [{"name": "sports day", "start": "2026-10-01"}]


def _makeup_after_term(d: Data) -> None:
    d["term"]["makeup_days"] = [{"date": "2026-10-10", "follows": "wed"}]


def _makeup_not_a_date(d: Data) -> None:
    d["term"]["makeup_days"] = [{"follows": "wed", "date": "someday"}]


def _staff_day_off_after_term(d: Data) -> None:
    d["staff"][0]["days_off"] = ["2026-09-08", "2026-12-25"]


def _duplicate_class(d: Data) -> None:
    d["classes"][1]["id"] = "1-1"


def _both_frequencies(d: Data) -> None:
    d["rules"][0]["frequency"] = {"per_week": 1, "every_weeks": 2}


def _typo_top_level_key(d: Data) -> None:
    d["clases"] = d.pop("classes")


def _size_not_a_number(d: Data) -> None:
    d["classes"][0]["size"] = "many"


BREAKAGES: dict[str, Breakage] = {
    "unknown room in rule": Breakage(_set_rule_room, "rules[0].room", "room: attic", "unknown room 'attic'"),
    "unknown window in rule": Breakage(
        _add_rule_window, "rules[0].windows[1]", "- nowhere", "unknown window 'nowhere'"
    ),
    "unknown period in window": Breakage(
        _add_window_period, "windows[1].periods[1]", "- p9", "unknown period 'p9'"
    ),
    "unknown class in helper group": Breakage(
        _helper_of_unknown_class, "helper_groups[0].class_id", "class_id: 9-9", "unknown class '9-9'"
    ),
    "overlapping windows": Breakage(
        _overlapping_window, "rules[0].windows[1]", "- late_lunch", "overlaps window 'lunch' on mon, tue"
    ),
    "window outside school day": Breakage(
        _window_at_night, "windows[0].end", "end: '23:00'", "outside the school day"
    ),
    "window ends before it starts": Breakage(
        _window_backwards, "windows[0].end", "end: '11:30'", "at or before it starts"
    ),
    "rule longer than every slot": Breakage(
        _rule_too_long,
        "rules[0].duration_minutes",
        "duration_minutes: 90",
        "longer than every allowed window",
    ),
    "invalid timezone": Breakage(
        _bad_timezone, "school.timezone", "timezone: Mars/Olympus", "unknown timezone 'Mars/Olympus'"
    ),
    "closure outside term": Breakage(
        _closure_after_term, "term.closures[0].start", "start: '2026-10-01'", "outside the term"
    ),
    "make-up day outside term": Breakage(
        _makeup_after_term, "term.makeup_days[0].date", "date: '2026-10-10'", "outside the term"
    ),
    "make-up day not a date": Breakage(
        _makeup_not_a_date, "term.makeup_days[0].date", "date: someday", "valid date"
    ),
    "staff day off outside term": Breakage(
        _staff_day_off_after_term, "staff[0].days_off[1]", "- '2026-12-25'", "outside the term"
    ),
    "duplicate class id": Breakage(
        _duplicate_class, "classes[1].id", "id: 1-1", "id '1-1' is used twice", occurrence=2
    ),
    "per_week and every_weeks": Breakage(
        _both_frequencies, "rules[0].frequency", "frequency:", "exactly one of per_week or every_weeks"
    ),
    "unknown top-level key": Breakage(
        _typo_top_level_key, "clases", "clases:", "Extra inputs are not permitted"
    ),
    "wrong type": Breakage(_size_not_a_number, "classes[0].size", "size: many", "valid integer"),
}


def test_the_unbroken_school_loads() -> None:
    scenario = parse_scenario(dump(school_dict()))
    assert [c.id for c in scenario.classes] == ["1-1", "1-2"]
    assert scenario.window("lunch").start == dt.time(11, 30)
    assert scenario.term.start == dt.date(2026, 9, 7)


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_a_broken_scenario_names_the_field_and_its_line(breakage: Breakage) -> None:
    data = school_dict()
    breakage.break_it(data)
    text = dump(data)
    expected_line = line_of(text, breakage.marker, breakage.occurrence)

    with pytest.raises(InvalidScenario) as caught:
        parse_scenario(text, source="school.yaml")
    error = caught.value

    by_path = {p.path: p for p in error.problems}
    assert breakage.path in by_path, [str(p) for p in error.problems]
    problem = by_path[breakage.path]
    assert problem.line == expected_line, str(problem)
    assert breakage.message in problem.message
    assert isinstance(error, RotaError)
    # One line per problem, each naming the file, the line and the field.
    lines = str(error).splitlines()
    assert len(lines) == len(error.problems)
    assert f"school.yaml: line {expected_line}: {breakage.path}: {problem.message}" in lines


def test_a_typo_in_a_top_level_key_reports_both_the_stray_and_the_missing_key() -> None:
    data = school_dict()
    _typo_top_level_key(data)
    text = dump(data)
    problems = problems_of(text)
    assert {p.path: p.line for p in problems} == {"clases": line_of(text, "clases:"), "classes": 1}
    missing = next(p for p in problems if p.path == "classes")
    assert missing.message == "Field required"


def test_only_the_first_of_several_cross_reference_problems_is_reported_per_scenario() -> None:
    # Cross-reference checks stop at the first problem; the message is still one line.
    data = school_dict()
    _set_rule_room(data)
    _add_rule_window(data)
    problems = problems_of(dump(data))
    assert [p.path for p in problems] == ["rules[0].room"]


def test_hand_written_yaml_reports_field_lines() -> None:
    text = (
        "school: {name: Hill School, timezone: Asia/Shanghai}\n"  # 1
        "term: {start: 2026-09-07, end: 2026-09-18}\n"  # 2
        "windows:\n"  # 3
        "  - {id: lunch, start: 11:30, end: 12:30}\n"  # 4
        "rooms:\n"  # 5
        "  - id: library\n"  # 6
        "    seats: 0\n"  # 7
        "classes: [{id: 1-1, grade: 1, size: 30}]\n"  # 8
        "rules:\n"  # 9
        "  - id: reading\n"  # 10
        "    kind: reading\n"  # 11
        "    grades: [1]\n"  # 12
        "    room: library\n"  # 13
        "    frequency: {per_week: 1}\n"  # 14
        "    duration_minutes: 20\n"  # 15
        "    windows: [lunch]\n"  # 16
    )
    [problem] = problems_of(text)
    assert (problem.path, problem.line) == ("rooms[0].seats", 7)
    assert "greater than 0" in problem.message
    assert str(problem) == f"line 7: rooms[0].seats: {problem.message}"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("school:\n  name: Tiny: School\nterm: {}\n", 2),
        ("school: {name: x}\nterm: {start: 2026-09-07\nrooms: []\n", 3),
        ("school:\n  name: x\n timezone: UTC\n", 3),
    ],
    ids=["colon in a plain value", "unclosed flow mapping", "bad indentation"],
)
def test_a_yaml_syntax_error_gives_the_line_of_the_problem(text: str, line: int) -> None:
    [problem] = problems_of(text)
    assert problem.path == ""
    assert problem.line == line
    assert problem.message.startswith("not valid YAML: ")
    assert str(problem).startswith(f"line {line}: <file>: not valid YAML: ")


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "hello\n"], ids=["empty", "list", "scalar"])
def test_a_document_that_is_not_a_mapping_is_refused(text: str) -> None:
    [problem] = problems_of(text)
    assert "expected a mapping" in problem.message
    assert problem.line == 1


UNQUOTED_TIMES = """\
school:
  name: Hill School
  day_start: 7:30
  day_end: 17:45
term: {start: 2026-09-07, end: 2026-09-18}
periods:
  - {id: p1, start: 8:00, end: 8:40}
windows:
  - id: lunch
    start: 11:30
    end: 12:30
  - {id: morning, periods: [p1]}
  - {id: late, start: 16:00:00, end: 17:00}
rooms: [{id: library, seats: 40}]
classes:
  - id: 1-1
    grade: 1
    size: 30
    busy: [{day: mon, start: 9:05, end: 9:45}]
rules:
  - {id: reading, kind: reading, grades: [1], room: library, frequency: {per_week: 1},
     duration_minutes: 20, windows: [lunch]}
"""


def test_unquoted_times_stay_times_not_base_60_integers() -> None:
    assert yaml.safe_load("t: 11:30") == {"t": 690}  # what plain YAML 1.1 would do
    scenario = parse_scenario(UNQUOTED_TIMES)
    lunch = scenario.window("lunch")
    assert (lunch.start, lunch.end) == (dt.time(11, 30), dt.time(12, 30))
    assert scenario.window("late").start == dt.time(16, 0)
    assert (scenario.school.day_start, scenario.school.day_end) == (dt.time(7, 30), dt.time(17, 45))
    assert scenario.period("p1").start == dt.time(8, 0)
    assert scenario.classes[0].busy[0].start == dt.time(9, 5)


def test_plain_integers_still_load_as_integers() -> None:
    scenario = parse_scenario(UNQUOTED_TIMES)
    assert scenario.rooms[0].seats == 40
    assert scenario.rules[0].duration_minutes == 20


def test_json_is_accepted_too() -> None:
    scenario = parse_scenario(json.dumps(school_dict(), ensure_ascii=False, indent=2))
    assert scenario.rules[0].room == "library"


def test_load_scenario_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_text(dump(school_dict()), encoding="utf-8")
    assert load_scenario(path).school.name == "Tiny School"


def test_load_scenario_names_the_file_in_errors(tmp_path: Path) -> None:
    data = school_dict()
    _set_rule_room(data)
    text = dump(data)
    path = tmp_path / "school.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidScenario) as caught:
        load_scenario(str(path))
    assert caught.value.source == str(path)
    assert str(caught.value).startswith(f"{path}: line {line_of(text, 'room: attic')}: rules[0].room: ")


def test_a_missing_file_is_an_invalid_scenario_not_an_os_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    with pytest.raises(InvalidScenario) as caught:
        load_scenario(path)
    assert not isinstance(caught.value, OSError)
    [problem] = caught.value.problems
    assert "cannot read file" in problem.message
    assert str(caught.value).count("\n") == 0
    assert str(caught.value).startswith(str(path))


def test_a_file_that_is_not_utf8_is_an_invalid_scenario(tmp_path: Path) -> None:
    path = tmp_path / "school.yaml"
    path.write_bytes(b"school: {name: \xff\xfe}\n")
    with pytest.raises(InvalidScenario, match="not UTF-8"):
        load_scenario(path)


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("rules", 1, "room"), "rules[1].room"),
        (("clases",), "clases"),
        (("rules", 0, "staffing", "helper"), "rules[0].staffing.helper"),
        (("term", "open_on", 2), "term.open_on[2]"),
        ((), ""),
    ],
)
def test_format_path(loc: tuple[str | int, ...], path: str) -> None:
    assert format_path(loc) == path


@pytest.mark.parametrize(
    ("term", "path", "words"),
    [
        ({"holiday_country": "XX"}, "term.holiday_country", "not a country the holidays package knows"),
        ({"holiday_country": "GB", "holiday_subdivision": "ZZZ"}, "term.holiday_subdivision", "ENG"),
        ({"holiday_subdivision": "ENG"}, "term.holiday_subdivision", "give holiday_country too"),
    ],
)
def test_an_unknown_holiday_region_is_refused_where_it_is_written(term: Data, path: str, words: str) -> None:
    data = school_dict()
    data["term"].update(term)
    text = dump(data)
    problems = problems_of(text)
    assert [p.path for p in problems] == [path]
    assert words in problems[0].message
    assert problems[0].line == line_of(text, path.split(".")[-1] + ":")
