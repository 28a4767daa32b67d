"""The first run: while the service has no admin account, ``rota serve`` prints a one-time link
to create it (valid for a day; the next start prints a new one while none was created)."""

from __future__ import annotations

from ..db import init_db, make_engine, make_session_factory
from ..settings import Settings
from .accounts import has_admin, new_setup_link_token


def first_run_link(settings: Settings, host: str, port: int) -> str | None:
    """Migrate the database; then, if it has no admin account, a new one-time link to make one."""
    engine = make_engine(settings.resolved_database_url())
    try:
        init_db(engine)
        with make_session_factory(engine)() as session:
            if has_admin(session):
                return None
            token = new_setup_link_token(session)
            session.commit()
    finally:
        engine.dispose()
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = settings.public_base(f"http://{shown_host}:{port}") or f"http://{shown_host}:{port}"
    return f"{base}/app/setup/{token}"
