"""Why no rota exists, as data: the conflicting requirement groups, in words, with tested suggestions.

Plain pydantic models (no solver types), so the rota, the API and the printable can carry them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

GroupKind = Literal[
    "demand",
    "spacing",
    "phases",
    "timetable",
    "room",
    "seats",
    "staffing",
    "staff",
    "helper_class",
    "activity",
    "returns",
    "stocktake_shift",
    "pin",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConflictGroup(_Out):
    """One requirement group taking part in a conflict."""

    kind: GroupKind = Field(
        description="demand (a class's sessions of a rule), spacing, phases (A/B split), timetable (a "
        "class's lessons), room (classes at once), seats, staffing (a rule's staff per session), staff (a "
        "person's or helper team's hours and daily cap), helper_class (helpers never on duty while their "
        "class is busy), activity, returns, stocktake_shift, pin (a session kept in its cell: [class id, "
        "rule id, week label, weekday, HH:MM], the week A when the cycle is one week)."
    )
    subject: list[str] = Field(description="Ids the group is about: e.g. [rule id, class id], [room id].")
    detail: str = Field(description="The group in words, with its figures, in the school's language.")


class Change(_Out):
    """A machine-readable change to the scenario: set the field at ``path`` to ``value``."""

    path: str = Field(description="Field path in the scenario, e.g. `rules[0].windows`.")
    # Any rather than JsonValue: the values are plain JSON (lists of ids, numbers, mappings), and
    # JsonValue would add a property-less schema component to the API's OpenAPI document.
    value: Any = Field(description="The field's new value (JSON).")


class Suggestion(_Out):
    """A relaxation that was tested by solving again with it."""

    text: str = Field(description="What to change, in the school's language.")
    change: Change = Field(description="The same change, for programs.")
    solves: bool = Field(
        description="True: with this change alone the school has a rota. False: it resolves this conflict, "
        "but another conflict remains."
    )


class Conflict(_Out):
    """A set of requirements that cannot all be met together."""

    groups: list[ConflictGroup] = Field(description="The conflicting requirement groups.")
    text: str = Field(description="The conflict in one or two sentences, with its figures.")
    suggestions: list[Suggestion] = Field(description="Tested relaxations, best first (at most three).")
    found_by: Literal["precheck", "solver"] = Field(
        description="precheck: a count of demand against supply proved it; solver: CP-SAT found it."
    )
    minimal: bool = Field(
        description="True when re-solving without each group in turn proved every group necessary."
    )


class Explanation(_Out):
    """Why no rota exists."""

    conflicts: list[Conflict] = Field(description="Conflicts found, each enough on its own to forbid a rota.")
    note: str | None = Field(
        default=None, description="What the explainer could not do (e.g. its search ran out of time)."
    )

    def lines(self) -> list[str]:
        """The explanation as printable lines: each conflict, then its suggestions indented."""
        out = []
        for conflict in self.conflicts:
            out.append(conflict.text)
            out.extend(f"  -> {s.text}" for s in conflict.suggestions)
        if self.note:
            out.append(self.note)
        return out
