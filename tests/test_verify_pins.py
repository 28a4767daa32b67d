"""The verifier's PinnedSessionKept: each pin of the scenario is a cell of the rota's weekly table, in
its week of the A/B cycle; the dated sessions follow the table through TableKept. Checked on the solved
demo school (an A/B cycle) with pins made from its own table, and on a tiny school solved without its
pin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from rota_solver.rota import PatternSession, Rota
from rota_solver.rules import RuleId
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import check_pinned_session_kept, verify
from tests.factories import rule, tiny_school


@pytest.fixture(scope="module")
def demo(solved_scenario: Callable[[str], tuple[Scenario, Rota]]) -> tuple[Scenario, Rota]:
    scenario, rota = solved_scenario("demo_school")
    assert rota.cycle_weeks == 2
    assert verify(scenario, rota) == []
    return scenario, rota


def pinned(scenario: Scenario, pins: list[dict[str, Any]]) -> Scenario:
    """The scenario with ``pins``, validated as a loaded file would be."""
    return Scenario.model_validate({**scenario.model_dump(mode="json"), "pins": pins})


def pin_of(cell: PatternSession, **changes: Any) -> dict[str, Any]:
    return {**cell.as_pin().model_dump(mode="json", exclude_none=True), **changes}


def with_pattern(rota: Rota, pattern: list[PatternSession]) -> Rota:
    return rota.model_copy(update={"pattern": pattern})


def rules_of(scenario: Scenario, rota: Rota) -> set[str]:
    return {v.rule for v in verify(scenario, rota)}


def test_a_rota_holding_every_pin_passes(demo: tuple[Scenario, Rota]) -> None:
    scenario, rota = demo
    every_cell = pinned(scenario, [pin_of(cell) for cell in rota.pattern])
    assert len(every_cell.pins) == len(rota.pattern)
    assert {pin.week for pin in every_cell.pins} == {"A", "B"}
    assert verify(every_cell, rota) == []


def test_a_pattern_that_drops_a_pinned_session_is_reported(demo: tuple[Scenario, Rota]) -> None:
    scenario, rota = demo
    cell = rota.pattern[len(rota.pattern) // 2]
    with_pin = pinned(scenario, [pin_of(cell)])
    dropped = with_pattern(rota, [c for c in rota.pattern if c is not cell])
    found = check_pinned_session_kept(with_pin, dropped)
    assert [v.rule for v in found] == [RuleId.PINNED_SESSION_KEPT]
    assert "pins[0]" in found[0].message and cell.class_id in found[0].message
    assert f"in week {cell.week_label}" in found[0].message
    # Its dated sessions are now table sessions where the table has no cell: the table's checks
    # (TableKept, and the summary that counts the table) say so too; without the pin, only they do.
    assert rules_of(with_pin, dropped) == {"PinnedSessionKept"} | rules_of(scenario, dropped)
    assert "TableKept" in rules_of(scenario, dropped)
    assert "PinnedSessionKept" not in rules_of(scenario, dropped)


def test_a_pattern_that_moves_a_pinned_session_names_where_it_went(demo: tuple[Scenario, Rota]) -> None:
    scenario, rota = demo
    cell = rota.pattern[0]
    later = (dt.datetime.combine(dt.date.min, cell.start) + dt.timedelta(minutes=5)).time()
    moved = with_pattern(
        rota, [c.model_copy(update={"start": later}) if c is cell else c for c in rota.pattern]
    )
    [violation] = check_pinned_session_kept(pinned(scenario, [pin_of(cell)]), moved)
    assert f"at {cell.weekday} {later:%H:%M} instead" in violation.message


def test_a_pin_holds_only_in_its_own_week(demo: tuple[Scenario, Rota]) -> None:
    """A fortnightly class has its cell in one week of the cycle: the same cell pinned in the other
    week is not held."""
    scenario, rota = demo
    fortnightly = {r.id for r in scenario.rules if r.frequency.weeks == 2}
    cell = next(c for c in rota.pattern if c.rule_id in fortnightly)
    other = "B" if cell.week_label == "A" else "A"
    assert check_pinned_session_kept(pinned(scenario, [pin_of(cell)]), rota) == []
    [violation] = check_pinned_session_kept(pinned(scenario, [pin_of(cell, week=other)]), rota)
    assert violation.message.endswith("but the weekly table has it nowhere in that week.")


def test_a_rota_solved_without_the_pin_breaks_only_the_pin() -> None:
    """Monday is preferred, so without the pin 1-1 reads on Monday: against the pinned school that
    rota keeps every rule but the pin."""
    wednesday = {"class_id": "1-1", "rule": "reading", "day": "wed", "start": "11:50"}
    free = tiny_school(rules=[rule(preferences={"days": ["mon"]})])
    rota = solve(free, SolveOptions(time_limit_seconds=10, workers=1))
    assert verify(free, rota) == []
    assert [c.weekday for c in rota.pattern if c.class_id == "1-1"] == ["mon"]
    with_pin = tiny_school(rules=[rule(preferences={"days": ["mon"]})], pins=[wednesday])
    [violation] = verify(with_pin, rota)
    assert violation.rule == "PinnedSessionKept"
    assert violation.message.startswith("Class 1-1's rule reading session is pinned to wed 11:50 (pins[0])")
    assert "but the weekly table has it at mon " in violation.message
    assert verify(with_pin, solve(with_pin, SolveOptions(time_limit_seconds=10, workers=1))) == []
