"""Issue 14 item 5: the per-class summary rows add up, on every rota, and the verifier checks it.

required + on_makeup_days = planned
planned = from_table + lost
held = from_table + made_up + extra_returns  (every dated session of the class and rule)
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rota_solver.rota import ClassSummary, Rota
from rota_solver.rules import RuleId
from rota_solver.scenario import Scenario
from rota_solver.verify import check_summary_adds_up, verify
from tests.conftest import SCENARIO_NAMES
from tests.term.helpers import solve_term
from tests.term.test_stocktake import pattern, school


def assert_adds_up(rota: Rota) -> None:
    for row in rota.summaries:
        held = sum(1 for s in rota.sessions if (s.class_id, s.rule_id) == (row.class_id, row.rule_id))
        assert row.required + row.on_makeup_days == row.planned, row
        assert row.planned == row.from_table + row.lost, row
        assert row.held == row.from_table + row.made_up + row.extra_returns == held, row


def binding_school() -> Scenario:
    """The stocktake school (1-1 borrows on Wednesdays, 1-2 on Fridays, both read on Tuesdays) with
    two one-day closures on consecutive Wednesdays (school days between them, so the wait counts in
    full: a longer closure's whole weeks would not), a make-up Saturday that follows Wednesday, and
    a two-day returns window that makes both final returns sessions extra ones."""
    return school(
        {"returns_within_days": 2},
        term={
            "start": "2026-09-07",
            "end": "2026-10-30",
            "closures": [
                {"name": "Sports day", "start": "2026-09-16"},
                {"name": "Book fair", "start": "2026-09-23"},
            ],
            "makeup_days": [{"date": "2026-09-26", "follows": "wed"}],
        },
    )


def row_of(rota: Rota, class_id: str, rule_id: str) -> ClassSummary:
    [row] = [r for r in rota.summaries if (r.class_id, r.rule_id) == (class_id, rule_id)]
    return row


def test_every_column_binds_in_a_tiny_school() -> None:
    rota = solve_term(binding_school(), pattern)
    assert_adds_up(rota)
    row = row_of(rota, "1-1", "borrowing")
    # Eight Wednesdays, and the make-up Saturday 09-26 runs Wednesday's row once more: nine due.
    # Lost: the closure's 09-16 and 09-23 and the stocktake's 10-28; held: six from the table, a
    # make-up for the long gap, and the final returns session in a slot of its own.
    figures = (
        row.required,
        row.on_makeup_days,
        row.planned,
        row.lost,
        row.from_table,
        row.made_up,
        row.extra_returns,
        row.held,
    )
    assert figures == (8, 1, 9, 3, 6, 1, 1, 8)


def test_the_verifier_catches_a_row_that_does_not_add_up() -> None:
    scenario = binding_school()
    rota = solve_term(scenario, pattern)
    row = row_of(rota, "1-1", "borrowing")
    # The numbers once printed: planned without the make-up day, held without the extra session.
    for change in ({"planned": 7}, {"held": 7}, {"made_up": 0}, {"on_makeup_days": 0}, {"extra_returns": 0}):
        broken = [r.model_copy(update=change) if r is row else r for r in rota.summaries]
        found = check_summary_adds_up(scenario, rota.model_copy(update={"summaries": broken}))
        assert found and all(v.rule == RuleId.SUMMARY_ADDS_UP for v in found), change
    missing = rota.model_copy(update={"summaries": [r for r in rota.summaries if r is not row]})
    assert check_summary_adds_up(scenario, missing)
    # A session that silently vanishes leaves planned short of required + on_makeup_days.
    gone = next(s for s in rota.sessions if s.class_id == "1-1" and s.origin == "pattern")
    vanished = rota.model_copy(update={"sessions": [s for s in rota.sessions if s is not gone]})
    rows = [
        r.model_copy(update={"from_table": r.from_table - 1, "planned": r.planned - 1, "held": r.held - 1})
        if r.class_id == gone.class_id and r.rule_id == gone.rule_id
        else r
        for r in rota.summaries
    ]
    found = verify(scenario, vanished.model_copy(update={"summaries": rows}))
    assert any(
        v.rule == RuleId.SUMMARY_ADDS_UP and "neither held nor listed lost" in v.message for v in found
    )


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_every_scenario_adds_up(name: str, solved_scenario: Callable[[str], tuple[Scenario, Rota]]) -> None:
    scenario, rota = solved_scenario(name)
    assert_adds_up(rota)
    assert check_summary_adds_up(scenario, rota) == []


def test_the_demo_school_counts_its_make_up_saturday(
    solved_scenario: Callable[[str], tuple[Scenario, Rota]],
) -> None:
    _, rota = solved_scenario("demo_school")
    assert any(row.on_makeup_days for row in rota.summaries)
    # The autumn table's dates force no make-up now; the spring term's closures still do.
    _, spring = solved_scenario("demo_school_spring")
    assert any(row.extra_returns or row.made_up for row in spring.summaries)
