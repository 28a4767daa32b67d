"""Benchmark: what the infeasibility explainer costs a school that has a rota.

Run: ``python -m bench.explain_overhead [--repeat N] [names]``. For every scenario in scenarios/,
the median over N runs (1 worker, seed 0, the solver settings of ``solve``) of:

* ``plain``: the weekly stage as ``solve()`` runs it (build the model, solve to optimum): the only
  path a feasible school takes; the explainer is built only after an INFEASIBLE status;
* ``no hooks``: the same with ``RotaModel.group`` (the hard rules' group naming) replaced by a bare
  null context, to show what the naming costs when it records nothing;
* ``guarded``: the weekly model built with a literal per requirement group on every constraint,
  all assumed true (``add_assumptions``), with the objective: what the ordinary solve would cost if
  it carried the literals;
* the whole ``solve()`` call, for scale.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator

from ortools.sat.python import cp_model

from bench.common import SCENARIOS, scenario_args, versions_line
from rota_solver.explain.groups import build_guarded
from rota_solver.loading import load_scenario
from rota_solver.model.builder import build_model
from rota_solver.model.soft_rules import SOFT_RULES
from rota_solver.model.variables import RotaModel
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve
from rota_solver.solver_options import cp_solver

OPTIONS = SolveOptions(time_limit_seconds=60, workers=1, seed=0)


def plain(scenario: Scenario) -> tuple[float, int]:
    started = time.perf_counter()
    built = build_model(scenario)
    solver = cp_solver(OPTIONS)
    status = solver.solve(built.rm.model)
    assert status == cp_model.OPTIMAL
    return time.perf_counter() - started, round(solver.objective_value)


def no_hooks(scenario: Scenario) -> tuple[float, int]:
    original = RotaModel.group

    @contextlib.contextmanager
    def bare(self: RotaModel, kind: str, *subject: str) -> Iterator[None]:
        yield

    RotaModel.group = bare  # type: ignore[method-assign]
    try:
        return plain(scenario)
    finally:
        RotaModel.group = original  # type: ignore[method-assign]


def guarded(scenario: Scenario) -> tuple[float, int]:
    started = time.perf_counter()
    model = build_guarded(scenario)
    rm = model.rm
    penalties = [soft_rule(rm) for soft_rule in SOFT_RULES]
    rm.model.minimize(sum(p.weight * expr for p in penalties for expr, _ in p.units if p.weight))
    rm.model.add_assumptions(list(model.literals.values()))
    solver = cp_solver(OPTIONS)
    status = solver.solve(rm.model)
    assert status == cp_model.OPTIMAL
    return time.perf_counter() - started, round(solver.objective_value)


def whole(scenario: Scenario) -> tuple[float, int]:
    started = time.perf_counter()
    rota = solve(scenario, OPTIONS)
    return time.perf_counter() - started, rota.report.objective


def medians(
    runs: list[Callable[[Scenario], tuple[float, int]]], scenario: Scenario, repeat: int
) -> list[tuple[float, int]]:
    """Median seconds and the objective of each run; the runs take turns, so that a slow spell of
    a shared machine does not land on one of them only."""
    results: list[list[tuple[float, int]]] = [[] for _ in runs]
    for _ in range(repeat):
        for i, run in enumerate(runs):
            results[i].append(run(scenario))
    out = []
    for found in results:
        assert len({objective for _, objective in found}) == 1
        out.append((statistics.median(seconds for seconds, _ in found), found[0][1]))
    return out


def main() -> None:
    names, repeat = scenario_args(__doc__)
    print(versions_line(repeat) + "; weekly stage = build + solve to optimum")
    print(
        f"{'scenario':<20} {'groups':>6} {'plain s':>8} {'no hooks s':>10} {'guarded s':>9} "
        f"{'guarded/plain':>13} {'solve() s':>9}"
    )
    for name in names:
        scenario = load_scenario(SCENARIOS / f"{name}.yaml")
        groups = len(build_guarded(scenario).literals)
        runs = medians([plain, no_hooks, guarded, whole], scenario, repeat)
        (base, objective), (bare, bare_objective), (with_literals, guarded_objective), (total, _) = runs
        assert objective == bare_objective == guarded_objective
        print(
            f"{name:<20} {groups:>6} {base:>8.3f} {bare:>10.3f} {with_literals:>9.3f} "
            f"{with_literals / base:>12.2f}x {total:>9.3f}"
        )


if __name__ == "__main__":
    main()
