"""Benchmark: rerun time for a scenario after a change, and what a plain re-solve would have moved on
the same change.

Run: ``python -m bench.rerun [--repeat N] [--scenario demo_school | --classes 120] [--today 2026-11-02]
[--published rota.json] [--no-plain] [--full-dated] [--change NAME]``. The changes: the first class's
first weekly-table cell becomes a PE lesson from the freeze date on (two school days after
``--today``); the first staff member is away the week after; the first room is closed for two weeks;
and (``--change 'school closed a week'``, not run by default) no school for a week, which reaches every
class. For each it prints the median over ``--repeat`` reruns (1 worker, seed 0) of the wall time and
the process's CPU time, of its two stages (the weekly table and the dated stage), the changes it makes
and the unmet requirements, whether both stages are proven optimal (``proven``: no rota makes fewer
changes) and whether the dated stage was answered on the part of the term the change reaches
(``reach``) or by the full dated model (``full``); then the changes a plain re-solve of the changed
scenario makes to the published sessions after the freeze (``--no-plain`` leaves it out: at 240
classes a plain solve takes a minute). ``--published FILE`` reads the published rota from FILE, or
solves it and writes it there. ``--full-dated``: the dated stage always on the full model, as before
the reach (rota_solver.term.reach), to compare. Every rota is checked by the independent verifier.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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


def school_closed(data: dict[str, Any], published: Rota, freeze: dt.date, days: int = 7) -> dict[str, Any]:
    """No school for ``days`` days from the Monday after the freeze: every class loses its sessions."""
    monday = freeze + dt.timedelta(days=7 - freeze.weekday())
    closure = {
        "name": "closed",
        "start": monday.isoformat(),
        "end": (monday + dt.timedelta(days=days - 1)).isoformat(),
    }
    data["term"]["closures"] = [*data["term"].get("closures", []), closure]
    return data


CHANGES: dict[str, Change] = {
    "one class's slot taken by PE": pe_on_a_class_slot,
    "librarian away a week": librarian_away_a_week,
    "room closed two weeks": room_closed_two_weeks,
}
MORE_CHANGES: dict[str, Change] = {"school closed a week": school_closed}


@dataclass
class Runs:
    """One change's reruns: the figures of each."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    weekly: list[float] = field(default_factory=list)
    dated: list[float] = field(default_factory=list)
    reach: list[bool] = field(default_factory=list)

    def median(self, figures: list[float]) -> str:
        return f"{statistics.median(figures):.2f}"


def _recording_reach(runs: Runs) -> Callable[[], None]:
    """Record whether each rerun's dated stage was answered on its reach; returns the undo."""
    term = importlib.import_module("rota_solver.term")
    solve_in_reach = getattr(term, "_solve_in_reach", None)
    if solve_in_reach is None:  # a version without the reach
        return lambda: None

    def recorded(*args: Any, **kwargs: Any) -> Any:
        tried = solve_in_reach(*args, **kwargs)
        runs.reach.append(tried.solved is not None)
        return tried

    term._solve_in_reach = recorded  # type: ignore[attr-defined]
    return lambda: setattr(term, "_solve_in_reach", solve_in_reach)


def _full_dated() -> None:
    """The dated stage on the full model, as before the reach: the layer names no reach."""
    from rota_solver.rerun import keep

    if hasattr(keep.PublishedLayer, "reach"):
        keep.PublishedLayer.reach = lambda self, *args: None  # type: ignore[method-assign,assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scenario", default="demo_school")
    parser.add_argument(
        "--classes", type=int, help="a generated school of this many classes instead of --scenario"
    )
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date(2026, 11, 2))
    parser.add_argument("--published", type=Path, help="the published rota: read from, or solved into")
    parser.add_argument("--no-plain", action="store_true", help="no plain re-solve to compare")
    parser.add_argument("--full-dated", action="store_true", help="the dated stage on the full model")
    parser.add_argument(
        "--change", action="append", choices=[*CHANGES, *MORE_CHANGES], help="only these changes"
    )
    args = parser.parse_args()
    if args.classes:
        scenario = synthetic_school(args.classes, seed=0)
        args.scenario = f"synthetic_school({args.classes})"
    else:
        scenario = load_scenario(SCENARIOS / f"{args.scenario}.yaml")
    if args.published is not None and args.published.exists():
        published = Rota.model_validate_json(args.published.read_text())
    else:
        published = solve(scenario, OPTIONS)
        if args.published is not None:
            args.published.write_text(published.model_dump_json())
    # A generated school may list unmet requirements (gaps no make-up can close): only those.
    assert all(v.listed_unmet for v in verify(scenario, published)), "the published rota fails the verifier"
    if args.full_dated:
        _full_dated()
    freeze = freeze_date(build_term_calendar(scenario), args.today)
    print(
        f"python {platform.python_version()}, ortools {version('ortools')}, {platform.machine()}, "
        f"1 worker, median of {args.repeat}; {args.scenario}, {len(scenario.classes)} classes, "
        f"today {args.today}, freeze {freeze}; {len(published.sessions)} published sessions, "
        f"{sum(1 for s in published.sessions if s.date >= freeze)} after the freeze"
        + ("; dated stage on the full model" if args.full_dated else "")
    )
    print(
        f"{'change':<30} {'rerun s':>8} {'cpu s':>6} {'weekly s':>8} {'dated s':>7} {'proof':>8} "
        f"{'dated by':>8} {'changes':>8} {'unmet':>6} {'plain s':>8} {'plain changes':>13} "
        f"{'plain unmet':>11}"
    )
    chosen = {name: c for name, c in {**CHANGES, **MORE_CHANGES}.items() if name in (args.change or CHANGES)}
    for name, change in chosen.items():
        changed = Scenario.model_validate(change(scenario.model_dump(mode="json"), published, freeze))
        runs = Runs()
        undo = _recording_reach(runs)
        result: RerunResult | None = None
        for _ in range(args.repeat):
            started, cpu = time.perf_counter(), time.process_time()
            result = rerun(changed, published, today=args.today, options=OPTIONS)
            runs.wall.append(time.perf_counter() - started)
            runs.cpu.append(time.process_time() - cpu)
            runs.weekly.append(result.rota.report.stages[0].seconds)
            runs.dated.append(result.rota.report.stages[1].seconds)
        undo()
        assert result is not None
        # Unmet requirements are listed in the rota (and reported by the verifier as such); anything
        # else the verifier finds is a bug.
        hidden = [v for v in verify(changed, result.rota) if not v.listed_unmet]
        proof = "proven" if result.rota.report.status == "optimal" else "feasible"
        proof = "VERIFIER" if hidden else proof
        dated_by = "reach" if runs.reach and all(runs.reach) else "full" if runs.reach else "-"
        plain_figures = f"{'-':>8} {'-':>13} {'-':>11}"
        if not args.no_plain:
            started = time.perf_counter()
            plain = solve(changed, OPTIONS)
            plain_seconds = time.perf_counter() - started
            # What a plain re-solve does to the published sessions after the freeze date.
            _, plain_diff = carry_over(published, plain, freeze)
            plain_changes = sum(1 for c in plain_diff.changes if c.first_date >= freeze)
            plain_figures = f"{plain_seconds:>8.2f} {plain_changes:>13} {len(plain.unmet):>11}"
        print(
            f"{name:<30} {runs.median(runs.wall):>8} {runs.median(runs.cpu):>6} "
            f"{runs.median(runs.weekly):>8} {runs.median(runs.dated):>7} {proof:>8} {dated_by:>8} "
            f"{len(result.diff.changes):>8} {len(result.rota.unmet):>6} {plain_figures}"
        )


if __name__ == "__main__":
    main()
