"""One id per hard-rule family: the model's rule, the verifier's check, the explainer's group
kinds and the printed labels all name it by its RuleId, so a new rule cannot get four names."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import get_args

import pytest

from rota_solver.conflict import GroupKind
from rota_solver.labels import LOCALES, labels_for
from rota_solver.model.hard_rules import HARD_RULES, RULE_IDS
from rota_solver.rules import GROUP_RULES, KEPT_ELSEWHERE, RuleId
from rota_solver.verify import CHECKS

PACKAGE = Path(__file__).resolve().parent.parent / "rota_solver"


def _package_imports(path: Path) -> set[str]:
    """Modules of the package a file imports, as dotted names relative to ``rota_solver``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                found.add("." * node.level + (node.module or ""))
            elif (node.module or "").startswith("rota_solver"):
                found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rota_solver"))
    return found


def _resolve(dotted: str) -> object:
    try:
        return importlib.import_module(dotted)
    except ModuleNotFoundError:
        module, _, name = dotted.rpartition(".")
        return getattr(importlib.import_module(module), name)


def test_every_hard_rule_of_the_model_has_a_rule_id() -> None:
    assert all(rule in RULE_IDS for rule in HARD_RULES), [r.__name__ for r in HARD_RULES if r not in RULE_IDS]
    assert all(isinstance(rule_id, RuleId) for rule_id in RULE_IDS.values())


def test_every_verifier_check_has_its_own_rule_id_and_every_rule_id_a_check() -> None:
    rules = [check.rule for check in CHECKS]
    assert all(isinstance(rule, RuleId) for rule in rules)
    assert len(rules) == len(set(rules))
    assert set(rules) == set(RuleId)


def test_every_rule_id_is_kept_by_the_model() -> None:
    stated = {RULE_IDS[rule] for rule in HARD_RULES}
    # Either a weekly hard-rule function states it, or the map says where the solver keeps it: not both.
    assert stated.isdisjoint(KEPT_ELSEWHERE)
    assert stated | set(KEPT_ELSEWHERE) == set(RuleId)


@pytest.mark.parametrize("dotted", sorted({name for names in KEPT_ELSEWHERE.values() for name in names}))
def test_where_the_solver_keeps_a_rule_exists(dotted: str) -> None:
    assert _resolve(dotted) is not None


def test_every_group_kind_of_the_explainer_maps_to_rule_ids() -> None:
    assert set(GROUP_RULES) == set(get_args(GroupKind))
    assert all(ids and all(isinstance(i, RuleId) for i in ids) for ids in GROUP_RULES.values())


@pytest.mark.parametrize("locale", LOCALES)
def test_every_rule_id_has_a_printed_name(locale: str) -> None:
    labels = labels_for(locale)
    assert set(labels.rules) == {rule.value for rule in RuleId}
    assert all(labels.rule(rule).strip() for rule in RuleId)


def test_the_rule_ids_are_the_lowest_layer() -> None:
    assert _package_imports(PACKAGE / "rules.py") == set()


def test_the_verifier_shares_no_code_with_the_models() -> None:
    allowed = {"..rota", "..rules", "..scenario", "..term_calendar", "._common", ".index"}
    allowed |= {f".{m.stem}" for m in (PACKAGE / "verify").glob("*.py")}
    for path in (PACKAGE / "verify").glob("*.py"):
        assert _package_imports(path) <= allowed, path.name
