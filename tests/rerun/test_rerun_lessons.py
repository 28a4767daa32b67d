"""A rerun checks the past as the rota's own rule saw it: a published session held in a lesson the
library may take is no clash with the past (issue 20 item 1 with reruns)."""

from __future__ import annotations

import datetime as dt

from rota_solver import RerunRequest, SolveRequest, run
from tests.model.helpers import OPTIONS
from tests.model.test_lessons_taken import school


def test_a_session_held_in_a_takeable_lesson_is_no_clash_with_the_past() -> None:
    scenario = school(class_take=["Reading"])
    first = run(SolveRequest(scenario, OPTIONS))
    assert first.rota is not None and first.kind in ("solved", "solved_with_unmet")
    in_lessons = [s for s in first.rota.sessions if s.follows == "thu"]
    assert in_lessons, "the class comes in its Thursday reading lesson"
    today = min(s.date for s in in_lessons) + dt.timedelta(days=1)
    again = run(RerunRequest(scenario, first.rota, today=today, options=OPTIONS))
    assert again.kind in ("solved", "solved_with_unmet"), again.message
    assert again.diff is not None and again.diff.counts() == {
        "moved": 0,
        "changed": 0,
        "cancelled": 0,
        "added": 0,
    }
