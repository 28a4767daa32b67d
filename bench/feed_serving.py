"""Benchmark: serving calendar feeds over HTTP, as calendar apps poll them.

Run: ``python -m bench.feed_serving [--requests N] [--clients K] [--seconds S] [--while-solving]``
(default 2000 requests, 1 client, 4 s). ``--while-solving``: then ``wrk`` on the class feed again,
from the service and from nginx in front, while the service solves a 240-class school.
Starts the real server (uvicorn, one process, on a free 127.0.0.1 port, data in a temporary
directory), uploads, solves and publishes the demo school, then for class 3-2's feed and the
whole-library feed sends N plain GETs (200, the whole file) and N GETs with ``If-None-Match``
(304, headers only), over keep-alive connections from K client threads, and prints throughput
and p50/p99 latency of each. The first request, which builds every feed of the published
version, is timed on its own. In the same run, if nginx (Debian's ``nginx-light``, one worker) is
installed, two more servers with the same clients: "ours+nginx", nginx in front of the service
with the shipped configuration (``deploy/nginx/``), answering the polls from the files the service
keeps (``ROTA_STATIC_FEEDS_DIR``), as a school's server would run it; and "nginx", the same bytes
as plain files (a static file server), for scale. A feed the service gzips is given to nginx
gzipped too (``gzip_static``), so all send the same bytes (``sent``) and the client unpacks them.

Two clients measure each row: the Python client above (httpx), which tops out near 2,000
requests/s even against nginx, and, if installed, ``wrk`` (Debian's ``wrk``, a load generator in C:
one thread, K keep-alive connections, S seconds per row, asking for gzip as httpx does), which
asks fast enough to show what the servers themselves can do. Each server gets a discarded
warm-up first (publishing builds the teachers' page and QR codes in the background).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import httpx
import yaml

from api.local_server import free_loopback_port, local_server, uvicorn_command
from bench.nginx import in_front_config, main_config, nginx_binary, running_nginx
from bench.synthetic import synthetic_school

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "demo_school.yaml"
FEEDS = ("class-3-2.ics", "library.ics")
GZIP = {"Accept-Encoding": "gzip"}


@contextmanager
def running_server(data_dir: Path, admin_token: str, static: Path) -> Iterator[str]:
    """``uvicorn api.main:app_factory --factory`` on a free loopback port, keeping the published
    feeds as files in ``static`` too (``ROTA_STATIC_FEEDS_DIR``); its base URL."""
    log, settings = data_dir / "server.log", {"ROTA_STATIC_FEEDS_DIR": str(static)}
    with local_server(data_dir, admin_token, uvicorn_command, log, ROOT, settings) as server:
        yield server.base_url


def publish_demo(base_url: str, admin_token: str) -> str:
    """Upload, solve (at most 120 s) and publish the demo school; its feed base URL."""
    headers = {"Authorization": f"Bearer {admin_token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as admin:
        uploaded = admin.put(
            "/schools/demo/scenario",
            content=SCENARIO.read_bytes(),
            headers={"Content-Type": "application/yaml"},
        )
        uploaded.raise_for_status()
        job = admin.post("/schools/demo/solves").raise_for_status().json()
        deadline = time.monotonic() + 120
        while job["status"] in {"queued", "running"} and time.monotonic() < deadline:
            time.sleep(0.2)
            job = admin.get(job["url"]).raise_for_status().json()
        if job["status"] != "succeeded":
            raise RuntimeError(f"the solve did not succeed: {job}")
        admin.post(f"/schools/demo/rotas/{job['rota_version']}/publish").raise_for_status()
        feed_url: str = admin.get("/schools/demo").raise_for_status().json()["feed_url"]
        return feed_url


STATIC_SERVER = """\
    types {{ text/calendar ics; }}
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        etag on;
        gzip_static on;
        keepalive_requests 1000000;
    }}"""


@contextmanager
def nginx_serving(files: dict[str, bytes], gzipped: dict[str, bytes]) -> Iterator[str | None]:
    """``files`` served by nginx on a free loopback port (its base URL), or None without nginx;
    those in ``gzipped`` also as ``<name>.gz`` with ``gzip_static``, so that a client asking for gzip
    gets from nginx the very bytes the service sends it."""
    if nginx_binary() is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder, port = Path(tmp), free_loopback_port()
        folder.chmod(0o755)  # nginx's worker may run as another user
        (folder / "www").mkdir()
        for name, body in files.items():
            (folder / "www" / name).write_bytes(body)
            if name in gzipped:
                (folder / "www" / f"{name}.gz").write_bytes(gzipped[name])
        config = main_config(folder, STATIC_SERVER.format(dir=folder, port=port))
        with running_nginx(folder, config, port) as base:
            yield base + "/"


@contextmanager
def nginx_in_front(folder: Path, static: Path, service: str) -> Iterator[str | None]:
    """nginx with the shipped configuration (``deploy/nginx/``) in front of the service at
    ``service`` (its base URL), the feeds' files in ``static``: its base URL, or None without nginx."""
    if nginx_binary() is None:
        yield None
        return
    port = free_loopback_port()
    config = in_front_config(folder, static, service.removeprefix("http://"), port)
    with running_nginx(folder, config, port, "/health") as base:
        yield base


@dataclass(frozen=True)
class Result:
    what: str
    status: int
    requests: int
    bytes: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(url: str, what: str, expect: int, requests: int, clients: int, headers: dict[str, str]) -> Result:
    """``requests`` GETs of ``url`` spread over ``clients`` threads, each with its own keep-alive
    connection; every answer must have status ``expect``."""
    latencies: list[float] = []
    sizes: list[int] = []
    lock = threading.Lock()
    share = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]

    def run(count: int) -> None:
        mine: list[float] = []
        size = 0
        with httpx.Client(timeout=30, headers=headers) as client:
            for _ in range(count):
                started = time.perf_counter()
                response = client.get(url)
                mine.append(time.perf_counter() - started)
                if response.status_code != expect:
                    raise RuntimeError(f"{url}: status {response.status_code}, expected {expect}")
                size = len(response.content)
        with lock:
            latencies.extend(mine)
            sizes.append(size)

    threads = [threading.Thread(target=run, args=(count,)) for count in share if count]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    if len(latencies) != requests:
        raise RuntimeError(f"{what}: {requests - len(latencies)} request(s) failed")
    return Result(what, expect, requests, max(sizes), seconds, latencies)


@dataclass(frozen=True)
class Loaded:
    """One ``wrk`` row."""

    per_second: float
    p50: float
    p99: float
    """Seconds."""


_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0}


def _seconds(text: str) -> float:
    found = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if found is None:
        raise RuntimeError(f"wrk: unreadable latency {text!r}")
    return float(found.group(1)) * _UNITS[found.group(2)]


def load(url: str, clients: int, seconds: float, headers: dict[str, str]) -> Loaded:
    """``wrk`` on ``url`` for ``seconds`` with ``clients`` keep-alive connections; every answer must
    be a 2xx or 3xx (the status itself is checked by the caller's own request)."""
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--latency", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    return read_wrk(subprocess.run(command, capture_output=True, text=True, check=True).stdout)


def read_wrk(out: str) -> Loaded:
    """The rate and the 50th and 99th latency percentiles of ``wrk --latency``'s report."""
    if "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk: failed requests\n{out}")
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    if not (rate and p50 and p99):
        raise RuntimeError(f"wrk: unreadable report\n{out}")
    return Loaded(float(rate.group(1)), _seconds(p50.group(1)), _seconds(p99.group(1)))


def warm_up(url: str, clients: int, loaded: bool) -> None:
    """A burst of requests (a second of ``wrk``, 500 of httpx), discarded."""
    if loaded:
        load(url, clients, 1, {"Accept-Encoding": "gzip"})
    else:
        measure(url, "warm-up", 200, 500, clients, {})


Row = tuple[str, int, str, dict[str, str]]
"""Feed, status, URL, request headers."""


def rows_of(base: str) -> list[Row]:
    rows: list[Row] = []
    for name in FEEDS:
        url = base + name
        etag = httpx.get(url, timeout=30).raise_for_status().headers["ETag"]
        rows.append((name, 200, url, {}))
        rows.append((name, 304, url, {"If-None-Match": etag}))
    return rows


@dataclass
class Server:
    """One server's rows: httpx's and ``wrk``'s."""

    name: str
    results: list[Result]
    loaded: list[Loaded]


def measure_server(name: str, base: str, args: argparse.Namespace, has_wrk: bool) -> Server:
    rows = rows_of(base)
    warm_up(rows[0][2], args.clients, loaded=False)
    results = [measure(url, feed, st, args.requests, args.clients, h) for feed, st, url, h in rows]
    loaded: list[Loaded] = []
    if has_wrk:
        warm_up(rows[0][2], args.clients, loaded=True)
        loaded = [load(url, args.clients, args.seconds, h | GZIP) for _, _, url, h in rows]
    return Server(name, results, loaded)


def wait_for_files(static: Path, feed_url: str) -> None:
    """Until the service has written the published feeds as files (after the publish's commit)."""
    folder = static / "feeds" / feed_url.rstrip("/").rsplit("/", 1)[-1]
    deadline = time.monotonic() + 60
    while not all((folder / name).exists() for name in FEEDS):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the service did not write the feeds' files into {static}")
        time.sleep(0.05)


BUSY_CLASSES = 240
"""The school the service solves for ``--while-solving``: a solve of half a minute or more."""


def while_solving(
    base_url: str, admin_token: str, feed_url: str, front: str | None, args: argparse.Namespace
) -> list[tuple[str, Loaded]]:
    """``wrk`` on class-3-2.ics, from the service and from nginx in front, while the service solves
    a large school (started through its API, as a librarian would)."""
    auth = {"Authorization": f"Bearer {admin_token}"}
    school = synthetic_school(BUSY_CLASSES, 0).model_dump(mode="json", exclude_none=True)
    text = yaml.safe_dump(school, allow_unicode=True, sort_keys=False)
    with httpx.Client(base_url=base_url, headers=auth, timeout=60) as admin:
        yaml_type = {"Content-Type": "application/yaml"}
        admin.put("/schools/busy/scenario", content=text, headers=yaml_type).raise_for_status()
        job = admin.post("/schools/busy/solves").raise_for_status().json()
        time.sleep(1)  # past the upload's parse, into the solve
        path = httpx.URL(feed_url).path + FEEDS[0]
        targets = [("ours", base_url + path)] + ([("ours+nginx", front + path)] if front else [])
        polled = [(name, load(url, args.clients, args.seconds, GZIP)) for name, url in targets]
        if admin.get(job["url"]).raise_for_status().json()["status"] != "running":
            raise RuntimeError("the solve ended before the polls did: the figures are not of a busy service")
        admin.delete(job["url"]).raise_for_status()  # the solve is not wanted: stop it
        return polled


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per row (default 2000)")
    parser.add_argument(
        "--clients", type=int, default=1, help="client threads, and wrk's connections (default 1)"
    )
    parser.add_argument("--seconds", type=float, default=4, help="wrk's seconds per row (default 4)")
    parser.add_argument(
        "--while-solving",
        action="store_true",
        help=f"then poll class-3-2.ics again with wrk while the service solves a {BUSY_CLASSES}-class school",
    )
    args = parser.parse_args()
    if args.requests < 1 or not 1 <= args.clients <= 64 or not 0.5 <= args.seconds <= 600:
        parser.error("--requests must be at least 1, --clients 1 to 64 and --seconds 0.5 to 600")
    has_wrk = shutil.which("wrk") is not None
    admin_token = secrets.token_urlsafe(24)
    servers: list[Server] = []
    solving: list[tuple[str, Loaded]] = []
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)  # nginx's worker may run as another user
        static = Path(tmp) / "static"
        with running_server(Path(tmp), admin_token, static) as base_url:
            feed_url = publish_demo(base_url, admin_token)
            started = time.perf_counter()
            httpx.get(feed_url + FEEDS[0], timeout=60).raise_for_status()
            first = time.perf_counter() - started
            bodies, gzipped, wire = {}, {}, {}
            for name in FEEDS:
                url = feed_url + name
                with httpx.stream("GET", url, timeout=30) as response:
                    raw = b"".join(response.iter_raw())
                    if response.headers.get("Content-Encoding") == "gzip":
                        gzipped[name] = raw
                wire[name] = len(raw)
                bodies[name] = httpx.get(url, timeout=30).content
            servers.append(measure_server("ours", feed_url, args, has_wrk))
            wait_for_files(static, feed_url)
            with nginx_in_front(Path(tmp), static, base_url) as front:
                if front:
                    servers.append(
                        measure_server("ours+nginx", front + httpx.URL(feed_url).path, args, has_wrk)
                    )
                if args.while_solving and has_wrk:
                    solving = while_solving(base_url, admin_token, feed_url, front, args)
        with nginx_serving(bodies, gzipped) as nginx_url:
            if nginx_url:
                servers.append(measure_server("nginx", nginx_url, args, has_wrk))
    print(
        f"python {platform.python_version()}, uvicorn {version('uvicorn')}, fastapi {version('fastapi')}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs; loopback, {args.clients} client thread(s), "
        f"keep-alive, {args.requests} requests per row"
    )
    print(
        f"first request of class-3-2.ics (builds every feed of the published version): {first * 1000:.0f} ms"
    )
    print(
        "ours: the service (uvicorn, one process); ours+nginx: nginx (one worker) in front of it with "
        "deploy/nginx/, answering from the files the service keeps (ROTA_STATIC_FEEDS_DIR); "
        "nginx: the same bytes as plain files"
    )
    if len(servers) == 1:
        print("nginx: not installed (Debian: apt-get install nginx-light)")
    ours = servers[0]
    print(f"httpx (Python; {args.clients} thread(s), keep-alive)")
    _table(
        [[(r.per_second, r.percentile(50), r.percentile(99)) for r in s.results] for s in servers], servers
    )
    for r in ours.results:
        print(f"  {r.what} {r.status}: {r.bytes} bytes, {wire[r.what] if r.status == 200 else 0} sent")
    if not has_wrk:
        print("wrk: not installed (Debian: apt-get install wrk)")
        return
    print(
        f"wrk {wrk_version()} (C; 1 thread, {args.clients} keep-alive connection(s), "
        f"{args.seconds:g} s per row, Accept-Encoding: gzip)"
    )
    _table([[(r.per_second, r.p50, r.p99) for r in s.loaded] for s in servers], servers)
    if solving:
        print(
            f"class-3-2.ics (200), wrk, while the service solves synthetic_school({BUSY_CLASSES}) in its own "
            "process (its job runner's thread):"
        )
        for name, loaded in solving:
            print(
                f"  {name:<12} {loaded.per_second:>9.0f} requests/s, p50 {loaded.p50 * 1000:.2f} ms, "
                f"p99 {loaded.p99 * 1000:.2f} ms"
            )


def _table(figures: list[list[tuple[float, float, float]]], servers: list[Server]) -> None:
    """One row per feed and status: each server's requests/s, p50 and p99, then nginx/each."""
    head = f"{'feed':<16} {'status':>6}"
    for s in servers:
        head += f" {s.name + ' req/s':>17} {'p50 ms':>7} {'p99 ms':>7}"
    if len(servers) > 1:
        head += "".join(f" {'nginx/' + s.name:>17}" for s in servers[:-1])
    print(head)
    for i, r in enumerate(servers[0].results):
        line = f"{r.what:<16} {r.status:>6}"
        for per_server in figures:
            rate, p50, p99 = per_server[i]
            line += f" {rate:>17.0f} {p50 * 1000:>7.2f} {p99 * 1000:>7.2f}"
        if len(servers) > 1:
            line += "".join(f" {figures[-1][i][0] / f[i][0]:>17.2f}" for f in figures[:-1])
        print(line)


def wrk_version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    found = re.search(r"wrk (\S+)", out.stdout + out.stderr)
    return found.group(1) if found else "?"


if __name__ == "__main__":
    main()
