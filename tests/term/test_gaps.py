"""Gap limits count school time (issue 14 item 2, issue 20 item 2): a term's last wait ends at its
last school day, and a break's whole weeks add nothing to a class's wait."""

from __future__ import annotations

from typing import Any

from rota_solver import SolveRequest, run
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions
from rota_solver.term.plan import gap_days, rule_stops
from rota_solver.term_calendar import build_term_calendar
from tests.factories import rule, tiny_school
from tests.term.helpers import day

OPTIONS = SolveOptions(time_limit_seconds=20, workers=1, seed=0)
CLASSES = [{"id": f"1-{n}", "name": f"Class 1-{n}", "grade": 1, "size": 30} for n in range(1, 7)]


def school(term: dict[str, Any], **overrides: Any) -> Scenario:
    """Six classes reading once a week at lunch, one librarian: every class is served each week."""
    return tiny_school(term=term, classes=CLASSES, **overrides)


def test_a_term_ending_with_a_closure_has_no_gap_after_its_last_school_day() -> None:
    christmas = {"name": "Christmas", "start": "2026-12-21", "end": "2026-12-31"}
    with_closure = school({"start": "2026-11-02", "end": "2026-12-31", "closures": [christmas]})
    ending_before = school({"start": "2026-11-02", "end": "2026-12-18"})

    assert rule_stops(with_closure, build_term_calendar(with_closure)) == {"reading": day("2026-12-18")}
    for scenario in (with_closure, ending_before):
        outcome = run(SolveRequest(scenario, OPTIONS))
        assert outcome.kind == "solved", (outcome.rota.unmet if outcome.rota else None, outcome.violations)
        assert outcome.exit_code == 0


def test_a_two_week_break_inside_the_term_is_no_gap() -> None:
    christmas = {"name": "Christmas", "start": "2026-12-21", "end": "2027-01-01"}
    scenario = school({"start": "2026-11-02", "end": "2027-02-12", "closures": [christmas]})

    outcome = run(SolveRequest(scenario, OPTIONS))

    assert outcome.kind == "solved", (outcome.rota.unmet if outcome.rota else None, outcome.violations)
    assert outcome.rota is not None and not outcome.rota.unmet
    assert not [s for s in outcome.rota.sessions if s.origin == "makeup"]


def test_a_break_not_on_week_boundaries_and_a_tight_limit_still_serve_every_class() -> None:
    # Closed Wed 23 Dec - Tue 5 Jan, a limit of 10 days: each class's wait across the break
    # is at most its ordinary week plus the break's days beyond whole weeks.
    christmas = {"name": "Christmas", "start": "2026-12-23", "end": "2027-01-05"}
    scenario = school(
        {"start": "2026-11-02", "end": "2027-02-12", "closures": [christmas]}, rules=[rule(max_gap_days=10)]
    )

    outcome = run(SolveRequest(scenario, OPTIONS))

    assert outcome.kind == "solved", (outcome.rota.unmet if outcome.rota else None, outcome.violations)


def test_a_break_counts_only_its_days_beyond_whole_weeks() -> None:
    # Sat 19 Dec - Sun 3 Jan: 16 days with no school, of which the last 2 count.
    christmas = {"name": "Christmas", "start": "2026-12-21", "end": "2027-01-01"}
    scenario = school({"start": "2026-12-14", "end": "2027-01-08", "closures": [christmas]})
    counted = gap_days(scenario, build_term_calendar(scenario), day("2027-01-08"))
    assert [d for d in counted if day("2026-12-18") <= d <= day("2027-01-04")] == [
        day("2026-12-18"),
        day("2027-01-02"),
        day("2027-01-03"),
        day("2027-01-04"),
    ]
    # A one-day closure, or an ordinary weekend, counts in full.
    plain = school(
        {"start": "2026-09-07", "end": "2026-09-25", "closures": [{"name": "Sports", "start": "2026-09-16"}]}
    )
    assert len(gap_days(plain, build_term_calendar(plain), day("2026-09-25"))) == 19
