"""staff_available: staff work only in their weekly hours, helper groups only in their windows
(verifier: StaffAvailable)."""

from __future__ import annotations

from typing import Any

from rota_solver.model.hard_rules import staff_available
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from tests.factories import rule, tiny_school
from tests.model.helpers import (
    assert_allowed,
    assert_only_rule_forbids,
    assign,
    rule_names,
    solve_and_verify,
    term,
    violations_without,
)

RULE = staff_available
BOTH_WINDOWS: dict[str, Any] = {"windows": ["lunch", "afternoon"], "preferences": {"windows": ["afternoon"]}}


def staff_school() -> Scenario:
    """The librarian works 11:00-12:30 only; reading may be at lunch or (preferred) in the afternoon."""
    return tiny_school(
        staff=[{"id": "lib", "availability": [{"start": "11:00", "end": "12:30"}]}],
        rules=[rule(**BOTH_WINDOWS)],
    )


def helper_school() -> Scenario:
    """Reading is staffed by the helpers of class 2-1 (not a reading class), who only work afternoons;
    reading prefers lunch."""
    return tiny_school(
        helper_groups=[{"id": "hg", "class_id": "2-1", "windows": ["afternoon"]}],
        classes=[
            {"id": "1-1", "grade": 1, "size": 30},
            {"id": "1-2", "grade": 1, "size": 30},
            {"id": "2-1", "grade": 2, "size": 30},
        ],
        rules=[
            rule(windows=["lunch", "afternoon"], staffing={"helper": 1}, preferences={"windows": ["lunch"]})
        ],
    )


def test_a_librarian_outside_their_hours_is_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        assign(rm, "lib", "reading", "wed", "14:00")

    assert_only_rule_forbids(staff_school(), force, RULE)


def test_a_librarian_inside_their_hours_is_allowed() -> None:
    def force(rm: RotaModel) -> None:
        assign(rm, "lib", "reading", "wed", "12:10")

    assert_allowed(staff_school(), force)


def test_a_librarian_on_a_day_they_do_not_work_is_forbidden() -> None:
    scenario = tiny_school(staff=[{"id": "lib", "availability": [{"days": ["mon", "tue"]}]}])

    def on_wednesday(rm: RotaModel) -> None:
        assign(rm, "lib", "reading", "wed", "11:30")

    def on_tuesday(rm: RotaModel) -> None:
        assign(rm, "lib", "reading", "tue", "11:30")

    assert_only_rule_forbids(scenario, on_wednesday, RULE)
    assert_allowed(scenario, on_tuesday)


def test_helpers_outside_their_windows_are_forbidden() -> None:
    def force(rm: RotaModel) -> None:
        assign(rm, "hg", "reading", "mon", "11:30")

    assert_only_rule_forbids(helper_school(), force, RULE)


def test_helpers_in_their_windows_are_allowed() -> None:
    def force(rm: RotaModel) -> None:
        assign(rm, "hg", "reading", "mon", "14:00")

    assert_allowed(helper_school(), force)


def test_without_the_rule_verifier_reports_a_librarian_out_of_hours() -> None:
    scenario = staff_school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert {s.window_id for s in rota.pattern} == {"afternoon"}
    assert rule_names(violations) == {"StaffAvailable"}
    assert all("lib is on" in v.message for v in violations)


def test_without_the_rule_verifier_reports_helpers_outside_their_windows() -> None:
    scenario = helper_school()
    rota, violations = violations_without(scenario, RULE)
    assert rota.report.objective == 0
    assert {s.window_id for s in rota.pattern} == {"lunch"}
    assert rule_names(violations) == {"StaffAvailable"}
    assert all("outside its windows" in v.message for v in violations)


def test_with_every_rule_the_librarian_keeps_lunch() -> None:
    rota = solve_and_verify(staff_school())
    # Both classes must come at lunch, outside the preferred afternoon: 2 units x weight 2.
    windows = term(rota, "PreferredWindows")
    assert (windows.units, windows.cost, windows.bearers) == (2, 4, {"1-1": 1, "1-2": 1})
    assert rota.report.objective == 4


def test_with_every_rule_the_helpers_keep_the_afternoon() -> None:
    rota = solve_and_verify(helper_school())
    # Both classes must come in the afternoon, outside the preferred lunch: 2 units x weight 2.
    windows = term(rota, "PreferredWindows")
    assert (windows.units, windows.cost, windows.bearers) == (2, 4, {"1-1": 1, "1-2": 1})
    assert rota.report.objective == 4
    assert all(s.staff_ids == ["hg"] for s in rota.sessions)
