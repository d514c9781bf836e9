"""Carrier and Shopify webhooks end to end: signed, recorded raw, de-duplicated, normalized."""

import base64
import hashlib
import hmac
import json
import unicodedata
from copy import deepcopy

import pytest

from brands.services import webhook_secret_set
from tests import factories
from tracking import services
from tracking.models import InboundWebhook, Shipment, TrackingEvent
from tracking.statuses import ShipmentStatus as S

EASYPOST_SECRET = "sécret-ﬁle"  # a ligature NFKD turns into "fi", as EasyPost normalizes it


def easypost_headers(body: bytes, secret: str = EASYPOST_SECRET) -> dict[str, str]:
    key = unicodedata.normalize("NFKD", secret).encode()
    digest = hmac.new(key, body, hashlib.sha256).hexdigest()
    return {"HTTP_X_HMAC_SIGNATURE": f"hmac-sha256-hex={digest}"}


def base64_hmac(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def tracker_event(
    status: str, details: list[tuple[str, str, str]], *, event_id: str = "evt_1", est: str | None = None
):
    """An EasyPost `tracker.updated` Event in the documented shape."""
    return {
        "object": "Event",
        "id": event_id,
        "mode": "production",
        "description": "tracker.updated",
        "created_at": "2026-11-04T10:00:00Z",
        "updated_at": "2026-11-04T10:00:00Z",
        "previous_attributes": {"status": "pre_transit"},
        "pending_urls": [],
        "completed_urls": [],
        "result": {
            "object": "Tracker",
            "id": "trk_0001",
            "mode": "production",
            "tracking_code": "1Z999AA10123456784",
            "status": status,
            "status_detail": "arrived_at_facility",
            "carrier": "UPS",
            "est_delivery_date": est,
            "public_url": "https://track.easypost.com/djE6dHJrXzAwMDE",
            "created_at": "2026-11-03T08:00:00Z",
            "updated_at": "2026-11-04T10:00:00Z",
            "tracking_details": [
                {
                    "object": "TrackingDetail",
                    "message": message,
                    "description": "",
                    "status": detail_status,
                    "status_detail": "status_update",
                    "datetime": when,
                    "source": "UPS",
                    "carrier_code": "",
                    "tracking_location": {
                        "object": "TrackingLocation",
                        "city": "CLUJ-NAPOCA",
                        "state": None,
                        "country": "RO",
                        "zip": "400001",
                    },
                }
                for detail_status, message, when in details
            ],
            "carrier_detail": None,
            "fees": [],
        },
    }


IN_TRANSIT = [
    ("pre_transit", "Shipper created a label", "2026-11-03T08:00:00Z"),
    ("in_transit", "Departed facility", "2026-11-03T20:00:00Z"),
]
DELIVERED = [*IN_TRANSIT, ("delivered", "Delivered", "2026-11-05T09:30:00Z")]


@pytest.fixture
def ups_shipment(brand, order):
    webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", carrier_name="UPS", tracking_number="1Z999AA10123456784"
    )
    return shipment


def send_easypost(client, brand, payload, headers=None, raw: bytes | None = None):
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(
        f"/webhooks/easypost/{brand.slug}/",
        data=body,
        content_type="application/json",
        **(headers if headers is not None else easypost_headers(body)),
    )


def test_easypost_updates_the_shipment(client, brand, ups_shipment):
    response = send_easypost(
        client, brand, tracker_event("in_transit", IN_TRANSIT, est="2026-11-06T00:00:00Z")
    )
    assert response.status_code == 202, response.content
    assert response.json()["result"] == "received"
    ups_shipment.refresh_from_db()
    assert ups_shipment.status == S.IN_TRANSIT
    assert ups_shipment.estimated_delivery.isoformat() == "2026-11-06"
    assert TrackingEvent.objects.filter(shipment=ups_shipment).count() == 2
    record = InboundWebhook.objects.get()
    assert (record.signature_valid, record.result, record.tracking_number) == (
        True,
        "processed",
        "1Z999AA10123456784",
    )


def test_duplicate_and_out_of_order_deliveries(client, brand, ups_shipment):
    delivered = tracker_event("delivered", DELIVERED, event_id="evt_2")
    in_transit = tracker_event("in_transit", IN_TRANSIT, event_id="evt_1")
    for payload in (delivered, in_transit, delivered):
        assert send_easypost(client, brand, payload).status_code == 202
    ups_shipment.refresh_from_db()
    assert ups_shipment.status == S.DELIVERED
    assert TrackingEvent.objects.filter(shipment=ups_shipment).count() == 3
    assert list(InboundWebhook.objects.order_by("id").values_list("result", flat=True)) == [
        "processed",
        "processed",
        "duplicate",
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_HMAC_SIGNATURE": "hmac-sha256-hex=00"},
        {"HTTP_X_HMAC_SIGNATURE": "garbage"},
        "other-secret",
    ],
)
def test_bad_signature_changes_nothing(client, brand, ups_shipment, headers):
    payload = tracker_event("delivered", DELIVERED)
    if headers == "other-secret":
        headers = easypost_headers(json.dumps(payload).encode(), secret="another brand's secret")
    response = send_easypost(client, brand, payload, headers=headers)
    assert response.status_code == 401
    ups_shipment.refresh_from_db()
    assert ups_shipment.status == S.PENDING
    assert not TrackingEvent.objects.exists()
    record = InboundWebhook.objects.get()
    assert (record.signature_valid, record.result) == (False, "rejected")


def test_another_brands_secret_is_refused(client, brand, other_brand, ups_shipment):
    webhook_secret_set(brand=other_brand, provider="easypost", secret="northwind secret")
    body = json.dumps(tracker_event("delivered", DELIVERED)).encode()
    response = send_easypost(
        client, brand, None, headers=easypost_headers(body, "northwind secret"), raw=body
    )
    assert response.status_code == 401
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    "raw", [b"{not json", b'{"object": "Event", "result"', b"[1, 2]", "\ufffe".encode("utf-16")]
)
def test_malformed_body_is_rejected(client, brand, ups_shipment, raw):
    response = send_easypost(client, brand, None, raw=raw)
    assert response.status_code == 400
    assert not TrackingEvent.objects.exists()
    assert InboundWebhook.objects.get().result == "invalid"


def test_wrong_shape_is_stored_and_marked_invalid_by_the_worker(client, brand, ups_shipment):
    payload = tracker_event("delivered", DELIVERED)
    payload["result"]["tracking_details"][0]["datetime"] = "the day before yesterday"
    del payload["result"]["tracking_code"]
    response = send_easypost(client, brand, payload)
    assert response.status_code == 202  # JSON with a valid signature: stored; its shape is the worker's
    assert not TrackingEvent.objects.exists()
    record = InboundWebhook.objects.get()
    assert record.result == "invalid"
    assert "tracking_code" in record.error


def test_oversized_body(client, brand, ups_shipment, settings):
    settings.WEBHOOK_MAX_BODY_BYTES = 2048
    payload = tracker_event("delivered", DELIVERED)
    payload["padding"] = "x" * 4096
    response = send_easypost(client, brand, payload)
    assert response.status_code == 413
    assert not TrackingEvent.objects.exists()
    assert InboundWebhook.objects.get().result == "rejected"


def test_unknown_brand(client, ups_shipment):
    body = json.dumps(tracker_event("delivered", DELIVERED)).encode()
    response = client.post(
        "/webhooks/easypost/nobody/", data=body, content_type="application/json", **easypost_headers(body)
    )
    assert response.status_code == 404
    assert not InboundWebhook.objects.exists()


def test_unknown_status_maps_to_a_safe_status_and_keeps_the_raw(client, brand, ups_shipment):
    payload = tracker_event("in_transit", [("teleported", "Beamed up", "2026-11-04T09:00:00Z")])
    assert send_easypost(client, brand, payload).status_code == 202
    stored = TrackingEvent.objects.get()
    assert stored.raw_status == "teleported"
    assert stored.status in {S.EXCEPTION, S.IN_TRANSIT, S.PENDING}


def test_unknown_tracking_number_is_kept_and_applied_when_the_shipment_appears(client, brand, order):
    webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
    response = send_easypost(client, brand, tracker_event("in_transit", IN_TRANSIT))
    assert response.status_code == 202
    assert not Shipment.objects.exists()
    assert InboundWebhook.objects.get().result == "unmatched"

    api_key = __import__("brands.services", fromlist=["api_key_create"]).api_key_create(brand=brand).raw_key
    created = client.post(
        "/api/v1/shipments/",
        data=json.dumps({"order_id": order.id, "carrier": "UPS", "tracking_number": "1Z999AA10123456784"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_key}",
    )
    assert created.status_code == 201
    assert created.json()["status"] == S.IN_TRANSIT
    assert InboundWebhook.objects.get().result == "processed"


def test_reprocess_from_the_admin(admin_client, brand, ups_shipment):
    body = json.dumps(tracker_event("in_transit", IN_TRANSIT)).encode()
    admin_client.post(
        f"/webhooks/easypost/{brand.slug}/",
        data=body,
        content_type="application/json",
        **easypost_headers(body),
    )
    TrackingEvent.objects.all().delete()
    record = InboundWebhook.objects.get()
    response = admin_client.post(
        "/admin/tracking/inboundwebhook/",
        {"action": "reprocess", "_selected_action": [record.id]},
        follow=True,
    )
    assert response.status_code == 200
    assert TrackingEvent.objects.count() == 2


# --- Shopify -----------------------------------------------------------------

SHOPIFY_SECRET = "shpss_test_secret"


def shopify_order(order_id: int = 820982911946154508) -> dict:
    return {
        "id": order_id,
        "email": "Jon@Example.com",
        "created_at": "2026-11-01T12:00:00-05:00",
        "processed_at": "2026-11-01T12:00:00-05:00",
        "name": "#9999",
        "order_number": 1234,
        "currency": "USD",
        "customer_locale": "en-US",
        "phone": "555-555-SHIP",
        "subtotal_price": "199.00",
        "total_price": "209.00",
        "total_tax": "0.00",
        "total_discounts": "0.00",
        "total_shipping_price_set": {"shop_money": {"amount": "10.00", "currency_code": "USD"}},
        "customer": {
            "id": 115310627314723954,
            "email": "jon@example.com",
            "first_name": "Jon",
            "last_name": "Snow",
            "phone": "555-555-SHIP",
        },
        "shipping_address": {
            "first_name": "Jon",
            "last_name": "Snow",
            "address1": "123 Ship Street",
            "city": "Shipsville",
            "zip": "40003",
            "country_code": "US",
            "province_code": "KY",
            "phone": "555-555-SHIP",
        },
        "line_items": [
            {
                "id": 487817672276298554,
                "sku": "IPOD2008RED",
                "title": "IPod Nano - 8GB",
                "quantity": 1,
                "price": "199.00",
                "product_type": "Cult Products",
            }
        ],
        "cancelled_at": None,
    }


def shopify_fulfillment(status: str | None, updated_at: str = "2026-11-02T10:00:00-05:00") -> dict:
    return {
        "id": 123456,
        "order_id": 820982911946154508,
        "status": "success",
        "created_at": "2026-11-02T09:00:00-05:00",
        "updated_at": updated_at,
        "tracking_company": "UPS",
        "shipment_status": status,
        "tracking_number": "1z827wk74630",
        "tracking_numbers": ["1z827wk74630"],
        "tracking_url": "https://www.ups.com/track?tracknum=1z827wk74630",
        "tracking_urls": ["https://www.ups.com/track?tracknum=1z827wk74630"],
        "line_items": [
            {"id": 487817672276298554, "quantity": 1, "sku": "IPOD2008RED", "title": "IPod Nano - 8GB"}
        ],
    }


def send_shopify(client, brand, topic, payload, webhook_id, secret=SHOPIFY_SECRET):
    body = json.dumps(payload).encode()
    return client.post(
        f"/webhooks/shopify/{brand.slug}/",
        data=body,
        content_type="application/json",
        HTTP_X_SHOPIFY_TOPIC=topic,
        HTTP_X_SHOPIFY_WEBHOOK_ID=webhook_id,
        HTTP_X_SHOPIFY_SHOP_DOMAIN="casa-verde.myshopify.com",
        HTTP_X_SHOPIFY_HMAC_SHA256=base64_hmac(body, secret),
    )


@pytest.fixture
def shopify_brand(brand):
    webhook_secret_set(brand=brand, provider="shopify", secret=SHOPIFY_SECRET)
    return brand


def test_shopify_order_then_fulfillments(client, shopify_brand):
    assert send_shopify(client, shopify_brand, "orders/create", shopify_order(), "w-1").status_code == 202
    order = shopify_brand.orders.get(external_id="820982911946154508")
    assert order.number == "1234"
    assert order.customer.phone == ""  # "555-555-SHIP" is not a number: dropped, the order kept
    assert (
        send_shopify(
            client, shopify_brand, "fulfillments/create", shopify_fulfillment(None), "w-2"
        ).status_code
        == 202
    )
    shipment = Shipment.objects.get()
    assert (shipment.tracking_number, shipment.carrier_code, shipment.status) == (
        "1z827wk74630",
        "ups",
        S.PENDING,
    )
    assert shipment.lines.get().order_line.external_id == "487817672276298554"
    update = shopify_fulfillment("in_transit", "2026-11-03T10:00:00-05:00")
    assert send_shopify(client, shopify_brand, "fulfillments/update", update, "w-3").status_code == 202
    assert (
        send_shopify(client, shopify_brand, "fulfillments/update", deepcopy(update), "w-4").status_code == 202
    )
    shipment.refresh_from_db()
    assert shipment.status == S.IN_TRANSIT
    assert TrackingEvent.objects.count() == 1


def test_shopify_replay_is_detected_by_webhook_id(client, shopify_brand):
    for _ in range(3):
        assert (
            send_shopify(client, shopify_brand, "orders/create", shopify_order(), "same-id").status_code
            == 202
        )
    assert shopify_brand.orders.count() == 1
    assert list(InboundWebhook.objects.order_by("id").values_list("result", flat=True)) == [
        "processed",
        "duplicate",
        "duplicate",
    ]


def test_shopify_bad_signature(client, shopify_brand):
    response = send_shopify(client, shopify_brand, "orders/create", shopify_order(), "w-9", secret="wrong")
    assert response.status_code == 401
    assert not shopify_brand.orders.exists()


def test_shopify_unused_topic_is_acknowledged(client, shopify_brand):
    response = send_shopify(client, shopify_brand, "products/update", {"id": 1}, "w-10")
    assert response.status_code == 202
    assert InboundWebhook.objects.get().result == "ignored"


def test_shopify_fulfillment_before_order_is_kept(client, shopify_brand):
    response = send_shopify(
        client, shopify_brand, "fulfillments/create", shopify_fulfillment("in_transit"), "w-11"
    )
    assert response.status_code == 202
    assert not Shipment.objects.exists()
    assert InboundWebhook.objects.get().result == "unmatched"


def test_cross_brand_order_is_untouched(client, shopify_brand, other_brand):
    factories.OrderFactory(brand=other_brand, external_id="820982911946154508", number="1234")
    assert send_shopify(client, shopify_brand, "orders/create", shopify_order(), "w-12").status_code == 202
    assert other_brand.orders.get().customer.brand_id == other_brand.id
    assert shopify_brand.orders.count() == 1
