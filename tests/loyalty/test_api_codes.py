"""`/api/v1/discount-codes/<code>/`: the store checks and consumes codes with its own key only."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from brands.services import api_key_create
from loyalty import codes
from loyalty.models import CodeStatus, DiscountCode

pytestmark = pytest.mark.django_db


@pytest.fixture
def code(brand: Any, customer: Any) -> DiscountCode:
    return codes.discount_code_issue(
        brand_id=brand.id,
        customer_id=customer.id,
        purpose="points",
        kind="amount",
        value=Decimal("15"),
        currency="RON",
    )


def test_check_then_consume_then_refuse_a_second_use(api: Any, code: DiscountCode) -> None:
    checked = api.get(f"/api/v1/discount-codes/{code.code.lower()}/")
    assert checked.status_code == 200
    assert checked.json()["usable"] is True
    assert checked.json()["value"] == "15.00"

    used = api.post(
        f"/api/v1/discount-codes/{code.code}/redeem/",
        {"order_id": "shop-5001", "order_total": "120.50"},
        content_type="application/json",
    )
    assert used.status_code == 200
    assert used.json()["status"] == "redeemed"

    again = api.post(f"/api/v1/discount-codes/{code.code}/redeem/", {}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "redeemed"
    code.refresh_from_db()
    assert code.redeemed_order_ref == "shop-5001"
    assert code.redeemed_order_total == Decimal("120.50")
    assert api.get(f"/api/v1/discount-codes/{code.code}/").json()["usable"] is False


def test_another_brands_code_is_not_found_and_stays_unused(
    client: Any, other_brand: Any, code: DiscountCode
) -> None:
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_create(brand=other_brand).raw_key}"

    assert client.get(f"/api/v1/discount-codes/{code.code}/").status_code == 404
    assert (
        client.post(
            f"/api/v1/discount-codes/{code.code}/redeem/", {}, content_type="application/json"
        ).status_code
        == 404
    )
    code.refresh_from_db()
    assert code.status == CodeStatus.ISSUED


def test_an_expired_code_is_refused_with_409(api: Any, code: DiscountCode) -> None:
    DiscountCode.objects.filter(id=code.id).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = api.post(f"/api/v1/discount-codes/{code.code}/redeem/", {}, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["code"] == "expired"
    code.refresh_from_db()
    assert code.status == CodeStatus.ISSUED


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("NOPE-NOPE/", None, 404),
        ("X" * 40 + "/", None, 404),
        ("{code}/redeem/", '{"order_total": "-5"}', 400),
        ("{code}/redeem/", '{"order_total": "abc"}', 400),
        ("{code}/redeem/", "not json", 400),
    ],
)
def test_bad_input_is_a_clear_4xx_and_consumes_nothing(
    api: Any, code: DiscountCode, path: str, body: str | None, status: int
) -> None:
    url = "/api/v1/discount-codes/" + path.format(code=code.code)
    response = api.post(url, body, content_type="application/json") if body is not None else api.get(url)
    assert response.status_code == status
    code.refresh_from_db()
    assert code.status == CodeStatus.ISSUED


def test_without_a_key_nothing_is_told(client: Any, code: DiscountCode) -> None:
    assert client.get(f"/api/v1/discount-codes/{code.code}/").status_code in (401, 403)
    assert client.post(
        f"/api/v1/discount-codes/{code.code}/redeem/", {}, content_type="application/json"
    ).status_code in (401, 403)
    code.refresh_from_db()
    assert code.status == CodeStatus.ISSUED
