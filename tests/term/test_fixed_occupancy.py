"""What the pattern holds fixed for the term stage: a helper group's duty also holds its own class."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from rota_solver.rota import DatedSession
from rota_solver.term.items import fixed_occupancy
from tests.factories import rule, tiny_school

TZ = ZoneInfo("Asia/Shanghai")


def test_a_helper_duty_keeps_the_helpers_own_class_busy() -> None:
    # Regression: a make-up for class 1-2 was placed while 1-2's helpers staffed 1-1's session.
    scenario = tiny_school(
        helper_groups=[{"id": "h12", "class_id": "1-2", "windows": ["lunch"]}],
        rules=[rule(staffing={"librarian": 1, "helper": 1})],
    )
    day = dt.date(2026, 9, 8)
    session = DatedSession(
        id="reading.1-1.w1.1",
        date=day,
        start=dt.datetime.combine(day, dt.time(11, 30), TZ),
        end=dt.datetime.combine(day, dt.time(11, 50), TZ),
        follows="tue",
        teaching_week=1,
        week_label="",
        window_id="lunch",
        rule_id="reading",
        kind="reading",
        room_id="library",
        class_id="1-1",
        staff_ids=["h12", "lib"],
    )
    fixed = fixed_occupancy([session], scenario)
    assert fixed.class_times[("1-1", day)] == [(690, 710)]
    assert fixed.class_times[("1-2", day)] == [(690, 710)]
    assert fixed.duties[("h12", day)] == {(690, 710, "library")}
