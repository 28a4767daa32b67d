"""Assemble the weekly-pattern model from a list of hard rules and a list of soft rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..scenario import Scenario
from .first_fit import add_first_fit_hint
from .hard_rules import HARD_RULES, HardRule
from .soft_rules import SOFT_RULES, Penalty, SoftRule
from .variables import RotaModel, build_variables

HINT_FROM_CLASSES = 100
"""Schools this large start the search from the first-fit table (see :func:`build_model`)."""


@dataclass
class BuiltModel:
    rm: RotaModel
    penalties: list[Penalty]


def build_model(
    scenario: Scenario,
    hard_rules: Sequence[HardRule] = HARD_RULES,
    soft_rules: Sequence[SoftRule] = SOFT_RULES,
    hint: bool | None = None,
) -> BuiltModel:
    """Variables, then every hard rule's constraints, then the weighted sum of soft penalties; with
    ``hint`` (by default for schools of ``HINT_FROM_CLASSES`` classes or more), the search starts from
    the first-fit table: a valid rota at once, which the search only improves. Measured on generated
    schools (1 worker, seed 0): 240 classes found no rota in 60 s without it; at 48 classes the search
    stayed on the hinted table (penalty 126) for 20 s where it proves 56 without it. Smaller schools
    keep exactly the rotas they had."""
    rm = build_variables(scenario)
    for hard_rule in hard_rules:
        hard_rule(rm)
    penalties = [soft_rule(rm) for soft_rule in soft_rules]
    rm.model.minimize(sum(p.weight * expr for p in penalties for expr, _ in p.units if p.weight))
    if hint if hint is not None else len(scenario.classes) >= HINT_FROM_CLASSES:
        add_first_fit_hint(rm)
    return BuiltModel(rm, penalties)
