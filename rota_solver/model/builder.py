"""Assemble the weekly-pattern model from a list of hard rules and a list of soft rules."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from ortools.sat.python import cp_model

from ..cp_bulk import add_hints
from ..scenario import Scenario
from ..term_calendar import TermCalendar
from .first_fit import add_first_fit_hint
from .hard_rules import HARD_RULES, NAMING_RULES, HardRule, duties_open_when_used
from .soft_rules import SOFT_RULES, Penalty, SoftRule
from .variables import (
    AssignmentKey,
    Cells,
    DaySetKey,
    DutyKey,
    PlacementKey,
    RotaModel,
    Staffing,
    build_variables,
)

HINT_FROM_CLASSES = 100
"""Schools this large start the search from the first-fit table (see :func:`build_model`)."""


@dataclass(frozen=True)
class Table:
    """A solution's table, by variable key: what one model hands another of the same scenario."""

    day_sets: dict[DaySetKey, int]
    placements: dict[PlacementKey, int]
    duties: dict[DutyKey, int]
    assignments: dict[AssignmentKey, int]


@dataclass
class BuiltModel:
    rm: RotaModel
    penalties: list[Penalty]

    def minimize(self, staff_step: bool = False) -> None:
        """Make the model's objective the table's penalties, or (``staff_step``) the staff ones."""
        self.rm.model.minimize(self._objective(staff_step))

    @property
    def has_staff_step(self) -> bool:
        return any(p.staff_step and p.weight and p.units for p in self.penalties)

    def _objective(self, staff_step: bool = False) -> cp_model.LinearExpr:
        """The weighted sum of the table's penalties, or (``staff_step``) the staff ones."""
        chosen = [p for p in self.penalties if p.staff_step == staff_step and p.weight]
        return cp_model.LinearExpr.weighted_sum(
            [expr for p in chosen for expr, _ in p.units], [p.weight for p in chosen for _ in p.units]
        )

    def wishes(self) -> cp_model.LinearExpr:
        """The weighted sum of the table's penalties (not the staff step's)."""
        return self._objective()

    def every_wish_met(self) -> cp_model.CpModel | None:
        """A copy of the model in which every unit of the table's penalties is zero (``None`` when a
        unit is a constant above zero). Any rota of the copy is an optimum, and CP-SAT finds one, or
        proves there is none, in a second at 240 classes, where the search for the optimum among
        all tables took 4.3 s at 72 classes and 24.7 s at 120."""
        probe = self.rm.model.clone()
        for p in self.penalties:
            if p.staff_step or not p.weight:
                continue
            for expr, _ in p.units:
                if isinstance(expr, int):
                    if expr:
                        return None
                    continue
                probe.add(expr == 0)
        return probe

    def table(self, solver: cp_model.CpSolver) -> Table:
        """The solver's table: each day set, placement and duty (and, people named, assignment)
        with its value, by key (the same keys in every model of one scenario)."""
        rm = self.rm
        return Table(
            day_sets={k: int(solver.value(v)) for k, v in rm.day_sets.items()},
            placements={k: int(solver.value(v)) for k, v in rm.placements.items()},
            duties={k: int(solver.value(v)) for k, v in rm.duties.items()},
            assignments={k: int(solver.value(v)) for k, v in rm.assignments.items()},
        )

    def hint(self, table: Table) -> None:
        """Start the search from ``table`` (instead of any hint the model had)."""
        rm = self.rm
        rm.model.clear_hints()  # type: ignore[no-untyped-call]
        add_hints(
            rm.model,
            (
                *_valued(rm.day_sets, table.day_sets),
                *_valued(rm.placements, table.placements),
                *_valued(rm.duties, table.duties),
                *_valued(rm.assignments, table.assignments),
            ),
        )

    def _variables(self) -> tuple[cp_model.IntVar, ...]:
        rm = self.rm
        return (*rm.day_sets.values(), *rm.placements.values(), *rm.duties.values(), *rm.assignments.values())

    def at_least(self, bound: float) -> None:
        """The table's penalty is at least ``bound`` (a proven lower bound, e.g. a relaxation's)."""
        if bound > 0:
            self.rm.model.add(self._objective() >= math.ceil(bound - 1e-6))

    def at_most(self, value: float) -> None:
        """The table's penalty is at most ``value``."""
        self.rm.model.add(self._objective() <= math.floor(value + 1e-6))

    def held_table(self, table_objective: float | None, table: Table) -> cp_model.CpModel:
        """A copy of the model with the table of classes (days and slots) held to ``table`` and its
        wishes to ``table_objective``, starting from its duties (and people, if it names them): only
        who is on duty is left to choose, as the staff wishes ask. Infeasible when people cannot be
        named on it (a table of a relaxation: :data:`~rota_solver.model.variables.Staffing`). With
        no ``table_objective``, the wishes are not held but kept as low as people allow."""
        rm = self.rm
        held = rm.model.clone()
        for var, value in (*_valued(rm.day_sets, table.day_sets), *_valued(rm.placements, table.placements)):
            held.add(var == value)
        if table_objective is None:
            held.minimize(self._objective())
        else:
            held.add(self._objective() <= round(table_objective))
            held.minimize(self._objective(staff_step=True))
        held.clear_hints()  # type: ignore[no-untyped-call]
        add_hints(held, (*_valued(rm.duties, table.duties), *_valued(rm.assignments, table.assignments)))
        return held

    def among_equals(
        self,
        table_objective: float,
        cost: Callable[[cp_model.CpModel], cp_model.LinearExprT],
        solver: cp_model.CpSolver,
    ) -> cp_model.CpModel:
        """A copy of the model whose tables keep the wishes at ``table_objective`` (the optimum) and
        whose objective is the ``cost`` (an expression it builds on the copy), starting from the
        solver's table: the best of the equally good tables by another measure."""
        rm = self.rm
        model = rm.model.clone()
        model.add(self._objective() <= round(table_objective))
        model.clear_hints()  # type: ignore[no-untyped-call]
        add_hints(model, ((var, solver.value(var)) for var in self._variables()))
        model.minimize(cost(model))
        return model

    def fix_table(self, table_objective: float, solver: cp_model.CpSolver) -> None:
        """Keep the table's wishes at ``table_objective`` (its optimum when proven) while the table
        itself may change, starting from the solver's solution."""
        rm = self.rm
        rm.model.add(self._objective() <= round(table_objective))
        rm.model.clear_hints()  # type: ignore[no-untyped-call]
        add_hints(rm.model, ((var, solver.value(var)) for var in self._variables()))


K = TypeVar("K")


def _valued(
    variables: Mapping[K, cp_model.IntVar], values: Mapping[K, int]
) -> list[tuple[cp_model.IntVar, int]]:
    """Each variable with its value in ``values`` (those it has)."""
    return [(var, values[key]) for key, var in variables.items() if key in values]


def build_model(
    scenario: Scenario,
    hard_rules: Sequence[HardRule] = HARD_RULES,
    soft_rules: Sequence[SoftRule] = SOFT_RULES,
    hint: bool | None = None,
    calendar: TermCalendar | None = None,
    people_are: Staffing = "named",
    only: Table | Cells | None = None,
    joint_free_times: bool = False,
) -> BuiltModel:
    """Variables, then every hard rule's constraints, then the objective: the weighted sum of the soft
    penalties of the table (those of the staff step come after it, see :class:`BuiltModel`); with
    ``hint`` (by default for schools of ``HINT_FROM_CLASSES`` classes or more), the search starts from
    the first-fit table: a valid rota at once, which the search only improves. Measured on generated
    schools (1 worker, seed 0): 240 classes found no rota in 60 s without it; at 48 classes the search
    stayed on the hinted table (penalty 126) for 20 s where it proves 56 without it. Smaller schools
    keep exactly the rotas they had. ``calendar``: the term's school days, if the caller has them
    (the joint-activity wish looks at dates; it builds them otherwise). ``people_are="left_out"``
    (:data:`~rota_solver.model.variables.Staffing`): a relaxation without the rules of
    :data:`NAMING_RULES` (rooms still open when used), whose other rules must be of
    :data:`HARD_RULES` and :data:`SOFT_RULES` (they know how to read a model without people).
    ``only``: the model of that table's chosen cells alone, the model with the table held (see
    :class:`~rota_solver.model.variables.Cells`). ``joint_free_times``: the relaxation prices the
    joint activities' wish too (see
    :func:`~rota_solver.model.soft_rules.joint_activities_find_their_classes_free`)."""
    cells = only if isinstance(only, Cells) else None
    if isinstance(only, Table):
        cells = Cells(
            frozenset(k for k, v in only.day_sets.items() if v),
            frozenset(k for k, v in only.placements.items() if v),
        )
    rm = build_variables(scenario, people_are=people_are, only=cells)
    rm.calendar = calendar
    rm.joint_free_times = joint_free_times
    for hard_rule in hard_rules:
        if people_are == "named" or hard_rule not in NAMING_RULES:
            hard_rule(rm)
    if people_are == "left_out":
        duties_open_when_used(rm)
    built = BuiltModel(rm, [soft_rule(rm) for soft_rule in soft_rules])
    built.minimize()
    if hint if hint is not None else len(scenario.classes) >= HINT_FROM_CLASSES:
        add_first_fit_hint(rm)
    return built
