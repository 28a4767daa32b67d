"""The Alembic migrations on SQLite and on PostgreSQL: upgrade to head, downgrade to base, upgrade
again, each leaving the schema the models describe (or none)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from api.db import alembic_config, init_db, make_engine
from api.models import Base
from tests.api.services import postgres_database

TABLES = {table.name for table in Base.metadata.sorted_tables}


def _round_trip(url: str) -> None:
    engine = make_engine(url)
    try:
        init_db(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
        columns = {c["name"] for c in inspect(engine).get_columns("solve_jobs")}
        assert {"attempts", "max_attempts", "owner", "lease_until"} <= columns
        indexes = {i["name"] for i in inspect(engine).get_indexes("solve_jobs")}
        assert "uq_solve_jobs_active_school" in indexes
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "base")
        assert not TABLES & set(inspect(engine).get_table_names())
        init_db(engine)
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_downgrade_upgrade(backend: str, tmp_path: Path) -> None:
    if backend == "sqlite":
        _round_trip(f"sqlite:///{tmp_path / 'rota.db'}")
        return
    with postgres_database("rota_migrations") as url:
        _round_trip(url)
