"""Consent is the shopper's: STOP outranks any store payload or merchant edit; only START undoes it."""

import copy
import json

import pytest
import responses

from brands.services import webhook_secret_set
from orders.models import ConsentRecord, Customer
from orders.services import consent_record
from tests import factories
from tests.notifications.test_delivery import MESSAGES_URL, SID, TOKEN, sign, twilio_message
from tests.orders.test_api_orders import ORDER
from tests.tracking.payloads import dump, load_json
from tests.tracking.test_webhooks import base64_hmac

SHOPIFY_SECRET = "shpss_consent_secret"
SHOP_PHONE = "+40721234567"  # the fixture order's "0721 234 567", read in Romania
BRAND_NUMBER = "+40212345678"
INBOUND = "/webhooks/twilio/inbound/"


@pytest.fixture(autouse=True)
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
        yield mock


@pytest.fixture
def shop(brand):
    brand.sms_from_number = BRAND_NUMBER
    brand.save()
    webhook_secret_set(brand=brand, provider="shopify", secret=SHOPIFY_SECRET)
    return brand


def shopify_order(updated_at: str = "2026-11-01T18:22:40+02:00") -> dict:
    """Shopify's order payload with the shopper subscribed to SMS marketing at checkout."""
    payload = load_json("shopify", "orders_create")
    payload["updated_at"] = updated_at
    payload["customer"]["sms_marketing_consent"] = {
        "state": "subscribed",
        "opt_in_level": "single_opt_in",
        "consent_updated_at": "2026-11-01T18:20:00+02:00",
        "consent_collected_from": "SHOPIFY",
    }
    return payload


def post_shopify(client, brand, topic: str, payload: dict, webhook_id: str, capture) -> None:
    body = dump(payload)
    with capture(execute=True):
        response = client.post(
            f"/webhooks/shopify/{brand.slug}/",
            data=body,
            content_type="application/json",
            HTTP_X_SHOPIFY_TOPIC=topic,
            HTTP_X_SHOPIFY_WEBHOOK_ID=webhook_id,
            HTTP_X_SHOPIFY_SHOP_DOMAIN="casa-verde.myshopify.com",
            HTTP_X_SHOPIFY_HMAC_SHA256=base64_hmac(body, SHOPIFY_SECRET),
        )
    assert response.status_code == 202, response.content


def reply(client, word: str, from_number: str = SHOP_PHONE) -> None:
    params = {"From": from_number, "To": BRAND_NUMBER, "Body": word, "AccountSid": SID}
    response = client.post(INBOUND, params, HTTP_X_TWILIO_SIGNATURE=sign(INBOUND, params))
    assert response.status_code == 200


def shopper(brand) -> Customer:
    return Customer.objects.get(brand=brand, phone=SHOP_PHONE)


def test_stop_survives_the_next_shopify_orders_updated_and_start_restores(
    client, shop, django_capture_on_commit_callbacks
):
    post_shopify(
        client, shop, "orders/create", shopify_order(), "w-create", django_capture_on_commit_callbacks
    )
    assert shopper(shop).sms_consent

    reply(client, "STOP")
    assert not shopper(shop).sms_consent

    # The routine update Shopify sends when anything about the order changes, still "subscribed".
    later = shopify_order(updated_at="2026-11-02T09:00:00+02:00")
    post_shopify(client, shop, "orders/updated", later, "w-update", django_capture_on_commit_callbacks)
    customer = shopper(shop)
    assert not customer.sms_consent

    reply(client, "START")
    assert shopper(shop).sms_consent
    assert list(
        ConsentRecord.objects.filter(customer=customer, channel="sms")
        .order_by("occurred_at", "id")
        .values_list("source", "granted", "applied")
    ) == [
        ("store", True, True),
        ("sms_reply", False, True),
        ("sms_reply", True, True),  # the store saying "subscribed" again was not news
    ]


def test_a_store_that_says_subscribed_anew_after_stop_is_recorded_and_outranked(brand):
    customer = factories.CustomerFactory(brand=brand, sms_consent=False)
    consent_record(customer_id=customer.id, channel="sms", granted=False, source="store")
    consent_record(customer_id=customer.id, channel="sms", granted=False, source="sms_reply")
    outcome = consent_record(customer_id=customer.id, channel="sms", granted=True, source="store")
    assert (outcome.granted, outcome.applied) == (False, False)
    said = ConsentRecord.objects.filter(customer=customer, source="store").first()
    assert said is not None
    assert (said.granted, said.applied) == (True, False)


def test_stop_survives_an_api_upsert_that_says_sms_consent_true(client, shop, api):
    assert api.post(
        "/api/v1/orders/", data=json.dumps(ORDER), content_type="application/json"
    ).status_code in (
        200,
        201,
    )
    assert shopper(shop).sms_consent
    reply(client, "stop")
    again = copy.deepcopy(ORDER)
    again["shipping_total"] = "12.00"
    assert api.post(
        "/api/v1/orders/", data=json.dumps(again), content_type="application/json"
    ).status_code in (
        200,
        201,
    )
    assert not shopper(shop).sms_consent
    reply(client, "Start")
    assert shopper(shop).sms_consent


def test_merchant_edit_in_the_admin_cannot_restore_a_withdrawal(client, admin_client, shop):
    customer = factories.CustomerFactory(brand=shop, phone=SHOP_PHONE, email="ioana.pop@example.ro")
    reply(client, "STOP")
    customer.refresh_from_db()
    assert not customer.sms_consent
    url = f"/admin/orders/customer/{customer.id}/change/"
    form = {
        "brand": shop.id,
        "external_id": "",
        "email": customer.email,
        "phone": customer.phone,
        "first_name": "Ioana",
        "last_name": "Popescu",
        "locale": "ro",
        "birthday": "",
        "marketing_consent": "on",
        "sms_consent": "on",
        "consent_records-TOTAL_FORMS": "0",
        "consent_records-INITIAL_FORMS": "0",
        "consent_records-MIN_NUM_FORMS": "0",
        "consent_records-MAX_NUM_FORMS": "0",
    }
    response = admin_client.post(url, form, follow=True)
    assert response.status_code == 200
    assert "only the shopper can opt in again" in response.content.decode()
    customer.refresh_from_db()
    assert not customer.sms_consent
    assert customer.first_name == "Ioana"  # the rest of the edit is saved
    merchant = ConsentRecord.objects.get(customer=customer, source="merchant")
    assert (merchant.granted, merchant.applied) == (True, False)
    page = admin_client.get(url).content.decode()
    assert "consent history" in page.lower()
    assert "SMS reply (STOP/START)" in page


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        # (source, granted) in the order they arrive → the flag after the last one
        ([("store", True)], True),
        ([("store", True), ("sms_reply", False), ("store", True)], False),
        ([("store", True), ("sms_reply", False), ("merchant", True)], False),
        ([("store", True), ("unsubscribe", False), ("import", True)], False),
        ([("sms_reply", False), ("shopper_form", True)], True),
        ([("sms_reply", False), ("sms_reply", True), ("store", False)], False),
        ([("shopper_form", True), ("merchant", False)], False),
        ([("merchant", False), ("store", True)], True),
        ([("shopper_form", False), ("store", True), ("merchant", True)], False),
    ],
)
def test_precedence_rule(brand, statements, expected):
    customer = factories.CustomerFactory(brand=brand, sms_consent=False)
    for source, granted in statements:
        consent_record(customer_id=customer.id, channel="sms", granted=granted, source=source)
    customer.refresh_from_db()
    assert customer.sms_consent is expected


def test_a_store_repeating_itself_writes_one_record(brand):
    customer = factories.CustomerFactory(brand=brand, sms_consent=False, marketing_consent=False)
    for _ in range(3):
        consent_record(customer_id=customer.id, channel="email", granted=True, source="store")
    assert ConsentRecord.objects.filter(customer=customer, channel="email").count() == 1
    customer.refresh_from_db()
    assert customer.marketing_consent


@pytest.mark.parametrize("role", ["owner", "returns_manager", "support_agent"])
def test_brand_staff_see_the_consent_history_on_the_customer_page(client, shop, staff_of, role):
    customer = factories.CustomerFactory(brand=shop, phone=SHOP_PHONE, email="ioana.pop@example.ro")
    reply(client, "STOP")
    client.force_login(staff_of(shop, role))

    html = client.get(f"/admin/orders/customer/{customer.id}/change/").content.decode()

    assert "consent history" in html.lower()
    assert "STOP" in html or "stop" in html  # the shopper's withdrawal, with its source
