"""Keeping a published rota through a rerun: the layer of fixed parts and prices it lays over the
two solver stages (their extension points: ``rota_solver.model.layer.WeeklyLayer`` and
``rota_solver.term.DatedLayer``).

Before the freeze date everything is as published. After it, every change to a published session
or activity costs more than all the stage's wishes together (so the solver moves a session only
when the new scenario leaves it no choice), and the published table is the solver's hint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ..control import RunControl
from ..cp_bulk import add_hints
from ..model.builder import BuiltModel
from ..model.soft_rules import Penalty
from ..model.variables import Cells
from ..rota import ActivityEvent, DatedSession, LostSession, PatternSession, Rota, Unmet
from ..scenario import Scenario, minutes
from ..slots import Slot, class_busy_at, rule_slots
from ..term.items import Item, Spot
from ..term.plan import SpotKeep, TermInputs, rule_stops
from ..term.reach import Reach
from ..term_calendar import SchoolDay, TermCalendar
from ..weekly_stage import WEEKLY_STAGE

if TYPE_CHECKING:
    from ..term.model import ChangePrices, TermModel

SETTLE_SECONDS = 10.0
"""At most this long for each of :meth:`PublishedLayer.settle_table`'s searches (0.05-0.35 s at 120
and 240 generated classes): what it finds only saves the search after it time."""

CHANGE_NAME = "ChangedSessions"
CHANGE_DESCRIPTION = "A published session or activity moved, given other staff, cancelled or added."
RESTAFFED_NAME = "ChangedDuties"
RESTAFFED_DESCRIPTION = "A published session kept in its place but with someone else on duty."

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


def _fewest_changes(
    held: Mapping[tuple[str, str, int, Slot], int],
    cells: Collection[tuple[str, str, int, Slot]],
    changes: Units,
    costs: CellCosts,
    forced: set[tuple[str, str, int, Slot]],
) -> int:
    """A lower bound on the published sessions any new table changes. Every table drops the cells
    gone from the model (their constant units) and the ``forced`` ones (their class is now busy
    there), and each class and rule has as many cells in every table as in ``held`` (one of them),
    so it takes at least that many minus the published cells it may keep that it did not have,
    each costing at least the cheapest such cell of its class and rule."""
    gone = sum(expr for expr, _ in changes if isinstance(expr, int))
    dropped = sum(costs.drop.get(key, 0) for key in forced)
    needed: dict[tuple[str, str], int] = defaultdict(int)
    for (class_id, rule_id, _, _), value in held.items():
        needed[(class_id, rule_id)] += value
    for class_id, rule_id, week, slot in cells:
        if (class_id, rule_id, week, slot) not in forced and (class_id, rule_id, week, slot) in held:
            needed[(class_id, rule_id)] -= 1
    cheapest: dict[tuple[str, str], int] = {}
    for (class_id, rule_id, _, _), cost in costs.new.items():
        pair = (class_id, rule_id)
        cheapest[pair] = min(cost, cheapest.get(pair, cost))
    added = sum(max(0, n) * cheapest.get(pair, 0) for pair, n in needed.items())
    return gone + dropped + added


@dataclass(frozen=True)
class CellCosts:
    """What each published cell costs to drop, and each other cell to add (sessions after the freeze)."""

    drop: dict[tuple[str, str, int, Slot], int]
    new: dict[tuple[str, str, int, Slot], int]


def _cell_key(class_id: str, rule_id: str, week_label: str, follows: str, start: dt.time) -> tuple[str, ...]:
    return (class_id, rule_id, week_label, follows, start.isoformat())


@dataclass(frozen=True)
class PublishedLayer:
    """A published rota and the date before which it stands, as a layer over both solve stages:
    what is settled stays out of the models, every change to the rest is priced."""

    published: Rota
    freeze: dt.date
    control: RunControl | None = None
    """The run's control, for the searches the layer makes itself (see :meth:`settle_table`)."""

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

    def _days_ahead(self, scenario: Scenario, calendar: TermCalendar) -> dict[tuple[str, int, str], int]:
        """(rule, cycle week, weekday) -> school days from the freeze to the rule's last day."""
        stops = rule_stops(scenario, calendar)
        out: dict[tuple[str, int, str], int] = defaultdict(int)
        for rule in scenario.rules:
            for day in calendar.days:
                if self.freeze <= day.date <= stops[rule.id]:
                    out[(rule.id, day.cycle_week, day.follows)] += 1
        return dict(out)

    def own_cells(self, scenario: Scenario) -> Cells | None:
        """The published table's cells and every cell of the classes a lesson now keeps from one of
        theirs, every day set: the model of these alone is the whole model's answer when
        :meth:`settle_table` settles it (the published table still holds, or moving only those
        classes is proven to make the fewest changes). ``None`` when a class or rule of the table
        is gone."""
        if not self.published.pattern:
            return None
        classes = {c.id: c for c in scenario.classes}
        rules = {r.id: r for r in scenario.rules}
        kept, moved = set(), set()
        for p in self.published.pattern:
            school_class, rule = classes.get(p.class_id), rules.get(p.rule_id)
            if school_class is None or rule is None:
                return None
            slot = _slot(p)
            if class_busy_at(scenario, school_class, slot, rule=rule, cycle_week=p.cycle_week):
                moved.add(p.class_id)
            kept.add((p.class_id, p.rule_id, p.cycle_week, slot))
        cells = {cell for cell in kept if cell[0] not in moved}
        for rule in scenario.rules:
            slots = rule_slots(scenario, rule)
            for school_class in scenario.rule_classes(rule):
                if school_class.id in moved:
                    cells |= {
                        (school_class.id, rule.id, week, slot)
                        for week in range(self.published.cycle_weeks)
                        for slot in slots
                    }
        return Cells(None, frozenset(cells))

    def price_weekly_changes(self, built: BuiltModel, calendar: TermCalendar) -> bool:
        """Each published table cell the new table drops, or keeps with other staff, costs its sessions
        after the freeze, and each new cell the sessions it adds, times a weight above every weekly
        wish together; the published table is the hint."""
        rm = built.rm
        weight = objective_upper_bound(rm.model) + 1  # the table's wishes (build_model's objective)
        built.minimize(staff_step=True)
        staff_weight = objective_upper_bound(rm.model) + 1
        cells = self.future_occurrences()
        published_cells = {(p.class_id, p.rule_id, p.cycle_week, _slot(p)): p for p in self.published.pattern}
        published_duties = {
            (person, p.rule_id, p.cycle_week, _slot(p))
            for p in self.published.pattern
            for person in p.staff_ids
        }
        units: Units = []
        restaffed: Units = []
        drop: dict[tuple[str, str, int, Slot], int] = {}
        for (class_id, rule_id, week, slot), cell in published_cells.items():
            # Even a cell with no session left to hold keeps its place (at least one unit): moving it
            # would change the class's fortnight phase, or hand its slot to another class, for nothing.
            n = max(1, cells.get(_cell_key(class_id, rule_id, cell.week_label, cell.weekday, cell.start), 0))
            drop[(class_id, rule_id, week, slot)] = n
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
                restaffed.append((n * other_staff, person))
        # A cell the published table did not have adds its sessions after the freeze.
        ahead = self._days_ahead(rm.scenario, calendar)
        for (class_id, rule_id, week, slot), var in rm.placements.items():
            if (class_id, rule_id, week, slot) not in published_cells:
                n = ahead.get((rule_id, week, slot.weekday), 0)
                if n:
                    units.append((n * var, class_id))
        # The published table replaces the first-fit start a large school's model comes with: a
        # variable hinted twice makes the model invalid (at 120 classes every rerun failed so).
        rm.model.clear_hints()  # type: ignore[no-untyped-call]
        add_hints(rm.model, ((var, key in published_cells) for key, var in rm.placements.items()))
        add_hints(rm.model, ((var, key in published_duties) for key, var in rm.assignments.items()))
        built.penalties.append(Penalty(CHANGE_NAME, CHANGE_DESCRIPTION, weight, units))
        built.penalties.append(
            Penalty(RESTAFFED_NAME, RESTAFFED_DESCRIPTION, staff_weight, restaffed, staff_step=True)
        )
        built.minimize()
        costs = CellCosts(
            drop=drop,
            new={
                key: ahead.get((key[1], key[2], key[3].weekday), 0)
                for key in rm.placements
                if key not in published_cells
            },
        )
        return self.settle_table(built, published_cells, published_duties, units, costs)

    def settle_table(
        self,
        built: BuiltModel,
        cells: Collection[tuple[str, str, int, Slot]],
        duties: Collection[tuple[str, str, int, Slot]],
        changes: Units | None = None,
        costs: CellCosts | None = None,
    ) -> bool:
        """When the published table, duties and all, still keeps every weekly rule, it is the optimum
        (any other table drops a published cell or duty, which costs more than every wish together):
        it is held in the model, so the searches after this find and prove it at once. Otherwise, the
        classes whose own timetable now takes a published cell of theirs are moved with every other
        class held, and that table (a whole one, unlike the published table) is the search's hint; the
        search still proves its optimum on the whole model. (At 120 generated classes: 0.9 s where
        the search from the published table took 2.2 s.) Whether the table is settled: held as
        published, or the moved classes' table proven by :func:`_fewest_changes`; then a model of
        only these cells is the whole model's answer (:meth:`own_cells`)."""
        rm = built.rm
        control = self.control or RunControl(None)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = SETTLE_SECONDS
        published = rm.model.clone()
        for key, var in rm.placements.items():
            published.add(var == int(key in cells))
        for key, var in rm.assignments.items():
            published.add(var == int(key in duties))
        status = control.search(solver, published, stage=WEEKLY_STAGE, tentative=True)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            for key, var in rm.placements.items():
                rm.model.add(var == int(key in cells))
            for key, var in rm.assignments.items():
                rm.model.add(var == int(key in duties))
            return True
        scenario = rm.scenario
        classes = {c.id for c in scenario.classes}
        moved = set()
        forced = set()
        for class_id, rule_id, week, slot in cells:
            school_class = scenario.school_class(class_id) if class_id in classes else None
            if school_class is None or class_busy_at(
                scenario, school_class, slot, rule=rm.rule(rule_id), cycle_week=week
            ):
                moved.add(class_id)
                forced.add((class_id, rule_id, week, slot))
        if not moved:
            return False
        held = rm.model.clone()
        for key, var in rm.placements.items():
            if key[0] not in moved:
                held.add(var == int(key in cells))
        status = control.search(solver, held, stage=WEEKLY_STAGE, tentative=True)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        if status == cp_model.OPTIMAL and changes is not None and costs is not None:
            chosen = {key: int(solver.value(var)) for key, var in rm.placements.items()}
            if sum(solver.value(expr) for expr, _ in changes) <= _fewest_changes(
                chosen, cells, changes, costs, forced
            ):
                # No table makes fewer changes, and one that makes as few drops no other cell, so
                # keeps every other class's table: it is a table of the held model, whose optimum
                # is then the optimum. Held, the searches after this prove it at once.
                for key, var in rm.placements.items():
                    rm.model.add(var == chosen[key])
                return True
        rm.model.clear_hints()  # type: ignore[no-untyped-call]
        every = [rm.model.get_int_var_from_proto_index(i) for i in range(len(rm.model.proto.variables))]
        add_hints(rm.model, ((var, solver.value(var)) for var in every))
        return False

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
        lost_after = [x for x in lost if x.date >= self.freeze]
        week = next((d.teaching_week for d in calendar.days if d.date >= self.freeze), None)
        if week is None:  # the term is over by the freeze date: only days off can follow
            return before, lost_before + lost_after
        spent: list[DatedSession | LostSession] = [*before, *lost_before]
        after, extra_lost = self._changeover_week(scenario, calendar, week, spent, [*sessions, *lost])
        return before + after, lost_before + lost_after + extra_lost

    def _changeover_week(
        self,
        scenario: Scenario,
        calendar: TermCalendar,
        week: int,
        spent_entries: list[DatedSession | LostSession],
        new_entries: list[DatedSession | LostSession],
    ) -> tuple[list[DatedSession], list[LostSession]]:
        """In the teaching week holding the freeze date, each class keeps the sessions the old table
        already spent and gets the new table's later ones only up to the new table's count for the
        week (spaced as the rule asks); a shortfall is reported lost to the change."""
        school_days: dict[dt.date, SchoolDay] = {d.date: d for d in calendar.days}
        in_week = {d.date for d in calendar.days if d.teaching_week == week}
        in_week |= {d.date for d in calendar.days_off if d.teaching_week == week}
        rules = {r.id: r for r in scenario.rules}
        published_entries: list[DatedSession | LostSession] = [*self.published.sessions, *self.published.lost]

        def by_pair(
            entries: list[DatedSession | LostSession],
        ) -> dict[tuple[str, str], list[DatedSession | LostSession]]:
            out: dict[tuple[str, str], list[DatedSession | LostSession]] = defaultdict(list)
            for e in entries:
                if e.date in in_week and (not isinstance(e, DatedSession) or e.origin == "pattern"):
                    out[(e.class_id, e.rule_id)].append(e)
            return out

        def when(e: DatedSession | LostSession) -> tuple[dt.date, dt.time]:
            return (e.date, e.start.time() if isinstance(e, DatedSession) else e.start)

        spent = by_pair(spent_entries)
        new = by_pair(new_entries)
        old = by_pair(published_entries)
        dropped: set[int] = set()
        shortfall: list[LostSession] = []
        for pair in sorted(set(spent) | set(new) | set(old)):
            rule = rules.get(pair[1])
            new_later = [e for e in new.get(pair, []) if e.date >= self.freeze]
            old_later = [e for e in old.get(pair, []) if e.date >= self.freeze]
            if rule is None or sorted(map(when, new.get(pair, []))) == sorted(map(when, old.get(pair, []))):
                continue  # the class's table row is unchanged: its week goes on as published
            target = len(new.get(pair, []))
            held = [
                e.date
                for e in spent.get(pair, [])
                if e.date not in school_days or not school_days[e.date].makeup
            ]
            kept = len(spent.get(pair, [])) + sum(1 for e in new_later if isinstance(e, LostSession))
            for e in sorted((e for e in new_later if isinstance(e, DatedSession)), key=when):
                far_enough = all(abs((e.date - d).days) >= rule.spacing.min_days_apart for d in held)
                if kept < target and (far_enough or school_days[e.date].makeup):
                    kept += 1
                    held.append(e.date)
                else:
                    dropped.add(id(e))
            # Short of the week's count: the old table's later sessions (gone now), else the new
            # table's earlier ones (never held), are lost to the change.
            kept_when = {when(e) for e in new_later}
            gone = [when(e) for e in old_later if when(e) not in kept_when]
            gone += [when(e) for e in new.get(pair, []) if e.date < self.freeze]
            for day, start in sorted(gone)[: max(0, target - kept)]:
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
        later = [e for e in new_entries if isinstance(e, DatedSession) and e.date >= self.freeze]
        return [e for e in later if id(e) not in dropped], shortfall

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
        kept = []
        for item in items:
            if item.key in placed_before:
                continue
            if item.kind == "returns" and (item.classes[0], item.rule_id) in returns_before:
                continue
            if item.last_day is not None and item.last_day < self.freeze:
                continue  # its chance came and went before the freeze: see settled_unmet
            spots = [s for s in item.spots if s.date >= self.freeze]
            if item.kind == "makeup" and not spots:
                continue
            convertible = [sid for sid in item.convertible if sid in late]
            kept.append(dataclasses.replace(item, spots=spots, convertible=convertible))
        return kept

    def settled_unmet(self, items: list[Item]) -> list[Unmet]:
        """The published unmet items whose chance came and went before the freeze: they stand."""
        published_unmet = {u.subject: u for u in self.published.unmet}
        return [
            published_unmet[item.key]
            for item in items
            if item.last_day is not None and item.last_day < self.freeze and item.key in published_unmet
        ]

    def fit_displaceable(
        self, displaceable: dict[str, list[str]], held: list[DatedSession]
    ) -> dict[str, list[str]]:
        late = {s.id for s in held if s.date >= self.freeze}
        return {sid: keys for sid, keys in displaceable.items() if sid in late}

    @cached_property
    def spots(self) -> PublishedSpots:
        return PublishedSpots.of(self.published, self.freeze)

    def change_units(self, tm: TermModel) -> Units:
        return term_change_units(tm, self.spots)

    def hint(self, tm: TermModel) -> None:
        """The published plan as the search's first guess."""
        add_hints(
            tm.model, ((var, self.spots.matches(tm.item(key), spot)) for (key, spot), var in tm.place.items())
        )

    def settled_activities(self) -> list[ActivityEvent]:
        return [a for a in self.published.activities if a.date < self.freeze]

    # The part of the term the change reaches (rota_solver.term.reach)
    def reach(
        self, scenario: Scenario, calendar: TermCalendar, held: list[DatedSession], lost: list[LostSession]
    ) -> Reach:
        """The classes whose own sessions or losses from the freeze on are not the published ones
        (the change took their slot, their room, their librarian or their day), and everything the
        published rota left unmet."""
        new: dict[str, set[tuple[str, dt.date, int]]] = defaultdict(set)
        new_lost: dict[str, set[tuple[str, dt.date, int, str]]] = defaultdict(set)
        for s in held:
            if s.date >= self.freeze:
                new[s.class_id].add((s.rule_id, s.date, minutes(s.start.time())))
        for x in lost:
            if x.date >= self.freeze:
                new_lost[x.class_id].add((x.rule_id, x.date, minutes(x.start), x.cause))
        old: dict[str, set[tuple[str, dt.date, int]]] = defaultdict(set)
        old_lost: dict[str, set[tuple[str, dt.date, int, str]]] = defaultdict(set)
        for s in self.published.sessions:
            if s.date < self.freeze:
                continue
            when = (s.rule_id, s.date, minutes(s.start.time()))
            # A returns session held in a table session's place is that session, turned into one.
            if s.origin == "pattern" or (s.origin == "returns" and when in new[s.class_id]):
                old[s.class_id].add(when)
        for x in self.published.lost:
            if x.date < self.freeze:
                continue
            if x.cause == "activity":  # a table session that gave way: the dated stage decides it
                old[x.class_id].add((x.rule_id, x.date, minutes(x.start)))
            else:
                old_lost[x.class_id].add((x.rule_id, x.date, minutes(x.start), x.cause))
        everyone = {*new, *old, *new_lost, *old_lost}
        classes = {c for c in everyone if (new[c], new_lost[c]) != (old[c], old_lost[c])}
        items = set()
        for u in self.published.unmet:
            if u.kind in ("gap", "returns"):
                classes.add(u.subject.split("/")[0])
            else:
                items.add(u.subject)
        return Reach(frozenset(classes), frozenset(items))

    def kept_spots(self, reach: Reach) -> SpotKeep:
        spots = self.spots

        def keep(item: Item) -> frozenset[tuple[dt.date, int]] | None:
            if reach.holds(item):
                return None
            if item.kind == "makeup":
                return frozenset(spots.makeups.get((item.classes[0], item.rule_id or ""), set()))
            published = _published_spot(item, spots)
            return frozenset() if published is None else frozenset({published})

        return keep

    def grow(self, reach: Reach, inputs: TermInputs) -> Reach:
        """``reach`` with each item outside it that cannot stay as published: none published (new, or
        unmet), its published spot gone from its spots, someone on duty there no longer able to be;
        and each class with a published make-up none of its make-up candidates can hold so."""
        spots = self.spots
        assert inputs.finder is not None
        finder = inputs.finder
        scenario = finder.scenario
        roles = {m.id: m.role for m in scenario.staff} | {g.id: g.role for g in scenario.helper_groups}

        def staff_stay(item: Item, spot: Spot) -> bool:
            """Whether the people published on duty for the item at ``spot`` are still as many as it
            needs, of each role, and able to be there."""
            need: dict[str, int] = defaultdict(int)
            for person in spots.staff_at(item, spot):
                if person not in roles or not finder.person_can(person, spot, on_duty=True):
                    return False
                need[roles[person]] += 1
            return dict(need) == {r: n for r, n in item.staffing.items() if n > 0}

        held_at = {s.id: (s.date, minutes(s.start.time())) for s in inputs.held}
        grown = reach
        makeup_spots: dict[tuple[str, str], dict[tuple[dt.date, int], Item]] = defaultdict(dict)
        for item in inputs.items:
            if reach.holds(item):
                continue
            if item.kind == "makeup":
                for spot in item.spots:
                    makeup_spots[(item.classes[0], item.rule_id or "")][(spot.date, spot.start)] = item
                continue
            published = _published_spot(item, spots)
            at = next((x for x in item.spots if (x.date, x.start) == published), None)
            if published is None:
                grown = grown.take(item)
            elif at is not None:
                if not staff_stay(item, at):
                    grown = grown.take(item)
            elif not any(held_at.get(sid) == published for sid in item.convertible):
                grown = grown.take(item)  # (a returns session held in its table session's place stays)
        for (class_id, rule_id), wheres in spots.makeups.items():
            if class_id in reach.classes:
                continue
            candidates = makeup_spots.get((class_id, rule_id), {})
            for where in wheres:
                makeup = candidates.get(where)
                if makeup is None or not staff_stay(
                    makeup, next(x for x in makeup.spots if (x.date, x.start) == where)
                ):
                    grown = grown.add({class_id}, set())
                    break
        return grown

    def changed_outside(self, tm: TermModel, solver: cp_model.CpSolver, reach: Reach) -> Reach:
        classes: set[str] = set()
        items: set[str] = set()
        for expr, _, owner in owned_change_units(tm, self.spots):
            if not solver.value(expr):
                continue
            if isinstance(owner, DatedSession):
                # The bound model prices a session of the reach's classes or one an item of the reach
                # may displace; any other is its class's.
                keys = tm.inputs.displaceable.get(owner.id, [])
                if owner.class_id not in reach.classes and not any(reach.holds(tm.item(k)) for k in keys):
                    classes.add(owner.class_id)
            elif _inside(owner, reach):
                continue
            elif isinstance(owner, str):
                classes.add(owner)
            else:
                grown = reach.take(owner)
                classes |= grown.classes - reach.classes
                items |= grown.items - reach.items
        return reach.add(classes, items)

    def within(self, reach: Reach) -> ChangePrices:
        return _PricesWithin(self, reach)

    def published_uses(self, items: list[Item]) -> list[tuple[Item, Spot, frozenset[str]]]:
        spots = self.spots
        return [
            (item, spot, spots.staff_at(item, spot))
            for item in items
            for spot in item.spots
            if spots.matches(item, spot)
        ]

    def published_sessions(self, sessions: list[DatedSession]) -> set[str]:
        published = self.spots.sessions
        return {
            s.id for s in sessions if (s.class_id, s.rule_id, s.date, minutes(s.start.time())) in published
        }


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
            return minutes(moment.time())

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


@dataclass(frozen=True)
class _PricesWithin:
    """The published layer's prices of the changes inside a reach alone (its bound model's)."""

    layer: PublishedLayer
    reach: Reach

    def change_units(self, tm: TermModel) -> Units:
        return [
            (expr, bearer)
            for expr, bearer, owner in owned_change_units(tm, self.layer.spots)
            if _inside(owner, self.reach)
        ]

    def hint(self, tm: TermModel) -> None:
        self.layer.hint(tm)


Owner = Item | str | DatedSession
"""Who a change unit belongs to: an item, a class (its published make-ups) or a table session."""


def _inside(owner: Owner, reach: Reach) -> bool:
    """Whether a model on ``reach`` prices the unit: a table session's whenever the model has it."""
    if isinstance(owner, Item):
        return reach.holds(owner)
    return owner in reach.classes if isinstance(owner, str) else True


def term_change_units(tm: TermModel, spots: PublishedSpots) -> Units:
    """One unit per published thing after the freeze that the term stage moves or drops, and per
    thing it adds: make-ups, returns, activities, shifts, and pattern sessions giving way. A change
    the new scenario forces (the published spot is gone) is the constant 1."""
    return [(expr, bearer) for expr, bearer, _ in owned_change_units(tm, spots)]


def owned_change_units(tm: TermModel, spots: PublishedSpots) -> list[tuple[cp_model.LinearExprT, str, Owner]]:
    """:func:`term_change_units`, each with its owner."""
    units: list[tuple[cp_model.LinearExprT, str, Owner]] = []
    makeup_vars: dict[tuple[str, str, dt.date, int], list[cp_model.IntVar]] = defaultdict(list)
    held_at = {s.id: (s.date, minutes(s.start.time())) for s in tm.inputs.held}
    for item in tm.inputs.items:
        placed = [(spot, tm.place[(item.key, spot)]) for spot in item.spots]
        if item.kind == "makeup":
            pair = (item.classes[0], item.rule_id or "")
            for spot, var in placed:
                if spots.matches(item, spot):
                    makeup_vars[(*pair, spot.date, spot.start)].append(var)
                else:
                    units.append((var, item.classes[0] if item.classes else item.key, item))
            continue
        choices: list[tuple[tuple[dt.date, int], cp_model.IntVar]] = [
            ((spot.date, spot.start), var) for spot, var in placed
        ]
        choices += [(held_at[sid], tm.convert[(item.key, sid)]) for sid in item.convertible]
        bearer = item.classes[0] if len(item.classes) == 1 else item.key
        published = _published_spot(item, spots)
        if published is None:
            units.append((cp_model.LinearExpr.sum([var for _, var in choices]), bearer, item))
        else:
            same = [var for where, var in choices if where == published]
            units.append((1 - cp_model.LinearExpr.sum(same) if same else 1, bearer, item))
    for (key, spot), var in tm.place.items():
        item = tm.item(key)
        if not spots.matches(item, spot):
            continue
        for person in sorted(spots.staff_at(item, spot)):
            on_duty = tm.duty.get((key, spot, person))
            # At its published spot with someone else on duty: a change for everyone concerned.
            units.append((var - on_duty if on_duty is not None else var, person, item))
    for (class_id, rule_id), wheres in spots.makeups.items():
        for day, start in sorted(wheres):
            kept = makeup_vars.get((class_id, rule_id, day, start), [])
            units.append((1 - cp_model.LinearExpr.sum(kept) if kept else 1, class_id, class_id))
    for s in tm.inputs.held:
        # A published session giving way is a cancellation. (A session the new table put elsewhere
        # was priced as a move by the weekly stage.)
        if s.id in tm.held and (s.class_id, s.rule_id, s.date, held_at[s.id][1]) in spots.sessions:
            units.append((1 - tm.held[s.id], s.class_id, s))
    return units


def _published_spot(item: Item, spots: PublishedSpots) -> tuple[dt.date, int] | None:
    if item.kind in ("activity", "shift"):
        return spots.events.get(item.key)
    return spots.returns.get((item.classes[0], item.rule_id or ""))
