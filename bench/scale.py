"""Benchmark: the scale curve from one school to a district, with the hand-made and FET baselines.

Run: ``python -m bench.scale [--sizes 12 24 48 72 120 240] [--time-limit 300] [--write]``.
Each size is a synthetic school (``bench.synthetic``, seed 0, China) measured in its own
child process, so that peak memory (the child's ``ru_maxrss``) belongs to that size alone:

* weekly-model build time, variables and constraints;
* time to the first feasible weekly table (the first solution callback), to a table within 1% of
  the bound, and to the proven optimum, or the gap to the bound when the time limit ends the search;
* the term stage (make-ups, returns, activities, stocktake on the dates) and the whole solve;
* the verifier's verdict on the whole-term rota;
* from 120 classes, the whole solve again with a short limit per stage (``--quick-limit``): how
  soon a complete, verified rota is there;
* the greedy first-fit baseline (``bench.baselines.greedy``) on the same weekly problem;
* FET (``fet-cl``) on the same weekly problem (``bench.baselines.fet``), when it is installed.

Then a district: N schools solved one after the other, total time. ``--write`` writes
``docs/benchmarks.json``, ``docs/benchmarks.md`` (via ``bench.report``) and
``docs/solve_time.png`` (needs the ``bench`` extra, matplotlib).
``--smoke`` runs the smallest size only with short limits (what CI runs); it writes nothing
unless ``--write`` is given too. One worker and seed 0 throughout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.baselines.fet import fet_available, fet_version, run_fet
from bench.baselines.greedy import _penalties, greedy_rota
from bench.report import baseline_table, render, scale_table
from bench.synthetic import synthetic_district, synthetic_school
from rota_solver.errors import NoRotaExists, NoSolutionInTime
from rota_solver.model.builder import build_model
from rota_solver.progress import Progress
from rota_solver.solve import SolveOptions, solve
from rota_solver.verify import verify

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SIZES = [12, 24, 48, 72, 120, 240]
QUICK_FROM = 120
"""Schools this large are also solved with the short ``--quick-limit``."""


def measure(
    classes: int, seed: int, time_limit: float, fet_limit: float, quick_limit: float = 0.0
) -> dict[str, Any]:
    """Every figure of one size (run in a child process)."""
    scenario = synthetic_school(classes, seed=seed)
    row: dict[str, Any] = {"classes": classes, "seed": seed}
    started = time.perf_counter()
    built = build_model(scenario)
    row["build"] = time.perf_counter() - started
    proto = built.rm.model.proto
    row["variables"], row["constraints"] = len(proto.variables), len(proto.constraints)
    del built

    table: list[tuple[float, float, float]] = []
    """(seconds since the solve started, objective, bound) of each better weekly table."""
    started = time.perf_counter()

    def progress(p: Progress) -> None:
        if p.stage == "weekly_pattern" and p.objective is not None and p.bound is not None:
            table.append((time.perf_counter() - started, p.objective, p.bound))

    try:
        rota = solve(scenario, SolveOptions(time_limit_seconds=time_limit, workers=1, seed=0), progress)
    except (NoRotaExists, NoSolutionInTime) as exc:
        row["error"] = type(exc).__name__
        rota = None
    row["total"] = time.perf_counter() - started
    row["first_feasible"] = table[0][0] if table else None
    if table:
        bound = max(b for _, _, b in table)
        row["within_1pct"] = next((t for t, o, _ in table if o <= 1.01 * bound), None)
    if quick_limit and rota is not None:
        # The same school with a short limit per stage: how soon a whole verified rota is there.
        quick_started = time.perf_counter()
        quick = solve(scenario, SolveOptions(time_limit_seconds=quick_limit, workers=1, seed=0))
        row["quick"] = {
            "limit": quick_limit,
            "seconds": time.perf_counter() - quick_started,
            "objective": quick.report.stages[0].objective,
            "bound": quick.report.stages[0].best_bound,
            "term_status": quick.report.stages[1].status,
            "hidden_violations": sum(1 for v in verify(scenario, quick) if not v.listed_unmet),
        }
    if rota is not None:
        weekly, term = rota.report.stages
        row.update(
            weekly_status=weekly.status,
            weekly_seconds=weekly.seconds,
            objective=weekly.objective,
            bound=weekly.best_bound,
            gap=(weekly.objective - weekly.best_bound) / max(1, weekly.objective),
            term_status=term.status,
            term_seconds=term.seconds,
            term_objective=term.objective,
            whole_term=rota.report.objective,
            whole_term_bound=rota.report.whole_term_bound,
            whole_term_gap=rota.report.whole_term_gap,
            unmet=len(rota.unmet),
            sessions=len(rota.sessions),
            makeups=sum(1 for s in rota.sessions if s.origin == "makeup"),
            activities=len(rota.activities),
            pattern=len(rota.pattern),
        )
        violations = verify(scenario, rota)
        row["hidden_violations"] = sum(1 for v in violations if not v.listed_unmet)
        row["listed_unmet_violations"] = sum(1 for v in violations if v.listed_unmet)
    greedy = greedy_rota(scenario)
    row["greedy"] = {
        "required": greedy.required,
        "placed": greedy.placed,
        "penalty": greedy.penalty,
        "seconds": greedy.seconds,
    }
    fet = run_fet(scenario, fet_limit)
    fet_row: dict[str, Any] = {
        "status": fet.status,
        "required": fet.required,
        "placed": fet.placed,
        "seconds": fet.seconds,
    }
    if fet.cells:
        units = _penalties(scenario, fet.cells, {}, [])
        weights = scenario.weights
        fet_row["penalty"] = (
            weights.preferred_day * units["PreferredDays"]
            + weights.preferred_window * units["PreferredWindows"]
        )
    row["fet"] = fet_row
    row["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def measure_district(schools: int, seed: int, time_limit: float) -> dict[str, Any]:
    district = synthetic_district(schools, seed=seed)
    started = time.perf_counter()
    proven = verified = 0
    for scenario in district:
        rota = solve(scenario, SolveOptions(time_limit_seconds=time_limit, workers=1, seed=0))
        proven += rota.report.stages[0].status == "optimal"
        verified += all(v.listed_unmet for v in verify(scenario, rota))
    return {
        "schools": schools,
        "classes": sum(len(s.classes) for s in district),
        "sizes": sorted(len(s.classes) for s in district),
        "seconds": time.perf_counter() - started,
        "weekly_proven": proven,
        "verified": verified,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def in_child(args: list[str]) -> dict[str, Any]:
    """Run this module with ``args`` in a fresh interpreter and read its one JSON line."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.scale", *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def machine() -> dict[str, str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "ortools": version("ortools"),
        "fet": fet_version() or "not installed",
        "date": dt.date.today().isoformat(),
    }


def plot(rows: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ok = [r for r in rows if "error" not in r]
    xs = [r["classes"] for r in ok]
    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    ax.plot(xs, [r["first_feasible"] or 0 for r in ok], "o-", label="weekly: first feasible")
    ax.plot(xs, [r["weekly_seconds"] for r in ok], "s-", label="weekly: proven optimum or time limit")
    ax.plot(xs, [r["term_seconds"] for r in ok], "^-", label="term stage")
    ax.plot(xs, [r["total"] for r in ok], "d-", label="whole solve")
    fet = [(r["classes"], r["fet"]["seconds"]) for r in rows if r["fet"]["status"] not in ("not installed",)]
    if fet:
        ax.plot([x for x, _ in fet], [y for _, y in fet], "x--", label="FET (weekly relaxation)")
    ax.set_xlabel("classes")
    ax.set_ylabel("seconds (log scale)")
    ax.set_yscale("log")
    ax.set_title("Library rota: solve time against school size (1 thread)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--time-limit", type=float, default=300.0, help="per solver stage")
    parser.add_argument("--fet-time-limit", type=float, default=120.0)
    parser.add_argument(
        "--quick-limit",
        type=float,
        default=15.0,
        help="schools of 120 classes and more are solved again with this limit per stage (0: not)",
    )
    parser.add_argument("--district", type=int, default=10, help="schools in the district (0: none)")
    parser.add_argument("--district-time-limit", type=float, default=60.0)
    parser.add_argument("--smoke", action="store_true", help="smallest size, short limits, no district")
    parser.add_argument(
        "--write", action="store_true", help="write docs/benchmarks.md and docs/solve_time.png"
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child-district", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        quick = args.quick_limit if args.child >= QUICK_FROM else 0.0
        print(json.dumps(measure(args.child, args.seed, args.time_limit, args.fet_time_limit, quick)))
        return
    if args.child_district is not None:
        print(json.dumps(measure_district(args.child_district, args.seed, args.district_time_limit)))
        return
    if args.smoke:
        args.sizes, args.time_limit, args.fet_time_limit, args.district = [min(args.sizes)], 20.0, 10.0, 0
    info = machine()
    print(
        f"{info['cpu']}, {info['cores']} cores, {info['memory']}; python {info['python']}, "
        f"ortools {info['ortools']}, FET {info['fet']}",
        flush=True,
    )
    rows = []
    for size in args.sizes:
        row = in_child(
            [
                f"--child={size}",
                f"--seed={args.seed}",
                f"--time-limit={args.time_limit}",
                f"--fet-time-limit={args.fet_time_limit}",
                f"--quick-limit={args.quick_limit}",
            ]
        )
        rows.append(row)
        print(scale_table([row])[-1], flush=True)
        print(baseline_table([row])[-1], flush=True)
        if args.smoke and (row.get("hidden_violations", 1) != 0 or "error" in row):
            raise SystemExit(f"smoke run failed: {row}")
    district = None
    if args.district:
        district = in_child(
            [
                f"--child-district={args.district}",
                f"--seed={args.seed}",
                f"--district-time-limit={args.district_time_limit}",
            ]
        )
        print(json.dumps(district), flush=True)
    if args.write:
        DOCS.mkdir(exist_ok=True)
        (DOCS / "benchmarks.json").write_text(
            json.dumps({"machine": info, "rows": rows, "district": district, "args": vars(args)}, indent=1)
            + "\n"
        )
        plot(rows, DOCS / "solve_time.png")
        render()
        print("wrote docs/benchmarks.json, docs/benchmarks.md and docs/solve_time.png")
    if fet_available() is False:
        print("FET not installed: the FET columns say so (apt-get install fet).")


if __name__ == "__main__":
    main()
