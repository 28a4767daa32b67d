"""Issue 20 item 7: bells that differ by day. A period id listed again with other `days` has other
times on those days (shorter Friday periods; no afternoon on a short Wednesday); windows made of
periods get day-specific slots, a class busy by period is busy at that day's bells, and the
verifier reads the same from the scenario on its own."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from rota_solver.scenario import Scenario
from rota_solver.slots import rule_slots
from rota_solver.verify import verify
from tests.factories import rule, school_dict
from tests.model.helpers import clock, solve_and_verify

LONG_DAYS = ["mon", "tue", "wed", "thu"]
PERIODS = [
    {"id": "p1", "start": "08:00", "end": "08:45", "days": LONG_DAYS},
    {"id": "p1", "start": "08:00", "end": "08:35", "days": ["fri"]},
    {"id": "p2", "start": "08:55", "end": "09:40", "days": LONG_DAYS},
    {"id": "p2", "start": "08:45", "end": "09:20", "days": ["fri"]},
    {"id": "p5", "start": "13:30", "end": "14:15", "days": ["mon", "tue", "thu", "fri"]},
]


def school(duration: int, busy: list[dict[str, str]] | None = None, **more: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "periods": PERIODS,
        "windows": [{"id": "lessons", "periods": ["p1", "p2", "p5"]}],
        "classes": [{"id": "1-1", "grade": 1, "size": 30, "busy": busy or []}],
        "rules": [rule(duration_minutes=duration, windows=["lessons"])],
    }
    return school_dict(**{**data, **more})


def test_a_periods_window_has_each_days_own_slots() -> None:
    scenario = Scenario.model_validate(school(40))
    slots = {(s.weekday, s.start) for s in rule_slots(scenario, scenario.rules[0])}
    long_day = {clock("08:00"), clock("08:55"), clock("13:30")}
    assert {t for d, t in slots if d == "mon"} == long_day
    assert {t for d, t in slots if d == "wed"} == {clock("08:00"), clock("08:55")}  # no afternoon
    assert {t for d, t in slots if d == "fri"} == {clock("13:30")}  # 35-minute mornings too short


def test_a_class_busy_by_period_is_busy_at_that_days_bells() -> None:
    # Busy in every lesson but Friday's p2, whose bells are 08:45-09:20 (Monday's p2 is 08:55).
    busy = [{"day": d, "period": p} for d in LONG_DAYS for p in ("p1", "p2")]
    busy += [{"day": d, "period": "p5"} for d in ("mon", "tue", "thu")]
    busy += [{"day": "fri", "period": p} for p in ("p1", "p5")]
    scenario = Scenario.model_validate(school(30, busy))
    rota = solve_and_verify(scenario)
    tz = scenario.school.tz
    assert {(s.follows, s.start.astimezone(tz).strftime("%H:%M")) for s in rota.sessions} == {
        ("fri", "08:45")
    }
    # The verifier finds a session at Monday's p2 time on a Friday is no slot of the window.
    moved = rota.sessions[0]
    wrong = moved.model_copy(
        update={"start": moved.start.replace(hour=8, minute=55), "end": moved.end.replace(hour=9, minute=25)}
    )
    bad = rota.model_copy(update={"sessions": [wrong, *rota.sessions[1:]]})
    assert any("is not one slot of window lessons" in v.message for v in verify(scenario, bad))


def test_bells_are_checked_per_day() -> None:
    with pytest.raises(ValidationError, match="period 'p5' has no bells on wed"):
        Scenario.model_validate(school(30, [{"day": "wed", "period": "p5"}]))
    twice = [*PERIODS, {"id": "p1", "start": "08:10", "end": "08:40", "days": ["fri"]}]
    with pytest.raises(ValidationError, match="period 'p1' has bells on fri twice"):
        Scenario.model_validate(school(30, periods=twice))
    with pytest.raises(ValidationError, match="sat is not a school weekday"):
        Scenario.model_validate(school(30, periods=[*PERIODS, {**PERIODS[4], "id": "p6", "days": ["sat"]}]))


def test_windows_overlap_only_on_days_whose_bells_meet() -> None:
    # 13:00-13:40 meets p5 on Monday but not on Wednesday (no p5): a Wednesday-only window is fine.
    windows: list[dict[str, Any]] = [
        {"id": "lessons", "periods": ["p1", "p2", "p5"]},
        {"id": "club", "start": "13:00", "end": "13:40"},
    ]
    wed = [windows[0], {**windows[1], "days": ["wed"]}]
    data = school(30, windows=wed)
    data["rules"][0]["windows"] = ["lessons", "club"]
    assert Scenario.model_validate(data)
    data["windows"] = windows
    with pytest.raises(
        ValidationError, match="window 'club' overlaps window 'lessons' on mon, tue, thu, fri \\["
    ):
        Scenario.model_validate(data)
