"""The plans of a scan's tracking queries at a realistic size: indexes, no sequential scans."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.tracking.conftest import event
from tracking.statuses import ShipmentStatus as S

LANES = 20_000
PARCELS = 10_000


@pytest.fixture
def big_tables(postgres, brand, customer, shipment):
    """Thousands of lanes (carriers × countries of one brand) and parcels, written inside Postgres."""
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO tracking_deliverylane (brand_id, carrier_code, country, samples, first_days,
                   last_days, updated_at)
               SELECT %s, 'carrier-' || (g %% 300), chr(65 + (g / 300) %% 26) || chr(75 + (g / 7800)),
                   '[]'::jsonb, 2, 4, now()
               FROM generate_series(0, %s) g""",
            [shipment.brand_id, LANES - 1],
        )
        cursor.execute(
            """INSERT INTO orders_order (brand_id, customer_id, external_id, number, placed_at, currency,
                   subtotal, shipping_total, tax_total, discount_total, total, shipping_name, shipping_line1,
                   shipping_line2, shipping_city, shipping_region, shipping_postal_code, shipping_country,
                   locale, tracking_token, source, created_at, updated_at)
               SELECT %s, %s, 'plan-' || g, 'P' || g, now() - g * interval '1 minute', 'EUR', 50, 0, 0, 0, 50,
                   '', '', '', '', '', '', 'RO', 'ro', md5('plan-' || g), 'test', now(), now()
               FROM generate_series(1, %s) g""",
            [brand.id, customer.id, PARCELS],
        )
        cursor.execute(
            """INSERT INTO tracking_shipment (brand_id, order_id, direction, carrier_code, carrier_name,
                   tracking_number, carrier_tracking_url, external_id, source, status, status_detail,
                   estimated_delivery_source, token, created_at, updated_at, shipped_at, delivered_at)
               SELECT o.brand_id, o.id, 'outbound', 'dpd', 'DPD', 'PLAN' || o.number, '', '', 'test',
                   'delivered', '', '', md5('plan-parcel-' || o.id), now(), now(),
                   o.placed_at, o.placed_at + interval '2 days'
               FROM orders_order o WHERE o.source = 'test' AND o.external_id LIKE 'plan-%%'""",
        )
        cursor.execute(
            """INSERT INTO tracking_trackingevent (shipment_id, status, detail, message, location, raw_status,
                   occurred_at, received_at, source, fingerprint)
               SELECT s.id, 'delivered', '', '', '', 'delivered', s.delivered_at, now(), 'test', md5(s.id::text)
               FROM tracking_shipment s WHERE s.source = 'test' AND s.tracking_number LIKE 'PLAN%%'"""
        )
        for table in ("tracking_deliverylane", "tracking_shipment", "orders_order", "tracking_trackingevent"):
            cursor.execute(f"ANALYZE {table}")


def _plans(captured):
    tracking = [
        q["sql"]
        for q in captured
        if q["sql"].startswith(("SELECT", "UPDATE")) and '"tracking_' in q["sql"].split(" WHERE ")[0]
    ]
    with connection.cursor() as cursor:
        plans = []
        for sql in tracking:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return tracking, plans


def test_a_scan_and_a_delivery_use_indexes(big_tables, shipment, apply_events):
    apply_events(shipment, event(S.IN_TRANSIT, 0))
    with CaptureQueriesContext(connection) as scan:
        apply_events(shipment, event(S.IN_TRANSIT, 1, "Hub"))
    with CaptureQueriesContext(connection) as delivery:
        apply_events(shipment, event(S.DELIVERED, 2))
    queries, plans = _plans([*scan.captured_queries, *delivery.captured_queries])
    lane_reads = [
        plan
        for sql, plan in zip(queries, plans, strict=True)
        if sql.startswith("SELECT") and "tracking_deliverylane" in sql
    ]
    assert len(lane_reads) >= 3  # the estimate read with the parcel twice, the lane found and locked
    assert all("Index Scan using delivery_lane_unique_per_brand" in plan for plan in lane_reads), lane_reads
    for sql, plan in zip(queries, plans, strict=True):
        # (A brand's row may be read whole: that table holds one row per merchant.)
        assert "Seq Scan on tracking_" not in plan, f"{sql}\n{plan}"
        assert "Seq Scan on orders_" not in plan, f"{sql}\n{plan}"
