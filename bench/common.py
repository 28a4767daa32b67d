"""What the scenario benchmarks share: where the scenarios are, the usual arguments, the versions line."""

from __future__ import annotations

import argparse
import platform
from importlib.metadata import version
from pathlib import Path

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def scenario_args(description: str | None) -> tuple[list[str], int]:
    """Parse ``[--repeat N] [names...]``: the scenario names (default: every file in scenarios/) and N."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("names", nargs="*", help="scenario names (default: all)")
    args = parser.parse_args()
    return args.names or sorted(p.stem for p in SCENARIOS.glob("*.yaml")), args.repeat


def versions_line(repeat: int, package: str = "ortools") -> str:
    """Python, the measured package's version, the machine, and how the figure is taken."""
    return (
        f"python {platform.python_version()}, {package} {version(package)}, {platform.machine()}, "
        f"1 worker, median of {repeat}"
    )
