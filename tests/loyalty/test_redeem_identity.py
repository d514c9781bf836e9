"""Spending points needs the shopper's proof, not just the tracking link: a code to the email on file,
or the order number + email lookup in this session."""

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from common.identity import PROOF_LASTS
from loyalty.models import DiscountCode, LoyaltyAccount
from notifications.models import ContactVerification
from notifications.verification import CODE_TTL, MAX_ATTEMPTS
from tests import factories

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def order(member: Any, make_order: Any) -> Any:
    return make_order(("home", 1, "250.00"), total=Decimal("250.00"))


def url(order: Any, tail: str = "") -> str:
    return f"/{order.brand.slug}/track/{order.tracking_token}/{tail}"


def emailed_code(mailoutbox: list[Any]) -> str:
    found = re.search(r"\b(\d{6})\b", mailoutbox[-1].body)
    assert found is not None
    return found.group(1)


def balance(customer: Any) -> int:
    return LoyaltyAccount.objects.get(customer=customer).balance


def test_a_link_holder_cannot_turn_points_into_a_code(client: Any, order: Any, member: Any) -> None:
    """The hole: anyone with the link used to get a discount code worth the shopper's points."""
    response = client.post(url(order, "points/"), {"points": "200"})
    assert response["Location"].endswith("?points=prove#loyalty")
    assert not DiscountCode.objects.exists()
    assert balance(member) == 250


def test_a_link_holder_does_not_see_codes_already_issued(
    client: Any, order: Any, member: Any, mailoutbox: list[Any]
) -> None:
    from loyalty import services

    issued = services.points_redeem(customer_id=member.id, points=100)
    html = client.get(url(order), {"lang": "en"}).content.decode()
    assert issued.code not in html
    assert 'name="points"' not in html
    assert "i•••@example.com" in html
    assert "Email me a code" in html


def test_the_code_emailed_to_the_address_on_file_lets_this_session_spend(
    client: Any, order: Any, member: Any, mailoutbox: list[Any]
) -> None:
    response = client.post(url(order, "points/code/"))
    assert response["Location"].endswith("?points=code#loyalty")
    assert [message.to for message in mailoutbox] == [[member.email]]
    code = emailed_code(mailoutbox)
    assert code not in ContactVerification.objects.get().code_hash

    stranger = Client()  # another browser with the same link and, somehow, the code
    assert client.post(url(order, "points/confirm/"), {"code": code})["Location"].endswith(
        "?points=proved#loyalty"
    )
    assert stranger.post(url(order, "points/"), {"points": "200"})["Location"].endswith(
        "?points=prove#loyalty"
    )
    assert stranger.post(url(order, "points/confirm/"), {"code": code})["Location"].endswith(
        "?points=used#loyalty"
    )

    assert client.post(url(order, "points/"), {"points": "200"})["Location"].endswith("?points=done#loyalty")
    assert balance(member) == 50
    html = client.get(url(order), {"lang": "en"}).content.decode()
    assert DiscountCode.objects.get().code in html


def test_the_proof_lasts_a_while_not_for_ever(
    client: Any, order: Any, member: Any, mailoutbox: list[Any], frozen: Any
) -> None:
    client.post(url(order, "points/code/"))
    client.post(url(order, "points/confirm/"), {"code": emailed_code(mailoutbox)})
    frozen.move_to(NOW + PROOF_LASTS + timedelta(seconds=1))
    assert client.post(url(order, "points/"), {"points": "100"})["Location"].endswith("?points=prove#loyalty")
    assert balance(member) == 250


@pytest.mark.parametrize("how", ["wrong", "expired", "too_many", "replayed"])
def test_bad_codes_prove_nothing(
    client: Any, order: Any, member: Any, mailoutbox: list[Any], frozen: Any, how: str
) -> None:
    client.post(url(order, "points/code/"))
    code = emailed_code(mailoutbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    if how == "wrong":
        answer = client.post(url(order, "points/confirm/"), {"code": wrong})
        expected = "wrong"
    elif how == "expired":
        frozen.move_to(NOW + CODE_TTL + timedelta(seconds=1))
        answer = client.post(url(order, "points/confirm/"), {"code": code})
        expected = "expired"
    elif how == "too_many":
        for _ in range(MAX_ATTEMPTS):
            client.post(url(order, "points/confirm/"), {"code": wrong})
        answer = client.post(url(order, "points/confirm/"), {"code": code})
        expected = "too_many"
    else:
        other = Client()
        other.post(url(order, "points/confirm/"), {"code": code})
        answer = client.post(url(order, "points/confirm/"), {"code": code})
        expected = "used"
    assert answer.status_code == 302
    assert answer["Location"].endswith(f"?points={expected}#loyalty")
    assert client.post(url(order, "points/"), {"points": "200"})["Location"].endswith("?points=prove#loyalty")
    assert not DiscountCode.objects.exists()
    assert balance(member) == 250


def test_another_brands_token_is_404(
    client: Any, order: Any, other_brand: Any, mailoutbox: list[Any]
) -> None:
    factories.OrderFactory(brand=other_brand)
    wrong_brand = f"/{other_brand.slug}/track/{order.tracking_token}/points/"
    assert client.post(f"{wrong_brand}code/").status_code == 404
    assert client.post(f"{wrong_brand}confirm/", {"code": "123456"}).status_code == 404
    assert client.post(wrong_brand, {"points": "100"}).status_code == 404
    assert mailoutbox == []
    assert not ContactVerification.objects.exists()


def test_the_lookup_with_order_number_and_email_is_proof(client: Any, order: Any, member: Any) -> None:
    response = client.post(f"/{order.brand.slug}/track/", {"number": order.number, "contact": member.email})
    assert response.status_code == 302
    assert client.post(url(order, "points/"), {"points": "100"})["Location"].endswith("?points=done#loyalty")


def test_the_lookup_with_a_postal_code_is_not(client: Any, order: Any, member: Any) -> None:
    response = client.post(
        f"/{order.brand.slug}/track/", {"number": order.number, "contact": order.shipping_postal_code}
    )
    assert response.status_code == 302
    assert client.post(url(order, "points/"), {"points": "100"})["Location"].endswith("?points=prove#loyalty")
    assert balance(member) == 250


def test_proof_for_one_customer_is_not_proof_for_another(
    client: Any, brand: Any, order: Any, member: Any, other_customer: Any
) -> None:
    from loyalty import services

    services.account_ensure(customer_id=other_customer.id)
    other_order = factories.OrderFactory(brand=brand, customer=other_customer)
    client.post(f"/{brand.slug}/track/", {"number": other_order.number, "contact": other_customer.email})
    assert client.post(url(order, "points/"), {"points": "100"})["Location"].endswith("?points=prove#loyalty")


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "We emailed a 6-digit code to"),
        ("ro", "Am trimis un cod din 6 cifre la"),
        ("pl", "Wysłaliśmy 6-cyfrowy kod na adres"),
        ("ru", "Мы отправили 6-значный код на"),
    ],
)
def test_the_proof_step_speaks_the_shoppers_language(client: Any, order: Any, lang: str, words: str) -> None:
    html = client.get(url(order), {"lang": lang, "points": "code"}).content.decode()
    assert words in html
    assert 'name="code"' in html


def test_the_emailed_code_is_in_the_shoppers_language(client: Any, order: Any, mailoutbox: list[Any]) -> None:
    client.post(url(order, "points/code/"))  # the customer fixture reads Romanian
    assert "codul tău este" in mailoutbox[0].body
