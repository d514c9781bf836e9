"""Recommendations from rules and co-purchases, excluding what was bought and what is out of stock."""

from decimal import Decimal
from typing import Any

import pytest

from offers import recommendations
from offers.models import RecommendationRule
from tests import factories

pytestmark = pytest.mark.django_db


def buy(brand: Any, customer: Any, *products: Any) -> Any:
    order = factories.OrderFactory(brand=brand, customer=customer, total=Decimal("10.00"))
    for product in products:
        factories.OrderLineFactory(order=order, product=product)
    return order


def test_picks_follow_rules_and_co_purchases_and_skip_bought_and_out_of_stock(
    brand: Any, customer: Any
) -> None:
    phone = factories.ProductFactory(brand=brand, category="phones", title="Phone")
    case = factories.ProductFactory(brand=brand, category="cases", title="Case")
    case_sold_out = factories.ProductFactory(brand=brand, category="cases", title="Old case", in_stock=False)
    headphones = factories.ProductFactory(brand=brand, category="headphones", title="Headphones")
    charger = factories.ProductFactory(brand=brand, category="chargers", title="Charger")
    mug = factories.ProductFactory(brand=brand, category="home", title="Mug")
    RecommendationRule.objects.create(
        brand=brand, category="phones", suggest_categories=["cases", "headphones"]
    )
    other = factories.CustomerFactory(brand=brand)
    buy(brand, other, phone, charger)  # others bought a charger with the phone
    buy(brand, other, phone, charger, mug)
    buy(brand, customer, phone, headphones)

    recommendations.recommendations_compute(brand_id=brand.id)
    picks = recommendations.recommendations_for_page(customer_id=customer.id)

    titles = [product.title for product in picks]
    assert titles[0] == "Charger"  # bought together twice
    assert "Case" in titles
    assert "Headphones" not in titles  # already bought
    assert "Phone" not in titles
    assert case_sold_out not in picks
    case.in_stock = False
    case.save()
    assert case not in recommendations.recommendations_for_page(
        customer_id=customer.id
    )  # checked at read time


def test_the_page_shows_picks_with_links_through_the_brands_store(
    client: Any, brand: Any, customer: Any
) -> None:
    from offers.models import OffersSettings
    from tests.tracking.page_builders import parcel

    OffersSettings.objects.create(
        brand=brand,
        store_hosts=["magazin.casaverde.example"],
        product_url_template="https://magazin.casaverde.example/p/{sku}",
    )
    phone = factories.ProductFactory(brand=brand, category="phones")
    case = factories.ProductFactory(brand=brand, category="cases", title="Leather case", sku="CASE-9")
    RecommendationRule.objects.create(brand=brand, category="phones", suggest_categories=["cases"])
    order = buy(brand, customer, phone)
    parcel(order=order)
    recommendations.recommendations_compute(brand_id=brand.id)

    html = client.get(f"/{brand.slug}/track/{order.tracking_token}/", {"lang": "en"}).content.decode()
    assert "Goes well with your order" in html
    assert "Leather case" in html
    go = client.get(f"/{brand.slug}/go/p/{case.id}/")
    assert go["Location"] == "https://magazin.casaverde.example/p/CASE-9"
