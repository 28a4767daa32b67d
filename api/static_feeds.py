"""The published feeds kept as plain files (``ROTA_STATIC_FEEDS_DIR``), for nginx in front of the
service to answer calendar apps' polls from disk (``deploy/nginx/``).

A poll answered by the service costs a Python server's own floor: ``bench.feed_serving`` measures
it against nginx. With the files, nginx answers every poll of a published feed itself, and a
long solve on the same cores, or a restart, does not slow the feeds. Whatever the files do not
hold, nginx asks the service: the teachers' page, the printable table, a token that was rotated or
has published nothing, a feed still being written. The service then answers as it does without
the files, so a missing file is never wrong, only slower.

Layout (the directory and both folders are mode 0711: a server can open a file whose path it
knows, nobody can list the tokens)::

    feeds/<token> -> ../versions/<slug>.<version>.<n>     one symlink per published school
    versions/<slug>.<version>.<n>/<name>.ics              the feed's bytes, as the service sends them
    versions/<slug>.<version>.<n>/<name>.ics.gz           its gzipped bytes (nginx's gzip_static)

Each file's modification time is the publish time (nginx's Last-Modified, and its ETag with the
size), moved on by a second where a school's previous version had the same time, so that no poll
with the old validators gets 304 for new bytes.

Removing comes first, writing after the commit: a publish or a rotated token drops the school's
link at once, and :meth:`StaticFeeds.sync` writes what the database says, after the change's
commit, at start-up and every ``ROTA_STATIC_FEEDS_RECHECK_SECONDS`` (for changes made by server
processes on other machines). Syncs are serialized across the processes of one machine by a lock
file, and each reads the database inside it, so the last sync leaves the database's state. A new
version is written into a folder of its own and its link replaced in one rename, so a poll reads
either the old feed or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from . import storage
from .conditional import GZIP_MINIMUM_BYTES
from .errors import NotFound, ServiceMisconfigured
from .feed_cache import FeedCache, PublishedFeeds

log = logging.getLogger(__name__)

FEEDS = "feeds"
VERSIONS = "versions"
LOCK = ".lock"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_FEED_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,200}\.ics$")
_VERSION_DIR = re.compile(r"^([a-z0-9][a-z0-9_-]{0,62})\.(\d+)\.(\d+)$")
_PRIVATE = 0o711


@dataclass(frozen=True)
class Mirrored:
    """What one ``versions/`` folder holds: a school's published version."""

    slug: str
    version: int
    n: int
    """Tells apart two writes of one version (a version published again after another)."""

    @property
    def name(self) -> str:
        return f"{self.slug}.{self.version}.{self.n}"

    @classmethod
    def parse(cls, name: str) -> Mirrored | None:
        found = _VERSION_DIR.match(name)
        if found is None:
            return None
        return cls(found.group(1), int(found.group(2)), int(found.group(3)))


@dataclass(frozen=True)
class SyncReport:
    written: list[str]
    """Slugs whose published version was written."""
    dropped: int
    """Token links removed (rotated, unpublished, or pointing at an older version)."""


class StaticFeeds:
    """The published feeds of every school as files under ``root``: see the module's docstring."""

    def __init__(self, root: Path) -> None:
        self.root = root
        try:
            for folder in (root, root / FEEDS, root / VERSIONS):
                folder.mkdir(parents=True, exist_ok=True)
                folder.chmod(_PRIVATE)
        except OSError as exc:
            what = f"cannot prepare ROTA_STATIC_FEEDS_DIR {root}: {exc.strerror}"
            raise ServiceMisconfigured(what) from None
        self._lock = threading.Lock()

    def drop(self, token: str) -> None:
        """Stop serving ``token``'s files now: nginx then asks the service, which asks the database."""
        if _TOKEN.match(token):
            with contextlib.suppress(FileNotFoundError):
                (self.root / FEEDS / token).unlink()

    def sync(self, session_factory: Callable[[], Session], cache: FeedCache) -> SyncReport:
        """Make the files say what the database says: every published school's current version under
        its current token, nothing else."""
        with self._locked(), session_factory() as session:
            wanted = {
                school.feed_token: school
                for school in storage.list_schools(session)
                if school.published_version is not None and _TOKEN.match(school.feed_token)
            }
            links = self._links()
            stale = [token for token, target in links.items() if not _shows(target, wanted.get(token))]
            for token in stale:
                (self.root / FEEDS / token).unlink(missing_ok=True)
            written = []
            for token, school in wanted.items():
                if _shows(links.get(token), school):
                    continue
                try:
                    entry = cache.get(session, token)
                except NotFound:  # rotated or unpublished since the list was read: the next sync sees it
                    continue
                self._link(token, self._write(entry))
                written.append(school.slug)
            self._prune()
        return SyncReport(written, len(stale))

    def sync_logged(self, session_factory: Callable[[], Session], cache: FeedCache) -> None:
        """:meth:`sync` for a background task: a failure (a full disk, say) is logged, and the files
        it could not write are simply not there, so the service answers those polls itself."""
        try:
            report = self.sync(session_factory, cache)
        except Exception:
            log.exception("the static feed files in %s could not be brought up to date", self.root)
            return
        if report.written or report.dropped:
            log.info(
                "static feed files: %d school(s) written, %d old address(es) removed",
                len(report.written),
                report.dropped,
            )

    # --- the files --------------------------------------------------------------------------

    def _links(self) -> dict[str, Mirrored | None]:
        """Token -> the version its link points at (None for a link to nothing this module wrote, or
        to a folder no longer there)."""
        links: dict[str, Mirrored | None] = {}
        for path in (self.root / FEEDS).iterdir():
            if path.name.startswith("."):
                continue
            try:
                target = os.readlink(path)
            except OSError:
                links[path.name] = None
                continue
            links[path.name] = Mirrored.parse(Path(target).name) if path.exists() else None
        return links

    def _write(self, entry: PublishedFeeds) -> Mirrored:
        versions = self.root / VERSIONS
        found = map(Mirrored.parse, os.listdir(versions))
        earlier = [m for m in found if m is not None and m.slug == entry.school]
        n = max((m.n for m in earlier), default=0) + 1
        mirrored = Mirrored(entry.school, entry.version, n)
        mtime = int(entry.published_at.timestamp())
        for m in earlier:  # never the same Last-Modified as an older version of this school
            with contextlib.suppress(OSError):
                for path in (versions / m.name).iterdir():
                    mtime = max(mtime, int(path.stat().st_mtime) + 1)
        scratch = versions / f".new-{secrets.token_hex(8)}"
        scratch.mkdir(mode=0o755)
        try:
            for name, file in entry.files.items():
                if not _FEED_NAME.match(name):
                    continue
                body = file.feed.ics
                _write_file(scratch / name, body, mtime)
                if len(body) >= GZIP_MINIMUM_BYTES:
                    _write_file(scratch / f"{name}.gz", entry.gzipped(name, body)(), mtime)
            scratch.chmod(0o755)  # mkdir's mode is cut by the umask
            scratch.rename(versions / mirrored.name)
        except BaseException:
            shutil.rmtree(scratch, ignore_errors=True)
            raise
        return mirrored

    def _link(self, token: str, target: Mirrored) -> None:
        scratch = self.root / FEEDS / f".new-{secrets.token_hex(8)}"
        os.symlink(f"../{VERSIONS}/{target.name}", scratch)
        os.replace(scratch, self.root / FEEDS / token)

    def _prune(self) -> None:
        """Remove folders no link points at (older versions, writes a crash cut short)."""
        linked = {m.name for m in self._links().values() if m is not None}
        for path in (self.root / FEEDS).iterdir():
            if path.name.startswith(".new-"):
                path.unlink(missing_ok=True)
        for path in (self.root / VERSIONS).iterdir():
            if path.name not in linked:
                shutil.rmtree(path, ignore_errors=True)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        import fcntl  # POSIX only: imported here so that the service without the files runs anywhere

        with self._lock, open(self.root / LOCK, "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)


def _shows(target: Mirrored | None, school: storage.SchoolInfo | None) -> bool:
    """Whether a link to ``target`` shows ``school``'s published version."""
    if target is None or school is None:
        return False
    return (target.slug, target.version) == (school.slug, school.published_version)


def _write_file(path: Path, body: bytes, mtime: int) -> None:
    path.write_bytes(body)
    path.chmod(0o644)
    os.utime(path, (mtime, mtime))


@contextlib.contextmanager
def keeping_in_step(
    files: StaticFeeds | None, session_factory: Callable[[], Session], cache: FeedCache, every: float
) -> Iterator[None]:
    """While the app runs: the files brought in line with the database at once (in the background,
    so that start-up does not wait for building every school's feeds) and every ``every`` seconds."""
    if files is None:
        yield
        return
    stop = threading.Event()

    def run() -> None:
        while True:
            files.sync_logged(session_factory, cache)
            if stop.wait(every):
                return

    thread = threading.Thread(target=run, name="static-feeds", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
