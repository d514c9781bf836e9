"""The tracking page shows the points this order earns, the balance and tier, and redeems points."""

from decimal import Decimal
from typing import Any

import pytest

from loyalty.models import DiscountCode, LoyaltyAccount
from tests.loyalty.conftest import give
from tests.tracking.page_builders import S, parcel

pytestmark = pytest.mark.django_db


def page_url(brand: Any, order: Any) -> str:
    return f"/{brand.slug}/track/{order.tracking_token}/"


def prove(client: Any, brand: Any, order: Any) -> None:
    """Find the order with its number and the shopper's email: the proof spending points asks for."""
    response = client.post(f"/{brand.slug}/track/", {"number": order.number, "contact": order.customer.email})
    assert response.status_code == 302


def test_in_transit_the_page_says_what_the_order_will_earn(
    client: Any, brand: Any, member: Any, make_order: Any
) -> None:
    order = make_order(("home", 1, "120.50"), delivered_at=None, total=Decimal("120.50"))
    parcel(order=order)
    give(member, 40)

    html = client.get(page_url(brand, order), {"lang": "en"}).content.decode()

    assert "This order earns you 120 points when it is delivered." in html
    assert 'class="loyalty__balance">40<' in html
    assert "Member" in html
    assert "0 of 500 points this year towards Silver." in html  # adjustments do not count
    assert "/r/" in html  # the referral link


def test_delivered_the_page_shows_the_points_earned_and_the_tier_in_romanian(
    client: Any, brand: Any, member: Any, make_order: Any
) -> None:
    order = make_order(("home", 1, "600.00"), total=Decimal("600.00"))
    prove(client, brand, order)

    html = client.get(page_url(brand, order), {"lang": "ro"}).content.decode()

    assert 'class="loyalty__balance">600<' in html
    assert "Silver-ro" in html
    assert "Free shipping-ro" in html
    assert 'name="points"' in html
    assert '<option value="600">' in html


def test_redeeming_on_the_page_issues_a_code_shown_on_the_page(
    client: Any, brand: Any, member: Any, make_order: Any
) -> None:
    order = make_order(("home", 1, "250.00"), total=Decimal("250.00"))
    prove(client, brand, order)

    response = client.post(f"{page_url(brand, order)}points/", {"points": "200"})

    assert response.status_code == 302
    assert response["Location"].endswith("?points=done#loyalty")
    code = DiscountCode.objects.get(customer=member)
    assert code.value == Decimal("10.00")
    html = client.get(response["Location"].split("#")[0] + "&lang=en").content.decode()
    assert code.code in html
    assert "Done! Use your code at checkout." in html
    assert LoyaltyAccount.objects.get(customer=member).balance == 50


@pytest.mark.parametrize(
    ("points", "state"), [("300", "short"), ("150", "invalid"), ("abc", "invalid"), ("", "invalid")]
)
def test_redeeming_wrongly_on_the_page_changes_nothing(
    client: Any, brand: Any, member: Any, make_order: Any, points: str, state: str
) -> None:
    order = make_order(("home", 1, "250.00"), total=Decimal("250.00"))
    prove(client, brand, order)

    response = client.post(f"{page_url(brand, order)}points/", {"points": points})

    assert response["Location"].endswith(f"?points={state}#loyalty")
    assert not DiscountCode.objects.exists()
    assert LoyaltyAccount.objects.get(customer=member).balance == 250


def test_redeeming_with_another_brands_token_is_not_found(
    client: Any, brand: Any, other_brand: Any, member: Any, make_order: Any
) -> None:
    order = make_order(("home", 1, "250.00"), total=Decimal("250.00"))
    response = client.post(f"/{other_brand.slug}/track/{order.tracking_token}/points/", {"points": "100"})
    assert response.status_code == 404
    assert not DiscountCode.objects.exists()


def test_the_block_keeps_a_constant_number_of_queries(
    client: Any, brand: Any, member: Any, make_order: Any, django_assert_max_num_queries: Any
) -> None:
    small = make_order(("home", 1, "10.00"), delivered_at=None)
    parcel(order=small, scans=[(S.IN_TRANSIT, 3, "", "")])
    big = make_order(*[("home", 1, "10.00")] * 6, delivered_at=None)
    for line in big.lines.all():
        parcel(order=big, lines=[(line.id, 1)])
    give(member, 900)
    for order in (small, big):
        client.get(page_url(brand, order))

    counts = []
    for order in (small, big):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(page_url(brand, order)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
