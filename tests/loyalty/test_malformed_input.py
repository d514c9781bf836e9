"""Codes and tokens that could never be ours (a NUL byte, a giant string) are 404, never a server error."""

from typing import Any

import pytest

from loyalty.models import DiscountCode, LedgerEntry

pytestmark = pytest.mark.django_db

MALFORMED = ["AB%00CD", "%00", "PP-%E2%80%AE-1", "x" * 200]


@pytest.mark.parametrize("code", MALFORMED)
def test_api_answers_404_for_a_malformed_code(api: Any, code: str) -> None:
    assert api.get(f"/api/v1/discount-codes/{code}/").status_code == 404
    response = api.post(f"/api/v1/discount-codes/{code}/redeem/", {}, content_type="application/json")
    assert response.status_code == 404
    assert not DiscountCode.objects.filter(status="redeemed").exists()


@pytest.mark.parametrize("code", MALFORMED)
def test_referral_landing_answers_404_for_a_malformed_code(client: Any, brand: Any, code: str) -> None:
    assert client.get(f"/{brand.slug}/r/{code}/").status_code == 404
    assert client.post(f"/{brand.slug}/r/{code}/", {"email": "friend@example.com"}).status_code == 404


@pytest.mark.parametrize("token", ["AB%00CDEFGH", "%00" * 10, "short"])
def test_redeem_answers_404_for_a_malformed_token(client: Any, brand: Any, token: str) -> None:
    assert client.post(f"/{brand.slug}/track/{token}/points/", {"points": "100"}).status_code == 404
    assert not LedgerEntry.objects.exists()


def test_redeem_answer_keeps_the_token_to_this_site(client: Any, brand: Any, order: Any) -> None:
    """The form's answer carries the shopper-page headers: no referrer to other sites, no caching."""
    response = client.post(f"/{brand.slug}/track/{order.tracking_token}/points/", {"points": "nope"})
    assert response.status_code == 302
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "private, no-store"
