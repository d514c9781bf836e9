"""The lists that grow with shipments cost the same number of queries at 10 rows and at 200."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import datagen
from brands.models import Brand, Role
from tests import factories
from tracking.models import Shipment

LISTS = (
    "/admin/tracking/shipment/",
    "/admin/orders/order/",
    "/admin/orders/customer/",
    "/admin/tracking/inboundwebhook/",
    "/admin/notifications/notification/",
    "/admin/returns/return/",
    "/admin/support/case/",
)


def _queries(client: Any, url: str, params: dict[str, str] | None = None) -> int:
    client.get(url, params or {})  # the first view of a page fills caches (sidebar figures, brand look)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


@pytest.fixture
def shop(db: None) -> Brand:
    brand = factories.BrandFactory(slug="growing", name="Growing")
    datagen.populate_brand(brand=brand, shipments=40, now=timezone.now(), tag="few")
    datagen.analyze()
    return brand


def _grow(brand: Brand) -> None:
    datagen.populate_brand(brand=brand, shipments=400, now=timezone.now(), tag="many")
    datagen.analyze()


@pytest.mark.parametrize("as_superuser", [False, True])
def test_every_large_list_costs_the_same_at_ten_and_two_hundred_rows(
    shop: Brand, client: Any, admin_user: Any, staff_of: Any, as_superuser: bool
) -> None:
    client.force_login(admin_user if as_superuser else staff_of(shop, Role.OWNER))
    few = {url: _queries(client, url) for url in LISTS}
    _grow(shop)
    assert Shipment.objects.filter(brand=shop).count() >= 400
    many = {url: _queries(client, url) for url in LISTS}
    assert many == few


def test_filters_and_search_cost_the_same_too(shop: Brand, admin_client: Any) -> None:
    searches = {
        "/admin/tracking/shipment/": {"status__exact": "delivered", "carrier_code__exact": "ups"},
        "/admin/orders/order/": {"currency": "EUR", "placed_at__gte": "2020-01-01"},
        "/admin/tracking/inboundwebhook/": {"provider": "easypost", "result__exact": "processed"},
    }
    few = {url: _queries(admin_client, url, params) for url, params in searches.items()}
    _grow(shop)
    many = {url: _queries(admin_client, url, params) for url, params in searches.items()}
    assert many == few
