"""CP-SAT variables and hints made in bulk: what the models make by the tens of thousands.

``CpModel.new_bool_var`` builds a fresh domain and sets a name for each variable, and ``add_hint``
appends to the hint one value at a time: at 240 generated classes a rerun's dated models make
120,000 variables and 60,000 hints, and these two calls took 0.7 s of it. The models are the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from ortools.sat.python import cp_model
from ortools.util.python.sorted_interval_list import Domain

_ZERO_ONE = Domain(0, 1)


def new_bool(model: cp_model.CpModel) -> cp_model.IntVar:
    """An unnamed 0-1 variable, as ``model.new_bool_var("")`` makes it."""
    return cp_model.IntVar(model.model_proto).with_domain(_ZERO_ONE)


def add_hints(model: cp_model.CpModel, hints: Iterable[tuple[cp_model.IntVar, int | bool]]) -> None:
    """``model.add_hint(var, value)`` for each pair, appended to the hint at once."""
    variables: list[int] = []
    values: list[int] = []
    for var, value in hints:
        variables.append(var.index)  # a variable's own index: never negative (that is a negation's)
        values.append(int(value))
    hint = model.model_proto.solution_hint
    hint.vars.extend(variables)
    hint.values.extend(values)


def hint_whole_answer(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Replace ``model``'s hint with every variable's value in ``solver``'s answer, for a model that
    makes the same variables in the same order as the one the solver solved (a clone with constraints
    added): a complete hint is a first solution at once."""
    model.clear_hints()  # type: ignore[no-untyped-call]
    values = solver.response_proto.solution
    add_hints(model, ((model.get_int_var_from_proto_index(i), v) for i, v in enumerate(values)))
