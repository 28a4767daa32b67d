"""What the set-up pages share: the working scenario (read once per request, its parse kept by
content), the scenario's own field descriptions and defaults, and the sections with their pages.

A page view must not validate the scenario again: a 120-class school's YAML takes about 80 ms to
parse and validate, a page has 100 ms. So :func:`current` answers what
:func:`api.web.scenario_edit.working_scenario` does, with the dict of a saved version and the
problems of a draft remembered by their text (a few schools' worth, in this process).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from rota_solver import Scenario, ScenarioProblem

from ..forms import as_dict, as_list, dotted, section_key
from ..scenario_edit import Working, working_scenario


def current(s: Session, slug: str) -> Working:
    """The school's working scenario (parsed at most once per process: ``working_scenario``)."""
    return working_scenario(s, slug)


# --- the scenario's own words: descriptions and defaults -------------------------------------


_SCHEMA: dict[str, Any] = Scenario.model_json_schema()
_DEFS: dict[str, Any] = _SCHEMA.get("$defs", {})


def _property(model: str, name: str) -> dict[str, Any]:
    props = _SCHEMA["properties"] if model == "Scenario" else _DEFS.get(model, {}).get("properties", {})
    found: dict[str, Any] = props.get(name, {})
    return found


def description(model: str, name: str) -> str:
    """The field's description in the scenario model (English)."""
    return str(_property(model, name).get("description", ""))


def default(model: str, name: str) -> Any:
    """The field's default, None when it has none."""
    return _property(model, name).get("default")


def nullable(model: str, name: str) -> bool:
    prop = _property(model, name)
    return any(option.get("type") == "null" for option in prop.get("anyOf", []))


def model_fields(model: str) -> list[str]:
    return list(_DEFS.get(model, {}).get("properties", {}))


def has_pins() -> bool:
    """Whether this version of the scenario has pins (being added while these pages were written)."""
    return "pins" in Scenario.model_fields


# --- sections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    slug: str
    keys: tuple[str, ...]
    """The scenario's top-level keys the page edits."""
    required: bool
    """The scenario needs it (term, windows, rooms, classes, rules)."""

    @property
    def title_key(self) -> str:
        return f"setup.sec.{self.slug}"

    @property
    def intro_key(self) -> str:
        return f"setup.intro.{self.slug}"


SECTIONS: tuple[Section, ...] = (
    Section("school", ("school",), True),
    Section("term", ("term",), True),
    Section("periods", ("periods",), False),
    Section("windows", ("windows",), True),
    Section("rooms", ("rooms",), True),
    Section("staff", ("staff",), False),
    Section("helpers", ("helper_groups",), False),
    Section("classes", ("classes", "grades"), True),
    Section("rules", ("rules",), True),
    Section("teacher-groups", ("teacher_groups",), False),
    Section("activities", ("activities",), False),
    Section("stocktake", ("stocktake",), False),
    Section("weights", ("weights",), False),
    Section("pins", ("pins",), False),
)
BY_SLUG = {section.slug: section for section in SECTIONS}
_BY_KEY = {key: section for section in SECTIONS for key in section.keys}


def sections() -> list[Section]:
    return [s for s in SECTIONS if s.slug != "pins" or has_pins()]


def section_of(path: str) -> Section | None:
    """The page a problem path belongs to; None for the file as a whole."""
    return _BY_KEY.get(section_key(path))


def setup_url(school: str, slug: str = "") -> str:
    return f"/app/s/{school}/setup/{slug}"


def page_of_problem(school: str, data: dict[str, Any], path: str) -> str:
    """The page to fix a problem on: a class's timetable page for its lessons, a person's hours page
    for their availability, else the section's page (the index for the file as a whole)."""
    parts = dotted(path).split(".")
    if len(parts) >= 3 and parts[1].isdigit():
        items = as_list(data.get(parts[0]))
        index = int(parts[1])
        item_id = as_dict(items[index]).get("id") if index < len(items) else None
        if isinstance(item_id, str) and item_id:
            if parts[0] == "classes" and parts[2] in ("busy", "library_may_take"):
                return setup_url(school, f"classes/{quote(item_id, safe='')}")
            if parts[0] in ("staff", "teacher_groups") and parts[2] in ("availability", "days_off"):
                page = "staff" if parts[0] == "staff" else "teacher-groups"
                return setup_url(school, f"{page}/{quote(item_id, safe='')}")
    section = section_of(path)
    return setup_url(school, section.slug if section else "")


@dataclass(frozen=True)
class Status:
    section: Section
    problems: int
    filled: bool
    """The scenario has something for it."""
    items: int | None = None
    """How many items its list holds (None for a section that is no list)."""


def statuses(data: dict[str, Any], problems: list[ScenarioProblem]) -> list[Status]:
    counts: dict[str, int] = {}
    for problem in problems:
        section = section_of(problem.path)
        if section is not None:
            counts[section.slug] = counts.get(section.slug, 0) + 1
    found = []
    for s in sections():
        first = data.get(s.keys[0])
        found.append(
            Status(
                s,
                counts.get(s.slug, 0),
                any(data.get(k) not in (None, [], {}) for k in s.keys),
                len(first) if isinstance(first, list) else None,
            )
        )
    return found
