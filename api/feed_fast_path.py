"""The feeds' fast path: a calendar app's poll of ``/feeds/{token}/{name}.ics`` answered straight
from the feed cache, in plain ASGI, before any middleware, routing, dependencies or a database session.

Calendar apps poll every feed every few hours, all day, and most answers are 304: the whole cost
is the framework around a few hundred bytes. This path answers a GET or HEAD for a feed the
cache holds and the database confirmed within ``ROTA_FEED_RECHECK_SECONDS`` (default 1 s); every
other request (the first after a start or a publish, an unknown token or file, the teachers'
page) goes the long way through :mod:`api.routes.feeds`, which asks the database and answers
identically (the same headers, validators and gzip rule: :mod:`api.conditional`). A publish or a
rotated token in this process drops the entry at once; in another server process it is seen
within the recheck time, far inside the feeds' ``max-age=300``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from starlette.types import Receive, Scope, Send

from .conditional import CACHE_CONTROL, GZIP_MINIMUM_BYTES, PRIVATE, accepts_gzip, not_modified
from .feed_cache import PublishedFeeds

log = logging.getLogger(__name__)

FEEDS_PREFIX = "/feeds/"

Headers = list[tuple[bytes, bytes]]
Answer = tuple[int, Headers, bytes]
"""Status, headers, body."""


@dataclass(frozen=True)
class PreparedFeed:
    """One feed's answers, headers encoded once."""

    etag: str
    body: bytes
    gzipped: bytes | None
    """The gzipped body, for feeds large enough to be worth it."""
    not_modified: Headers
    plain: Headers
    compressed: Headers


def _encode(pairs: list[tuple[str, str]]) -> Headers:
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


def prepare(entry: PublishedFeeds, name: str) -> PreparedFeed | None:
    file = entry.files.get(name)
    if file is None:
        return None
    body = file.feed.ics
    common = [
        ("etag", file.etag),
        ("last-modified", entry.last_modified),
        ("cache-control", CACHE_CONTROL),
        ("vary", "Accept-Encoding"),
        *PRIVATE.items(),
    ]
    media = ("content-type", "text/calendar; charset=utf-8")
    gzipped = entry.gzipped(name, body)() if len(body) >= GZIP_MINIMUM_BYTES else None
    compressed: Headers = []
    if gzipped is not None:
        compressed = _encode(
            [("content-length", str(len(gzipped))), media, *common, ("content-encoding", "gzip")]
        )
    return PreparedFeed(
        etag=file.etag,
        body=body,
        gzipped=gzipped,
        not_modified=_encode(common),
        plain=_encode([("content-length", str(len(body))), media, *common]),
        compressed=compressed,
    )


class FeedFastPath:
    """Answers a cached feed's poll, or says to go the long way (None): see the module's docstring.
    Pure: it decides before anything is sent, so a fault here can still go the long way."""

    def __init__(self, recheck_seconds: float = 1.0) -> None:
        self.recheck_seconds = recheck_seconds

    def answer(self, app: Any, scope: Scope) -> Answer | None:
        if scope["method"] not in ("GET", "HEAD"):
            return None
        path: str = scope["path"]
        if not (path.startswith(FEEDS_PREFIX) and path.endswith(".ics")):
            return None
        token, slash, name = path[len(FEEDS_PREFIX) :].partition("/")
        if not slash or "/" in name:
            return None
        state: Any = getattr(app.state, "service", None)
        if state is None:
            return None
        entry = state.feed_cache.fresh(token, self.recheck_seconds)
        if entry is None:
            return None
        feed = self._feed(entry, name)
        if feed is None:
            return None  # the long way says "no such feed" as a page
        headers = _request_headers(scope)
        validators = headers.get(b"if-none-match"), headers.get(b"if-modified-since")
        if not_modified(*validators, feed.etag, entry.published_at):
            return 304, feed.not_modified, b""
        if feed.gzipped is not None and accepts_gzip(headers.get(b"accept-encoding")):
            response_headers, body = feed.compressed, feed.gzipped
        else:
            response_headers, body = feed.plain, feed.body
        return 200, response_headers, b"" if scope["method"] == "HEAD" else body

    @staticmethod
    def _feed(entry: PublishedFeeds, name: str) -> PreparedFeed | None:
        answer = entry.answers.get(name)
        if answer is None:
            answer = entry.answers.setdefault(name, prepare(entry, name) or _NO_FEED)
        return answer if isinstance(answer, PreparedFeed) else None


_NO_FEED = object()


def _request_headers(scope: Scope) -> dict[bytes, str]:
    wanted = (b"if-none-match", b"if-modified-since", b"accept-encoding")
    return {name: value.decode("latin-1") for name, value in scope["headers"] if name in wanted}


class FeedsFirstApp(FastAPI):
    """The service's app: a cached feed's poll is answered before Starlette's own middleware and
    ours (``bench.feed_serving`` with ``wrk``: 304s at 7,500-8,900 requests/s behind them,
    11,600-12,900 before them)."""

    feed_fast_path: FeedFastPath | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.feed_fast_path is not None and scope["type"] == "http":
            try:
                answer = self.feed_fast_path.answer(self, scope)
            except Exception:  # nothing sent yet: the long way answers, and says what went wrong
                log.exception("the feeds' fast path failed on %s; answered the long way", scope["path"])
                answer = None
            if answer is not None:
                status, headers, body = answer
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await super().__call__(scope, receive, send)
