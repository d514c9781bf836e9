"""An owner changes the brand colour, sees it in the preview and publishes it: clicks counted, shoppers
see the new colour only once it is published."""

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from brands.models import Role
from brands.services import membership_grant
from tests import factories
from tracking.models import Shipment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD, NEW = "#1f3a5f", "#0a7d3b"
OLD_RGB, NEW_RGB = "rgb(31, 58, 95)", "rgb(10, 125, 59)"
MOST_CLICKS = 4


def header_colour(frame_or_page: Any) -> str:
    return str(frame_or_page.locator(".brand-bar").evaluate("node => getComputedStyle(node).backgroundColor"))


def test_change_the_colour_see_it_in_the_preview_then_publish(
    browser: Any, live_server: Any, screenshot: Any, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    brand = factories.BrandFactory(
        slug="casa-verde", name="Casa Verde", primary_colour=OLD, enabled_locales=["en", "ro"]
    )
    order = factories.OrderFactory(brand=brand, number="1042")
    Shipment.objects.create(brand=brand, order=order, carrier_code="dpd", tracking_number="05210000001042")
    owner = factories.UserFactory(username="ana-owner")
    membership_grant(user_id=owner.id, brand=brand, role=Role.OWNER)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    console, shopper = context.new_page(), context.new_page()
    clicks = 0

    def click(locator: Any) -> None:
        nonlocal clicks
        clicks += 1
        locator.click()

    shopper_url = live_server.url + reverse("tracking-page", args=[brand.slug, order.tracking_token])
    shopper.goto(shopper_url)
    assert header_colour(shopper) == OLD_RGB

    console.goto(f"{live_server.url}/admin/login/?next=/admin/")
    console.fill("#id_username", "ana-owner")
    console.fill("#id_password", "pw")
    console.press("#id_password", "Enter")  # typing, not a click
    console.wait_for_url(re.compile(r"/admin/$"))

    click(console.get_by_role("link", name=re.compile("Brand look")))
    console.wait_for_url(re.compile(rf"/admin/brands/brand/{brand.pk}/look/$"))
    preview = console.frame_locator('iframe[data-preview="tracking"]')
    assert header_colour(preview) == OLD_RGB

    console.fill("#id_primary_colour", NEW)  # typing a value, not a click
    console.wait_for_selector(f'iframe[data-preview="tracking"][data-primary="{NEW}"]')
    preview = console.frame_locator('iframe[data-preview="tracking"]')
    assert header_colour(preview) == NEW_RGB
    email = console.frame_locator('iframe[data-preview="email"]')
    assert NEW_RGB in str(
        email.locator('td[style*="background:"]').first.evaluate(
            "node => getComputedStyle(node).backgroundColor"
        )
    )
    screenshot(console, "brand-look-preview", widths=(1280,))

    shopper.reload()
    assert header_colour(shopper) == OLD_RGB  # typed, previewed, not published: shoppers see no change

    click(console.get_by_role("button", name="Publish"))
    console.wait_for_selector("text=Published: shoppers now see the new look.")
    screenshot(console, "brand-look-published", widths=(1280,))

    shopper.reload()
    assert header_colour(shopper) == NEW_RGB
    screenshot(shopper, "brand-look-shopper-after", widths=(1280,))
    assert clicks <= MOST_CLICKS
    assert clicks == 2  # "Brand look" in the sidebar, then "Publish"
    context.close()
