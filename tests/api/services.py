"""The real PostgreSQL and Redis the queue tests run against (scripts/test.sh starts them): a
database of this test run's own, made and dropped here, and a Redis key prefix of its own."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import redis

POSTGRES_ADMIN = os.environ.get("ROTA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
"""A database the tests may connect to, to make and drop their own (trust auth on loopback)."""
REDIS = os.environ.get("ROTA_TEST_REDIS", "redis://127.0.0.1:6379")
"""The Redis server; each test run takes a database number and a key prefix of its own."""


@contextmanager
def postgres_database(label: str = "rota_test") -> Iterator[str]:
    """A new, empty PostgreSQL database: its SQLAlchemy URL; dropped afterwards."""
    name = f"{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    info = psycopg.conninfo.conninfo_to_dict(POSTGRES_ADMIN)
    host, port, user = info.get("host", "127.0.0.1"), info.get("port", "5432"), info.get("user", "postgres")
    try:
        yield f"postgresql+psycopg://{user}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def redis_namespace() -> Iterator[dict[str, str]]:
    """Queue settings on a Redis database number and key prefix of this run's own; its keys are
    deleted afterwards."""
    db = random.randint(1, 15)
    prefix = f"rota-test-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    url = f"{REDIS}/{db}"
    client = redis.Redis.from_url(url)
    client.ping()
    try:
        yield {"ROTA_BROKER_URL": url, "ROTA_QUEUE_PREFIX": prefix}
    finally:
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)
        client.close()
