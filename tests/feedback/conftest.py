"""Delivered and travelling parcels made through the real tracking services."""

from typing import Any

import pytest

from tests.browser.conftest import axe_check, browser, page, page_without_js, screenshot  # noqa: F401 - browser fixtures
from tests.tracking.page_builders import JOURNEY, S, order_with_lines, parcel

DELIVERED_SCANS = (
    *JOURNEY,
    (S.OUT_FOR_DELIVERY, 6, "Out for delivery", "București"),
    (S.DELIVERED, 2, "Delivered", "București"),
)


@pytest.fixture
def delivered_order(brand: Any, customer: Any) -> Any:
    order = order_with_lines(brand=brand, customer=customer, number="2001")
    parcel(order=order, scans=DELIVERED_SCANS, tracking_number="DPD2001A")
    return order


@pytest.fixture
def delivered(delivered_order: Any) -> Any:
    """The delivered parcel of `delivered_order`."""
    return delivered_order.shipments.get()


@pytest.fixture
def in_transit(brand: Any, customer: Any) -> Any:
    order = order_with_lines(brand=brand, customer=customer, number="2002")
    return parcel(order=order, tracking_number="DPD2002A")


def page_url(brand: Any, token: str, **params: str) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"lang": "en", **params}.items())
    return f"/{brand.slug}/track/{token}/?{query}"


def rate_url(brand: Any, token: str) -> str:
    return f"/{brand.slug}/track/{token}/feedback/"
