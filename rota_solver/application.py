"""The application service: the one path from a request to an outcome, for `rota` and the service.

    request (solve or rerun) -> pipeline (:mod:`.solve`, :mod:`.rerun`) -> explain when needed
    (:mod:`.explain`) -> verify (:mod:`.verify`) -> one :class:`Outcome`

One :class:`~rota_solver.control.RunControl` bounds the whole run, the explainer included: a run with
a limit of L seconds ends within L plus the plain Python work between searches. The caller may keep
the control to cancel the run from another thread. Progress is reported for every phase: the
solver's stages as they find better rotas, and ``explaining`` and ``verifying`` as they start.

Nothing here writes files or touches a database: the command line and the service do that with
the outcome, so both give the same answer for the same school.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

from .conflict import Explanation
from .control import RunControl
from .errors import CannotRerun, NoRotaExists, NoSolutionInTime, RunCancelled
from .explain import explain_infeasibility, explain_unmet
from .progress import Progress, ProgressCallback
from .rerun import NOTICE_SCHOOL_DAYS, RotaDiff, rerun
from .rota import Rota
from .scenario import Scenario
from .solve import SolveOptions, solve
from .verify import Violation, verify

OutcomeKind = Literal[
    "solved",
    "solved_with_unmet",
    "no_rota",
    "stopped_at_limit",
    "verifier_failed",
    "cannot_rerun",
    "cancelled",
]
"""How a run ended:

* ``solved``: a verified rota that meets every requirement;
* ``solved_with_unmet``: a verified rota that lists requirements it could not meet, each explained;
* ``no_rota``: the hard rules conflict; ``explanation`` says which, with tested suggestions;
* ``stopped_at_limit``: the time limit cut a solver stage short (``cut_short`` names them); the
  best verified rota found, if any, is ``rota``, and its report says what is still proven;
* ``verifier_failed``: the independent verifier found a broken rule the rota does not list (a bug);
* ``cannot_rerun``: the published rota does not fit the new scenario (``message`` says why);
* ``cancelled``: cancelled through the run's control.
"""

SOLVER_STAGES = ("weekly_pattern", "weekly_staff", "term_dates")
VERIFY_SECONDS = 0.3
VERIFY_SECONDS_PER_CLASS = 0.006
"""Time kept back for the verifier and the last bookkeeping: it took 1.5 s for 240 classes."""
VERIFY_SHARE = 0.1
"""At most this share of the limit is kept back."""
EXIT_CODES: dict[OutcomeKind, int] = {
    "solved": 0,
    "no_rota": 1,
    "cannot_rerun": 2,
    "verifier_failed": 3,
    "solved_with_unmet": 4,
    "stopped_at_limit": 5,
    "cancelled": 130,
}
"""The command line's exit status per outcome (``stopped_at_limit`` without any rota exits 1)."""


@dataclass(frozen=True)
class SolveRequest:
    """Solve a scenario afresh."""

    scenario: Scenario
    options: SolveOptions = field(default_factory=SolveOptions)


@dataclass(frozen=True)
class RerunRequest:
    """Rerun a published rota after its scenario changed (see :func:`rota_solver.rerun.rerun`)."""

    scenario: Scenario
    published: Rota
    today: dt.date | None = None
    freeze: dt.date | None = None
    notice_school_days: int = NOTICE_SCHOOL_DAYS
    options: SolveOptions = field(default_factory=SolveOptions)
    rewrite_past: bool = False
    """Allow a freeze date before today: sessions that already took place may change."""


Request = SolveRequest | RerunRequest


@dataclass(frozen=True)
class Outcome:
    """What one run came to; the same for the command line and the service."""

    kind: OutcomeKind
    message: str
    """One line for a person: what happened, in English (the rota and explanation carry the
    school's language)."""
    rota: Rota | None = None
    diff: RotaDiff | None = None
    """What a rerun changed."""
    explanation: Explanation | None = None
    violations: tuple[Violation, ...] = ()
    """Every verifier finding, listed unmet items included."""
    cut_short: tuple[str, ...] = ()
    """Stages the time limit ended before they were finished (solver stages, ``explaining``)."""
    seconds: float = 0.0

    @property
    def exit_code(self) -> int:
        if self.kind == "stopped_at_limit" and self.rota is None:
            return EXIT_CODES["no_rota"]
        return EXIT_CODES[self.kind]

    @property
    def has_rota(self) -> bool:
        """Whether the outcome carries a verified rota to keep."""
        return self.rota is not None and self.kind != "verifier_failed"

    @property
    def hidden_violations(self) -> list[Violation]:
        """Broken rules the rota does not list as unmet: a bug of the solver's."""
        return [v for v in self.violations if not v.listed_unmet]


def run(
    request: Request, control: RunControl | None = None, progress: ProgressCallback | None = None
) -> Outcome:
    """Run ``request`` to its outcome within ``control`` (default: the request's time limit from now).

    Raises nothing for anything a school or a user can cause; a bug of ours propagates.
    """
    control = control or RunControl(request.options.time_limit_seconds)
    scenario = request.scenario
    # The solver and the explainer stop early enough for the verifier to finish within the limit.
    needed = VERIFY_SECONDS + VERIFY_SECONDS_PER_CLASS * len(scenario.classes)
    reserve = min(control.left() * VERIFY_SHARE, needed)
    working = control.child(control.left() - reserve, share_cuts=True)

    def phase(name: str) -> None:
        if progress is not None:
            progress(Progress(name, control.elapsed()))

    def done(
        kind: OutcomeKind,
        message: str,
        rota: Rota | None = None,
        diff: RotaDiff | None = None,
        explanation: Explanation | None = None,
        violations: tuple[Violation, ...] = (),
    ) -> Outcome:
        return Outcome(
            kind,
            message,
            rota,
            diff,
            explanation,
            violations,
            tuple(control.cut_short),
            round(control.elapsed(), 3),
        )

    rota: Rota | None = None
    diff: RotaDiff | None = None
    try:
        if isinstance(request, RerunRequest):
            result = rerun(
                scenario,
                request.published,
                today=request.today,
                freeze=request.freeze,
                notice_school_days=request.notice_school_days,
                options=request.options,
                progress=progress,
                control=working,
                rewrite_past=request.rewrite_past,
            )
            rota, diff = result.rota, result.diff
        else:
            rota = solve(scenario, request.options, progress, control=working)
    except RunCancelled:
        return done("cancelled", "cancelled")
    except CannotRerun as exc:
        return done("cannot_rerun", f"cannot rerun: {exc}")
    except NoSolutionInTime:
        stage = _first_solver_stage(control)
        return done("stopped_at_limit", _stopped_message(request, control, stage, found=False))
    except NoRotaExists:
        phase("explaining")
        try:
            explanation = explain_infeasibility(
                scenario, budget_seconds=working.left(), seed=request.options.seed, control=working
            )
        except RunCancelled:
            return done("cancelled", "cancelled")
        error = NoRotaExists.explained(explanation)
        return done("no_rota", "no rota exists: " + "; ".join(error.conflicts), explanation=explanation)

    try:
        if rota.unmet:
            phase("explaining")
            rota = explain_unmet(scenario, rota, working)
    except RunCancelled:
        return done("cancelled", "cancelled")
    phase("verifying")
    violations = tuple(verify(scenario, rota))
    hidden = [v for v in violations if not v.listed_unmet]
    if hidden:
        shown = "; ".join(v.message for v in hidden[:3])
        more = f" (and {len(hidden) - 3} more)" if len(hidden) > 3 else ""
        return done(
            "verifier_failed",
            f"the verifier rejected the rota: {shown}{more}",
            rota=rota,
            diff=diff,
            violations=violations,
        )
    stage = _first_solver_stage(control)
    if stage is not None:
        message = _stopped_message(request, control, stage, found=True)
        return done("stopped_at_limit", message, rota=rota, diff=diff, violations=violations)
    if rota.unmet:
        message = f"solved; {len(rota.unmet)} requirement(s) could not be met and are listed"
        return done("solved_with_unmet", message, rota=rota, diff=diff, violations=violations)
    return done("solved", f"solved ({rota.report.status})", rota=rota, diff=diff, violations=violations)


def _first_solver_stage(control: RunControl) -> str | None:
    return next((s for s in control.cut_short if s in SOLVER_STAGES), None)


def _stopped_message(request: Request, control: RunControl, stage: str | None, found: bool) -> str:
    limit = request.options.time_limit_seconds
    where = f" in stage {stage}" if stage else ""
    if not found:
        return f"no rota found within the time limit of {limit:g} s (stopped{where}); raise the limit"
    return (
        f"stopped at the time limit of {limit:g} s{where}: the best rota found is verified but not "
        "proven best (the report says what each stage proves)"
    )


__all__ = [
    "EXIT_CODES",
    "Outcome",
    "OutcomeKind",
    "Request",
    "RerunRequest",
    "SolveRequest",
    "run",
]
