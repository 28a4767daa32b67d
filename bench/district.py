"""Benchmark: a district's schools on the task queue with PostgreSQL.

Run: ``python -m bench.district [--workers 1 2] [--schools 40] [--big 240] [--smoke]``.
Generates ``--schools`` schools (``bench.synthetic.synthetic_school``, seeded) of 12 to 120
classes, plus one of ``--big`` classes (0: none), starts ``rota serve`` on a new PostgreSQL
database and a Redis key prefix of its own with N ``rota worker`` processes (each runs one job at a
time), uploads every school, then starts every solve at once, the big school first. Per worker
count it prints the wall time (first job queued to last job ended), throughput, per-job latency
(queued to ended) percentiles for the small schools (< ``ROTA_LARGE_SCHOOL_CLASSES``, 100) and the
large ones, how many small schools ended before the big one, the solver time per class, and each
worker's peak memory (VmHWM). ``--smoke``: 4 small schools, 1 worker, no big school (seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import secrets
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from api.local_server import local_server, local_worker, rota_serve_command
from bench.synthetic import synthetic_school
from tests.api.services import postgres_database, redis_namespace

ROOT = Path(__file__).resolve().parent.parent
LARGE = 100
"""ROTA_LARGE_SCHOOL_CLASSES's default: schools this size or more go on the large queue."""


@dataclass
class Result:
    slug: str
    classes: int
    status: str
    outcome: str | None
    latency: float
    solve: float
    attempts: int


def school_sizes(count: int, seed: int = 0) -> list[int]:
    """``count`` sizes spread evenly over 12-120 classes, in a seeded random order."""
    if count == 1:
        return [12]
    sizes = [round(12 + i * (120 - 12) / (count - 1)) for i in range(count)]
    random.Random(seed).shuffle(sizes)
    return sizes


def school_yaml(classes: int, seed: int) -> str:
    scenario = synthetic_school(classes, seed=seed)
    return yaml.safe_dump(scenario.model_dump(mode="json"), allow_unicode=True, sort_keys=False)


def peak_memory_mib(pid: int) -> float:
    """The process's peak resident memory (VmHWM), MiB; children of a prefork pool included."""
    total = 0.0
    for p in [pid, *_children(pid)]:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total = max(total, int(line.split()[1]) / 1024)
        except OSError:
            pass
    return total


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def run_district(
    texts: list[tuple[str, int, str]], workers: int, time_limit: float, tmp: Path
) -> tuple[list[Result], float, list[float]]:
    """Solve every school on ``workers`` worker processes: results, wall seconds, peak MiB per worker."""
    token = secrets.token_urlsafe(24)
    auth = {"Authorization": f"Bearer {token}"}
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database("rota_bench"))
        names = stack.enter_context(redis_namespace())
        settings = {
            **names,
            "ROTA_DATABASE_URL": url,
            "ROTA_JOB_TIME_LIMIT_SECONDS": str(time_limit),
            "ROTA_MAX_BODY_BYTES": str(16 * 1024 * 1024),
        }
        data = tmp / f"data-{workers}"
        server = stack.enter_context(
            local_server(data, token, rota_serve_command, tmp / f"server-{workers}.log", ROOT, settings)
        )
        running = [
            stack.enter_context(local_worker(data, token, tmp / f"worker-{workers}-{i}.log", ROOT, settings))
            for i in range(workers)
        ]
        admin = stack.enter_context(httpx.Client(base_url=server.base_url, headers=auth, timeout=60))
        for slug, _, text in texts:
            yaml_type = {"Content-Type": "application/yaml"}
            put = admin.put(f"/schools/{slug}/scenario", content=text, headers=yaml_type)
            assert put.status_code == 201, put.text
        jobs: dict[str, str] = {}
        for slug, _, _ in texts:  # all at once: one request after another, no waiting
            started = admin.post(f"/schools/{slug}/solves")
            assert started.status_code == 202, started.text
            jobs[slug] = started.json()["url"]
        finished: dict[str, dict[str, Any]] = {}
        peaks = [0.0] * workers
        while len(finished) < len(jobs):
            time.sleep(0.5)
            for i, w in enumerate(running):
                peaks[i] = max(peaks[i], peak_memory_mib(w.process.pid))
            for slug, job_url in jobs.items():
                if slug in finished:
                    continue
                job = admin.get(job_url).json()
                if job["status"] not in ("queued", "running"):
                    finished[slug] = job
    sizes = {slug: classes for slug, classes, _ in texts}
    results = []
    for slug, job in finished.items():
        created = dt.datetime.fromisoformat(job["created_at"])
        ended = dt.datetime.fromisoformat(job["finished_at"])
        results.append(
            Result(
                slug,
                sizes[slug],
                job["status"],
                job["outcome"],
                (ended - created).total_seconds(),
                job["elapsed_seconds"],
                job["attempts"],
            )
        )
    first = min(dt.datetime.fromisoformat(j["created_at"]) for j in finished.values())
    last = max(dt.datetime.fromisoformat(j["finished_at"]) for j in finished.values())
    return results, (last - first).total_seconds(), peaks


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(workers: int, results: list[Result], wall: float, peaks: list[float], big: int) -> None:
    small = [r.latency for r in results if r.classes < LARGE]
    large = [r.latency for r in results if r.classes >= LARGE]
    ok = sum(r.status == "succeeded" for r in results)
    solve = sum(r.solve for r in results)
    classes = sum(r.classes for r in results)
    print(f"\n## {workers} worker process{'es' if workers > 1 else ''}\n")
    print(
        f"- {len(results)} jobs, {ok} succeeded ({', '.join(sorted({str(r.outcome) for r in results}))}); "
        f"retried: {sum(r.attempts > 1 for r in results)}"
    )
    print(
        f"- wall time {wall:.1f} s; throughput {len(results) / wall * 60:.1f} schools/min, "
        f"{classes / wall * 60:.0f} classes/min"
    )
    print(
        f"- solver time in all {solve:.1f} s = {solve / classes * 1000:.0f} ms per class "
        f"(mean {solve / len(results):.2f} s per school)"
    )
    for name, values in (("small (<100 classes)", small), ("large (>=100)", large)):
        if values:
            print(
                f"- latency {name}, {len(values)} jobs: p50 {percentile(values, 50):.1f} s, "
                f"p90 {percentile(values, 90):.1f} s, p99 {percentile(values, 99):.1f} s, "
                f"max {max(values):.1f} s"
            )
    if big:
        big_result = next(r for r in results if r.classes == big)
        before = sum(r.latency < big_result.latency for r in results if r.classes < LARGE)
        print(
            f"- the {big}-class school (queued first) ended after {big_result.latency:.1f} s "
            f"({big_result.solve:.1f} s solving); {before} of {len(small)} small schools ended before it"
        )
    print(f"- peak memory per worker: {', '.join(f'{p:.0f} MiB' for p in peaks)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--schools", type=int, default=40)
    parser.add_argument("--big", type=int, default=240, help="classes of the one big school (0: none)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--smoke", action="store_true", help="4 small schools, 1 worker")
    args = parser.parse_args()
    if args.smoke:
        args.schools, args.big, args.workers = 4, 0, [1]
        sizes = [12, 18, 24, 30]
    else:
        sizes = school_sizes(args.schools)
    texts = []
    if args.big:
        texts.append(("big", args.big, school_yaml(args.big, seed=1000)))
    texts += [(f"school-{i:02d}", n, school_yaml(n, seed=i)) for i, n in enumerate(sizes)]
    print(
        f"# District benchmark: {len(texts)} schools ({sum(n for _, n, _ in texts)} classes), "
        f"time limit {args.time_limit:g} s per job"
    )
    machine = platform.processor() or platform.machine()
    print(f"{machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="rota-district-") as tmp:
        for workers in args.workers:
            results, wall, peaks = run_district(texts, workers, args.time_limit, Path(tmp))
            report(workers, results, wall, peaks, args.big)
            if args.smoke:
                assert all(r.status == "succeeded" for r in results), results


if __name__ == "__main__":
    main()
