"""nginx (Debian's ``nginx-light``) on a free loopback port, for the benchmarks and the tests: as a
static file server beside the service, and in front of it with the shipped configuration
(``deploy/nginx/``)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "deploy" / "nginx"

MAIN = """\
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
{http}
}}
"""


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def main_config(folder: Path, http: str) -> str:
    """A whole ``nginx.conf`` whose files all live in ``folder``, with ``http`` in its http block."""
    return MAIN.format(dir=folder, http=http)


def shipped(name: str, folder: Path, static: Path) -> str:
    """A file of ``deploy/nginx/`` with its paths set: the feeds' files in ``static``, the other
    shipped files in ``folder``."""
    return (
        (SHIPPED / name)
        .read_text()
        .replace("/var/lib/rota/static-feeds", str(static))
        .replace("/etc/nginx/rota-proxy.conf", str(folder / "rota-proxy.conf"))
        .replace("/etc/nginx/rota-locations.conf", str(folder / "rota-locations.conf"))
    )


def in_front_config(folder: Path, static: Path, upstream: str, port: int) -> str:
    """``nginx.conf`` for nginx on ``port`` in front of the service at ``upstream`` (host:port),
    with the shipped locations (written into ``folder``) and the feeds' files in ``static``."""
    for name in ("rota-locations.conf", "rota-proxy.conf"):
        (folder / name).write_text(shipped(name, folder, static))
    http = (
        f"    upstream rota_service {{ server {upstream}; keepalive 16; }}\n"
        f"    server {{\n        listen 127.0.0.1:{port};\n        keepalive_requests 1000000;\n"
        f"        include {folder}/rota-locations.conf;\n    }}"
    )
    return main_config(folder, http)


@contextmanager
def running_nginx(folder: Path, config: str, port: int, probe: str = "/") -> Iterator[str]:
    """nginx with ``config`` (its files in ``folder``, which its worker must be able to walk into:
    it runs as another user when started by root) until the block ends; its base URL, once
    ``probe`` answers. Fails (AssertionError) if nginx is not installed."""
    nginx = nginx_binary()
    assert nginx, "nginx is not installed (Debian: nginx-light; scripts/test.sh installs it)"
    (folder / "tmp").mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(config)
    errors = folder / "error.log"
    process = subprocess.Popen(
        [nginx, "-c", str(folder / "nginx.conf"), "-p", str(folder), "-e", str(errors)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(base + probe, timeout=1)
                break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(errors.read_text() if errors.exists() else "nginx did not start")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def check_config(folder: Path, config: str) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``config``."""
    nginx = nginx_binary()
    assert nginx, "nginx is not installed (Debian: nginx-light; scripts/test.sh installs it)"
    (folder / "tmp").mkdir(exist_ok=True)
    (folder / "nginx.conf").write_text(config)
    command = [
        nginx,
        "-t",
        "-c",
        str(folder / "nginx.conf"),
        "-p",
        str(folder),
        "-e",
        str(folder / "error.log"),
    ]
    return subprocess.run(command, capture_output=True, text=True)
