"""Benchmark: rerun time for a scenario after a one-class timetable change, and what a plain
re-solve would have moved on the same change.

Run: ``python -m bench.rerun [--repeat N] [--scenario demo_school | --classes 120] [--today 2026-11-02]``. The
change: the first class's first weekly-table cell becomes a PE lesson from the freeze date on
(two school days after ``--today``). Prints the median rerun time (1 worker, seed 0) with its two
stages, the changes it makes, and the changes a plain re-solve of the changed scenario makes to
the published sessions after the freeze. Also a librarian away for a week and a room closed for
two weeks (the demo school has one librarian: her week away loses sessions, so some gaps are
unmet, rerun or not). Every rota is checked by the independent verifier.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.synthetic import synthetic_school
from rota_solver.loading import load_scenario
from rota_solver.rerun import RerunResult, freeze_date, rerun
from rota_solver.rerun.diff import carry_over
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
OPTIONS = SolveOptions(time_limit_seconds=60, workers=1, seed=0)

Change = Callable[[dict[str, Any], Rota, dt.date], dict[str, Any]]


def pe_on_a_class_slot(data: dict[str, Any], published: Rota, freeze: dt.date) -> dict[str, Any]:
    """The first class's first table cell becomes a PE lesson from the freeze date on."""
    first = data["classes"][0]["id"]
    cell = next(p for p in published.pattern if p.class_id == first)
    lesson = {
        "day": cell.weekday,
        "start": cell.start.isoformat(),
        "end": cell.end.isoformat(),
        "what": "PE",
        "since": freeze.isoformat(),
    }
    for c in data["classes"]:
        if c["id"] == first:
            c["busy"] = [*c.get("busy", []), lesson]
    return data


def librarian_away_a_week(data: dict[str, Any], published: Rota, freeze: dt.date) -> dict[str, Any]:
    """The first staff member is away the week after the freeze."""
    monday = freeze + dt.timedelta(days=7 - freeze.weekday())
    days = [(monday + dt.timedelta(days=n)).isoformat() for n in range(5)]
    data["staff"][0]["days_off"] = sorted({*data["staff"][0].get("days_off", []), *days})
    return data


def room_closed_two_weeks(data: dict[str, Any], published: Rota, freeze: dt.date) -> dict[str, Any]:
    """The first room is closed for two weeks from the Monday after the freeze."""
    monday = freeze + dt.timedelta(days=7 - freeze.weekday())
    closure = {
        "name": "repairs",
        "start": monday.isoformat(),
        "end": (monday + dt.timedelta(days=11)).isoformat(),
    }
    data["rooms"][0]["closed"] = [*data["rooms"][0].get("closed", []), closure]
    return data


CHANGES: dict[str, Change] = {
    "one class's slot taken by PE": pe_on_a_class_slot,
    "librarian away a week": librarian_away_a_week,
    "room closed two weeks": room_closed_two_weeks,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scenario", default="demo_school")
    parser.add_argument(
        "--classes", type=int, help="a generated school of this many classes instead of --scenario"
    )
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 2))
    args = parser.parse_args()
    if args.classes:
        scenario = synthetic_school(args.classes, seed=0)
        args.scenario = f"synthetic_school({args.classes})"
    else:
        scenario = load_scenario(SCENARIOS / f"{args.scenario}.yaml")
    published = solve(scenario, OPTIONS)
    # A generated school may list unmet requirements (gaps no make-up can close): only those.
    assert all(v.listed_unmet for v in verify(scenario, published)), "the published rota fails the verifier"
    freeze = freeze_date(build_term_calendar(scenario), args.today)
    print(
        f"python {platform.python_version()}, ortools {version('ortools')}, {platform.machine()}, "
        f"1 worker, median of {args.repeat}; {args.scenario}, {len(scenario.classes)} classes, "
        f"today {args.today}, freeze {freeze}; {len(published.sessions)} published sessions, "
        f"{sum(1 for s in published.sessions if s.date >= freeze)} after the freeze"
    )
    print(
        f"{'change':<30} {'rerun s':>8} {'weekly s':>8} {'term s':>7} {'status':>8} {'changes':>8} "
        f"{'unmet':>6} {'plain s':>8} {'plain changes':>13} {'plain unmet':>11}"
    )
    for name, change in CHANGES.items():
        changed = Scenario.model_validate(change(scenario.model_dump(mode="json"), published, freeze))
        times, weeklies, terms = [], [], []
        result: RerunResult | None = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = rerun(changed, published, today=args.today, options=OPTIONS)
            times.append(time.perf_counter() - started)
            weeklies.append(result.rota.report.stages[0].seconds)
            terms.append(result.rota.report.stages[1].seconds)
        assert result is not None
        # Unmet requirements are listed in the rota (and reported by the verifier as such); anything
        # else the verifier finds is a bug.
        hidden = [v for v in verify(changed, result.rota) if not v.listed_unmet]
        status = result.rota.report.status if not hidden else "VERIFIER"
        started = time.perf_counter()
        plain = solve(changed, OPTIONS)
        plain_seconds = time.perf_counter() - started
        # What a plain re-solve does to the published sessions after the freeze date.
        _, plain_diff = carry_over(published, plain, freeze)
        plain_changes = sum(1 for c in plain_diff.changes if c.first_date >= freeze)
        print(
            f"{name:<30} {statistics.median(times):>8.3f} {statistics.median(weeklies):>8.3f} "
            f"{statistics.median(terms):>7.3f} {status:>8} {len(result.diff.changes):>8} "
            f"{len(result.rota.unmet):>6} {plain_seconds:>8.3f} {plain_changes:>13} {len(plain.unmet):>11}"
        )


if __name__ == "__main__":
    main()
