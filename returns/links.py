"""The signed link that lets a shopper who already identified the order skip the lookup."""

from typing import Final

from django.core import signing
from django.urls import reverse

SALT: Final = "returns.portal.order"
MAX_AGE_SECONDS: Final = 3 * 24 * 3600


def order_token(*, brand_id: int, order_id: int) -> str:
    return signing.dumps([brand_id, order_id], salt=SALT, compress=True)


def order_id_from_token(*, brand_id: int, token: str) -> int | None:
    """The order id the token was signed for, if it is genuine, fresh and of this brand."""
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
        return None
    signed_brand, order_id = value
    return order_id if signed_brand == brand_id else None


def start_url(*, brand_slug: str, brand_id: int, order_id: int) -> str:
    return reverse(
        "returns-start",
        kwargs={"brand_slug": brand_slug, "order_token": order_token(brand_id=brand_id, order_id=order_id)},
    )
