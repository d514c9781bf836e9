"""The console dashboard at 10³, 10⁵ and 10⁶ shipments: time (median of 5) and query count.

Runs in one process against a real Postgres database of its own (created and migrated here). For each
size N it adds, to one brand, N orders each with a customer, a line, an outbound parcel and three
carrier events, and in realistic proportions tracking-page views (40 % of orders), messages (two per
parcel), returns (8 % of delivered parcels), delivery ratings (15 %), NPS answers (10 %) and support
cases (4 %), spread over the last 180 days. Rows are written by INSERT … SELECT over generate_series,
inside Postgres, so a million parcels take minutes, not hours. Then the dashboard is opened as the
brand's owner for the last 90 days (BENCH_DAYS), five times; the median time and the query count are printed.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench_dashboard .venv/bin/python -m bench.dashboard
    BENCH_SIZES=1000,100000 … to choose the sizes; BENCH_REUSE=1 times the brands an earlier run
    left in the database instead of starting from an empty one.
"""

import os
import statistics
import sys
import time
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
REASONS = (
    ("too-small", "Too small", False),
    ("too-large", "Too large", False),
    ("damaged", "Arrived damaged", True),
    ("not-as-described", "Not as described", True),
    ("changed-mind", "Changed my mind", False),
)
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
COMMENTS = (
    "Arrived a day early, lovely packaging.",
    "The courier left it with a neighbour without telling me.",
    "Tracking page was clear, knew exactly when to be home.",
    "Box was crushed but the jacket is fine.",
    "Took a week longer than promised.",
    "Great service, will order again!",
)


def _carrier_case(column: str) -> str:
    """A SQL CASE picking a carrier by weight from a random number in [0, 1)."""
    parts, cumulative = [], 0
    for code, _, weight in CARRIERS:
        cumulative += weight
        parts.append(f"WHEN {column} < {cumulative / 100} THEN '{code}'")
    return f"CASE {' '.join(parts)} ELSE '{CARRIERS[-1][0]}' END"


def populate(*, brand: Any, n: int, now: datetime, tag: str, seed: float = 0.42) -> None:
    """Add N orders with parcels, events, views, messages, returns, feedback and cases to one brand.

    Postgres only; every row is written by the database itself (INSERT … SELECT), a fixed number of
    statements whatever N.
    """
    from django.db import connection

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
    names = {code: name for code, name, _ in CARRIERS}
    carrier_name = (
        "CASE s.carrier_code " + " ".join(f"WHEN '{c}' THEN '{n}'" for c, n in names.items()) + " END"
    )
    params = {"brand": brand.id, "n": n, "tag": tag, "now": now}
    statements = [
        "SELECT setseed(%(seed)s)",
        # Customers and their orders, placed over the last 180 days.
        """INSERT INTO orders_customer (brand_id, external_id, email, phone, first_name, last_name, locale,
               marketing_consent, sms_consent, created_at, updated_at)
           SELECT %(brand)s, %(tag)s || '-' || g, 'shopper-' || %(tag)s || '-' || g || '@example.com', '',
               'Shopper', 'No. ' || g, 'en', false, true, %(now)s, %(now)s
           FROM generate_series(1, %(n)s) g""",
        """INSERT INTO orders_order (brand_id, customer_id, external_id, number, placed_at, currency, subtotal,
               shipping_total, tax_total, discount_total, total, shipping_name, shipping_line1, shipping_line2,
               shipping_city, shipping_region, shipping_postal_code, shipping_country, locale, tracking_token,
               source, created_at, updated_at)
           SELECT c.brand_id, c.id, c.external_id, c.external_id,
               %(now)s - (random() * 180) * interval '1 day', 'EUR', 80, 5, 0, 0, 85, 'Shopper', 'Main St 1', '',
               'Berlin', '', '10115', 'DE', 'en', md5(c.external_id || 'order'), 'bench', %(now)s, %(now)s
           FROM orders_customer c WHERE c.brand_id = %(brand)s AND c.external_id LIKE %(tag)s || '-%%'""",
        f"""INSERT INTO orders_orderline (order_id, product_id, external_id, title, quantity, unit_price)
           SELECT o.id, (ARRAY{products})[1 + o.id %% {len(products)}], 'l1', 'Item', 1 + (o.id %% 2), 40
           FROM orders_order o WHERE o.brand_id = %(brand)s AND o.source = 'bench' AND o.external_id LIKE %(tag)s || '-%%'""",
        # One outbound parcel each: shipped a day after the order, 1–7 days in transit against a 3-day
        # estimate; recent ones still travelling, a few stuck or with a problem.
        f"""INSERT INTO tracking_shipment (brand_id, order_id, direction, carrier_code, carrier_name,
               tracking_number, carrier_tracking_url, external_id, source, status, status_detail,
               estimated_delivery_source, token, created_at, updated_at, shipped_at, estimated_delivery,
               delivered_at, last_event_at, late_since, stuck_since)
           SELECT s.brand_id, s.order_id, 'outbound', s.carrier_code, {carrier_name}, s.number, '', '', 'bench',
               s.status, '', 'carrier', md5(s.number || 'parcel'), s.shipped_at, %(now)s, s.shipped_at,
               (s.shipped_at + interval '3 days')::date, s.delivered_at, coalesce(s.delivered_at, s.shipped_at),
               CASE WHEN s.delivered_at IS NULL AND s.shipped_at + interval '4 days' < %(now)s THEN %(now)s END,
               CASE WHEN s.status = 'in_transit' AND s.shipped_at + interval '5 days' < %(now)s THEN %(now)s END
           FROM (
               SELECT o.brand_id, o.id AS order_id, 'BN' || o.number AS number, {_carrier_case("r.c")} AS carrier_code,
                   o.placed_at + interval '1 day' AS shipped_at,
                   CASE WHEN r.p < 0.03 THEN 'exception'
                        WHEN r.p < 0.05 THEN 'in_transit'
                        WHEN o.placed_at + interval '1 day' + r.t * interval '1 day' > %(now)s THEN 'in_transit'
                        ELSE 'delivered' END AS status,
                   CASE WHEN r.p >= 0.05 AND o.placed_at + interval '1 day' + r.t * interval '1 day' <= %(now)s
                        THEN o.placed_at + interval '1 day' + r.t * interval '1 day' END AS delivered_at
               FROM orders_order o
               CROSS JOIN LATERAL (SELECT random() AS c, random() AS p,
                   1 + power(random(), 3) * 4.5 + random() * 0.5 AS t OFFSET 0) r
               WHERE o.brand_id = %(brand)s AND o.source = 'bench' AND o.external_id LIKE %(tag)s || '-%%'
           ) s""",
        """INSERT INTO tracking_trackingevent (shipment_id, status, detail, message, location, raw_status,
               occurred_at, received_at, source, fingerprint)
           SELECT s.id, e.status, '', '', 'Hub', e.status, e.at, e.at, 'bench', md5(s.id || '-' || e.step)
           FROM tracking_shipment s
           CROSS JOIN LATERAL (VALUES ('info_received', s.shipped_at - interval '6 hours', 1),
                                      ('in_transit', s.shipped_at, 2),
                                      (s.status, coalesce(s.delivered_at, s.shipped_at + interval '1 hour'), 3))
                                      e(status, at, step)
           WHERE s.brand_id = %(brand)s AND s.source = 'bench' AND s.tracking_number LIKE 'BN' || %(tag)s || '-%%'""",
        # Shoppers who opened their tracking page, one to three days of views each.
        """INSERT INTO tracking_trackingpageview (order_id, day, views)
           SELECT s.order_id, (s.shipped_at + d * interval '1 day')::date, 1 + (s.id %% 3)
           FROM tracking_shipment s CROSS JOIN generate_series(0, 2) d
           WHERE s.brand_id = %(brand)s AND s.source = 'bench' AND s.tracking_number LIKE 'BN' || %(tag)s || '-%%'
               AND (s.id * 7 + d) %% 10 < 2 AND s.shipped_at + d * interval '1 day' < %(now)s""",
        # Two messages per parcel: shipped by SMS, delivered by email.
        """INSERT INTO notifications_notification (brand_id, customer_id, order_id, subject_key, trigger, channel,
               "to", locale, subject, body, html_body, state, attempts, provider_id, error_code, error, created_at,
               sent_at, delivered_at, is_test)
           SELECT s.brand_id, o.customer_id, o.id, 'shipment:' || s.id, m.trigger, m.channel, 'x', 'en', '', 'Body',
               '', m.state, 1, '', '', '', m.at, CASE WHEN m.state <> 'failed' THEN m.at END,
               CASE WHEN m.state = 'delivered' THEN m.at + interval '5 seconds' END, false
           FROM tracking_shipment s JOIN orders_order o ON o.id = s.order_id
           CROSS JOIN LATERAL (VALUES
               ('shipped', 'sms', CASE WHEN s.id %% 40 = 0 THEN 'failed' WHEN s.id %% 25 = 0 THEN 'undelivered'
                                       ELSE 'delivered' END, s.shipped_at),
               ('delivered', 'email', 'sent', s.delivered_at)) m(trigger, channel, state, at)
           WHERE s.brand_id = %(brand)s AND s.source = 'bench' AND s.tracking_number LIKE 'BN' || %(tag)s || '-%%'
               AND m.at IS NOT NULL""",
        # Returns of 8 % of delivered parcels, a few days after delivery.
        f"""INSERT INTO returns_return (brand_id, order_id, rma, token, status, resolution, reason_id, comment,
               keep_item, currency, items_value, shipping_fee, restocking_fee, bonus, amount, locale, requested_at,
               updated_at, rejection_reason, rejection_reason_translations)
           SELECT s.brand_id, s.order_id, 'R' || s.id, md5(s.id || 'return'),
               (ARRAY['requested','approved','received','refunded','credited','exchanged','rejected'])[1 + s.id %% 7],
               (ARRAY['refund','refund','store_credit','exchange'])[1 + (s.id / 7) %% 4],
               (ARRAY{reasons})[1 + (s.id / 3) %% {len(reasons)}], '', false, 'EUR', 40, 0, 0, 0, 40 + (s.id %% 5) * 10,
               'en', s.delivered_at + interval '3 days', %(now)s, '', '{{}}'
           FROM tracking_shipment s
           WHERE s.brand_id = %(brand)s AND s.source = 'bench' AND s.tracking_number LIKE 'BN' || %(tag)s || '-%%'
               AND s.delivered_at IS NOT NULL AND s.id %% 100 < 8 AND s.delivered_at + interval '3 days' < %(now)s""",
        """INSERT INTO returns_returnline (return_request_id, order_line_id, quantity, unit_price, condition,
               adjustment_reason)
           SELECT r.id, l.id, 1, 40, '', '' FROM returns_return r JOIN orders_orderline l ON l.order_id = r.order_id
           WHERE r.brand_id = %(brand)s AND r.rma LIKE 'R%%' AND NOT EXISTS
               (SELECT 1 FROM returns_returnline x WHERE x.return_request_id = r.id)""",
        # Delivery ratings (15 %), mostly happy, some with a comment.
        f"""INSERT INTO feedback_deliveryrating (brand_id, shipment_id, order_id, score, comment, locale, created_at,
               updated_at)
           SELECT s.brand_id, s.id, s.order_id,
               CASE WHEN s.delivered_at::date > s.estimated_delivery THEN 2 + s.id %% 3 ELSE 4 + s.id %% 2 END,
               CASE WHEN s.id %% 9 = 0 THEN (ARRAY{list(COMMENTS)})[1 + s.id %% {len(COMMENTS)}] ELSE '' END,
               'en', s.delivered_at + interval '2 hours', %(now)s
           FROM tracking_shipment s
           WHERE s.brand_id = %(brand)s AND s.source = 'bench' AND s.tracking_number LIKE 'BN' || %(tag)s || '-%%'
               AND s.delivered_at IS NOT NULL AND s.id %% 100 BETWEEN 20 AND 34""",
        # NPS asked a week after delivery for 10 % of orders, answered by six in ten.
        """INSERT INTO feedback_npsrequest (brand_id, order_id, customer_id, token, delivered_on, created_at, score,
               comment, locale, answered_at, coupon_code)
           SELECT s.brand_id, s.order_id, o.customer_id, md5(s.id || 'nps'), s.delivered_at::date,
               s.delivered_at + interval '7 days',
               CASE WHEN s.id %% 10 < 6 THEN (ARRAY[10, 9, 9, 8, 10, 7, 6, 9, 3, 10])[1 + (s.id / 100) %% 10] END,
               CASE WHEN s.id %% 10 = 0 THEN 'Would recommend, the tracking page is great.' ELSE '' END, 'en',
               CASE WHEN s.id %% 10 < 6 THEN s.delivered_at + interval '8 days' END, ''
           FROM tracking_shipment s JOIN orders_order o ON o.id = s.order_id
           WHERE s.brand_id = %(brand)s AND s.source = 'bench' AND s.tracking_number LIKE 'BN' || %(tag)s || '-%%'
               AND s.delivered_at IS NOT NULL AND s.id %% 100 BETWEEN 40 AND 49
               AND s.delivered_at + interval '7 days' < %(now)s""",
        # Support cases for 4 % of orders, answered within hours.
        """INSERT INTO support_case (brand_id, kind, topic, status, priority, customer_id, order_id, name, email,
               locale, subject, source_key, token, created_at, updated_at, first_response_at)
           SELECT o.brand_id, 'question', '', (ARRAY['new','open','waiting','solved','closed','closed'])[1 + o.id %% 6],
               20, o.customer_id, o.id, 'Shopper', '', 'en', 'Where is my order?', '', md5(o.id || 'case'),
               o.placed_at + interval '3 days', %(now)s,
               CASE WHEN o.id %% 6 <> 0 THEN o.placed_at + interval '3 days' + (1 + o.id %% 20) * interval '1 hour' END
           FROM orders_order o
           WHERE o.brand_id = %(brand)s AND o.source = 'bench' AND o.external_id LIKE %(tag)s || '-%%'
               AND o.id %% 100 BETWEEN 60 AND 63 AND o.placed_at + interval '3 days' < %(now)s""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, {**params, "seed": seed})
        for table in (
            "orders_order",
            "tracking_shipment",
            "tracking_trackingpageview",
            "notifications_notification",
            "returns_return",
            "feedback_deliveryrating",
            "feedback_npsrequest",
            "support_case",
        ):
            cursor.execute(f"ANALYZE {table}")


def _recreate_database(url: str) -> None:
    """Start from an empty scratch database: the one named in the URL, dropped and created again."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or "bench" not in name:
        sys.exit("Refusing to recreate a database whose name does not say it is a bench's.")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    connection = psycopg2.connect(maintenance)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def main() -> None:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench_dashboard")
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs Postgres (DATABASE_URL=postgres://…).")
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if not reuse:
        _recreate_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from brands.models import Brand, Role
    from brands.services import membership_grant
    from tests.factories import UserFactory

    setup_test_environment()
    call_command("migrate", verbosity=0)
    sizes = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,100000,1000000").split(",")]
    days = int(os.environ.get("BENCH_DAYS", "90"))  # the dashboard's period; the data spans 180 days
    now = timezone.now()
    print(f"last {days} days against the {days} before")
    print(f"{'shipments':>10} {'load s':>8} {'median ms':>10} {'min ms':>8} {'queries':>8}")
    for size in sizes:
        slug = f"bench-dash-{size}"
        started = time.perf_counter()
        brand = Brand.objects.filter(slug=slug).first() if reuse else None
        if brand is None:
            brand = Brand.objects.create(slug=slug, name=f"Bench {size}", timezone="Europe/Berlin")
            populate(brand=brand, n=size, now=now, tag=f"b{size}")
        loaded = time.perf_counter() - started
        owner = UserFactory(username=f"{slug}-owner-{int(started)}")
        membership_grant(user_id=owner.id, brand=brand, role=Role.OWNER)
        client = Client()
        client.force_login(owner)
        client.get(f"/admin/?range={days}")  # warm: templates, permissions, plans
        timings = []
        queries = 0
        for _ in range(5):
            with CaptureQueriesContext(connection) as captured:
                began = time.perf_counter()
                response = client.get(f"/admin/?range={days}")
                timings.append(1000 * (time.perf_counter() - began))
            assert response.status_code == 200, response.status_code
            queries = len(captured.captured_queries)
        shipped = brand.shipments.count()
        print(
            f"{shipped:>10} {loaded:>8.1f} {statistics.median(timings):>10.1f} {min(timings):>8.1f} {queries:>8}",
            flush=True,
        )


if __name__ == "__main__":
    main()
