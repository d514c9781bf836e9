"""The console's "View as shopper" link opens the real tracking page without counting a shopper's view."""

from typing import Any

import pytest
from django.urls import reverse

from brands.models import Role
from common.shopper import STAFF_VIEW_PARAM
from tests import factories
from tracking import page_counters
from tracking.models import Shipment, TrackingPageView

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipment(brand: Any) -> Shipment:
    order = factories.OrderFactory(brand=brand, number="8001")
    return Shipment.objects.create(
        brand=brand, order=order, carrier_code="dpd", tracking_number="05219990001"
    )


def views(order: Any) -> int:
    page_counters.counters_flush()  # views are counted in Redis and added to Postgres in batches
    return sum(TrackingPageView.objects.filter(order=order).values_list("views", flat=True))


def link_in(html: str) -> str:
    start = html.index('href="', html.index("View as shopper") - 200) + len('href="')
    return html[start : html.index('"', start)].replace("&amp;", "&")


@pytest.mark.parametrize("role", [Role.OWNER, Role.SUPPORT_AGENT, Role.RETURNS_MANAGER])
def test_every_order_and_shipment_has_the_link_in_its_list_and_on_its_page(
    client: Any, brand: Any, staff_of: Any, shipment: Shipment, role: str
) -> None:
    from django.contrib.auth.models import Permission

    user = staff_of(brand, role)
    user.user_permissions.add(Permission.objects.get(codename="view_shipment"))
    client.force_login(user)
    order = shipment.order
    pages = {
        reverse("admin:orders_order_changelist"): order.tracking_token,
        reverse("admin:orders_order_change", args=[order.pk]): order.tracking_token,
        reverse("admin:tracking_shipment_changelist"): shipment.token,
        reverse("admin:tracking_shipment_change", args=[shipment.pk]): shipment.token,
    }
    for url, token in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        link = link_in(response.content.decode())
        assert link.startswith(f"/{brand.slug}/track/{token}/?{STAFF_VIEW_PARAM}="), url


def test_a_staff_view_is_not_counted_but_a_shoppers_is(
    client: Any, shipment: Shipment, brand: Any, staff_of: Any
) -> None:
    client.force_login(staff_of(brand, Role.OWNER))
    order = shipment.order
    link = link_in(client.get(reverse("admin:tracking_shipment_change", args=[shipment.pk])).content.decode())
    client.logout()

    assert client.get(link).status_code == 200
    assert views(order) == 0

    page = reverse("tracking-page", args=[brand.slug, shipment.token])
    assert client.get(page).status_code == 200
    assert views(order) == 1


@pytest.mark.parametrize("forged", ["1", "x" * 27, ""])
def test_a_forged_or_borrowed_staff_parameter_still_counts(
    client: Any, shipment: Shipment, brand: Any, forged: str
) -> None:
    from common.shopper import staff_view_signature

    page = reverse("tracking-page", args=[brand.slug, shipment.token])
    assert client.get(f"{page}?{STAFF_VIEW_PARAM}={forged}").status_code == 200
    # A signature made for the order's token does not silence the shipment's page.
    borrowed = staff_view_signature(shipment.order.tracking_token)
    assert client.get(f"{page}?{STAFF_VIEW_PARAM}={borrowed}").status_code == 200
    assert views(shipment.order) == 2
