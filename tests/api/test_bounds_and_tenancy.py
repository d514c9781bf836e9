"""The API's limits: bounded pages, one error shape, JSON everywhere under /api/, one brand per key."""

import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from brands.services import api_key_create
from common.api import MAX_PAGE_LIMIT, BrandKeyThrottle
from loyalty import codes
from loyalty.models import DiscountCode
from orders.models import Order
from returns import services as returns_services
from returns.models import Return, ReturnEvent
from tests.returns.conftest import lines_of
from tracking.models import Shipment, TrackingEvent

pytestmark = pytest.mark.django_db

LISTS = ["/api/v1/orders/", "/api/v1/shipments/", "/api/v1/returns/"]


def post(client: Any, url: str, body: Any, **extra: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **extra)


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str)
    assert body["detail"]
    return body


# --- pagination -----------------------------------------------------------------------------------


def test_a_huge_limit_is_reduced_to_the_maximum(api: Any, brand: Any, order: Any) -> None:
    Shipment.objects.bulk_create(
        Shipment(brand=brand, order=order, carrier_code="dpd", tracking_number=f"N{index}")
        for index in range(MAX_PAGE_LIMIT + 1)
    )
    for limit in ("100000", str(10**30)):
        page = api.get("/api/v1/shipments/", {"limit": limit})
        assert page.status_code == 200
        assert page.json()["count"] == MAX_PAGE_LIMIT + 1
        assert len(page.json()["results"]) == MAX_PAGE_LIMIT
        assert f"limit={MAX_PAGE_LIMIT}" in page.json()["next"]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"limit": "1e3"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"offset": "abc"}, "offset"),
        ({"offset": str(10**30)}, "offset"),
        ({"offset": "9" * 2000}, "offset"),
    ],
)
def test_garbage_pagination_is_a_400_with_the_field(
    api: Any, order: Any, url: str, params: dict[str, str], field: str
) -> None:
    body = assert_error(api.get(url, params), 400, "invalid")
    assert body[field]
    assert body["detail"].startswith(f"{field}: ")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/shipments/?tracking_number=%00",
        "/api/v1/shipments/?order_id=%C2%B2",
        "/api/v1/shipments/?order_id=-3",
        "/api/v1/shipments/?status=teleported",
        "/api/v1/orders/?number=%00",
        "/api/v1/returns/?status=%00",
    ],
)
def test_garbage_filters_are_a_400(api: Any, url: str) -> None:
    assert_error(api.get(url), 400, "invalid")


# --- one error shape, JSON under /api/ ------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/abc/",
        "/api/v1/orders/-1/",
        f"/api/v1/orders/{10**30}/",
        "/api/v1/shipments/0/",
        "/api/v1/returns/%00/",
        f"/api/v1/returns/{'R' * 21}/",
        "/api/v1/discount-codes/%00/",
        "/api/v1/nothing-here/",
        "/api/v2/orders/",
    ],
)
def test_unknown_addresses_are_a_json_404(api: Any, url: str) -> None:
    assert_error(api.get(url), 404, "not_found")


def test_a_post_to_an_unknown_api_address_is_a_json_404_not_a_csrf_page(api: Any) -> None:
    assert_error(post(api, "/api/v1/shipments/null,null/events/", {"events": []}), 404, "not_found")


def test_no_key_is_a_401_with_the_scheme(client: Any, brand: Any) -> None:
    response = client.get("/api/v1/orders/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert_error(
        client.get("/api/v1/orders/", HTTP_AUTHORIZATION="Bearer pp_x_y"), 401, "authentication_failed"
    )


def test_field_errors_sit_beside_detail_and_code(api: Any) -> None:
    body = assert_error(post(api, "/api/v1/orders/", {"lines": []}), 400, "invalid")
    assert body["lines"]
    assert body["customer"] == ["This field is required."]


def test_too_many_calls_with_one_key_are_a_429_with_retry_after(
    api: Any, client: Any, other_brand: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(BrandKeyThrottle, "rate", "2/min", raising=False)
    assert api.get("/api/v1/orders/").status_code == 200
    assert api.get("/api/v1/orders/").status_code == 200
    response = api.get("/api/v1/orders/")
    assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    other_key = api_key_create(brand=other_brand).raw_key
    assert client.get("/api/v1/orders/", HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 200


# --- bodies ---------------------------------------------------------------------------------------

WRITES = [
    "/api/v1/orders/",
    "/api/v1/shipments/",
    "/api/v1/shipments/{shipment}/events/",
    "/api/v1/returns/{rma}/status/",
    "/api/v1/returns/{rma}/shipment/",
    "/api/v1/discount-codes/{code}/redeem/",
]


@pytest.fixture
def objects(brand: Any, order: Any, make_order: Any, reasons: Any, policy_rules: None) -> dict[str, Any]:
    """One shipment, return and discount code of the brand, to aim writes at."""
    shipment = Shipment.objects.create(brand=brand, order=order, carrier_code="dpd", tracking_number="W1")
    delivered = make_order(("home", 1, "30.00"))
    ret = returns_services.return_request(
        brand=brand,
        order_id=delivered.id,
        lines=lines_of(delivered, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )
    code = codes.discount_code_issue(brand_id=brand.id, customer_id=None, purpose="points", value=Decimal(10))
    return {"shipment": shipment.id, "rma": ret.rma, "code": code.code}


def snapshot() -> tuple[int, ...]:
    return (
        Order.objects.count(),
        Shipment.objects.count(),
        TrackingEvent.objects.count(),
        ReturnEvent.objects.count(),
        DiscountCode.objects.filter(redeemed_at__isnull=False).count(),
    )


@pytest.mark.parametrize("template", WRITES)
@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "parse_error"),
        (b"[1, 2]", "application/json", 400, "invalid"),
        (b'"text"', "application/json", 400, "invalid"),
        (b"status=delivered", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        (
            b'{"pad": "' + b"x" * (settings.API_MAX_BODY_BYTES + 1) + b'"}',
            "application/json",
            413,
            "payload_too_large",
        ),
    ],
)
def test_malformed_or_oversized_bodies_are_refused_and_write_nothing(
    api: Any, objects: dict[str, Any], template: str, body: bytes, content_type: str, status: int, code: str
) -> None:
    before = snapshot()
    response = api.post(template.format(**objects), data=body, content_type=content_type)
    assert_error(response, status, code)
    assert snapshot() == before


@pytest.mark.parametrize("declared", ["²", "12a", "-1", "1e9"])
def test_a_content_length_that_is_no_number_is_not_a_server_error(
    api: Any, objects: dict[str, Any], declared: str
) -> None:
    before = snapshot()
    response = api.post(
        "/api/v1/shipments/", data=b"[1]", content_type="application/json", CONTENT_LENGTH=declared
    )
    assert 400 <= response.status_code < 500
    assert snapshot() == before


# --- tenancy --------------------------------------------------------------------------------------


def test_a_key_of_another_brand_reads_and_changes_nothing(
    client: Any, brand: Any, other_brand: Any, order: Any, objects: dict[str, Any]
) -> None:
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_create(brand=other_brand).raw_key}"
    before = snapshot()
    ret = Return.objects.get(rma=objects["rma"])
    reads = [
        f"/api/v1/orders/{order.id}/",
        f"/api/v1/shipments/{objects['shipment']}/",
        f"/api/v1/returns/{objects['rma']}/",
        f"/api/v1/discount-codes/{objects['code']}/",
    ]
    for url in reads:
        assert_error(client.get(url), 404, "not_found")
    writes = {
        f"/api/v1/shipments/{objects['shipment']}/events/": {
            "events": [{"status": "delivered", "occurred_at": "2026-11-04T10:00:00Z"}]
        },
        f"/api/v1/returns/{objects['rma']}/status/": {"status": "received"},
        f"/api/v1/returns/{objects['rma']}/shipment/": {"carrier": "DPD", "tracking_number": "BACK1"},
        f"/api/v1/discount-codes/{objects['code']}/redeem/": {"order_id": "x"},
    }
    for url, body in writes.items():
        assert_error(post(client, url, body), 404, "not_found")
    for url in LISTS:
        assert client.get(url).json()["count"] == 0
    assert snapshot() == before
    assert Return.objects.get(id=ret.id).status == ret.status
    assert not Shipment.objects.filter(tracking_number="BACK1").exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({}, "lines"),
        ({"subtotal": "9999999999.99", "shipping_total": "1.00"}, "total"),
    ],
)
def test_sums_that_overflow_the_money_columns_are_a_400(api: Any, extra: dict[str, str], field: str) -> None:
    body = {
        "external_id": "big-1",
        "number": "B1",
        "placed_at": "2026-11-01T10:00:00Z",
        "currency": "RON",
        "customer": {"email": "ioana@example.com"},
        "lines": [{"sku": "GOLD", "title": "Gold bar", "quantity": 2, "unit_price": "9999999999.00"}],
        **extra,
    }
    response = post(api, "/api/v1/orders/", body)
    assert assert_error(response, 400, "invalid")[field]
    assert not Order.objects.exists()
