"""Decision variables of the weekly-pattern model, and the indexes the rules read them through.

The pattern spans a rotation cycle of ``cycle_weeks`` weeks (2 for A/B weeks). For each class
and rule the model chooses:

* a *day set* for one phase of the rule's period (``day_sets``): which weekdays the class
  comes, and in which week of a fortnightly rule (`add_exactly_one` over the allowed sets is
  far faster than pairwise spacing penalties);
* a *placement* per cycle week, weekday and slot (``placements``);

and for each rule, week and slot a *duty* (the room being open for that rule) with the staff
members and helper groups on it (``assignments``).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from ortools.sat.python import cp_model

from ..cp_bulk import new_bool
from ..scenario import WEEKDAYS, GradeRule, HelperGroup, Scenario, SchoolClass, StaffMember, Weekday
from ..slots import Slot, rule_slots
from ..term_calendar import TermCalendar
from . import overlap

PlacementKey = tuple[str, str, int, Slot]
"""(class id, rule id, cycle week, slot)."""
DaySetKey = tuple[str, str, int, tuple[Weekday, ...]]
"""(class id, rule id, phase, weekdays)."""
DutyKey = tuple[str, int, Slot]
"""(rule id, cycle week, slot)."""
AssignmentKey = tuple[str, str, int, Slot]
"""(staff or helper group id, rule id, cycle week, slot)."""
Staffing = Literal["named", "left_out"]
"""How a model sees the people on duty: ``named``, a variable per person and duty (``assignments``);
``left_out``, not at all (nor, for the joint activities, who is off duty): a relaxation of the first,
whose tables may lack people and whose optimum is a lower bound of the first's."""
GroupKey = tuple[str, ...]
"""A requirement group: (kind, *subject ids), e.g. ("demand", "reading", "1-1") or ("room", "library")."""


@dataclass(frozen=True)
class Person:
    """A staff member or a helper group: one unit of staffing."""

    id: str
    role: str
    member: StaffMember | None
    group: HelperGroup | None


@dataclass
class RotaModel:
    scenario: Scenario
    model: cp_model.CpModel
    cycle_weeks: int
    slots: dict[str, list[Slot]]
    """Slots of each rule."""
    people: list[Person]
    placements: dict[PlacementKey, cp_model.IntVar] = field(default_factory=dict)
    day_sets: dict[DaySetKey, cp_model.IntVar] = field(default_factory=dict)
    duties: dict[DutyKey, cp_model.IntVar] = field(default_factory=dict)
    assignments: dict[AssignmentKey, cp_model.IntVar] = field(default_factory=dict)

    # indexes filled once by build_variables
    by_class_rule: dict[tuple[str, str], list[PlacementKey]] = field(default_factory=dict)
    by_class_week: dict[tuple[str, int], list[PlacementKey]] = field(default_factory=dict)
    by_duty: dict[DutyKey, list[PlacementKey]] = field(default_factory=dict)
    by_person: dict[str, list[AssignmentKey]] = field(default_factory=dict)

    tagging: bool = False
    """Record which constraints each requirement group adds (only the explainer needs it)."""
    people_are: Staffing = "named"
    """How the model sees the people on duty (see :data:`Staffing`)."""
    joint_free_times: bool = False
    """Without people: whether the joint activities' wish is priced all the same, by what does not
    depend on who is on duty (always, with people named)."""
    calendar: TermCalendar | None = None
    """The term's school days, when the caller has them (rules that look at dates build it if not)."""
    tagged: list[tuple[GroupKey, int, int]] = field(default_factory=list)
    """(group, first constraint index, end index) of each stretch of constraints a group added."""

    @contextmanager
    def group(self, kind: str, *subject: str) -> Iterator[None]:
        """Constraints added inside belong to the requirement group ``(kind, *subject)``.

        A no-op unless ``tagging``: the ordinary solve pays nothing for it.
        """
        if not self.tagging:
            yield
            return
        start = len(self.model.proto.constraints)
        yield
        end = len(self.model.proto.constraints)
        if end > start:
            self.tagged.append(((kind, *subject), start, end))

    # Indexed once: the rules ask these for every variable (a linear scan each cost 0.5 s of the
    # 2.0 s build at 240 classes).
    @cached_property
    def _rules(self) -> dict[str, GradeRule]:
        return {r.id: r for r in self.scenario.rules}

    @cached_property
    def _class_rules(self) -> dict[str, list[GradeRule]]:
        by_class: dict[str, list[GradeRule]] = {c.id: [] for c in self.scenario.classes}
        for rule in self.scenario.rules:
            for school_class in self.scenario.rule_classes(rule):
                by_class[school_class.id].append(rule)
        return by_class

    @cached_property
    def _people(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    def rule(self, rule_id: str) -> GradeRule:
        return self._rules[rule_id]

    def class_rules(self, school_class: SchoolClass) -> list[GradeRule]:
        return self._class_rules[school_class.id]

    def person(self, person_id: str) -> Person:
        return self._people[person_id]


def allowed_day_sets(rule: GradeRule, days: list[Weekday]) -> list[tuple[Weekday, ...]]:
    """Every choice of ``sessions`` distinct weekdays a class could come on."""
    return list(itertools.combinations(days, rule.frequency.sessions))


@dataclass(frozen=True)
class Cells:
    """A table's chosen day sets and placements: a model of only these is the model with the table held
    (every other variable would be 0), which names the people on it in a fraction of the time."""

    day_sets: frozenset[DaySetKey] | None
    """``None``: every day set (the placements alone are limited)."""
    placements: frozenset[PlacementKey]
    free: frozenset[str] = frozenset()
    """Classes every cell of which is in the model (a neighbourhood of the table)."""


def build_variables(
    scenario: Scenario, tagging: bool = False, people_are: Staffing = "named", only: Cells | None = None
) -> RotaModel:
    """Create every variable; rules then constrain and price them (``tagging``: see RotaModel.group;
    ``people_are``: see :data:`Staffing`; ``only``: the variables of these cells alone, and the duties
    they open)."""
    model = cp_model.CpModel()
    people = [Person(m.id, m.role, m, None) for m in scenario.staff]
    people += [Person(g.id, g.role, None, g) for g in scenario.helper_groups]
    rm = RotaModel(
        scenario=scenario,
        model=model,
        cycle_weeks=scenario.cycle_weeks,
        slots={r.id: rule_slots(scenario, r) for r in scenario.rules},
        people=people,
        tagging=tagging,
        people_are=people_are,
    )
    by_class_rule: dict[tuple[str, str], list[PlacementKey]] = defaultdict(list)
    by_class_week: dict[tuple[str, int], list[PlacementKey]] = defaultdict(list)
    by_duty: dict[DutyKey, list[PlacementKey]] = defaultdict(list)
    for rule in scenario.rules:
        slots = rm.slots[rule.id]
        days = sorted({s.weekday for s in slots}, key=WEEKDAYS.index)
        # Unnamed variables: nothing reads the names, and formatting them cost twice the making.
        for school_class in scenario.rule_classes(rule):
            c = school_class.id
            for phase in range(rule.frequency.weeks):
                for day_set in allowed_day_sets(rule, days):
                    if (
                        only is not None
                        and only.day_sets is not None
                        and c not in only.free
                        and (c, rule.id, phase, day_set) not in only.day_sets
                    ):
                        continue
                    rm.day_sets[(c, rule.id, phase, day_set)] = new_bool(model)
            for week in range(rm.cycle_weeks):
                for slot in slots:
                    key = (c, rule.id, week, slot)
                    if only is not None and key not in only.placements and c not in only.free:
                        continue
                    rm.placements[key] = new_bool(model)
                    by_class_rule[(c, rule.id)].append(key)
                    by_class_week[(c, week)].append(key)
                    by_duty[(rule.id, week, slot)].append(key)
        for week in range(rm.cycle_weeks):
            for slot in slots:
                duty = (rule.id, week, slot)
                if only is not None and duty not in by_duty:
                    continue
                rm.duties[duty] = new_bool(model)
                for person in people if people_are == "named" else []:
                    if rule.staffing.get(person.role, 0) > 0:
                        rm.assignments[(person.id, *duty)] = new_bool(model)
    by_person: dict[str, list[AssignmentKey]] = defaultdict(list)
    for key in rm.assignments:
        by_person[key[0]].append(key)
    rm.by_class_rule = dict(by_class_rule)
    rm.by_class_week = dict(by_class_week)
    rm.by_duty = dict(by_duty)
    rm.by_person = dict(by_person)
    return rm


def at_each_moment(
    items: list[tuple[Slot, cp_model.LinearExprT, int]],
) -> list[list[tuple[cp_model.LinearExprT, int]]]:
    """Groups of (term, weight) of weekly slots that are all running at one moment."""
    return overlap.at_each_moment([(s.weekday, s.start, s.end, term, w) for s, term, w in items])
