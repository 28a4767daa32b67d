"""Issue 20 item 5: "any free lesson, or the long break". A periods window covers its periods only,
so a break between them is a window of its own; windows overlap only where their slots do."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from rota_solver.scenario import Scenario
from tests.factories import rule, school_dict
from tests.model.helpers import solve_and_verify

PERIODS = [
    {"id": "p1", "start": "08:00", "end": "08:45"},
    {"id": "p2", "start": "08:55", "end": "09:40"},
    {"id": "p3", "start": "10:10", "end": "10:55"},
    {"id": "p4", "start": "11:05", "end": "11:50"},
]
LESSONS = {"id": "lessons", "periods": ["p1", "p2", "p3", "p4"]}
LONG_BREAK = {"id": "long_break", "start": "09:40", "end": "10:10"}


def school(*windows: dict[str, Any], rule_windows: list[str], **more: Any) -> dict[str, Any]:
    """Two classes, each busy in every lesson but p2 on Monday: p2 or the long break are their chances."""
    busy = [{"day": d, "period": p} for d in ("mon", "tue", "wed", "thu", "fri") for p in ("p1", "p3", "p4")]
    busy += [{"day": d, "period": "p2"} for d in ("tue", "wed", "thu", "fri")]
    return school_dict(
        periods=PERIODS,
        windows=list(windows),
        classes=[
            {"id": "1-1", "grade": 1, "size": 30, "busy": busy},
            {"id": "1-2", "grade": 1, "size": 30, "busy": busy},
        ],
        rules=[rule(duration_minutes=30, windows=rule_windows)],
        **more,
    )


def test_a_rule_may_take_any_free_lesson_or_the_long_break() -> None:
    scenario = Scenario.model_validate(school(LESSONS, LONG_BREAK, rule_windows=["lessons", "long_break"]))
    rota = solve_and_verify(scenario)
    # One class a day fits in p2 on Monday and one in a long break: the break is used.
    used = {(s.window_id, s.start.astimezone(scenario.school.tz).strftime("%H:%M")) for s in rota.sessions}
    assert ("long_break", "09:40") in used
    assert all(w in {"lessons", "long_break"} for w, _ in used)
    assert scenario.longest_slot(scenario.window("lessons")) == 45


@pytest.mark.parametrize(
    "other",
    [
        pytest.param({"id": "late", "start": "09:30", "end": "10:10"}, id="into p2"),
        pytest.param({"id": "late", "start": "10:00", "end": "10:20"}, id="into p3"),
        pytest.param({"id": "late", "periods": ["p4"]}, id="the same period"),
    ],
)
def test_windows_whose_slots_meet_are_still_refused(other: dict[str, Any]) -> None:
    with pytest.raises(
        ValidationError, match="window 'late' overlaps window 'lessons' on mon, tue, wed, thu, fri"
    ):
        Scenario.model_validate(school(LESSONS, other, rule_windows=["lessons", "late"]))


def test_an_overlap_on_one_day_is_refused_on_that_day() -> None:
    early = {**LONG_BREAK, "start": "09:00", "days": ["mon"]}
    with pytest.raises(ValidationError, match=r"overlaps window 'lessons' on mon \["):
        Scenario.model_validate(school(LESSONS, early, rule_windows=["lessons", "long_break"]))
