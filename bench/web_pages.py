"""Benchmark: the web app's pages, each page's server time, for a 120-class school.

Run: ``python -m bench.web_pages [--classes N] [--repeat N] [--per-pattern N] [--profile]
[--unprepared] [--gc-threshold G0,G1,G2]``
(``--smoke``: 12 classes, 1 repeat). Builds the app in this process (``api.main.create_app`` on a
temporary SQLite file, ``fastapi.testclient.TestClient``), and through the JSON API as a script
would: uploads a generated school (``bench.synthetic``), solves it, publishes the rota, then gives
a librarian a week off, reruns and keeps that version unpublished (so the rota list, the changes and
the publish pages all have something to show). A librarian and an admin account are made in the
app's database and signed in through the sign-in form.

Then it crawls: as the librarian from ``/app/s/{school}/`` and the teachers' page
``/feeds/{token}/``, as the admin from ``/app/admin``, signed out from ``/app/sign-in``, it follows
every same-origin link under ``/app/`` and ``/feeds/{token}/`` to HTML pages (downloads such as
.ics, .csv, .json and .xlsx and the static files are left out). URLs are grouped by pattern: the
school, the feed token, the scenario's ids (``{class}``, ``{staff}``, ``{room}``, ...), dates,
months and numbers become placeholders, so 120 class pages are one pattern, of which at most
``--per-pattern`` pages are measured. Each page is fetched once as it is found (its *first* time,
which pays for any cache the page fills) and then ``--repeat`` times.

The time is the server's own: the ``Server-Timing: app;dur=<ms>`` header every ``/app`` page
carries (``api/web/__init__.py``), for ``/feeds`` pages the wall time around the TestClient call
(which adds the client's own fraction of a millisecond). Printed: a row per pattern (pages
measured, the largest page's KiB, the slowest first fetch, median, p95 and max of the repeated
fetches, and the full garbage collections that fell in them), links that answer an error, the
collector's totals, ``slowest page: <pattern> <ms> ms (target < 100 ms)`` (of the repeated
fetches) and ``slowest first fetch: <pattern> <ms> ms``. ``--profile`` then runs cProfile over the
pages of every pattern over the target (their first fetch when that was; else the slowest three)
and prints where their time goes. The process is prepared as ``rota serve`` prepares its own once
the app is built (``api.main.prepare_server_process``: templates compiled, start-up objects frozen
out of the garbage collector's sight, full collections rarer); ``--unprepared`` measures without
that, ``--gc-threshold`` with other collector thresholds. Figures and findings:
``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import cProfile
import datetime as dt
import gc
import io
import os
import platform
import pstats
import re
import secrets
import statistics
import tempfile
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

import anyio.to_thread
import httpx
from pydantic import SecretStr

from api.main import create_app, prepare_server_process
from api.settings import Settings
from api.web.accounts import create_user
from bench.synthetic import synthetic_school_data

with warnings.catch_warnings():
    from starlette.exceptions import StarletteDeprecationWarning

    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from fastapi.testclient import TestClient

TARGET_MS = 100.0
BASE = "http://testserver"
SLUG = "bench"
PASSWORD = "benchmark password 0123"
DOWNLOADS = (".ics", ".csv", ".json", ".xlsx", ".yaml", ".yml", ".txt", ".pdf", ".zip", ".ifb")
DOWNLOAD_FORMATS = {"csv", "json", "xlsx", "yaml", "ics", "text", "txt", "pdf"}
"""``?format=`` values that are downloads, not pages."""
_SERVER_TIMING = re.compile(r"(?:^|,)\s*app;dur=([0-9.]+)")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")
_WEEK = re.compile(r"^\d{4}-W\d{2}$")
_HEX_ID = re.compile(r"^[0-9a-fA-F-]{16,}$")
_PREFIXED = re.compile(r"^([A-Za-z]+)[-_:.](.+)$")
_DIGITS = re.compile(r"\d+")
_ID_KINDS = (
    ("classes", "class"),
    ("staff", "staff"),
    ("helper_groups", "helpers"),
    ("teacher_groups", "teachers"),
    ("rooms", "room"),
    ("rules", "rule"),
    ("activities", "activity"),
    ("windows", "window"),
    ("periods", "period"),
)


# --- URL patterns -------------------------------------------------------------------------------


class Patterns:
    """Turns a URL into its pattern: the school, the feed token, the scenario's ids, dates, months,
    long hex ids and numbers become placeholders."""

    def __init__(self, scenario: dict[str, Any], slug: str, token: str = "") -> None:
        self.slug = slug
        self.token = token
        self.ids: dict[str, str] = {}
        for key, kind in _ID_KINDS:
            for item in scenario.get(key) or []:
                self.ids.setdefault(str(item["id"]), "{" + kind + "}")

    def part(self, text: str) -> str:
        """One path segment or query value."""
        text = unquote(text)
        if not text:
            return text
        if text == self.slug:
            return "{school}"
        if self.token and text == self.token:
            return "{token}"
        stem, dot, suffix = text.rpartition(".")
        if dot and suffix.isalpha() and len(suffix) <= 5 and stem:
            return self.part(stem) + "." + suffix
        if text in self.ids:
            return self.ids[text]
        prefixed = _PREFIXED.match(text)
        if prefixed and prefixed.group(2) in self.ids:
            return prefixed.group(1) + text[len(prefixed.group(1))] + self.ids[prefixed.group(2)]
        if _DATE.match(text):
            return "{date}"
        if _MONTH.match(text):
            return "{month}"
        if _WEEK.match(text):
            return "{week}"
        if _HEX_ID.match(text) and any(c.isdigit() for c in text):
            return "{id}"
        return _DIGITS.sub("{n}", text)

    def __call__(self, url: str) -> str:
        parts = urlsplit(url)
        path = "/".join(self.part(segment) for segment in parts.path.split("/"))
        query = sorted(
            (key, self.part(value)) for key, value in parse_qsl(parts.query, keep_blank_values=True)
        )
        text = path + ("?" + "&".join(f"{key}={value}" for key, value in query) if query else "")
        return text.replace(" ", "%20")


# --- links --------------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def crawlable(url: str, token: str) -> str | None:
    """``url`` (absolute) as a path and query of a page to crawl, or None: another site, a
    download, a static file, or outside ``/app/`` and this school's ``/feeds/{token}/``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or f"{parts.scheme}://{parts.netloc}" != BASE:
        return None
    path = parts.path
    if not (path.startswith("/app/") or (token and path.startswith(f"/feeds/{token}/"))):
        return None
    if path.startswith("/app/static/") or path.lower().endswith(DOWNLOADS):
        return None
    if any(key in ("format", "download") and value.lower() in DOWNLOAD_FORMATS | {"1", "true"}
           for key, value in parse_qsl(parts.query)):  # fmt: skip
        return None
    return path + (f"?{parts.query}" if parts.query else "")


# --- the app and its school -----------------------------------------------------------------------


@dataclass
class Who:
    """A signed-in person (or nobody): the cookies their browser holds."""

    name: str
    cookies: httpx.Cookies


@dataclass
class Page:
    url: str
    pattern: str
    who: str
    first_ms: float
    size: int
    """The body's bytes (as sent before any gzip)"""
    times: list[float] = field(default_factory=list)
    collections: int = 0
    """Full garbage collections during its repeated GETs."""


@dataclass
class Crawl:
    pages: list[Page]
    errors: list[tuple[str, int, str]]
    """(url, status, the page it was linked from), at most ``per_pattern`` of a pattern"""
    not_pages: int
    skipped: int
    """URLs not fetched because their pattern had its pages already."""


@contextlib.contextmanager
def running_app(data_dir: Path, admin_token: str, time_limit: float) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=data_dir,
        admin_token=SecretStr(admin_token),
        job_time_limit_seconds=time_limit,
    )
    app = create_app(settings)
    with TestClient(app, base_url=BASE, follow_redirects=False, raise_server_exceptions=False) as client:
        yield client


def _wait(client: TestClient, job: dict[str, Any], headers: dict[str, str], timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.1)
        job = client.get(f"/jobs/{job['id']}", headers=headers).raise_for_status().json()
    return job


def prepare_school(
    client: TestClient, data: dict[str, Any], admin_token: str, timeout: float
) -> tuple[str, list[str]]:
    """Upload, solve and publish ``data`` as school ``SLUG``, then rerun it with a librarian's week
    off (unpublished); the feed token and notes on what did not go as planned."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    notes: list[str] = []
    client.put(f"/schools/{SLUG}/scenario", json=data, headers=headers).raise_for_status()
    started = time.perf_counter()
    job = client.post(f"/schools/{SLUG}/solves", headers=headers).raise_for_status().json()
    job = _wait(client, job, headers, timeout)
    if job["status"] != "succeeded":
        raise RuntimeError(f"the solve did not succeed: {job}")
    notes.append(f"solve job: {time.perf_counter() - started:.1f} s, {job.get('outcome')}")
    client.post(f"/schools/{SLUG}/rotas/{job['rota_version']}/publish", headers=headers).raise_for_status()
    feed_url: str = client.get(f"/schools/{SLUG}", headers=headers).raise_for_status().json()["feed_url"]
    token = urlsplit(feed_url).path.strip("/").split("/")[1]

    changed = copy.deepcopy(data)
    start = dt.date.fromisoformat(changed["term"]["start"])
    monday = start + dt.timedelta(days=(7 - start.weekday()) % 7 + 9 * 7)
    changed["staff"][-1]["days_off"] = [(monday + dt.timedelta(days=d)).isoformat() for d in range(5)]
    client.put(f"/schools/{SLUG}/scenario", json=changed, headers=headers).raise_for_status()
    today = (monday - dt.timedelta(days=7)).isoformat()
    started = time.perf_counter()
    rerun = client.post(f"/schools/{SLUG}/reruns", params={"today": today}, headers=headers)
    if rerun.status_code != 202:
        notes.append(f"the rerun was refused: {rerun.status_code} {rerun.text[:200]}")
    else:
        job = _wait(client, rerun.json(), headers, timeout)
        outcome = f"{job['status']}, {job.get('outcome')}"
        notes.append(
            f"rerun job (a librarian off from {monday}): {time.perf_counter() - started:.1f} s, {outcome}"
        )
    return token, notes


def sign_in_as(client: TestClient, name: str, role: str, locale: str) -> Who:
    """An account made in the app's database, signed in through the sign-in form."""
    state = client.app.state.service  # type: ignore[attr-defined]
    with state.session_factory() as session:
        create_user(
            session,
            username=name,
            password=PASSWORD,
            display_name=name.title(),
            role=role,
            school_slug=SLUG if role == "librarian" else None,
            locale=locale,
        )
        session.commit()
    client.cookies = httpx.Cookies()
    form = client.get("/app/sign-in").raise_for_status().text
    found = re.search(r'name="csrf" value="([^"]*)"', form)
    if found is None:
        raise RuntimeError("the sign-in page has no CSRF token")
    answer = client.post(
        "/app/sign-in",
        data={"username": name, "password": PASSWORD, "next": "/app/", "csrf": found.group(1)},
    )
    if answer.status_code != 303:
        raise RuntimeError(f"signing in as {name} answered {answer.status_code}")
    return Who(name, httpx.Cookies(client.cookies))


# --- profiling ------------------------------------------------------------------------------------

_OURS = re.compile(r"(^|/)(api|rota_solver|calendars)/")


async def _inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args)


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """Sync routes and dependencies run in the event loop's own thread (not anyio's worker
    threads), so that one profiler sees the whole request."""
    original = anyio.to_thread.run_sync
    anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
    try:
        yield
    finally:
        anyio.to_thread.run_sync = original


@contextlib.contextmanager
def profiling(client: TestClient, profiler: cProfile.Profile | None) -> Iterator[None]:
    """Requests made inside run under ``profiler`` (nothing changes without one)."""
    if profiler is None:
        yield
        return
    portal = client.portal
    if portal is None:
        raise RuntimeError("the TestClient is not running")
    with _one_thread():
        portal.call(profiler.enable)
        try:
            yield
        finally:
            portal.call(profiler.disable)


def profile_pages(client: TestClient, pages: list[Page], who: Who, repeat: int) -> cProfile.Profile:
    """cProfile over ``pages``, each GET ``repeat`` times (caches warm)."""
    client.cookies = httpx.Cookies(who.cookies)
    profiler = cProfile.Profile()
    with profiling(client, profiler):
        for _ in range(repeat):
            for page in pages:
                client.get(page.url)
    return profiler


def profile_text(profiler: cProfile.Profile, lines: int = 14) -> str:
    """The project's calls by cumulative time, then every call by its own time."""
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(_OURS.pattern, lines)
    stats.sort_stats("tottime").print_stats(lines)
    root = str(Path(__file__).resolve().parent.parent) + os.sep
    shown = []
    for line in out.getvalue().splitlines():
        if not line.strip() or "Ordered by" in line or "List reduced" in line:
            continue
        line = line.replace(root, "")
        shown.append(re.sub(r"\S*/site-packages/", "", re.sub(r"\S*/lib/python3\.\d+/", "", line)))
    return "\n".join(shown)


# --- crawling and measuring -----------------------------------------------------------------------


def timed_get(
    client: TestClient, url: str, profiler: cProfile.Profile | None = None
) -> tuple[httpx.Response, float]:
    """GET ``url``; its server time in ms (``Server-Timing``, or the wall time where there is none).
    With ``profiler``, the request runs under it (and takes longer)."""
    with profiling(client, profiler):
        started = time.perf_counter()
        response = client.get(url)
        wall = (time.perf_counter() - started) * 1000
    found = _SERVER_TIMING.search(response.headers.get("server-timing", ""))
    return response, float(found.group(1)) if found else wall


def crawl(
    client: TestClient,
    starts: list[tuple[Who, list[str]]],
    patterns: Callable[[str], str],
    token: str,
    per_pattern: int,
    max_pages: int,
    profiles: dict[str, cProfile.Profile] | None = None,
) -> Crawl:
    """Breadth first from each person's start pages; a pattern's first ``per_pattern`` pages kept.
    With ``profiles``, each first fetch runs under its pattern's profiler there."""
    pages: list[Page] = []
    errors: list[tuple[str, int, str]] = []
    seen: set[str] = set()
    count: dict[str, int] = {}
    not_pages = skipped = 0
    for who, urls in starts:
        client.cookies = httpx.Cookies(who.cookies)
        queue: deque[tuple[str, str]] = deque((url, "(start)") for url in urls)
        while queue and len(pages) < max_pages:
            url, source = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            pattern = patterns(url)
            if count.get(pattern, 0) >= per_pattern:
                skipped += 1
                continue
            profiler = None
            if profiles is not None:
                profiler = profiles.setdefault(pattern, cProfile.Profile())
            response, ms = timed_get(client, url, profiler)
            if response.is_redirect:
                target = crawlable(urljoin(BASE + url, response.headers["location"]), token)
                if target is not None:
                    queue.append((target, url))
                continue
            if response.status_code >= 400:
                count[pattern] = count.get(pattern, 0) + 1
                errors.append((url, response.status_code, source))
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                not_pages += 1
                continue
            count[pattern] = count.get(pattern, 0) + 1
            pages.append(Page(url, pattern, who.name, ms, len(response.content)))
            for href in links_of(response.text):
                target = crawlable(urljoin(BASE + url, href), token)
                if target is not None and target not in seen:
                    queue.append((target, url))
    return Crawl(pages, errors, not_pages, skipped)


class Collections:
    """Full (generation 2) garbage collections while it is entered, and the time they took: a
    page that allocates much (parsing a scenario) can set one off, which then lands in its time."""

    def __init__(self) -> None:
        self.count = 0
        self.seconds = 0.0
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if info.get("generation") != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.seconds += time.perf_counter() - self._started

    def __enter__(self) -> Collections:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def measure(
    client: TestClient, pages: list[Page], people: dict[str, Who], repeat: int, collections: Collections
) -> None:
    """Each page GET ``repeat`` times more (a round over all pages, then the next round); the full
    garbage collections that fell in a page's GETs are counted to it."""
    for who in people.values():
        client.cookies = httpx.Cookies(who.cookies)
        mine = [page for page in pages if page.who == who.name]
        for _ in range(repeat):
            for page in mine:
                before = collections.count
                response, ms = timed_get(client, page.url)
                page.collections += collections.count - before
                if response.status_code != 200:
                    raise RuntimeError(f"{page.url} answered {response.status_code} the second time")
                page.times.append(ms)


# --- report ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    pattern: str
    who: str
    pages: int
    kib: float
    first: float
    median: float
    p95: float
    max: float
    collections: int


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def rows_of(pages: list[Page]) -> list[Row]:
    by_pattern: dict[str, list[Page]] = {}
    for page in pages:
        by_pattern.setdefault(page.pattern, []).append(page)
    rows = []
    for pattern, group in by_pattern.items():
        times = [ms for page in group for ms in page.times] or [page.first_ms for page in group]
        rows.append(
            Row(
                pattern,
                group[0].who,
                len(group),
                max(page.size for page in group) / 1024,
                max(page.first_ms for page in group),
                statistics.median(times),
                percentile(times, 95),
                max(times),
                sum(page.collections for page in group),
            )
        )
    return sorted(rows, key=lambda row: (row.who != "librarian", row.pattern))


def table(rows: list[Row]) -> str:
    width = max([len("URL pattern")] + [len(row.pattern) for row in rows])
    head = (
        f"{'URL pattern':<{width}}  {'who':<10} {'pages':>5} {'KiB':>6} {'first ms':>9} {'median ms':>9} "
        f"{'p95 ms':>8} {'max ms':>8} {'GCs':>4}"
    )
    lines = [head]
    for row in rows:
        flag = "  OVER" if row.max >= TARGET_MS else "  first over" if row.first >= TARGET_MS else ""
        lines.append(
            f"{row.pattern:<{width}}  {row.who:<10} {row.pages:>5} {row.kib:>6.0f} {row.first:>9.1f} "
            f"{row.median:>9.1f} {row.p95:>8.1f} {row.max:>8.1f} {row.collections:>4}{flag}"
        )
    return "\n".join(lines)


def error_lines(errors: list[tuple[str, int, str]], patterns: Callable[[str], str]) -> list[str]:
    """A line per pattern and status among the pages that answered an error, with one example."""
    grouped: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for url, status, source in errors:
        grouped.setdefault((patterns(url), status), []).append((url, source))
    lines = []
    for (pattern, status), found in grouped.items():
        url, source = found[0]
        lines.append(
            f"error: {pattern} answered {status} ({len(found)} page(s), e.g. {url} linked from {source})"
        )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--classes", type=int, default=120, help="classes of the generated school (default 120)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="GETs of each page after the first (default 5)")
    parser.add_argument(
        "--per-pattern", type=int, default=5, help="pages measured per URL pattern (default 5)"
    )
    parser.add_argument(
        "--max-pages", type=int, default=500, help="pages measured in all, at most (default 500)"
    )
    parser.add_argument("--locale", default="zh-CN", choices=("zh-CN", "en"), help="the accounts' language")
    parser.add_argument(
        "--time-limit", type=float, default=60.0, help="the solve job's limit, s (default 60)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the slow patterns' pages")
    parser.add_argument(
        "--unprepared",
        action="store_true",
        help="leave out what rota serve does once its app is built (templates compiled at start-up, "
        "the garbage collector tuned): templates compile on first use, Python's collector defaults",
    )
    parser.add_argument(
        "--gc-threshold",
        metavar="G0,G1,G2",
        help="then gc.set_threshold(G0, G1, G2) (rota serve's: 50000,20,100; Python's default: 700,10,10)",
    )
    parser.add_argument("--smoke", action="store_true", help="12 classes, 1 repeat")
    args = parser.parse_args(argv)
    if args.smoke:
        args.classes, args.repeat = 12, 1
    if args.repeat < 1 or args.per_pattern < 1 or args.max_pages < 1:
        parser.error("--repeat, --per-pattern and --max-pages must be at least 1")
    thresholds: tuple[int, ...] = ()
    if args.gc_threshold:
        try:
            thresholds = tuple(int(part) for part in args.gc_threshold.split(","))
        except ValueError:
            thresholds = ()
        if len(thresholds) != 3 or min(thresholds) < 1:
            parser.error("--gc-threshold takes three whole numbers, e.g. 700,10,10")

    data = synthetic_school_data(args.classes)
    admin_token = secrets.token_urlsafe(32)
    with tempfile.TemporaryDirectory() as tmp, running_app(Path(tmp), admin_token, args.time_limit) as client:
        if not args.unprepared:
            prepare_server_process()
        if thresholds:
            gc.set_threshold(*thresholds)
        started = time.perf_counter()
        token, notes = prepare_school(client, data, admin_token, timeout=4 * args.time_limit + 60)
        prepared = time.perf_counter() - started
        people = {
            "librarian": sign_in_as(client, "librarian", "librarian", args.locale),
            "admin": sign_in_as(client, "admin", "admin", args.locale),
            "signed out": Who("signed out", httpx.Cookies()),
        }
        patterns = Patterns(data, SLUG, token)
        first_profiles: dict[str, cProfile.Profile] = {}
        first_note = " (under cProfile)" if args.profile else ""
        found = crawl(
            client,
            [
                (people["librarian"], [f"/app/s/{SLUG}/", f"/feeds/{token}/"]),
                (people["admin"], ["/app/admin"]),
                (people["signed out"], ["/app/sign-in"]),
            ],
            patterns,
            token,
            args.per_pattern,
            args.max_pages,
            first_profiles if args.profile else None,
        )
        with Collections() as collections:
            measure(client, found.pages, people, args.repeat, collections)
            tracked = len(gc.get_objects())
        started = time.perf_counter()
        gc.collect()
        one_collection = (time.perf_counter() - started) * 1000
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        rows = rows_of(found.pages)

        print(
            f"python {platform.python_version()}, fastapi {version('fastapi')}, jinja2 {version('jinja2')}, "
            f"{platform.machine()}, {os.cpu_count()} CPUs (load average {load:.1f} after measuring); "
            "in-process TestClient, SQLite"
            + (
                "; unprepared (templates compiled on first use, collector defaults)"
                if args.unprepared
                else "; prepared as rota serve prepares its process"
            )
            + (f"; gc.set_threshold{thresholds}" if thresholds else "")
        )
        print(
            f"school: synthetic_school({args.classes}) ({len(data['classes'])} classes), solved, published "
            f"and rerun in {prepared:.1f} s; locale {args.locale}; {len(found.pages)} pages in "
            f"{len(rows)} patterns (at most {args.per_pattern} each; {found.skipped} more URLs of those "
            f"patterns not fetched); first GET, then {args.repeat} more each"
        )
        for note in notes:
            print(f"note: {note}")
        print(
            "server time in ms: Server-Timing app;dur for /app pages, wall time around the call for /feeds; "
            f"first: the slowest first GET{first_note} (fills caches, compiles templates); median, p95, "
            "max: the GETs after it; OVER: max at or over the target; KiB: the largest page's HTML"
        )
        print(table(rows))
        print(
            f"full garbage collections during the repeated GETs: {collections.count}, "
            f"{collections.seconds * 1000:.0f} ms in all; GCs: how many fell in a pattern's GETs; "
            f"{tracked:,} objects tracked after them, one more full collection took {one_collection:.0f} ms"
        )
        for line in error_lines(found.errors, patterns):
            print(line)
        if not rows:
            raise SystemExit("no page was found")
        slowest = max(rows, key=lambda row: row.max)
        print(f"slowest page: {slowest.pattern} {slowest.max:.1f} ms (target < {TARGET_MS:.0f} ms)")
        coldest = max(rows, key=lambda row: row.first)
        print(f"slowest first fetch: {coldest.pattern} {coldest.first:.1f} ms{first_note}")

        if args.profile:
            steady = [row for row in rows if row.max >= TARGET_MS]
            cold = [row for row in rows if row.first >= TARGET_MS]
            if not steady and not cold:
                steady = sorted(rows, key=lambda row: row.max, reverse=True)[:3]
            for row in steady:
                group = [page for page in found.pages if page.pattern == row.pattern]
                print(f"\n=== profile: {row.pattern}, {len(group)} page(s) x {args.repeat} (warm) ===")
                print(profile_text(profile_pages(client, group, people[row.who], args.repeat)))
            for row in cold:
                group = [page for page in found.pages if page.pattern == row.pattern]
                print(f"\n=== profile: {row.pattern}, first fetch of {len(group)} page(s) ===")
                print(profile_text(first_profiles[row.pattern]))


if __name__ == "__main__":
    main()
