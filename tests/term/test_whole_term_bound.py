"""The whole term's proven lower bound (issue 19): the weekly stage's bound plus the dated penalty no
weekly table avoids. It counts what is forced whatever the table (an activity no day can hold), never
what only the chosen table caused, and never exceeds the rota's own penalty."""

from __future__ import annotations

from pathlib import Path

from rota_solver import SolveRequest, parse_scenario, run
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions
from tests.factories import rule, tiny_school
from tests.model.helpers import busy_every_day, place, term
from tests.term.helpers import assert_only_confessed_violations, solve_only, solve_term
from tests.term.test_activities import AFTERNOON, activity, quiz_with_its_classes_busy

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_an_activity_no_table_lets_happen_is_in_the_bound() -> None:
    # Both classes are busy every afternoon, the quiz's only window: unmet whatever the table.
    scenario = quiz_with_its_classes_busy()
    rota = solve_only(scenario)
    assert_only_confessed_violations(scenario, rota)
    report = rota.report

    assert term(rota, "Unmet").cost == 1000
    assert report.whole_term_bound is not None and report.whole_term_bound >= 1000
    assert report.whole_term_gap == report.objective - report.whole_term_bound == 0
    assert "is proven the least any weekly table allows" in report.proven


def _quiz_only_on_monday_first_period() -> Scenario:
    """Both classes are busy every afternoon but Monday's first period, where the joint quiz of week 1
    must go; borrowing may be at lunch or in the afternoon."""
    busy = [*busy_every_day("14:00", "15:30", ("tue", "wed", "thu", "fri")), {"day": "mon", "period": "p6"}]
    return tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30, "busy": busy},
            {"id": "1-2", "grade": 1, "size": 30, "busy": busy},
        ],
        rooms=[{"id": "library", "seats": 60, "classes_at_once": 2}],
        rules=[rule(), rule(id="borrowing", kind="borrowing", windows=["lunch", "afternoon"], staffing={})],
        activities=[activity("quiz", {"grades": [1]}, {"weeks": [1]}, room="library", **AFTERNOON)],
    )


def test_what_only_the_chosen_table_caused_is_not_in_the_bound() -> None:
    # The table is forced to put 1-1's borrowing in Monday's first period, the quiz's only time: the
    # quiz is unmet for this table, but another table leaves that period free, so the bound must not
    # count it.
    def borrowing_on_monday(rm: RotaModel) -> None:
        place(rm, "1-1", "borrowing", "mon", "14:00")

    scenario = _quiz_only_on_monday_first_period()
    rota = solve_only(scenario, borrowing_on_monday)
    assert_only_confessed_violations(scenario, rota)
    report = rota.report

    assert term(rota, "Unmet").cost == 1000
    assert report.whole_term_bound is not None and report.whole_term_bound < 1000
    assert report.whole_term_gap is not None and report.whole_term_gap >= 1000

    # Left free, the solver finds that other table.
    free = solve_term(scenario)
    assert term(free, "Unmet").cost == 0 and free.report.objective < 1000


def test_the_example_schools_are_proven_best_over_both_stages() -> None:
    """Each example school's rota is proven the best of the whole term: its penalty is the least
    that any weekly table's wishes and the term's foreseeable costs allow (gap 0)."""
    for name in ("demo_school.yaml", "demo_school_spring.yaml", "riverside_primary.yaml"):
        scenario = parse_scenario((SCENARIOS / name).read_text())
        rota = run(SolveRequest(scenario, SolveOptions(time_limit_seconds=30, workers=1, seed=0))).rota
        assert rota is not None
        report = rota.report
        weekly, _dated = report.stages
        assert report.whole_term_bound is not None
        assert weekly.best_bound <= report.whole_term_bound <= report.objective
        assert report.whole_term_gap == report.objective - report.whole_term_bound == 0, name
        assert f"The whole term's penalty, {report.objective}, is proven" in report.proven
