"""The delivery rating on the tracking page: when it asks, one answer per parcel, the change window,
and everything a shopper (or a bot) can send that must change nothing."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feedback.models import MAX_COMMENT_LENGTH, DeliveryRating, FeedbackSettings
from support.models import Case, CaseKind, Priority
from tests.feedback.conftest import DELIVERED_SCANS, page_url, rate_url
from tests.tracking.page_builders import order_with_lines, parcel

pytestmark = pytest.mark.django_db

QUESTION = "How was your delivery?"


def post_rating(client: Any, brand: Any, shipment: Any, token: str | None = None, **fields: Any) -> Any:
    data = {"shipment": shipment.id, "score": "4", "comment": "", "lang": "en", **fields}
    return client.post(rate_url(brand, token or shipment.token), data)


def test_the_question_appears_only_once_the_parcel_is_delivered(
    client: Any, brand: Any, delivered: Any, in_transit: Any
) -> None:
    assert QUESTION in client.get(page_url(brand, delivered.token)).content.decode()
    assert QUESTION in client.get(page_url(brand, delivered.order.tracking_token)).content.decode()
    assert QUESTION not in client.get(page_url(brand, in_transit.token)).content.decode()


def test_the_question_shows_for_an_order_with_one_parcel_delivered_and_one_on_its_way(
    client: Any, brand: Any, customer: Any
) -> None:
    order = order_with_lines(brand=brand, customer=customer, number="3001")
    first = parcel(
        order=order, scans=DELIVERED_SCANS, tracking_number="A1", lines=[(order.lines.first().id, 1)]
    )
    travelling = parcel(order=order, tracking_number="A2", lines=[(order.lines.last().id, 1)])
    html = client.get(page_url(brand, travelling.token)).content.decode()
    assert QUESTION in html
    assert f'name="shipment" value="{first.id}"' in html


def test_a_rating_is_saved_and_the_page_says_thank_you(client: Any, brand: Any, delivered: Any) -> None:
    response = post_rating(client, brand, delivered, score="5", comment="Quick and friendly")
    assert response.status_code == 302
    assert response.url.endswith("#feedback")
    rating = DeliveryRating.objects.get()
    assert (rating.score, rating.comment, rating.locale) == (5, "Quick and friendly", "en")
    assert rating.shipment == delivered
    assert rating.order == delivered.order
    assert rating.brand == brand
    html = client.get(response.url).content.decode()
    assert "Thank you! Your rating is saved." in html
    assert 'value="5" id="face-5" required checked' in html
    assert not Case.objects.exists()


def test_one_answer_per_parcel_changed_within_the_window(client: Any, brand: Any, delivered: Any) -> None:
    post_rating(client, brand, delivered, score="5")
    post_rating(client, brand, delivered, score="3", comment="On second thought, fine")
    rating = DeliveryRating.objects.get()
    assert (rating.score, rating.comment) == (3, "On second thought, fine")


def test_after_the_window_the_block_thanks_and_a_change_is_refused(
    client: Any, brand: Any, delivered: Any
) -> None:
    FeedbackSettings.objects.create(brand=brand, csat_change_hours=24)
    post_rating(client, brand, delivered, score="4")
    DeliveryRating.objects.update(created_at=timezone.now() - timedelta(hours=25))

    html = client.get(page_url(brand, delivered.token)).content.decode()
    assert "Thank you for rating this delivery." in html
    assert 'name="score"' not in html

    response = post_rating(client, brand, delivered, score="1", comment="terrible")
    assert response.status_code == 409
    assert "can no longer be changed" in response.content.decode()
    rating = DeliveryRating.objects.get()
    assert (rating.score, rating.comment) == (4, "")
    assert not Case.objects.exists()


def test_a_low_rating_opens_one_follow_up_case_however_often_it_changes(
    client: Any, brand: Any, delivered: Any
) -> None:
    post_rating(client, brand, delivered, score="2", comment="Box was crushed")
    post_rating(client, brand, delivered, score="1", comment="Really, crushed")
    post_rating(client, brand, delivered, score="5")
    case = Case.objects.get()
    rating = DeliveryRating.objects.get()
    assert case.kind == CaseKind.FEEDBACK
    assert case.priority == Priority.HIGH
    assert case.source_key == f"csat:{rating.id}"
    assert (case.order_id, case.shipment_id, case.customer_id) == (
        delivered.order_id,
        delivered.id,
        delivered.order.customer_id,
    )


def test_a_good_score_with_a_negative_comment_opens_a_case(client: Any, brand: Any, delivered: Any) -> None:
    post_rating(client, brand, delivered, score="4", comment="Courier was rude but the parcel is fine")
    assert Case.objects.get().topic == "csat"


def test_a_parcel_not_yet_delivered_cannot_be_rated(client: Any, brand: Any, in_transit: Any) -> None:
    response = post_rating(client, brand, in_transit, score="5")
    assert response.status_code == 409
    assert "once the parcel has arrived" in response.content.decode()
    assert not DeliveryRating.objects.exists()


def test_a_parcel_of_another_brand_cannot_be_rated(
    client: Any, brand: Any, other_brand: Any, delivered: Any
) -> None:
    theirs = parcel(
        order=order_with_lines(brand=other_brand, number="9001"), scans=DELIVERED_SCANS, tracking_number="NW1"
    )
    # Their parcel through our page, and our parcel through their brand's URL.
    assert post_rating(client, brand, theirs, token=delivered.token).status_code == 404
    assert (
        client.post(
            rate_url(other_brand, delivered.token), {"shipment": delivered.id, "score": "5"}
        ).status_code
        == 404
    )
    assert post_rating(client, other_brand, theirs, token=delivered.token).status_code == 404
    assert not DeliveryRating.objects.exists()


def test_a_parcel_of_another_order_of_the_same_brand_cannot_be_rated(
    client: Any, brand: Any, customer: Any, delivered: Any
) -> None:
    other = parcel(
        order=order_with_lines(brand=brand, number="2099"), scans=DELIVERED_SCANS, tracking_number="X9"
    )
    assert post_rating(client, brand, other, token=delivered.token).status_code == 404
    assert not DeliveryRating.objects.exists()


@pytest.mark.parametrize(
    ("score", "comment"),
    [
        ("0", ""),
        ("6", ""),
        ("abc", ""),
        ("", ""),
        ("4.5", ""),
        ("4", "x" * (MAX_COMMENT_LENGTH + 1)),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(
    client: Any, brand: Any, delivered: Any, score: str, comment: str
) -> None:
    response = post_rating(client, brand, delivered, score=score, comment=comment)
    assert response.status_code == 400
    assert '<p class="lead" role="alert">' in response.content.decode()
    assert not DeliveryRating.objects.exists()


def test_bad_input_is_explained_in_the_shoppers_language(client: Any, brand: Any, delivered: Any) -> None:
    response = post_rating(client, brand, delivered, score="9", lang="ro")
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "ro"
    assert "Alege" in response.content.decode()


def test_a_missing_shipment_id_is_refused(client: Any, brand: Any, delivered: Any) -> None:
    response = client.post(rate_url(brand, delivered.token), {"score": "4"})
    assert response.status_code == 400
    assert not DeliveryRating.objects.exists()


@pytest.mark.parametrize("token", ["nope", "x" * 80, "bad%00token", "AAAAAAAAAAAAAAAAAAAA"])
def test_missing_or_invalid_tokens_are_not_found(client: Any, brand: Any, delivered: Any, token: str) -> None:
    response = client.post(f"/{brand.slug}/track/{token}/feedback/", {"shipment": delivered.id, "score": "4"})
    assert response.status_code == 404
    assert not DeliveryRating.objects.exists()


def test_only_post_is_accepted(client: Any, brand: Any, delivered: Any) -> None:
    assert client.get(rate_url(brand, delivered.token)).status_code == 405


def test_the_form_needs_a_csrf_token(brand: Any, delivered: Any) -> None:
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(rate_url(brand, delivered.token), {"shipment": delivered.id, "score": "4"})
    assert response.status_code == 403
    assert not DeliveryRating.objects.exists()


def test_a_flood_of_posts_from_one_client_is_limited(client: Any, brand: Any, delivered: Any) -> None:
    statuses = [post_rating(client, brand, delivered, score="5").status_code for _ in range(12)]
    assert statuses[:10] == [302] * 10
    assert statuses[10:] == [429, 429]
    assert DeliveryRating.objects.count() == 1


def test_the_blocks_add_a_constant_number_of_queries(
    client: Any, brand: Any, customer: Any, django_assert_max_num_queries: Any
) -> None:
    small = order_with_lines(brand=brand, customer=customer, number="4001", lines=1)
    parcel(order=small, scans=DELIVERED_SCANS, tracking_number="S1")
    big = order_with_lines(brand=brand, customer=customer, number="4002", lines=6)
    for index, line in enumerate(big.lines.all()):
        shipment = parcel(order=big, scans=DELIVERED_SCANS, tracking_number=f"B{index}", lines=[(line.id, 1)])
        DeliveryRating.objects.create(
            brand=brand, shipment=shipment, order=big, customer=customer, score=5, locale="en"
        )
    counts = []
    for order in (small, big):
        client.get(page_url(brand, order.tracking_token))
        with CaptureQueriesContext(connection) as captured:
            html = client.get(page_url(brand, order.tracking_token)).content.decode()
        assert QUESTION in html
        assert "Something wrong?" in html
        counts.append(len(captured))
    # the rated order reads the brand's settings for the change window: one more, never more
    assert counts[1] - counts[0] <= 1
    with django_assert_max_num_queries(counts[1]):
        client.get(page_url(brand, big.tracking_token))
