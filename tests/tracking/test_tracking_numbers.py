"""A parcel is one parcel however its number is spelled: by the store, the carrier, the API or an admin."""

import copy

import pytest

from brands.services import api_key_create, webhook_secret_set
from tests.tracking.payloads import load_json
from tests.tracking.senders import api_post, post_webhook
from tracking import services
from tracking.models import InboundWebhook, Shipment, TrackingEvent
from tracking.numbers import tracking_number_key
from tracking.statuses import ShipmentStatus as S

EASYPOST_SECRET = "ep-numbers-secret"
SHOPIFY_SECRET = "shpss_numbers"
CARRIER_FORM = "1Z4F82E30391846127"  # tracking_code in the recorded EasyPost tracker


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("1Z4F82E30391846127", "1Z4F82E30391846127"),
        ("1z 4f82-e303 9184 6127", "1Z4F82E30391846127"),
        (" 1z4f82e30391846127 ", "1Z4F82E30391846127"),
        ("1Z.4F82/E303\t91846127", "1Z4F82E30391846127"),
        ("RR123456785RO", "RR123456785RO"),
        ("", ""),
    ],
)
def test_key(raw, key):
    assert tracking_number_key(raw) == key


@pytest.mark.parametrize(
    "spelling", ["1z 999-aa1", "1Z999AA1", "1z.999/aa1", "1z\t999 aa1", "ab-cd ef.gh/ij", "Ñ-12 ab"]
)
def test_the_database_computes_the_same_key(brand, order, spelling):
    # A raw save, as the admin or a migration would do it: the generated column still follows.
    shipment = Shipment.objects.create(brand=brand, order=order, carrier_code="ups", tracking_number=spelling)
    shipment.refresh_from_db()
    assert shipment.tracking_key == tracking_number_key(spelling)


def test_two_spellings_are_one_shipment(brand, order):
    first, created = services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", tracking_number="1z 999-aa1"
    )
    again, created_again = services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", tracking_number="1Z999AA1"
    )
    assert (created, created_again, again.id) == (True, False, first.id)
    assert Shipment.objects.count() == 1


def tracker_event() -> dict:
    return load_json("easypost", "tracker_updated_in_transit")


def test_store_spelling_matches_the_carriers(client, brand):
    webhook_secret_set(brand=brand, provider="shopify", secret=SHOPIFY_SECRET)
    webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
    order = load_json("shopify", "orders_create")
    fulfillment = copy.deepcopy(load_json("shopify", "fulfillments_create"))
    fulfillment |= {
        "tracking_company": "UPS",
        "tracking_number": "1z 4f82-e303 9184 6127",
        "tracking_numbers": ["1z 4f82-e303 9184 6127"],
    }
    shopify = {"secret": SHOPIFY_SECRET}
    response = post_webhook(client, brand, "shopify", order, topic="orders/create", webhook_id="o", **shopify)
    assert response.status_code == 202
    response = post_webhook(
        client, brand, "shopify", fulfillment, topic="fulfillments/create", webhook_id="f", **shopify
    )
    assert response.status_code == 202, response.content

    response = post_webhook(client, brand, "easypost", tracker_event(), secret=EASYPOST_SECRET)

    assert response.status_code == 202, response.content
    shipment = Shipment.objects.get()
    assert shipment.status == S.IN_TRANSIT
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3
    # Shoppers see the carrier's spelling from now on.
    assert shipment.tracking_number == CARRIER_FORM
    assert InboundWebhook.objects.get(provider="easypost").result == "processed"


def test_api_shipment_in_another_spelling_takes_in_the_waiting_call(client, brand, order):
    webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
    response = post_webhook(client, brand, "easypost", tracker_event(), secret=EASYPOST_SECRET)
    assert response.status_code == 202
    key = api_key_create(brand=brand).raw_key

    created = api_post(
        client,
        key,
        "/api/v1/shipments/",
        {"order_id": order.id, "carrier": "UPS", "tracking_number": "1z4f82 e303-9184-6127"},
    )

    assert created.status_code == 201, created.content
    assert created.json()["status"] == S.IN_TRANSIT
    assert InboundWebhook.objects.get().result == "processed"
    listed = client.get(
        "/api/v1/shipments/", {"tracking_number": "1Z4F82-E303-9184-6127"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert [row["id"] for row in listed.json()["results"]] == [created.json()["id"]]


def test_a_return_shipment_takes_in_the_waiting_call(client, brand, order):
    webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
    assert post_webhook(client, brand, "easypost", tracker_event(), secret=EASYPOST_SECRET).status_code == 202
    services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", tracking_number="1z4f82e30391846127", source="returns"
    )
    assert InboundWebhook.objects.get().result == "processed"
    assert Shipment.objects.get().status == S.IN_TRANSIT


def _change_form_data(response, **changes):
    """The admin change form as the browser would post it, with `changes` applied."""
    data = {}
    adminform = response.context["adminform"].form
    for name, field in adminform.fields.items():
        value = adminform.initial.get(name, field.initial)
        data[name] = "" if value is None else value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = value
        for index, form in enumerate(formset.forms):
            if form.instance.pk:
                data[f"{formset.prefix}-{index}-id"] = form.instance.pk
                data[f"{formset.prefix}-{index}-shipment"] = form.instance.shipment_id
    data.update(changes)
    return data


def test_admin_correction_of_the_number_takes_in_the_waiting_call(admin_client, client, brand, order):
    webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
    shipment, _ = services.shipment_upsert(
        brand=brand,
        order=order,
        carrier_code="ups",
        tracking_number="1Z4F82E3039184612",  # a digit short
    )
    assert post_webhook(client, brand, "easypost", tracker_event(), secret=EASYPOST_SECRET).status_code == 202
    url = f"/admin/tracking/shipment/{shipment.id}/change/"

    response = admin_client.post(
        url, _change_form_data(admin_client.get(url), tracking_number="1z4f82e3 0391846127")
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    shipment.refresh_from_db()
    assert shipment.status == S.IN_TRANSIT
    assert InboundWebhook.objects.get().result == "processed"


def test_admin_search_finds_another_spelling(admin_client, brand, order):
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", tracking_number="1Z4F82E30391846127"
    )
    response = admin_client.get("/admin/tracking/shipment/", {"q": "1z4f82-e303-9184-6127"})
    assert response.status_code == 200
    assert [row.id for row in response.context["cl"].result_list] == [shipment.id]
