"""The public side: a school's published rota as calendar feeds, under a secret token.

``/feeds/{token}/`` is the teachers' page (every feed with its subscribe links and QR code, and how
to subscribe, in the school's language), ``/feeds/{token}/{key}.ics`` is one feed and
``/feeds/{token}/rota.html`` the printable table. The token is the only credential: whoever has
the address can read the rota, and rotating it (``POST /schools/{school}/feed-token``) ends every
old address.

Calendar apps poll feeds every few hours, so answers are cheap: the feeds of a published version
are built once and kept in the app's :class:`~api.feed_cache.FeedCache`, each with a weak ETag
(SHA-256 of its bytes; weak because the gzipped and the plain body share it) and the publish time
as Last-Modified, and a conditional request that matches gets 304. Every 404 here is an HTML page:
a calendar app shows nothing either way, and a person who opens the address reads why.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections.abc import Callable
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from rota_solver import labels_for

from .. import storage
from ..conditional import CACHE_CONTROL, GZIP_MINIMUM_BYTES, PRIVATE, accepts_gzip, not_modified
from ..deps import PublicBaseDep, SessionDep, get_feed_cache
from ..errors import NotFound
from ..feed_cache import FeedCache, PublishedFeeds
from ..schemas import Responses
from ..web.pages.teachers import PublicPage, public_page

ROTA_HTML = "rota.html"
_PRIVATE = PRIVATE


FeedCacheDep = Annotated[FeedCache, Depends(get_feed_cache)]

router = APIRouter(prefix="/feeds", tags=["feeds (public, by token)"])

_NOT_FOUND: Responses = {
    404: {
        "content": {"text/html": {"schema": {"type": "string"}}},
        "description": "An HTML page: the token is unknown or was rotated, there is no such feed, or (in the "
        "school's language) nothing is published yet.",
    }
}
_CONDITIONAL: Responses = {
    304: {"description": "Not modified: the `If-None-Match` or `If-Modified-Since` matches."},
}
_FEED_RESPONSES: Responses = {
    200: {"content": {"text/calendar": {"schema": {"type": "string"}}}, "description": "The iCalendar feed."},
    **_CONDITIONAL,
    **_NOT_FOUND,
}
_HTML_RESPONSES: Responses = {200: {"content": {"text/html": {"schema": {"type": "string"}}}}, **_CONDITIONAL}


@router.head(f"/{{token}}/{ROTA_HTML}", include_in_schema=False)
@router.get(
    f"/{{token}}/{ROTA_HTML}",
    response_class=HTMLResponse,
    responses=_HTML_RESPONSES | _NOT_FOUND,
    summary="The published rota as a printable table (A4 landscape)",
)
def feed_rota_html(token: str, request: Request, session: SessionDep, cache: FeedCacheDep) -> Response:
    entry = _published(session, cache, token)
    if isinstance(entry, Response):
        return entry
    page = entry.rota_html()
    html = "text/html; charset=utf-8"
    return _send(request, page, html, _etag(page), entry, entry.gzipped(ROTA_HTML, page))


@router.head("/{token}/", include_in_schema=False)
@router.get(
    "/{token}/",
    response_class=HTMLResponse,
    responses=_HTML_RESPONSES | _NOT_FOUND,
    summary="The teachers' page: every calendar with its subscribe links, QR codes and how to subscribe",
)
def feed_index(
    token: str, request: Request, session: SessionDep, cache: FeedCacheDep, public: PublicBaseDep
) -> Response:
    entry = _published(session, cache, token)
    if isinstance(entry, Response):
        return entry
    page = _index_page(cache, entry, f"{public}/feeds/{token}/")
    return _send(request, page.body, "text/html; charset=utf-8", page.etag, entry, page.gzipped)


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
    entry = _published(session, cache, token)
    if isinstance(entry, Response):
        return entry
    file = entry.files.get(filename)
    if file is None:
        return _not_found_page(f"feed {filename}", None)
    ics = file.feed.ics
    return _send(request, ics, "text/calendar; charset=utf-8", file.etag, entry, entry.gzipped(filename, ics))


def _published(session: Session, cache: FeedCache, token: str) -> PublishedFeeds | Response:
    """The published feeds behind ``token``, or the HTML page (404) that says why there are none."""
    try:
        return cache.get(session, token)
    except NotFound:
        return _not_found_page("feed address", storage.unpublished_school(session, token))


def _send(
    request: Request,
    body: bytes,
    media_type: str,
    etag: str,
    entry: PublishedFeeds,
    gzipped: Callable[[], bytes] | None,
) -> Response:
    """``body`` with its validators, 304 when the request's match, gzipped when the client takes it.

    The ETag is weak (``W/"<sha-256 of the plain bytes>"``): both encodings of one version carry it,
    as RFC 9110 allows only weak tags to, and ``Vary: Accept-Encoding`` tells caches they differ."""
    headers = {
        "ETag": etag,
        "Last-Modified": entry.last_modified,
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
        **_PRIVATE,
    }
    if _not_modified(request, etag, entry.published_at):
        return Response(status_code=304, headers=headers)
    if len(body) >= GZIP_MINIMUM_BYTES and _accepts_gzip(request):
        body = gzipped() if gzipped is not None else gzip.compress(body, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=media_type, headers=headers)


def _etag(body: bytes) -> str:
    return f'W/"{hashlib.sha256(body).hexdigest()}"'


def _accepts_gzip(request: Request) -> bool:
    return accepts_gzip(request.headers.get("accept-encoding"))


def _not_modified(request: Request, etag: str, last_modified: dt.datetime) -> bool:
    return not_modified(
        request.headers.get("if-none-match"), request.headers.get("if-modified-since"), etag, last_modified
    )


_NOT_PUBLISHED = {
    "zh": (
        "{school}：尚未发布",
        "{school}的图书馆轮流安排表还没有发布。发布后，本页会列出所有日历的订阅地址。",
    ),
    "en": (
        "{school}: not published yet",
        "{school}'s library rota is not published yet. Once it is, this page lists every calendar "
        "with its subscribe links.",
    ),
}
_NO_SUCH_FEED = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta name="referrer" content="no-referrer"><title>Not found</title></head><body><h1>Not found</h1>'
    "<p>There is no {what} here: the address may have been mistyped, or replaced by a new one.</p>"
    '<p lang="zh-CN">找不到该地址：可能输入有误，或已更换为新地址。</p></body></html>\n'
)


def _not_found_page(what: str, school: storage.UnpublishedSchool | None) -> HTMLResponse:
    """404 as a page: for a school whose token is right but has nothing published, in its language."""
    headers = {"Cache-Control": "no-cache", **_PRIVATE}
    if school is None:
        return HTMLResponse(_NO_SUCH_FEED.format(what=escape(what)), status_code=404, headers=headers)
    title, text = _NOT_PUBLISHED["zh" if school.locale.lower().startswith("zh") else "en"]
    lang = labels_for(school.locale).html_lang
    name = escape(school.name)
    page = (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="referrer" content="no-referrer">'
        f"<title>{title.format(school=name)}</title></head><body><h1>{title.format(school=name)}</h1>"
        f"<p>{text.format(school=name)}</p></body></html>\n"
    )
    return HTMLResponse(page, status_code=404, headers=headers)


def _index_page(cache: FeedCache, entry: PublishedFeeds, base: str) -> PublicPage:
    """The teachers' page of ``entry`` (``base`` is its own public address): in the school's language,
    every feed with its ``webcal://`` and web address, a copy button and a QR code, the steps to
    subscribe in four calendar apps, and the printable table (:mod:`api.web.pages.teachers`). Rendered
    once per published version and address, with its ETag and gzipped bytes; the token is in the
    address, so the page asks browsers not to send it on as a referrer."""
    return public_page(cache, entry, base)
