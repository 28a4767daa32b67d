"""How hard and how reproducibly to search (:class:`SolveOptions`), and a CP-SAT solver set up for
each kind of search from them (:func:`cp_solver`)."""

from __future__ import annotations

import datetime as dt

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field


class SolveOptions(BaseModel):
    """How hard and how reproducibly to search."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit_seconds: float = Field(
        default=60.0,
        gt=0,
        description="Wall-clock limit in seconds for the whole run: every search of every stage, the "
        "explanation of a failure included, ends by then.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="Threads for the weekly table's search, whose subsolvers take turns in a fixed "
        "order: the same scenario, seed and workers give the same rota.",
    )
    seed: int = Field(default=0, ge=0, description="CP-SAT random seed.")
    version_time: dt.datetime | None = Field(
        default=None,
        description="Timestamp of the rota version (timezone-aware); default midnight UTC of the day "
        "before term starts, so that solving the same scenario twice gives identical files.",
    )
    deterministic_time_limit: float | None = Field(
        default=None, gt=0, description="Limit in CP-SAT's deterministic time units (repeatable runs)."
    )


DATED_CLIQUE_WORK_LIMIT = 1e7
"""The dated stage's ``merge_at_most_one_work_limit`` (CP-SAT's default: 1e8)."""


def cp_solver(options: SolveOptions, relaxation: bool = False, dated: bool = False) -> cp_model.CpSolver:
    """A solver set up from ``options``: for the named weekly table, the subsolver portfolio; for a
    ``relaxation`` (a relaxed weekly table, or naming people on it), one plain worker unless
    ``options`` asks for more; for the ``dated`` stage, one plain worker."""
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = options.time_limit_seconds
    interleave = not dated and (not relaxation or options.workers > 1)
    if dated:
        # Without the SAT solver's inprocessing (clause vivification and the like between restarts):
        # the dated stage's first dive made few conflicts and spent its time there (240 generated
        # classes: 4.1 s -> 1.8 s for the same optimum; 72 classes: 0.55 s either way).
        solver.parameters.use_sat_inprocessing = False
        # Without looking for symmetries: the dated models' optima come from the hint and the LP
        # bound at once, and finding the symmetries of a large one was most of its time (a rerun of
        # 240 generated classes, a room closed: the bound model's 2.4-2.7 s became 1.0-1.2 s, the
        # whole rerun 8.9 s -> 6.2 s; the 240-class solve 8.3 s -> 7.5-8.0 s, at 120 and below the
        # same).
        solver.parameters.symmetry_level = 0
        # Less work merging the linear relaxation's at-most-ones into maximal cliques: with
        # CP-SAT's default (1e8) it was a quarter of a rerun's instructions (120 generated classes,
        # a room closed: its held and bound models' searches 0.38-0.53 s each, now 0.22-0.27 s, the
        # same proven optima).
        solver.parameters.merge_at_most_one_work_limit = DATED_CLIQUE_WORK_LIMIT
    if relaxation or dated:
        # Every constraint in the LP from the start, not added as the LP finds it violated: the bound
        # of the table with the staff left out (the classes that cannot all have their preferred day
        # or window) is there at once, and the dated stage is proven in about half the time (72
        # generated classes: 1.0 s against 2.1 s). One round of presolve: the further rounds took
        # 0.4 s of the dated stage's 1.1 s at 72 classes (0.15 s of the relaxed table's 0.33 s), for
        # the same optimum.
        solver.parameters.add_lp_constraints_lazily = False
        solver.parameters.max_presolve_iterations = 1
    solver.parameters.num_workers = options.workers if interleave else 1
    # Interleaved, CP-SAT's portfolio of subsolvers (local search, neighbourhoods, LP) takes turns in
    # a fixed order, even on one thread: as reproducible as one plain worker. The weekly table at 240
    # generated classes was proven in 36 s where the plain worker had a 48% gap at 60 s. The dated
    # stage is slower with it (33 s against 7 s at 72 classes), so it keeps the plain worker.
    solver.parameters.interleave_search = interleave
    solver.parameters.random_seed = options.seed
    # Full linearization: the term stage's gap windows are covering constraints whose LP bound
    # proves the optimum at once (the default level left the bound at 0 for minutes on the demo
    # school), and the weekly stage is faster with it too (0.14 s against 0.20 s).
    solver.parameters.linearization_level = 2
    if options.deterministic_time_limit is not None:
        solver.parameters.max_deterministic_time = options.deterministic_time_limit
    return solver
