"""A recurring activity keeps its rhythm: every occurrence of an ``every_weeks: k`` activity (k of 2 or
more) on the same weekday and the same week of its k-week block, so occurrences fall k weeks apart
(issue 14 item 3). A wish, not a rule: when a holiday or a clash leaves an occurrence no such day,
it goes elsewhere in its block and the rota's ``ActivityRhythm`` penalty names it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model

from .items import Item, Spot

RHYTHM_TERM = "ActivityRhythm"
RHYTHM_PENALTY = 1
"""Per occurrence off its activity's rhythm: below a make-up, far below anything unmet."""
RHYTHM_DESCRIPTION = (
    "An occurrence of a recurring activity not on its rhythm (same weekday and week of its k-week block "
    "as the others, so k weeks apart): a holiday or clash left it no such day."
)

Units = list[tuple[cp_model.LinearExprT, str]]


def rhythm_units(
    model: cp_model.CpModel,
    items: list[Item],
    place: dict[tuple[str, Spot], cp_model.IntVar],
    teaching_week: dict[dt.date, int],
) -> Units:
    """One unit per occurrence placed off the rhythm its activity instance chooses (one phase: week
    of the block and weekday, for all its occurrences)."""
    instances: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in items:
        activity = item.activity
        if activity is None or (activity.when.every_weeks or 1) < 2 or not item.spots:
            continue
        suffix = item.key[len(f"{activity.id}.{item.occurrence}") :]
        instances[(activity.id, suffix)].append(item)
    units: Units = []
    for (activity_id, suffix), occurrences in instances.items():
        if len(occurrences) < 2:
            continue
        k = occurrences[0].activity.when.every_weeks or 1  # type: ignore[union-attr]

        def phase_of(spot: Spot, k: int = k) -> tuple[int, int]:
            return ((teaching_week[spot.date] - 1) % k, spot.date.weekday())

        phases = sorted({phase_of(spot) for item in occurrences for spot in item.spots})
        chosen = {p: model.new_bool_var(f"rhythm[{activity_id}{suffix},{p[0]},{p[1]}]") for p in phases}
        model.add_exactly_one(chosen.values())
        for item in occurrences:
            off = model.new_bool_var(f"off_rhythm[{item.key}]")
            for spot in item.spots:
                model.add(off >= place[(item.key, spot)] - chosen[phase_of(spot)])
            units.append((off, item.key))
    return units
