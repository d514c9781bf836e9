"""The order lookup form: finds the order, says nothing about orders it does not find, resists guessing."""

import re
from typing import Any

import pytest
from django.test import Client

from tests import factories
from tests.tracking.page_builders import order_with_lines
from tracking.models import TrackingPageView

pytestmark = pytest.mark.django_db


def lookup(brand: Any) -> str:
    return f"/{brand.slug}/track/"


def without_per_request_values(html: str, *echoed: str) -> str:
    """The page minus what differs on every request (CSRF token, CSP nonce) and the values typed in."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    html = re.sub(r'nonce="[^"]+"', "", html)
    for value in echoed:
        html = html.replace(f'value="{value}"', 'value=""')
    return html


@pytest.fixture
def shop_order(brand: Any) -> Any:
    customer = factories.CustomerFactory(brand=brand, email="Ioana.Pop@Example.com", locale="ro")
    return order_with_lines(brand=brand, customer=customer, number="1001", shipping_postal_code="010011")


def test_the_form_in_the_brands_language(client: Any, brand: Any) -> None:
    response = client.get(lookup(brand))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ro">' in html
    assert "Urmăriți comanda" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'maxlength="64"' in html
    assert 'maxlength="254"' in html
    assert "<script" not in html


@pytest.mark.parametrize(
    ("number", "contact"),
    [
        ("1001", "ioana.pop@example.com"),
        ("#1001", " IOANA.POP@EXAMPLE.COM "),
        ("1001", "010011"),
        ("1001", "010 011"),
    ],
)
def test_matching_details_lead_to_the_tracking_page(
    client: Any, brand: Any, shop_order: Any, number: str, contact: str
) -> None:
    response = client.post(lookup(brand), {"number": number, "contact": contact})

    assert response.status_code == 302
    assert response["Location"] == f"/{brand.slug}/track/{shop_order.tracking_token}/"
    assert client.get(response["Location"]).status_code == 200


def test_unknown_order_and_wrong_email_get_the_same_answer(client: Any, brand: Any, shop_order: Any) -> None:
    wrong_email = client.post(lookup(brand), {"number": "1001", "contact": "someone@example.com"})
    wrong_postcode = client.post(lookup(brand), {"number": "1001", "contact": "999999"})
    unknown_order = client.post(lookup(brand), {"number": "9999", "contact": "ioana.pop@example.com"})

    answers = {
        (
            wrong_email.status_code,
            without_per_request_values(wrong_email.content.decode(), "1001", "someone@example.com"),
        ),
        (
            unknown_order.status_code,
            without_per_request_values(unknown_order.content.decode(), "9999", "ioana.pop@example.com"),
        ),
        (
            wrong_postcode.status_code,
            without_per_request_values(wrong_postcode.content.decode(), "1001", "999999"),
        ),
    }
    assert len(answers) == 1
    assert wrong_email.status_code == wrong_postcode.status_code == unknown_order.status_code == 400
    assert "Nu am găsit nicio comandă cu aceste date." in wrong_email.content.decode()
    assert shop_order.tracking_token not in wrong_email.content.decode()


def test_another_brands_order_is_not_found_here(client: Any, brand: Any, other_brand: Any) -> None:
    theirs = order_with_lines(
        brand=other_brand, customer=factories.CustomerFactory(brand=other_brand, email="x@example.com")
    )

    response = client.post(lookup(brand), {"number": theirs.number, "contact": "x@example.com"})

    assert response.status_code == 400
    assert theirs.tracking_token not in response.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "number"),
        ({"number": "", "contact": ""}, "number"),
        ({"number": "1001"}, "contact"),
        ({"number": "1" * 65, "contact": "a@b.c"}, "number"),
        ({"number": "1001", "contact": "a" * 255}, "contact"),
        ({"number": "   ", "contact": "a@b.c"}, "number"),
    ],
)
def test_bad_input_gets_a_form_error_in_the_shoppers_language(
    client: Any, brand: Any, data: dict[str, str], field: str
) -> None:
    response = client.post(lookup(brand) + "?lang=pl", data)

    html = response.content.decode()
    assert response.status_code == 400
    assert f'id="{field}-error"' in html
    assert 'aria-invalid="true"' in html
    assert "To pole jest wymagane." in html or "Upewnij się, że ta wartość ma co najwyżej" in html


def test_lookups_are_rate_limited_per_client(client: Any, brand: Any, shop_order: Any) -> None:
    for _ in range(10):
        assert client.post(lookup(brand), {"number": "1", "contact": "x@example.com"}).status_code == 400

    limited = client.post(lookup(brand) + "?lang=ru", {"number": "1001", "contact": "ioana.pop@example.com"})

    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "Слишком много попыток" in limited.content.decode()
    assert shop_order.tracking_token not in limited.content.decode()
    other_client = Client(REMOTE_ADDR="10.9.8.7")
    assert other_client.post(lookup(brand), {"number": "1001", "contact": "010011"}).status_code == 302
    assert client.get(lookup(brand)).status_code == 200  # reading the form is not limited


def test_the_form_is_csrf_protected(brand: Any, shop_order: Any) -> None:
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(lookup(brand), {"number": "1001", "contact": "010011"})

    assert response.status_code == 403


def test_a_real_form_submission_with_its_csrf_token(brand: Any, shop_order: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    form = strict.get(lookup(brand)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token

    response = strict.post(
        lookup(brand), {"csrfmiddlewaretoken": token.group(1), "number": "1001", "contact": "010011"}
    )

    assert response.status_code == 302


def test_unknown_brand_is_not_found(client: Any) -> None:
    assert client.get("/nobody/track/").status_code == 404
    assert client.post("/nobody/track/", {"number": "1", "contact": "a@b.c"}).status_code == 404


def test_a_lookup_counts_no_page_view(client: Any, brand: Any, shop_order: Any) -> None:
    client.post(lookup(brand), {"number": "1001", "contact": "010011"})

    assert not TrackingPageView.objects.filter(order=shop_order).exists()


def test_other_methods_are_refused(client: Any, brand: Any) -> None:
    assert client.put(lookup(brand)).status_code == 405
    assert client.delete(lookup(brand)).status_code == 405
