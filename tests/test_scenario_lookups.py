"""A scenario's lookups (periods, bells, classes by id) are indexed once per scenario; a copy with
some of them replaced answers with its own, not the original's."""

from __future__ import annotations

import datetime as dt

from rota_solver.scenario import Period, SchoolClass
from tests.factories import tiny_school


def test_a_copy_with_new_periods_and_classes_looks_up_its_own() -> None:
    school = tiny_school()
    assert school.bell("p5", "mon") is not None and school.period("p5").start == dt.time(14, 0)
    assert school.school_class("1-1").size == 30  # both indexes are built before the copy

    copy = school.model_copy(
        update={
            "periods": [Period(id="p5", start=dt.time(9, 0), end=dt.time(9, 40), days=["tue"])],
            "classes": [SchoolClass(id="1-1", grade=1, size=12)],
        }
    )

    assert copy.period("p5").start == dt.time(9, 0)
    assert copy.bell("p5", "mon") is None and copy.bell("p5", "tue") == copy.period("p5")
    assert copy.school_class("1-1").size == 12
    # The original keeps its own.
    assert school.bell("p5", "mon") == school.period("p5") and school.school_class("1-1").size == 30


def test_a_rules_classes_follow_its_grades_and_classes_not_its_id() -> None:
    school = tiny_school()
    rule = school.rules[0]
    before = [c.id for c in school.rule_classes(rule)]
    assert before  # the lookup is cached before the changed copy is asked for
    # The explainer asks for copies of a rule with other grades or classes under the same id.
    other = rule.model_copy(update={"grades": [], "classes": [school.classes[-1].id]})
    assert [c.id for c in school.rule_classes(other)] == [school.classes[-1].id]
    assert [c.id for c in school.rule_classes(rule)] == before
    # What callers do to the list they are given does not change the next answer.
    school.rule_classes(rule).clear()
    assert [c.id for c in school.rule_classes(rule)] == before
    # A copy of the scenario with other classes answers with its own, not the cached list.
    assert rule.grades
    copy = school.model_copy(update={"classes": [SchoolClass(id="9-9", grade=rule.grades[0])]})
    assert [c.id for c in copy.rule_classes(rule)] == ["9-9"]
