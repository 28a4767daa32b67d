"""Benchmark: model build and solve time for every scenario in scenarios/.

Run: ``python -m bench.solve_time [--repeat N]``. Prints one row per scenario with the median
over N runs (1 worker, seed 0): weekly-model build, weekly stage (build + solve), term stage
(dated make-ups, returns, activities, stocktake: build + solve), the whole solve() call, the
status of each stage, the total penalty, make-ups, activities placed and unmet requirements.
"""

from __future__ import annotations

import statistics
import time

from bench.common import SCENARIOS, scenario_args, versions_line
from rota_solver.loading import load_scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify


def main() -> None:
    names, repeat = scenario_args(__doc__)
    print(versions_line(repeat))
    print(
        f"{'scenario':<20} {'classes':>7} {'build s':>8} {'weekly s':>8} {'term s':>7} {'total s':>8} "
        f"{'weekly':>8} {'term':>8} {'penalty':>7} {'sessions':>8} {'make-ups':>8} {'events':>6} {'unmet':>5}"
    )
    for name in names:
        scenario = load_scenario(SCENARIOS / f"{name}.yaml")
        builds, weeklies, terms, totals = [], [], [], []
        rota = None
        for _ in range(repeat):
            started = time.perf_counter()
            rota = solve(scenario, SolveOptions(time_limit_seconds=60, workers=1, seed=0))
            totals.append(time.perf_counter() - started)
            builds.append(rota.report.build_seconds)
            weeklies.append(rota.report.stages[0].seconds)
            terms.append(rota.report.stages[1].seconds)
        assert rota is not None
        problems = verify(scenario, rota)
        weekly, term = (st.status if not problems else "VERIFIER" for st in rota.report.stages)
        makeups = sum(1 for x in rota.sessions if x.origin == "makeup")
        print(
            f"{name:<20} {len(scenario.classes):>7} {statistics.median(builds):>8.3f} "
            f"{statistics.median(weeklies):>8.3f} {statistics.median(terms):>7.3f} "
            f"{statistics.median(totals):>8.3f} {weekly:>8} {term:>8} {rota.report.objective:>7} "
            f"{len(rota.sessions):>8} {makeups:>8} {len(rota.activities):>6} {len(rota.unmet):>5}"
        )


if __name__ == "__main__":
    main()
