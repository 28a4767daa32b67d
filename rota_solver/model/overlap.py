"""Which intervals run at the same moment: the cliques that capacity constraints are stated on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")


def at_each_moment(items: Sequence[tuple[Hashable, int, int, T, int]]) -> list[list[tuple[T, int]]]:
    """Groups of (term, weight) whose intervals all run at one moment of one day.

    ``items`` are (day, start, end, term, weight). Intervals overlap at some moment iff they
    overlap at one's start, so one group per distinct (day, start) suffices; groups inside another
    are dropped. The group at one start holds an interval starting there, so it is never inside
    an earlier group; and it is inside a later one only if it is inside the next (intervals run
    without a break), which is when none of it has ended by the next start.
    """
    by_day: dict[Hashable, list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        by_day[item[0]].append(i)
    kept: list[list[tuple[T, int]]] = []
    for members in by_day.values():
        starts = sorted({items[i][1] for i in members})
        for k, moment in enumerate(starts):
            running = [i for i in members if items[i][1] <= moment < items[i][2]]
            if not running or (k + 1 < len(starts) and min(items[i][2] for i in running) > starts[k + 1]):
                continue
            kept.append([(items[i][3], items[i][4]) for i in running])
    return kept
