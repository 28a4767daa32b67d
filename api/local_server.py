"""Run the service in a subprocess on a free loopback port, for the end-to-end test and the
serving benchmark: only 127.0.0.1, a bounded wait for start-up, and a bounded stop."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LocalServer:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-3000:]


@contextmanager
def local_server(
    data_dir: Path,
    admin_token: str,
    command: Callable[[int], list[str]],
    log: Path,
    cwd: Path,
    settings: dict[str, str] | None = None,
) -> Iterator[LocalServer]:
    """Start ``command(port)`` with the service's settings from the environment (the caller's
    ROTA_* variables left out; ``settings`` added, e.g. ``{"ROTA_JOB_LEASE_SECONDS": "3"}``), wait
    up to 30 s for /health, and stop it afterwards (SIGTERM, then kill)."""
    port = free_loopback_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTA_")}
    env |= {"ROTA_DATA_DIR": str(data_dir), "ROTA_ADMIN_TOKEN": admin_token, **(settings or {})}
    with log.open("wb") as out:
        process = subprocess.Popen(
            command(port), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
    running = LocalServer(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"the server exited with status {process.returncode}:\n{running.log_tail()}"
                )
            try:
                if httpx.get(f"{running.base_url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start in 30 s:\n{running.log_tail()}")
            time.sleep(0.1)
        yield running
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def uvicorn_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "api.main:app_factory",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def rota_serve_command(port: int) -> list[str]:
    return [sys.executable, "-m", "rota_solver.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
