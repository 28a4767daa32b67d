"""Laying the weekly table over the dates: a staff member's day off touches only the duties that
need staff (issue 14 item 1)."""

from __future__ import annotations

import datetime as dt

from rota_solver import SolveRequest, run
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions
from tests.factories import rule, tiny_school

OPTIONS = SolveOptions(time_limit_seconds=10, workers=1, seed=0)
WEEK_1 = [dt.date(2026, 9, 7) + dt.timedelta(days=n) for n in range(5)]


def _school(*, colleague: bool) -> Scenario:
    away = [d.isoformat() for d in WEEK_1]
    staff = [{"id": "lib", "name": "Ms Lee", "role": "librarian", "days_off": away}]
    if colleague:
        staff.append({"id": "ng", "name": "Mr Ng", "role": "librarian"})
    return tiny_school(
        staff=staff,
        rules=[
            rule(),
            # Quiet reading in the afternoon: a teacher brings the class, no library staff needed.
            rule(id="quiet", frequency={"per_week": 2}, windows=["afternoon"], staffing={}),
        ],
    )


def test_a_day_off_leaves_the_rules_that_need_no_staff_alone() -> None:
    outcome = run(SolveRequest(_school(colleague=False), OPTIONS))

    assert outcome.kind == "solved", outcome.violations
    assert outcome.rota is not None
    quiet = [s for s in outcome.rota.sessions if s.rule_id == "quiet" and s.date in WEEK_1]
    assert len(quiet) == 4  # two classes, twice a week: every one held while Ms Lee is away
    assert all(s.staff_ids == [] for s in quiet)
    lost = [x for x in outcome.rota.lost if x.date in WEEK_1]
    assert lost and {(x.rule_id, x.cause) for x in lost} == {("reading", "staff_away")}


def test_a_duty_whose_person_is_away_goes_to_a_free_colleague() -> None:
    outcome = run(SolveRequest(_school(colleague=True), OPTIONS))

    assert outcome.kind == "solved", outcome.violations
    assert outcome.rota is not None
    assert not outcome.rota.lost
    reading = [s for s in outcome.rota.sessions if s.rule_id == "reading" and s.date in WEEK_1]
    assert len(reading) == 2 and all(s.staff_ids == ["ng"] for s in reading)
    quiet = [s for s in outcome.rota.sessions if s.rule_id == "quiet" and s.date in WEEK_1]
    assert len(quiet) == 4
