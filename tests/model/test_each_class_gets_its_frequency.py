"""each_class_gets_its_frequency: every class gets exactly its rule's sessions a week
(verifier: Frequency)."""

from __future__ import annotations

from rota_solver.model.hard_rules import each_class_gets_its_frequency
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import (
    assert_allowed,
    assert_only_rule_forbids,
    busy_every_day,
    forcing,
    place,
    rule_names,
    solve_and_verify,
    term,
    violations_without,
)

RULE = each_class_gets_its_frequency


def school() -> Scenario:
    """Reading once a week at lunch or in the afternoon, afternoon preferred; 1-2 is busy every
    afternoon, so its one session has to be at lunch and costs a non-preferred window."""
    return tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30, "busy": busy_every_day("14:00", "15:30")},
        ],
        rules=[rule(windows=["lunch", "afternoon"], preferences={"windows": ["afternoon"]})],
    )


def test_two_sessions_a_week_for_a_once_a_week_rule_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "14:00")
        place(rm, "1-1", "reading", "tue", "14:00")

    assert_only_rule_forbids(school(), force, RULE)


def test_no_session_at_all_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        rm.model.add(sum(rm.placements[k] for k in rm.by_class_rule[("1-2", "reading")]) == 0)

    assert_only_rule_forbids(school(), force, RULE)


def test_one_session_a_week_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "wed", "14:50")
        place(rm, "1-2", "reading", "wed", "11:30")

    assert_allowed(school(), force)


def test_without_the_rule_a_class_whose_sessions_cost_is_left_out() -> None:
    # Every lunch session costs 2 and 1-2 can only come at lunch: with no frequency rule the
    # cheapest rota (objective 0) simply never invites 1-2.
    scenario = school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert not [s for s in rota.sessions if s.class_id == "1-2"]
    assert "Frequency" in rule_names(violations)
    assert [v for v in violations if v.rule == "Frequency" and "1-2" in v.message]


def test_with_every_rule_each_class_comes_once_a_week() -> None:
    scenario = school()
    rota = solve_and_verify(scenario)
    # 1-1 comes in the preferred afternoon; 1-2 must come at lunch: 1 unit x weight 2.
    assert rota.report.objective == 2
    windows = term(rota, "PreferredWindows")
    assert (windows.units, windows.cost, windows.bearers) == (1, 2, {"1-2": 1})
    # Two teaching weeks, one session each a week.
    assert sorted(s.class_id for s in rota.sessions) == ["1-1", "1-1", "1-2", "1-2"]


def test_twice_a_week_rule_gives_two_sessions_every_week() -> None:
    scenario = tiny_school(rules=[rule(frequency={"per_week": 2})])
    rota = solve_and_verify(scenario)
    for class_id in ("1-1", "1-2"):
        weeks = sorted(s.teaching_week for s in rota.sessions if s.class_id == class_id)
        assert weeks == [1, 1, 2, 2]


def test_without_the_rule_verifier_reports_an_extra_session_in_a_week() -> None:
    # Frequency dropped; in its place: 1-2 exactly once a week, 1-1 exactly on mon and tue
    # (a day apart, so Spacing has nothing to say: only Frequency can catch it).
    def force(rm: RotaModel) -> None:
        rm.model.add(sum(rm.placements[k] for k in rm.by_class_rule[("1-2", "reading")]) == 1)
        rm.model.add(sum(rm.placements[k] for k in rm.by_class_rule[("1-1", "reading")]) == 2)
        place(rm, "1-1", "reading", "mon", "11:30")
        place(rm, "1-1", "reading", "tue", "11:30")

    scenario = tiny_school()
    rota, violations = violations_without(scenario, RULE, forcing(force))
    assert sorted(s.weekday for s in rota.pattern if s.class_id == "1-1") == ["mon", "tue"]
    assert rule_names(violations) == {"Frequency"}
    # Teaching weeks 1 and 2 each have one session too many for 1-1.
    assert len(violations) == 2
    assert all("1-1" in v.message and "more than 1" in v.message for v in violations)
