"""Library time replaces a lesson (issue 20 item 1): a lesson the library may take
(``library_may_take`` by subject on the class or the rule, or on the lesson itself) does not keep the
class out (class_not_busy), each session held in one is priced (lessons_taken, LessonsTaken, borne
by the class), the term stage's make-ups may use it, the verifier allows it and only it, and the
explainer suggests it when a class's timetable is the conflict."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rota_solver.application import SolveRequest, run
from rota_solver.explain.relax import apply_change
from rota_solver.model.hard_rules import class_not_busy
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from rota_solver.slots import Slot, class_busy_at, lessons_taken_at
from rota_solver.term.items import Fixed, Item, Spot, SpotFinder
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from tests.factories import rule, tiny_school
from tests.model.helpers import (
    OPTIONS,
    assert_allowed,
    assert_only_rule_forbids,
    place,
    rule_names,
    solve_and_verify,
    term,
)

RULE = class_not_busy
DAYS = ("mon", "tue", "wed", "thu", "fri")


def timetable(free: tuple[str, str] | None = None, **reading: Any) -> list[dict[str, Any]]:
    """Grade 1's afternoons: every period taught, Thursday p6 a reading lesson (``reading``: its
    extra fields); ``free``: a (day, period) left untaught."""
    lessons = []
    for day in DAYS:
        for period in ("p5", "p6"):
            if (day, period) == free:
                continue
            what = "Reading" if (day, period) == ("thu", "p6") else "Maths"
            extra = reading if what == "Reading" else {}
            lessons.append({"day": day, "period": period, "what": what, **extra})
    return lessons


def school(
    class_take: list[str] | None = None,
    rule_take: list[str] | None = None,
    free: tuple[str, str] | None = None,
    **reading: Any,
) -> Scenario:
    """The youngest grade's only class has every afternoon period taught but one reading lesson."""
    youngest: dict[str, Any] = {"id": "1-1", "grade": 1, "size": 30, "busy": timetable(free, **reading)}
    if class_take is not None:
        youngest["library_may_take"] = class_take
    extra = {"library_may_take": rule_take} if rule_take is not None else {}
    return tiny_school(
        classes=[youngest],
        rules=[rule(windows=["afternoon"], duration_minutes=40, **extra)],
    )


def test_without_a_lesson_to_take_no_rota_exists_and_the_explainer_offers_the_reading_lesson() -> None:
    scenario = school()
    outcome = run(SolveRequest(scenario, OPTIONS))
    assert outcome.rota is None and outcome.explanation is not None
    [conflict] = outcome.explanation.conflicts
    suggestion = next(s for s in conflict.suggestions if s.change.path.endswith("library_may_take"))
    assert suggestion.text == "let the library take 1-1's Reading lessons (Thursday 14:50–15:30)"
    assert suggestion.change.model_dump() == {"path": "classes[0].library_may_take", "value": ["Reading"]}
    assert suggestion.solves
    changed = apply_change(scenario, suggestion.change)
    assert changed is not None
    assert verify(changed, solve_and_verify(changed)) == []


@pytest.mark.parametrize(
    "scenario",
    [
        pytest.param(school(class_take=["reading"]), id="class-subject-case-aside"),
        pytest.param(school(rule_take=["Reading", "阅读"]), id="rule-subject"),
        pytest.param(school(library_may_take=True), id="the-lesson-itself"),
    ],
)
def test_the_session_takes_the_reading_lesson_at_a_price_the_class_bears(scenario: Scenario) -> None:
    rota = solve_and_verify(scenario)
    assert {(s.follows, s.start.time()) for s in rota.sessions} == {("thu", dt.time(14, 50))}
    taken = term(rota, "LessonsTaken")
    assert (taken.units, taken.cost, taken.bearers) == (1, 30, {"1-1": 1})


def test_the_rule_binds_every_other_lesson() -> None:
    def in_maths(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "thu", "14:00")

    def in_reading(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "thu", "14:50")

    assert_only_rule_forbids(school(class_take=["Reading"]), in_maths, RULE)
    assert_allowed(school(class_take=["Reading"]), in_reading)
    # Without the take the reading lesson is as busy as any other.
    assert_only_rule_forbids(school(), in_reading, RULE)


def test_a_free_period_comes_before_a_lesson() -> None:
    rota = solve_and_verify(school(class_take=["Reading"], free=("tue", "p5")))
    assert {(s.follows, s.start.time()) for s in rota.sessions} == {("tue", dt.time(14, 0))}
    assert term(rota, "LessonsTaken").units == 0


def test_the_verifier_allows_the_takeable_lesson_and_only_it() -> None:
    rota = solve_and_verify(school(class_take=["Reading"]))
    violations = verify(school(), rota)
    assert rule_names(violations) == {"ClassNotBusy"}
    assert all("Reading" in v.message for v in violations)
    # The same session moved into a Maths lesson breaks the rule even where Reading may be taken.
    moved = rota.model_copy(
        update={
            "sessions": [
                s.model_copy(
                    update={
                        "start": s.start - dt.timedelta(minutes=50),
                        "end": s.end - dt.timedelta(minutes=50),
                    }
                )
                for s in rota.sessions
            ]
        }
    )
    found = [v for v in verify(school(class_take=["Reading"]), moved) if v.rule == "ClassNotBusy"]
    assert found and all("Maths" in v.message for v in found)


def test_the_term_stage_may_hold_a_makeup_in_the_lesson_and_knows_it_is_taken() -> None:
    scenario = school(class_take=["Reading"])
    calendar = build_term_calendar(scenario)
    finder = SpotFinder(scenario, calendar, Fixed())
    thursday = next(d for d in calendar.days if d.follows == "thu")
    reading, maths = (Spot(thursday.date, start, start + 40, "afternoon", "thu") for start in (890, 840))
    makeup = Item("m", "makeup", "", True, [reading], "library", 30, {}, classes=("1-1",), rule_id="reading")
    activity = Item("a", "activity", "", True, [reading], "library", 30, {}, classes=("1-1",))
    assert finder.usable(makeup, reading) and finder.takes_lesson(makeup, reading)
    assert not finder.usable(makeup, maths)
    assert not finder.usable(activity, reading)  # only a rule's session may take the lesson
    youngest = scenario.school_class("1-1")
    slot = Slot("thu", 890, 930, "afternoon")
    assert class_busy_at(scenario, youngest, slot) and not class_busy_at(
        scenario, youngest, slot, rule=scenario.rules[0]
    )
    assert lessons_taken_at(scenario, youngest, slot, rule=scenario.rules[0])[0].what == "Reading"
