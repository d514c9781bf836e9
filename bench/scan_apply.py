"""What a worker pays to apply one carrier scan, at a small and a large delivered history.

In one process, against Postgres: for each size N, one brand holds N delivered UPS parcels to Romania
(written by INSERT … SELECT over generate_series, once; an existing database is reused, so a data
set left by an earlier run or another generator counts too) and 40 parcels in transit on the same
lane with no carrier estimate, so every scan asks for our own estimate. Three kinds of work are
timed in interleaved rounds (median and spread of BENCH_ROUNDS):

- baseline: one INSERT of a small row in its own transaction (the floor for "store something");
- new checkpoint: `shipment_apply_update` with a scan newer than the parcel's last, same status;
- status change: the first "in transit" scan of a fresh parcel of an order with a customer who gets
  SMS and email (the notification outbox rows are written in the same transaction).

Prints events per second, the ratio to the baseline and the queries of one call of each kind.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench_scans .venv/bin/python -m bench.scan_apply
    BENCH_SIZES=1000,1000000 BENCH_ROUNDS=5 BENCH_N=200 to choose; the database is created if missing.
"""

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from bench.datagen import ensure_database as _ensure_database

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
N = int(os.environ.get("BENCH_N", "200"))  # calls of each kind per round
TRAVELLING = int(os.environ.get("BENCH_TRAVELLING", "40"))
CHUNK = 200_000
RUN = f"{int(time.time()) % 1_000_000:06d}"  # parcels of each run get numbers of their own


def _delivered_history(brand: Any, size: int) -> float:
    """N delivered parcels of one lane for the brand, written inside Postgres; seconds it took."""
    from django.db import connection, transaction

    from tests import factories
    from tracking.models import Shipment

    have = Shipment.objects.filter(brand=brand, source="bench-history").count()
    if have >= size:
        return 0.0
    customer = factories.CustomerFactory(brand=brand, email="", phone="")
    started = time.perf_counter()
    for first in range(have + 1, size + 1, CHUNK):
        last = min(first + CHUNK - 1, size)
        params = {"brand": brand.id, "customer": customer.id, "first": first, "last": last}
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO orders_order (brand_id, customer_id, external_id, number, placed_at, currency,
                       subtotal, shipping_total, tax_total, discount_total, total, shipping_name, shipping_line1,
                       shipping_line2, shipping_city, shipping_region, shipping_postal_code, shipping_country,
                       locale, tracking_token, source, created_at, updated_at)
                   SELECT %(brand)s, %(customer)s, 'hist-' || g, 'H' || g,
                       now() - interval '2 days' - g * interval '20 seconds', 'EUR', 50, 0, 0, 0, 50, 'Shopper',
                       'Str. Memorandumului 1', '', 'Cluj-Napoca', '', '400114', 'RO', 'ro',
                       md5('hist-order-' || %(brand)s || '-' || g), 'bench-history', now(), now()
                   FROM generate_series(%(first)s, %(last)s) g""",
                params,
            )
            cursor.execute(
                """INSERT INTO tracking_shipment (brand_id, order_id, direction, carrier_code, carrier_name,
                       tracking_number, carrier_tracking_url, external_id, source, status, status_detail,
                       estimated_delivery_source, token, created_at, updated_at, shipped_at, delivered_at,
                       last_event_at)
                   SELECT o.brand_id, o.id, 'outbound', 'ups', 'UPS', 'HIST' || o.number, '', '',
                       'bench-history', 'delivered', '', '', md5('hist-parcel-' || o.id), o.placed_at, now(),
                       o.placed_at + interval '10 hours',
                       o.placed_at + interval '10 hours' + (1 + o.id %% 3 + (o.id %% 11) / 10) * interval '1 day',
                       o.placed_at + interval '10 hours' + (1 + o.id %% 3 + (o.id %% 11) / 10) * interval '1 day'
                   FROM orders_order o
                   WHERE o.brand_id = %(brand)s AND o.source = 'bench-history'
                     AND o.external_id IN (SELECT 'hist-' || g FROM generate_series(%(first)s, %(last)s) g)""",
                params,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orders_order")
        cursor.execute("ANALYZE tracking_shipment")
    return time.perf_counter() - started


def _travelling(brand: Any, count: int, tag: str) -> list[Any]:
    from tests import factories
    from tracking import services

    parcels = []
    for index in range(count):
        customer = factories.CustomerFactory(
            brand=brand, external_id=f"{tag}{index}", email=f"{tag}{index}@example.com", locale="ro"
        )
        order = factories.OrderFactory(
            brand=brand,
            customer=customer,
            shipping_country="RO",
            number=f"{tag}{index}",
            external_id=f"{tag}{index}",
        )
        parcels.append(
            services.shipment_upsert(
                brand=brand, order=order, carrier_code="ups", tracking_number=f"1Z{tag}{index:06d}"
            )[0]
        )
    return parcels


class Clock:
    """Carrier times that only move forward, so each scan is newer than the parcel's last."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC) - timedelta(days=1)

    def tick(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at


def _scan(shipment_id: int, number: str, at: datetime, status: str, note: str) -> None:
    from tracking import services
    from tracking.carriers.base import CarrierEvent, TrackingUpdate

    services.shipment_apply_update(
        shipment_id=shipment_id,
        update=TrackingUpdate(
            tracking_number=number,
            carrier_code="ups",
            events=(
                CarrierEvent(status=status, occurred_at=at, raw_status=status, message=note, location="Cluj"),
            ),
        ),
        source="bench",
    )


def _median_spread(values: list[float]) -> str:
    return f"{statistics.median(values):8.1f}/s  (spread {min(values):.1f}–{max(values):.1f})"


def _size_run(size: int) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from brands.models import Brand
    from notifications.models import NotificationSettings
    from tests import factories

    brand = factories.BrandFactory(slug=f"scan-bench-{size}")
    NotificationSettings.objects.get_or_create(brand=brand)
    loaded = _delivered_history(brand, size)
    rebuilt = None
    try:
        from tracking.delivery_estimates import delivery_lanes_rebuild
    except ImportError:  # the code before delivery lanes: nothing to fill
        pass
    else:
        started = time.perf_counter()
        delivery_lanes_rebuild(brand_id=brand.id)
        rebuilt = time.perf_counter() - started
    clock = Clock()
    travelling = _travelling(brand, TRAVELLING, tag=f"T{RUN}-")
    for parcel in travelling:  # shipped, with our own estimate, before timing
        _scan(parcel.id, parcel.tracking_number, clock.tick(), "in_transit", "Picked up")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_scan_baseline (id bigserial PRIMARY KEY, at timestamptz)"
        )

    def baseline() -> float:
        started = time.perf_counter()
        for _ in range(N):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_scan_baseline (at) VALUES (now())")
        return N / (time.perf_counter() - started)

    def checkpoints() -> float:
        started = time.perf_counter()
        for index in range(N):
            parcel = travelling[index % TRAVELLING]
            _scan(parcel.id, parcel.tracking_number, clock.tick(), "in_transit", f"Hub {index}")
        return N / (time.perf_counter() - started)

    round_number = [0]

    def status_changes() -> float:
        round_number[0] += 1
        fresh = _travelling(brand, N, tag=f"S{RUN}-{round_number[0]}-")
        started = time.perf_counter()
        for parcel in fresh:
            _scan(parcel.id, parcel.tracking_number, clock.tick(), "in_transit", "Picked up")
        return N / (time.perf_counter() - started)

    rates: dict[str, list[float]] = {"baseline": [], "checkpoint": [], "status": []}
    baseline()
    checkpoints()  # warm-up
    for _ in range(ROUNDS):
        rates["baseline"].append(baseline())
        rates["checkpoint"].append(checkpoints())
        rates["status"].append(status_changes())
    parcel = travelling[0]
    with CaptureQueriesContext(connection) as checkpoint_queries:
        _scan(parcel.id, parcel.tracking_number, clock.tick(), "in_transit", "Counted")
    fresh = _travelling(brand, 1, tag=f"Q{RUN}-")[0]
    with CaptureQueriesContext(connection) as status_queries:
        _scan(fresh.id, fresh.tracking_number, clock.tick(), "in_transit", "Counted")
    shipments = Brand.objects.get(id=brand.id).shipments.count()
    return {
        "size": size,
        "shipments": shipments,
        "loaded": loaded,
        "rebuilt": rebuilt,
        "rates": rates,
        "queries": (len(checkpoint_queries), len(status_queries)),
    }


def main() -> int:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench_scans")
    if not url.startswith("postgres"):
        print("DATABASE_URL must name a Postgres database.", file=sys.stderr)
        return 2
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from notifications import services as notification_services

    # The outbox rows are written in the timed transaction; handing them to the broker after commit
    # is the notification pipeline's part (bench/notification_pipeline.py), not timed here.
    notification_services._enqueue = lambda *args, **kwargs: None  # type: ignore[assignment]
    results = [_size_run(size) for size in SIZES]
    print(f"{N} calls per kind per round, {ROUNDS} rounds, Postgres at {urlsplit(url).hostname}")
    for result in results:
        rates = result["rates"]
        base = statistics.median(rates["baseline"])
        print(
            f"\n{result['size']:,} delivered parcels in the brand's history ({result['shipments']:,} shipments)"
        )
        if result["loaded"]:
            print(f"  history written in {result['loaded']:.0f} s")
        if result["rebuilt"] is not None:
            print(f"  rebuild_delivery_lanes for the brand: {result['rebuilt']:.2f} s")
        print(f"  one INSERT, one commit (baseline):  {_median_spread(rates['baseline'])}")
        for kind, label, queries in (
            ("checkpoint", "new checkpoint, same status:", result["queries"][0]),
            ("status", "status change with outbox rows:", result["queries"][1]),
        ):
            ratio = statistics.median(rates[kind]) / base
            print(f"  {label:36s}{_median_spread(rates[kind])}  ratio {ratio:.3f}  {queries} queries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
