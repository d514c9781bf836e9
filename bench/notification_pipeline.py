"""Carrier event → SMS at a fixed offered rate, through the real web, ingest and notification tiers.

Starts what production runs, on this machine: gunicorn serving the product, Celery workers on
Redis for the `ingest` queue (webhooks normalized) and the `notifications` queue (SMS sent), and a
local Twilio stand-in on loopback. An open-loop sender offers signed EasyPost webhooks, each moving
one shipment to "out for delivery", at a fixed rate (a send is due every 1/rate s whether or not
earlier ones were answered), for each rate in BENCH_RATES. Latency is measured from the moment a
webhook was due to be sent to the moment its SMS reached the Twilio stand-in, so a backlog anywhere
(sender, web, broker, workers) counts. The brand's wait rules (quiet hours, SMS collapse window) are
off. Prints p50/p95/p99 per offered rate and the sustainable rate: the highest offered rate whose
p95 stays under 1 s with every SMS handed over.

    BENCH_RATES=50,100,150 BENCH_SECONDS=10 .venv/bin/python -m bench.notification_pipeline

Knobs (environment): BENCH_WEB_WORKERS (2) × BENCH_WEB_THREADS (4) gunicorn; BENCH_INGEST_POOL
(prefork) and BENCH_INGEST_CONCURRENCY (2); BENCH_NOTIFY_CONCURRENCY (16, thread pool);
BENCH_SENDERS (32 sender threads); BENCH_DATABASE_URL, BENCH_REDIS_URL.
"""

import hashlib
import hmac
import http.client
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.webhook_ingest import _ensure_database

RATES = [int(rate) for rate in os.environ.get("BENCH_RATES", "100").split(",") if rate.strip()]
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "2"))
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", "4"))
INGEST_POOL = os.environ.get("BENCH_INGEST_POOL", "prefork")
INGEST_CONCURRENCY = int(os.environ.get("BENCH_INGEST_CONCURRENCY", "2"))
NOTIFY_CONCURRENCY = int(os.environ.get("BENCH_NOTIFY_CONCURRENCY", "16"))
SENDERS = int(os.environ.get("BENCH_SENDERS", "32"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench_notify"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SECRET = "bench-secret"
TARGET_P95_MS = 1000.0
ROOT = Path(__file__).resolve().parent.parent


def _event(tracking_number: str, index: int) -> bytes:
    when = datetime(2026, 11, 1, 9, tzinfo=UTC).isoformat()
    return json.dumps(
        {
            "object": "Event",
            "id": f"evt_{index}",
            "description": "tracker.updated",
            "updated_at": when,
            "result": {
                "object": "Tracker",
                "id": f"trk_{index}",
                "tracking_code": tracking_number,
                "carrier": "UPS",
                "status": "out_for_delivery",
                "status_detail": "out_for_delivery",
                "est_delivery_date": None,
                "tracking_details": [
                    {
                        "object": "TrackingDetail",
                        "status": "out_for_delivery",
                        "status_detail": "out_for_delivery",
                        "message": "Out for delivery",
                        "datetime": when,
                        "tracking_location": {"city": "Cluj", "country": "RO"},
                    }
                ],
            },
        }
    ).encode()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_http(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer /healthz")


class OpenLoopSender:
    """Sends each body when it is due, from a pool of keep-alive connections; never waits for answers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.jobs: queue.Queue[tuple[str, float, bytes, str] | None] = queue.Queue()
        self.due: dict[str, float] = {}
        self.answered: list[float] = []  # seconds from due to the 202
        self.failures: list[str] = []
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(SENDERS)]
        for thread in self._threads:
            thread.start()

    def _run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while (job := self.jobs.get()) is not None:
            _phone, due, body, signature = job
            headers = {"Content-Type": "application/json", "X-Hmac-Signature": signature}
            for attempt in (1, 2):
                try:
                    connection.request("POST", "/webhooks/easypost/bench/", body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    if response.status != 202:
                        self.failures.append(f"{response.status}")
                    self.answered.append(time.monotonic() - due)
                    break
                except (OSError, http.client.HTTPException) as exc:
                    # A keep-alive connection the server closed while idle: once more on a new one.
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                    if attempt == 2:
                        self.failures.append(repr(exc))

    def offer(self, items: list[tuple[str, bytes]], rate: int) -> None:
        """Put each item on the wire at its due time (start + i / rate)."""
        signed = [
            (phone, body, "hmac-sha256-hex=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest())
            for phone, body in items
        ]
        start = time.monotonic() + 0.05
        for index, (phone, body, signature) in enumerate(signed):
            due = start + index / rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            self.due[phone] = due
            self.jobs.put((phone, due, body, signature))

    def stop(self) -> None:
        for _ in self._threads:
            self.jobs.put(None)


def main() -> int:
    _ensure_database(DATABASE_URL)
    os.environ.update(
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        DJANGO_SETTINGS_MODULE="postpurchase.settings",
        DEBUG="0",
        LOG_LEVEL="WARNING",
    )
    from tests.fakes.twilio_server import FakeTwilio

    with FakeTwilio() as fake:
        os.environ.update(
            TWILIO_ACCOUNT_SID="AC" + "c" * 32, TWILIO_AUTH_TOKEN="bench", TWILIO_API_BASE_URL=fake.url
        )
        import django

        django.setup()
        from django.core.management import call_command

        from brands.services import webhook_secret_set
        from notifications.models import NotificationSettings
        from orders.models import Customer, Order
        from postpurchase.celery import app as celery_app
        from tests import factories
        from tracking.models import Shipment

        call_command("migrate", verbosity=0)
        brand = factories.BrandFactory(slug="bench", sms_from_number="+40212345678")
        NotificationSettings.objects.create(
            brand=brand,
            quiet_hours_start=0,  # the brand's wait rules off: no quiet hours...
            quiet_hours_end=0,
            sms_collapse_seconds=0,  # ...and no collapse window
            disabled=["out_for_delivery:email"],
            sms_per_second=1000,  # a Messaging Service with high throughput, so the bench measures us
        )
        webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)
        per_rate = [int(rate * SECONDS) for rate in RATES]
        started_setup = time.monotonic()
        total = sum(per_rate)
        # Written in bulk (the shipments are what the events move, not what is measured).
        customers = Customer.objects.bulk_create(
            Customer(
                brand=brand,
                phone=f"+4072{index + 1000000:07d}",
                email=f"shopper{index}@example.com",
                first_name="Ioana",
                locale="en",
                sms_consent=True,
            )
            for index in range(total)
        )
        placed = datetime(2026, 10, 30, 10, tzinfo=UTC)
        orders = Order.objects.bulk_create(
            Order(
                brand=brand,
                customer=customer,
                external_id=f"bench-{index}",
                number=f"{100000 + index}",
                placed_at=placed,
                currency="EUR",
                shipping_country="RO",
            )
            for index, customer in enumerate(customers)
        )
        Shipment.objects.bulk_create(
            Shipment(brand=brand, order=order, carrier_code="ups", tracking_number=f"1ZN{index:06d}")
            for index, order in enumerate(orders)
        )
        items = [
            (customer.phone, _event(f"1ZN{index:06d}", index)) for index, customer in enumerate(customers)
        ]
        print(f"set-up: {len(items)} shipments in {time.monotonic() - started_setup:.0f} s", flush=True)

        from django.db import connections

        connections.close_all()
        port = _free_port()
        env = {**os.environ, "CONN_MAX_AGE": "60", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
        quiet = {"cwd": ROOT, "env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        worker = [sys.executable, "-m", "celery", "-A", "postpurchase", "worker", "--without-gossip"]
        worker += ["--without-mingle", "--without-heartbeat", "-l", "ERROR", "--prefetch-multiplier=1"]
        processes = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "postpurchase.wsgi",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={WEB_WORKERS}",
                    f"--threads={WEB_THREADS}",
                    "--preload",
                    "--keep-alive=30",
                    "--log-level=error",
                ],
                **quiet,  # type: ignore[call-overload]
            ),
            subprocess.Popen(
                [
                    *worker,
                    "-Q",
                    "ingest",
                    f"--pool={INGEST_POOL}",
                    f"--concurrency={INGEST_CONCURRENCY}",
                    "-n",
                    "ingest@%h",
                    "-O",
                    "fair",
                ],
                **quiet,  # type: ignore[call-overload]
            ),
            subprocess.Popen(
                [
                    *worker,
                    "-Q",
                    "notifications,default",
                    "--pool=threads",
                    f"--concurrency={NOTIFY_CONCURRENCY}",
                    "-n",
                    "notifications@%h",
                ],
                **quiet,  # type: ignore[call-overload]
            ),
        ]
        results: list[dict[str, float]] = []
        try:
            _wait_for_http(port, time.monotonic() + 60)
            with celery_app.connection_for_write() as conn:
                redis_client = conn.default_channel.client
                for queue_name in ("ingest", "notifications"):  # both worker pools are consuming
                    celery_app.send_task("postpurchase.noop", queue=queue_name)
                deadline = time.monotonic() + 60
                while any(redis_client.llen(q) for q in ("ingest", "notifications")):
                    if time.monotonic() > deadline:
                        raise RuntimeError("the Celery workers did not start")
                    time.sleep(0.1)
            sender = OpenLoopSender(port)
            offset = 0
            for rate, count in zip(RATES, per_rate, strict=True):
                batch = items[offset : offset + count]
                offset += count
                phones = {phone for phone, _ in batch}
                received_before = len(fake.received)
                answered_before = len(sender.answered)
                sender.offer(batch, rate)
                deadline = time.monotonic() + 120
                while len(fake.received) - received_before < count and time.monotonic() < deadline:
                    time.sleep(0.02)
                arrived = list(
                    zip(fake.received[received_before:], fake.received_at[received_before:], strict=False)
                )
                latencies = [
                    (at - sender.due[form["To"]]) * 1000 for form, at in arrived if form["To"] in phones
                ]
                acks = [s * 1000 for s in sender.answered[answered_before:]]
                result = {
                    "rate": rate,
                    "events": count,
                    "sms": len(latencies),
                    "p50": _percentile(latencies, 0.5) if latencies else float("inf"),
                    "p95": _percentile(latencies, 0.95) if latencies else float("inf"),
                    "p99": _percentile(latencies, 0.99) if latencies else float("inf"),
                    "mean": statistics.fmean(latencies) if latencies else float("inf"),
                    "ack_p50": _percentile(acks, 0.5) if acks else float("inf"),
                    "ack_p95": _percentile(acks, 0.95) if acks else float("inf"),
                }
                results.append(result)
                print(
                    f"offered {rate:4d}/s × {SECONDS:.0f} s: SMS {result['sms']}/{count}; webhook due → SMS "
                    f"p50 {result['p50']:.0f} ms, p95 {result['p95']:.0f} ms, p99 {result['p99']:.0f} ms; "
                    f"202 answered p50 {result['ack_p50']:.0f} ms, p95 {result['ack_p95']:.0f} ms",
                    flush=True,
                )
            sender.stop()
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()

    sent_once = len({form["To"] for form in fake.received}) == len(fake.received)
    sustainable = [r["rate"] for r in results if r["p95"] < TARGET_P95_MS and r["sms"] == r["events"]]
    print(
        f"web: gunicorn {WEB_WORKERS}×{WEB_THREADS}; ingest: {INGEST_POOL} ×{INGEST_CONCURRENCY}; "
        f"notifications: threads ×{NOTIFY_CONCURRENCY}; broker {urlsplit(REDIS_URL).path}; "
        f"{os.cpu_count()} cores"
    )
    print(
        f"sender failures: {len(sender.failures)} {sorted(set(sender.failures))[:3]}; "
        f"each recipient texted once: {sent_once}"
    )
    print(
        "sustainable (p95 < 1 s, every SMS handed over): "
        + (f"{max(sustainable)} events/s" if sustainable else "none of the offered rates")
    )
    return 0 if sent_once and not sender.failures and all(r["sms"] == r["events"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
