"""Every error the library raises on purpose.

The tree::

    RotaError
    ├── InvalidScenario      bad input: carries the field path and YAML line
    ├── NoRotaExists         the rules cannot all be met: carries the conflicts
    ├── NoSolutionInTime     the time limit ran out before any rota was found
    ├── CannotRerun          the published rota is of another school or term
    └── RunCancelled         the run was cancelled (by its job's owner, or a shut-down)

Callers catch ``RotaError`` to tell a user's problem from a bug in this code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .conflict import Explanation


class RotaError(Exception):
    """Base of every error the library raises on purpose."""


@dataclass(frozen=True)
class ScenarioProblem:
    """One thing wrong with a scenario file."""

    path: str
    """Dotted field path, e.g. ``rules[1].room``."""
    message: str
    line: int | None = None
    """1-based line in the YAML file, when known."""

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.path or '<file>'}: {self.message}"


class InvalidScenario(RotaError):
    """The scenario file cannot be used as it is."""

    def __init__(self, problems: list[ScenarioProblem], source: str | None = None) -> None:
        self.problems = problems
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + str(p) for p in problems))


class NoRotaExists(RotaError):
    """The hard rules contradict each other.

    ``explanation`` holds the conflicting requirement groups, their sentences and tested
    suggestions (:class:`rota_solver.conflict.Explanation`); ``conflicts`` is each conflict's
    sentence (and the explainer's note, if any) in plain words.
    """

    def __init__(self, conflicts: list[str], explanation: Explanation | None = None) -> None:
        self.conflicts = conflicts
        self.explanation = explanation
        super().__init__("no rota exists: " + "; ".join(conflicts))

    @classmethod
    def explained(cls, explanation: Explanation) -> NoRotaExists:
        lines = [c.text for c in explanation.conflicts] + ([explanation.note] if explanation.note else [])
        return cls(lines, explanation)


class NoSolutionInTime(RotaError):
    """The solver found no rota before its time limit (none is known to exist or not)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"no rota found within {seconds:g} s; raise the time limit or relax the rules")


class CannotRerun(RotaError):
    """The published rota cannot be rerun against this scenario (another school or term)."""


class RunCancelled(RotaError):
    """The run was cancelled through its :class:`rota_solver.control.RunControl`."""

    def __init__(self) -> None:
        super().__init__("cancelled")
