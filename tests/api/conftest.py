"""Real services for the queue and PostgreSQL tests: one PostgreSQL database per test run (made
here, dropped at the end; its tables emptied before each test that asks for it) and a Redis key
prefix per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from api.db import init_db, make_engine
from api.models import Base
from tests.api.services import postgres_database, redis_namespace


@pytest.fixture(scope="session")
def postgres_session_url() -> Iterator[str]:
    with postgres_database() as url:
        init_db(url)
        yield url


@pytest.fixture
def postgres_url(postgres_session_url: str) -> str:
    """The run's PostgreSQL database, migrated, with every table empty."""
    engine = make_engine(postgres_session_url)
    try:
        tables = ", ".join(table.name for table in Base.metadata.sorted_tables)
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()
    return postgres_session_url


@pytest.fixture
def queue_settings(postgres_url: str) -> Iterator[dict[str, str]]:
    """Settings for a server and its workers on the task queue and PostgreSQL."""
    with redis_namespace() as names:
        yield {**names, "ROTA_DATABASE_URL": postgres_url}
