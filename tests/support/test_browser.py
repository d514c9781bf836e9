"""A shopper finds an answer without accents, says it helped, and asks a question from the tracking
page; the help centre passes axe at phone and desktop widths."""

from typing import Any

import pytest
from django.core import mail

from support import services
from support.models import Case, FaqArticle
from tests import factories
from tests.tracking import page_builders as build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def casa_verde(db: Any) -> Any:
    brand = factories.BrandFactory(
        slug="casa-verde",
        name="Casa Verde",
        default_locale="ro",
        primary_colour="#1f6f43",
        accent_colour="#b45309",
    )
    services.help_centre_starter_install(brand=brand)
    return brand


def test_a_shopper_finds_an_answer_typed_without_accents(
    live_server, casa_verde, page, axe_check, screenshot
):
    page.goto(f"{live_server.url}/casa-verde/help/")
    assert page.locator("h1").inner_text() == "Cu ce te putem ajuta?"
    assert axe_check(page) == []
    screenshot(page, "help-home")
    page.get_by_label("Caută în centrul de ajutor").fill("colet intarzie")
    page.get_by_role("button", name="Caută").click()
    result = page.get_by_role("link", name="Ce fac dacă coletul întârzie?")
    assert result.is_visible()
    screenshot(page, "help-search")
    result.click()
    assert page.locator("h1").inner_text() == "Ce fac dacă coletul întârzie?"
    assert axe_check(page) == []
    page.get_by_role("button", name="Da").click()
    assert page.get_by_text("Mulțumim că ne-ai spus.").is_visible()
    screenshot(page, "help-article")
    article = FaqArticle.objects.get(brand=casa_verde, locale="ro", slug="colet-intarziat")
    assert article.helpful_yes == 1
    assert article.views == 0  # a headless browser is not a shopper reading


def test_a_shopper_asks_from_the_tracking_page_without_javascript(
    live_server, casa_verde, page_without_js, page, axe_check, screenshot
):
    customer = factories.CustomerFactory(
        brand=casa_verde, email="ioana@example.com", first_name="Ioana", locale="ro"
    )
    order = build.order_with_lines(brand=casa_verde, customer=customer)
    shipment = build.parcel(order=order)
    page_without_js.goto(f"{live_server.url}/casa-verde/track/{shipment.token}/")
    page_without_js.get_by_role("link", name="Pune-ne o întrebare").click()
    assert page_without_js.get_by_text(f"Despre comanda #{order.number}").is_visible()
    page_without_js.get_by_label("Subiect").fill("Pot schimba adresa?")
    page_without_js.get_by_label("Întrebarea ta").fill("Mă mut mâine. Puteți livra la birou?")
    page_without_js.get_by_role("button", name="Trimite întrebarea").click()
    assert page_without_js.locator("h1").inner_text() == "Mulțumim, am primit mesajul tău"
    case = Case.objects.get()
    assert case.order == order
    assert case.shipment == shipment
    assert case.customer == customer
    confirmations = [message for message in mail.outbox if case.reference in message.subject]
    assert [message.to for message in confirmations] == [["ioana@example.com"]]
    # The confirmation and the form, checked where axe can run.
    page.goto(f"{live_server.url}/casa-verde/help/ask/?t={shipment.token}")
    assert axe_check(page) == []
    screenshot(page, "help-ask")
    page.goto(f"{live_server.url}/casa-verde/help/case/{case.token}/")
    assert page.get_by_text("Mă mut mâine. Puteți livra la birou?").is_visible()
    assert axe_check(page) == []
    screenshot(page, "help-case")
