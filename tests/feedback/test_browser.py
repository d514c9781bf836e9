"""Rating a delivery with a sad face in a real browser, with and without JavaScript, with axe watching."""

from typing import Any

import pytest

from feedback.models import DeliveryRating
from support.models import Case
from tests import factories
from tests.feedback.conftest import DELIVERED_SCANS
from tests.tracking.page_builders import order_with_lines, parcel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def delivered_parcel() -> Any:
    brand = factories.BrandFactory(
        slug="casa-verde",
        name="Casa Verde",
        default_locale="ro",
        enabled_locales=["ro", "en", "pl", "ru"],
        timezone="Europe/Bucharest",
        primary_colour="#14532d",
        accent_colour="#a16207",
    )
    customer = factories.CustomerFactory(brand=brand, email="ioana@example.com", locale="ro")
    order = order_with_lines(brand=brand, customer=customer, number="1042")
    return parcel(
        order=order, scans=DELIVERED_SCANS, carrier=("fan", "FAN Courier"), tracking_number="FAN1042"
    )


def rate_with_keyboard(tab: Any) -> None:
    """Reach the faces with Tab, choose 'Bad' with the arrow keys, type a comment, submit."""
    tab.locator("#face-1").focus()
    tab.keyboard.press("ArrowRight")
    assert tab.locator("#face-2").is_checked()
    tab.locator("#feedback-comment").fill("Cutia a ajuns udă")
    tab.locator("#feedback button[type=submit]").click()
    tab.wait_for_url("**#feedback")


def test_rating_without_javascript(live_server: Any, page_without_js: Any, delivered_parcel: Any) -> None:
    tab = page_without_js
    tab.goto(f"{live_server.url}/casa-verde/track/{delivered_parcel.token}/?lang=ro")
    assert tab.locator("#feedback h2").inner_text() == "Cum a fost livrarea?"
    # Real labels: clicking the face's label chooses it.
    tab.locator("label[for=face-1]").click()
    assert tab.locator("#face-1").is_checked()
    rate_with_keyboard(tab)
    assert "Nota ta este salvată" in tab.locator("#feedback").inner_text()
    rating = DeliveryRating.objects.get()
    assert (rating.score, rating.comment, rating.locale) == (2, "Cutia a ajuns udă", "ro")
    assert Case.objects.get().source_key == f"csat:{rating.id}"


def test_rating_with_javascript_passes_axe_and_looks_right(
    live_server: Any, page: Any, delivered_parcel: Any, axe_check: Any, screenshot: Any
) -> None:
    page.goto(f"{live_server.url}/casa-verde/track/{delivered_parcel.token}/?lang=en")
    assert page.locator("#feedback h2").inner_text() == "How was your delivery?"
    assert axe_check(page) == []
    screenshot(page, "feedback-question")
    page.locator("label[for=face-1]").click()
    page.locator("#feedback-comment").fill("The box arrived soaked")
    page.locator("#feedback button[type=submit]").click()
    page.wait_for_url("**#feedback")
    assert page.locator("#face-1").is_checked()
    assert "Your rating is saved" in page.locator("#feedback").inner_text()
    page.locator(".problem__summary").click()
    assert page.locator("#problem-damaged").is_visible()
    assert axe_check(page) == []
    screenshot(page, "feedback-rated")
    assert DeliveryRating.objects.get().score == 1


def test_the_nps_page_passes_axe(
    live_server: Any, page: Any, delivered_parcel: Any, axe_check: Any, screenshot: Any
) -> None:
    from feedback import services

    request = services.nps_request_send(
        brand=delivered_parcel.brand,
        order_id=delivered_parcel.order_id,
        customer_id=delivered_parcel.order.customer_id,
        delivered_on=delivered_parcel.delivered_at.date(),
    )
    assert request is not None
    page.goto(f"{live_server.url}/casa-verde/feedback/nps/{request.token}/")
    assert page.locator("html").get_attribute("lang") == "ro"
    assert axe_check(page) == []
    page.locator("label[for=nps-8]").click()
    screenshot(page, "feedback-nps")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Mulțumim!"
    request.refresh_from_db()
    assert request.score == 8
