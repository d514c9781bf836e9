"""The tracking page with loyalty, recommendations and offers costs the same queries for any order."""

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loyalty import services as loyalty_services
from offers import recommendations
from offers.models import ContentBlock, OffersSettings, RecommendationRule
from tests import factories
from tests.tracking.page_builders import parcel

pytestmark = pytest.mark.django_db


def test_growth_blocks_add_a_constant_number_of_queries(client: Any, brand: Any, member: Any) -> None:
    OffersSettings.objects.create(brand=brand, store_hosts=["magazin.casaverde.example"])
    RecommendationRule.objects.create(brand=brand, category="phones", suggest_categories=["cases"])
    for index in range(4):
        factories.ProductFactory(brand=brand, category="cases", title=f"Case {index}")
    for index in range(3):
        ContentBlock.objects.create(
            brand=brand, kind="guide", title=f"Guide {index}", locale="en", categories=["phones"]
        )
    loyalty_services.points_adjust(customer_id=member.id, points=500, reason="start", actor_id=None)
    small = factories.OrderFactory(brand=brand, customer=member, total=Decimal(10))
    factories.OrderLineFactory(order=small, product=factories.ProductFactory(brand=brand, category="phones"))
    parcel(order=small)
    big = factories.OrderFactory(brand=brand, customer=member, total=Decimal(900))
    for _ in range(6):
        factories.OrderLineFactory(
            order=big, product=factories.ProductFactory(brand=brand, category="phones")
        )
    for line in big.lines.all():
        parcel(order=big, lines=[(line.id, 1)])
    recommendations.recommendations_compute(brand_id=brand.id)

    counts = []
    for order in (small, big):
        client.get(f"/{brand.slug}/track/{order.tracking_token}/", {"lang": "en"})
        with CaptureQueriesContext(connection) as captured:
            html = client.get(f"/{brand.slug}/track/{order.tracking_token}/", {"lang": "en"}).content.decode()
        assert "Your points" in html
        assert "Goes well with your order" in html
        assert "Guide 0" in html
        counts.append(len(captured))

    assert counts[0] == counts[1]
    # tracking's 8, loyalty 3 (standing, tiers, codes), recommendations 1, offers 1 + impressions 1,
    # help answers 1
    assert counts[0] <= 15
