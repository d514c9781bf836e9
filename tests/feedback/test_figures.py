"""CSAT, NPS and response rates for one brand, and the admin page that shows them to its staff only."""

from typing import Any

import pytest
from django.utils import timezone

from feedback.models import DeliveryRating, NpsRequest
from feedback.selectors import feedback_figures
from tests import factories
from tests.feedback.conftest import DELIVERED_SCANS
from tests.tracking.page_builders import order_with_lines, parcel

pytestmark = pytest.mark.django_db


def rated(brand: Any, number: str, score: int | None, *, carrier: str = "dpd", comment: str = "") -> Any:
    order = order_with_lines(brand=brand, number=number, lines=1)
    order.lines.update(product=factories.ProductFactory(brand=brand, category="mugs"))
    shipment = parcel(
        order=order, scans=DELIVERED_SCANS, tracking_number=f"F{number}", carrier=(carrier, carrier.upper())
    )
    if score is not None:
        DeliveryRating.objects.create(
            brand=brand, shipment=shipment, order=order, customer=order.customer, score=score, comment=comment
        )
    return order


def asked(order: Any, score: int | None) -> None:
    NpsRequest.objects.create(
        brand=order.brand,
        order=order,
        customer=order.customer,
        delivered_on=timezone.localdate(),
        score=score,
        answered_at=timezone.now() if score is not None else None,
    )


@pytest.fixture
def history(brand: Any, other_brand: Any) -> None:
    a = rated(brand, "1", 5)
    b = rated(brand, "2", 4, carrier="fan")
    c = rated(brand, "3", 1, comment="the box was crushed")
    rated(brand, "4", None)  # delivered, not rated
    asked(a, 10)
    asked(b, 9)
    asked(c, 3)
    asked(rated(brand, "5", None), None)  # asked, no answer
    rated(other_brand, "9", 1)  # another brand's figures never mix in


def test_the_figures_of_one_brand(brand: Any, history: None) -> None:
    figures = feedback_figures(brand=brand)
    total = figures.total
    assert (total.delivered, total.ratings, total.satisfied) == (5, 3, 2)
    assert total.csat == 66.7
    assert total.csat_response_rate == 60.0
    assert (total.nps_sent, total.nps_answers, total.promoters, total.detractors) == (4, 3, 2, 1)
    assert total.nps == 33.3
    assert total.nps_response_rate == 75.0
    assert [row.key for row in figures.by_month] == [timezone.localdate().strftime("%Y-%m")]
    by_carrier = {row.key: row for row in figures.by_carrier}
    assert (by_carrier["dpd"].ratings, by_carrier["dpd"].csat) == (2, 50.0)
    assert (by_carrier["fan"].ratings, by_carrier["fan"].csat) == (1, 100.0)
    by_category = {row.key: row for row in figures.by_category}
    assert by_category["mugs"].delivered == 5
    assert by_category["mugs"].nps == 33.3


def test_the_admin_shows_the_owner_their_figures_and_searches_comments(
    client: Any, brand: Any, other_brand: Any, history: None, staff_of: Any
) -> None:
    client.force_login(staff_of(brand, "owner"))
    html = client.get("/admin/feedback/deliveryrating/").content.decode()
    assert "Figures for Casa Verde" in html
    assert "CSAT: 66.7%" in html
    # Tracking numbers as the list shows them (">F1<"): a bare "F9" may appear in a random CSRF token.
    assert "F1<" in html
    assert "F9<" not in html  # the other brand's parcel
    found = client.get("/admin/feedback/deliveryrating/", {"q": "crushed"}).content.decode()
    assert "the box was crushed" in found
    assert "F1<" not in found


def test_support_agents_can_read_ratings_and_nps_but_not_change_settings(
    client: Any, brand: Any, history: None, staff_of: Any
) -> None:
    client.force_login(staff_of(brand, "support_agent"))
    assert client.get("/admin/feedback/deliveryrating/").status_code == 200
    assert client.get("/admin/feedback/npsrequest/").status_code == 200
    assert client.get("/admin/feedback/feedbacksettings/add/").status_code == 403


def test_staff_of_another_brand_see_none_of_ours(
    client: Any, other_brand: Any, history: None, staff_of: Any
) -> None:
    client.force_login(staff_of(other_brand, "owner"))
    html = client.get("/admin/feedback/deliveryrating/", {"q": "crushed"}).content.decode()
    assert "the box was crushed" not in html
    assert "Figures for Northwind Outfitters" in html


def test_the_demo_adds_ratings_once(db: None) -> None:
    from demo.seed import seed_all
    from feedback.seed import seed_feedback

    seed_all()
    first = DeliveryRating.objects.count()
    assert first > 0
    assert seed_feedback()
    assert DeliveryRating.objects.count() == first
