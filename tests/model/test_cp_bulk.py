"""The bulk helpers make the very model the library's own calls make: the same variables, the same
hint."""

from __future__ import annotations

from ortools.sat.python import cp_model

from rota_solver.cp_bulk import add_hints, new_bool


def test_bulk_variables_and_hints_make_the_librarys_model() -> None:
    theirs, ours = cp_model.CpModel(), cp_model.CpModel()
    a = [theirs.new_bool_var("") for _ in range(4)]
    b = [new_bool(ours) for _ in range(4)]
    theirs.add(sum(a) >= 2)
    ours.add(sum(b) >= 2)
    for var, value in zip(a, [1, 0, True, False], strict=True):
        theirs.add_hint(var, value)
    add_hints(ours, zip(b, [1, 0, True, False], strict=True))
    assert str(ours.proto) == str(theirs.proto)
    assert list(ours.proto.solution_hint.vars) == [0, 1, 2, 3]
    assert list(ours.proto.solution_hint.values) == [1, 0, 1, 0]
    solver = cp_model.CpSolver()
    assert solver.solve(ours) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
