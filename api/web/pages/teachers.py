"""The teachers' calendars.

The *teachers' page* is public: ``/feeds/{token}/`` (served by :mod:`api.routes.feeds`; the token in
the address is the only credential, so teachers need no account). In the school's language it lists
every calendar of the published version, class calendars first, each with its ``webcal://`` link
(calendar apps open it to subscribe), its web address with a copy button, and a QR code of the
``webcal://`` link for phones; then the steps for Google Calendar, Outlook, Apple Calendar and
Thunderbird. ``/app/s/{school}/teachers`` is the librarian's page: the teachers' page's own address
to hand out (with its QR code), the same calendars as a table (their QR codes are a link away, on
the teachers' page: a hundred of them would make the librarian's page half a megabyte to send
on every view), and the button that replaces every address.

A QR code costs segno about 6 ms, a hundred and fifty of them most of a second, so each is made once
per address (:func:`qr_svg`, a cache of a pure function of the address), and the public page is
rendered once per published version and address and kept (:class:`PublicPages`, one per app beside
its feed cache), with its ETag and gzipped bytes: after the first view a request costs a lookup.
Publishing from the web app (:mod:`api.web.pages.publish`) makes both at once (:func:`warm`), so
that the first teacher who opens the page does not wait.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import weakref
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Annotated, Literal

import segno
from fastapi import APIRouter, BackgroundTasks, Form, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from calendars.feeds import feed_key
from rota_solver import labels_for

from ... import storage
from ...deps import PublicBaseDep, SchoolSlug, SessionDep, StateDep
from ...errors import NotFound
from ...feed_cache import FeedCache, PublishedFeeds
from ..accounts import SignedIn
from ..auth import CsrfChecked, SchoolEditor
from ..i18n import Translator
from ..templating import env, render

router = APIRouter(prefix="/app/s/{school}", include_in_schema=False)

KINDS = ("class", "library", "grade", "staff", "helpers", "room")
"""The order of the groups on the page: the homeroom teachers' class calendars first."""
QR_CACHE_SIZE = 4096
"""QR codes kept (about 3 kB each): every calendar of a few dozen schools of 120 classes."""
STATIC = "../../app/static/"
"""The web app's static files as seen from ``/feeds/{token}/``: relative, so that they are found
behind a proxy that serves the service under a path of its own (``ROTA_PUBLIC_URL``)."""


@dataclass(frozen=True)
class FeedLink:
    """One calendar as the teachers' pages show it."""

    key: str
    kind: str
    name: str
    """The class, grade, person, team or room; for the whole school its calendar's own name."""
    note: str
    """The class's homeroom teacher, when the scenario names one."""
    events: int
    https: str
    """The feed's web address (``https://`` behind a proxy, or ``http://``)."""
    webcal: str
    """The same address as ``webcal://``, which calendar apps open to subscribe."""

    @property
    def anchor(self) -> str:
        return f"feed-{self.key}"

    @property
    def qr(self) -> Markup:
        """The QR code of ``webcal``, as inline SVG (hidden from screen readers: the page names
        it); made when a page first shows it."""
        return qr_svg(self.webcal)


@dataclass(frozen=True)
class FeedGroup:
    kind: str
    links: tuple[FeedLink, ...]


def webcal_of(url: str) -> str:
    """``url`` with its scheme made ``webcal``."""
    return "webcal://" + url.partition("://")[2]


@lru_cache(maxsize=QR_CACHE_SIZE)
def qr_svg(url: str) -> Markup:
    """The QR code of ``url`` (error correction M) as an SVG element to put in a page: black on
    white, three pixels a module, hidden from screen readers (the page says what it is)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, svgclass="qr", lineclass=None, light="#fff")
    return Markup(svg.replace("<svg ", '<svg aria-hidden="true" focusable="false" ', 1))


def feed_groups(entry: PublishedFeeds, base: str) -> tuple[FeedGroup, ...]:
    """Every feed of ``entry`` by kind, in :data:`KINDS` order; ``base`` is the teachers' page's
    own address (``.../feeds/{token}/``), which every feed's address starts with."""
    scenario = entry.scenario
    separator = " · "  # calendars' title separator, in both languages
    prefix = " ".join(scenario.school.name.split()) + separator
    homeroom = {feed_key("class", c.id): c.homeroom_teacher for c in scenario.classes}
    by_kind: dict[str, list[FeedLink]] = {kind: [] for kind in KINDS}
    for file in entry.files.values():
        feed = file.feed
        name = feed.title.removeprefix(prefix)
        if feed.kind != "library" and separator in name:
            name = name.rsplit(separator, 1)[0]  # less the suffix: 图书馆安排 / Library rota
        https = base + feed.filename
        link = FeedLink(
            feed.key, feed.kind, name, homeroom.get(feed.key, ""), feed.events, https, webcal_of(https)
        )

        by_kind.setdefault(feed.kind, []).append(link)
    return tuple(FeedGroup(kind, tuple(links)) for kind, links in by_kind.items() if links)


# --- the public page ---------------------------------------------------------------------------


@dataclass
class PublicPage:
    """The rendered teachers' page of one published version at one address."""

    body: bytes
    etag: str
    """Weak, of the plain bytes (the gzipped body carries it too), as the feeds' ETags."""
    _gzipped: bytes | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def gzipped(self) -> bytes:
        """The body gzipped: compressed on first use and kept."""
        with self._lock:
            if self._gzipped is None:
                # Level 6: the QR codes' paths take level 9 ten times as long for a tenth less.
                self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
            return self._gzipped


class PublicPages:
    """Each school's rendered teachers' page, for its published version (the feed cache's entry)
    and the address it was asked at; a new version or a new token renders it again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[str, tuple[PublishedFeeds, str, PublicPage]] = {}

    def get(self, entry: PublishedFeeds, base: str) -> PublicPage:
        with self._lock:
            found = self._pages.get(entry.school)
        if found is not None and found[0] is entry and found[1] == base:
            return found[2]
        page = render_public_page(entry, base)  # two at once render the same bytes: no lock needed
        with self._lock:
            self._pages[entry.school] = (entry, base, page)
        return page

    def forget(self, slug: str) -> None:
        with self._lock:
            self._pages.pop(slug, None)


_PUBLIC_PAGES: weakref.WeakKeyDictionary[FeedCache, PublicPages] = weakref.WeakKeyDictionary()
_PUBLIC_PAGES_LOCK = threading.Lock()


def public_pages(cache: FeedCache) -> PublicPages:
    """The rendered pages of the app whose feed cache is ``cache``: kept beside it, so that two
    apps in one process (as in the tests) never share one."""
    with _PUBLIC_PAGES_LOCK:
        pages = _PUBLIC_PAGES.get(cache)
        if pages is None:
            pages = _PUBLIC_PAGES[cache] = PublicPages()
        return pages


def public_page(cache: FeedCache, entry: PublishedFeeds, base: str) -> PublicPage:
    """The teachers' page of ``entry`` at ``base`` (its own address, ``.../feeds/{token}/``)."""
    return public_pages(cache).get(entry, base)


def render_public_page(entry: PublishedFeeds, base: str) -> PublicPage:
    locale = entry.scenario.school.locale
    body = (
        env.get_template("teachers/public.html")
        .render(
            t=Translator(locale),
            lang=labels_for(locale).html_lang,
            school_name=entry.scenario.school.name,
            groups=feed_groups(entry, base),
            published_at=entry.published_at,
            static=STATIC,
        )
        .encode()
    )
    return PublicPage(body, f'W/"{hashlib.sha256(body).hexdigest()}"')


def warm(cache: FeedCache, session: Session, token: str, base: str) -> None:
    """Build the published version's feeds, QR codes and teachers' page (plain and gzipped) now,
    after publishing, not when the first teacher opens it."""
    try:
        entry = cache.get(session, token)
    except NotFound:
        return
    public_page(cache, entry, base).gzipped()


# --- the librarian's page ----------------------------------------------------------------------

Done = Literal["published", "rotated"]


def _see(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _teachers_page(
    request: Request,
    school: str,
    session: Session,
    cache: FeedCache,
    public: str,
    who: SignedIn,
    status_code: int = 200,
    *,
    done: Done | None = None,
    number: int | None = None,
    confirm_error: bool = False,
) -> Response:
    info = storage.get_school(session, school)
    base = f"{public}/feeds/{info.feed_token}/"
    groups: tuple[FeedGroup, ...] = ()
    published_at = None
    if info.published_version is not None:
        try:
            entry = cache.get(session, info.feed_token)
        except NotFound:  # unpublished since the school was read: say nothing is published
            pass
        else:
            groups = feed_groups(entry, base)
            published_at = entry.published_at
    return render(
        request,
        "teachers/librarian.html",
        who,
        status_code,
        school=school,
        info=info,
        page_address=base,
        page_qr=qr_svg(base),
        groups=groups,
        published_at=published_at,
        done=done,
        number=number,
        confirm_error=confirm_error,
    )


@router.get("/teachers")
def teachers_page(
    request: Request,
    school: SchoolSlug,
    session: SessionDep,
    state: StateDep,
    public: PublicBaseDep,
    who: SchoolEditor,
    done: Done | None = None,
    n: int | None = None,
) -> Response:
    return _teachers_page(request, school, session, state.feed_cache, public, who, done=done, number=n)


@router.post("/teachers/feed-token", dependencies=[CsrfChecked])
def rotate_feed_token(
    request: Request,
    school: SchoolSlug,
    session: SessionDep,
    state: StateDep,
    public: PublicBaseDep,
    who: SchoolEditor,
    background: BackgroundTasks,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    if confirm != "yes":
        return _teachers_page(
            request, school, session, state.feed_cache, public, who, 422, confirm_error=True
        )
    old = storage.get_school(session, school).feed_token
    storage.rotate_feed_token(session, school)
    state.feed_cache.forget(school)
    public_pages(state.feed_cache).forget(school)
    state.feeds_changed(background, old)
    return _see(f"/app/s/{school}/teachers?done=rotated")
