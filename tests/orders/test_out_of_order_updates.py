"""A store's older order update never undoes a newer one, by webhook or by API."""

import copy

import pytest
from django.db.models import Q

from brands.services import api_key_create, webhook_secret_set
from orders.models import Order
from tests.tracking.payloads import load_json
from tests.tracking.senders import api_post, post_webhook
from tracking.models import InboundWebhook

SECRET = "shpss_out_of_order"
EXTERNAL_ID = "5736482910374659137"


@pytest.fixture
def shopify_brand(brand):
    webhook_secret_set(brand=brand, provider="shopify", secret=SECRET)
    return brand


def order_version(*, updated_at: str, cancelled_at: str | None = None, address1: str | None = None):
    """The recorded orders/create body as Shopify sends it after a later change."""
    payload = copy.deepcopy(load_json("shopify", "orders_create"))
    payload["updated_at"] = updated_at
    payload["cancelled_at"] = cancelled_at
    if cancelled_at:
        payload["cancel_reason"] = "customer"
    if address1:
        payload["shipping_address"]["address1"] = address1
    return payload


def send(client, brand, topic, payload, webhook_id):
    return post_webhook(client, brand, "shopify", payload, secret=SECRET, topic=topic, webhook_id=webhook_id)


def test_an_older_update_does_not_uncancel_the_order(client, shopify_brand):
    created = order_version(updated_at="2026-11-01T18:22:43+02:00")
    cancelled = order_version(
        updated_at="2026-11-02T09:00:00+02:00", cancelled_at="2026-11-02T09:00:00+02:00"
    )
    older = order_version(updated_at="2026-11-01T20:00:00+02:00", address1="Strada Veche 1")
    assert send(client, shopify_brand, "orders/create", created, "w-1").status_code == 202
    assert send(client, shopify_brand, "orders/cancelled", cancelled, "w-2").status_code == 202
    # Delivered late by Shopify's queue: a new webhook id, an older updated_at.
    response = send(client, shopify_brand, "orders/updated", older, "w-3")

    assert response.status_code == 202
    order = Order.objects.get(brand=shopify_brand, external_id=EXTERNAL_ID)
    assert order.cancelled_at is not None
    assert order.shipping_line1 == "Strada Memorandumului 28"
    record = InboundWebhook.objects.get(delivery_id="w-3")
    assert record.result == "stale"
    assert record.error.startswith("Older than the order we hold")
    assert "not applied" in record.error


def test_a_newer_address_is_not_replaced_by_the_old_one(client, shopify_brand):
    first = order_version(updated_at="2026-11-01T18:22:43+02:00")
    moved = order_version(updated_at="2026-11-01T19:00:00+02:00", address1="Bulevardul Nou 5")
    assert send(client, shopify_brand, "orders/create", first, "w-1").status_code == 202
    assert send(client, shopify_brand, "orders/updated", moved, "w-2").status_code == 202
    # The same updated_at again under another id changes nothing either.
    same_time = order_version(updated_at="2026-11-01T19:00:00+02:00", address1="Strada Alta 9")
    assert send(client, shopify_brand, "orders/updated", same_time, "w-3").status_code == 202
    assert send(client, shopify_brand, "orders/updated", first, "w-4").status_code == 202

    order = Order.objects.get(brand=shopify_brand, external_id=EXTERNAL_ID)
    assert order.shipping_line1 == "Bulevardul Nou 5"
    assert order.source_updated_at.isoformat() == "2026-11-01T17:00:00+00:00"
    results = dict(InboundWebhook.objects.values_list("delivery_id", "result"))
    assert results == {"w-1": "processed", "w-2": "processed", "w-3": "stale", "w-4": "stale"}


def test_a_newer_update_is_applied(client, shopify_brand):
    first = order_version(updated_at="2026-11-01T18:22:43+02:00")
    assert send(client, shopify_brand, "orders/create", first, "a").status_code == 202
    newer = order_version(updated_at="2026-11-03T08:00:00+02:00", cancelled_at="2026-11-03T08:00:00+02:00")
    assert send(client, shopify_brand, "orders/cancelled", newer, "b").status_code == 202
    assert Order.objects.get(external_id=EXTERNAL_ID).cancelled_at is not None
    assert InboundWebhook.objects.get(delivery_id="b").result == "processed"


API_ORDER = {
    "external_id": "shop-7001",
    "number": "7001",
    "placed_at": "2026-11-03T09:30:00+02:00",
    "currency": "RON",
    "customer": {"email": "maria@example.com"},
    "shipping_address": {"line1": "Str. Lalelelor 3", "city": "Cluj-Napoca", "country": "RO"},
    "lines": [{"sku": "MUG-1", "title": "Cană", "quantity": 1, "unit_price": "39.90"}],
}


def test_api_upsert_with_an_older_updated_at_is_not_applied(client, brand):
    key = api_key_create(brand=brand).raw_key
    newer = API_ORDER | {
        "updated_at": "2026-11-03T12:00:00Z",
        "cancelled_at": "2026-11-03T12:00:00Z",
    }
    older = API_ORDER | {
        "updated_at": "2026-11-03T10:00:00Z",
        "shipping_address": {"line1": "Str. Veche 1", "city": "Cluj-Napoca", "country": "RO"},
    }
    assert api_post(client, key, "/api/v1/orders/", newer).status_code == 201
    response = api_post(client, key, "/api/v1/orders/", older)

    assert response.status_code == 200
    body = response.json()
    assert body["cancelled_at"] is not None
    assert body["shipping_address"]["line1"] == "Str. Lalelelor 3"
    assert Order.objects.filter(Q(brand=brand) & Q(cancelled_at__isnull=False)).count() == 1


def test_api_upsert_without_updated_at_still_applies(client, brand):
    key = api_key_create(brand=brand).raw_key
    first = API_ORDER | {"updated_at": "2026-11-03T12:00:00Z"}
    assert api_post(client, key, "/api/v1/orders/", first).status_code == 201
    changed = API_ORDER | {"shipping_address": {"line1": "Str. Nouă 2", "city": "Cluj", "country": "RO"}}
    assert api_post(client, key, "/api/v1/orders/", changed).status_code == 200
    order = Order.objects.get(brand=brand, external_id="shop-7001")
    assert order.shipping_line1 == "Str. Nouă 2"
    assert order.source_updated_at.isoformat() == "2026-11-03T12:00:00+00:00"
