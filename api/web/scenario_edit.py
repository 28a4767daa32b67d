"""The school's scenario as the web forms edit it.

The forms work on the *working scenario*: the school's draft if it has one, else its latest
version, as a plain JSON-like dict. Every form post saves the whole dict: when it validates it
becomes the next scenario version (and the draft goes); when it does not, it is kept as the draft
(nothing typed is lost) and the problems come back, in the words ``rota validate`` prints, for the
page to show next to their fields.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from rota_solver import InvalidScenario, Scenario, ScenarioProblem, parse_scenario

from .. import storage
from ..errors import NotFound
from ..models import ScenarioDraft, School
from ..parsed import Memo, scenario_of
from ..storage import ScenarioVersionInfo, utcnow


@dataclass
class Working:
    """What the forms start from."""

    data: dict[str, Any]
    latest: ScenarioVersionInfo | None
    """The school's newest saved version, if any."""
    is_draft: bool
    """``data`` is an unsaved draft (it did not validate when last saved)."""
    problems: list[ScenarioProblem] = field(default_factory=list)
    """What keeps ``data`` from validating (empty when it is a saved version)."""


@dataclass
class Saved:
    """What a save did: a new version, or a draft with its problems."""

    version: ScenarioVersionInfo | None
    problems: list[ScenarioProblem]

    @property
    def ok(self) -> bool:
        return self.version is not None


def starter(name: str) -> dict[str, Any]:
    """An empty school's first draft: its name, and nothing the librarian has not chosen."""
    return {"school": {"name": name, "timezone": "Asia/Shanghai", "locale": "zh-CN"}}


def as_data(scenario: Scenario) -> dict[str, Any]:
    """A scenario as the dict the forms edit (defaults left out, as a person would write it)."""
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_defaults=True)
    return data


_VERSION_DATA = Memo(32)
"""A saved version's text -> its dict as JSON text (parsed once per process)."""
_DRAFT_PROBLEMS = Memo(64)
"""A draft's JSON text -> its problems."""


def working_scenario(s: Session, slug: str) -> Working:
    school = _school(s, slug)
    latest: ScenarioVersionInfo | None
    try:
        latest = storage.latest_scenario(s, slug)
    except NotFound:
        latest = None
    draft = s.get(ScenarioDraft, school.id)
    if draft is not None:
        return Working(json.loads(draft.data_json), latest, True, draft_problems(draft.data_json))
    if latest is not None:
        text, digest = latest.text, latest.digest
        kept = _VERSION_DATA.get(
            text, lambda: json.dumps(as_data(scenario_of(text, digest)), ensure_ascii=False)
        )
        return Working(json.loads(kept), latest, False)
    data = starter(school.name)
    return Working(data, None, True, draft_problems(json.dumps(data, ensure_ascii=False)))


def draft_problems(text: str) -> list[ScenarioProblem]:
    """The problems of a draft's JSON text (found once per process)."""
    found: tuple[ScenarioProblem, ...] = _DRAFT_PROBLEMS.get(
        text, lambda: tuple(problems_of(json.loads(text)))
    )
    return list(found)


def remember_draft(data: dict[str, Any], problems: list[ScenarioProblem]) -> None:
    """A draft just saved from ``data`` and its problems: its next page view need not check it."""
    _DRAFT_PROBLEMS.put(json.dumps(data, ensure_ascii=False), tuple(problems))


def remember_version(text: str, data: dict[str, Any]) -> None:
    """A version just saved from ``data``: its next page view need not parse it."""
    _VERSION_DATA.put(text, json.dumps(data, ensure_ascii=False))


def problems_of(data: dict[str, Any]) -> list[ScenarioProblem]:
    """``data``'s problems as ``rota validate`` words them (none when it is valid)."""
    try:
        parse_scenario(json.dumps(data, ensure_ascii=False))
    except InvalidScenario as exc:
        # Lines of this JSON mean nothing to a form: the field path says where.
        return [ScenarioProblem(p.path, p.message) for p in exc.problems]
    return []


def save_working(s: Session, slug: str, data: dict[str, Any], by: str) -> Saved:
    """Save ``data`` as the school's next version if it validates, else as its draft."""
    school = _school(s, slug)
    problems = problems_of(data)
    draft = s.get(ScenarioDraft, school.id)
    if problems:
        text = json.dumps(data, ensure_ascii=False)
        if draft is None:
            s.add(
                ScenarioDraft(school_id=school.id, data_json=text, updated_at=utcnow(), updated_by=by[:200])
            )
        else:
            draft.data_json, draft.updated_at, draft.updated_by = text, utcnow(), by[:200]
        s.flush()
        remember_draft(data, problems)
        return Saved(None, problems)
    # libyaml's writer where PyYAML has it: the pure-Python one takes ~100 ms for 120 classes.
    dumper = yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper
    text = yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False)
    try:
        version = storage.save_scenario(s, slug, text, "yaml", by)
    except InvalidScenario as exc:  # e.g. a lone surrogate: what a JSON round trip cannot hold
        return Saved(None, list(exc.problems))
    if draft is not None:
        s.delete(draft)
        s.flush()
    remember_version(text, data)
    return Saved(version, [])


def discard_draft(s: Session, slug: str) -> None:
    draft = s.get(ScenarioDraft, _school(s, slug).id)
    if draft is not None:
        s.delete(draft)
        s.flush()


def edited(data: dict[str, Any]) -> dict[str, Any]:
    """A copy to change without touching ``data``."""
    return copy.deepcopy(data)


def _school(s: Session, slug: str) -> School:
    school = s.scalar(select(School).where(School.slug == slug))
    if school is None:
        raise NotFound(f"school {slug}")
    return school
