"""The NPS page: the scale in the shopper's language, one answer, the thank-you code, follow-up cases,
and the bad input that must change nothing."""

from typing import Any

import pytest
from django.utils import timezone

from feedback import services
from feedback.models import MAX_COMMENT_LENGTH, FeedbackSettings, NpsRequest
from loyalty.models import DiscountCode
from support.models import Case, CaseKind, Priority

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked(brand: Any, delivered_order: Any) -> NpsRequest:
    request = services.nps_request_send(
        brand=brand,
        order_id=delivered_order.id,
        customer_id=delivered_order.customer_id,
        delivered_on=timezone.localdate(),
    )
    assert request is not None
    return request


def nps_url(request: NpsRequest, brand: Any | None = None) -> str:
    return f"/{(brand or request.brand).slug}/feedback/nps/{request.token}/"


def test_the_page_asks_in_the_shoppers_language_with_a_0_to_10_scale(client: Any, asked: NpsRequest) -> None:
    response = client.get(nps_url(asked))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "ro"  # the customer's language
    assert "Cât de probabil este să recomanzi Casa Verde unui prieten?" in html
    for value in range(11):
        assert f'id="nps-{value}"' in html
        assert f'<label class="nps__label" for="nps-{value}">{value}</label>' in html
    assert "<script" not in html


def test_an_answer_is_taken_once_and_thanked(client: Any, asked: NpsRequest) -> None:
    response = client.post(nps_url(asked), {"score": "10", "comment": "Foarte mulțumită"})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.score, asked.comment, asked.locale) == (10, "Foarte mulțumită", "ro")
    assert asked.answered_at is not None
    assert "Mulțumim!" in client.get(response.url).content.decode()
    # A second post (back button, double tap) changes nothing.
    again = client.post(nps_url(asked), {"score": "0"})
    assert again.status_code == 200
    asked.refresh_from_db()
    assert asked.score == 10
    assert not Case.objects.exists()
    assert not DiscountCode.objects.exists()


def test_the_thank_you_code_when_the_brand_offers_one(client: Any, brand: Any, asked: NpsRequest) -> None:
    FeedbackSettings.objects.create(brand=brand, thank_you_coupon=True, coupon_percent=15)
    response = client.post(nps_url(asked), {"score": "9"}, follow=True)
    code = DiscountCode.objects.get()
    assert (code.customer_id, code.purpose, code.value) == (asked.customer_id, "thank_you", 15)
    assert code.code in response.content.decode()
    client.post(nps_url(asked), {"score": "9"})
    assert DiscountCode.objects.count() == 1


@pytest.mark.parametrize(("score", "comment"), [("6", ""), ("9", "but it arrived damaged")])
def test_detractors_and_negative_comments_open_one_case(
    client: Any, asked: NpsRequest, score: str, comment: str
) -> None:
    client.post(nps_url(asked), {"score": score, "comment": comment})
    client.post(nps_url(asked), {"score": score, "comment": comment})
    case = Case.objects.get()
    assert (case.kind, case.priority, case.topic) == (CaseKind.FEEDBACK, Priority.HIGH, "nps")
    assert case.source_key == f"nps:{asked.id}"
    assert (case.order_id, case.customer_id) == (asked.order_id, asked.customer_id)


@pytest.mark.parametrize(
    ("score", "comment"),
    [("11", ""), ("-1", ""), ("abc", ""), ("", ""), ("5", "x" * (MAX_COMMENT_LENGTH + 1))],
)
def test_bad_answers_are_refused_in_the_shoppers_language(
    client: Any, asked: NpsRequest, score: str, comment: str
) -> None:
    response = client.post(nps_url(asked), {"score": score, "comment": comment})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert response.headers["Content-Language"] == "ro"
    asked.refresh_from_db()
    assert asked.answered_at is None
    assert asked.score is None


def test_another_brands_url_and_unknown_tokens_are_not_found(
    client: Any, other_brand: Any, asked: NpsRequest
) -> None:
    assert client.get(nps_url(asked, other_brand)).status_code == 404
    assert client.post(nps_url(asked, other_brand), {"score": "0"}).status_code == 404
    assert client.get(f"/{asked.brand.slug}/feedback/nps/AAAAAAAAAAAAAAAAAAAA/").status_code == 404
    assert client.get(f"/{asked.brand.slug}/feedback/nps/bad%00token/").status_code == 404
    asked.refresh_from_db()
    assert asked.answered_at is None


def test_a_flood_of_answers_is_limited(client: Any, asked: NpsRequest) -> None:
    statuses = [client.post(nps_url(asked), {"score": "x"}).status_code for _ in range(12)]
    assert statuses[:10] == [400] * 10
    assert statuses[10:] == [429, 429]
