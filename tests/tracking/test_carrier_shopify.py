"""Shopify adapter: webhook HMAC, orders into OrderInput, fulfillments into FulfillmentUpdate."""

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from orders.services import AddressInput, CustomerInput, LineInput
from tests.tracking.payloads import dump, load, load_json, sign
from tracking.carriers import shopify
from tracking.carriers.base import SAFE_FALLBACK_STATUS, PayloadError
from tracking.statuses import ShipmentStatus as S

# Shopify's own test fixtures (shopify-api-ruby: api_secret_key "API_SECRET_KEY", raw body "{}");
# the expected header value was computed independently with `openssl dgst -sha256 -hmac | base64`.
VECTOR_SECRET = "API_SECRET_KEY"
VECTOR_BODY = b"{}"
VECTOR_SIGNATURE = "+ihUB5l+D7QrohDEi/6NcBcJRyKssyWqos13LmnsBbs="
SECRET = "shpss_0123456789abcdef"
EET = timezone(timedelta(hours=2))


# --- signature -------------------------------------------------------------------------------


def test_known_answer_vector():
    assert shopify.signature(secret=VECTOR_SECRET, body=VECTOR_BODY) == VECTOR_SIGNATURE
    headers = {"X-Shopify-Hmac-Sha256": VECTOR_SIGNATURE}
    assert shopify.verify_signature(secret=VECTOR_SECRET, body=VECTOR_BODY, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Shopify-Hmac-Sha256": VECTOR_SIGNATURE},
        {"x-shopify-hmac-sha256": VECTOR_SIGNATURE},
        {"HTTP_X_SHOPIFY_HMAC_SHA256": VECTOR_SIGNATURE},
        {"Shopify-Hmac-Sha256": VECTOR_SIGNATURE},  # newer libraries drop the X-
        {"X-Shopify-Hmac-Sha256": VECTOR_SIGNATURE + "\n"},  # Ruby's Base64.encode64 adds a newline
    ],
    ids=["canonical", "lower-case", "django-meta", "no-x-prefix", "trailing-newline"],
)
def test_header_forms_accepted(headers):
    assert shopify.verify_signature(secret=VECTOR_SECRET, body=VECTOR_BODY, headers=headers)


def test_fixtures_signed_by_the_documented_algorithm_verify():
    for name in ("orders_create", "fulfillments_create", "fulfillments_update"):
        body = load("shopify", name)
        assert shopify.verify_signature(secret=SECRET, body=body, headers=sign("shopify", SECRET, body))


@pytest.mark.parametrize(
    ("secret", "body", "headers"),
    [
        ("wrong", VECTOR_BODY, {"X-Shopify-Hmac-Sha256": VECTOR_SIGNATURE}),
        (VECTOR_SECRET, b"{ }", {"X-Shopify-Hmac-Sha256": VECTOR_SIGNATURE}),
        (VECTOR_SECRET, VECTOR_BODY, {}),
        (VECTOR_SECRET, VECTOR_BODY, {"X-Shopify-Hmac-Sha256": ""}),
        (VECTOR_SECRET, VECTOR_BODY, {"X-Shopify-Hmac-Sha256": "not base64!"}),
        (VECTOR_SECRET, VECTOR_BODY, {"X-Shopify-Hmac-Sha256": VECTOR_SIGNATURE[:-4]}),
        (VECTOR_SECRET, VECTOR_BODY, {"X-Shopify-Hmac-Sha256": "sha256=" + VECTOR_SIGNATURE}),
        (VECTOR_SECRET, VECTOR_BODY, {"X-Shopify-Hmac-Sha256": "ßignature"}),
        (VECTOR_SECRET, VECTOR_BODY, {"X-Shopify-Hmac-Sha256": bytes.fromhex("ab" * 32).hex()}),
        ("", VECTOR_BODY, {"X-Shopify-Hmac-Sha256": VECTOR_SIGNATURE}),
    ],
    ids=[
        "wrong-secret",
        "tampered",
        "missing",
        "empty",
        "garbled",
        "truncated",
        "prefixed",
        "non-ascii",
        "hex-not-base64",
        "no-secret",
    ],
)
def test_bad_signatures_are_refused(secret, body, headers):
    assert shopify.verify_signature(secret=secret, body=body, headers=headers) is False


# --- orders ----------------------------------------------------------------------------------


def test_order_with_messy_phone_and_mixed_lines():
    order = shopify.parse_order(load_json("shopify", "orders_create"))
    assert (order.external_id, order.number, order.source) == ("5736482910374659137", "1042", "shopify")
    assert order.placed_at == datetime(2026, 11, 1, 18, 22, 40, tzinfo=EET)  # processed_at wins
    assert (order.currency, order.locale, order.cancelled_at) == ("RON", "ro", None)
    assert order.customer == CustomerInput(
        email="ioana.pop@example.ro",
        # The customer's "555-555-SHIP" is dropped; the order's local number is read in the
        # shipping country.
        phone="+40721234567",
        first_name="Ioana",
        last_name="Pop",
        external_id="7420119283746501923",
        locale="ro",
        marketing_consent=True,
        sms_consent=False,
    )
    assert order.shipping_address == AddressInput(
        name="Ioana Pop",
        line1="Strada Memorandumului 28",
        line2="",
        city="Cluj-Napoca",
        region="CJ",
        postal_code="400114",
        country="RO",
    )
    assert (order.subtotal, order.shipping_total, order.tax_total, order.discount_total, order.total) == (
        Decimal("379.80"),
        Decimal("30.00"),
        Decimal("65.43"),
        Decimal("20.00"),
        Decimal("409.80"),
    )
    assert list(order.lines) == [
        LineInput(
            sku="TEA-POT-BLK",
            title="Ceainic din fontă",
            quantity=1,
            unit_price=Decimal("249.90"),
            external_id="14820019387465829",
            category="Bucătărie",
        ),
        # sku null → the variant id; quantity "2" → 2; empty product_type → no category.
        LineInput(
            sku="45871203948575555",
            title="Ceai verde Sencha 100 g",
            quantity=2,
            unit_price=Decimal("74.95"),
            external_id="14820019387465831",
            category="",
        ),
        # The quantity-0 card was removed by an order edit: not a line.
    ]


def test_64_bit_ids_stay_exact():
    body = load("shopify", "orders_create")
    assert b"5736482910374659137" in body
    order = shopify.parse_order(json.loads(body))
    assert order.external_id == "5736482910374659137"
    assert float(order.external_id) != 5736482910374659137  # what a double would have made of it
    assert order.lines[0].external_id == "14820019387465829"


def test_guest_order_without_customer_address_email_or_phone():
    order = shopify.parse_order(load_json("shopify", "orders_updated_guest"))
    assert order.number == "CV1043"  # no order_number: the name without its "#"
    assert order.placed_at == datetime(2026, 11, 2, 9, 5, tzinfo=UTC)  # processed_at null → created_at
    assert order.customer == CustomerInput(locale="")  # "de" is not a language we serve
    assert order.shipping_address == AddressInput()
    assert order.cancelled_at == datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
    assert (order.tax_total, order.discount_total, order.shipping_total) == (Decimal("0.00"),) * 3
    assert order.lines[0] == LineInput(
        sku="line-14820019387465835",  # no sku, no variant: the line id
        title="Cutie cadou",
        quantity=1,
        unit_price=Decimal("25"),
        external_id="14820019387465835",
        category="Cadouri",
    )


@pytest.mark.parametrize(
    ("phones", "country", "expected"),
    [
        (["555-555-SHIP", None, None, None], "US", ""),
        (["555-555-SHIP", "+40 721 234 567", None, None], "US", "+40721234567"),
        ([None, None, "(0721) 234-567", None], "RO", "+40721234567"),
        ([None, None, None, "+48 601 234 567"], "RO", "+48601234567"),
        (["12", "not a phone", "", "  "], "PL", ""),
    ],
)
def test_the_first_usable_phone_is_kept_and_invalid_ones_dropped(phones, country, expected):
    payload = load_json("shopify", "orders_create")
    customer_phone, order_phone, shipping_phone, billing_phone = phones
    payload["customer"]["phone"] = customer_phone
    payload["phone"] = order_phone
    payload["shipping_address"].update(phone=shipping_phone, country_code=country)
    payload["billing_address"]["phone"] = billing_phone
    assert shopify.parse_order(payload).customer.phone == expected


def test_invalid_email_is_dropped_and_order_email_used_without_customer():
    payload = load_json("shopify", "orders_create")
    payload["customer"] = None
    payload["email"] = "not-an-email"
    payload["contact_email"] = None
    customer = shopify.parse_order(payload).customer
    assert (customer.email, customer.external_id, customer.first_name) == ("", "", "Ioana")
    payload["email"] = " Jon@Example.COM "
    assert shopify.parse_order(payload).customer.email == "jon@example.com"


def test_legacy_marketing_flag_when_no_consent_object():
    payload = load_json("shopify", "orders_create")
    del payload["customer"]["email_marketing_consent"]
    del payload["customer"]["sms_marketing_consent"]
    payload["buyer_accepts_marketing"] = True
    customer = shopify.parse_order(payload).customer
    assert (customer.marketing_consent, customer.sms_consent) == (True, None)


def test_numbers_as_numbers_and_long_text_cut_to_fit():
    payload = load_json("shopify", "orders_create")
    payload["total_price"] = 409.8
    payload["line_items"][0].update(price=249.9, quantity=1.0, title="T" * 300, sku="S" * 80)
    payload["shipping_address"]["city"] = "C" * 150
    order = shopify.parse_order(payload)
    assert order.total == Decimal("409.8")
    assert (order.lines[0].unit_price, order.lines[0].quantity) == (Decimal("249.9"), 1)
    assert (len(order.lines[0].title), len(order.lines[0].sku), len(order.shipping_address.city)) == (
        255,
        64,
        100,
    )


def _order(**changes):
    payload = load_json("shopify", "orders_create")
    for key, value in changes.items():
        if value is ...:
            del payload[key]
        else:
            payload[key] = value
    return payload


def _order_with_line(**changes):
    payload = load_json("shopify", "orders_create")
    payload["line_items"][0].update(changes)
    return payload


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([{"id": 1}], "must be a JSON object"),
        ("order", "must be a JSON object"),
        (_order(id=...), "no id"),
        (_order(id=None), "no id"),
        (_order(order_number=None, name=" "), "order_number"),
        (_order(processed_at=None, created_at=None), "created_at"),
        (_order(processed_at="31/12/2026", created_at=None), "processed_at"),
        (_order(currency=None), "currency"),
        (_order(total_price="lots"), "total_price"),
        (_order(line_items={"id": 1}), "line_items"),
        (_order_with_line(price=None), "no price"),
        (_order_with_line(price="free"), "price"),
        (_order_with_line(quantity="two"), "quantity"),
        (_order_with_line(quantity=1.5), "quantity"),
        (_order_with_line(sku=None, variant_id=None, id=None), "no sku"),
    ],
)
def test_malformed_orders_raise(payload, message):
    with pytest.raises(PayloadError, match=message):
        shopify.parse_order(payload)


# --- fulfillments ----------------------------------------------------------------------------


def test_fulfillment_created_without_shipment_status():
    update = shopify.parse_fulfillment(load_json("shopify", "fulfillments_create"))
    assert update == shopify.FulfillmentUpdate(
        order_external_id="5736482910374659137",
        fulfillment_id="6198201927364512837",
        tracking_number="2150098765432",
        tracking_numbers=("2150098765432",),
        carrier_code="fan-courier",
        carrier_name="FAN Courier",
        carrier_tracking_url="https://www.fancourier.ro/awb-tracking/?tracking=2150098765432",
        status=None,
        lines=(("14820019387465829", 1),),
        updated_at=datetime(2026, 11, 2, 10, 15, tzinfo=EET),
        raw_status="",
        fulfillment_status="success",
    )


def test_fulfillment_update_messy():
    update = shopify.parse_fulfillment(load_json("shopify", "fulfillments_update"))
    # tracking_number null, the list with a stray space, two parcels; shipment_status upper-case.
    assert (update.tracking_number, update.tracking_numbers) == (
        "2150098765432",
        ("2150098765432", "2150098765449"),
    )
    assert update.carrier_tracking_url == "https://www.fancourier.ro/awb-tracking/?tracking=2150098765432"
    assert (update.status, update.raw_status) == (S.OUT_FOR_DELIVERY, "OUT_FOR_DELIVERY")
    assert update.lines == (("14820019387465829", 1), ("14820019387465831", 2))
    assert update.updated_at == datetime(2026, 11, 3, 6, 41, 12, tzinfo=UTC)


def test_fulfillment_without_tracking_or_company():
    payload = load_json("shopify", "fulfillments_create")
    payload.update(
        tracking_number=None,
        tracking_numbers=[],
        tracking_url=None,
        tracking_urls=None,
        tracking_company=None,
        updated_at=None,
        line_items=None,
    )
    update = shopify.parse_fulfillment(payload)
    assert (update.tracking_number, update.tracking_numbers, update.carrier_code, update.carrier_name) == (
        "",
        (),
        "other",
        "",
    )
    assert (update.carrier_tracking_url, update.lines) == ("", ())
    assert update.updated_at == datetime(2026, 11, 2, 10, 15, tzinfo=EET)  # falls back to created_at


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("label_printed", S.INFO_RECEIVED),
        ("label_purchased", S.INFO_RECEIVED),
        ("confirmed", S.INFO_RECEIVED),
        ("carrier_picked_up", S.IN_TRANSIT),
        ("in_transit", S.IN_TRANSIT),
        ("out_for_delivery", S.OUT_FOR_DELIVERY),
        ("attempted_delivery", S.FAILED_ATTEMPT),
        ("ready_for_pickup", S.AVAILABLE_FOR_PICKUP),
        ("ready_for_recipient_pickup", S.AVAILABLE_FOR_PICKUP),
        ("picked_up", S.DELIVERED),
        ("delivered", S.DELIVERED),
        ("delayed", S.EXCEPTION),
        ("failure", S.EXCEPTION),
        ("not_delivered", S.EXCEPTION),
        ("buyer_action_required", S.EXCEPTION),
        ("returning_to_sender", S.RETURNED_TO_SENDER),
    ],
)
def test_every_shipment_status(raw, expected):
    assert shopify.STATUS_BY_SHOPIFY[raw] == expected
    payload = load_json("shopify", "fulfillments_update")
    for spelling in (raw, raw.upper(), f" {raw} "):
        payload["shipment_status"] = spelling
        update = shopify.parse_fulfillment(payload)
        assert (update.status, update.raw_status) == (expected, spelling.strip())


def test_the_status_table_covers_the_documented_vocabulary():
    admin_api = {"attempted_delivery", "confirmed", "delivered", "failure", "in_transit"}
    admin_api |= {"label_printed", "label_purchased", "out_for_delivery", "ready_for_pickup", "delayed"}
    admin_api |= {"carrier_picked_up", "picked_up"}
    assert admin_api <= set(shopify.STATUS_BY_SHOPIFY)


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, None), ("", None), ("  ", None), ("teleported", SAFE_FALLBACK_STATUS)]
)
def test_no_or_unknown_shipment_status(raw, expected):
    payload = load_json("shopify", "fulfillments_update")
    payload["shipment_status"] = raw
    update = shopify.parse_fulfillment(payload)
    assert update.status == expected
    if raw == "teleported":
        assert update.raw_status == "teleported"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"order_id": None}, "order_id"),
        ({"id": None}, "no id"),
        ({"updated_at": "yesterday"}, "updated_at"),
        ({"line_items": "all of them"}, "line_items"),
        ({"line_items": [{"id": 1, "quantity": "a few"}]}, "quantity"),
    ],
)
def test_malformed_fulfillments_raise(change, message):
    payload = load_json("shopify", "fulfillments_create")
    payload.update(change)
    with pytest.raises(PayloadError, match=message):
        shopify.parse_fulfillment(payload)


@pytest.mark.parametrize("payload", [[], "fulfillment", None, 42])
def test_non_object_fulfillment_raises(payload):
    with pytest.raises(PayloadError, match="must be a JSON object"):
        shopify.parse_fulfillment(payload)


def test_compact_and_pretty_bodies_both_verify():
    payload = load_json("shopify", "orders_create")
    for body in (dump(payload), load("shopify", "orders_create")):
        assert shopify.verify_signature(secret=SECRET, body=body, headers=sign("shopify", SECRET, body))
