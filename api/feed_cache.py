"""The built feeds of each school's published rota version, kept for the app's lifetime.

Below the routes: :mod:`api.deps` hands the app's :class:`FeedCache` to a route, the feed routes
(:mod:`api.routes.feeds`) serve from it and publishing a version (:mod:`api.routes.rotas`) resets
it; this module imports no route and no dependency.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from calendars import Feed, build_feeds
from rota_solver import Rota, Scenario, printable_html

from . import storage
from .errors import NotFound


@dataclass(frozen=True)
class FeedFile:
    """One built feed, ready to send."""

    feed: Feed
    etag: str
    """Weak ETag: ``W/`` and the quoted hex SHA-256 of the bytes (the gzipped body carries it too)."""


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
    _gzipped: dict[str, bytes] = field(default_factory=dict, repr=False)
    answers: dict[str, object] = field(default_factory=dict, repr=False)
    """The fast path's ready answers by file name (:mod:`api.feed_fast_path`), made on first use."""
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

    def gzipped(self, name: str, body: bytes) -> Callable[[], bytes]:
        """A function giving ``body`` (the file ``name`` of this version) gzipped, compressed on
        first use and kept: a feed is polled often, and mostly by the same few calendar apps."""

        def compressed() -> bytes:
            with self._lock:
                if name not in self._gzipped:
                    self._gzipped[name] = gzip.compress(body, mtime=0)
                return self._gzipped[name]

        return compressed


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
        self._checked_at: dict[str, float] = {}
        """Token -> monotonic time the database last said it names its school's cached entry."""

    def fresh(self, token: str, within: float) -> PublishedFeeds | None:
        """The entry behind ``token`` if the database confirmed it within the last ``within``
        seconds, without asking it again; None otherwise (the caller then goes the long way,
        :meth:`get`, which asks). Publishing or rotating in this process drops the entry at once;
        another process's publish is seen within ``within`` seconds."""
        with self._lock:
            checked = self._checked_at.get(token)
            if checked is None or time.monotonic() - checked > within:
                return None
            slug = self._school_of_token.get(token)
            return self._by_school.get(slug) if slug is not None else None

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
                    self._checked_at.pop(old, None)
                self._school_of_token[token] = school.slug
                self._checked_at[token] = time.monotonic()
            return entry

    def forget(self, slug: str) -> None:
        """Drop a school's entry and tokens (its token was rotated)."""
        with self._lock:
            self._by_school.pop(slug, None)
            for old in [t for t, s in self._school_of_token.items() if s == slug]:
                del self._school_of_token[old]
                self._checked_at.pop(old, None)

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
        with self._lock:
            if self._by_school.get(slug) is entry:
                self._checked_at[token] = time.monotonic()
        return entry


def _utc(moment: dt.datetime) -> dt.datetime:
    """``moment`` in UTC to the second (HTTP dates have no fractions); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _build(slug: str, version: int, at: dt.datetime, scenario: Scenario, rota: Rota) -> PublishedFeeds:
    files = {
        feed.filename: FeedFile(feed, f'W/"{hashlib.sha256(feed.ics).hexdigest()}"')
        for feed in build_feeds(scenario, rota)
    }
    return PublishedFeeds(slug, version, at, scenario, rota, files)
