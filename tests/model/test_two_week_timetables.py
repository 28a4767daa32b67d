"""Two-week class timetables (issue 20 item 3): a lesson with ``weeks: [A]`` or ``[B]`` (or cycle
week numbers) is on only those weeks of the rotation cycle, aligned with the teaching weeks; the
weekly table (class_not_busy per cycle week), the dated stage and the verifier agree, and a week
outside the cycle is refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from rota_solver.errors import InvalidScenario
from rota_solver.loading import parse_scenario
from rota_solver.model.hard_rules import class_not_busy
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from rota_solver.verify import verify
from tests.factories import rule, school_dict, tiny_school
from tests.model.helpers import assert_allowed, assert_only_rule_forbids, place, rule_names, solve_and_verify

DAYS = ("mon", "tue", "wed", "thu", "fri")


def lessons(weeks: bool = True) -> list[dict[str, Any]]:
    """Every afternoon period taught, but Monday p5 only in week A and Monday p6 only in week B (a
    weekly rule keeps its weekday over the cycle, its slot may change)."""
    out: list[dict[str, Any]] = []
    for day in DAYS:
        for period in ("p5", "p6"):
            lesson: dict[str, Any] = {"day": day, "period": period, "what": "Maths"}
            if weeks and (day, period) == ("mon", "p5"):
                lesson["weeks"] = ["A"]
            if weeks and (day, period) == ("mon", "p6"):
                lesson["weeks"] = [1]
            out.append(lesson)
    return out


def school(weeks: bool = True) -> Scenario:
    """1-1 reads weekly in the afternoon; grade 2's fortnightly visit makes the cycle A/B."""
    return tiny_school(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30, "busy": lessons(weeks)},
            {"id": "2-1", "grade": 2, "size": 30},
        ],
        rules=[
            rule(windows=["afternoon"], duration_minutes=40),
            rule(id="visit", grades=[2], frequency={"every_weeks": 2}),
        ],
    )


def test_each_week_uses_the_slot_free_only_in_that_week() -> None:
    rota = solve_and_verify(school())
    mine = sorted((s.teaching_week, s.week_label, s.follows, s.start.time()) for s in rota.sessions)
    afternoon = [m for m in mine if m[3].hour == 14]
    assert afternoon == [(1, "A", "mon", dt.time(14, 50)), (2, "B", "mon", dt.time(14, 0))]


def test_the_rule_binds_in_the_lessons_week_only() -> None:
    def monday_in_a(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "14:00", week=0)

    def monday_in_b(rm: RotaModel) -> None:
        place(rm, "1-1", "reading", "mon", "14:00", week=1)

    assert_only_rule_forbids(school(), monday_in_a, class_not_busy)
    assert_allowed(school(), monday_in_b)


def test_the_verifier_reads_the_lessons_week_from_the_date() -> None:
    rota = solve_and_verify(school())
    violations = verify(school(weeks=False), rota)
    assert rule_names(violations) == {"ClassNotBusy"}
    assert len(violations) == 2  # week A's p6 and week B's p5


@pytest.mark.parametrize("weeks", [["B"], [1]])
def test_a_week_outside_the_cycle_is_refused(weeks: list[Any]) -> None:
    data = school_dict(
        classes=[
            {"id": "1-1", "grade": 1, "size": 30, "busy": [{"day": "mon", "period": "p5", "weeks": weeks}]}
        ]
    )
    with pytest.raises(InvalidScenario, match=r"classes\[0\]\.busy\[0\]\.weeks.*1-week cycle"):
        parse_scenario(json.dumps(data))
