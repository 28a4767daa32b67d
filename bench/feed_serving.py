"""Benchmark: serving calendar feeds over HTTP, as calendar apps poll them.

Run: ``python -m bench.feed_serving [--requests N] [--clients K] [--seconds S]`` (default 2000
requests, 1 client, 4 s).
Starts the real server (uvicorn, one process, on a free 127.0.0.1 port, data in a temporary
directory), uploads, solves and publishes the demo school, then for class 3-2's feed and the
whole-library feed sends N plain GETs (200, the whole file) and N GETs with ``If-None-Match``
(304, headers only), over keep-alive connections from K client threads, and prints throughput
and p50/p99 latency of each. The first request, which builds every feed of the published
version, is timed on its own. In the same run, the same files served by nginx (a static file
server: Debian's ``nginx-light``, one worker, if installed) with the same client, for scale; a feed
the service gzips is given to nginx gzipped too (``gzip_static``), so both send the same bytes
(``sent``) and the client unpacks both.

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
import socket
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

from api.local_server import local_server, uvicorn_command

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "demo_school.yaml"
FEEDS = ("class-3-2.ics", "library.ics")
GZIP = {"Accept-Encoding": "gzip"}


@contextmanager
def running_server(data_dir: Path, admin_token: str) -> Iterator[str]:
    """``uvicorn api.main:app_factory --factory`` on a free loopback port; its base URL."""
    with local_server(data_dir, admin_token, uvicorn_command, data_dir / "server.log", ROOT) as server:
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


NGINX_CONFIG = """\
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {dir}/tmp;
    proxy_temp_path {dir}/tmp;
    fastcgi_temp_path {dir}/tmp;
    uwsgi_temp_path {dir}/tmp;
    scgi_temp_path {dir}/tmp;
    types {{ text/calendar ics; }}
    server {{
        listen 127.0.0.1:{port};
        root {dir}/www;
        etag on;
        gzip_static on;
        keepalive_requests 1000000;
    }}
}}
"""


@contextmanager
def nginx_serving(files: dict[str, bytes], gzipped: dict[str, bytes]) -> Iterator[str | None]:
    """``files`` served by nginx on a free loopback port (its base URL), or None without nginx;
    those in ``gzipped`` also as ``<name>.gz`` with ``gzip_static``, so that a client asking for gzip
    gets from nginx the very bytes the service sends it."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        yield None
        return
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        Path(tmp).chmod(0o755)  # nginx's worker may run as another user
        (Path(tmp) / "www").mkdir()
        (Path(tmp) / "tmp").mkdir()
        for name, body in files.items():
            (Path(tmp) / "www" / name).write_bytes(body)
            if name in gzipped:
                (Path(tmp) / "www" / f"{name}.gz").write_bytes(gzipped[name])
        config = Path(tmp) / "nginx.conf"
        config.write_text(NGINX_CONFIG.format(dir=tmp, port=port))
        process = subprocess.Popen([nginx, "-c", str(config), "-p", tmp], stderr=subprocess.DEVNULL)
        try:
            base = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 10
            while True:
                try:
                    httpx.get(base + next(iter(files)), timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    if time.monotonic() > deadline or process.poll() is not None:
                        raise RuntimeError("nginx did not start") from None
                    time.sleep(0.05)
            yield base
        finally:
            process.terminate()
            process.wait(10)


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per row (default 2000)")
    parser.add_argument(
        "--clients", type=int, default=1, help="client threads, and wrk's connections (default 1)"
    )
    parser.add_argument("--seconds", type=float, default=4, help="wrk's seconds per row (default 4)")
    args = parser.parse_args()
    if args.requests < 1 or not 1 <= args.clients <= 64 or not 0.5 <= args.seconds <= 600:
        parser.error("--requests must be at least 1, --clients 1 to 64 and --seconds 0.5 to 600")
    has_wrk = shutil.which("wrk") is not None
    admin_token = secrets.token_urlsafe(24)
    with tempfile.TemporaryDirectory() as tmp, running_server(Path(tmp), admin_token) as base_url:
        feed_url = publish_demo(base_url, admin_token)
        started = time.perf_counter()
        httpx.get(feed_url + FEEDS[0], timeout=60).raise_for_status()
        first = time.perf_counter() - started
        results: list[Result] = []
        loaded: list[Loaded] = []
        bodies, gzipped, wire = {}, {}, {}
        for name in FEEDS:
            url = feed_url + name
            with httpx.stream("GET", url, timeout=30) as response:
                raw = b"".join(response.iter_raw())
                if response.headers.get("Content-Encoding") == "gzip":
                    gzipped[name] = raw
            wire[name] = len(raw)
            bodies[name] = httpx.get(url, timeout=30).content
        rows = rows_of(feed_url)
        warm_up(rows[0][2], args.clients, loaded=False)
        results = [measure(url, name, st, args.requests, args.clients, h) for name, st, url, h in rows]
        if has_wrk:
            warm_up(rows[0][2], args.clients, loaded=True)
            loaded = [load(url, args.clients, args.seconds, h | GZIP) for _, _, url, h in rows]
        static: list[Result] = []
        static_loaded: list[Loaded] = []
        with nginx_serving(bodies, gzipped) as nginx_url:
            if nginx_url:
                nginx_rows = rows_of(nginx_url)
                warm_up(nginx_rows[0][2], args.clients, loaded=False)
                static = [measure(u, n, st, args.requests, args.clients, h) for n, st, u, h in nginx_rows]
                if has_wrk:
                    warm_up(nginx_rows[0][2], args.clients, loaded=True)
                    static_loaded = [
                        load(u, args.clients, args.seconds, h | GZIP) for _, _, u, h in nginx_rows
                    ]
    print(
        f"python {platform.python_version()}, uvicorn {version('uvicorn')}, fastapi {version('fastapi')}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs; loopback, {args.clients} client thread(s), "
        f"keep-alive, {args.requests} requests per row"
    )
    print(
        f"first request of class-3-2.ics (builds every feed of the published version): {first * 1000:.0f} ms"
    )
    header = ["feed", "status", "bytes", "sent", "requests/s", "p50 ms", "p99 ms", "nginx req/s"]
    header.append("nginx/ours")
    print("{:<16} {:>6} {:>8} {:>7} {:>11} {:>8} {:>8} {:>12} {:>10}".format(*header))
    for i, r in enumerate(results):
        other = static[i] if i < len(static) else None
        versus = "  (no nginx)"
        if other is not None:
            versus = f"{other.per_second:>12.0f} {other.per_second / r.per_second:>10.2f}"
        print(
            f"{r.what:<16} {r.status:>6} {r.bytes:>8} {wire[r.what] if r.status == 200 else 0:>7} "
            f"{r.per_second:>11.0f} "
            f"{r.percentile(50) * 1000:>8.2f} {r.percentile(99) * 1000:>8.2f} {versus}"
        )
    if not has_wrk:
        print("wrk: not installed (Debian: apt-get install wrk)")
        return
    print(
        f"wrk {wrk_version()} (C; 1 thread, {args.clients} keep-alive connection(s), "
        f"{args.seconds:g} s per row, Accept-Encoding: gzip)"
    )
    print("{:<16} {:>6} {:>11} {:>8} {:>8} {:>12} {:>10}".format(*header[:2], *header[4:]))
    for i, (name, status, _, _) in enumerate(rows):
        ours = loaded[i]
        versus = "  (no nginx)"
        if i < len(static_loaded):
            theirs = static_loaded[i].per_second
            versus = f"{theirs:>12.0f} {theirs / ours.per_second:>10.2f}"
        print(
            f"{name:<16} {status:>6} {ours.per_second:>11.0f} "
            f"{ours.p50 * 1000:>8.2f} {ours.p99 * 1000:>8.2f} {versus}"
        )


def wrk_version() -> str:
    out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    found = re.search(r"wrk (\S+)", out.stdout + out.stderr)
    return found.group(1) if found else "?"


if __name__ == "__main__":
    main()
