"""Which intervals run at the same moment: the cliques that capacity constraints are stated on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def at_each_moment(items: Sequence[tuple[Hashable, int, int, T, int]]) -> list[list[tuple[T, int]]]:
    """Groups of (term, weight) whose intervals all run at one moment of one day.

    ``items`` are (day, start, end, term, weight). Intervals overlap at some moment iff they
    overlap at one's start, so one group per distinct (day, start) suffices; groups equal to or
    inside another are dropped.
    """
    by_day: dict[Hashable, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_day[item[0]].append(i)
    kept: list[list[tuple[T, int]]] = []
    for members in by_day.values():
        starts = sorted({items[i][1] for i in members})
        groups = [frozenset(i for i in members if items[i][1] <= t < items[i][2]) for t in starts]
        for g, running in enumerate(groups):
            covered = any(
                running < other or (running == other and h < g) for h, other in enumerate(groups) if h != g
            )
            if not covered:
                kept.append([(items[i][3], items[i][4]) for i in sorted(running)])
    return kept
