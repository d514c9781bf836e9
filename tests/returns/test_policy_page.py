"""The public policy page and the eligibility decisions come from the same rule objects."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from returns import selectors, services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]


def page(client, brand, lang="en") -> str:
    response = client.get(f"/{brand.slug}/policy/returns/?lang={lang}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_explains_each_category(client, brand, reasons):
    html = page(client, brand)

    assert "Apparel" in html
    assert "Gift cards" in html
    assert "Everything else" in html
    assert "within 14 days of delivery" in html
    assert "within 30 days of delivery" in html
    assert "Final sale: these items cannot be returned." in html
    assert "A restocking fee of 10% of the item price applies." in html
    assert "get 10% extra" in html
    assert "Tags must still be attached." in html
    assert "we cover all return costs" in html


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("ro", "în termen de 14 zile de la livrare"),
        ("pl", "w ciągu 14 dni od dostawy"),
        ("ru", "в течение 14 дней с момента доставки"),
    ],
)
def test_the_page_in_every_language(client, brand, lang, text):
    html = page(client, brand, lang)

    assert f'<html lang="{lang}">' in html
    assert text in html


def test_changing_a_rule_changes_both_the_page_and_the_decision(client, brand, make_order):
    order = make_order(("apparel", 1, "40.00"), delivered_at=timezone.now() - timedelta(days=20))
    book = selectors.policy_book(brand=brand)
    [before] = selectors.order_options(order=order, book=book, now=timezone.now())
    assert not before.eligible
    assert "within 14 days" in page(client, brand)

    services.rule_set(brand=brand, category="apparel", window_days=21, restocking_fee_percent=Decimal("0"))

    [after] = selectors.order_options(
        order=order, book=selectors.policy_book(brand=brand), now=timezone.now()
    )
    html = page(client, brand)
    assert after.eligible
    assert (
        after.rule is selectors.policy_book(brand=brand).by_category["apparel"]
        or after.rule.window_days == 21
    )
    assert "within 21 days" in html
    assert "within 14 days" not in html
    assert "restocking fee" not in html


def test_the_policy_page_of_an_unknown_brand(client):
    assert client.get("/nobody/policy/returns/").status_code == 404
