"""Webhook acknowledgement and ingest work, in process, as ratios to bare Django views on the same stack.

Runs in one process against a real Postgres database of its own (created and migrated here):
N signed EasyPost `tracker.updated` calls, each adding a checkpoint to one of M shipments, and
N replays of them, answered by the endpoint (verify, one INSERT, 202), next to N calls of a bare
view doing one INSERT of the body (bench/bare_insert.py) and N calls of `/healthz`. Then the
stored calls are processed the way the `ingest` workers do (inbound_webhook_ingest), timed apart.
Prints calls per second for each, the ratios, and the queries of an acknowledgement and of the
processing of one call. The gunicorn + wrk harness measures the same ratio over HTTP.

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
    # Processing is timed on its own below: nothing is sent to a broker from here.
    os.environ["CELERY_BROKER_URL"] = "memory://localhost/"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.bare_insert import TABLE_SQL
    from tracking import webhooks
    from tracking.models import InboundWebhook, WebhookResult

    settings.ROOT_URLCONF = "bench.bare_insert"
    webhooks._enqueue = lambda webhook_id: None  # type: ignore[assignment]  # the workers' part is timed apart
    from notifications import services as notification_services

    # The outbox rows are written (part of processing); sending them is the notification workers' part.
    notification_services._enqueue = lambda *args, **kwargs: None  # type: ignore[assignment]
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(TABLE_SQL)
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
            assert response.status_code == 202, response.content
        return time.perf_counter() - started

    def run_bare_insert() -> float:
        started = time.perf_counter()
        for body in bodies:
            response = client.post("/bench/bare-insert/", data=body, content_type="application/json")
            assert response.status_code == 202, response.content
        return time.perf_counter() - started

    def run_baseline() -> float:
        started = time.perf_counter()
        for _ in range(N):
            assert client.get("/healthz").status_code == 200
        return time.perf_counter() - started

    def run_workers() -> tuple[float, int]:
        ids = list(
            InboundWebhook.objects.filter(result=WebhookResult.RECEIVED)
            .order_by("id")
            .values_list("id", flat=True)
        )
        started = time.perf_counter()
        for webhook_id in ids:
            webhooks.inbound_webhook_ingest(webhook_id=webhook_id)
        return time.perf_counter() - started, len(ids)

    run_baseline()  # warm-up
    run_bare_insert()
    healthz = run_baseline()
    bare = run_bare_insert()
    fresh = run_webhooks()
    fresh_work, fresh_count = run_workers()
    replays = run_webhooks()
    replay_work, replay_count = run_workers()
    extra = _payload(numbers[0], N + 1)
    client.get("/healthz")
    webhooks.brand_selectors.webhook_credentials(
        brand_slug="bench", provider="easypost"
    )  # warm, as under load
    with CaptureQueriesContext(connection) as ack_queries:
        client.post(
            "/webhooks/easypost/bench/",
            data=extra,
            content_type="application/json",
            HTTP_X_HMAC_SIGNATURE="hmac-sha256-hex="
            + hmac.new(SECRET.encode(), extra, hashlib.sha256).hexdigest(),
        )
    stored = InboundWebhook.objects.latest("id").id
    with CaptureQueriesContext(connection) as work_queries:
        webhooks.inbound_webhook_ingest(webhook_id=stored)
    print(f"calls: {N} per run, {SHIPMENTS} shipments, Postgres at {urlsplit(url).hostname}, in process")
    print(f"/healthz:                       {N / healthz:8.0f} calls/s")
    print(f"bare view, one INSERT:          {N / bare:8.0f} calls/s")
    print(
        f"webhook acknowledged (202):     {N / fresh:8.0f} calls/s  ratio to bare INSERT {bare / fresh:.3f}"
    )
    print(
        f"replay acknowledged (202):      {N / replays:8.0f} calls/s  ratio to bare INSERT {bare / replays:.3f}"
    )
    print(f"ingest, new checkpoint:         {fresh_count / fresh_work:8.0f} calls/s (one worker, in process)")
    print(f"ingest, replay (duplicate):     {replay_count / replay_work:8.0f} calls/s")
    print(
        f"queries per acknowledgement: {len(ack_queries)} ({', '.join(q['sql'].split()[0] for q in ack_queries)})"
    )
    print(f"queries per processed new-checkpoint call: {len(work_queries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
