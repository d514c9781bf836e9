"""`/api/v1/orders/`: idempotent upsert, list, retrieve, and bad input that writes nothing."""

import copy
import json
import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection

from brands.services import api_key_create, api_key_revoke
from orders.models import Customer, Order, OrderLine, Product
from tests import factories

URL = "/api/v1/orders/"

ORDER = {
    "external_id": "shop-5001",
    "number": "5001",
    "placed_at": "2026-11-03T09:30:00+02:00",
    "currency": "RON",
    "locale": "ro",
    "customer": {
        "external_id": "cust-77",
        "email": "Ioana.Popescu@Example.com",
        "phone": "0721 234 567",
        "first_name": "Ioana",
        "last_name": "Popescu",
        "sms_consent": True,
    },
    "shipping_address": {
        "name": "Ioana Popescu",
        "line1": "Str. Lalelelor 3",
        "city": "Cluj-Napoca",
        "postal_code": "400001",
        "country": "RO",
    },
    "lines": [
        {
            "external_id": "l1",
            "sku": "PHN-01",
            "title": "Aurora phone",
            "quantity": 1,
            "unit_price": "499.00",
            "category": "phones",
        },
        {
            "external_id": "l2",
            "sku": "CASE-01",
            "title": "Leather case",
            "quantity": 2,
            "unit_price": "29.00",
        },
    ],
    "shipping_total": "9.90",
}


def payload(**changes):
    body = copy.deepcopy(ORDER)
    body.update(changes)
    return body


def post(client, body, **extra):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **extra)


def written() -> tuple[int, int, int, int]:
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        Customer.objects.count(),
        Product.objects.count(),
    )


def test_create_then_same_external_id_updates_one_row(api, brand):
    created = post(api, payload())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == "5001"
    assert body["customer"]["email"] == "ioana.popescu@example.com"
    assert body["customer"]["phone"] == "+40721234567"
    assert [line["sku"] for line in body["lines"]] == ["PHN-01", "CASE-01"]
    assert Decimal(body["subtotal"]) == Decimal("557.00")
    assert Decimal(body["total"]) == Decimal("566.90")
    order = Order.objects.get()
    assert body["tracking_url"] == f"http://127.0.0.1:8000/{brand.slug}/track/{order.tracking_token}/"

    changed = payload(
        number="5001",
        lines=[
            {
                "external_id": "l1",
                "sku": "PHN-01",
                "title": "Aurora phone",
                "quantity": 2,
                "unit_price": "479.00",
            },
            {"external_id": "l3", "sku": "MUG-01", "title": "Mug", "quantity": 1, "unit_price": "14.50"},
        ],
    )
    updated = post(api, changed)
    assert updated.status_code == 200, updated.content
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    lines = {line.external_id: (line.quantity, line.unit_price) for line in OrderLine.objects.all()}
    assert lines == {"l1": (2, Decimal("479.00")), "l3": (1, Decimal("14.50"))}
    assert updated.json()["id"] == body["id"]
    assert updated.json()["tracking_url"] == body["tracking_url"]


def test_lines_without_store_ids_are_not_duplicated_on_resend(api):
    lines = [
        {"sku": "TEE-M", "title": "Tee", "quantity": 1, "unit_price": "25.00"},
        {"sku": "TEE-M", "title": "Tee", "quantity": 1, "unit_price": "25.00"},
    ]
    assert post(api, payload(lines=lines)).status_code == 201
    assert post(api, payload(lines=lines)).status_code == 200
    assert OrderLine.objects.count() == 2


def test_tracking_url_is_absolute_and_follows_site_url(api, order, settings):
    settings.SITE_URL = "https://track.example.com"
    body = api.get(f"{URL}{order.id}/").json()
    assert (
        body["tracking_url"] == f"https://track.example.com/{order.brand.slug}/track/{order.tracking_token}/"
    )


def test_retrieve(api, order):
    response = api.get(f"{URL}{order.id}/")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == order.id
    assert body["number"] == "1001"
    assert len(body["lines"]) == 2
    assert body["shipping_address"]["country"] == "RO"


def test_list_paginates_and_filters(api, brand, customer):
    for day in range(1, 6):
        factories.OrderFactory(
            brand=brand,
            customer=customer,
            number=f"70{day}",
            placed_at=datetime(2026, 11, day, 12, tzinfo=UTC),
        )
    other = factories.CustomerFactory(brand=brand, email="avery@example.com")
    factories.OrderFactory(
        brand=brand, customer=other, number="800", placed_at=datetime(2026, 10, 1, tzinfo=UTC)
    )
    factories.OrderFactory(number="900")  # another brand's order never shows

    page = api.get(URL, {"limit": 2}).json()
    assert page["count"] == 6
    assert [o["number"] for o in page["results"]] == ["705", "704"]
    assert page["next"] is not None
    second = api.get(URL, {"limit": 2, "offset": 2}).json()
    assert [o["number"] for o in second["results"]] == ["703", "702"]

    assert [o["number"] for o in api.get(URL, {"number": "703"}).json()["results"]] == ["703"]
    assert [o["number"] for o in api.get(URL, {"email": "AVERY@example.com"}).json()["results"]] == ["800"]
    window = api.get(URL, {"placed_after": "2026-11-02T00:00:00Z", "placed_before": "2026-11-04T00:00:00Z"})
    assert [o["number"] for o in window.json()["results"]] == ["703", "702"]
    assert api.get(URL, {"limit": 10_000}).json()["count"] == 6


def test_list_rejects_bad_filters(api):
    response = api.get(URL, {"placed_after": "last tuesday"})
    assert response.status_code == 400
    assert "placed_after" in response.json()


def test_list_query_count_is_constant(api, brand, customer, django_assert_max_num_queries):
    def make(count: int) -> None:
        for _ in range(count):
            order = factories.OrderFactory(brand=brand, customer=customer)
            factories.OrderLineFactory.create_batch(3, order=order)

    make(2)
    with django_assert_max_num_queries(6):
        assert len(api.get(URL).json()["results"]) == 2
    make(30)
    with django_assert_max_num_queries(6):
        assert len(api.get(URL).json()["results"]) == 32


# --- authentication -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer pp_nope_nope", "Token abc", "Bearer a b", "Bearer pp_\xe9_x"],
)
def test_missing_or_invalid_key_is_401_json(client, brand, header):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = post(client, payload(), **extra)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert client.get(URL, **extra).status_code == 401
    assert written() == (0, 0, 0, 0)


def test_revoked_key_is_401(client, brand):
    issued = api_key_create(brand=brand)
    api_key_revoke(api_key_id=issued.api_key_id)
    response = post(client, payload(), HTTP_AUTHORIZATION=f"Bearer {issued.raw_key}")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert written() == (0, 0, 0, 0)


def test_key_with_a_wrong_secret_part_is_401(client, brand):
    issued = api_key_create(brand=brand)
    forged = issued.raw_key[:-4] + "AAAA"
    assert client.get(URL, HTTP_AUTHORIZATION=f"Bearer {forged}").status_code == 401


# --- tenancy -------------------------------------------------------------------------------------


def test_another_brands_order_is_404(api, other_brand):
    theirs = factories.OrderFactory(brand=other_brand, external_id="shop-5001", number="5001")
    response = api.get(f"{URL}{theirs.id}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert api.get(URL).json()["count"] == 0


def test_same_external_id_at_another_brand_is_a_separate_order(api, other_brand):
    theirs = factories.OrderFactory(brand=other_brand, external_id="shop-5001", number="5001")
    assert post(api, payload()).status_code == 201
    theirs.refresh_from_db()
    assert theirs.number == "5001"
    assert Order.objects.count() == 2
    assert OrderLine.objects.filter(order=theirs).count() == 0


# --- bad input -----------------------------------------------------------------------------------


def without(key):
    body = payload()
    del body[key]
    return body


def with_customer(**changes):
    body = payload()
    body["customer"] = {**body["customer"], **changes}
    return body


def with_line(**changes):
    body = payload()
    body["lines"] = [{**body["lines"][0], **changes}]
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (without("external_id"), "external_id"),
        (without("lines"), "lines"),
        (payload(lines=[]), "lines"),
        (payload(lines="PHN-01"), "lines"),
        (payload(currency="XYZ"), "currency"),
        (payload(currency="euro"), "currency"),
        (payload(currency=978), "currency"),
        (payload(placed_at="yesterday"), "placed_at"),
        (payload(placed_at=None), "placed_at"),
        (payload(number={"n": 1}), "number"),
        (payload(locale="de"), "locale"),
        (payload(customer="ioana@example.com"), "customer"),
        (payload(shipping_total="-1.00"), "shipping_total"),
        (payload(total="1e400"), "total"),
        (payload(shipping_address={"country": "XX"}), "shipping_address"),
        (with_customer(email="not-an-email"), "customer"),
        (with_customer(email=""), "customer"),
        (with_customer(phone="555-555-SHIP"), "customer"),
        (with_customer(phone="+40 12"), "customer"),
        (with_line(quantity=-1), "lines"),
        (with_line(quantity=0), "lines"),
        (with_line(quantity="two"), "lines"),
        (with_line(quantity=1.5), "lines"),
        (with_line(unit_price="-5.00"), "lines"),
        (with_line(unit_price="abc"), "lines"),
        (with_line(sku=""), "lines"),
        (with_line(title="x" * 300), "lines"),
        (payload(external_id="a\x00b"), "external_id"),
    ],
)
def test_invalid_fields_are_400_with_field_errors(api, body, field):
    response = post(api, body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert written() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "raw", ["{", "not json", '{"external_id": "x",}', "[]", '"order"', "null", b"\xff\xfe{"]
)
def test_malformed_json_is_400(api, raw):
    response = post(api, raw)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()
    assert written() == (0, 0, 0, 0)


def test_wrong_content_type_is_415(api):
    response = api.post(URL, data="external_id=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert written() == (0, 0, 0, 0)


def test_oversized_body_is_413_json(api, settings):
    body = payload(
        lines=[{"sku": f"S{i}", "title": "x" * 200, "quantity": 1, "unit_price": "1.00"} for i in range(400)]
    )
    encoded = json.dumps(body)
    assert len(encoded) > settings.API_MAX_BODY_BYTES / 8
    settings.API_MAX_BODY_BYTES = len(encoded) - 1
    response = post(api, encoded)
    assert response.status_code == 413
    assert response.json()["detail"]
    assert written() == (0, 0, 0, 0)


def test_body_over_the_default_limits_is_refused(api, settings):
    filler = "x" * (max(settings.API_MAX_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + 10)
    response = post(api, payload(number=filler))
    assert response.status_code == 413
    assert written() == (0, 0, 0, 0)


def test_order_number_of_another_external_id_is_400(api):
    assert post(api, payload()).status_code == 201
    before = written()
    response = post(api, payload(external_id="shop-other"))
    assert response.status_code == 400
    assert "number" in response.json()
    assert written() == before


def test_customer_email_taken_by_another_customer_is_400_not_500(api, brand):
    factories.CustomerFactory(brand=brand, email="taken@example.com", external_id="")
    assert post(api, payload()).status_code == 201
    before = written()
    response = post(api, with_customer(email="taken@example.com"))
    assert response.status_code == 400
    assert "customer" in response.json()
    assert written() == before
    assert Order.objects.get().customer.email == "ioana.popescu@example.com"


# --- concurrency ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_posts_make_one_order(client, brand, api_key):
    assert connection.vendor == "postgresql"
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        from django.db import connections
        from django.test import Client

        try:
            own = Client(HTTP_AUTHORIZATION=f"Bearer {api_key}")
            barrier.wait(timeout=10)
            statuses.append(post(own, payload()).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [200, 201]
    assert Order.objects.filter(brand=brand, external_id="shop-5001").count() == 1
    assert OrderLine.objects.count() == 2
    assert Customer.objects.count() == 1
