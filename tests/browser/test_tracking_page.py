"""What a shopper sees on the tracking page in a real browser, in each language, with axe watching."""

import re
from datetime import UTC, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from django.utils import timezone

from tests import factories
from tests.tracking.page_builders import S, order_with_lines, parcel
from tracking.models import Shipment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUCHAREST = ZoneInfo("Europe/Bucharest")
HEADLINES = {"en": "In transit", "ro": "În tranzit", "pl": "W drodze", "ru": "В пути"}
ESTIMATE = {
    "en": "Estimated delivery",
    "ro": "Livrare estimată",
    "pl": "Przewidywana dostawa",
    "ru": "Ожидаемая доставка",
}


@pytest.fixture
def casa_verde() -> Any:
    return factories.BrandFactory(
        slug="casa-verde",
        name="Casa Verde",
        default_locale="ro",
        enabled_locales=["ro", "en", "pl", "ru"],
        timezone="Europe/Bucharest",
        primary_colour="#14532d",
        accent_colour="#a16207",
        font="serif",
        support_email="ajutor@casaverde.example",
    )


@pytest.fixture
def journey(casa_verde: Any) -> Any:
    """A demo-like order: two items in one parcel, three scans, an estimate three days out."""
    customer = factories.CustomerFactory(brand=casa_verde, email="ioana@example.com", locale="ro")
    order = order_with_lines(
        brand=casa_verde, customer=customer, number="1042", shipping_postal_code="010011"
    )
    last_scan = timezone.now().astimezone(UTC).replace(minute=5, second=0, microsecond=0) - timedelta(hours=2)
    shipment = parcel(
        order=order,
        scans=[
            (S.INFO_RECEIVED, 40, "Shipping label created", "Depozit Ploiești"),
            (S.IN_TRANSIT, 20, "Arrived at sort facility", "Hub Chiajna"),
            (S.IN_TRANSIT, 0, "Departed sort facility", "Hub Chiajna"),
        ],
        edd=timezone.localtime(timezone.now(), BUCHAREST).date() + timedelta(days=3),
        carrier=("fan", "FAN Courier"),
        carrier_url="https://www.fancourier.example/awb/FAN1042",
        at=last_scan,
    )
    return {"order": order, "shipment": shipment, "last_scan": last_scan}


@pytest.mark.parametrize("lang", ["en", "ro", "pl", "ru"])
def test_the_tracking_page_in_each_language(
    live_server: Any, page: Any, journey: Any, lang: str, axe_check: Any, screenshot: Any
) -> None:
    shipment: Shipment = journey["shipment"]
    page.goto(f"{live_server.url}/casa-verde/track/{shipment.token}/?lang={lang}")

    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("h1").inner_text() == HEADLINES[lang]
    estimate = page.locator(".hero .estimate")
    assert ESTIMATE[lang] in estimate.text_content()
    edd = shipment.estimated_delivery
    assert format_date(edd, "d MMMM", locale=lang) in estimate.inner_text()
    current = page.locator('.hero [aria-current="step"]')
    assert current.count() == 1
    assert HEADLINES[lang] in current.inner_text()
    latest = page.locator(".event--latest time")
    local = journey["last_scan"].astimezone(BUCHAREST)
    assert latest.get_attribute("datetime") == local.isoformat()
    if lang != "en":
        assert latest.inner_text() in {local.strftime("%H:%M"), f"{local.hour}:{local:%M}"}  # ru: "G:i"
    assert page.locator(".item").count() == 2
    assert axe_check(page) == []
    screenshot(page, f"tracking-page-{lang}")


def test_the_lookup_form_leads_to_the_page(
    live_server: Any, page: Any, page_without_js: Any, journey: Any, axe_check: Any, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/casa-verde/track/?lang=en")
    assert axe_check(page) == []
    screenshot(page, "lookup")
    page = page_without_js
    page.goto(f"{live_server.url}/casa-verde/track/?lang=en")

    page.get_by_label("Order number").fill("#1042")
    page.get_by_label("Email or postal code").fill("IOANA@example.com")
    page.get_by_role("button", name="Track my order").click()

    assert page.url.endswith(f"/casa-verde/track/{journey['order'].tracking_token}/")
    assert page.locator("h1").inner_text() == "În tranzit"  # the customer's own language


def test_a_wrong_lookup_says_so_in_words(
    live_server: Any, page: Any, journey: Any, axe_check: Any, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/casa-verde/track/?lang=pl")
    page.get_by_label("Numer zamówienia").fill("1042")
    page.get_by_label("E-mail lub kod pocztowy").fill("nobody@example.com")
    page.get_by_role("button", name="Znajdź zamówienie").click()

    assert "Nie znaleźliśmy zamówienia" in page.get_by_role("alert").inner_text()
    assert axe_check(page) == []
    screenshot(page, "lookup-not-found")


def test_the_language_switcher_works_without_javascript(
    live_server: Any, page_without_js: Any, journey: Any
) -> None:
    page = page_without_js
    page.goto(f"{live_server.url}/casa-verde/track/{journey['shipment'].token}/")
    assert page.locator("h1").inner_text() == "În tranzit"

    page.get_by_role("button", name="Русский").click()

    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").inner_text() == "В пути"
    assert page.get_by_role("button", name="Русский").get_attribute("aria-pressed") == "true"


@pytest.mark.parametrize(
    ("name", "scans"),
    [
        (
            "delivered",
            [
                (S.IN_TRANSIT, 30, "Departed", "Hub Chiajna"),
                (S.DELIVERED, 3, "Left with a neighbour", "Str. Lipscani 10"),
            ],
        ),
        (
            "exception",
            [
                (S.IN_TRANSIT, 30, "Departed", "Hub Chiajna"),
                (S.EXCEPTION, 3, "Delayed by severe weather", "Hub Chiajna"),
            ],
        ),
        (
            "pickup",
            [
                (S.IN_TRANSIT, 30, "Departed", "Hub Chiajna"),
                (S.AVAILABLE_FOR_PICKUP, 3, "Ready in locker", "easybox Mega Image Unirii"),
            ],
        ),
    ],
)
def test_other_states_read_well_and_pass_axe(
    live_server: Any, page: Any, casa_verde: Any, name: str, scans: Any, axe_check: Any, screenshot: Any
) -> None:
    order = order_with_lines(brand=casa_verde, number=f"20{len(name)}")
    shipment = parcel(order=order, scans=scans)

    page.goto(f"{live_server.url}/casa-verde/track/{shipment.token}/?lang=en")

    assert page.locator(".hero .notice").count() >= 1
    assert axe_check(page) == []
    screenshot(page, f"tracking-page-{name}")


def test_a_split_order_and_an_order_not_shipped_yet(
    live_server: Any, page: Any, casa_verde: Any, axe_check: Any, screenshot: Any
) -> None:
    order = order_with_lines(brand=casa_verde, number="3001", lines=3)
    lines = list(order.lines.order_by("id"))
    parcel(
        order=order,
        lines=[(lines[0].id, 1)],
        scans=[(S.IN_TRANSIT, 30, "Departed", "Hub"), (S.DELIVERED, 5, "Delivered", "Door")],
    )
    parcel(
        order=order,
        lines=[(lines[1].id, 2)],
        carrier=("dhl", "DHL"),
        edd=timezone.localdate() + timedelta(days=2),
    )
    waiting = order_with_lines(brand=casa_verde, number="3002", lines=2)

    page.goto(f"{live_server.url}/casa-verde/track/{order.tracking_token}/?lang=en")
    assert page.get_by_role("heading", name="Parcel 2 of 2").count() == 1
    assert page.get_by_role("heading", name="Not shipped yet").count() == 1
    assert axe_check(page) == []
    screenshot(page, "tracking-page-split")

    page.goto(f"{live_server.url}/casa-verde/track/{waiting.tracking_token}/?lang=en")
    assert page.locator("h1").inner_text() == "Order placed"
    assert re.search(r"placed on \d+ \w+ \d{4}", page.locator(".eyebrow").inner_text())
    assert axe_check(page) == []
    screenshot(page, "tracking-page-placed")


def test_not_found_page(
    live_server: Any, page: Any, casa_verde: Any, axe_check: Any, screenshot: Any
) -> None:
    response = page.goto(f"{live_server.url}/casa-verde/track/{'x' * 24}/?lang=en")

    assert response.status == 404
    assert page.get_by_role("link", name="Find my order").count() == 1
    assert axe_check(page) == []
    screenshot(page, "not-found")


def test_the_page_loads_nothing_from_elsewhere(live_server: Any, browser: Any, journey: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    tab = context.new_page()
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))

    tab.goto(f"{live_server.url}/casa-verde/track/{journey['shipment'].token}/")

    foreign = [
        url for url in requested if not url.startswith(live_server.url) and "cdn.shop.example" not in url
    ]
    assert foreign == []
    assert any(url.endswith("/static/shopper/shopper.css") for url in requested)
    context.close()


def test_a_cached_page_revalidated_by_the_browser_keeps_its_styles_and_its_forms_work(
    live_server: Any, page_without_js: Any, journey: Any
) -> None:
    page = page_without_js
    asked: list[tuple[str, str]] = []  # (ETag answered, If-None-Match asked with)

    def seen(response: Any) -> None:
        if "/track/" in response.url:
            asked.append(
                (response.headers.get("etag", ""), response.request.all_headers().get("if-none-match", ""))
            )

    page.on("response", seen)
    address = f"{live_server.url}/casa-verde/track/{journey['shipment'].token}/"
    page.goto(address)
    page.goto(address)  # served from the page cache

    page.reload()  # the browser asks with If-None-Match and shows the copy it kept

    first_etag = asked[0][0]
    assert first_etag.startswith('W/"')
    assert asked[-1][1] == first_etag  # answered 304 by the server (tests/tracking/test_page_cache.py)
    # The kept page's <style nonce> still matches the policy the browser kept with it.
    brand_bar = page.locator(".brand-bar").evaluate("element => getComputedStyle(element).backgroundColor")
    assert brand_bar == "rgb(20, 83, 45)"
    page.get_by_role("button", name="English").click()  # a POST with the kept page's CSRF token
    assert page.locator("h1").inner_text() == "In transit"
