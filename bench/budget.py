"""Benchmark: does a run end within its time limit? The generated 240-class school through the
application service (the path `rota solve` and the service's jobs take), at several limits.

Run: ``python -m bench.budget [--classes 240] [--limits 10 30 60]``. Prints, per limit: the wall
time of the whole run and how far past the limit it ended (the limit counts from before the
scenario's text is read, as in a service job; the verifier is included), the outcome, the stages
the limit cut short, the penalty and bound, and what each stage proves. The target: every run ends
within its limit plus 2 s.
"""

from __future__ import annotations

import argparse
import time

import yaml

from bench.common import versions_line
from bench.synthetic import synthetic_school
from rota_solver import RunControl, SolveOptions, SolveRequest, parse_scenario, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--classes", type=int, default=240)
    parser.add_argument("--limits", type=float, nargs="+", default=[10.0, 30.0, 60.0])
    args = parser.parse_args()
    print(versions_line(1))
    scenario = synthetic_school(args.classes)
    print(f"generated school of {len(scenario.classes)} classes")
    text = yaml.safe_dump(scenario.model_dump(mode="json", exclude_none=True), allow_unicode=True)
    print(
        f"{'limit s':>7} {'wall s':>7} {'over s':>7} {'outcome':<18} {'cut short':<28} "
        f"{'penalty':>8} {'bound':>6}"
    )
    proofs = []
    for limit in args.limits:
        started = time.monotonic()
        # As a service job: the limit counts from before the scenario's text is read.
        control = RunControl(limit)
        school = parse_scenario(text)
        options = SolveOptions(time_limit_seconds=limit, workers=1, seed=0)
        outcome = run(SolveRequest(school, options), control)
        wall = time.monotonic() - started
        report = outcome.rota.report if outcome.rota is not None else None
        penalty = f"{report.objective}" if report else "-"
        bound = f"{report.best_bound}" if report else "-"
        cut = ",".join(outcome.cut_short) or "-"
        print(
            f"{limit:>7g} {wall:>7.1f} {wall - limit:>+7.1f} {outcome.kind:<18} {cut:<28} "
            f"{penalty:>8} {bound:>6}"
        )
        if report is not None:
            stages = "; ".join(f"{s.name} {s.status} ({s.seconds:.1f} s)" for s in report.stages)
            proofs.append(f"  L={limit:g}: {stages}")
    print("what each stage proves:")
    print("\n".join(proofs))


if __name__ == "__main__":
    main()
