"""The hot queries' plans at a realistic size: each reads its index, none scans a big table.

One data set for the module, made by the benchmarks' generator (Postgres writes it, in seconds) inside a
transaction that is rolled back at the end, and analysed as after a real day. Each test captures the
queries a real page or service issues where it can (admin lists, API pages), and asks Postgres for the
plan of the one that reads the big table (EXPLAIN, not run).
"""

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import datagen
from brands.models import Brand, Role
from brands.services import api_key_create, membership_grant
from common.api import encode_cursor
from notifications.models import Notification, State
from orders.models import Order
from tests import factories
from tracking.models import Shipment
from tracking.numbers import tracking_number_key

BIG_TABLES = frozenset(
    {
        "orders_order",
        "orders_customer",
        "orders_orderline",
        "tracking_shipment",
        "tracking_trackingevent",
        "tracking_inboundwebhook",
        "notifications_notification",
    }
)
SHIPMENTS = 20_000


@pytest.fixture(scope="module")
def dataset(django_db_setup: None, django_db_blocker: Any) -> Iterator[datagen.Generated]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            generated = datagen.generate(shipments=SHIPMENTS, brands=2, prefix="plans")
            # Check the rows' foreign keys now, once: else every test's teardown checks them all again.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield generated
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def big(dataset: datagen.Generated, db: None) -> Brand:
    return Brand.objects.get(id=dataset.brand_ids[0])


def plan_of(sql: str, params: Any = ()) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]  # type: ignore[no-any-return]


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def assert_reads_index(plan: dict[str, Any], *, table: str, index: str | tuple[str, ...]) -> None:
    """PLAN reads TABLE through INDEX (a name, or the start of Django's hashed name; or one of several),
    and no big table by a sequential scan."""
    scans = [(node["Node Type"], node.get("Relation Name"), node.get("Index Name")) for node in nodes(plan)]
    sequential = [relation for kind, relation, _ in scans if kind == "Seq Scan" and relation in BIG_TABLES]
    assert not sequential, f"sequential scan of {sequential}: {scans}"
    assert any(relation == table and (name or "").startswith(index) for _, relation, name in scans), scans


def captured_query(captured: CaptureQueriesContext, *, table: str, containing: str = "LIMIT") -> str:
    """The one captured query that reads TABLE's rows for the page (FROM TABLE … LIMIT)."""
    matches = [
        query["sql"]
        for query in captured.captured_queries
        if f'FROM "{table}"' in query["sql"] and containing in query["sql"] and "COUNT(" not in query["sql"]
    ]
    assert matches, [query["sql"][:200] for query in captured.captured_queries]
    return matches[-1]


def test_the_data_set_is_realistic(big: Brand) -> None:
    statuses = set(Shipment.objects.filter(brand=big).values_list("status", flat=True).distinct())
    assert {"pending", "in_transit", "out_for_delivery", "delivered", "exception"} <= statuses
    assert abs(Shipment.objects.filter(brand=big).count() - SHIPMENTS // 2) < SHIPMENTS // 100


@pytest.mark.parametrize(
    ("url", "table", "index"),
    [
        ("/admin/tracking/shipment/", "tracking_shipment", "shipment_brand_newest_idx"),
        ("/admin/orders/order/", "orders_order", "order_brand_newest_idx"),
        ("/admin/tracking/inboundwebhook/", "tracking_inboundwebhook", "inbound_webhook_brand_recv_idx"),
        (
            "/admin/notifications/notification/",
            "notifications_notification",
            "notification_brand_created_idx",
        ),
    ],
)
def test_a_brands_admin_list_reads_its_newest_rows_by_index(
    big: Brand, client: Any, url: str, table: str, index: str
) -> None:
    owner = factories.UserFactory(username="plans-owner")
    membership_grant(user_id=owner.id, brand=big, role=Role.OWNER)
    client.force_login(owner)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert_reads_index(plan_of(captured_query(captured, table=table)), table=table, index=index)


@pytest.mark.parametrize(
    ("url", "table", "index"),
    [
        ("/admin/tracking/shipment/", "tracking_shipment", "shipment_newest_idx"),
        ("/admin/orders/order/", "orders_order", "order_newest_idx"),
    ],
)
def test_a_superusers_admin_list_reads_the_newest_rows_by_index(
    big: Brand, admin_client: Any, url: str, table: str, index: str
) -> None:
    with CaptureQueriesContext(connection) as captured:
        assert admin_client.get(url).status_code == 200
    assert_reads_index(plan_of(captured_query(captured, table=table)), table=table, index=index)


def test_the_admin_search_by_tracking_number_reads_the_key_index(big: Brand, admin_client: Any) -> None:
    number = Shipment.objects.filter(brand=big).values_list("tracking_number", flat=True).first()
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get("/admin/tracking/shipment/", {"q": number.lower()})
    assert number in response.content.decode()
    lookup = captured_query(captured, table="tracking_shipment", containing='"tracking_key" = ')
    assert_reads_index(plan_of(lookup), table="tracking_shipment", index="shipment_brand_key_idx")


@pytest.mark.parametrize(
    ("url", "model", "field", "table", "index"),
    [
        ("/api/v1/shipments/", Shipment, "created_at", "tracking_shipment", "shipment_brand_newest_idx"),
        ("/api/v1/orders/", Order, "placed_at", "orders_order", "order_brand_newest_idx"),
    ],
)
def test_api_pages_first_and_deep_read_by_index(
    big: Brand, client: Any, url: str, model: Any, field: str, table: str, index: str
) -> None:
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_create(brand=big).raw_key}"
    key, row_id = model.objects.filter(brand=big).order_by(f"-{field}", "-id").values_list(field, "id")[5_000]
    for params in ({}, {"cursor": encode_cursor(key=key, row_id=row_id)}):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == 100
        assert_reads_index(plan_of(captured_query(captured, table=table)), table=table, index=index)


def test_the_tracking_page_finds_its_order_by_token(big: Brand) -> None:
    token = Order.objects.filter(brand=big).values_list("tracking_token", flat=True).last()
    query = Order.objects.filter(brand=big, tracking_token=token)
    sql, params = query.query.sql_with_params()
    assert_reads_index(plan_of(sql, params), table="orders_order", index="orders_order_tracking_token_")


def test_a_carrier_call_finds_its_shipment_by_tracking_key(big: Brand) -> None:
    number = Shipment.objects.filter(brand=big).values_list("tracking_number", flat=True).last()
    query = Shipment.objects.filter(brand=big, tracking_key=tracking_number_key(number))
    sql, params = query.query.sql_with_params()
    assert_reads_index(plan_of(sql, params), table="tracking_shipment", index="shipment_brand_key_idx")


def test_the_outbox_sweep_and_the_status_callback_read_by_index(big: Brand) -> None:
    now = timezone.now()
    due = Notification.objects.filter(state=State.PENDING, created_at__lt=now - timedelta(seconds=30))
    sql, params = due.values_list("id", flat=True)[:500].query.sql_with_params()
    assert_reads_index(
        plan_of(sql, params),
        table="notifications_notification",
        index=("notification_state_idx", "notifications_notification_state_"),
    )
    callback = Notification.objects.filter(provider_id="SM0123456789abcdef")
    sql, params = callback.query.sql_with_params()
    assert_reads_index(
        plan_of(sql, params),
        table="notifications_notification",
        index="notifications_notification_provider_id_",
    )


def test_api_filters_read_by_index(big: Brand, client: Any) -> None:
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_create(brand=big).raw_key}"
    shipment = Shipment.objects.filter(brand=big).select_related("order__customer").last()
    assert shipment is not None
    cases = [
        (
            "/api/v1/shipments/",
            {"tracking_number": shipment.tracking_number.lower()},
            "tracking_shipment",
            "shipment_brand_key_idx",
        ),
        (
            "/api/v1/shipments/",
            {"order_id": str(shipment.order_id)},
            "tracking_shipment",
            "tracking_shipment_order_id",
        ),
        (
            "/api/v1/orders/",
            {"number": shipment.order.number},
            "orders_order",
            "order_unique_number_per_brand",
        ),
        (
            "/api/v1/orders/",
            {"email": shipment.order.customer.email.upper()},
            "orders_customer",
            "customer_unique_email_per_brand",
        ),
    ]
    for url, params, table, index in cases:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200, response.content
        assert response.json()["count"] >= 1
        page_table = "tracking_shipment" if "shipments" in url else "orders_order"
        assert_reads_index(plan_of(captured_query(captured, table=page_table)), table=table, index=index)
