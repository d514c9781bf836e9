"""Carrier event → outbox → Celery worker → (local) Twilio: throughput and latency.

Pushes N signed EasyPost webhooks, each moving one shipment to "out for delivery", through the
real endpoint in this process; real Celery workers (subprocesses) on Redis send the SMS to a local
Twilio stand-in on loopback. Prints events/s and the latency from "webhook accepted" to "SMS handed
to Twilio" (p50/p95/p99), next to the throughput of a no-op Celery task on the same broker, run
by the same workers in the same run.

    .venv/bin/python -m bench.notification_pipeline      # BENCH_N=200 BENCH_WORKERS=2 by default
"""

import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench.webhook_ingest import _ensure_database

N = int(os.environ.get("BENCH_N", "200"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench_notify"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
SECRET = "bench-secret"
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


def main() -> int:
    _ensure_database(DATABASE_URL)
    os.environ.update(
        DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="postpurchase.settings"
    )
    from tests.fakes.twilio_server import FakeTwilio

    with FakeTwilio() as fake:
        os.environ.update(
            TWILIO_ACCOUNT_SID="AC" + "c" * 32, TWILIO_AUTH_TOKEN="bench", TWILIO_API_BASE_URL=fake.url
        )
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from brands.services import webhook_secret_set
        from notifications.models import NotificationSettings
        from postpurchase.celery import app as celery_app
        from tests import factories
        from tracking import services

        call_command("migrate", verbosity=0)
        brand = factories.BrandFactory(slug="bench", sms_from_number="+40212345678")
        NotificationSettings.objects.create(
            brand=brand,
            quiet_hours_start=0,
            quiet_hours_end=0,
            sms_collapse_seconds=0,
            disabled=["out_for_delivery:email"],
            sms_per_second=1000,  # a Messaging Service with high throughput, so the bench measures us
        )
        webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)
        numbers, phones = [], []
        for index in range(N):
            phone = f"+4072{index + 1000000:07d}"
            customer = factories.CustomerFactory(brand=brand, phone=phone, sms_consent=True)
            order = factories.OrderFactory(brand=brand, customer=customer, shipping_country="RO")
            factories.OrderLineFactory(order=order)
            shipment, _ = services.shipment_upsert(
                brand=brand, order=order, carrier_code="ups", tracking_number=f"1ZN{index:06d}"
            )
            numbers.append(shipment.tracking_number)
            phones.append(phone)

        env = {**os.environ, "CONN_MAX_AGE": "60"}
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "postpurchase",
            "worker",
            "-Q",
            "notifications,default",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "ERROR",
        ]
        workers = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(WORKERS)
        ]
        try:
            time.sleep(4)  # workers connect
            with celery_app.connection_for_write() as conn:
                redis_client = conn.default_channel.client

                def drained(queue: str) -> bool:
                    return int(redis_client.llen(queue)) == 0

                started = time.monotonic()
                for _ in range(N):
                    celery_app.send_task("postpurchase.noop", queue="default")
                while not drained("default"):
                    time.sleep(0.005)
                noop_seconds = time.monotonic() - started

            client = Client()
            accepted: dict[str, float] = {}
            started = time.monotonic()
            for index, number in enumerate(numbers):
                body = _event(number, index)
                signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
                response = client.post(
                    "/webhooks/easypost/bench/",
                    data=body,
                    content_type="application/json",
                    HTTP_X_HMAC_SIGNATURE=f"hmac-sha256-hex={signature}",
                )
                assert response.status_code == 200, response.content
                accepted[phones[index]] = time.monotonic()
            deadline = time.monotonic() + 300
            while len(fake.received) < N and time.monotonic() < deadline:
                time.sleep(0.01)
            finished = max(fake.received_at) if fake.received_at else time.monotonic()
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=20)

    latencies = [
        (at - accepted[form["To"]]) * 1000 for form, at in zip(fake.received, fake.received_at, strict=True)
    ]
    sent_once = len({form["To"] for form in fake.received}) == len(fake.received)
    print(
        f"events: {N}, workers: {WORKERS} (solo pool), broker {urlsplit(REDIS_URL).path}, Postgres, loopback Twilio"
    )
    print(f"no-op Celery task:               {N / noop_seconds:8.0f} tasks/s")
    print(
        f"webhook → outbox → worker → SMS: {len(fake.received) / (finished - started):8.0f} events/s "
        f"(ratio to no-op {(len(fake.received) / (finished - started)) / (N / noop_seconds):.3f})"
    )
    print(
        f"latency accepted → handed to Twilio: p50 {_percentile(latencies, 0.5):.0f} ms, "
        f"p95 {_percentile(latencies, 0.95):.0f} ms, p99 {_percentile(latencies, 0.99):.0f} ms, "
        f"mean {statistics.fmean(latencies):.0f} ms"
    )
    print(f"SMS handed over: {len(fake.received)} of {N}; each recipient once: {sent_once}")
    return 0 if len(fake.received) == N and sent_once else 1


if __name__ == "__main__":
    sys.exit(main())
