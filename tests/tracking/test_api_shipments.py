"""The generic shipments API: create, append events, list; bad input writes nothing."""

import json

import pytest

from tests import factories
from tracking.models import Shipment, TrackingEvent


def post(client, url, body):
    return client.post(url, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def created(api, order):
    response = post(
        api, "/api/v1/shipments/", {"order_id": order.id, "carrier": "Fan Courier", "tracking_number": "FC1"}
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_create_is_idempotent_and_links_the_page(api, order, created):
    assert created["carrier_code"] == "fan-courier"
    assert created["status"] == "pending"
    assert created["tracking_url"].endswith(f"/{order.brand.slug}/track/{Shipment.objects.get().token}/")
    again = post(
        api,
        "/api/v1/shipments/",
        {"order_external_id": order.external_id, "carrier": "Fan Courier", "tracking_number": "FC1"},
    )
    assert again.status_code == 200
    assert Shipment.objects.count() == 1


def test_events_in_any_order(api, created):
    url = f"/api/v1/shipments/{created['id']}/events/"
    late = {"status": "delivered", "occurred_at": "2026-11-05T10:00:00+02:00", "location": "Cluj"}
    early = {"status": "in_transit", "occurred_at": "2026-11-04T10:00:00Z"}
    assert post(api, url, {"events": [late]}).status_code == 200
    response = post(api, url, {"events": [early, late]})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "delivered"
    assert [e["status"] for e in body["events"]] == ["delivered", "in_transit"]
    assert TrackingEvent.objects.count() == 2


@pytest.mark.parametrize(
    "body",
    [
        {"events": []},
        {"events": [{"status": "teleported", "occurred_at": "2026-11-04T10:00:00Z"}]},
        {"events": [{"status": "delivered", "occurred_at": "yesterday"}]},
        {"events": [{"status": "delivered"}]},
        {"events": "delivered"},
        [],
    ],
)
def test_bad_events_write_nothing(api, created, body):
    response = post(api, f"/api/v1/shipments/{created['id']}/events/", body)
    assert response.status_code == 400
    assert response.json()
    assert not TrackingEvent.objects.exists()


def test_malformed_json(api, created):
    response = api.post(
        f"/api/v1/shipments/{created['id']}/events/", data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert not TrackingEvent.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"carrier": "DPD", "tracking_number": "X"},
        {"order_id": 999999, "carrier": "DPD", "tracking_number": "X"},
        {"order_id": "ORDER", "carrier": "DPD", "tracking_number": "X"},
        {"order_id": 0, "carrier": "!!!", "tracking_number": "X"},
        {"order_id": 0, "carrier": "DPD", "tracking_number": ""},
        {
            "order_id": 0,
            "carrier": "DPD",
            "tracking_number": "X",
            "lines": [{"order_line_id": 0, "quantity": 1}],
        },
        {
            "order_id": 0,
            "carrier": "DPD",
            "tracking_number": "X",
            "lines": [{"order_line_id": 0, "quantity": -1}],
        },
    ],
)
def test_bad_shipments_write_nothing(api, order, body):
    if body.get("order_id") == 0:
        body["order_id"] = order.id
    response = post(api, "/api/v1/shipments/", body)
    assert response.status_code == 400, response.content
    assert not Shipment.objects.exists()


def test_quantity_above_ordered(api, order):
    line = order.lines.first()
    body = {
        "order_id": order.id,
        "carrier": "DPD",
        "tracking_number": "X",
        "lines": [{"order_line_id": line.id, "quantity": 99}],
    }
    assert post(api, "/api/v1/shipments/", body).status_code == 400
    assert not Shipment.objects.exists()


def test_other_brands_order_and_shipment_are_invisible(api, other_brand):
    foreign_order = factories.OrderFactory(brand=other_brand)
    assert (
        post(
            api,
            "/api/v1/shipments/",
            {"order_id": foreign_order.id, "carrier": "DPD", "tracking_number": "X"},
        ).status_code
        == 400
    )
    foreign = Shipment.objects.create(
        brand=other_brand, order=foreign_order, carrier_code="dpd", tracking_number="F1"
    )
    assert api.get(f"/api/v1/shipments/{foreign.id}/").status_code == 404
    events = {"events": [{"status": "delivered", "occurred_at": "2026-11-04T10:00:00Z"}]}
    assert post(api, f"/api/v1/shipments/{foreign.id}/events/", events).status_code == 404
    assert api.get("/api/v1/shipments/").json()["count"] == 0
    assert not TrackingEvent.objects.exists()


def test_no_key(client, created):
    assert client.get("/api/v1/shipments/", HTTP_AUTHORIZATION="").status_code == 401


def test_list_queries_do_not_grow(api, brand, django_assert_max_num_queries):
    for index in range(8):
        order = factories.OrderFactory(brand=brand)
        factories.OrderLineFactory(order=order)
        shipment = Shipment.objects.create(
            brand=brand, order=order, carrier_code="dpd", tracking_number=f"L{index}"
        )
        post(
            api,
            f"/api/v1/shipments/{shipment.id}/events/",
            {"events": [{"status": "in_transit", "occurred_at": "2026-11-04T10:00:00Z"}]},
        )
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/shipments/?status=in_transit")
    assert response.json()["count"] == 8
    assert api.get("/api/v1/shipments/?status=bogus").status_code == 400
