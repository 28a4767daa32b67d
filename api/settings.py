"""Service settings, read from ``ROTA_*`` environment variables (the only module that reads them).

Call :func:`get_settings` once when the app is built and pass the object on: nothing here is cached
at module level, so tests can build ``Settings(...)`` directly.
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from .errors import ServiceMisconfigured

log = logging.getLogger(__name__)

DEV_TOKEN_FILE = "admin-token"
"""Name of the generated development token, inside ``data_dir``."""
MIN_PRODUCTION_TOKEN = 32
"""Characters an admin token needs in production (``secrets.token_urlsafe(32)`` gives 43)."""


class Settings(BaseSettings):
    """Where data lives, who may administer, how hard background solves may work."""

    model_config = SettingsConfigDict(env_prefix="ROTA_", extra="ignore", frozen=True)

    data_dir: Path = Path("rota-data")
    """ROTA_DATA_DIR: the SQLite file and the development admin token live here."""
    database_url: str | None = None
    """ROTA_DATABASE_URL: any SQLAlchemy URL; default ``sqlite:///<data_dir>/rota.db``."""
    admin_token: SecretStr | None = None
    """ROTA_ADMIN_TOKEN."""
    admin_token_file: Path | None = None
    """ROTA_ADMIN_TOKEN_FILE: the token is its first line (for Docker/systemd secrets)."""
    mode: Literal["development", "production"] = "development"
    """ROTA_MODE: production refuses to start without an admin token of at least 32 characters, or
    without ``public_url``."""
    public_url: str | None = Field(default=None, pattern=r"^https?://[^/?#\s]+(/[^?#\s]*)?$")
    """ROTA_PUBLIC_URL: the service's address as teachers reach it, e.g.
    ``https://library.school.example``: feed addresses and the feed index's links start with it.
    Unset, development mode takes the request's own address (its Host header); production needs it."""
    max_body_bytes: int = Field(default=1_048_576, gt=0)
    feed_recheck_seconds: float = Field(default=1.0, ge=0.0, le=300.0)
    """ROTA_FEED_RECHECK_SECONDS: a feed poll is answered from memory while the database confirmed
    its address and published version at most this long ago (a publish in another server process
    shows within it); 0 asks the database on every poll."""
    static_feeds_dir: Path | None = None
    """ROTA_STATIC_FEEDS_DIR: keep every published feed here as a file too, for nginx in front of the
    service to answer calendar apps' polls from disk (:mod:`api.static_feeds`, ``deploy/nginx/``)."""
    static_feeds_recheck_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)
    """ROTA_STATIC_FEEDS_RECHECK_SECONDS: how often the files are compared with the database (for a
    publish or a rotated token in a server process on another machine; this machine's own changes
    are written at once)."""
    job_time_limit_seconds: float = Field(default=60.0, gt=0)
    """Wall-clock limit of a whole job: every solver stage and the explainer end within it."""
    job_lease_seconds: float = Field(default=30.0, ge=1.0, le=3600.0)
    """ROTA_JOB_LEASE_SECONDS: a server process renews its jobs' lease this often (a sixth of it);
    the jobs of a process that died are failed, and their schools freed, once it runs out."""
    job_workers: int = Field(default=1, ge=1, le=64)
    """Solve jobs running at once (each with one CP-SAT worker)."""
    broker_url: str | None = Field(default=None, pattern=r"^(redis|rediss|amqp|pyamqp)://")
    """ROTA_BROKER_URL, e.g. ``redis://127.0.0.1:6379/0``: set, ``rota serve`` sends every job to
    this task queue and ``rota worker`` processes run them; unset, the server solves in-process."""
    result_backend: str | None = None
    """ROTA_RESULT_BACKEND: where Celery keeps task results (default: the broker's Redis). Only a
    record: a job's state, progress and rota live in the database."""
    queue_prefix: str = Field(default="rota", pattern=r"^[A-Za-z0-9_.:-]{1,64}$")
    """ROTA_QUEUE_PREFIX: names the queues (``<prefix>.small``, ``<prefix>.large``) and prefixes
    every key the broker and the result backend keep, so deployments (and test runs) can share one
    Redis."""
    queue_wait_seconds: float = Field(default=3600.0, gt=0)
    """ROTA_QUEUE_WAIT_SECONDS: a job no worker has taken from the queue by then fails, saying so."""
    queue_visibility_seconds: float = Field(default=900.0, ge=1.0)
    """ROTA_QUEUE_VISIBILITY_SECONDS: the broker hands an unacknowledged job to a worker again after
    this long (its worker died without a word); a job still held by a live worker is left to it."""
    large_school_classes: int = Field(default=100, ge=1)
    """ROTA_LARGE_SCHOOL_CLASSES: schools of this many classes or more go on the large queue, so that
    a long solve never stands in front of the small schools (workers take from both in turn)."""

    def resolved_database_url(self) -> str:
        """``database_url``, or an SQLite file in ``data_dir`` (absolute path)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'rota.db').resolve()}"

    def public_base(self, request_base: str) -> str | None:
        """The service's public address without a trailing slash: ``public_url``, else (development
        only) ``request_base``, the request's own address; None in production without one."""
        if self.public_url:
            return self.public_url.rstrip("/")
        if self.mode == "production":
            return None
        return request_base.rstrip("/")

    def check(self) -> str:
        """Everything ``rota serve`` needs before it starts: the admin token (returned), the public
        address in production, and a writable data directory for an SQLite file there.

        Raises :class:`ServiceMisconfigured` with one line saying what to fix.
        """
        if self.mode == "production" and not self.public_url:
            raise ServiceMisconfigured(
                "production mode needs ROTA_PUBLIC_URL, the address teachers reach the service at "
                "(e.g. https://library.school.example): feed addresses are built from it, never from "
                "a request's Host header"
            )
        if self.database_url is None:
            _check_writable(self.data_dir, "the data directory", "the database lives there")
        if self.static_feeds_dir is not None:
            _check_writable(
                self.static_feeds_dir, "ROTA_STATIC_FEEDS_DIR", "the published feeds are written there"
            )
            try:  # api.static_feeds keeps it unlistable: its subfolders are named by the feed tokens
                self.static_feeds_dir.chmod(0o711)
            except OSError as exc:
                raise ServiceMisconfigured(
                    f"cannot set ROTA_STATIC_FEEDS_DIR {self.static_feeds_dir} to mode 0711: {exc.strerror}"
                ) from None
        return self.resolved_admin_token()

    def resolved_admin_token(self) -> str:
        """The admin token, from the variable, the file, or (development only) a generated file.

        Raises :class:`ServiceMisconfigured` when both sources are set, the file is unreadable or
        empty, or production mode has no token.
        """
        if self.admin_token is not None and self.admin_token_file is not None:
            raise ServiceMisconfigured("set ROTA_ADMIN_TOKEN or ROTA_ADMIN_TOKEN_FILE, not both")
        if self.admin_token is not None:
            token = self.admin_token.get_secret_value().strip()
            if not token:
                raise ServiceMisconfigured("ROTA_ADMIN_TOKEN is empty")
            return self._long_enough(token, "ROTA_ADMIN_TOKEN")
        if self.admin_token_file is not None:
            return self._long_enough(_token_from_file(self.admin_token_file), "ROTA_ADMIN_TOKEN_FILE's token")
        if self.mode == "production":
            raise ServiceMisconfigured(
                "production mode needs an admin token: set ROTA_ADMIN_TOKEN or ROTA_ADMIN_TOKEN_FILE"
            )
        return _development_token(self.data_dir / DEV_TOKEN_FILE)

    def _long_enough(self, token: str, what: str) -> str:
        if self.mode == "production" and len(token) < MIN_PRODUCTION_TOKEN:
            raise ServiceMisconfigured(
                f"{what} has {len(token)} characters; production mode needs at least {MIN_PRODUCTION_TOKEN}: "
                "make one with  python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return token


def get_settings() -> Settings:
    """Settings from the environment (read each call: call once per app and keep the result)."""
    return Settings()


def _check_writable(directory: Path, what: str, why: str) -> None:
    """``directory`` exists (made if need be) and this process may write in it."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ServiceMisconfigured(f"cannot make {what} {directory}: {exc.strerror}") from None
    if not directory.is_dir():
        raise ServiceMisconfigured(f"{what} {directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise ServiceMisconfigured(f"{what} {directory} is not writable by this user: {why}")


def _token_from_file(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ServiceMisconfigured(f"cannot read ROTA_ADMIN_TOKEN_FILE {path}: {exc}") from None
    token = lines[0].strip() if lines else ""
    if not token:
        raise ServiceMisconfigured(f"ROTA_ADMIN_TOKEN_FILE {path} has an empty first line")
    return token


def _development_token(path: Path) -> str:
    """The token in ``path``, made (mode 0600) with a fresh random token on first use."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_urlsafe(32)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            existing = _token_from_file(path)
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                path.chmod(0o600)
                log.warning("tightened permissions of the development admin token %s to 0600", path)
            log.info("development mode: admin token read from %s", path)
            return existing
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(token + "\n")
    except OSError as exc:
        raise ServiceMisconfigured(f"cannot keep the development admin token in {path}: {exc}") from None
    log.warning("development mode: generated an admin token, stored in %s (mode 0600)", path)
    return token
