"""Nothing answered 2xx stays unmatched without a way back: early fulfillments, early carrier calls,
a periodic sweep with a retention, and an admin view of what still waits and why."""

import copy
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from brands.services import api_key_create, webhook_secret_set
from orders.models import Order
from tests.tracking.payloads import load_json
from tests.tracking.senders import api_post, post_webhook
from tracking import services, tasks
from tracking.models import InboundWebhook, Shipment, TrackingEvent
from tracking.statuses import ShipmentStatus as S

SHOPIFY_SECRET = "shpss_unmatched"
AFTERSHIP_SECRET = "as-unmatched-secret"
ORDER_ID = "5736482910374659137"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def wired(brand):
    webhook_secret_set(brand=brand, provider="shopify", secret=SHOPIFY_SECRET)
    webhook_secret_set(brand=brand, provider="aftership", secret=AFTERSHIP_SECRET)
    return brand


def shopify(client, brand, topic, payload, webhook_id):
    return post_webhook(
        client, brand, "shopify", payload, secret=SHOPIFY_SECRET, topic=topic, webhook_id=webhook_id
    )


def delivered_fulfillment() -> dict:
    payload = copy.deepcopy(load_json("shopify", "fulfillments_create"))
    payload["shipment_status"] = "in_transit"
    return payload


def test_fulfillment_before_its_order_is_processed_when_the_order_arrives(client, wired):
    early = shopify(client, wired, "fulfillments/create", delivered_fulfillment(), "f-1")
    assert early.status_code == 202
    record = InboundWebhook.objects.get(delivery_id="f-1")
    assert (record.result, record.order_external_id) == ("unmatched", ORDER_ID)
    assert record.error == f"Order {ORDER_ID} not known yet; processed when it arrives."

    order = shopify(client, wired, "orders/create", load_json("shopify", "orders_create"), "o-1")

    assert order.status_code == 202
    record.refresh_from_db()
    assert record.result == "processed"
    shipment = Shipment.objects.get(order__external_id=ORDER_ID)
    assert (shipment.tracking_number, shipment.status) == ("2150098765432", S.IN_TRANSIT)
    assert shipment.lines.count() == 1


def test_fulfillment_before_an_api_order_is_processed_when_the_order_arrives(client, wired):
    assert shopify(client, wired, "fulfillments/create", delivered_fulfillment(), "f-1").status_code == 202
    key = api_key_create(brand=wired).raw_key
    response = api_post(
        client,
        key,
        "/api/v1/orders/",
        {
            "external_id": ORDER_ID,
            "number": "CV1042",
            "placed_at": "2026-11-01T18:22:40+02:00",
            "currency": "RON",
            "customer": {"email": "ioana.pop@example.ro"},
            "lines": [
                {
                    "external_id": "14820019387465829",
                    "sku": "TEA-POT-BLK",
                    "title": "Ceainic",
                    "quantity": 1,
                    "unit_price": "249.90",
                }
            ],
        },
    )
    assert response.status_code == 201, response.content
    assert InboundWebhook.objects.get(delivery_id="f-1").result == "processed"
    assert Shipment.objects.get().order.external_id == ORDER_ID


def aftership_update(tracking_number: str = "05212345678901") -> dict:
    payload = copy.deepcopy(load_json("aftership", "tracking_update_in_transit"))
    payload["msg"]["tracking_number"] = tracking_number
    payload["event_id"] = f"evt-{tracking_number}"  # each call its own delivery
    return payload


def test_sweep_retries_young_calls_and_expires_old_ones(client, wired, order):
    with time_machine.travel(NOW - timedelta(days=20), tick=False):
        old = post_webhook(client, wired, "aftership", aftership_update("OLD1"), secret=AFTERSHIP_SECRET)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        young = post_webhook(client, wired, "aftership", aftership_update(), secret=AFTERSHIP_SECRET)
    assert (old.status_code, young.status_code) == (202, 202)
    # The shipment appears by a path that does not re-process (a raw insert, as an import would).
    shipment = Shipment.objects.create(
        brand=wired, order=order, carrier_code="dpd-ro", tracking_number="0521 2345 678901"
    )

    with time_machine.travel(NOW, tick=False):
        counts = tasks.sweep_unmatched_webhooks()

    assert counts == {"retried": 1, "matched": 1, "expired": 1}
    young_record = InboundWebhook.objects.get(tracking_number="05212345678901")
    old_record = InboundWebhook.objects.get(tracking_number="OLD1")
    assert young_record.result == "processed"
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3
    assert old_record.result == "unmatched_expired"
    assert old_record.error.startswith("No match within 14 days; no longer retried. No shipment with")
    with time_machine.travel(NOW + timedelta(minutes=10), tick=False):
        assert tasks.sweep_unmatched_webhooks() == {"retried": 0, "matched": 0, "expired": 0}


def test_sweep_keeps_a_still_unmatched_call_waiting(client, wired):
    with time_machine.travel(NOW - timedelta(hours=2), tick=False):
        post_webhook(client, wired, "aftership", aftership_update(), secret=AFTERSHIP_SECRET)
    with time_machine.travel(NOW, tick=False):
        assert tasks.sweep_unmatched_webhooks() == {"retried": 1, "matched": 0, "expired": 0}
    assert InboundWebhook.objects.get().result == "unmatched"


def test_beat_runs_the_sweep(settings):
    entries = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"tracking.sweep_unmatched_webhooks", "tracking.retry_failed_reactions"} <= entries


def test_admin_shows_what_waits_and_why(admin_client, client, wired, order):
    post_webhook(client, wired, "aftership", aftership_update("WAITING1"), secret=AFTERSHIP_SECRET)
    shopify(client, wired, "fulfillments/create", delivered_fulfillment(), "f-9")
    services.shipment_upsert(brand=wired, order=order, carrier_code="dpd-ro", tracking_number="MATCHED1")
    post_webhook(client, wired, "aftership", aftership_update("MATCHED1"), secret=AFTERSHIP_SECRET)

    response = admin_client.get("/admin/tracking/inboundwebhook/", {"unmatched": "waiting"})

    assert response.status_code == 200
    shown = {row.tracking_number for row in response.context["cl"].result_list}
    assert shown == {"WAITING1", "2150098765432"}
    page = response.content.decode()
    assert "No shipment with tracking number WAITING1 yet; retried when one is created." in page
    assert f"Order {ORDER_ID} not known yet; processed when it arrives." in page
    assert "Still unmatched (retried)" in page
    assert Order.objects.filter(external_id=ORDER_ID).count() == 0
