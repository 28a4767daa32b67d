"""Assemble the weekly-pattern model from a list of hard rules and a list of soft rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..scenario import Scenario
from .hard_rules import HARD_RULES, HardRule
from .soft_rules import SOFT_RULES, Penalty, SoftRule
from .variables import RotaModel, build_variables


@dataclass
class BuiltModel:
    rm: RotaModel
    penalties: list[Penalty]


def build_model(
    scenario: Scenario,
    hard_rules: Sequence[HardRule] = HARD_RULES,
    soft_rules: Sequence[SoftRule] = SOFT_RULES,
) -> BuiltModel:
    """Variables, then every hard rule's constraints, then the weighted sum of soft penalties."""
    rm = build_variables(scenario)
    for hard_rule in hard_rules:
        hard_rule(rm)
    penalties = [soft_rule(rm) for soft_rule in soft_rules]
    rm.model.minimize(sum(p.weight * expr for p in penalties for expr, _ in p.units if p.weight))
    return BuiltModel(rm, penalties)
