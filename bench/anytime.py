"""Benchmark: anytime against FET on tight schools (issue 19).

Run: ``python -m bench.anytime [--classes 72 120] [--seeds 0 1 2] [--limits 0.1 1 2 5 10]
[--prove-limit 60] [--repeat 3] [--fet-scales 30 15]``.

Each instance is a tight school (:mod:`bench.tight`: A/B fortnight, weekly demand 90-93 % of the
usable room-slots). In one process, alternating, one thread each:

* FET (``fet-cl``) on the weekly problem with the soft wishes encoded
  (:func:`bench.baselines.fet.export_fet` with ``wishes=True``), once per wish-weight scale: its time
  to a full timetable (it stops at its first), and that table scored by OUR weekly objective
  (:func:`score_table`: our model of the table's cells alone, every cell held, people named by our
  hard rules; a table on which people cannot be named, or which breaks another of our hard rules, is
  reported as such and priced by the relaxation without people);
* ours (:func:`rota_solver.solve.solve`, ``workers=1``), a separate run per time limit (the split of
  the time between the stages depends on the limit): the time of its first weekly table (the first
  ``weekly_pattern`` progress event with an objective), the time the run returned a full rota and
  whether the verifier accepts it, and the penalty of its weekly table (the classes' wishes: the
  weekly terms without the staff step's ``BalancedStaffLoad``, which FET's table has no duties for);
* ours once more with ``--prove-limit``: whether the weekly stage proved its optimum, and the value.

The shortest limit (0.1 s) is below what a whole rota takes at these sizes: the run then returns
its rota of last resort (the first-fit table with people named, the term first-fitted around it),
finishing those steps past the deadline, so its time is the time to our first verified rota.

Figures are medians over ``--repeat`` rounds (the prove run: one round). Columns: FET s and FET pen
per scale; ours "1st table" and "verified" are from the run of the smallest limit that has one;
"pen@L" the weekly penalty of the run limited to L seconds ("-": no rota in the limit); "60 s" the
proven value (``*``: not proven); "unmet@L" the term's requirements the rota of that run lists
unmet (make-ups not placed, gaps over their limit: a run whose dated stage had no time lists every
one), "unmet" the prove run's. A run that proved the weekly optimum stands for the longer limits
of its round (the same deterministic search up to the proof), which are not run again.
Then one verdict line per target of the issue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

from ortools.sat.python import cp_model

from bench.baselines.fet import WISH_SCALE, fet_available, fet_version, run_fet
from bench.baselines.greedy import GreedyCell
from bench.tight import demand_ratio, tight_school
from rota_solver.errors import NoRotaExists, NoSolutionInTime
from rota_solver.model.builder import Table, build_model
from rota_solver.model.hard_rules import HARD_RULES, NAMING_RULES
from rota_solver.progress import Progress
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.slots import Slot, rule_slots
from rota_solver.solve import SolveOptions, solve
from rota_solver.term_calendar import build_term_calendar
from rota_solver.verify import verify
from rota_solver.weekly_stage import WEEKLY_STAGE

CLASSES = [72, 120]
SEEDS = [0, 1, 2]
LIMITS = [0.1, 1.0, 2.0, 5.0, 10.0]
PROVE_LIMIT = 60.0
STAFF_TERMS = {"BalancedStaffLoad"}
"""Weekly terms of the staff step (who is on duty), not of the table of classes: left out of the
table's penalty on both sides (FET names nobody)."""


# --- our weekly objective on a given table -------------------------------------------------


@dataclass
class TableScore:
    penalty: int | None
    """The table's penalty under our weekly objective (the classes' wishes), ``None`` if unpriceable."""
    staffed: bool
    """Our people can be named on it under every one of our hard rules (then the penalty is exact)."""
    broken: list[str] = field(default_factory=list)
    """Our hard rules the table breaks, other than naming people (the penalty is then the relaxation's)."""
    terms: dict[str, int] = field(default_factory=dict)
    """Cost of each term."""


def table_of(scenario: Scenario, cells: Sequence[GreedyCell]) -> Table:
    """The model's table (day sets and placements, by key) of a list of cells."""
    rules = {r.id: r for r in scenario.rules}
    order = {d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))}
    days: dict[tuple[str, str, int], set[str]] = defaultdict(set)
    for cell in cells:
        k = rules[cell.rule_id].frequency.weeks
        # A rule for every week has one day set for all weeks of the cycle: its first week's days.
        if k > 1 or cell.week == 0:
            days[(cell.class_id, cell.rule_id, cell.week % k)].add(cell.slot.weekday)
    day_sets = {
        (c, r, phase, tuple(sorted(chosen, key=order.__getitem__))): 1
        for (c, r, phase), chosen in days.items()
    }
    placements = {(c.class_id, c.rule_id, c.week, c.slot): 1 for c in cells}
    return Table(day_sets=day_sets, placements=placements, duties={}, assignments={})  # type: ignore[arg-type]


def _held_penalty(
    scenario: Scenario, table: Table, hard_rules: Sequence[Any], people: bool
) -> tuple[int | None, dict[str, int]]:
    """The table's penalty in our model of its cells alone, every cell held (None: infeasible)."""
    slots = {r.id: set(rule_slots(scenario, r)) for r in scenario.rules}
    outside = [k for k in table.placements if k[3] not in slots[k[1]]]
    if outside:
        raise ValueError(f"cells outside their rules' slots: {outside[:3]}")
    calendar = build_term_calendar(scenario)
    built = build_model(
        scenario,
        hard_rules,
        calendar=calendar,
        hint=False,
        people_are="named" if people else "left_out",
        only=table,
    )
    rm = built.rm
    for var in (*rm.placements.values(), *rm.day_sets.values()):
        rm.model.add(var == 1)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 60
    status = solver.solve(rm.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, {}
    terms = {}
    for penalty in built.penalties:
        if penalty.staff_step:
            continue
        terms[penalty.name] = penalty.weight * sum(int(solver.value(e)) for e, _ in penalty.units)
    return sum(terms.values()), terms


def score_table(scenario: Scenario, cells: Sequence[GreedyCell]) -> TableScore:
    """A weekly table (e.g. FET's) priced by our weekly objective, people named by our hard rules."""
    table = table_of(scenario, cells)
    penalty, terms = _held_penalty(scenario, table, HARD_RULES, people=True)
    if penalty is not None:
        return TableScore(penalty, True, [], terms)
    unnamed = [r for r in HARD_RULES if r not in NAMING_RULES]
    penalty, terms = _held_penalty(scenario, table, unnamed, people=False)
    broken: list[str] = []
    if penalty is None:
        broken = [r.__name__ for r in unnamed if _held_penalty(scenario, table, [r], False)[0] is None]
        penalty, terms = _held_penalty(scenario, table, [], people=False)
    return TableScore(penalty, False, broken, terms)


def cells_of(rota: Rota) -> list[GreedyCell]:
    """The cells of a rota's weekly table."""
    return [
        GreedyCell(
            p.class_id,
            p.rule_id,
            p.cycle_week,
            Slot(p.weekday, p.start.hour * 60 + p.start.minute, p.end.hour * 60 + p.end.minute, p.window_id),
        )
        for p in rota.pattern
    ]


def table_penalty(rota: Rota) -> int:
    """The penalty of a rota's weekly table as its own report gives it (the staff step left out)."""
    weekly = rota.report.stages[0]
    staff = sum(t.cost for t in rota.report.terms if t.name in STAFF_TERMS)
    return weekly.objective - staff


# --- one run of each ---------------------------------------------------------------------------


def run_ours(scenario: Scenario, limit: float, seed: int = 0) -> dict[str, Any]:
    started = time.perf_counter()
    tables: list[tuple[float, float]] = []

    def progress(p: Progress) -> None:
        if p.stage == WEEKLY_STAGE and p.objective is not None:
            tables.append((time.perf_counter() - started, p.objective))

    row: dict[str, Any] = {"limit": limit}
    try:
        rota = solve(scenario, SolveOptions(time_limit_seconds=limit, workers=1, seed=seed), progress)
    except (NoRotaExists, NoSolutionInTime) as exc:
        row.update(seconds=time.perf_counter() - started, error=type(exc).__name__)
        row["first_table"] = tables[0][0] if tables else None
        return row
    row["seconds"] = time.perf_counter() - started
    row["first_table"] = tables[0][0] if tables else None
    row["penalty"] = table_penalty(rota)
    weekly = rota.report.stages[0]
    row["proven"] = weekly.status == "optimal"
    row["bound"] = weekly.best_bound
    row["verified"] = all(v.listed_unmet for v in verify(scenario, rota))
    row["unmet"] = len(rota.unmet)
    return row


def run_fet_scored(scenario: Scenario, limit: float, scale: float) -> dict[str, Any]:
    result = run_fet(scenario, limit, wishes=True, wish_scale=scale)
    row: dict[str, Any] = {"scale": scale, "status": result.status, "seconds": result.seconds}
    if result.status == "solved":
        score = score_table(scenario, result.cells)
        row.update(penalty=score.penalty, staffed=score.staffed, broken=score.broken)
    return row


# --- the benchmark ----------------------------------------------------------------------------


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def measure(
    classes: int,
    seed: int,
    limits: list[float],
    prove_limit: float,
    repeat: int,
    scales: list[float],
    fet_limit: float,
) -> dict[str, Any]:
    scenario = tight_school(classes, seed)
    demand, usable = demand_ratio(scenario)
    fet_runs: dict[float, list[dict[str, Any]]] = defaultdict(list)
    our_runs: dict[float, list[dict[str, Any]]] = defaultdict(list)
    for _ in range(repeat):
        # Alternating in one process: FET, then ours, round after round.
        for scale in scales:
            fet_runs[scale].append(run_fet_scored(scenario, fet_limit, scale))
        proven: dict[str, Any] | None = None
        for limit in sorted(limits):
            # A run that proved the weekly optimum is what every longer limit gives too (the same
            # deterministic search up to the proof): not run again.
            run = dict(proven, limit=limit, copied=True) if proven else run_ours(scenario, limit)
            our_runs[limit].append(run)
            if run.get("proven") and run.get("verified"):
                proven = run
    prove = run_ours(scenario, prove_limit)
    row: dict[str, Any] = {"classes": classes, "seed": seed, "demand": demand, "usable": usable}
    row["fet"] = {}
    for scale, runs in fet_runs.items():
        solved = [r for r in runs if r["status"] == "solved"]
        row["fet"][scale] = {
            "seconds": _median([r["seconds"] for r in runs]),
            "solved": len(solved),
            "runs": len(runs),
            "penalty": _median([r["penalty"] for r in solved]),
            "staffed": all(r["staffed"] for r in solved) if solved else None,
            "broken": sorted({b for r in solved for b in r["broken"]}),
        }
    row["ours"] = {}
    for limit, runs in our_runs.items():
        ok = [r for r in runs if "error" not in r]
        row["ours"][limit] = {
            "seconds": _median([r["seconds"] for r in runs]),
            "first_table": _median([r["first_table"] for r in runs]),
            "penalty": _median([r.get("penalty") for r in ok]) if len(ok) * 2 > len(runs) else None,
            "unmet": _median([r.get("unmet") for r in ok]) if len(ok) * 2 > len(runs) else None,
            "rotas": len(ok),
            "verified": sum(1 for r in ok if r["verified"]),
            "runs": len(runs),
        }
    row["prove"] = prove
    return row


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def first_of(row: dict[str, Any], key: str) -> float | None:
    """The figure ``key`` of the run of the smallest limit that has one."""
    for limit in sorted(row["ours"]):
        ours = row["ours"][limit]
        if key == "verified":
            if ours["verified"] * 2 > ours["runs"]:
                return float(ours["seconds"])
        elif ours[key] is not None:
            return float(ours[key])
    return None


def print_table(rows: list[dict[str, Any]], limits: list[float], scales: list[float]) -> None:
    fet_head = " ".join(f"{'FET' + format(s, 'g') + ' s':>9} {'pen':>5}" for s in scales)
    pen_head = " ".join(f"{'pen@' + format(limit, 'g'):>7}" for limit in limits)
    unmet_head = " ".join(f"{'unmet@' + format(limit, 'g'):>8}" for limit in limits)
    print(
        f"{'classes':>7} {'seed':>4} {'demand':>6} {fet_head} {'1st table':>9} {'verified':>8} "
        f"{pen_head} {'60 s':>6} {unmet_head} {'unmet':>5}"
    )
    for row in rows:
        fet = " ".join(
            f"{_fmt(row['fet'][s]['seconds']):>9} {_fmt(row['fet'][s]['penalty'], 0):>5}" for s in scales
        )
        pens = " ".join(f"{_fmt(row['ours'][limit]['penalty'], 0):>7}" for limit in limits)
        unmet = " ".join(f"{_fmt(row['ours'][limit]['unmet'], 0):>8}" for limit in limits)
        prove = row["prove"]
        proven = "-" if "penalty" not in prove else f"{prove['penalty']}{'' if prove['proven'] else '*'}"
        print(
            f"{row['classes']:>7} {row['seed']:>4} {row['demand'] / row['usable']:>6.1%} {fet} "
            f"{_fmt(first_of(row, 'first_table')):>9} {_fmt(first_of(row, 'verified')):>8} {pens} "
            f"{proven:>6} {unmet} {prove.get('unmet', '-'):>5}"
        )
    notes = []
    for row in rows:
        for s in scales:
            fet = row["fet"][s]
            where = f"{row['classes']} classes seed {row['seed']}, FET scale {s:g}"
            if fet["solved"] < fet["runs"]:
                notes.append(f"{where}: FET placed everything in {fet['solved']} of {fet['runs']} runs")
            if fet["staffed"] is False:
                broken = ", ".join(fet["broken"]) or "none besides naming people"
                notes.append(f"{where}: our people cannot be named on FET's table (rules broken: {broken})")
        for limit, ours in row["ours"].items():
            if ours["rotas"] < ours["runs"] or ours["verified"] < ours["rotas"]:
                notes.append(
                    f"{row['classes']} classes seed {row['seed']}, ours at {limit:g} s: a rota in "
                    f"{ours['rotas']} of {ours['runs']} runs, verified {ours['verified']}"
                )
    for note in notes:
        print("  note:", note)


def verdicts(rows: list[dict[str, Any]], limits: list[float], scales: list[float]) -> list[str]:
    """One line per target of the issue: met or not, and where not."""
    late_table, late_rota, worse, unproven = [], [], [], []
    for row in rows:
        name = f"{row['classes']}/{row['seed']}"
        fet_fastest = min((row["fet"][s]["seconds"] for s in scales if row["fet"][s]["solved"]), default=None)
        fet_best = min(
            (row["fet"][s]["penalty"] for s in scales if row["fet"][s]["penalty"] is not None), default=None
        )
        table, rota = first_of(row, "first_table"), first_of(row, "verified")
        if fet_fastest is not None and (table is None or table > fet_fastest):
            late_table.append(f"{name} ({_fmt(table)} s vs {fet_fastest:.2f} s)")
        if fet_fastest is not None and (rota is None or rota > fet_fastest):
            late_rota.append(f"{name} ({_fmt(rota)} s vs {fet_fastest:.2f} s)")
        for limit in limits:
            ours = row["ours"][limit]["penalty"]
            if limit >= 1 and fet_best is not None and (ours is None or ours > fet_best):
                worse.append(f"{name}@{limit:g}s ({_fmt(ours, 0)} vs {fet_best:g})")
        if not row["prove"].get("proven"):
            unproven.append(name)

    def line(target: str, misses: list[str]) -> str:
        return f"{target}: {'MET' if not misses else 'NOT MET: ' + '; '.join(misses)}"

    return [
        line("first weekly table no later than FET's fastest", late_table),
        line("first full verified rota no later than FET's fastest", late_rota),
        line("weekly penalty no worse than FET's best at every limit from 1 s", worse),
        line("weekly optimum proven within the prove limit", unproven),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--classes", type=int, nargs="+", default=CLASSES)
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--limits", type=float, nargs="+", default=LIMITS, help="ours, seconds per run")
    parser.add_argument("--prove-limit", type=float, default=PROVE_LIMIT)
    parser.add_argument("--repeat", type=int, default=3, help="rounds of FET and the limited runs")
    parser.add_argument(
        "--fet-scales",
        type=float,
        nargs="+",
        default=[WISH_SCALE, 15.0],
        help="FET wish weights: 100 - scale / price %% (lower scale: heavier wishes)",
    )
    parser.add_argument(
        "--fet-time-limit", type=float, default=20.0, help="FET's time to a full timetable, at most"
    )
    args = parser.parse_args()
    if not fet_available():
        raise SystemExit("fet-cl is not installed: apt-get install fet (scripts/test.sh does)")
    print(
        f"python {platform.python_version()}, ortools {version('ortools')}, FET {fet_version()}, "
        f"{platform.machine()}, 1 thread each, {dt.date.today().isoformat()}; medians of {args.repeat}"
    )
    rows = []
    started = time.perf_counter()
    for classes in args.classes:
        for seed in args.seeds:
            rows.append(
                measure(
                    classes,
                    seed,
                    args.limits,
                    args.prove_limit,
                    args.repeat,
                    args.fet_scales,
                    args.fet_time_limit,
                )
            )
            print(
                f"  measured {classes} classes seed {seed} ({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    print_table(rows, args.limits, args.fet_scales)
    for verdict in verdicts(rows, args.limits, args.fet_scales):
        print(verdict)


if __name__ == "__main__":
    main()
