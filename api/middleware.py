"""HTTP details around the routes: answers to ``OPTIONS``, gzip for the admin side's larger
answers, and feed tokens kept out of uvicorn's access log."""

from __future__ import annotations

import logging
import re
from typing import Any

from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

GZIP_MINIMUM_BYTES = 1024
FEEDS_PREFIX = "/feeds/"
_FEED_TOKEN = re.compile(r"(/feeds/)[^/?#\s]+")
REDACTED = "…"
_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class AllowHeader:
    """``OPTIONS`` on any path the app serves: 204 with every method its routes take in ``Allow``
    (FastAPI alone answers 405 with the first matching route's methods only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        routes = scope["app"].router.routes
        methods = {
            method
            for method in _METHODS
            if any(route.matches({**scope, "method": method})[0] is Match.FULL for route in routes)
        }
        if not methods:
            await self.app(scope, receive, send)  # no such path: the app's 404
            return
        allow = ", ".join(sorted(methods | {"OPTIONS"}))
        await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)


class GZipExceptFeeds(GZipMiddleware):
    """Starlette's gzip for every answer but the feeds, which send their own cached gzipped bytes
    (with ``Vary`` and a weak ETag: ``api.routes.feeds``)."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=6)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(FEEDS_PREFIX):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def redact_feed_tokens(text: str) -> str:
    """``/feeds/<token>/...`` with the token replaced by an ellipsis."""
    return _FEED_TOKEN.sub(rf"\g<1>{REDACTED}", text)


class RedactFeedTokens(logging.Filter):
    """Keeps feed tokens, the feeds' only credential, out of the log records it filters
    (uvicorn's access log: ``"GET /feeds/…/class-3-2.ics HTTP/1.1" 200``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.msg, str):
            record.msg = redact_feed_tokens(record.msg)
        return True


def _redacted(arg: Any) -> Any:
    return redact_feed_tokens(arg) if isinstance(arg, str) else arg


def redact_access_log() -> None:
    """Add :class:`RedactFeedTokens` to uvicorn's access logger, once per process (uvicorn's own
    logging set-up keeps a logger's filters)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactFeedTokens) for f in access.filters):
        access.addFilter(RedactFeedTokens())
