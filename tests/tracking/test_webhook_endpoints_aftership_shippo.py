"""AfterShip and Shippo webhook endpoints, posted to as the providers do.

AfterShip signs the raw body: `aftership-hmac-sha256: base64(HMAC-SHA256(webhook secret, body))`.
Shippo either echoes the merchant's `?token=` on the URL or sends
`Shippo-Auth-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`. The signatures are
computed in tests/tracking/payloads.py from those documented schemes, not by the code under test.
"""

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest
import time_machine

from brands.services import webhook_secret_set
from notifications.models import Notification
from tests.ingest import latest_webhook
from tests.tracking.payloads import as_meta, dump, load, shippo_url_query, sign
from tracking import services
from tracking.models import InboundWebhook, Shipment, TrackingEvent
from tracking.statuses import ShipmentStatus as S

AFTERSHIP_SECRET = "as-whsec-8c1e"
SHIPPO_SECRET = "shippo-token-5b7d"
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)


@pytest.fixture
def parcels(brand, order):
    webhook_secret_set(brand=brand, provider="aftership", secret=AFTERSHIP_SECRET)
    webhook_secret_set(brand=brand, provider="shippo", secret=SHIPPO_SECRET)
    dpd, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="dpd-ro", carrier_name="DPD", tracking_number="05212345678901"
    )
    dhl, _ = services.shipment_upsert(
        brand=brand,
        order=order,
        carrier_code="dhl_express",
        carrier_name="DHL Express",
        tracking_number="JD014600006281230704",
    )
    return {"aftership": dpd, "shippo": dhl}


def post_aftership(client, brand_slug, body, headers):
    return client.post(
        f"/webhooks/aftership/{brand_slug}/", data=body, content_type="application/json", **as_meta(headers)
    )


def post_shippo(client, brand_slug, body, *, headers=None, query=None):
    url = f"/webhooks/shippo/{brand_slug}/"
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return client.post(url, data=body, content_type="application/json", **as_meta(headers or {}))


def snapshot():
    return (
        sorted(TrackingEvent.objects.values_list("shipment_id", "status", "occurred_at")),
        sorted(Shipment.objects.values_list("id", "status")),
        Notification.objects.count(),
    )


# --- AfterShip ------------------------------------------------------------------


def test_aftership_signature_matches_the_documented_scheme():
    """base64 of the raw HMAC-SHA256 digest, keyed with the secret as UTF-8 (not hex, not the key id)."""
    body = b'{"event":"tracking_update","event_id":"e1","msg":{}}'
    expected = base64.b64encode(hmac.new(b"s\xc3\xa9cret", body, hashlib.sha256).digest()).decode()
    assert sign("aftership", "sécret", body) == {"aftership-hmac-sha256": expected}
    from tracking.carriers import aftership

    assert aftership.verify_signature(secret="sécret", body=body, headers={"Aftership-Hmac-Sha256": expected})
    assert not aftership.verify_signature(
        secret="sécret", body=body + b" ", headers={"Aftership-Hmac-Sha256": expected}
    )


def test_aftership_signed_call_is_processed(client, brand, parcels):
    body = load("aftership", "tracking_update_in_transit")
    response = post_aftership(client, brand.slug, body, sign("aftership", AFTERSHIP_SECRET, body))
    assert response.status_code == 202, response.content
    assert response.json()["result"] == "received"
    assert latest_webhook().result == "processed"
    shipment = parcels["aftership"]
    shipment.refresh_from_db()
    assert shipment.status == S.IN_TRANSIT
    assert TrackingEvent.objects.filter(shipment=shipment).exists()
    record = InboundWebhook.objects.get()
    assert record.delivery_id == json.loads(body)["event_id"]
    assert record.body.encode() == body


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"aftership-hmac-sha256": ""},
        {"aftership-hmac-sha256": "not base64 !"},
        {"aftership-hmac-sha256": base64.b64encode(b"x" * 32).decode()},
    ],
    ids=["missing", "empty", "garbled", "wrong digest"],
)
def test_aftership_bad_signature_changes_nothing(client, brand, parcels, headers):
    before = snapshot()
    body = load("aftership", "tracking_update_in_transit")
    response = post_aftership(client, brand.slug, body, headers)
    assert response.status_code == 401
    assert response.json() == {"result": "rejected", "detail": "Invalid signature."}
    assert snapshot() == before
    assert InboundWebhook.objects.get().body == ""


def test_aftership_replay_is_a_duplicate(client, brand, parcels):
    body = load("aftership", "tracking_update_in_transit")
    headers = sign("aftership", AFTERSHIP_SECRET, body)
    assert post_aftership(client, brand.slug, body, headers).status_code == 202
    after_first = snapshot()
    replay = post_aftership(client, brand.slug, body, headers)
    assert replay.status_code == 202
    assert latest_webhook().result == "duplicate"
    assert snapshot() == after_first
    assert list(InboundWebhook.objects.order_by("id").values_list("result", flat=True)) == [
        "processed",
        "duplicate",
    ]


def test_aftership_other_brands_secret_is_refused(client, brand, other_brand, parcels):
    webhook_secret_set(brand=other_brand, provider="aftership", secret="northwind-secret")
    before = snapshot()
    body = load("aftership", "tracking_update_in_transit")
    # Signed by brand A, posted to brand B's URL, and the other way round.
    assert (
        post_aftership(client, other_brand.slug, body, sign("aftership", AFTERSHIP_SECRET, body)).status_code
        == 401
    )
    assert (
        post_aftership(client, brand.slug, body, sign("aftership", "northwind-secret", body)).status_code
        == 401
    )
    assert snapshot() == before


# --- Shippo ---------------------------------------------------------------------


def test_shippo_token_call_is_processed(client, brand, parcels):
    body = load("shippo", "track_updated_delivered")
    response = post_shippo(client, brand.slug, body, query=shippo_url_query(SHIPPO_SECRET))
    assert response.status_code == 202, response.content
    assert latest_webhook().result == "processed"
    shipment = parcels["shippo"]
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED


def test_shippo_hmac_call_is_processed_while_fresh(client, brand, parcels):
    body = load("shippo", "track_updated_delivered")
    stamp = int(NOW.timestamp())
    with time_machine.travel(NOW, tick=False):
        stale = post_shippo(
            client, brand.slug, body, headers=sign("shippo", SHIPPO_SECRET, body, timestamp=stamp - 301)
        )
        fresh = post_shippo(
            client, brand.slug, body, headers=sign("shippo", SHIPPO_SECRET, body, timestamp=stamp)
        )
    assert stale.status_code == 401
    assert fresh.status_code == 202, fresh.content
    parcels["shippo"].refresh_from_db()
    assert parcels["shippo"].status == S.DELIVERED


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({}, {}),
        ({}, {"token": "guess"}),
        ({}, {"token": ""}),
        ({"Shippo-Auth-Signature": "t=1,v1=00"}, {}),
        ({"Shippo-Auth-Signature": "garbage"}, {}),
    ],
    ids=["nothing", "wrong token", "empty token", "wrong hmac", "garbled header"],
)
def test_shippo_bad_credentials_change_nothing(client, brand, parcels, headers, query):
    before = snapshot()
    body = load("shippo", "track_updated_delivered")
    with time_machine.travel(NOW, tick=False):
        response = post_shippo(client, brand.slug, body, headers=headers, query=query)
    assert response.status_code == 401
    assert snapshot() == before
    assert InboundWebhook.objects.get().body == ""


def test_shippo_replay_is_a_duplicate(client, brand, parcels):
    body = load("shippo", "track_updated_delivered")
    assert post_shippo(client, brand.slug, body, query=shippo_url_query(SHIPPO_SECRET)).status_code == 202
    after_first = snapshot()
    # The same delivery again, even re-serialized: same Track status object, same update time.
    replay_body = dump(json.loads(body))
    replay = post_shippo(client, brand.slug, replay_body, query=shippo_url_query(SHIPPO_SECRET))
    assert replay.status_code == 202
    assert latest_webhook().result == "duplicate"
    assert snapshot() == after_first


def test_shippo_other_brands_token_is_refused(client, brand, other_brand, parcels):
    webhook_secret_set(brand=other_brand, provider="shippo", secret="northwind-token")
    before = snapshot()
    body = load("shippo", "track_updated_delivered")
    assert (
        post_shippo(client, other_brand.slug, body, query=shippo_url_query(SHIPPO_SECRET)).status_code == 401
    )
    assert post_shippo(client, brand.slug, body, query=shippo_url_query("northwind-token")).status_code == 401
    with time_machine.travel(NOW, tick=False):
        signed_for_a = sign("shippo", SHIPPO_SECRET, body, timestamp=int(NOW.timestamp()))
        assert post_shippo(client, other_brand.slug, body, headers=signed_for_a).status_code == 401
    assert snapshot() == before
