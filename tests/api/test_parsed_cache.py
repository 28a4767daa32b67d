"""What a server process prepares so that no page's reader waits for it: the versions it has just
stored are kept parsed (the first page of a new version or rota parses nothing), and every
template is compiled before the first request."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from jinja2 import Environment
from sqlalchemy.orm import Session, sessionmaker

import api.parsed
from api import storage
from api.db import init_db, make_engine, make_session_factory
from api.models import RotaVersion
from api.parsed import Memo, rota_of, scenario_of
from api.settings import Settings
from api.web.templating import TEMPLATES, compile_templates, env
from rota_solver import Rota, SolveOptions, parse_scenario, solve, verify
from tests.factories import school_dict


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(Settings(data_dir=tmp_path / "data").resolved_database_url())
    init_db(engine)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Memo:
    """An empty cache of parsed versions, so that other tests' versions cannot answer."""
    cache = Memo(16)
    monkeypatch.setattr(api.parsed, "PARSED", cache)
    return cache


def refuse_to_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(api.parsed, "parse_scenario", refused)


def test_a_stored_scenario_version_is_kept_parsed_by_the_process_that_stored_it(
    sessions: sessionmaker[Session], fresh_cache: Memo, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = yaml.safe_dump(school_dict(), allow_unicode=True)
    with sessions() as s:
        stored = storage.save_scenario(s, "parsed-once", text, "yaml", "test")
    refuse_to_parse(monkeypatch)
    assert scenario_of(stored.text, stored.digest) == parse_scenario(text)


def test_an_invalid_scenario_leaves_nothing_in_the_cache(
    sessions: sessionmaker[Session], fresh_cache: Memo
) -> None:
    data = school_dict()
    data["rooms"] = []
    with sessions() as s, pytest.raises(Exception, match="room"):
        storage.save_scenario(s, "never-stored", yaml.safe_dump(data), "yaml", "test")
    assert len(fresh_cache._items) == 0


def test_a_stored_rota_is_kept_parsed_by_the_process_that_stored_it(
    sessions: sessionmaker[Session], fresh_cache: Memo, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = yaml.safe_dump(school_dict(), allow_unicode=True)
    scenario = parse_scenario(text)
    rota = solve(scenario, SolveOptions(time_limit_seconds=10))
    assert verify(scenario, rota) == []
    with sessions() as s:
        storage.save_scenario(s, "rota-once", text, "yaml", "test")
        job = storage.create_job(s, "rota-once", None, 10.0, uuid.uuid4().hex)
        assert storage.claim_job(s, job.id, storage.utcnow()) is not None
        assert storage.finish_job(s, job.id, "succeeded", storage.utcnow(), 0.1, rota=rota)
        stored = s.query(RotaVersion).one().rota_json

    def refused(*_: object) -> Rota:
        raise AssertionError("parsed again")

    monkeypatch.setattr(Rota, "model_validate_json", refused)
    assert rota_of(stored) is rota


def test_every_page_template_is_compiled_at_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    pages = sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
    assert compile_templates() == len(pages) > 20

    def no_files(environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        raise AssertionError(f"{template} read and compiled after start-up")

    monkeypatch.setattr(env.loader, "get_source", no_files)
    for name in pages:
        assert env.get_template(name).name == name
