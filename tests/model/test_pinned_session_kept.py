"""pinned_session_kept: a pin ("keep this session here") holds its cell of the weekly table (verifier:
PinnedSessionKept). The pin binds against the wishes, in an A/B cycle too, from a table session's own
fields (the web app's button), through the first-fit start and a rerun; a bad pin is refused with its
field and line, and pins that cannot all hold are explained by name, with tested ways out."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from ortools.sat.python import cp_model

from rota_solver.application import SolveRequest, run
from rota_solver.conflict import Change, Conflict
from rota_solver.errors import InvalidScenario
from rota_solver.explain.relax import apply_change
from rota_solver.loading import parse_scenario
from rota_solver.model.builder import build_model
from rota_solver.model.first_fit import add_first_fit_hint, first_fit
from rota_solver.model.hard_rules import pinned_session_kept
from rota_solver.model.variables import RotaModel
from rota_solver.rota import PatternSession, Rota
from rota_solver.scenario import Scenario
from tests.factories import rule, school_dict, tiny_school
from tests.model.helpers import (
    OPTIONS,
    assert_allowed,
    assert_only_rule_forbids,
    place,
    rule_names,
    solve_and_verify,
    term,
    violations_without,
)
from tests.rerun.helpers import FREEZE, published_rota, rerun_checked, rerun_school_data, scenario_of

RULE = pinned_session_kept

WEDNESDAY = {"class_id": "1-1", "rule": "reading", "day": "wed", "start": "11:50"}
"""1-1's reading pinned to Wednesday 11:50, the second lunch slot; the rule prefers Monday."""


def monday_school(*pins: dict[str, Any]) -> Scenario:
    """Two classes reading once a week at lunch; Monday is preferred and has room for both."""
    return tiny_school(rules=[rule(preferences={"days": ["mon"]})], pins=list(pins))


def cells(rota: Rota, class_id: str) -> list[tuple[str, str, dt.time]]:
    return [(p.week_label, p.weekday, p.start) for p in rota.pattern if p.class_id == class_id]


# --- the model ----------------------------------------------------------------------------------


def test_without_the_pin_the_wish_pulls_the_session_to_monday() -> None:
    rota = solve_and_verify(monday_school())
    assert [day for _, day, _ in cells(rota, "1-1")] == ["mon"]
    assert rota.report.objective == 0


def test_the_pin_keeps_the_session_in_its_cell_against_the_wish() -> None:
    rota = solve_and_verify(monday_school(WEDNESDAY))
    assert cells(rota, "1-1") == [("", "wed", dt.time(11, 50))]
    assert {s.start.time() for s in rota.sessions if s.class_id == "1-1"} == {dt.time(11, 50)}
    assert {s.follows for s in rota.sessions if s.class_id == "1-1"} == {"wed"}
    # The pin costs the wish it overrides: one missed preferred day a week, weight 3.
    days = term(rota, "PreferredDays")
    assert (days.units, days.bearers) == (1, {"1-1": 1})
    assert [day for _, day, _ in cells(rota, "1-2")] == ["mon"]


def test_another_cell_of_the_pinned_class_is_forbidden_only_by_the_pin() -> None:
    def elsewhere(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "11:30")

    def other_class_elsewhere(rm: RotaModel) -> None:
        place(rm, "1-2", "reading", "mon", "11:30")

    assert_only_rule_forbids(monday_school(WEDNESDAY), elsewhere, RULE)
    assert_allowed(monday_school(WEDNESDAY), other_class_elsewhere)


def test_without_the_rule_the_verifier_reports_the_pin() -> None:
    scenario = monday_school(WEDNESDAY)
    _, violations = violations_without(scenario, RULE)
    assert rule_names(violations) == {"PinnedSessionKept"}
    [violation] = violations
    assert "pins[0]" in violation.message and "wed 11:50" in violation.message
    assert "mon" in violation.message


def ab_school(*pins: dict[str, Any]) -> Scenario:
    """Weekly reading at lunch for grade 1, a fortnightly visit for grade 2: an A/B cycle."""
    return tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30},
            {"id": "2-2", "grade": 2, "size": 30},
        ],
        rules=[
            rule(preferences={"days": ["mon"]}),
            rule(
                id="visit",
                grades=[2],
                frequency={"every_weeks": 2},
                windows=["afternoon"],
                duration_minutes=40,
            ),
        ],
        pins=list(pins),
    )


def test_in_an_ab_cycle_a_pin_holds_its_week_and_the_weekday_every_week() -> None:
    unpinned = solve_and_verify(ab_school())
    first = next(p for p in unpinned.pattern if p.class_id == "2-1")
    other = "B" if first.week_label == "A" else "A"
    thursday = {"class_id": "2-1", "rule": "visit", "day": "thu", "start": "14:50", "week": other}
    week_b = {"class_id": "1-1", "rule": "reading", "day": "fri", "start": "12:10", "week": "B"}
    rota = solve_and_verify(ab_school(thursday, week_b))
    assert cells(rota, "2-1") == [(other, "thu", dt.time(14, 50))]
    # A weekly rule's day set is the same in every week: Friday in week A too, at a slot of its choice.
    mine = cells(rota, "1-1")
    assert ("B", "fri", dt.time(12, 10)) in mine
    assert sorted(day for _, day, _ in mine) == ["fri", "fri"]
    # The fortnightly visit stays balanced: 2-2 takes the other week.
    assert [week for week, _, _ in cells(rota, "2-2")] == [first.week_label]


# --- from a table session, as the web app's "keep this session here" builds it -----------------------


def with_pins(data: dict[str, Any], sessions: list[PatternSession]) -> str:
    """The scenario as YAML with a pin for each of ``sessions``, written the way the web app would."""
    entries = [s.as_pin().model_dump(mode="json", exclude_none=True) for s in sessions]
    return yaml.safe_dump({**data, "pins": entries}, sort_keys=False, allow_unicode=True)


@pytest.mark.parametrize("ab", [False, True], ids=["one-week", "ab"])
def test_a_pin_built_from_a_table_session_parses_and_keeps_it(ab: bool) -> None:
    scenario = ab_school() if ab else monday_school()
    rota = solve_and_verify(scenario)
    session = next(p for p in rota.pattern if p.class_id == "1-1")
    pin = session.as_pin()
    assert (pin.class_id, pin.rule, pin.day, pin.start) == ("1-1", "reading", session.weekday, session.start)
    assert pin.week == (session.week_label or None)
    # Moved elsewhere by another wish, the pinned session stays.
    data = scenario.model_dump(mode="json")
    data["rules"][0]["preferences"] = {"days": ["thu"]}
    pinned = parse_scenario(with_pins(data, [session]))
    assert pinned.pins == [pin]
    again = solve_and_verify(pinned)
    assert (session.week_label, session.weekday, session.start) in cells(again, "1-1")


def test_pinning_the_whole_table_gives_the_same_table() -> None:
    scenario = ab_school()
    rota = solve_and_verify(scenario)
    pinned = parse_scenario(with_pins(scenario.model_dump(mode="json"), rota.pattern))
    again = solve_and_verify(pinned)
    assert [(p.class_id, p.rule_id, p.cycle_week, p.weekday, p.start) for p in again.pattern] == [
        (p.class_id, p.rule_id, p.cycle_week, p.weekday, p.start) for p in rota.pattern
    ]
    assert again.report.objective == rota.report.objective


# --- the first-fit start -----------------------------------------------------------------------------


def test_the_first_fit_table_holds_the_pins_and_is_a_valid_start() -> None:
    scenario = ab_school(
        {"class_id": "2-2", "rule": "visit", "day": "wed", "start": "14:00", "week": "A"},
        {"class_id": "1-2", "rule": "reading", "day": "tue", "start": "11:30", "week": "B"},
    )
    table = first_fit(scenario)
    placed = {(c.class_id, c.rule_id, c.week, c.slot.weekday, c.slot.start) for c in table.cells}
    assert ("2-2", "visit", 0, "wed", 14 * 60) in placed
    assert ("1-2", "reading", 1, "tue", 11 * 60 + 30) in placed
    assert len(table.cells) == table.required
    assert len(table.day_sets) == 4  # every class and rule complete: the hint is a whole table
    # 2-2 is pinned to week A, so the fortnightly 2-1 goes to week B: the phases stay balanced.
    assert table.day_sets[("2-1", "visit")][0] == 1
    built = build_model(scenario, hint=False)
    add_first_fit_hint(built.rm)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.fix_variables_to_their_hinted_value = True
    assert solver.solve(built.rm.model) == cp_model.OPTIMAL


# --- a rerun ---------------------------------------------------------------------------------------


def test_a_rerun_moves_a_newly_pinned_session_into_its_cell_and_keeps_the_past() -> None:
    data = rerun_school_data()
    published = published_rota(scenario_of(data))
    used = {(p.weekday, p.start) for p in published.pattern}
    free = next(
        (day, start)
        for day in ("fri", "thu", "tue")
        for start in (dt.time(11, 30), dt.time(11, 50), dt.time(12, 10))
        if (day, start) not in used
    )
    cell = next(p for p in published.pattern if p.class_id == "1-3")
    assert (cell.weekday, cell.start) != free
    pin = {"class_id": "1-3", "rule": "reading", "day": free[0], "start": free[1].strftime("%H:%M")}
    changed = scenario_of({**data, "pins": [pin]})

    result = rerun_checked(changed, published)  # verified: PinnedSessionKept and TableKept included

    assert cells(result.rota, "1-3") == [("", free[0], free[1])]
    assert set(result.diff.by_class) == {"1-3"}
    assert [s for s in result.rota.sessions if s.date < FREEZE] == [
        s for s in published.sessions if s.date < FREEZE
    ]
    after = {
        (s.follows, s.start.time()) for s in result.rota.sessions if s.class_id == "1-3" and s.date >= FREEZE
    }
    assert after == {free}


# --- a bad pin is refused, with its field and line -----------------------------------------------------


def problem_of(pins: list[dict[str, Any]], **overrides: Any) -> tuple[str, int | None, str]:
    text = yaml.safe_dump(school_dict(pins=pins, **overrides), sort_keys=False)
    with pytest.raises(InvalidScenario) as caught:
        parse_scenario(text)
    [problem] = caught.value.problems
    return problem.path, problem.line, problem.message


def line_of(text: str, marker: str, occurrence: int = 1) -> int:
    return [n for n, line in enumerate(text.splitlines(), 1) if marker in line][occurrence - 1]


GRADE_2 = [
    {"id": "1-1", "grade": 1, "size": 30},
    {"id": "1-2", "grade": 1, "size": 30},
    {"id": "2-1", "grade": 2, "size": 30},
]
FORTNIGHTLY = [rule(), rule(id="visit", grades=[2], frequency={"every_weeks": 2})]
BAD_PINS: dict[str, tuple[dict[str, Any], dict[str, Any], str, str, str]] = {
    # name: (pin fields over WEDNESDAY, scenario overrides, path, text on its line, message)
    "unknown class": ({"class_id": "9-9"}, {}, "pins[0].class_id", "class_id: 9-9", "unknown class '9-9'"),
    "unknown rule": ({"rule": "poetry"}, {}, "pins[0].rule", "rule: poetry", "unknown rule 'poetry'"),
    "rule not of the class": (
        {"class_id": "2-1"},
        {"classes": GRADE_2},
        "pins[0].rule",
        "rule: reading",
        "rule 'reading' does not apply to class '2-1'",
    ),
    "no window that day": (
        {"day": "sat"},
        {},
        "pins[0].day",
        "day: sat",
        "rule 'reading' has no slot on sat: its windows (lunch) exist on mon, tue, wed, thu, fri",
    ),
    "not a slot's start": (
        {"start": "11:40"},
        {},
        "pins[0].start",
        "start: '11:40'",
        "11:40 is not the start of a slot of rule 'reading' on wed (its slots start at 11:30, 11:50, 12:10)",
    ),
    "a week outside the cycle": (
        {"week": "B"},
        {},
        "pins[0].week",
        "week: B",
        "week B is not in the rota's 1-week cycle (weeks A)",
    ),
    "no week in an A/B cycle": (
        {},
        {"classes": GRADE_2, "rules": FORTNIGHTLY},
        "pins[0].week",
        "- class_id: 1-1",
        "give the week of the rota's 2-week cycle the session is in (A, B)",
    ),
    "an unknown week label": ({"week": "Z"}, {}, "pins[0].week", "week: Z", "Input should be 'A'"),
}


@pytest.mark.parametrize("name", list(BAD_PINS), ids=list(BAD_PINS))
def test_a_bad_pin_names_its_field_and_line(name: str) -> None:
    fields, overrides, path, marker, message = BAD_PINS[name]
    pin = {**WEDNESDAY, **fields}
    text = yaml.safe_dump(school_dict(pins=[pin], **overrides), sort_keys=False)
    found = problem_of([pin], **overrides)
    assert found[0] == path
    assert found[1] == line_of(text, marker), found
    assert message in found[2]


def test_the_same_pin_twice_is_refused_at_the_second() -> None:
    again = {**WEDNESDAY, "week": "A"}  # week A of a one-week cycle is the pin without a week
    text = yaml.safe_dump(school_dict(pins=[WEDNESDAY, again]), sort_keys=False)
    path, line, message = problem_of([WEDNESDAY, again])
    assert (path, message) == ("pins[1]", "the same pin as pins[0]")
    assert line == line_of(text, "- class_id: 1-1", 2)


def test_a_pin_on_a_period_window_names_its_bell() -> None:
    scenario = tiny_school(
        rules=[rule(windows=["afternoon"], duration_minutes=40)],
        pins=[{"class_id": "1-2", "rule": "reading", "day": "thu", "start": "14:50"}],
    )
    rota = solve_and_verify(scenario)
    assert cells(rota, "1-2") == [("", "thu", dt.time(14, 50))]
    path, _, message = problem_of(
        [{"class_id": "1-2", "rule": "reading", "day": "thu", "start": "14:40"}],
        rules=[rule(windows=["afternoon"], duration_minutes=40)],
    )
    assert path == "pins[0].start" and "its slots start at 14:00, 14:50" in message


# --- pins that cannot all hold: the explanation names them -------------------------------------------


def explained(scenario: Scenario) -> list[Conflict]:
    outcome = run(SolveRequest(scenario, OPTIONS))
    assert outcome.kind == "no_rota" and outcome.rota is None
    assert outcome.explanation is not None and outcome.explanation.note is None
    return outcome.explanation.conflicts


def assert_each_suggestion_solves(scenario: Scenario, conflict: Conflict) -> None:
    assert conflict.suggestions
    for suggestion in conflict.suggestions:
        changed = apply_change(scenario, suggestion.change)
        assert changed is not None and suggestion.solves, suggestion
        solve_and_verify(changed)


def test_two_classes_pinned_to_one_cell_of_a_one_class_room_are_named() -> None:
    scenario = monday_school(WEDNESDAY, {**WEDNESDAY, "class_id": "1-2"})
    [conflict] = explained(scenario)
    assert {(g.kind, tuple(g.subject)) for g in conflict.groups} == {
        ("pin", ("1-1", "reading", "A", "wed", "11:50")),
        ("pin", ("1-2", "reading", "A", "wed", "11:50")),
        ("room", ("library",)),
    }
    assert conflict.minimal
    assert conflict.text == (
        "These requirements cannot all be met together: Class 1-1's reading session is pinned to "
        "Wednesday 11:50; Class 1-2's reading session is pinned to Wednesday 11:50; Library holds 1 "
        "class(es) at a time."
    )
    assert [s.text for s in conflict.suggestions] == [
        "let Library hold 2 classes at once instead of 1",
        "unpin Class 1-1's reading session from Wednesday 11:50",
        "unpin Class 1-2's reading session from Wednesday 11:50",
    ]
    unpin = conflict.suggestions[1].change
    assert unpin.path == "pins" and unpin.value == [{**WEDNESDAY, "class_id": "1-2", "start": "11:50:00"}]
    assert_each_suggestion_solves(scenario, conflict)


def test_a_pin_on_a_lesson_is_named_with_the_timetable() -> None:
    pe = {"day": "wed", "start": "11:30", "end": "12:30", "what": "PE"}
    scenario = tiny_school(
        classes=[
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30, "busy": [pe]},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
        pins=[WEDNESDAY],
    )
    [conflict] = explained(scenario)
    assert {(g.kind, tuple(g.subject)) for g in conflict.groups} == {
        ("pin", ("1-1", "reading", "A", "wed", "11:50")),
        ("timetable", ("1-1",)),
    }
    assert "Class 1-1's reading session is pinned to Wednesday 11:50" in conflict.text
    texts = [s.text for s in conflict.suggestions]
    assert "unpin Class 1-1's reading session from Wednesday 11:50" in texts
    assert_each_suggestion_solves(scenario, conflict)


def test_a_pinned_week_is_named_in_the_school_language() -> None:
    """2-1 is pinned to Thursday p6 of week B, but has music then."""
    pin = {"class_id": "2-1", "rule": "visit", "day": "thu", "start": "14:50", "week": "B"}
    data = ab_school(pin).model_dump(mode="json")
    data["school"]["locale"] = "zh-CN"
    data["classes"][2]["busy"] = [{"day": "thu", "period": "p6", "what": "Music"}]
    [conflict] = explained(Scenario.model_validate(data))
    group = next(g for g in conflict.groups if g.kind == "pin")
    assert group.subject == ["2-1", "visit", "B", "thu", "14:50"]
    assert group.detail == "2-1的visit固定在B周周四 14:50"
    assert "不再把2-1的visit固定在B周周四 14:50" in [s.text for s in conflict.suggestions]


def test_a_move_of_a_pin_is_a_change_of_its_fields() -> None:
    """The explainer suggests letting a pin go; moving one is a change of its fields all the same."""
    scenario = monday_school(WEDNESDAY)
    moved = apply_change(scenario, Change(path="pins[0].start", value="12:10"))
    assert moved is not None and moved.pins[0].start == dt.time(12, 10)
    assert cells(solve_and_verify(moved), "1-1") == [("", "wed", dt.time(12, 10))]
    assert apply_change(scenario, Change(path="pins[0].start", value="12:00")) is None  # no slot starts then
