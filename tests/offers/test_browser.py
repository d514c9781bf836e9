"""What a shopper sees of loyalty, recommendations and offers on the tracking page, and what they click."""

import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail

from loyalty import services as loyalty_services
from loyalty.models import DiscountCode, LoyaltyProgramme, LoyaltyTier
from offers import recommendations
from offers.models import ContentBlock, OffersSettings, RecommendationRule
from tests import factories
from tests.tracking.page_builders import parcel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey() -> Any:
    brand = factories.BrandFactory(
        slug="casa-verde",
        name="Casa Verde",
        default_locale="ro",
        primary_colour="#14532d",
        accent_colour="#a16207",
    )
    LoyaltyProgramme.objects.create(brand=brand, currency="RON", point_value=Decimal("0.05"), redeem_step=100)
    LoyaltyTier.objects.create(
        brand=brand,
        name="Silver",
        min_points=0,
        perks="Free shipping",
        translations={"ro": {"name": "Argint", "perks": "Livrare gratuită"}},
    )
    OffersSettings.objects.create(
        brand=brand,
        store_hosts=["magazin.casaverde.example"],
        product_url_template="https://magazin.casaverde.example/p/{sku}",
    )
    RecommendationRule.objects.create(brand=brand, category="phones", suggest_categories=["phone-cases"])
    factories.ProductFactory(
        brand=brand, category="phone-cases", title="Husă din piele", price=Decimal("129.00"), currency="RON"
    )
    ContentBlock.objects.create(
        brand=brand,
        kind="guide",
        locale="ro",
        title="Cum ai grijă de telefon",
        body="<p>Ține bateria între 20% și 80%.</p>",
        link_url="https://magazin.casaverde.example/ghid",
        link_label="Citește ghidul",
        categories=["phones"],
    )
    customer = factories.CustomerFactory(brand=brand, email="ioana@example.com", locale="ro")
    order = factories.OrderFactory(
        brand=brand, customer=customer, number="1042", total=Decimal("2499.00"), currency="RON"
    )
    factories.OrderLineFactory(
        order=order, product=factories.ProductFactory(brand=brand, category="phones", title="Telefon Aurora")
    )
    parcel(order=order)
    loyalty_services.points_adjust(customer_id=customer.id, points=400, reason="Welcome", actor_id=None)
    recommendations.recommendations_compute(brand_id=brand.id)
    return order


def test_a_shopper_sees_points_picks_and_a_guide_redeems_points_and_follows_the_guide(
    live_server: Any, page: Any, journey: Any, axe_check: Any, screenshot: Any
) -> None:
    url = f"{live_server.url}/casa-verde/track/{journey.tracking_token}/?lang=ro"
    page.goto(url)

    loyalty = page.locator("#loyalty")
    assert "Punctele tale" in loyalty.inner_text()
    assert "2499" in loyalty.inner_text()  # what this order will earn
    assert loyalty.locator(".loyalty__balance").inner_text() == "400"
    assert "Argint" in loyalty.inner_text()
    assert "Husă din piele" in page.locator(".recommendations").inner_text()
    assert "Cum ai grijă de telefon" in page.locator(".offer").inner_text()
    screenshot(page, "growth-tracking-page")
    assert axe_check(page) == []

    # The link alone does not spend points: the shopper proves it is them with a code by email.
    assert page.locator("#redeem-points").count() == 0
    loyalty.get_by_role("button", name="Trimite-mi un cod pe email").click()
    page.wait_for_url("**points=code*")
    emailed = re.search(r"\b(\d{6})\b", mail.outbox[-1].body)
    assert emailed is not None
    page.fill("#points-code", emailed.group(1))
    page.locator("#loyalty").get_by_role("button", name="Confirmă").click()
    page.wait_for_url("**points=proved*")
    page.select_option("#redeem-points", "400")
    page.get_by_role("button", name="Vreau codul").click()
    page.wait_for_url("**points=done*")
    code = DiscountCode.objects.get(purpose="points")
    assert code.code in page.locator("#loyalty").inner_text()
    assert page.locator(".loyalty__balance").inner_text() == "0"

    page.route(
        "https://magazin.casaverde.example/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Ghid</title><h1>Ghid</h1>"
        ),
    )
    page.get_by_role("link", name="Citește ghidul").click()
    page.wait_for_url("https://magazin.casaverde.example/ghid")
    assert ContentBlock.objects.get().clicks == 1
