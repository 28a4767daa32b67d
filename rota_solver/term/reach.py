"""A rerun's dated stage on the part of the term its change can reach, with a proof that holding the
rest as published loses nothing.

The dated model's items each have an *owner*: the class, for a make-up, a returns session or an
activity of one class; the item itself otherwise (an activity of several classes, a stocktake shift).
A :class:`Reach` names the owners a change can reach, ``S``; the rest, ``R``, is held as the layer
(the published rota) has it. Two models are solved:

* the *held* model: the full model with each item of ``R`` offered only its published spot (a make-up
  of ``R``'s classes only a published make-up's), every rule and every price in place. Its rotas
  are rotas of the full model, so its optimum is an upper bound;
* the *bound* model: the items of ``S`` alone, the table sessions that may give way to them or
  belong to ``S``'s classes, the gap limits of ``S``'s classes only, the change units of all these,
  and no rule that ties them to an item of ``R`` (a room, a person, a class shared with one; a
  session giving way to one). Every rule it keeps holds in the full model, so any rota of the full
  model, cut down to these, is one of its rotas.

An item that may displace a session of ``S``'s classes (an all-day event, an orientation) is in
``S`` too (:func:`coupled`). The objective counts unmet requirements first, then changes, then wishes
(each weight above the sum of all below it, every unit 0 or 1), and each unit belongs to an item, a
class's published make-ups or a table session. Take any rota ``x`` of the full model: its unmet and
changes are those the bound model prices plus the rest (``R``'s items', its classes' gaps and
published make-ups, and the table sessions only ``R``'s items may displace); the first part is a
rota of the bound model, so it has at least the bound model's (unmet, changes), and the rest at
least (0, 0). When the held model's optimum has exactly the bound model's (unmet, changes), no rota
of the full model has fewer; one with as few has the rest at (0, 0): nothing of ``R`` unmet or
changed, every item of ``R`` at its published spot with its published people and its classes'
make-ups as published, which makes it a rota of the held model (whose table sessions are as free as
the full model's), with no fewer wishes than its optimum. The held model's optimum is then the full
model's.

When the two differ (``R`` holds a room or a person ``S`` needs, something of ``R`` is unmet or had
to change, a session is held in one rota and not in the other), those owners of ``R`` join the
reach and both are solved again (at most ``REACH_ROUNDS`` times); after that the full model runs as
before. When the time runs out first, the held model's rota is the answer, not proven.

The first round solves the bound model first and compares its rota with the layer's
(:func:`in_the_way_as_published`): when more classes outside the reach stand in its way than the
reach has, the reach takes them in at once, without a held model of the first reach. Which reach the
rounds end at changes only how long they take; the proof above holds for any reach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from ortools.sat.python import cp_model

from ..rota import DatedSession, LostSession
from ..scenario import Scenario
from ..term_calendar import TermCalendar
from .items import Item, Spot
from .model import ChangePrices, TermModel
from .plan import SpotKeep, TermInputs

REACH_ROUNDS = 3
"""Times the reach may grow to take in what stood in its way before the full model runs instead."""
REACH_SHARE = 0.5
"""A reach of this share of the classes or more is widened to the whole school: the held model is
then the full model (no bound needed), where two models nearly as large would take longer (the demo
school's closed room reaches 16 of its 24 classes: 0.8 s on its reach, 0.3 s on the full model; in
the generated schools of 120 and 240 classes it reaches 41-42%, and takes a third of the time)."""


@dataclass(frozen=True)
class Reach:
    """The owners a rerun's change can reach: classes (with all their items) and items of their own."""

    classes: frozenset[str]
    items: frozenset[str]

    def holds(self, item: Item) -> bool:
        """Whether the item is inside (free to change), not held as published."""
        owner = owner_class(item)
        return item.key in self.items or (owner is not None and owner in self.classes)

    def add(self, classes: set[str] | frozenset[str], items: set[str] | frozenset[str]) -> Reach:
        return Reach(self.classes | classes, self.items | items)

    def take(self, item: Item) -> Reach:
        """The reach with the item's owner in it."""
        owner = owner_class(item)
        return self.add({owner}, set()) if owner is not None else self.add(set(), {item.key})


def owner_class(item: Item) -> str | None:
    """The class that owns the item (a make-up, a returns session, an activity of that class alone),
    or ``None`` when the item is its own owner."""
    if item.kind in ("makeup", "returns"):
        return item.classes[0]
    if item.kind == "activity" and len(item.classes) == 1 and not item.teacher_groups:
        return item.classes[0]
    return None


class ReachLayer(Protocol):
    """What a layer (a rerun's published rota) tells the dated stage to solve only what its change
    reaches: see the module's docstring for why that is still the full model's optimum."""

    def reach(
        self, scenario: Scenario, calendar: TermCalendar, held: list[DatedSession], lost: list[LostSession]
    ) -> Reach | None:
        """The owners whose own sessions or losses the change altered, or that the layer left unmet;
        ``None``: the stage cannot be split (the full model runs)."""
        ...

    def kept_spots(self, reach: Reach) -> SpotKeep:
        """For each item outside ``reach``, the spots the layer holds it at."""
        ...

    def grow(self, reach: Reach, inputs: TermInputs) -> Reach:
        """``reach`` with every item outside it that cannot stay as the layer holds it (its spot or
        its people gone, or the layer has none for it)."""
        ...

    def changed_outside(self, tm: TermModel, solver: cp_model.CpSolver, reach: Reach) -> Reach:
        """``reach`` with the owners outside it whose published things the solution changes."""
        ...

    def within(self, reach: Reach) -> ChangePrices:
        """The layer's prices of the changes inside ``reach`` alone."""
        ...

    def published_uses(self, items: list[Item]) -> list[tuple[Item, Spot, frozenset[str]]]:
        """Each of the items at each spot the layer has it at, with who it had on duty there."""
        ...

    def published_sessions(self, sessions: list[DatedSession]) -> set[str]:
        """The ids of the table sessions the layer holds (the others gave way)."""
        ...


def coupled(inputs: TermInputs, reach: Reach) -> Reach:
    """``reach`` with every item that may displace a session of one of its classes (an all-day event
    on the class's day, the class's orientation): those sessions' fate is the item's."""
    classes = {s.id: s.class_id for s in inputs.held}
    keys = {key for sid, keys in inputs.displaceable.items() if classes[sid] in reach.classes for key in keys}
    out = reach
    for item in inputs.items:
        if item.key in keys and not out.holds(item):
            out = out.take(item)
    return out


def inside(inputs: TermInputs, reach: Reach) -> TermInputs:
    """The bound model's inputs: the items of ``reach``, the sessions of its classes that may give way
    (to an item of the reach or not: an item outside is simply not in the model), and every session
    an item of the reach may displace, whosever it is, with its price (see ``ReachLayer.within``)."""
    classes = {s.id: s.class_id for s in inputs.held}
    items = [item for item in inputs.items if reach.holds(item)]
    keys = {item.key for item in items}
    return TermInputs(
        held=inputs.held,
        lost=inputs.lost,
        displaceable={
            sid: its
            for sid, its in inputs.displaceable.items()
            if classes[sid] in reach.classes or keys.intersection(its)
        },
        items=items,
        stops=inputs.stops,
        gap_days=inputs.gap_days,
        settled_unmet=inputs.settled_unmet,
        finder=inputs.finder,
    )


@dataclass(frozen=True)
class _Use:
    """What a placed item takes: its time and everyone and everything it keeps busy."""

    date: dt.date
    start: int
    end: int
    all_day: bool
    takes: frozenset[str]
    """Classes, rooms, teacher groups and people taking part (``c:``, ``r:``, ``t:``, ``p:`` ids)."""
    on_duty: frozenset[str]


def _uses(tm: TermModel, solver: cp_model.CpSolver) -> list[tuple[Item, _Use]]:
    duty: dict[tuple[str, Spot], set[str]] = {}
    for (key, spot, person), var in tm.duty.items():
        if solver.boolean_value(var):
            duty.setdefault((key, spot), set()).add(person)
    out = []
    for (key, spot), var in tm.place.items():
        if solver.boolean_value(var):
            item = tm.item(key)
            out.append((item, _use(item, spot, frozenset(duty.get((key, spot), set())))))
    return out


def _use(item: Item, spot: Spot, on_duty: frozenset[str]) -> _Use:
    takes = {f"c:{c}" for c in item.classes} | {f"t:{t}" for t in item.teacher_groups}
    takes |= {f"p:{p}" for p in (*item.staff, *item.helper_groups)}
    if item.room is not None:
        takes.add(f"r:{item.room}")
    return _Use(spot.date, spot.start, spot.end, item.all_day, frozenset(takes), on_duty)


def in_the_way(
    held: TermModel,
    held_solver: cp_model.CpSolver,
    bound: TermModel,
    bound_solver: cp_model.CpSolver,
    reach: Reach,
) -> Reach:
    """``reach`` with the owners outside it that stand in the way of the bound model's rota: an item
    held on a date where the bound's rota, where it differs from the held one, uses one of its
    classes, rooms or people (at the same time,
    or at all that day for someone on duty in both, whose daily cap they share; any time of an all-day
    event's day), and whatever the held model leaves unmet outside the reach."""
    held_sessions = {sid for sid, var in held.held.items() if held_solver.boolean_value(var)}
    out = _standing_in_the_way(_uses(held, held_solver), held_sessions, held.item, bound, bound_solver, reach)
    for key, var in held.unplaced.items():
        item = held.item(key)
        if not reach.holds(item) and held_solver.boolean_value(var):
            out = out.take(item)
    gaps = {c for c, _, _, _, slack, _ in held.gap_slack if held_solver.boolean_value(slack)}
    return out.add(gaps - reach.classes, set())


def in_the_way_as_published(
    layer: ReachLayer,
    inputs: TermInputs,
    bound: TermModel,
    bound_solver: cp_model.CpSolver,
    reach: Reach,
) -> Reach:
    """:func:`in_the_way` with the layer's rota in place of the held model's: what stands in the way
    of the bound model's rota as published. (The held model keeps everything outside the reach as
    published, so when this grows the reach, that model's rota would have grown it too.)"""
    uses = [(item, _use(item, spot, people)) for item, spot, people in layer.published_uses(inputs.items)]
    by_key = {item.key: item for item in inputs.items}
    held_sessions = layer.published_sessions(inputs.held)
    return _standing_in_the_way(uses, held_sessions, by_key.__getitem__, bound, bound_solver, reach)


def _standing_in_the_way(
    held_uses: list[tuple[Item, _Use]],
    held_sessions: set[str],
    item_of: Callable[[str], Item],
    bound: TermModel,
    bound_solver: cp_model.CpSolver,
    reach: Reach,
) -> Reach:
    """``reach`` with the owners outside it whose items (``held_uses``) stand in the way of the bound
    model's rota, and the classes of the sessions it holds otherwise than ``held_sessions``."""
    scenario = bound.scenario
    capped = {m.id for m in scenario.staff if m.max_sessions_per_day is not None}
    capped |= {g.id for g in scenario.helper_groups if g.max_sessions_per_day is not None}
    as_held = {(item.key, use) for item, use in held_uses}
    wanted: dict[dt.date, list[_Use]] = {}
    for item, use in _uses(bound, bound_solver):
        if (item.key, use) not in as_held:  # where the held rota has it too, nothing was in its way
            wanted.setdefault(use.date, []).append(use)
    out = reach
    sessions = {s.id: s for s in bound.inputs.held}
    for sid, var in bound.held.items():
        if bound_solver.boolean_value(var) == (sid in held_sessions):
            continue
        # A session held in one rota and not in the other: its class (whose make-ups and gaps that
        # decides), and the items it may give way to.
        out = out.add({sessions[sid].class_id}, set())
        for key in bound.inputs.displaceable[sid]:
            if not bound.has_item(key):
                out = out.take(item_of(key))
    for item, use in held_uses:
        if reach.holds(item):
            continue
        for other in wanted.get(use.date, []):
            together = use.all_day or other.all_day or (use.start < other.end and other.start < use.end)
            busy = use.takes | {f"p:{p}" for p in use.on_duty}
            busy_other = other.takes | {f"p:{p}" for p in other.on_duty}
            if (together and busy & busy_other) or use.on_duty & other.on_duty & capped:
                out = out.take(item)
                break
    return out
