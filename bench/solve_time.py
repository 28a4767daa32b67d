"""Benchmark: model build and solve time for every scenario in scenarios/.

Run: ``python -m bench.solve_time [--repeat N]``. Prints one row per scenario with the median
over N runs (1 worker, seed 0): model build, CP-SAT solve, whole solve() call (calendar, build,
solve, dated expansion), status, objective and model size.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from importlib.metadata import version
from pathlib import Path

from rota_solver.loading import load_scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("names", nargs="*", help="scenario names (default: all)")
    args = parser.parse_args()
    names = args.names or sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    print(
        f"python {platform.python_version()}, ortools {version('ortools')}, {platform.machine()}, "
        f"1 worker, median of {args.repeat}"
    )
    print(
        f"{'scenario':<20} {'classes':>7} {'build s':>8} {'solve s':>8} {'total s':>8} "
        f"{'status':>8} {'penalty':>7} {'vars':>6} {'cons':>6} {'sessions':>8}"
    )
    for name in names:
        scenario = load_scenario(SCENARIOS / f"{name}.yaml")
        builds, solves, totals = [], [], []
        rota = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            rota = solve(scenario, SolveOptions(time_limit_seconds=60, workers=1, seed=0))
            totals.append(time.perf_counter() - started)
            builds.append(rota.report.build_seconds)
            solves.append(rota.report.solve_seconds)
        assert rota is not None
        problems = verify(scenario, rota)
        status = rota.report.status if not problems else "VERIFIER"
        print(
            f"{name:<20} {len(scenario.classes):>7} {statistics.median(builds):>8.3f} "
            f"{statistics.median(solves):>8.3f} {statistics.median(totals):>8.3f} {status:>8} "
            f"{rota.report.objective:>7} {rota.report.variables:>6} {rota.report.constraints:>6} "
            f"{len(rota.sessions):>8}"
        )


if __name__ == "__main__":
    main()
