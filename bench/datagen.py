"""Fill a Postgres database with a realistic product at 10³ … 10⁶ shipments, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench_1e6 \\
        .venv/bin/python -m bench.datagen --shipments 1000000 [--brands 3]

Brands are made through the ORM (a handful of rows); everything else is written by Postgres itself,
INSERT … SELECT over generate_series, a fixed number of statements whatever the size: a million
shipments take minutes. The shipments are shared evenly by the brands. Per brand:

- customers (one for every 1.3 orders: some shoppers order again) and orders placed over the last year,
  each with one to three lines of ten products;
- one outbound shipment per order, and a second one for every tenth order (split shipments), five
  carriers; every status: recent ones pending, labelled or travelling, older ones mostly delivered, some
  failed attempts, ready for pickup, exceptions, expired and returned to sender; estimates, late and
  stuck flags, shipped and delivered dates spread over the year;
- two to five tracking events per shipment, one inbound carrier webhook per shipment (mostly processed,
  a few unmatched, duplicate, ignored or rejected), two messages per shipment (SMS when shipped, email
  when delivered; a few failed, a few still pending in the outbox), returns of 6 % of delivered parcels
  with their lines, support cases for 3 % of orders, and tracking-page views.

`generate(shipments=…, brands=…)` is the importable form (Django set up, Postgres only); the EXPLAIN
tests call it with a few tens of thousands of rows. ANALYZE runs at the end, as after a real day.
"""

import argparse
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

CARRIERS = (
    ("ups", "UPS", 30),
    ("dhl", "DHL Express", 25),
    ("dpd", "DPD", 20),
    ("inpost", "InPost", 15),
    ("fedex", "FedEx", 10),
)
PROVIDERS = ("easypost", "aftership", "shippo")
PRODUCTS = (
    ("Merino crew sweater", "knitwear"),
    ("Linen shirt", "shirts"),
    ("Trail running shoes", "shoes"),
    ("Canvas tote", "bags"),
    ("Rain shell jacket", "outerwear"),
    ("Wool beanie", "accessories"),
    ("Organic cotton tee", "tops"),
    ("Denim jacket", "outerwear"),
    ("Leather belt", "accessories"),
    ("Chino trousers", "trousers"),
)
REASONS = (
    ("too-small", "Too small", False),
    ("too-large", "Too large", False),
    ("damaged", "Arrived damaged", True),
    ("not-as-described", "Not as described", True),
    ("changed-mind", "Changed my mind", False),
)
COUNTRIES = ("DE", "PL", "RO", "FR", "NL", "GB", "US", "AT")
CURRENCIES = ("EUR", "PLN", "RON", "EUR", "EUR", "GBP", "USD", "EUR")
# Tables the generator writes, analysed at the end.
TABLES = (
    "orders_customer",
    "orders_product",
    "orders_order",
    "orders_orderline",
    "tracking_shipment",
    "tracking_shipmentline",
    "tracking_trackingevent",
    "tracking_inboundwebhook",
    "tracking_trackingpageview",
    "notifications_notification",
    "returns_return",
    "returns_returnline",
    "support_case",
)


@dataclass(frozen=True)
class Generated:
    brand_ids: list[int]
    shipments: int
    seconds: float


def _carrier_case(column: str) -> str:
    """A SQL CASE picking a carrier by weight from a random number in [0, 1)."""
    parts, cumulative = [], 0
    for code, _, weight in CARRIERS:
        cumulative += weight
        parts.append(f"WHEN {column} < {cumulative / 100} THEN '{code}'")
    return f"CASE {' '.join(parts)} ELSE '{CARRIERS[-1][0]}' END"


def _statements(products: list[int], reasons: list[int]) -> list[str]:
    """The SQL, in order; parameters: brand, tag, orders, customers, now."""
    carrier_name = (
        "CASE s.carrier_code " + " ".join(f"WHEN '{c}' THEN '{n}'" for c, n, _ in CARRIERS) + " END"
    )
    countries = "ARRAY[" + ",".join(f"'{c}'" for c in COUNTRIES) + "]"
    currencies = "ARRAY[" + ",".join(f"'{c}'" for c in CURRENCIES) + "]"
    providers = "ARRAY[" + ",".join(f"'{p}'" for p in PROVIDERS) + "]"
    this_batch = "s.brand_id = %(brand)s AND s.source = 'bench' AND s.external_id LIKE %(tag)s || '-%%'"
    return [
        """INSERT INTO orders_customer (brand_id, external_id, email, phone, first_name, last_name, locale,
               marketing_consent, sms_consent, created_at, updated_at)
           SELECT %(brand)s, %(tag)s || '-' || g, 'shopper-' || %(tag)s || '-' || g || '@example.com',
               CASE WHEN g %% 3 = 0 THEN '' ELSE '+4915' || lpad((10000000 + g)::text, 9, '0') END,
               (ARRAY['Anna','Jan','Maria','Piotr','Ioana','Olga','Lukas','Emma'])[1 + g %% 8],
               'Shopper ' || g, (ARRAY['en','ro','pl','ru','en'])[1 + g %% 5], g %% 4 = 0, g %% 3 <> 0,
               %(now)s - (random() * 400) * interval '1 day', %(now)s
           FROM generate_series(1, %(customers)s) g""",
        f"""INSERT INTO orders_order (brand_id, customer_id, external_id, number, placed_at, currency, subtotal,
               shipping_total, tax_total, discount_total, total, shipping_name, shipping_line1, shipping_line2,
               shipping_city, shipping_region, shipping_postal_code, shipping_country, locale, tracking_token,
               source, created_at, updated_at, cancelled_at)
           SELECT %(brand)s, c.id, %(tag)s || '-' || o.g, %(tag)s || '-' || (100000 + o.g), o.placed_at,
               ({currencies})[1 + g %% 8], 80, 5, 0, 0, 85, 'Shopper ' || g, 'Main St ' || g, '',
               'City ' || (g %% 97), '', lpad((g %% 99999)::text, 5, '0'), ({countries})[1 + g %% 8],
               c.locale, md5(%(tag)s || g || 'order'), 'bench', o.placed_at, %(now)s,
               CASE WHEN g %% 200 = 0 THEN o.placed_at + interval '2 hours' END
           FROM (
               -- Volatile in a subquery's select list: one draw per row. Skewed to the recent months, as a
               -- growing shop's are.
               SELECT g, %(now)s - power(random(), 1.6) * 365 * interval '1 day' AS placed_at
               FROM generate_series(1, %(orders)s) g
           ) o
           JOIN orders_customer c ON c.brand_id = %(brand)s
               AND c.external_id = %(tag)s || '-' || (1 + (g::bigint * 7919) %% %(customers)s)""",
        f"""INSERT INTO orders_orderline (order_id, product_id, external_id, title, quantity, unit_price)
           SELECT o.id, (ARRAY{products})[1 + (o.id + k) %% {len(products)}], 'l' || k, 'Item ' || k,
               1 + (o.id %% 2), 40
           FROM orders_order o CROSS JOIN generate_series(1, 3) k
           WHERE o.brand_id = %(brand)s AND o.source = 'bench' AND o.external_id LIKE %(tag)s || '-%%'
               AND k <= 1 + o.id %% 3""",
        # One parcel per order, two for every tenth. The newest are pending or labelled; the rest shipped
        # half a day to two days after the order, with 1–7 days in transit against a 3-day estimate.
        f"""INSERT INTO tracking_shipment (brand_id, order_id, direction, carrier_code, carrier_name,
               tracking_number, carrier_tracking_url, external_id, source, status, status_detail,
               estimated_delivery_source, token, created_at, updated_at, status_changed_at, shipped_at,
               estimated_delivery, delivered_at, last_event_at, late_since, stuck_since)
           SELECT s.brand_id, s.order_id, 'outbound', s.carrier_code, {carrier_name}, s.number, '',
               s.external_id, 'bench', s.status, '', CASE WHEN s.shipped_at IS NULL THEN '' ELSE 'carrier' END,
               md5(s.number || 'parcel'), s.created_at, %(now)s, s.last_event_at, s.shipped_at,
               (s.shipped_at + interval '3 days')::date, s.delivered_at, s.last_event_at,
               CASE WHEN s.shipped_at + interval '4 days' < coalesce(s.delivered_at, %(now)s)
                    THEN s.shipped_at + interval '4 days' END,
               CASE WHEN s.status IN ('in_transit', 'exception') AND s.last_event_at + interval '72 hours' < %(now)s
                    THEN s.last_event_at + interval '72 hours' END
           FROM (
               SELECT x.*,
                   CASE WHEN x.shipped_at IS NULL THEN x.created_at
                        WHEN x.delivered_at IS NOT NULL THEN x.delivered_at
                        WHEN x.status = 'in_transit' THEN x.shipped_at + x.t * interval '6 hours'
                        ELSE least(x.shipped_at + x.t * interval '1 day', %(now)s) END AS last_event_at
               FROM (
                   SELECT o.brand_id, o.id AS order_id, w.created_at, w.shipped_at, r.t,
                       'BN' || replace(o.number, '-', '') || 'P' || k.part AS number,
                       %(tag)s || '-' || o.id || '-' || k.part AS external_id,
                       {_carrier_case("r.c")} AS carrier_code,
                       CASE WHEN w.shipped_at IS NULL THEN (CASE WHEN r.p < 0.5 THEN 'pending' ELSE 'info_received' END)
                            WHEN w.shipped_at + r.t * interval '1 day' > %(now)s THEN
                                (CASE WHEN r.p < 0.70 THEN 'in_transit' WHEN r.p < 0.85 THEN 'out_for_delivery'
                                      WHEN r.p < 0.92 THEN 'available_for_pickup' WHEN r.p < 0.97 THEN 'failed_attempt'
                                      ELSE 'exception' END)
                            WHEN r.p < 0.020 THEN 'exception'
                            WHEN r.p < 0.030 THEN 'returned_to_sender'
                            WHEN r.p < 0.040 THEN 'expired'
                            WHEN r.p < 0.050 THEN 'in_transit'
                            ELSE 'delivered' END AS status,
                       CASE WHEN w.shipped_at IS NOT NULL AND r.p >= 0.05
                                 AND w.shipped_at + r.t * interval '1 day' <= %(now)s
                            THEN w.shipped_at + r.t * interval '1 day' END AS delivered_at
                   FROM orders_order o
                   CROSS JOIN generate_series(1, 2) k(part)
                   CROSS JOIN LATERAL (SELECT random() + 0 * o.id AS c, random() AS p, random() AS h,
                       1 + power(random(), 3) * 6 AS t OFFSET 0) r
                   CROSS JOIN LATERAL (SELECT o.placed_at + (0.1 + r.h) * interval '1 hour' AS created_at,
                       CASE WHEN o.placed_at + (0.5 + 1.5 * r.h) * interval '1 day' < %(now)s
                            THEN o.placed_at + (0.5 + 1.5 * r.h) * interval '1 day' END AS shipped_at OFFSET 0) w
                   WHERE o.brand_id = %(brand)s AND o.source = 'bench' AND o.external_id LIKE %(tag)s || '-%%'
                       AND (k.part = 1 OR o.id %% 10 = 0)
               ) x
           ) s""",
        f"""INSERT INTO tracking_shipmentline (shipment_id, order_line_id, quantity)
           SELECT s.id, l.id, l.quantity FROM tracking_shipment s
           JOIN orders_orderline l ON l.order_id = s.order_id AND l.external_id = 'l1'
           WHERE {this_batch}""",
        # Two to five scans per parcel, from the label to the latest.
        f"""INSERT INTO tracking_trackingevent (shipment_id, status, detail, message, location, raw_status,
               occurred_at, received_at, source, fingerprint)
           SELECT s.id, e.status, '', e.message, e.location, e.status, e.at, e.at + interval '40 seconds',
               'bench', md5(s.id || '-' || e.step)
           FROM tracking_shipment s
           CROSS JOIN LATERAL (VALUES
               ('info_received', s.created_at + interval '1 hour', 1, 'Label created', ''),
               ('in_transit', s.shipped_at, 2, 'Picked up', 'Warehouse'),
               ('in_transit', CASE WHEN s.last_event_at > s.shipped_at + interval '1 day'
                                   THEN s.shipped_at + interval '20 hours' END, 3, 'Arrived at hub', 'Hub ' || s.id %% 40),
               ('out_for_delivery', CASE WHEN s.status = 'delivered' THEN s.delivered_at - interval '5 hours' END,
                   4, 'Out for delivery', 'Depot'),
               (s.status, CASE WHEN s.status NOT IN ('pending', 'info_received', 'in_transit') THEN s.last_event_at END,
                   5, 'Latest scan', 'Depot'))
               e(status, at, step, message, location)
           WHERE {this_batch} AND e.at IS NOT NULL""",
        # One carrier call per parcel, as carriers push their latest scan; a few were refused or unmatched.
        f"""INSERT INTO tracking_inboundwebhook (brand_id, provider, topic, delivery_id, tracking_number,
               order_external_id, headers, body, body_truncated, body_size, signature_valid, result, error,
               received_at, processed_at)
           SELECT CASE WHEN s.id %% 500 = 0 THEN NULL ELSE s.brand_id END, ({providers})[1 + s.id %% 3],
               'tracker.updated', md5(s.id || 'delivery'), s.tracking_number, '', '{{}}',
               '{{"status": "' || s.status || '", "tracking_code": "' || s.tracking_number || '"}}', false, 80,
               s.id %% 500 <> 0,
               CASE WHEN s.id %% 500 = 0 THEN 'rejected' WHEN s.id %% 97 = 0 THEN 'unmatched'
                    WHEN s.id %% 89 = 0 THEN 'duplicate' WHEN s.id %% 83 = 0 THEN 'ignored' ELSE 'processed' END,
               CASE WHEN s.id %% 500 = 0 THEN 'Signature did not match.' ELSE '' END,
               s.last_event_at + interval '30 seconds', s.last_event_at + interval '31 seconds'
           FROM tracking_shipment s WHERE {this_batch}""",
        f"""INSERT INTO tracking_trackingpageview (order_id, day, views)
           SELECT s.order_id, (s.shipped_at + d * interval '1 day')::date, 1 + (s.id %% 3)
           FROM tracking_shipment s CROSS JOIN generate_series(0, 2) d
           WHERE {this_batch} AND s.shipped_at IS NOT NULL AND (s.id * 7 + d) %% 10 < 2
               AND s.shipped_at + d * interval '1 day' < %(now)s
           ON CONFLICT DO NOTHING""",
        # Shipped by SMS, delivered by email; a few failed, and the last hour's still in the outbox.
        f"""INSERT INTO notifications_notification (brand_id, customer_id, order_id, subject_key, trigger, channel,
               "to", locale, subject, body, html_body, state, attempts, provider_id, error_code, error, created_at,
               sent_at, delivered_at, is_test)
           SELECT s.brand_id, o.customer_id, o.id, 'shipment:' || s.id, m.trigger, m.channel,
               CASE WHEN m.channel = 'sms' THEN '+4915000000' ELSE 'shopper@example.com' END, 'en', '', 'Body', '',
               m.state, CASE WHEN m.state = 'pending' THEN 0 ELSE 1 END, '', '', '', m.at,
               CASE WHEN m.state NOT IN ('failed', 'pending') THEN m.at END,
               CASE WHEN m.state = 'delivered' THEN m.at + interval '5 seconds' END, false
           FROM tracking_shipment s JOIN orders_order o ON o.id = s.order_id
           CROSS JOIN LATERAL (VALUES
               ('shipped', 'sms', CASE WHEN s.shipped_at > %(now)s - interval '1 hour' THEN 'pending'
                                       WHEN s.id %% 40 = 0 THEN 'failed' WHEN s.id %% 25 = 0 THEN 'undelivered'
                                       ELSE 'delivered' END, s.shipped_at),
               ('delivered', 'email', CASE WHEN s.delivered_at > %(now)s - interval '1 hour' THEN 'pending'
                                           ELSE 'sent' END, s.delivered_at)) m(trigger, channel, state, at)
           WHERE {this_batch} AND m.at IS NOT NULL""",
        f"""INSERT INTO returns_return (brand_id, order_id, rma, token, status, resolution, reason_id, comment,
               keep_item, currency, items_value, shipping_fee, restocking_fee, bonus, amount, locale, requested_at,
               updated_at, rejection_reason, rejection_reason_translations)
           SELECT s.brand_id, s.order_id, 'R' || s.id, md5(s.id || 'return'),
               (ARRAY['requested','approved','received','refunded','credited','exchanged','rejected'])[1 + s.id %% 7],
               (ARRAY['refund','refund','store_credit','exchange'])[1 + (s.id / 7) %% 4],
               (ARRAY{reasons})[1 + (s.id / 3) %% {len(reasons)}], '', false, 'EUR', 40, 0, 0, 0, 40 + (s.id %% 5) * 10,
               'en', s.delivered_at + interval '3 days', %(now)s, '', '{{}}'
           FROM tracking_shipment s
           WHERE {this_batch} AND s.delivered_at IS NOT NULL AND s.id %% 100 < 6
               AND s.delivered_at + interval '3 days' < %(now)s
           ON CONFLICT DO NOTHING""",
        """INSERT INTO returns_returnline (return_request_id, order_line_id, quantity, unit_price, condition,
               adjustment_reason)
           SELECT r.id, l.id, 1, 40, '', '' FROM returns_return r
           JOIN orders_orderline l ON l.order_id = r.order_id AND l.external_id = 'l1'
           WHERE r.brand_id = %(brand)s AND NOT EXISTS
               (SELECT 1 FROM returns_returnline x WHERE x.return_request_id = r.id)""",
        """INSERT INTO support_case (brand_id, kind, topic, status, priority, customer_id, order_id, name, email,
               locale, subject, source_key, token, created_at, updated_at, first_response_at)
           SELECT o.brand_id, 'question', '', (ARRAY['new','open','waiting','solved','closed','closed'])[1 + o.id %% 6],
               20, o.customer_id, o.id, 'Shopper', '', 'en', 'Where is my order?', '', md5(o.id || 'case'),
               o.placed_at + interval '3 days', %(now)s,
               CASE WHEN o.id %% 6 <> 0 THEN o.placed_at + interval '3 days' + (1 + o.id %% 20) * interval '1 hour' END
           FROM orders_order o
           WHERE o.brand_id = %(brand)s AND o.source = 'bench' AND o.external_id LIKE %(tag)s || '-%%'
               AND o.id %% 100 BETWEEN 60 AND 62 AND o.placed_at + interval '3 days' < %(now)s""",
    ]


def _brand_data(*, brand: Any) -> tuple[list[int], list[int]]:
    from orders.models import Product
    from returns.models import ReturnReason

    products = [
        Product.objects.get_or_create(
            brand=brand,
            sku=f"BENCH-{index}",
            defaults={
                "title": title,
                "category": category,
                "price": Decimal(20 + 7 * index),
                "currency": "EUR",
            },
        )[0].id
        for index, (title, category) in enumerate(PRODUCTS)
    ]
    reasons = [
        ReturnReason.objects.get_or_create(
            brand=brand, code=code, defaults={"label": label, "brand_fault": fault, "position": index}
        )[0].id
        for index, (code, label, fault) in enumerate(REASONS)
    ]
    return products, reasons


def populate_brand(*, brand: Any, shipments: int, now: datetime, tag: str, seed: float = 0.42) -> None:
    """Add about SHIPMENTS shipments, with their orders and everything around them, to one brand."""
    from django.db import connection, transaction

    orders = max(1, round(shipments / 1.1))
    customers = max(1, round(orders / 1.3))
    products, reasons = _brand_data(brand=brand)
    params = {"brand": brand.id, "tag": tag, "orders": orders, "customers": customers, "now": now}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(%s)", [seed])
        # The rows are consistent by construction: as a superuser, skip the per-row foreign-key
        # triggers, which would cost as much again as the writes.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = bool(cursor.fetchone()[0])
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        for statement in _statements(products, reasons):
            cursor.execute(statement, params)
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = origin")


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")


def generate(
    *, shipments: int, brands: int = 3, now: datetime | None = None, prefix: str = "bench"
) -> Generated:
    """Make BRANDS brands sharing about SHIPMENTS shipments (with everything around them), then ANALYZE.

    Postgres only. Brands are named PREFIX-1 … PREFIX-N; calling again with another prefix adds more.
    """
    from django.db import connection
    from django.utils import timezone

    from brands.models import Brand

    if connection.vendor != "postgresql":
        raise RuntimeError("The data generator writes with Postgres SQL: DATABASE_URL must name Postgres.")
    started = time.perf_counter()
    now = now or timezone.now()
    brand_ids = []
    for index in range(brands):
        share = shipments // brands + (1 if index < shipments % brands else 0)
        slug = f"{prefix}-{index + 1}"
        if Brand.objects.filter(slug=slug).exists():
            raise RuntimeError(f"Brand {slug} exists already: generate with another prefix.")
        brand = Brand.objects.create(
            slug=slug, name=f"{prefix.title()} {index + 1}", timezone="Europe/Berlin"
        )
        populate_brand(
            brand=brand, shipments=share, now=now, tag=f"{prefix}{index + 1}", seed=0.1 + index / 100
        )
        brand_ids.append(brand.id)
    analyze()
    from tracking.models import Shipment

    made = Shipment.objects.filter(brand_id__in=brand_ids).count()
    return Generated(brand_ids=brand_ids, shipments=made, seconds=time.perf_counter() - started)


def ensure_database(url: str) -> bool:
    """Create the (bench) database named in URL if it does not exist; True when it was created."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone():
            connection.close()
            return False
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shipments", type=int, default=1000)
    parser.add_argument("--brands", type=int, default=3)
    parser.add_argument("--prefix", default="bench", help="brand slugs are PREFIX-1 … PREFIX-N")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("The data generator needs Postgres (DATABASE_URL=postgres://…).")
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    result = generate(shipments=args.shipments, brands=args.brands, prefix=args.prefix)
    print(
        f"{result.shipments} shipments in {len(result.brand_ids)} brands, {result.seconds:.1f} s", flush=True
    )


if __name__ == "__main__":
    main()
