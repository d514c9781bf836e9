"""The returns API: list, retrieve, drive the lifecycle; brand-scoped; bad input is a clear 4xx."""

from datetime import UTC, datetime
from typing import Any

import pytest

from returns import services
from returns.models import Return, ReturnEvent
from returns.statuses import ReturnStatus
from tests.returns.conftest import lines_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]


@pytest.fixture
def ret(make_order: Any, reasons: Any, brand: Any) -> Return:
    order = make_order(("home", 2, "30.00"))
    return services.return_request(
        brand=brand,
        order_id=order.id,
        lines=lines_of(order, 2),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )


def status(api: Any, rma: str, **body: Any) -> Any:
    return api.post(f"/api/v1/returns/{rma}/status/", body, content_type="application/json")


def test_list_and_retrieve(api, ret, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        listing = api.get("/api/v1/returns/?status=approved")
    detail = api.get(f"/api/v1/returns/{ret.rma}/")

    assert listing.status_code == 200
    assert [r["rma"] for r in listing.json()["results"]] == [ret.rma]
    assert detail.json()["amount"] == "60.00"
    assert detail.json()["lines"][0]["quantity"] == 2
    assert detail.json()["portal_url"].endswith(f"/returns/r/{ret.token}/")


def test_a_warehouse_drives_the_return_to_refunded(api, ret):
    assert status(api, ret.rma, status="received").status_code == 200
    response = status(api, ret.rma, status="refunded", amount="55.00", note="scuffed box")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["amount_issued"]) == ("refunded", "55.00")
    assert ReturnEvent.objects.filter(return_request=ret).last().actor_label == "api:casa-verde"


def test_an_illegal_jump_is_a_conflict(api, ret):
    status(api, ret.rma, status="received")
    status(api, ret.rma, status="refunded")

    response = status(api, ret.rma, status="requested")

    assert response.status_code == 409
    assert "cannot go from refunded to requested" in response.json()["status"][0]
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.REFUNDED


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"status": "teleported"}, 400),
        ({}, 400),
        ({"status": "received", "amount": "12.00"}, 409),  # amounts only when resolving
        ({"status": "refunded", "amount": "-1"}, 400),
        ({"status": "approved", "note": "x" * 600}, 400),
    ],
)
def test_bad_status_bodies(api, ret, body, code):
    response = status(api, ret.rma, **body)

    assert response.status_code == code
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.APPROVED


def test_malformed_and_oversized_bodies(api, ret, settings):
    settings.API_MAX_BODY_BYTES = 100
    malformed = api.post(f"/api/v1/returns/{ret.rma}/status/", "{not json", content_type="application/json")
    oversized = status(api, ret.rma, status="received", note="x" * 200)

    assert malformed.status_code == 400
    assert oversized.status_code == 413
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.APPROVED


def test_another_brands_key_sees_and_moves_nothing(client, ret, other_brand):
    from brands.services import api_key_create

    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_create(brand=other_brand).raw_key}"

    assert client.get("/api/v1/returns/").json()["results"] == []
    assert client.get(f"/api/v1/returns/{ret.rma}/").status_code == 404
    assert status(client, ret.rma, status="received").status_code == 404
    ret.refresh_from_db()
    assert ret.status == ReturnStatus.APPROVED


def test_no_key_no_access(client, ret):
    assert client.get("/api/v1/returns/").status_code in (401, 403)
    assert status(client, ret.rma, status="received").status_code in (401, 403)


def test_attach_the_return_parcel(api, ret):
    response = api.post(
        f"/api/v1/returns/{ret.rma}/shipment/",
        {"carrier": "DPD", "tracking_number": "RET9"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert response.json()["return_shipment"] == {
        "carrier_code": "dpd",
        "tracking_number": "RET9",
        "status": "pending",
    }


def test_the_schema_documents_the_returns_api(client):
    schema = client.get("/api/schema/").content.decode()

    assert "/api/v1/returns/{rma}/status/" in schema
