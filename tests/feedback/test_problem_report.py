"""'Something wrong?': a case per parcel and topic, the return that follows, and what bots get."""

from typing import Any

import pytest

from feedback.models import MAX_COMMENT_LENGTH
from support.models import Case, CaseKind, Priority
from tests.feedback.conftest import DELIVERED_SCANS, page_url
from tests.tracking.page_builders import order_with_lines, parcel

pytestmark = pytest.mark.django_db


def report(client: Any, brand: Any, target: Any, token: str | None = None, **fields: Any) -> Any:
    data = {
        "shipment": target.id,
        "topic": "damaged",
        "description": "",
        "website": "",
        "lang": "en",
        **fields,
    }
    return client.post(f"/{brand.slug}/track/{token or target.token}/problem/", data)


def test_the_form_is_on_the_page_with_every_topic(client: Any, brand: Any, in_transit: Any) -> None:
    html = client.get(page_url(brand, in_transit.token)).content.decode()
    assert "Something wrong?" in html
    for topic in ("not_received", "damaged", "wrong_item", "missing_item", "wrong_address", "late"):
        assert f'id="problem-{topic}"' in html


@pytest.mark.parametrize(
    ("topic", "priority"),
    [("not_received", Priority.URGENT), ("damaged", Priority.HIGH), ("late", Priority.NORMAL)],
)
def test_a_report_opens_one_case_with_the_parcel_and_a_priority_by_topic(
    client: Any, brand: Any, delivered: Any, topic: str, priority: int
) -> None:
    for _ in range(2):  # a double submit
        response = report(client, brand, delivered, topic=topic, description="The lid is cracked")
        assert response.status_code == 302
        assert response.url.endswith("#problem")
    case = Case.objects.get()
    assert (case.kind, case.topic, case.priority) == (CaseKind.PROBLEM, topic, priority)
    assert (case.shipment_id, case.order_id, case.customer_id) == (
        delivered.id,
        delivered.order_id,
        delivered.order.customer_id,
    )
    assert case.source_key == f"problem:{delivered.id}:{topic}"
    assert case.messages.get().body == "The lid is cracked"


def test_damaged_leads_on_to_a_return_with_the_reason_chosen(client: Any, brand: Any, delivered: Any) -> None:
    response = report(client, brand, delivered, topic="damaged")
    html = client.get(response.url).content.decode()
    assert "Thank you for telling us" in html
    link = next(part.split('"')[0] for part in html.split('href="')[1:] if "?reason=" in part)
    assert link.endswith("?reason=damaged")
    portal = client.get(link.replace("&amp;", "&") + "&lang=en").content.decode()
    checked = [line for line in portal.split("<label") if "checked" in line and 'name="reason"' in line]
    assert len(checked) == 1
    assert "Arrived damaged or faulty" in checked[0]


def test_the_returns_portal_ignores_an_unknown_reason(client: Any, brand: Any, delivered: Any) -> None:
    from returns.links import start_url

    url = start_url(brand_slug=brand.slug, brand_id=brand.id, order_id=delivered.order_id)
    portal = client.get(url, {"lang": "en", "reason": "nope"})
    assert portal.status_code == 200
    assert not [line for line in portal.content.decode().split("<label") if "checked" in line]


def test_late_does_not_offer_a_return(client: Any, brand: Any, in_transit: Any) -> None:
    response = report(client, brand, in_transit, topic="late")
    html = client.get(response.url).content.decode()
    assert "Thank you for telling us" in html
    assert "Start a return" not in html


def test_the_honeypot_writes_nothing(client: Any, brand: Any, delivered: Any) -> None:
    response = report(client, brand, delivered, website="http://spam.example")
    assert response.status_code == 302
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"topic": "flooded"},
        {"topic": ""},
        {"description": "x" * (MAX_COMMENT_LENGTH + 1)},
        {"shipment": "abc"},
    ],
)
def test_bad_reports_are_refused_with_a_message(client: Any, brand: Any, delivered: Any, fields: Any) -> None:
    response = report(client, brand, delivered, **fields)
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not Case.objects.exists()


def test_a_parcel_of_another_brand_or_order_is_not_found(
    client: Any, brand: Any, other_brand: Any, delivered: Any
) -> None:
    theirs = parcel(
        order=order_with_lines(brand=other_brand, number="9100"), scans=DELIVERED_SCANS, tracking_number="T1"
    )
    ours_other = parcel(
        order=order_with_lines(brand=brand, number="9101"), scans=DELIVERED_SCANS, tracking_number="T2"
    )
    assert report(client, brand, theirs, token=delivered.token).status_code == 404
    assert report(client, brand, ours_other, token=delivered.token).status_code == 404
    assert report(client, other_brand, delivered).status_code == 404
    assert not Case.objects.exists()


def test_a_flood_of_reports_is_limited(client: Any, brand: Any, delivered: Any) -> None:
    statuses = [report(client, brand, delivered).status_code for _ in range(12)]
    assert statuses[10:] == [429, 429]
    assert Case.objects.count() == 1
