"""The public side: a school's published rota as calendar feeds, under a secret token.

``/feeds/{token}/`` lists every feed, ``/feeds/{token}/{key}.ics`` is one feed and
``/feeds/{token}/rota.html`` the printable table. The token is the only credential: whoever has
the address can read the rota, and rotating it (``POST /schools/{school}/feed-token``) ends every
old address.

Calendar apps poll feeds every few hours, so answers are cheap: the feeds of a published version
are built once and kept in the app's :class:`~api.feed_cache.FeedCache`, each with a strong ETag
(SHA-256 of its bytes) and the publish time as Last-Modified, and a conditional request that
matches gets 304.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse

from calendars.index import FeedColumn, feed_page, feed_tables
from rota_solver import labels_for

from ..deps import SessionDep, get_feed_cache
from ..errors import NotFound
from ..feed_cache import FeedCache, PublishedFeeds
from ..schemas import Responses, error

CACHE_CONTROL = "max-age=300"
ROTA_HTML = "rota.html"
_PRIVATE = {"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow"}
"""The token is in every address: no Referer to other sites, no search engine."""


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
