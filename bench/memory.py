"""Memory per web process (gunicorn with and without --preload) and per Celery worker process.

Starts gunicorn as the Dockerfile does (3 workers × 4 threads by default, DEBUG off, real Postgres
and Redis), warms every worker on the shopper, console, API and webhook paths with wrk so each has
imported and compiled what it serves, then reads /proc/<pid>/smaps_rollup of the master and of each
worker: RSS (pages mapped, shared ones counted in full), PSS (shared pages divided among the
processes sharing them: the figures add up to what the processes really take together) and USS
(pages private to the process: what stopping it would free). The same for a Celery worker
(prefork, idle on a queue of its own, so it takes no real task) and its pool processes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench REDIS_URL=redis://127.0.0.1:6379/4 \\
        .venv/bin/python -m bench.memory [--workers 3] [--threads 4] [--concurrency 2]

Linux only (smaps_rollup: kernel 4.14 or later). The database is migrated and static files collected
as a deployment does; nothing else is written.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench import harness

WARM_PATHS = (
    "/healthz",
    "/readyz",
    "/admin/login/",
    "/bench/track/",
    "/bench/help/",
    "/api/v1/shipments/",
    "/api/schema/",
)


@dataclass(frozen=True)
class Usage:
    role: str
    pid: int
    rss_kib: int
    pss_kib: int
    uss_kib: int


def usage(pid: int, role: str) -> Usage:
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[-1] == "kB":
            fields[name.strip()] = int(parts[0])
    return Usage(
        role=role,
        pid=pid,
        rss_kib=fields["Rss"],
        pss_kib=fields["Pss"],
        uss_kib=fields["Private_Clean"] + fields["Private_Dirty"],
    )


def _mib(kib: float) -> str:
    return f"{kib / 1024:7.1f}"


def print_table(title: str, rows: Sequence[Usage]) -> None:
    print(f"\n{title}")
    print("  process            pid      RSS MiB  PSS MiB  USS MiB")
    for row in rows:
        print(f"  {row.role:16} {row.pid:7}  {_mib(row.rss_kib)}  {_mib(row.pss_kib)}  {_mib(row.uss_kib)}")
    print(f"  {'all together (sum of PSS)':34} {_mib(sum(r.pss_kib for r in rows))}")


def _median(rows: Sequence[Usage], attribute: str) -> float:
    return statistics.median(getattr(row, attribute) for row in rows)


def measure_gunicorn(
    *, environment: dict[str, str], workers: int, threads: int, preload: bool, warm_seconds: float
) -> list[Usage]:
    with harness.serve(environment=environment, workers=workers, threads=threads, preload=preload) as server:
        for path in WARM_PATHS:
            # 8 connections spread over every worker; the answers' status does not matter here.
            harness.wrk(
                harness.Load(url=server.url + path, headers=("User-Agent: Mozilla/5.0 bench",)),
                duration=warm_seconds,
                connections=8,
                threads=2,
            )
        master, pool = server.pids()
        return [usage(master, "master"), *(usage(pid, f"worker {n}") for n, pid in enumerate(pool, 1))]


@contextlib.contextmanager
def celery_worker(*, environment: dict[str, str], concurrency: int, timeout: float = 90.0) -> Iterator[int]:
    """A prefork Celery worker on a queue nobody sends to; yields its pid once its pool is up."""
    with harness.terminate_on_signals(), tempfile.TemporaryDirectory(prefix="bench-celery-") as scratch:
        log = Path(scratch) / "celery.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                [
                    harness._bin("celery"),
                    "-A",
                    "postpurchase",
                    "worker",
                    "-Q",
                    "bench-memory-idle",
                    f"--concurrency={concurrency}",
                    "--pool=prefork",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel=INFO",
                    f"--hostname=bench-memory-{os.getpid()}@%h",
                ],
                cwd=harness.ROOT,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                deadline = time.monotonic() + timeout
                while " ready." not in log.read_text(errors="replace"):
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"Celery worker did not start:\n{log.read_text()[-3000:]}")
                    time.sleep(0.5)
                while len(harness.children(process.pid)) < concurrency and time.monotonic() < deadline:
                    time.sleep(0.2)
                time.sleep(2)  # let the pool processes finish their own start-up
                yield process.pid
            finally:
                harness.stop_group(process)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=2, help="Celery pool processes (default 2)")
    parser.add_argument("--warm", type=float, default=2.0, help="seconds of load per warm-up path")
    arguments = parser.parse_args(argv)
    harness.require_wrk()
    if not Path("/proc/self/smaps_rollup").exists():
        print("Needs Linux with /proc/<pid>/smaps_rollup.", file=sys.stderr)
        return 2
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url.startswith("redis"):
        print("Set DATABASE_URL (a Postgres bench database) and REDIS_URL.", file=sys.stderr)
        return 2
    environment = harness.bench_environment(database_url=database_url, redis_url=redis_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=harness.ROOT,
        env=environment,
        check=True,
    )
    harness.collectstatic(environment)

    results: dict[bool, list[Usage]] = {}
    for preload in (False, True):
        results[preload] = measure_gunicorn(
            environment=environment,
            workers=arguments.workers,
            threads=arguments.threads,
            preload=preload,
            warm_seconds=arguments.warm,
        )
        print_table(
            f"gunicorn {arguments.workers} workers × {arguments.threads} threads, "
            f"{'with' if preload else 'without'} --preload, after warm-up",
            results[preload],
        )
    with celery_worker(environment=environment, concurrency=arguments.concurrency) as pid:
        celery = [
            usage(pid, "main"),
            *(usage(c, f"pool {n}") for n, c in enumerate(harness.children(pid), 1)),
        ]
    print_table(f"Celery worker, prefork, concurrency {arguments.concurrency}, idle", celery)

    print("\nmedian per process               RSS MiB  PSS MiB  USS MiB   all processes, sum of PSS")
    lines = [
        (f"web worker, {'with' if preload else 'without'} --preload", results[preload], "master")
        for preload in (False, True)
    ]
    lines.append(("Celery pool process", celery, "main"))
    for label, rows, parent in lines:
        pool = [row for row in rows if row.role != parent]
        print(
            f"  {label:30} {_mib(_median(pool, 'rss_kib'))}  {_mib(_median(pool, 'pss_kib'))}"
            f"  {_mib(_median(pool, 'uss_kib'))}   {_mib(sum(r.pss_kib for r in rows))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
