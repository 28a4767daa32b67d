"""Part-class lessons (issue 20 item 4): a lesson for a group of the class (``busy[].group``) blocks
the whole class unless the rule says ``group_lessons_block: false``; model, term stage and verifier
agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rota_solver.model.hard_rules import class_not_busy
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from rota_solver.term.items import Fixed, Item, Spot, SpotFinder
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from tests.factories import rule, tiny_school
from tests.model.helpers import assert_allowed, assert_only_rule_forbids, place, rule_names, solve_and_verify

DAYS = ("mon", "tue", "wed", "thu", "fri")


def school(block: bool | None = None) -> Scenario:
    """Every afternoon period taught to the whole class but Thursday p6, French for one set."""
    busy: list[dict[str, Any]] = [
        {"day": d, "period": p, "what": "Maths"}
        for d in DAYS
        for p in ("p5", "p6")
        if (d, p) != ("thu", "p6")
    ]
    busy.append({"day": "thu", "period": "p6", "what": "French", "group": "French set"})
    extra = {} if block is None else {"group_lessons_block": block}
    return tiny_school(
        classes=[{"id": "1-1", "grade": 1, "size": 30, "busy": busy}],
        rules=[rule(windows=["afternoon"], duration_minutes=40, **extra)],
    )


def in_french(rm: RotaModel) -> None:
    place(rm, "1-1", "reading", "thu", "14:50")


def test_a_group_lesson_blocks_the_class_by_default() -> None:
    assert_only_rule_forbids(school(), in_french, class_not_busy)
    assert_only_rule_forbids(school(block=True), in_french, class_not_busy)


def test_a_rule_for_small_groups_may_use_it() -> None:
    assert_allowed(school(block=False), in_french)
    rota = solve_and_verify(school(block=False))
    assert {(s.follows, s.start.time()) for s in rota.sessions} == {("thu", dt.time(14, 50))}
    violations = verify(school(), rota)
    assert rule_names(violations) == {"ClassNotBusy"}
    assert all("French" in v.message for v in violations)


def test_the_term_stage_agrees() -> None:
    for block, free in ((True, False), (False, True)):
        scenario = school(block)
        calendar = build_term_calendar(scenario)
        finder = SpotFinder(scenario, calendar, Fixed())
        thursday = next(d for d in calendar.days if d.follows == "thu")
        spot = Spot(thursday.date, 890, 930, "afternoon", "thu")
        makeup = Item("m", "makeup", "", True, [spot], "library", 30, {}, classes=("1-1",), rule_id="reading")
        activity = Item("a", "activity", "", True, [spot], "library", 30, {}, classes=("1-1",))
        assert finder.usable(makeup, spot) is free
        assert not finder.usable(activity, spot)  # an activity is for the whole class
        assert not finder.takes_lesson(makeup, spot)  # a group's lesson is not priced
