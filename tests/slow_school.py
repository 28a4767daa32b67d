"""The school the tests use when they need a solve that runs for a long while (cancel, shutdown,
time limit, a second server): one place, so that a faster solver cannot quietly shorten it.

A generated 120-class school with one reading room and one librarian, without holidays, activities
and stocktake. The librarian is wanted at most of the week's reading sessions, so the weekly stage
finds a first table within about 3 s and then keeps improving it without proving the best: with
one CP-SAT worker and a 150 s limit it was still searching when the weekly stage's share ended, at
90 s (measured). The term stage takes about 0.1 s.
"""

from __future__ import annotations

from typing import Any

import yaml

from bench.synthetic import synthetic_school
from rota_solver import Scenario


def slow_scenario() -> Scenario:
    school = synthetic_school(120, seed=0, rooms=1, librarians=1)
    # No holidays either: a table the time limit cut short must still keep every gap limit.
    term = school.term.model_copy(update={"holiday_country": None, "closures": [], "makeup_days": []})
    return school.model_copy(update={"activities": [], "stocktake": None, "term": term})


def slow_school_data() -> dict[str, Any]:
    """:func:`slow_scenario` as plain data, defaults left out (what a form or upload would hold)."""
    data: dict[str, Any] = slow_scenario().model_dump(mode="json", exclude_defaults=True)
    return data


def slow_school() -> str:
    """:func:`slow_scenario` as YAML text."""
    return yaml.safe_dump(slow_scenario().model_dump(mode="json"), allow_unicode=True, sort_keys=False)
