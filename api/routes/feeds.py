"""The public side: a school's published rota as calendar feeds, under a secret token.

``/feeds/{token}/`` lists every feed, ``/feeds/{token}/{key}.ics`` is one feed and
``/feeds/{token}/rota.html`` the printable table. The token is the only credential: whoever has
the address can read the rota, and rotating it (``POST /schools/{school}/feed-token``) ends every
old address.

Calendar apps poll feeds every few hours, so answers are cheap: the feeds of a published version
are built once and kept in the app's :class:`FeedCache`, each with a strong ETag (SHA-256 of its
bytes) and the publish time as Last-Modified, and a conditional request that matches gets 304.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import threading
from dataclasses import dataclass, field
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from calendars import Feed, build_feeds
from calendars.index import FeedColumn, feed_page, feed_tables
from rota_solver.labels import labels_for
from rota_solver.printable import printable_html
from rota_solver.rota import Rota
from rota_solver.scenario import Scenario

from .. import storage
from ..deps import SessionDep, get_feed_cache
from ..errors import NotFound
from ..schemas import Responses, error

CACHE_CONTROL = "max-age=300"
ROTA_HTML = "rota.html"
_PRIVATE = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
"""The token is in every address: no Referer to other sites, no search engine."""


@dataclass(frozen=True)
class FeedFile:
    """One built feed, ready to send."""

    feed: Feed
    etag: str
    """Strong ETag: the quoted hex SHA-256 of the bytes."""


@dataclass
class PublishedFeeds:
    """Every feed of one published rota version of one school."""

    school: str
    version: int
    published_at: dt.datetime
    scenario: Scenario
    rota: Rota
    files: dict[str, FeedFile]
    """By file name, in :func:`calendars.build_feeds` order."""
    _html: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def last_modified(self) -> str:
        return email.utils.format_datetime(self.published_at, usegmt=True)

    def rota_html(self) -> bytes:
        """The printable table, rendered on first use."""
        with self._lock:
            if self._html is None:
                self._html = printable_html(self.scenario, self.rota).encode()
            return self._html


class FeedCache:
    """The built feeds of each school's published version, one entry per school.

    A request finds its entry from the token with one cheap query (the school's current token and
    published version); only a new token, a new published version or a new app builds again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()
        self._by_school: dict[str, PublishedFeeds] = {}
        self._school_of_token: dict[str, str] = {}

    def get(self, session: Session, token: str) -> PublishedFeeds:
        """The published feeds behind ``token``; :class:`NotFound` if it names none."""
        cached = self._cached(session, token)
        if cached is not None:
            return cached
        with self._build_lock:  # one build at a time (any school): a burst of first requests builds once
            cached = self._cached(session, token)
            if cached is not None:
                return cached
            school, version, rota, scenario, at = storage.published(session, None, token)
            entry = _build(school.slug, version.number, _utc(at), scenario, rota)
            with self._lock:
                self._by_school[school.slug] = entry
                for old in [t for t, slug in self._school_of_token.items() if slug == school.slug]:
                    del self._school_of_token[old]
                self._school_of_token[token] = school.slug
            return entry

    def forget(self, slug: str) -> None:
        """Drop a school's entry and tokens (its token was rotated)."""
        with self._lock:
            self._by_school.pop(slug, None)
            for old in [t for t, s in self._school_of_token.items() if s == slug]:
                del self._school_of_token[old]

    def _cached(self, session: Session, token: str) -> PublishedFeeds | None:
        with self._lock:
            slug = self._school_of_token.get(token)
            entry = self._by_school.get(slug) if slug is not None else None
        if slug is None or entry is None:
            return None
        try:
            school = storage.get_school(session, slug)
        except NotFound:
            return None
        if school.feed_token != token or school.published_version != entry.version:
            return None
        return entry


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC to the second (HTTP dates have no fractions); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _build(slug: str, version: int, at: dt.datetime, scenario: Scenario, rota: Rota) -> PublishedFeeds:
    files = {
        feed.filename: FeedFile(feed, f'"{hashlib.sha256(feed.ics).hexdigest()}"')
        for feed in build_feeds(scenario, rota)
    }
    return PublishedFeeds(slug, version, at, scenario, rota, files)


FeedCacheDep = Annotated[FeedCache, Depends(get_feed_cache)]

router = APIRouter(prefix="/feeds", tags=["feeds (public, by token)"])

_NOT_FOUND = error(404, "Unknown or rotated token, or no such feed.")


_FEED_RESPONSES: Responses = {
    200: {"content": {"text/calendar": {}}, "description": "The iCalendar feed."},
    304: {"description": "Not modified: the `If-None-Match` or `If-Modified-Since` matches."},
    **_NOT_FOUND,
}


@router.get(
    "/{token}/",
    response_class=HTMLResponse,
    responses=_NOT_FOUND,
    summary="The feed index page: every calendar with its subscribe links",
)
def feed_index(token: str, request: Request, session: SessionDep, cache: FeedCacheDep) -> HTMLResponse:
    entry = cache.get(session, token)
    base = f"{request.url.netloc}{request.scope.get('root_path', '')}/feeds/{token}/"
    page = _index_page(entry, scheme=request.url.scheme, base=base)
    return HTMLResponse(page, headers={"Cache-Control": CACHE_CONTROL, **_PRIVATE})


@router.get(
    f"/{{token}}/{ROTA_HTML}",
    response_class=HTMLResponse,
    responses=_NOT_FOUND,
    summary="The published rota as a printable table (A4 landscape)",
)
def feed_rota_html(token: str, session: SessionDep, cache: FeedCacheDep) -> Response:
    entry = cache.get(session, token)
    headers = {"Cache-Control": CACHE_CONTROL, "Last-Modified": entry.last_modified, **_PRIVATE}
    return Response(entry.rota_html(), media_type="text/html; charset=utf-8", headers=headers)


@router.head("/{token}/{filename}", include_in_schema=False)
@router.get(
    "/{token}/{filename}",
    response_class=Response,
    responses=_FEED_RESPONSES,
    summary="One calendar feed (.ics), with ETag and Last-Modified for conditional polling",
)
def feed_file(
    token: str, filename: str, request: Request, session: SessionDep, cache: FeedCacheDep
) -> Response:
    entry = cache.get(session, token)
    file = entry.files.get(filename)
    if file is None:
        raise NotFound(f"feed {filename!r}")
    headers = {
        "ETag": file.etag,
        "Last-Modified": entry.last_modified,
        "Cache-Control": CACHE_CONTROL,
        **_PRIVATE,
    }
    if _not_modified(request, file.etag, entry.published_at):
        return Response(status_code=304, headers=headers)
    return Response(file.feed.ics, media_type="text/calendar; charset=utf-8", headers=headers)


def _not_modified(request: Request, etag: str, last_modified: dt.datetime) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present (weak comparison), else
    If-Modified-Since (ignored when it cannot be parsed)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        tags = [tag.strip() for tag in if_none_match.split(",")]
        return any(tag == "*" or tag.removeprefix("W/") == etag for tag in tags)
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None:
        return False
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:  # "-0000": UTC by RFC 5322
        since = since.replace(tzinfo=dt.UTC)
    return last_modified <= since


def _index_page(entry: PublishedFeeds, *, scheme: str, base: str) -> str:
    """Every feed of ``entry`` with its ``webcal://`` and ``https://`` addresses, and the printable
    table; the token is in the address, so the page asks browsers not to send it on as a referrer."""
    scenario = entry.scenario
    printable = labels_for(scenario.school.locale).headings["title"]

    def link(url: str) -> str:
        return f'<a href="{escape(url)}" type="text/calendar">{escape(url)}</a>'

    columns: list[FeedColumn] = [
        ("webcal://", lambda feed: link(f"webcal://{base}{feed.filename}")),
        (f"{scheme}://", lambda feed: link(f"{scheme}://{base}{feed.filename}")),
    ]
    feeds = [file.feed for file in entry.files.values()]
    body = [f'<p><a href="{ROTA_HTML}">{escape(printable)}</a></p>']
    body += feed_tables(scenario.school.locale, feeds, columns)
    return feed_page(
        scenario,
        body,
        version_time=entry.published_at,
        extra_head=['<meta name="referrer" content="no-referrer">'],
    )
