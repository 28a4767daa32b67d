"""What a route needs, as typed dependencies: the settings, a database session, the admin check,
the job runner and the feed cache. The ones that only look something up are ``async`` (run on the
event loop, no thread hop); the session is a plain generator (its commit may block).

Everything lives in one :class:`ServiceState` on ``app.state.service``, made by the app's
lifespan (``api.main``); nothing here is module-level state, so two apps in one process (as in
the tests) never share a database, a runner or a cache.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import BackgroundTasks, Depends, HTTPException, Path, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from .feed_cache import FeedCache
from .jobs import Jobs
from .settings import Settings
from .static_feeds import StaticFeeds
from .storage import SLUG_PATTERN

ADMIN = "admin"
"""Who a request with the admin token is, as stored with what it submits."""


@dataclass
class ServiceState:
    """Everything one running app holds."""

    settings: Settings
    admin_token: str
    session_factory: sessionmaker[Session]
    runner: Jobs
    feed_cache: FeedCache
    static_feeds: StaticFeeds | None = None
    """The published feeds as files for nginx (``ROTA_STATIC_FEEDS_DIR``), if kept."""

    def feeds_changed(self, background: BackgroundTasks, *old_tokens: str) -> None:
        """After a publish or a rotated token: ``old_tokens``' files stop being served at once, and
        the files are brought in line with the database once the change is committed."""
        if self.static_feeds is None:
            return
        for token in old_tokens:
            self.static_feeds.drop(token)
        background.add_task(self.static_feeds.sync_logged, self.session_factory, self.feed_cache)


async def get_state(request: Request) -> ServiceState:
    state: ServiceState | None = getattr(request.app.state, "service", None)
    if state is None:  # a TestClient used without ``with``: the lifespan never ran
        raise RuntimeError("the app's lifespan has not run; use it as `with TestClient(app) as client`")
    return state


StateDep = Annotated[ServiceState, Depends(get_state)]


async def get_settings(state: StateDep) -> Settings:
    return state.settings


def get_session(state: StateDep) -> Iterator[Session]:
    """A session for one request: committed when the route returns, before the response is sent,
    rolled back if it raises."""
    with state.session_factory() as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


_bearer = HTTPBearer(
    auto_error=False,
    description="The admin token: `ROTA_ADMIN_TOKEN`, or the file `<data dir>/admin-token` in development.",
)


async def require_admin(
    state: StateDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> str:
    """``Authorization: Bearer <admin token>`` or 401; returns who is asking."""
    given = credentials.credentials if credentials is not None else ""
    if not secrets.compare_digest(given.encode(), state.admin_token.encode()):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            detail="send the admin token as `Authorization: Bearer <token>`",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return ADMIN


async def get_public_base(state: StateDep, request: Request) -> str:
    """The service's public address, no trailing slash: ``ROTA_PUBLIC_URL``, or in development the
    request's own (from its Host header, which production never trusts)."""
    base = state.settings.public_base(str(request.base_url))
    if base is None:  # Settings.check refused to start production without one
        raise RuntimeError("production mode without ROTA_PUBLIC_URL")
    return base


async def get_runner(state: StateDep) -> Jobs:
    return state.runner


async def get_feed_cache(state: StateDep) -> FeedCache:
    return state.feed_cache


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
AdminDep = Annotated[str, Depends(require_admin)]
RunnerDep = Annotated[Jobs, Depends(get_runner)]
PublicBaseDep = Annotated[str, Depends(get_public_base)]
MAX_NUMBER = 2**31 - 1
"""The largest version number a path or query takes (a 32-bit integer column holds it); larger
numbers get 422, not a database overflow."""
VersionNumber = Annotated[
    int, Path(ge=1, le=MAX_NUMBER, description="Rota version number, counting up from 1.")
]
SchoolSlug = Annotated[
    str,
    Path(
        pattern=SLUG_PATTERN,
        description="The school's slug: lower-case letters, digits, `-` and `_`, e.g. `sunshine-primary`.",
    ),
]
