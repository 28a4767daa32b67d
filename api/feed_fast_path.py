"""The feeds' fast path: a calendar app's poll of ``/feeds/{token}/{name}.ics`` answered straight
from the feed cache, in plain ASGI, before routing, dependencies or a database session.

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

from dataclasses import dataclass
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .conditional import CACHE_CONTROL, GZIP_MINIMUM_BYTES, PRIVATE, accepts_gzip, not_modified
from .feed_cache import PublishedFeeds

FEEDS_PREFIX = "/feeds/"

Headers = list[tuple[bytes, bytes]]


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
    """ASGI middleware: see the module's docstring."""

    def __init__(self, app: ASGIApp, recheck_seconds: float = 1.0) -> None:
        self.app = app
        self.recheck_seconds = recheck_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in ("GET", "HEAD"):
            path: str = scope["path"]
            if path.startswith(FEEDS_PREFIX) and path.endswith(".ics") and await self._answer(scope, send):
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, send: Send) -> bool:
        token, slash, name = scope["path"][len(FEEDS_PREFIX) :].partition("/")
        if not slash or "/" in name:
            return False
        state: Any = getattr(scope["app"].state, "service", None)
        if state is None:
            return False
        entry = state.feed_cache.fresh(token, self.recheck_seconds)
        if entry is None:
            return False
        feed = self._feed(entry, name)
        if feed is None:
            return False  # the long way says "no such feed" as a page
        headers = _request_headers(scope)
        validators = headers.get(b"if-none-match"), headers.get(b"if-modified-since")
        if not_modified(*validators, feed.etag, entry.published_at):
            await send({"type": "http.response.start", "status": 304, "headers": feed.not_modified})
            await send({"type": "http.response.body", "body": b""})
            return True
        if feed.gzipped is not None and accepts_gzip(headers.get(b"accept-encoding")):
            response_headers, body = feed.compressed, feed.gzipped
        else:
            response_headers, body = feed.plain, feed.body
        await send({"type": "http.response.start", "status": 200, "headers": response_headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
        return True

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
