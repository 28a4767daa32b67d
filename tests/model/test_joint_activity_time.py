"""joint_activities_find_their_classes_free (JointActivityTime): an activity for several classes at
once needs a time when none of them is in a library session; the weekly table keeps one free, or
pays for each occurrence it leaves without."""

from __future__ import annotations

from rota_solver.model.builder import build_model
from rota_solver.model.hard_rules import HARD_RULES
from rota_solver.model.soft_rules import SOFT_RULES, joint_activities_find_their_classes_free
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from tests.factories import rule, tiny_school
from tests.model.helpers import QUIZ, term
from tests.term.helpers import assert_only_confessed_violations


def school() -> Scenario:
    """Mondays only. Lunch has two 30-minute slots and both classes would rather read then; the
    quiz for both classes at once is at lunch too."""
    return tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]},
        rules=[rule(duration_minutes=30, windows=["lunch", "afternoon"], preferences={"windows": ["lunch"]})],
        activities=[QUIZ],
    )


def test_the_table_keeps_a_time_free_for_a_joint_activity() -> None:
    scenario = school()
    rota = solve(scenario, SolveOptions(time_limit_seconds=10, seed=0))
    assert verify(scenario, rota) == []
    # One class gives up its lunch slot (2 points a week) so that the quiz has one.
    assert sorted(s.window_id for s in rota.pattern) == ["afternoon", "lunch"]
    assert term(rota, "JointActivityTime").units == 0
    assert term(rota, "PreferredWindows").units == 1
    [quiz] = rota.activities
    assert quiz.window_id == "lunch" and quiz.class_ids == ["1-1", "1-2"]
    assert rota.unmet == []


def test_without_the_rule_both_classes_read_at_lunch_and_the_quiz_finds_no_time() -> None:
    scenario = school()
    others = [r for r in SOFT_RULES if r is not joint_activities_find_their_classes_free]
    rota = solve(scenario, SolveOptions(time_limit_seconds=10, seed=0), soft_rules=others)
    assert_only_confessed_violations(scenario, rota)
    assert sorted(s.window_id for s in rota.pattern) == ["lunch", "lunch"]
    assert [u.subject for u in rota.unmet] == ["quiz.1"]


def test_a_joint_activity_the_timetables_leave_no_time_for_costs_the_table_nothing() -> None:
    # Class 1-2 has lessons all lunchtime: no table could free the quiz a time, so none is charged.
    busy = [{"day": "mon", "start": "11:30", "end": "12:30"}]
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-09-18", "weekdays": ["mon"]},
        classes=[{"id": "1-1", "grade": 1, "size": 30}, {"id": "1-2", "grade": 1, "size": 30, "busy": busy}],
        rules=[rule(duration_minutes=30, windows=["lunch", "afternoon"])],
        activities=[QUIZ],
    )
    rota = solve(scenario, SolveOptions(time_limit_seconds=10, seed=0))
    assert_only_confessed_violations(scenario, rota)
    assert term(rota, "JointActivityTime").units == 0
    assert [u.subject for u in rota.unmet] == ["quiz.1"]


def test_the_occurrences_of_a_recurring_joint_activity_share_one_literal_per_time() -> None:
    """A quiz every week of a four-week term (A/B fortnight): each occurrence's time is a lunch slot of
    its cycle week, so the four occurrences share the two weeks' literals (one per cycle week and
    slot) rather than making their own; each occurrence still pays on its own when left no time."""
    scenario = tiny_school(
        term={"start": "2026-09-07", "end": "2026-10-02", "weekdays": ["mon"]},
        rules=[
            rule(
                duration_minutes=30,
                windows=["lunch", "afternoon"],
                frequency={"every_weeks": 2},
                preferences={"windows": ["lunch"]},
            )
        ],
        activities=[{**QUIZ, "when": {"every_weeks": 1}}],
    )
    built = build_model(scenario, HARD_RULES, SOFT_RULES, calendar=build_term_calendar(scenario))
    names = [v.name for v in built.rm.model.proto.variables]
    free = [n for n in names if n.startswith("free[quiz,")]
    lunch_slots = 2
    assert len(free) == len(set(free)) == scenario.cycle_weeks * lunch_slots
    assert sorted(n for n in names if n.startswith("blocked[quiz.")) == [
        f"blocked[quiz.{i}]" for i in range(1, 5)
    ]
    rota = solve(scenario, SolveOptions(time_limit_seconds=10, seed=0))
    assert verify(scenario, rota) == []
    assert term(rota, "JointActivityTime").units == 0
    assert len(rota.activities) == 4 and rota.unmet == []
