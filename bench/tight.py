"""Tight schools: a synthetic school whose weekly demand fills 90-93 % of the usable room-slots.

:func:`tight_school` starts from :func:`bench.synthetic.synthetic_school_data` (same classes, class
timetables, staff, helpers, activities, A/B fortnight) and, rule by rule, sizes the room
(``classes_at_once``) and keeps only some of the rule's slots, so that the sessions a rotation cycle
needs are :data:`LOW`-:data:`HIGH` of the places the rule's slots offer:

    usable room-slots = sum over rules of classes_at_once x (rule slots people can staff) x cycle weeks

(each generated rule has a room of its own, so no room-slot is counted twice). The slots kept are
spread over the weekdays; the dropped ones are drawn with the seed. A rule keeps its slots through
windows of its own (``<rule>.<window>.<day>``: one per original window and weekday, with the periods
or the time range kept), and its window preference is carried over to its own windows of the
preferred ones. Helper groups may work in the new windows that come from the ones they worked in.
Librarians: 4 (the most the generator has) from 96 classes, where three reading rooms open at once.
Same arguments, same scenario.
"""

from __future__ import annotations

import itertools
import random
from collections import defaultdict
from typing import Any

from bench.synthetic import DAYS, PERIODS, synthetic_school_data
from rota_solver.scenario import Scenario
from rota_solver.slots import rule_slots

LOW, HIGH = 0.90, 0.93
RULE_LOW, RULE_HIGH = 0.85, 0.96
"""Each rule's own share, when the whole school's cannot be met rule by rule (small schools)."""
TARGET = (LOW + HIGH) / 2


def tight_school(classes: int, seed: int = 0) -> Scenario:
    """A validated tight school of ``classes`` classes (deterministic for a seed)."""
    return Scenario.model_validate(tight_school_data(classes, seed))


def _sessions_per_cycle(scenario: Scenario, rule_id: str) -> int:
    rule = next(r for r in scenario.rules if r.id == rule_id)
    n = len(scenario.rule_classes(rule))
    per_cycle = scenario.cycle_weeks // rule.frequency.weeks
    return n * rule.frequency.sessions * per_cycle


def demand_ratio(scenario: Scenario) -> tuple[int, int]:
    """(sessions a rotation cycle needs, usable room-slots of the cycle) over the weekly rules."""
    demand = usable = 0
    for rule in scenario.rules:
        room = next(r for r in scenario.rooms if r.id == rule.room)
        demand += _sessions_per_cycle(scenario, rule.id)
        usable += room.classes_at_once * len(rule_slots(scenario, rule)) * scenario.cycle_weeks
    return demand, usable


def _choose(needs: list[tuple[int, int]], cycle: int) -> list[tuple[int, int]]:
    """For each rule's (sessions a cycle, slots it has): (classes at once, slots kept a week), so that
    the whole school's demand is LOW-HIGH of its places and each rule as near TARGET as can be (each
    between RULE_LOW and RULE_HIGH)."""
    options = []
    for demand, available in needs:
        mine = [
            (at_once, slots, at_once * slots * cycle)
            for at_once in range(1, 7)
            for slots in range(1, available + 1)
            if RULE_LOW <= demand / (at_once * slots * cycle) <= RULE_HIGH
        ]
        if not mine:
            raise ValueError(f"no room size and slot count fits {demand} sessions in {available} slots")
        options.append(mine)
    total = sum(d for d, _ in needs)
    best: tuple[float, list[tuple[int, int]]] | None = None
    for combo in itertools.product(*options):
        places = sum(p for _, _, p in combo)
        if not LOW <= total / places <= HIGH:
            continue
        miss = sum(abs(d / p - TARGET) for (d, _), (_, _, p) in zip(needs, combo, strict=True))
        # Fewest classes at once on a tie: the tighter room.
        miss += 1e-6 * sum(a for a, _, _ in combo)
        if best is None or miss < best[0]:
            best = (miss, [(a, s) for a, s, _ in combo])
    if best is None:
        raise ValueError(f"no room sizes and slot counts give {LOW:.0%}-{HIGH:.0%} for {total} sessions")
    return best[1]


def tight_school_data(classes: int, seed: int = 0) -> dict[str, Any]:
    """The scenario of :func:`tight_school` as plain data."""
    librarians = 4 if classes >= 96 else None
    data = synthetic_school_data(classes, seed, librarians=librarians)
    base = Scenario.model_validate(data)
    rng = random.Random(f"tight:{classes}:{seed}")
    cycle = base.cycle_weeks
    period_times = {p: (a, b) for p, a, b in PERIODS}
    windows = {w["id"]: w for w in data["windows"]}
    rooms = {r["id"]: r for r in data["rooms"]}
    derived: dict[str, list[str]] = defaultdict(list)
    """Original window id -> the rules' own windows cut from it."""
    slots_of = {r.id: rule_slots(base, r) for r in base.rules}
    sizes = _choose([(_sessions_per_cycle(base, r.id), len(slots_of[r.id])) for r in base.rules], cycle)
    for rule, (at_once, keep) in zip(data["rules"], sizes, strict=True):
        slots = slots_of[rule["id"]]
        room = rooms[rule["room"]]
        room["classes_at_once"] = at_once
        room["seats"] = at_once * 50
        # Drop slots spread over the days: each round takes one slot off the day with most left.
        by_day: dict[str, list[Any]] = {d: [s for s in slots if s.weekday == d] for d in DAYS}
        for _ in range(len(slots) - keep):
            most = max(len(v) for v in by_day.values())
            day = rng.choice([d for d in DAYS if len(by_day[d]) == most])
            by_day[day].pop(rng.randrange(len(by_day[day])))
        new_windows: list[str] = []
        for window_id in rule["windows"]:
            window = windows[window_id]
            for day in DAYS:
                kept = sorted(s for s in by_day[day] if s.window_id == window_id)
                if not kept:
                    continue
                new_id = f"{rule['id']}.{window_id}.{day}"
                new: dict[str, Any] = {"id": new_id, "name": f"{window.get('name', '')} {day}", "days": [day]}
                if window.get("periods") is not None:
                    starts = {s.start for s in kept}
                    new["periods"] = [p for p in window["periods"] if _minutes(period_times[p][0]) in starts]
                else:
                    # A time range cut into slots of the rule's length: keep the contiguous span
                    # from the first to the last kept slot, then no slot between is dropped.
                    kept = _contiguous(kept, by_day, day)
                    new["start"] = f"{kept[0].start // 60:02d}:{kept[0].start % 60:02d}"
                    new["end"] = f"{kept[-1].end // 60:02d}:{kept[-1].end % 60:02d}"
                data["windows"].append(new)
                new_windows.append(new_id)
                derived[window_id].append(new_id)
        preferred = rule.get("preferences", {}).get("windows")
        if preferred:
            rule["preferences"]["windows"] = [w for w in new_windows if w.split(".")[1] in preferred]
        rule["windows"] = new_windows
    for group in data["helper_groups"]:
        group["windows"] = group["windows"] + [w for o in group["windows"] for w in derived.get(o, [])]
    scenario = Scenario.model_validate(data)
    demand, usable = demand_ratio(scenario)
    assert LOW <= demand / usable <= HIGH, (demand, usable)
    return data


def _contiguous(kept: list[Any], by_day: dict[str, list[Any]], day: str) -> list[Any]:
    """Kept slots of one time-range window as one contiguous run from its first slot (same count)."""
    everyone = sorted(kept)
    count = len(everyone)
    first = everyone[0]
    length = first.end - first.start
    run = []
    start = first.start
    for _ in range(count):
        run.append(type(first)(first.weekday, start, start + length, first.window_id))
        start += length
    if run != everyone:
        # Keep the count of the day (the ratio) and move the dropped slots to the end of the range.
        others = [s for s in by_day[day] if s not in everyone]
        by_day[day] = others + run
    return run


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def describe(scenario: Scenario) -> str:
    demand, usable = demand_ratio(scenario)
    return f"{len(scenario.classes)} classes: {demand} sessions / {usable} room-slots = {demand / usable:.1%}"


if __name__ == "__main__":
    for size in (30, 36, 48, 72, 120):
        for s in range(3):
            print(f"seed {s}:", describe(tight_school(size, s)))
