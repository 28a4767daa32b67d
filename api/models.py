"""Tables, as typed SQLAlchemy 2 mappings; the schema itself is made by the Alembic migrations.

Every timestamp is stored and returned timezone-aware in UTC (:class:`UTCDateTime`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ACTIVE_JOB_STATES = ("queued", "running")
ACTIVE_JOB_SQL = "status IN ('queued', 'running')"
"""SQL condition of the partial unique index: at most one active job per school."""
JOB_KINDS = ("solve", "rerun")
"""A job solves a scenario afresh, or reruns it against the school's published rota."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware datetime, kept in UTC.

    PostgreSQL gets ``timestamptz``; SQLite, which has no time zones, gets naive UTC text, and
    values read back are marked UTC again. Naive values are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the service stores timezone-aware times only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.utcoffset() is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


class School(Base):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    """The school's name in its latest scenario."""
    created_at: Mapped[dt.datetime]
    feed_token: Mapped[str] = mapped_column(String(64), unique=True)
    """Secret part of the published feeds' URLs; rotatable."""


class ScenarioVersion(Base):
    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("school_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    """1, 2, ... within the school."""
    text: Mapped[str] = mapped_column(Text)
    """The scenario exactly as submitted."""
    format: Mapped[str] = mapped_column(String(8))
    submitted_at: Mapped[dt.datetime]
    submitted_by: Mapped[str] = mapped_column(String(200))
    digest: Mapped[str] = mapped_column(String(64))
    """sha256 of the validated scenario, as in ``Rota.scenario_digest``."""


class RotaVersion(Base):
    __tablename__ = "rota_versions"
    __table_args__ = (UniqueConstraint("school_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"))
    created_at: Mapped[dt.datetime]
    status: Mapped[str] = mapped_column(String(16))
    """The solve report's status: optimal or feasible (only verified rotas are stored)."""
    objective: Mapped[int] = mapped_column(Integer)
    rota_json: Mapped[str] = mapped_column(Text)
    """``Rota.model_dump_json()``."""
    report_json: Mapped[str] = mapped_column(Text)
    """``Rota.report.model_dump_json()``, to read the report without loading the rota."""
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("rota_versions.id"))
    """For a rerun: the published version it was rerun against; null for a fresh solve."""
    changes_json: Mapped[str | None] = mapped_column(Text)
    """For a rerun: ``RotaDiff.model_dump_json()``, what changed against ``based_on_id``."""


class SolveJob(Base):
    __tablename__ = "solve_jobs"
    __table_args__ = (
        Index(
            "uq_solve_jobs_active_school",
            "school_id",
            unique=True,
            sqlite_where=text(ACTIVE_JOB_SQL),
            postgresql_where=text(ACTIVE_JOB_SQL),
        ),
        Index("ix_solve_jobs_status", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"))
    kind: Mapped[str] = mapped_column(String(8), server_default="solve")
    """solve or rerun (:data:`JOB_KINDS`); jobs from before reruns existed are solves."""
    status: Mapped[str] = mapped_column(String(16))
    """queued, running, succeeded, failed or cancelled."""
    phase: Mapped[str | None] = mapped_column(String(32))
    best_objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    elapsed_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    time_limit_seconds: Mapped[float] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    explanation_json: Mapped[str | None] = mapped_column(Text)
    """When no rota exists: ``rota_solver.conflict.Explanation`` as JSON."""
    outcome: Mapped[str | None] = mapped_column(String(32))
    """How the run ended (``rota_solver.application.OutcomeKind``); null until it has, or when the
    job was cancelled or interrupted."""
    cut_short: Mapped[str | None] = mapped_column(String(128))
    """Comma-separated stages the time limit cut short; null when none was."""
    owner: Mapped[str | None] = mapped_column(String(96))
    """The server process that queued (and runs) the job: host, process id and a random part."""
    lease_until: Mapped[dt.datetime | None]
    """The owner renews this while it lives; an active job past it was left by a dead process. A job
    waiting on the task queue (no owner yet) holds it until ``ROTA_QUEUE_WAIT_SECONDS`` from then."""
    attempts: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    """How many times a process has claimed (started) the job."""
    max_attempts: Mapped[int] = mapped_column(Integer, server_default="1", default=1)
    """Starts allowed: 1 for a job run inside the server process; 2 for a job on the task queue,
    which is put back on it once when the worker running it dies."""
    rota_version_id: Mapped[int | None] = mapped_column(ForeignKey("rota_versions.id"))
    created_at: Mapped[dt.datetime]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]
    # A rerun's parameters, fixed when it is started (null for solves): the published version it
    # reruns against is pinned then, so publishing another one meanwhile does not change the job.
    rerun_of_id: Mapped[int | None] = mapped_column(ForeignKey("rota_versions.id"))
    """The rota version published when the rerun was started."""
    rerun_today: Mapped[dt.date | None] = mapped_column(Date)
    """The rerun's "today" (the given one, or the school's date when it was started)."""
    rerun_freeze: Mapped[dt.date | None] = mapped_column(Date)
    """The freeze date given; null to count ``rerun_notice_days`` school days from today."""
    rerun_notice_days: Mapped[int | None] = mapped_column(Integer)


class Publication(Base):
    """One row per publish: the school's latest row is what its feeds show."""

    __tablename__ = "publications"
    __table_args__ = (Index("ix_publications_school_latest", "school_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    rota_version_id: Mapped[int] = mapped_column(ForeignKey("rota_versions.id"))
    published_at: Mapped[dt.datetime]


USER_ROLES = ("admin", "librarian")
"""An admin keeps every school and its accounts; a librarian edits, solves and publishes her own."""


class User(Base):
    """A person who signs in to the web app (the bearer-token API is for scripts)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    """Stored lower-case: sign-in ignores case."""
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    """argon2id, as argon2-cffi writes it (parameters and salt included)."""
    role: Mapped[str] = mapped_column(String(16))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    """A librarian's school; null for an admin."""
    locale: Mapped[str] = mapped_column(String(8))
    """The language the app speaks to this person: zh-CN or en."""
    created_at: Mapped[dt.datetime]


class WebSession(Base):
    """A signed-in browser. The cookie holds a random token; only its sha256 is kept here."""

    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    """Every form of the session carries it; a POST without it is refused."""
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class SignInFailure(Base):
    """One failed sign-in, kept for the rate limit (by username and by client address)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (Index("ix_sign_in_failures_key_at", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime]


class SetupToken(Base):
    """The one-time link ``rota serve`` prints on first run, to create the first admin account."""

    __tablename__ = "setup_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]


class ScenarioDraft(Base):
    """A school's scenario while the web forms build it and it is not yet valid: saved on every
    form post so nothing typed is lost. A valid one becomes the next scenario version."""

    __tablename__ = "scenario_drafts"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    data_json: Mapped[str] = mapped_column(Text)
    """The scenario as JSON, exactly as the forms left it (it may not validate)."""
    updated_at: Mapped[dt.datetime]
    updated_by: Mapped[str] = mapped_column(String(200))
