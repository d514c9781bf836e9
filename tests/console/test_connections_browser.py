"""The Connections page in Chromium at the console's width: an owner connects EasyPost and tests it."""

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from brands import services
from brands.models import ApiKey, IntegrationSecret, Role
from tests import factories
from tests.browser.conftest import axe_check, browser, page, screenshot  # noqa: F401
from tracking.models import InboundWebhook, WebhookResult

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_generates_a_secret_and_sends_a_test_event(
    page: Any,  # noqa: F811
    live_server: Any,
    screenshot: Any,  # noqa: F811
    axe_check: Any,  # noqa: F811
) -> None:
    brand = factories.BrandFactory(slug="casa-verde", name="Casa Verde", default_locale="ro")
    owner = factories.UserFactory(username="owner")
    services.membership_grant(user_id=owner.id, brand=brand, role=Role.OWNER)
    services.webhook_secret_set(brand=brand, provider="shopify", secret="first")
    services.webhook_secret_set(brand=brand, provider="shopify", secret="second")
    services.api_key_create(brand=brand, name="Warehouse system")
    InboundWebhook.objects.create(brand=brand, provider="shopify", result=WebhookResult.PROCESSED)
    InboundWebhook.objects.create(
        brand=brand, provider="shopify", result=WebhookResult.REJECTED, error="Invalid signature."
    )
    client = Client()
    client.force_login(owner)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/connections/{brand.id}/")
    assert page.locator("h2", has_text="EasyPost").is_visible()
    screenshot(page, "console-connections", widths=(1280,))
    assert axe_check(page) == []

    # Click 1: generate EasyPost's secret; it is shown once, in a copy field.
    page.locator("#connection-easypost").get_by_role("button", name="Generate secret").click()
    shown = page.locator("#issued-value").input_value()
    assert shown == IntegrationSecret.objects.get(brand=brand, provider="easypost").secret
    # Click 2: send a test event through the real endpoint.
    page.locator("#connection-easypost").get_by_role("button", name="Send a test event").click()
    outcome = page.locator("#test-outcome")
    assert "EasyPost test event accepted (HTTP 202)" in outcome.inner_text()
    assert shown not in page.content()
    screenshot(page, "console-connections-test-event", widths=(1280,))
    assert axe_check(page) == []

    # An API key: name it, create it (one click), and it is shown once in a copy field.
    page.get_by_label("Name").fill("Returns robot")
    page.get_by_role("button", name="Create API key").click()
    raw_key = page.locator("#issued-value").input_value()
    assert raw_key.startswith("pp_")
    assert page.get_by_role("cell", name="Returns robot", exact=True).is_visible()
    page.goto(f"{live_server.url}/admin/connections/{brand.id}/")
    assert raw_key not in page.content()
    assert ApiKey.objects.filter(brand=brand, name="Returns robot").count() == 1
