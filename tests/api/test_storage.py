"""Storage: migrations from an empty database, scenario and rota versions, publication, feed
tokens, and the settings that say where it all lives."""

from __future__ import annotations

import datetime as dt
import os
import stat
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api import storage
from api.db import alembic_config, init_db, make_engine, make_session_factory
from api.errors import Conflict, NotFound, ServiceMisconfigured
from api.models import Base, Publication, ScenarioVersion, School, SolveJob
from api.settings import DEV_TOKEN_FILE, Settings, get_settings
from rota_solver import InvalidScenario, Rota, SolveOptions, parse_scenario, solve
from rota_solver.solve import scenario_digest
from tests.factories import school_dict

TINY = yaml.safe_dump(school_dict(), allow_unicode=True)
TABLES = {"schools", "scenario_versions", "solve_jobs", "rota_versions", "publications"}


@pytest.fixture(autouse=True)
def no_rota_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings built here must not pick up the developer's ROTA_* variables (a real database!)."""
    for name in [n for n in os.environ if n.startswith("ROTA_")]:
        monkeypatch.delenv(name)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(Settings(data_dir=tmp_path / "data").resolved_database_url())
    init_db(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def store_rota(sessions: sessionmaker[Session], slug: str) -> Rota:
    """Solve the school's newest scenario here and store it the way a job does."""
    with sessions() as s:
        scenario = parse_scenario(storage.latest_scenario(s, slug).text)
        rota = solve(scenario, SolveOptions(time_limit_seconds=10))
        job = storage.create_job(s, slug, None, 10.0, uuid.uuid4().hex)
        assert storage.claim_job(s, job.id, storage.utcnow()) is not None
        assert storage.finish_job(s, job.id, "succeeded", storage.utcnow(), 0.1, rota=rota)
    return rota


# --- migrations --------------------------------------------------------------------------------


def test_migrations_build_every_table_from_an_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'rota.db'}"
    init_db(url)  # makes the directory too
    init_db(url)  # already at head: nothing to do
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) >= TABLES
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
    finally:
        engine.dispose()


def test_the_migrations_give_exactly_the_schema_of_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_upgrading_keeps_older_jobs_as_solves_and_the_one_active_job_index(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()

    def migrate(step: Callable[[Config, str], None], revision: str) -> None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            step(config, revision)

    try:
        migrate(command.upgrade, "0001")
        with engine.begin() as connection:  # a database from before reruns, with a finished job
            connection.execute(
                text("INSERT INTO schools VALUES (1, 'tiny', 'Tiny', '2026-09-01 00:00:00', 'token');")
            )
            connection.execute(
                text(
                    "INSERT INTO scenario_versions VALUES "
                    "(1, 1, 1, :text, 'yaml', '2026-09-01 00:00:00', 'admin', 'digest')"
                ),
                {"text": TINY},
            )
            connection.execute(
                text(
                    "INSERT INTO solve_jobs (id, school_id, scenario_version_id, status, elapsed_seconds, "
                    "time_limit_seconds, created_at) VALUES ('old', 1, 1, 'failed', 1.0, 10.0, "
                    "'2026-09-01 00:00:00')"
                )
            )
        init_db(engine)
        with make_session_factory(engine)() as s:
            old = storage.get_job(s, "old")
            assert (old.kind, old.rerun, old.status) == ("solve", None, "failed")
        indexes = {ix["name"]: ix for ix in inspect(engine).get_indexes("solve_jobs")}
        assert indexes["uq_solve_jobs_active_school"]["unique"]
        with engine.connect() as connection:
            index_sql = connection.scalar(
                text("SELECT sql FROM sqlite_master WHERE name = 'uq_solve_jobs_active_school'")
            )
        assert "WHERE status IN ('queued', 'running')" in str(index_sql)  # batch mode kept it partial
        migrate(command.downgrade, "0001")
        assert "kind" not in {c["name"] for c in inspect(engine).get_columns("solve_jobs")}
        init_db(engine)
    finally:
        engine.dispose()


def test_an_in_memory_database_works_when_given_as_an_engine() -> None:
    engine = make_engine("sqlite://")
    init_db(engine)
    with make_session_factory(engine)() as s:
        assert storage.save_scenario(s, "tiny", TINY, "yaml", "admin").number == 1
    engine.dispose()


# --- scenarios ---------------------------------------------------------------------------------


def test_scenario_versions_keep_the_text_who_and_when(sessions: sessionmaker[Session]) -> None:
    renamed = yaml.safe_dump(school_dict(school={"name": "Renamed", "timezone": "Asia/Shanghai"}))
    with sessions() as s:
        first = storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
        second = storage.save_scenario(s, "tiny", renamed, "yaml", "deputy")
    assert (first.number, second.number) == (1, 2)
    with sessions() as s:
        assert storage.scenario_version(s, "tiny", 1) == first
        assert storage.latest_scenario(s, "tiny") == second
        school = storage.get_school(s, "tiny")
    assert first.text == TINY and first.format == "yaml" and first.submitted_by == "admin"
    assert first.digest == scenario_digest(parse_scenario(TINY))
    assert first.submitted_at.tzinfo == dt.UTC
    assert abs(storage.utcnow() - first.submitted_at) < dt.timedelta(minutes=1)
    assert school.name == "Renamed"  # follows the newest scenario
    assert school.created_at == first.submitted_at and school.published_version is None
    assert len(school.feed_token) == 32  # secrets.token_urlsafe(24)


def test_json_text_is_kept_as_submitted(sessions: sessionmaker[Session]) -> None:
    import json

    text = json.dumps(school_dict(), indent=1)
    with sessions() as s:
        info = storage.save_scenario(s, "tiny", text, "json", "admin")
    with sessions() as s:
        again = storage.scenario_version(s, "tiny", info.number)
    assert again.text == text and again.format == "json"


def test_an_invalid_scenario_stores_nothing(sessions: sessionmaker[Session]) -> None:
    broken = yaml.safe_dump(school_dict(rules=[{"id": "reading", "room": "nowhere"}]))
    with sessions() as s, pytest.raises(InvalidScenario):
        storage.save_scenario(s, "tiny", broken, "yaml", "admin")
    with sessions() as s:
        with pytest.raises(NotFound):
            storage.get_school(s, "tiny")
        assert s.scalar(select(func.count()).select_from(School)) == 0
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
        with pytest.raises(InvalidScenario):
            storage.save_scenario(s, "tiny", "school: [", "yaml", "admin")
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(ScenarioVersion)) == 1


def test_unknown_schools_and_versions_are_not_found(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
        for lookup in (
            lambda: storage.get_school(s, "other"),
            lambda: storage.latest_scenario(s, "other"),
            lambda: storage.scenario_version(s, "tiny", 2),
            lambda: storage.get_rota(s, "tiny", 1),
            lambda: storage.publish(s, "tiny", 1, storage.utcnow()),
            lambda: storage.list_rotas(s, "other"),
            lambda: storage.get_job(s, "nope"),
        ):
            with pytest.raises(NotFound):
                lookup()


@pytest.mark.parametrize("slug", ["Tiny", "-tiny", "", "tiny school", "x" * 64])
def test_bad_slugs_are_refused(sessions: sessionmaker[Session], slug: str) -> None:
    with sessions() as s, pytest.raises(ValueError, match="slug"):
        storage.save_scenario(s, slug, TINY, "yaml", "admin")


def test_a_caller_owned_transaction_is_left_to_the_caller(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
    with pytest.raises(RuntimeError), sessions.begin() as s:
        storage.save_scenario(s, "other", TINY, "yaml", "admin")
        raise RuntimeError("the caller's work fails: nothing of it is kept")
    with sessions() as s:
        assert storage.latest_scenario(s, "tiny").number == 2
        with pytest.raises(NotFound):
            storage.get_school(s, "other")


# --- rotas, publication and feed tokens -------------------------------------------------------


def test_rota_versions_round_trip_as_json(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
    rota = store_rota(sessions, "tiny")
    with sessions() as s:
        info, again, scenario = storage.get_rota(s, "tiny", 1)
        listed = storage.list_rotas(s, "tiny")
    assert again == rota and scenario == parse_scenario(TINY)
    assert listed == [info]
    assert (info.number, info.scenario_version, info.status, info.published) == (1, 1, "optimal", False)
    assert info.objective == rota.report.objective and info.created_at.tzinfo == dt.UTC


def test_publish_then_read_by_token_then_rotate(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
        token = storage.get_school(s, "tiny").feed_token
        with pytest.raises(NotFound):
            storage.published(s, None, token)  # nothing published yet
    store_rota(sessions, "tiny")
    rota = store_rota(sessions, "tiny")
    at = dt.datetime(2026, 9, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with sessions() as s:
        info = storage.publish(s, "tiny", 2, at)
        assert info.published and info.number == 2
        assert storage.publish(s, "tiny", 2, at + dt.timedelta(days=1)) == info  # already published
    with sessions() as s:
        school, version, again, scenario, published_at = storage.published(s, None, token)
        assert storage.published(s, "tiny", token)[1] == version
        assert [r.published for r in storage.list_rotas(s, "tiny")] == [False, True]
        for slug, wrong in (("other", token), (None, token + "x"), (None, "")):
            with pytest.raises(NotFound):
                storage.published(s, slug, wrong)
        assert s.scalar(select(func.count()).select_from(Publication)) == 1
    assert school.slug == "tiny" and school.published_version == 2 and version.number == 2
    assert again == rota and scenario == parse_scenario(TINY)
    assert published_at == at and published_at.tzinfo == dt.UTC

    with sessions() as s:
        rotated = storage.rotate_feed_token(s, "tiny")
    assert rotated.feed_token != token and rotated.published_version == 2
    with sessions() as s:
        with pytest.raises(NotFound):
            storage.published(s, None, token)
        assert storage.published(s, "tiny", rotated.feed_token)[1].number == 2


def test_naive_times_are_refused(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
    store_rota(sessions, "tiny")
    with sessions() as s, pytest.raises(Exception, match="naive datetime"):
        storage.publish(s, "tiny", 1, dt.datetime(2026, 9, 1, 8, 0))


def test_one_active_job_per_school_even_in_the_database(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        storage.save_scenario(s, "tiny", TINY, "yaml", "admin")
        first = storage.create_job(s, "tiny", None, 10.0, "first")
    with sessions() as s, pytest.raises(Conflict) as caught:
        storage.create_job(s, "tiny", 1, 10.0, "second")
    assert caught.value.running_job == first.id and first.id in str(caught.value)
    with sessions() as s:  # the partial unique index holds even without create_job's check
        school_id = s.scalar(select(School.id).where(School.slug == "tiny"))
        version_id = s.scalar(select(ScenarioVersion.id).where(ScenarioVersion.school_id == school_id))
        assert school_id is not None and version_id is not None
        s.add(
            SolveJob(
                id="sneaky",
                school_id=school_id,
                scenario_version_id=version_id,
                status="running",
                elapsed_seconds=0.0,
                time_limit_seconds=10.0,
                created_at=storage.utcnow(),
            )
        )
        with pytest.raises(IntegrityError):
            s.commit()
    with sessions() as s:
        assert storage.cancel_job(s, first.id, storage.utcnow()).status == "cancelled"
        with pytest.raises(NotFound):
            storage.create_job(s, "tiny", 7, 10.0, "third")
        assert storage.create_job(s, "tiny", 1, 10.0, "fourth").status == "queued"


# --- settings ----------------------------------------------------------------------------------


def test_production_without_a_token_is_misconfigured(tmp_path: Path) -> None:
    with pytest.raises(ServiceMisconfigured, match="ROTA_ADMIN_TOKEN"):
        Settings(mode="production", data_dir=tmp_path).resolved_admin_token()
    assert not (tmp_path / DEV_TOKEN_FILE).exists()


def test_development_generates_a_token_once_and_keeps_it_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    token = settings.resolved_admin_token()
    path = tmp_path / "data" / DEV_TOKEN_FILE
    assert len(token) >= 32 and path.read_text().strip() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "data").resolved_admin_token() == token  # persisted


def test_tokens_from_the_variable_or_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    from_file, long_enough = "from-a-file-" + "f" * 20, "given-" + "g" * 26  # production: 32 or more
    secret.write_text(f"  {from_file}  \nsecond line\n")
    assert Settings(mode="production", admin_token_file=secret).resolved_admin_token() == from_file
    given = Settings.model_validate({"mode": "production", "admin_token": long_enough})
    assert given.resolved_admin_token() == long_enough
    with pytest.raises(ServiceMisconfigured, match="at least 32"):
        Settings.model_validate({"mode": "production", "admin_token": "given"}).resolved_admin_token()
    assert Settings.model_validate({"admin_token": "given"}).resolved_admin_token() == "given", "development"
    empty = tmp_path / "empty"
    empty.write_text("\n")
    for broken in (
        {"admin_token_file": empty},
        {"admin_token_file": tmp_path / "missing"},
        {"admin_token": " "},
        {"admin_token": "given", "admin_token_file": secret},
    ):
        with pytest.raises(ServiceMisconfigured):
            Settings.model_validate({"data_dir": tmp_path, **broken}).resolved_admin_token()


def test_settings_come_from_rota_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ROTA_MODE", "production")
    monkeypatch.setenv("ROTA_ADMIN_TOKEN", "from-env-" + "e" * 23)
    monkeypatch.setenv("ROTA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ROTA_JOB_TIME_LIMIT_SECONDS", "5")
    monkeypatch.setenv("ROTA_JOB_WORKERS", "2")
    settings = get_settings()
    assert settings.resolved_admin_token() == "from-env-" + "e" * 23
    assert (settings.job_time_limit_seconds, settings.job_workers) == (5.0, 2)
    assert settings.resolved_database_url() == f"sqlite:///{tmp_path.resolve() / 'rota.db'}"
    monkeypatch.setenv("ROTA_DATABASE_URL", "postgresql+psycopg://rota@db/rota")
    assert get_settings().resolved_database_url() == "postgresql+psycopg://rota@db/rota"
