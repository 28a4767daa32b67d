"""Engines, sessions and migrations: one engine per app, one session per unit of work.

Typical start-up::

    engine = make_engine(settings.resolved_database_url())
    init_db(engine)                      # alembic upgrade head
    session_factory = make_session_factory(engine)
    with session_factory() as session:
        ...

SQLite files get ``check_same_thread=False`` (the HTTP handlers and the job threads share the
engine's pool), foreign keys on, WAL journal (readers do not wait for the job threads' writes)
and a 30 s busy timeout. Any other SQLAlchemy URL (e.g. ``postgresql+psycopg://...``) is used as
it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

API_DIR = Path(__file__).resolve().parent
ALEMBIC_INI = API_DIR / "alembic.ini"
MIGRATIONS_DIR = API_DIR / "migrations"


def make_engine(url: str) -> Engine:
    """An engine for ``url``; for an SQLite file, its directory is created if need be."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if in_memory:
        kwargs["poolclass"] = StaticPool  # one shared connection, or every thread sees its own empty DB
    else:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas(wal=not in_memory))
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for ``engine``; objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """The Alembic configuration in ``api/alembic.ini``, with its script location made absolute."""
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    return config


def init_db(target: str | Engine) -> None:
    """Bring the database at ``target`` (a URL or an engine) to the newest schema: alembic upgrade head."""
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        config = alembic_config()
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Servers and workers starting together migrate one at a time.
                connection.execute(text("SELECT pg_advisory_xact_lock(741852963)"))
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if isinstance(target, str):
            engine.dispose()


def _sqlite_pragmas(wal: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if wal:
                cursor.execute("PRAGMA journal_mode=WAL")
        finally:
            cursor.close()

    return on_connect
