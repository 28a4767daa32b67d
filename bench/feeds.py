"""Benchmark: building and writing the calendar feeds of a solved scenario.

Run: ``python -m bench.feeds [--repeat N] [names...]`` (default: the demo school, 5 runs). Solves
each scenario once (1 worker, seed 0), then prints the median over N runs of: building the
whole-library feed alone, building and writing it, building every feed, and ``write_feeds``
(every feed and the index page), with the events and bytes of each.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from calendars import build_feeds, write_feeds
from calendars.feeds import build_feed
from rota_solver.loading import load_scenario
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario
from rota_solver.solve import SolveOptions, solve

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def median_seconds(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


Row = tuple[str, int, int, int, float, float]


def measure(scenario: Scenario, rota: Rota, repeat: int, out: Path) -> list[Row]:
    """(what, feeds, events, bytes, build seconds, build-and-write seconds) for the library feed
    alone and for every feed."""
    library = build_feed(scenario, rota, "library")
    feeds = build_feeds(scenario, rota)

    def build_library() -> None:
        build_feed(scenario, rota, "library")

    def build_and_write_library() -> None:
        (out / "library.ics").write_bytes(build_feed(scenario, rota, "library").ics)

    def build_all() -> None:
        build_feeds(scenario, rota)

    def write_all() -> None:
        write_feeds(scenario, rota, out)

    return [
        (
            "whole-library feed",
            1,
            library.events,
            len(library.ics),
            median_seconds(repeat, build_library),
            median_seconds(repeat, build_and_write_library),
        ),
        (
            "all feeds + index.html",
            len(feeds),
            sum(f.events for f in feeds),
            sum(len(f.ics) for f in feeds),
            median_seconds(repeat, build_all),
            median_seconds(repeat, write_all),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("names", nargs="*", help="scenario names (default: demo_school)")
    args = parser.parse_args()
    names = args.names or ["demo_school"]
    print(
        f"python {platform.python_version()}, icalendar {version('icalendar')}, {platform.machine()}, "
        f"median of {args.repeat}"
    )
    header = ("scenario", "what", "feeds", "events", "bytes", "build s", "+write s")
    print("{:<20} {:<24} {:>5} {:>7} {:>9} {:>8} {:>8}".format(*header))
    for name in names:
        scenario = load_scenario(SCENARIOS / f"{name}.yaml")
        rota = solve(scenario, SolveOptions(time_limit_seconds=60, workers=1, seed=0))
        with tempfile.TemporaryDirectory() as tmp:
            rows = measure(scenario, rota, args.repeat, Path(tmp))
        for what, count, events, size, build, write in rows:
            print(f"{name:<20} {what:<24} {count:>5} {events:>7} {size:>9} {build:>8.3f} {write:>8.3f}")


if __name__ == "__main__":
    main()
