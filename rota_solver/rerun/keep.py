"""Keeping a published rota through a rerun: what the two solver stages are told.

Before the freeze date everything is as published. After it, every change to a published session
or activity costs more than all the stage's wishes together (so the solver moves a session only
when the new scenario leaves it no choice), and the published table is the solver's hint.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..model.builder import BuiltModel
from ..model.soft_rules import Penalty
from ..rota import ActivityEvent, DatedSession, LostSession, PatternSession, Rota, Unmet
from ..scenario import Scenario, minutes
from ..slots import Slot
from ..term.items import Item, Spot
from ..term_calendar import SchoolDay, TermCalendar

if TYPE_CHECKING:
    from ..term.model import TermModel

CHANGE_NAME = "ChangedSessions"
CHANGE_DESCRIPTION = "A published session or activity moved, given other staff, cancelled or added."

Units = list[tuple[cp_model.LinearExprT, str]]


def objective_upper_bound(model: cp_model.CpModel) -> int:
    """The most the model's objective could be: every positive term at its variable's top."""
    proto = model.proto
    total = int(proto.objective.offset)
    for index, coeff in zip(proto.objective.vars, proto.objective.coeffs, strict=True):
        domain = proto.variables[index].domain
        # The proto is C++-backed in OR-Tools 9.15: domain[-1] reads 0, not the last bound.
        total += coeff * (domain[len(domain) - 1] if coeff > 0 else domain[0])
    return total


def _cell_key(class_id: str, rule_id: str, week_label: str, follows: str, start: dt.time) -> tuple[str, ...]:
    return (class_id, rule_id, week_label, follows, start.isoformat())


@dataclass
class KeepPublished:
    """A published rota and the date before which it stands; hooks for both solve stages."""

    published: Rota
    freeze: dt.date
    carried_unmet: list[Unmet] = field(default_factory=list)

    # Weekly stage
    def weekly_scenario(self, scenario: Scenario) -> Scenario:
        """The scenario as the new table sees it: lessons that ended before the freeze are history."""
        classes = [
            c.model_copy(update={"busy": [b for b in c.busy if b.until is None or b.until >= self.freeze]})
            for c in scenario.classes
        ]
        return scenario.model_copy(update={"classes": classes})

    def future_occurrences(self) -> dict[tuple[str, ...], int]:
        """How many published sessions after the freeze each table cell still holds."""
        cells: dict[tuple[str, ...], int] = defaultdict(int)
        for s in self.published.sessions:
            if s.date >= self.freeze and s.origin == "pattern":
                cells[_cell_key(s.class_id, s.rule_id, s.week_label, s.follows, s.start.time())] += 1
        return dict(cells)

    def price_weekly_changes(self, built: BuiltModel) -> None:
        """Each published table cell and duty the new table drops costs its future sessions times a
        weight above every weekly wish together; the published table is the hint."""
        rm = built.rm
        weight = objective_upper_bound(rm.model) + 1
        cells = self.future_occurrences()
        published_cells = {(p.class_id, p.rule_id, p.cycle_week, _slot(p)): p for p in self.published.pattern}
        published_duties = {
            (person, p.rule_id, p.cycle_week, _slot(p))
            for p in self.published.pattern
            for person in p.staff_ids
        }
        units: Units = []
        for (class_id, rule_id, week, slot), cell in published_cells.items():
            n = cells.get(_cell_key(class_id, rule_id, cell.week_label, cell.weekday, cell.start), 0)
            if not n:
                continue  # nothing of it left after the freeze
            var = rm.placements.get((class_id, rule_id, week, slot))
            if var is None:
                units.append((n, class_id))  # the cell is gone from the new scenario: the move is forced
                continue
            units.append((n * (1 - var), class_id))
            for person in cell.staff_ids:
                # Kept in its cell, but without someone who was on duty there. (A moved session's
                # staff are part of its move, already priced.)
                on_duty = rm.assignments.get((person, rule_id, week, slot))
                other_staff = rm.model.new_bool_var(f"restaffed[{class_id},{rule_id},w{week},{person}]")
                rm.model.add(other_staff >= var - (on_duty if on_duty is not None else 0))
                units.append((n * other_staff, person))
        for key, var in rm.placements.items():
            rm.model.add_hint(var, key in published_cells)
        for key, var in rm.assignments.items():
            rm.model.add_hint(var, key in published_duties)
        built.penalties.append(Penalty(CHANGE_NAME, CHANGE_DESCRIPTION, weight, units))
        rm.model.minimize(sum(p.weight * expr for p in built.penalties for expr, _ in p.units if p.weight))

    # Between the stages
    def splice(
        self,
        scenario: Scenario,
        calendar: TermCalendar,
        sessions: list[DatedSession],
        lost: list[LostSession],
    ) -> tuple[list[DatedSession], list[LostSession]]:
        """Published sessions and losses before the freeze, the new table's after it; in the week the
        change takes effect, the new table's sessions only as far as that week still has room."""
        before = [s for s in self.published.sessions if s.date < self.freeze]
        lost_before = [x for x in self.published.lost if x.date < self.freeze]
        after = [s for s in sessions if s.date >= self.freeze]
        lost_after = [x for x in lost if x.date >= self.freeze]
        week = next((d.teaching_week for d in calendar.days if d.date >= self.freeze), None)
        if week is None:
            return before, lost_before
        after, extra_lost = self._changeover_week(
            scenario, calendar, week, before, lost_before, after, lost_after
        )
        return before + after, lost_before + lost_after + extra_lost

    def _changeover_week(
        self,
        scenario: Scenario,
        calendar: TermCalendar,
        week: int,
        before: list[DatedSession],
        lost_before: list[LostSession],
        after: list[DatedSession],
        lost_after: list[LostSession],
    ) -> tuple[list[DatedSession], list[LostSession]]:
        days: dict[dt.date, SchoolDay] = {d.date: d for d in calendar.days}
        in_week = {d for d, day in days.items() if day.teaching_week == week}
        rules = {r.id: r for r in scenario.rules}

        def pattern_dates(
            items: list[DatedSession], losses: list[LostSession]
        ) -> dict[tuple[str, str], list[tuple[dt.date, dt.time]]]:
            out: dict[tuple[str, str], list[tuple[dt.date, dt.time]]] = defaultdict(list)
            for s in items:
                if s.origin == "pattern" and s.date in in_week:
                    out[(s.class_id, s.rule_id)].append((s.date, s.start.time()))
            for x in losses:
                if x.date in in_week:
                    out[(x.class_id, x.rule_id)].append((x.date, x.start))
            return out

        spent = pattern_dates(before, lost_before)
        published_after = pattern_dates(
            [s for s in self.published.sessions if s.date >= self.freeze],
            [x for x in self.published.lost if x.date >= self.freeze],
        )
        new_after = pattern_dates(after, lost_after)
        dropped: set[int] = set()
        shortfall: list[LostSession] = []
        for pair in sorted(set(spent) | set(published_after) | set(new_after)):
            if sorted(new_after.get(pair, [])) == sorted(published_after.get(pair, [])):
                continue  # this class's week goes on as published
            target = len(spent.get(pair, [])) + len(published_after.get(pair, []))
            rule = rules.get(pair[1])
            if rule is None:
                continue
            held = [d for d, _ in spent.get(pair, []) if d not in days or not days[d].makeup]
            kept = len(spent.get(pair, []))
            candidates = sorted(
                (
                    s
                    for s in after
                    if s.origin == "pattern" and s.date in in_week and (s.class_id, s.rule_id) == pair
                ),
                key=lambda s: s.start,
            )
            losses = [x for x in lost_after if x.date in in_week and (x.class_id, x.rule_id) == pair]
            kept += len(losses)
            for s in candidates:
                far_enough = all(abs((s.date - d).days) >= rule.spacing.min_days_apart for d in held)
                if kept < target and (far_enough or days[s.date].makeup):
                    kept += 1
                    held.append(s.date)
                else:
                    dropped.add(id(s))
            # The old table's sessions of the week, not yet held and no longer there, are lost to the change.
            old_left = sorted(published_after.get(pair, []))
            for day, start in old_left[: max(0, target - kept)]:
                shortfall.append(
                    LostSession(
                        date=day,
                        rule_id=pair[1],
                        class_id=pair[0],
                        start=start,
                        reason=_CHANGE_REASON[scenario.school.locale],
                        cause="pattern_change",
                    )
                )
        return [s for s in after if id(s) not in dropped], shortfall

    # Term stage
    def fit_items(self, items: list[Item], held: list[DatedSession]) -> list[Item]:
        """Items already settled before the freeze leave the model (their published events stand);
        the rest may only take spots from the freeze on."""
        placed_before = {a.id for a in self.published.activities if a.date < self.freeze}
        returns_before = {
            (s.class_id, s.rule_id)
            for s in self.published.sessions
            if s.origin == "returns" and s.date < self.freeze
        }
        late = {s.id for s in held if s.date >= self.freeze}
        published_unmet = {u.subject: u for u in self.published.unmet}
        kept = []
        for item in items:
            if item.key in placed_before:
                continue
            if item.kind == "returns" and (item.classes[0], item.rule_id) in returns_before:
                continue
            spots = [s for s in item.spots if s.date >= self.freeze]
            if item.last_day is not None and item.last_day < self.freeze:
                # Its chance came and went before the freeze: it stays as the published rota left it.
                if item.key in published_unmet:
                    self.carried_unmet.append(published_unmet[item.key])
                continue
            item.spots = spots
            item.convertible = [sid for sid in item.convertible if sid in late]
            if item.kind == "makeup" and not spots:
                continue
            kept.append(item)
        return kept

    def fit_displaceable(
        self, displaceable: dict[str, list[str]], held: list[DatedSession]
    ) -> dict[str, list[str]]:
        late = {s.id for s in held if s.date >= self.freeze}
        return {sid: keys for sid, keys in displaceable.items() if sid in late}

    def published_spots(self) -> PublishedSpots:
        return PublishedSpots.of(self.published, self.freeze)

    def settled_activities(self) -> list[ActivityEvent]:
        return [a for a in self.published.activities if a.date < self.freeze]


_CHANGE_REASON = {
    "zh-CN": "重新排班：本周已按原安排上过课，新的安排本周没有空位",
    "en": "rerun: this week's sessions under the old table leave the new one no room",
}


def _slot(cell: PatternSession) -> Slot:
    return Slot(cell.weekday, minutes(cell.start), minutes(cell.end), cell.window_id)


@dataclass(frozen=True)
class PublishedSpots:
    """Where the published rota put each thing the term stage places, after the freeze."""

    events: dict[str, tuple[dt.date, int]]
    """Activity or shift id -> (date, start minute)."""
    makeups: dict[tuple[str, str], set[tuple[dt.date, int]]]
    """(class, rule) -> published make-up (date, start minute)."""
    returns: dict[tuple[str, str], tuple[dt.date, int]]
    sessions: set[tuple[str, str, dt.date, int]]
    """(class, rule, date, start minute) of every published session."""
    staff: dict[tuple[str, dt.date, int], frozenset[str]]
    """(activity id or class/rule, date, start minute) -> who was on duty."""

    @staticmethod
    def of(published: Rota, freeze: dt.date) -> PublishedSpots:
        def at(moment: dt.datetime) -> int:
            return moment.hour * 60 + moment.minute

        events = {
            a.id: (a.date, at(a.start) if a.start else 0) for a in published.activities if a.date >= freeze
        }
        staff = {
            (a.id, *events[a.id]): frozenset(a.staff_ids) for a in published.activities if a.id in events
        }
        makeups: dict[tuple[str, str], set[tuple[dt.date, int]]] = defaultdict(set)
        returns = {}
        sessions = set()
        for s in published.sessions:
            if s.date < freeze:
                continue
            sessions.add((s.class_id, s.rule_id, s.date, at(s.start)))
            staff[(f"{s.class_id}/{s.rule_id}", s.date, at(s.start))] = frozenset(s.staff_ids)
            if s.origin == "makeup":
                makeups[(s.class_id, s.rule_id)].add((s.date, at(s.start)))
            elif s.origin == "returns":
                returns[(s.class_id, s.rule_id)] = (s.date, at(s.start))
        return PublishedSpots(events, dict(makeups), returns, sessions, staff)

    def staff_at(self, item: Item, spot: Spot) -> frozenset[str]:
        """Who the published rota had on duty for the item, were it at ``spot``."""
        if item.kind in ("activity", "shift"):
            return self.staff.get((item.key, spot.date, spot.start), frozenset())
        return self.staff.get((f"{item.classes[0]}/{item.rule_id}", spot.date, spot.start), frozenset())

    def matches(self, item: Item, spot: Spot) -> bool:
        where = (spot.date, spot.start)
        if item.kind in ("activity", "shift"):
            return self.events.get(item.key) == where
        pair = (item.classes[0], item.rule_id or "")
        if item.kind == "makeup":
            return where in self.makeups.get(pair, set())
        return self.returns.get(pair) == where


def term_change_units(tm: TermModel, spots: PublishedSpots) -> Units:
    """One unit per published thing after the freeze that the term stage moves or drops, and per
    thing it adds: make-ups, returns, activities, shifts, and pattern sessions giving way. A change
    the new scenario forces (the published spot is gone) is the constant 1."""
    units: Units = []
    makeup_vars: dict[tuple[str, str, dt.date, int], list[cp_model.IntVar]] = defaultdict(list)
    held_at = {s.id: (s.date, s.start.hour * 60 + s.start.minute) for s in tm.inputs.held}
    for item in tm.inputs.items:
        placed = [(spot, tm.place[(item.key, spot)]) for spot in item.spots]
        if item.kind == "makeup":
            pair = (item.classes[0], item.rule_id or "")
            for spot, var in placed:
                if spots.matches(item, spot):
                    makeup_vars[(*pair, spot.date, spot.start)].append(var)
                else:
                    units.append((var, item.classes[0] if item.classes else item.key))
            continue
        choices: list[tuple[tuple[dt.date, int], cp_model.IntVar]] = [
            ((spot.date, spot.start), var) for spot, var in placed
        ]
        choices += [(held_at[sid], tm.convert[(item.key, sid)]) for sid in item.convertible]
        bearer = item.classes[0] if len(item.classes) == 1 else item.key
        published = _published_spot(item, spots)
        if published is None:
            units.append((cp_model.LinearExpr.sum([var for _, var in choices]), bearer))
        else:
            same = [var for where, var in choices if where == published]
            units.append((1 - cp_model.LinearExpr.sum(same) if same else 1, bearer))
    for (key, spot), var in tm.place.items():
        item = tm.item(key)
        if not spots.matches(item, spot):
            continue
        for person in sorted(spots.staff_at(item, spot)):
            on_duty = tm.duty.get((key, spot, person))
            # At its published spot with someone else on duty: a change for everyone concerned.
            units.append((var - on_duty if on_duty is not None else var, person))
    for (class_id, rule_id), wheres in spots.makeups.items():
        for day, start in sorted(wheres):
            kept = makeup_vars.get((class_id, rule_id, day, start), [])
            units.append((1 - cp_model.LinearExpr.sum(kept) if kept else 1, class_id))
    for s in tm.inputs.held:
        # A published session giving way is a cancellation. (A session the new table put elsewhere
        # was priced as a move by the weekly stage.)
        if s.id in tm.held and (s.class_id, s.rule_id, s.date, held_at[s.id][1]) in spots.sessions:
            units.append((1 - tm.held[s.id], s.class_id))
    return units


def _published_spot(item: Item, spots: PublishedSpots) -> tuple[dt.date, int] | None:
    if item.kind in ("activity", "shift"):
        return spots.events.get(item.key)
    return spots.returns.get((item.classes[0], item.rule_id or ""))
