"""Dates no parcel can have are refused or dropped with a reason; accepted extremes never break a page."""

import copy
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from brands.services import api_key_create, webhook_secret_set
from orders.models import Order
from tests.tracking.payloads import load_json
from tests.tracking.senders import api_post, post_webhook
from tracking import services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.models import InboundWebhook, Shipment, TrackingEvent
from tracking.statuses import ShipmentStatus as S

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
EASYPOST_SECRET = "ep-dates-secret"
SHOPIFY_SECRET = "shpss_dates"


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def ups_shipment(brand, order):
    webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", tracking_number="1Z4F82E30391846127"
    )
    return shipment


def tracker_with(*times: str, est: str | None = None) -> dict:
    """The recorded tracker.updated Event with extra checkpoints at the given times."""
    payload = copy.deepcopy(load_json("easypost", "tracker_updated_in_transit"))
    details = payload["result"]["tracking_details"]
    for index, when in enumerate(times):
        extra = copy.deepcopy(details[-1])
        extra |= {"datetime": when, "status": "out_for_delivery", "message": f"Scan {index}"}
        details.append(extra)
    if est is not None:
        payload["result"]["est_delivery_date"] = est
    return payload


@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01T00:00:00+01:00",  # converting it to UTC would fall before year 1
        "1970-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2026-11-13T09:00:01Z",  # three days and a second ahead
        "9999-12-31T23:59:59-01:00",
    ],
)
def test_an_impossible_scan_is_dropped_with_its_reason(client, brand, ups_shipment, when):
    response = post_webhook(client, brand, "easypost", tracker_with(when), secret=EASYPOST_SECRET)

    assert response.status_code == 202, response.content
    ups_shipment.refresh_from_db()
    assert ups_shipment.status == S.IN_TRANSIT  # the impossible out-for-delivery scan moved nothing
    assert TrackingEvent.objects.filter(shipment=ups_shipment).count() == 3
    record = InboundWebhook.objects.get()
    assert record.result == "processed"
    assert "Scan out_for_delivery dropped: Scan time" in record.error
    assert when[:10] in record.error


def test_a_scan_just_inside_the_bounds_is_kept(client, brand, ups_shipment):
    payload = tracker_with("2000-01-01T00:00:00Z", "2026-11-13T09:00:00Z")
    assert post_webhook(client, brand, "easypost", payload, secret=EASYPOST_SECRET).status_code == 202
    assert TrackingEvent.objects.filter(shipment=ups_shipment).count() == 5
    assert InboundWebhook.objects.get().error == ""


@pytest.mark.parametrize("est", ["9999-12-31T00:00:00Z", "0001-01-01", "2027-11-12"])
def test_an_impossible_estimate_is_not_used(client, brand, ups_shipment, est):
    response = post_webhook(client, brand, "easypost", tracker_with(est=est), secret=EASYPOST_SECRET)
    assert response.status_code == 202
    ups_shipment.refresh_from_db()
    assert ups_shipment.estimated_delivery_source != "carrier"
    assert f"Delivery estimate {est[:10]}" in InboundWebhook.objects.get().error


def test_shopify_order_placed_in_year_one_is_refused(client, brand):
    webhook_secret_set(brand=brand, provider="shopify", secret=SHOPIFY_SECRET)
    payload = copy.deepcopy(load_json("shopify", "orders_create"))
    payload["processed_at"] = "0001-01-01T00:00:00+02:00"

    response = post_webhook(
        client, brand, "shopify", payload, secret=SHOPIFY_SECRET, topic="orders/create", webhook_id="o-1"
    )

    assert response.status_code == 202  # stored; the worker refuses the order
    assert not Order.objects.exists()
    record = InboundWebhook.objects.get()
    assert record.result == "invalid"
    assert "Placed at 0001-01-01T00:00:00+02:00 is before 2000." in record.error


def test_shopify_fulfillment_from_the_far_future_keeps_the_parcel_not_the_status(client, brand):
    webhook_secret_set(brand=brand, provider="shopify", secret=SHOPIFY_SECRET)
    post_webhook(
        client,
        brand,
        "shopify",
        load_json("shopify", "orders_create"),
        secret=SHOPIFY_SECRET,
        topic="orders/create",
        webhook_id="o-1",
    )
    fulfillment = copy.deepcopy(load_json("shopify", "fulfillments_create"))
    fulfillment |= {"shipment_status": "delivered", "updated_at": "9999-12-31T23:59:59+02:00"}

    response = post_webhook(
        client,
        brand,
        "shopify",
        fulfillment,
        secret=SHOPIFY_SECRET,
        topic="fulfillments/create",
        webhook_id="f",
    )

    assert response.status_code == 202
    shipment = Shipment.objects.get()
    assert shipment.status == S.PENDING
    assert "9999-12-31" in InboundWebhook.objects.get(delivery_id="f").error


@pytest.fixture
def key(brand):
    return api_key_create(brand=brand).raw_key


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("occurred_at", "9999-12-31T23:59:59Z", "is more than 3 days ahead of now."),
        ("occurred_at", "0001-01-01T00:00:00Z", "is before 2000."),
        ("estimated_delivery", "9999-12-31", "is more than 366 days ahead of today."),
    ],
)
def test_api_events_with_impossible_dates_are_refused(client, key, ups_shipment, field, value, message):
    event = {"status": "in_transit", "occurred_at": "2026-11-09T10:00:00Z"}
    body = {"events": [event]}
    if field == "occurred_at":
        event["occurred_at"] = value
    else:
        body["estimated_delivery"] = value

    response = api_post(client, key, f"/api/v1/shipments/{ups_shipment.id}/events/", body)

    assert response.status_code == 400
    assert message in str(response.json())
    assert not TrackingEvent.objects.exists()


def test_api_order_placed_before_2000_is_refused(client, key):
    response = api_post(
        client,
        key,
        "/api/v1/orders/",
        {
            "external_id": "x-1",
            "number": "X1",
            "placed_at": "1999-12-31T23:00:00Z",
            "currency": "RON",
            "customer": {"email": "a@example.com"},
            "lines": [{"sku": "A", "title": "A", "quantity": 1, "unit_price": "1.00"}],
        },
    )
    assert response.status_code == 400
    assert response.json()["placed_at"] == ["Placed at 1999-12-31T23:00:00+00:00 is before 2000."]
    assert response.json()["code"] == "invalid"
    assert not Order.objects.exists()


def test_pages_and_admin_hold_up_at_the_accepted_extremes(client, admin_client, brand, order, ups_shipment):
    brand.timezone = "Pacific/Kiritimati"  # UTC+14: the far edge pushes dates a day further
    brand.save(update_fields=["timezone"])
    Order.objects.filter(id=order.id).update(
        placed_at=datetime(2000, 1, 1, tzinfo=UTC), cancelled_at=NOW + timedelta(days=1)
    )
    post_webhook(client, brand, "easypost", tracker_with("0001-01-01T00:00:00Z"), secret=EASYPOST_SECRET)
    services.shipment_apply_update(
        shipment_id=ups_shipment.id,
        update=TrackingUpdate(
            tracking_number=ups_shipment.tracking_number,
            carrier_code="ups",
            estimated_delivery=date(2027, 11, 11),  # today + 366 days
            events=(
                CarrierEvent(status=S.INFO_RECEIVED, occurred_at=datetime(2000, 1, 1, tzinfo=UTC)),
                CarrierEvent(status=S.OUT_FOR_DELIVERY, occurred_at=NOW + timedelta(days=3)),
            ),
        ),
        source="test",
    )
    ups_shipment.refresh_from_db()
    assert (ups_shipment.status, ups_shipment.estimated_delivery) == (S.OUT_FOR_DELIVERY, date(2027, 11, 11))

    pages = [
        f"/{brand.slug}/track/{order.tracking_token}/",
        f"/{brand.slug}/track/{ups_shipment.token}/",
        "/admin/tracking/shipment/",
        f"/admin/tracking/shipment/{ups_shipment.id}/change/",
        "/admin/tracking/inboundwebhook/",
        f"/admin/tracking/inboundwebhook/{InboundWebhook.objects.get().id}/change/",
        "/admin/orders/order/",
        f"/admin/orders/order/{order.id}/change/",
    ]
    for page in pages:
        response = (admin_client if page.startswith("/admin/") else client).get(page)
        assert response.status_code == 200, page
