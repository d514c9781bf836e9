"""Offer blocks: sanitized, targeted, counted; the redirect goes only to the brand's own hosts."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from offers import content, services
from offers.models import ContentBlock, OffersSettings
from tests import factories
from tests.tracking.page_builders import parcel
from tracking import page_counters

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(brand: Any) -> OffersSettings:
    return OffersSettings.objects.create(
        brand=brand,
        store_hosts=["magazin.casaverde.example"],
        product_url_template="https://magazin.casaverde.example/p/{sku}",
        thank_you_percent=10,
        birthday_percent=15,
        anniversary_percent=10,
    )


def block(brand: Any, **fields: Any) -> ContentBlock:
    values = {
        "kind": "banner",
        "title": "Autumn sale",
        "locale": "en",
        "link_url": "https://magazin.casaverde.example/sale",
    }
    values.update(fields)
    row = ContentBlock(brand=brand, **values)
    content.content_block_clean(block=row)
    row.save()
    return row


def test_script_in_a_blocks_text_is_removed_on_save(brand: Any, store: Any) -> None:
    row = block(
        brand, body='<p onclick="steal()">Hi <script>alert(1)</script><a href="javascript:x()">x</a></p>'
    )
    assert "<script" not in row.body
    assert "onclick" not in row.body
    assert "javascript:" not in row.body
    assert "<p>Hi" in row.body


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/phish",
        "http://magazin.casaverde.example/sale",  # not https
        "https://magazin.casaverde.example.evil.example/",
        "//evil.example/",
        "javascript:alert(1)",
    ],
)
def test_a_link_off_the_brands_hosts_is_refused_on_save(brand: Any, store: Any, url: str) -> None:
    with pytest.raises(ValidationError):
        block(brand, link_url=url)
    assert not ContentBlock.objects.exists()


def test_the_redirect_counts_a_click_and_refuses_a_foreign_host(
    client: Any, brand: Any, other_brand: Any, store: Any
) -> None:
    row = block(brand)
    response = client.get(f"/{brand.slug}/go/{row.id}/")
    assert response.status_code == 302
    assert response["Location"] == "https://magazin.casaverde.example/sale"

    ContentBlock.objects.filter(id=row.id).update(link_url="https://evil.example/")  # written around the form
    assert client.get(f"/{brand.slug}/go/{row.id}/").status_code == 404
    assert client.get(f"/{other_brand.slug}/go/{row.id}/").status_code == 404  # another brand's block
    assert client.get(f"/{brand.slug}/go/999999/").status_code == 404
    row.refresh_from_db()
    assert row.clicks == 1


def test_blocks_match_category_status_locale_tier_and_dates(brand: Any, store: Any) -> None:
    today = date(2026, 11, 20)
    phones = block(brand, title="Phone care", categories=["phones"])
    block(brand, title="Delivered only", statuses=["delivered"])
    block(brand, title="Gold only", tiers=["Gold"])
    block(brand, title="Romanian", locale="ro")
    block(brand, title="Expired", ends_on=today - timedelta(days=1))
    block(brand, title="Later", starts_on=today + timedelta(days=1))
    facts = content.PageFacts(
        brand_id=brand.id,
        locale="en",
        status="in_transit",
        categories=frozenset({"phones"}),
        tier="Silver",
        today=today,
    )
    assert [b.title for b in content.blocks_for_page(facts=facts)] == [phones.title]


def test_the_tracking_page_shows_blocks_in_the_shoppers_language_and_counts_impressions(
    client: Any, brand: Any, store: Any, make_order: Any
) -> None:
    english = block(brand, title="Care guide", body="<p>Keep it dry.</p>", categories=["home"])
    block(brand, title="Ghid de îngrijire", locale="ro", categories=["home"])
    order = make_order(("home", 1, "30.00"), delivered_at=None)
    parcel(order=order)

    html = client.get(f"/{brand.slug}/track/{order.tracking_token}/", {"lang": "en"}).content.decode()

    assert "Care guide" in html
    assert "Keep it dry." in html
    assert "Ghid de îngrijire" not in html
    assert f"/{brand.slug}/go/{english.id}/" in html
    page_counters.counters_flush()  # impressions are counted in Redis and added in batches
    english.refresh_from_db()
    assert english.impressions == 1


def test_promo_code_issue_gives_a_single_use_code_or_nothing(
    brand: Any, customer: Any, other_brand: Any
) -> None:
    assert services.promo_code_issue(brand_id=brand.id, customer_id=customer.id, purpose="thank_you") == ""
    OffersSettings.objects.create(brand=brand, thank_you_percent=10)
    code = services.promo_code_issue(brand_id=brand.id, customer_id=customer.id, purpose="thank_you")
    assert code.startswith("PP-")
    other = services.promo_code_issue(brand_id=brand.id, customer_id=customer.id, purpose="thank_you")
    assert other != code


def test_the_thank_you_message_carries_a_single_use_code(brand: Any, store: Any, mailoutbox: Any) -> None:
    from notifications.models import Notification

    customer = factories.CustomerFactory(brand=brand, email="nou@example.com", locale="en")
    order = factories.OrderFactory(brand=brand, customer=customer, total=Decimal("10.00"))
    from notifications import reactions

    reactions.on_order_created(order)

    body = Notification.objects.filter(trigger="order_confirmed", channel="email").get().body
    from loyalty.models import DiscountCode

    code = DiscountCode.objects.get(customer=customer, purpose="thank_you")
    assert code.code in body
