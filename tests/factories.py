"""Factories for tiny test schools: sensible defaults, override only what the test is about."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from rota_solver.rota import Rota, SolveReport
from rota_solver.scenario import Scenario


def school_dict(**overrides: Any) -> dict[str, Any]:
    """A tiny school as plain data: two grade-1 classes reading once a week at lunch.

    ``overrides`` replace top-level keys (``classes=[...]``, ``rules=[...]``, ...).
    The term is two plain weeks with no public holidays.
    """
    data: dict[str, Any] = {
        "school": {"name": "Tiny School", "timezone": "Asia/Shanghai", "locale": "en"},
        "term": {"start": "2026-09-07", "end": "2026-09-18"},
        "periods": [
            {"id": "p5", "start": "14:00", "end": "14:40"},
            {"id": "p6", "start": "14:50", "end": "15:30"},
        ],
        "windows": [
            {"id": "lunch", "start": "11:30", "end": "12:30"},
            {"id": "afternoon", "periods": ["p5", "p6"]},
        ],
        "rooms": [{"id": "library", "name": "Library", "seats": 60, "classes_at_once": 1}],
        "staff": [{"id": "lib", "name": "Ms Lee", "role": "librarian"}],
        "helper_groups": [],
        "classes": [
            {"id": "1-1", "name": "Class 1-1", "grade": 1, "size": 30},
            {"id": "1-2", "name": "Class 1-2", "grade": 1, "size": 30},
        ],
        "rules": [
            {
                "id": "reading",
                "kind": "reading",
                "grades": [1],
                "room": "library",
                "frequency": {"per_week": 1},
                "duration_minutes": 20,
                "windows": ["lunch"],
                "staffing": {"librarian": 1},
            }
        ],
    }
    data.update(copy.deepcopy(overrides))
    return data


def tiny_school(**overrides: Any) -> Scenario:
    """:func:`school_dict` validated into a :class:`Scenario`."""
    return Scenario.model_validate(school_dict(**overrides))


def rule(**overrides: Any) -> dict[str, Any]:
    """A grade rule as data, defaults as in :func:`school_dict`."""
    base: dict[str, Any] = {
        "id": "reading",
        "kind": "reading",
        "grades": [1],
        "room": "library",
        "frequency": {"per_week": 1},
        "duration_minutes": 20,
        "windows": ["lunch"],
        "staffing": {"librarian": 1},
    }
    base.update(overrides)
    return base


def solve_report(**overrides: Any) -> SolveReport:
    """A report with plain numbers, for rotas built by hand."""
    fields: dict[str, Any] = {
        "status": "optimal",
        "objective": 0,
        "best_bound": 0,
        "terms": [],
        "proven": "test",
        "build_seconds": 0.0,
        "solve_seconds": 0.0,
        "variables": 0,
        "constraints": 0,
        "seed": 0,
        "workers": 1,
    }
    fields.update(overrides)
    return SolveReport(**fields)


def hand_made_rota(**overrides: Any) -> Rota:
    """A rota for :func:`school_dict`'s school with no sessions; override what the test is about."""
    fields: dict[str, Any] = {
        "school": "Tiny School",
        "timezone": "Asia/Shanghai",
        "locale": "en",
        "term_start": dt.date(2026, 9, 7),
        "term_end": dt.date(2026, 9, 18),
        "cycle_weeks": 2,
        "teaching_weeks": 2,
        "scenario_digest": "0" * 64,
        "version_time": dt.datetime(2026, 9, 1, tzinfo=dt.UTC),
        "pattern": [],
        "sessions": [],
        "lost": [],
        "calendar": [],
        "summaries": [],
        "report": solve_report(),
    }
    fields.update(overrides)
    return Rota(**fields)
