"""The console dashboard in a real browser: demo-like data, axe watching, a 1280 px screenshot."""

from typing import Any

import pytest
from django.utils import timezone

from bench.dashboard import populate
from brands.models import Role
from brands.services import membership_grant
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def owner() -> Any:
    brand = factories.BrandFactory(
        slug="casa-verde", name="Casa Verde", timezone="Europe/Bucharest", primary_colour="#14532d"
    )
    populate(brand=brand, n=1500, now=timezone.now(), tag="browser")
    user = factories.UserFactory(username="casa-verde-owner")
    membership_grant(user_id=user.id, brand=brand, role=Role.OWNER)
    return user


def log_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw")
    page.click("button[type=submit]")


def test_the_dashboard_reads_as_a_product_and_passes_axe(
    page: Any, live_server: Any, owner: Any, axe_check: Any, screenshot: Any
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, owner.username)
    page.goto(f"{live_server.url}/admin/?range=90")
    page.wait_for_selector("canvas.chart")

    assert page.locator(".console-kpi").count() >= 10
    assert page.locator("canvas.chart").count() == 3
    assert "Parcels by carrier" in page.content()
    screenshot(page, "console-dashboard", widths=(1280,))
    assert axe_check(page) == []

    page.click("text=7 days")
    page.wait_for_url("**range=7**")
    assert page.locator(".console-preset.is-active").inner_text().strip() == "7 days"
    page.click(".console-kpi >> nth=0")  # "Parcels shipped" opens the shipments it counts
    page.wait_for_url("**/admin/tracking/shipment/**")
    assert "shipped_at__gte" in page.url
