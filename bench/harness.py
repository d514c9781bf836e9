"""Side-by-side HTTP benchmarks: a gunicorn server, wrk, interleaved rounds, median and spread.

The pieces bench/web.py and bench/memory.py are built from:

- `serve()` starts gunicorn (the same command line the Dockerfile uses, with the worker and thread
  counts given) with the bench settings, waits until it answers, and stops the whole process group
  on the way out, also on Ctrl+C, SIGTERM or an exception.
- `wrk()` runs one wrk load and reads requests/s, latency and errors from its report.
- `compare()` runs baseline and product alternately, ROUNDS times each, on the same server, and
  returns the medians, the min–max spread and the ratio product/baseline.

Nothing here asserts a speed: the figures are printed for docs/performance.md.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WRK_SCRIPTS = Path(__file__).resolve().parent / "wrk"


def require_wrk() -> str:
    """The wrk binary, or exit with how to install it."""
    path = shutil.which("wrk")
    if path is None:
        print(
            "wrk is not installed: apt-get install wrk (Debian/Ubuntu), then run this again.", file=sys.stderr
        )
        raise SystemExit(2)
    return path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bin(name: str) -> str:
    """A console script of this virtualenv (gunicorn, celery), else the one on PATH."""
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else (shutil.which(name) or name)


@contextlib.contextmanager
def terminate_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP become SystemExit, SIGINT KeyboardInterrupt: every `finally` runs and stops children."""

    def stop(signum: int, frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    # Ctrl+C too, even when started in the background of a shell that ignores SIGINT for its jobs.
    previous[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def stop_group(process: subprocess.Popen[bytes], *, grace: float = 15.0) -> None:
    """Stop a process started with start_new_session and everything it started."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    # Workers of a dead master may linger a moment; the group is gone once none answers.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> tuple[int, list[int]]:
        """The master's pid and its workers' pids."""
        return self.process.pid, children(self.process.pid)


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return sorted(found)


def bench_environment(*, database_url: str, redis_url: str) -> dict[str, str]:
    """The environment the product runs in for a benchmark: DEBUG off, real Postgres and Redis."""
    environment = dict(os.environ)
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEBUG": "0",
            "SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",
            "SECRET_KEY": environment.get("SECRET_KEY") or "bench-only-secret-key-" + "x" * 40,
        }
    )
    # Whatever broker the shell had, the bench's Celery messages go to the bench's Redis.
    environment.pop("CELERY_BROKER_URL", None)
    return environment


def collectstatic(environment: dict[str, str]) -> None:
    """Collect static files as a deployment does: with DEBUG off, pages link the manifest's names."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )


@contextlib.contextmanager
def serve(
    *,
    environment: dict[str, str],
    workers: int = 3,
    threads: int = 4,
    preload: bool = True,
    ready_path: str = "/healthz",
    startup_timeout: float = 60.0,
) -> Iterator[Server]:
    """gunicorn with the given environment on a free loopback port; stopped on the way out."""
    port = free_port()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-gunicorn-"))
    log = log_dir / "gunicorn.log"
    command = [
        _bin("gunicorn"),
        "postpurchase.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        "--timeout=30",
        # The hooks the deployment uses, when this checkout has them.
        *([f"--config={ROOT / 'gunicorn.conf.py'}"] if (ROOT / "gunicorn.conf.py").exists() else []),
        f"--error-logfile={log}",
        *(["--preload"] if preload else []),
    ]
    with terminate_on_signals(), log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + startup_timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"gunicorn exited at start:\n{log.read_text()[-3000:]}")
                with contextlib.suppress(OSError, http.client.HTTPException):
                    if fetch(url + ready_path)[0] == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not answer in {startup_timeout:.0f} s:\n{log.read_text()[-3000:]}"
                    )
                time.sleep(0.3)
            # Every worker must be up before a round starts, not only the first to answer.
            while len(children(process.pid)) < workers and time.monotonic() < deadline:
                time.sleep(0.2)
            yield Server(url=url, process=process, log=log)
        finally:
            stop_group(process)
            shutil.rmtree(log_dir, ignore_errors=True)


_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of one process so far, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime and stime, fields 14 and 15


class CpuMeter:
    """CPU time spent by the gunicorn processes and by the Postgres backends serving them.

    On a shared machine requests/s move with everyone else's load; CPU time per request much less
    so. Postgres backends are found through pg_stat_activity (this database's client connections,
    the meter's own excepted) and read in /proc, so the database figure exists only when Postgres
    runs on this machine and this user may read its processes; otherwise it is None.
    """

    def __init__(self, *, server_pid: int, database_url: str) -> None:
        import psycopg2

        self.server_pid = server_pid
        self.connection = psycopg2.connect(database_url)
        self.connection.autocommit = True

    def close(self) -> None:
        self.connection.close()

    def _backends(self) -> list[int]:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            return [row[0] for row in cursor.fetchall()]

    def snapshot(self) -> tuple[dict[int, float], dict[int, float]]:
        web = {pid: process_cpu_seconds(pid) for pid in [self.server_pid, *children(self.server_pid)]}
        database = {pid: process_cpu_seconds(pid) for pid in self._backends()}
        return (
            {pid: cpu for pid, cpu in web.items() if cpu is not None},
            {pid: cpu for pid, cpu in database.items() if cpu is not None},
        )

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    requests: int
    errors: int  # non-2xx/3xx answers plus socket errors
    latency_p50_ms: float
    latency_p99_ms: float
    wrapped: int  # for signed_posts.lua: times a thread ran out of fresh bodies


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        return float("nan")
    return float(match.group(1)) * _UNITS_MS[match.group(2)]


def parse_wrk(output: str) -> WrkResult:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rps or not total:
        raise RuntimeError(f"wrk gave no figures:\n{output}")
    errors = 0
    if non_2xx := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(non_2xx.group(1))
    if sockets := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(value) for value in sockets.groups())
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE)
    wrapped = re.search(r"^wrapped: (\d+)", output, re.MULTILINE)
    return WrkResult(
        requests_per_second=float(rps.group(1)),
        requests=int(total.group(1)),
        errors=errors,
        latency_p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        latency_p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        wrapped=int(wrapped.group(1)) if wrapped else 0,
    )


@dataclass(frozen=True)
class Load:
    """One wrk load: a URL, optional Lua script with its arguments, extra headers."""

    url: str
    script: Path | None = None
    script_args: Sequence[str] = ()
    headers: Sequence[str] = ()


def wrk(load: Load, *, duration: float, connections: int, threads: int) -> WrkResult:
    command = [
        require_wrk(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(duration))}s",
        "--timeout=10s",
        "--latency",
    ]
    for header in load.headers:
        command += ["--header", header]
    if load.script is not None:
        command += ["--script", str(load.script)]
    command.append(load.url)
    if load.script_args:
        command += ["--", *load.script_args]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=duration + 60)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return parse_wrk(done.stdout)


@dataclass
class Side:
    """One side of a comparison: every round's result."""

    name: str
    rounds: list[WrkResult] = field(default_factory=list)
    replays: bool = False  # bodies are re-sent on purpose (a replay scenario)
    # Per round: CPU milliseconds per request in the web processes and in Postgres (None: unknown).
    cpu_web_ms: list[float] = field(default_factory=list)
    cpu_db_ms: list[float | None] = field(default_factory=list)

    @property
    def cpu_ms(self) -> float | None:
        """Median CPU per request, web processes and Postgres together; None when not measured."""
        if not self.cpu_web_ms or any(db is None for db in self.cpu_db_ms):
            return None
        return statistics.median(w + (d or 0.0) for w, d in zip(self.cpu_web_ms, self.cpu_db_ms, strict=True))

    @property
    def rates(self) -> list[float]:
        return [result.requests_per_second for result in self.rounds]

    @property
    def median(self) -> float:
        return statistics.median(self.rates)

    @property
    def errors(self) -> int:
        return sum(result.errors for result in self.rounds)

    @property
    def wrapped(self) -> int:
        return sum(result.wrapped for result in self.rounds)

    def summary(self) -> str:
        rates = self.rates
        p50 = statistics.median(r.latency_p50_ms for r in self.rounds)
        p99 = statistics.median(r.latency_p99_ms for r in self.rounds)
        return (
            f"{self.median:8.0f} req/s (min–max {min(rates):.0f}–{max(rates):.0f}); "
            f"latency p50 {p50:.1f} ms, p99 {p99:.1f} ms; errors {self.errors}"
            + self._cpu_summary()
            + (
                f"; fresh bodies ran out {self.wrapped}× (re-sent)"
                if self.wrapped and not self.replays
                else ""
            )
        )

    def _cpu_summary(self) -> str:
        if not self.cpu_web_ms:
            return ""
        web = statistics.median(self.cpu_web_ms)
        known = [d for d in self.cpu_db_ms if d is not None]
        database = (
            f", Postgres {statistics.median(known):.2f} ms" if len(known) == len(self.cpu_db_ms) else ""
        )
        return f"; CPU per request: web {web:.2f} ms{database}"


@dataclass
class Comparison:
    scenario: str
    baseline: Side
    product: Side
    target: float | None

    @property
    def ratio(self) -> float:
        return self.product.median / self.baseline.median

    @property
    def pair_ratios(self) -> list[float]:
        return [p / b for p, b in zip(self.product.rates, self.baseline.rates, strict=True)]

    def report(self) -> str:
        pairs = self.pair_ratios
        target = f"  target ≥ {self.target:.2f}" if self.target is not None else ""
        return "\n".join(
            [
                f"== {self.scenario}",
                f"   baseline ({self.baseline.name}): {self.baseline.summary()}",
                f"   product  ({self.product.name}): {self.product.summary()}",
                f"   ratio product/baseline: {self.ratio:.3f} (per round {min(pairs):.3f}–{max(pairs):.3f}){target}",
                *(
                    [f"   CPU-time ratio, baseline/product CPU per request: {self.cpu_ratio:.3f}"]
                    if self.cpu_ratio is not None
                    else []
                ),
            ]
        )

    @property
    def cpu_ratio(self) -> float | None:
        """What the ratio would be on a machine of its own, if CPU were the only limit."""
        baseline, product = self.baseline.cpu_ms, self.product.cpu_ms
        return baseline / product if baseline and product else None


def compare(
    *,
    scenario: str,
    baseline: tuple[str, Callable[[int], Load]],
    product: tuple[str, Callable[[int], Load]],
    rounds: int,
    duration: float,
    connections: int,
    threads: int,
    target: float | None = None,
    product_replays: bool = False,
    warmup: float = 2.0,
    progress: Callable[[str], None] = print,
    meter: CpuMeter | None = None,
) -> Comparison:
    """Baseline, product, baseline, product… `rounds` times each; each load is built per round.

    A load is a function of the round number (0… rounds-1, and -1 for the warm-up) so a round can
    send bodies no other round sent.
    """
    result = Comparison(scenario, Side(baseline[0]), Side(product[0], replays=product_replays), target)
    if warmup > 0:
        for _, make in (baseline, product):
            wrk(make(-1), duration=warmup, connections=connections, threads=threads)
    for index in range(rounds):
        for side, (_, make) in ((result.baseline, baseline), (result.product, product)):
            load = make(index)
            before = meter.snapshot() if meter else None
            outcome = wrk(load, duration=duration, connections=connections, threads=threads)
            if meter and before and outcome.requests:
                after = meter.snapshot()
                side.cpu_web_ms.append(1000 * meter.spent(before[0], after[0]) / outcome.requests)
                database = meter.spent(before[1], after[1])
                side.cpu_db_ms.append(1000 * database / outcome.requests if after[1] else None)
            side.rounds.append(outcome)
            progress(f"   round {index + 1}/{rounds} {side.name}: {outcome.requests_per_second:.0f} req/s")
    return result


def fetch(url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """One plain-HTTP request to the bench server: (status, body), error statuses included."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=30)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request("POST" if data is not None else "GET", path, body=data, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()
