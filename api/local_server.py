"""Run the service (and task-queue workers) in subprocesses on a free loopback port, for the
end-to-end tests and the benchmarks: only 127.0.0.1, a bounded wait for start-up, a bounded stop."""

from __future__ import annotations

import os
import resource
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
    max_file_bytes: int | None = None,
) -> Iterator[LocalServer]:
    """Start ``command(port)`` with the service's settings from the environment (the caller's
    ROTA_* variables left out; ``settings`` added, e.g. ``{"ROTA_JOB_LEASE_SECONDS": "3"}``), wait
    up to 30 s for /health, and stop it afterwards (SIGTERM, then kill). ``max_file_bytes``: no file
    the server writes may grow past it (RLIMIT_FSIZE), as on a full disk."""
    port = free_loopback_port()
    env = service_environment(data_dir, admin_token, settings)

    def limit_files() -> None:
        if max_file_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))

    with log.open("wb") as out:
        process = subprocess.Popen(
            command(port),
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=limit_files if max_file_bytes is not None else None,
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
        _stop(process)


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


def service_environment(data_dir: Path, admin_token: str, settings: dict[str, str] | None) -> dict[str, str]:
    """This process's environment without its ROTA_* variables, plus the service's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROTA_")}
    return env | {"ROTA_DATA_DIR": str(data_dir), "ROTA_ADMIN_TOKEN": admin_token, **(settings or {})}


@dataclass
class LocalWorker:
    process: subprocess.Popen[bytes]
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


@contextmanager
def local_worker(
    data_dir: Path,
    admin_token: str,
    log: Path,
    cwd: Path,
    settings: dict[str, str] | None = None,
    args: tuple[str, ...] = (),
) -> Iterator[LocalWorker]:
    """Start ``rota worker`` (its settings as :func:`local_server`'s, with ROTA_BROKER_URL), wait up
    to 30 s until it says it is ready, and stop it afterwards (SIGTERM, then kill)."""
    env = service_environment(data_dir, admin_token, settings)
    command = [sys.executable, "-m", "rota_solver.cli", "worker", *args]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
    running = LocalWorker(process, log)
    try:
        deadline = time.monotonic() + 30
        while " ready." not in running.log_tail(100_000):
            if process.poll() is not None:
                status = process.returncode
                raise RuntimeError(f"the worker exited with status {status}:\n{running.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the worker was not ready in 30 s:\n{running.log_tail()}")
            time.sleep(0.1)
        yield running
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then kill after 15 s."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
