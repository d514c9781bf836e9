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


def test_view_as_shopper_opens_the_real_page_and_counts_no_view(
    browser: Any, live_server: Any, screenshot: Any
) -> None:
    from tracking.models import TrackingPageView

    brand = factories.BrandFactory(slug="northwind", name="Northwind Outfitters", primary_colour="#7c2d12")
    order = factories.OrderFactory(brand=brand, number="2077")
    shipment = Shipment.objects.create(
        brand=brand, order=order, carrier_code="ups", carrier_name="UPS", tracking_number="1Z999AA10123456784"
    )
    agent = factories.UserFactory(username="sam-agent")
    membership_grant(user_id=agent.id, brand=brand, role=Role.SUPPORT_AGENT)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    console = context.new_page()
    console.goto(f"{live_server.url}/admin/login/?next=/admin/orders/order/")
    console.fill("#id_username", "sam-agent")
    console.fill("#id_password", "pw")
    console.press("#id_password", "Enter")
    console.wait_for_url(re.compile(r"/admin/orders/order/$"))
    screenshot(console, "view-as-shopper-orders", widths=(1280,))

    with context.expect_page() as opened:
        console.get_by_role("link", name="View as shopper").click()
    shopper = opened.value
    shopper.wait_for_load_state()
    assert f"/{brand.slug}/track/{order.tracking_token}/" in shopper.url
    assert header_colour(shopper) == "rgb(124, 45, 18)"
    assert "UPS" in shopper.content()
    assert not TrackingPageView.objects.filter(order=order).exists()
    assert shipment.token not in shopper.url  # the order's page, from the order's row
    context.close()


def test_an_svg_logo_with_script_is_refused_while_choosing_it(
    browser: Any, live_server: Any, screenshot: Any, settings: Any, tmp_path: Path
) -> None:
    from brands.models import BrandLookDraft

    settings.MEDIA_ROOT = tmp_path
    brand = factories.BrandFactory(slug="casa-verde", name="Casa Verde", enabled_locales=["en", "ro"])
    owner = factories.UserFactory(username="ana-owner")
    membership_grant(user_id=owner.id, brand=brand, role=Role.OWNER)
    bad_svg = tmp_path / "logo.svg"
    bad_svg.write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    console = context.new_page()
    console.goto(f"{live_server.url}/admin/login/?next=/admin/brands/brand/{brand.pk}/look/")
    console.fill("#id_username", "ana-owner")
    console.fill("#id_password", "pw")
    console.press("#id_password", "Enter")
    console.wait_for_url(re.compile(r"/look/$"))

    console.set_input_files("#id_logo", str(bad_svg))
    alert = console.locator("#look-preview [role=alert]")
    alert.wait_for()
    assert "<script>" in alert.inner_text()
    console.get_by_role("button", name="Save draft").click()
    console.locator(".look-error", has_text="<script>").first.wait_for()
    screenshot(console, "brand-look-refused-logo", widths=(1280,))
    assert not BrandLookDraft.objects.exists()
    assert not list(tmp_path.rglob("brands/**/*.*"))
    context.close()
