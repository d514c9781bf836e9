"""Webhook ingestion throughput, as a ratio to a bare Django view on the same stack.

Runs in one process against a real Postgres database of its own (created and migrated here):
N signed EasyPost `tracker.updated` calls, each adding a checkpoint to one of M shipments, and
N duplicates of them, next to N calls of `/healthz` (a view that does nothing). Prints calls per
second for each and the ratios, plus the query count per webhook.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench .venv/bin/python -m bench.webhook_ingest
"""

import hashlib
import hmac
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

N = int(os.environ.get("BENCH_N", "400"))
SHIPMENTS = int(os.environ.get("BENCH_SHIPMENTS", "50"))
SECRET = "bench-secret"


def _ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres", dbname="postgres"
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            cursor.execute(f'DROP DATABASE "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def _payload(tracking_number: str, index: int) -> bytes:
    when = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=index)
    return json.dumps(
        {
            "object": "Event",
            "id": f"evt_{index}",
            "description": "tracker.updated",
            "mode": "production",
            "updated_at": when.isoformat(),
            "result": {
                "object": "Tracker",
                "id": f"trk_{tracking_number}",
                "tracking_code": tracking_number,
                "carrier": "UPS",
                "status": "in_transit",
                "status_detail": "arrived_at_facility",
                "est_delivery_date": None,
                "tracking_details": [
                    {
                        "object": "TrackingDetail",
                        "status": "in_transit",
                        "status_detail": "arrived_at_facility",
                        "message": f"Scan {index}",
                        "datetime": when.isoformat(),
                        "tracking_location": {"city": "Cluj", "state": None, "country": "RO", "zip": None},
                    }
                ],
            },
        }
    ).encode()


def main() -> int:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench")
    if not url.startswith("postgres"):
        print("DATABASE_URL must name a Postgres database the bench may drop and create.", file=sys.stderr)
        return 2
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from brands.services import webhook_secret_set
    from tests import factories
    from tracking import services

    brand = factories.BrandFactory(slug="bench")
    webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)
    numbers = []
    for index in range(SHIPMENTS):
        order = factories.OrderFactory(brand=brand)
        factories.OrderLineFactory(order=order)
        shipment, _ = services.shipment_upsert(
            brand=brand, order=order, carrier_code="ups", tracking_number=f"1ZBENCH{index:05d}"
        )
        numbers.append(shipment.tracking_number)

    client = Client()
    bodies = [_payload(numbers[i % SHIPMENTS], i) for i in range(N)]
    signatures = [hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest() for body in bodies]

    def run_webhooks() -> float:
        started = time.perf_counter()
        for body, signature in zip(bodies, signatures, strict=True):
            response = client.post(
                "/webhooks/easypost/bench/",
                data=body,
                content_type="application/json",
                HTTP_X_HMAC_SIGNATURE=f"hmac-sha256-hex={signature}",
            )
            assert response.status_code == 200, response.content
        return time.perf_counter() - started

    def run_baseline() -> float:
        started = time.perf_counter()
        for _ in range(N):
            assert client.get("/healthz").status_code == 200
        return time.perf_counter() - started

    run_baseline()  # warm-up
    baseline = run_baseline()
    fresh = run_webhooks()
    duplicates = run_webhooks()
    with CaptureQueriesContext(connection) as queries:
        reset_queries()
        client.post(
            "/webhooks/easypost/bench/",
            data=_payload(numbers[0], N + 1),
            content_type="application/json",
            HTTP_X_HMAC_SIGNATURE="hmac-sha256-hex="
            + hmac.new(SECRET.encode(), _payload(numbers[0], N + 1), hashlib.sha256).hexdigest(),
        )
    print(f"calls: {N} per run, {SHIPMENTS} shipments, Postgres at {urlsplit(url).hostname}")
    print(f"baseline /healthz:        {N / baseline:8.0f} calls/s")
    print(f"webhook, new checkpoint:  {N / fresh:8.0f} calls/s  ratio to baseline {baseline / fresh:.3f}")
    print(
        f"webhook, duplicate:       {N / duplicates:8.0f} calls/s  ratio to baseline {baseline / duplicates:.3f}"
    )
    print(f"queries per new-checkpoint webhook: {len(queries)}")
    print(f"mean latency per new-checkpoint webhook: {fresh / N * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
