"""The tracking page is rendered once and served many times: never stale, never another shopper's."""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from brands.models import Brand
from feedback import services as feedback_services
from loyalty import services as loyalty_services
from loyalty.models import LoyaltyProgramme, LoyaltyTier
from notifications import services as notification_services
from offers.models import ContentBlock
from orders import services as order_services
from orders.models import ConsentChannel, ConsentSource
from support.models import FaqArticle, FaqCategory
from tests import factories
from tests.tracking.page_builders import S, order_with_lines, parcel
from tracking import page_cache, page_counters, services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.models import PageCounterBatch, Shipment, TrackingPageView, TrackingSettings

pytestmark = pytest.mark.django_db


def url(brand: Any, token: str) -> str:
    return f"/{brand.slug}/track/{token}/"


def view(client: Any, path: str, **kwargs: Any) -> tuple[Any, int]:
    """The response and how many queries it cost."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **kwargs)
    return response, len(captured.captured_queries)


@pytest.fixture
def shop(brand: Any) -> Any:
    customer = factories.CustomerFactory(brand=brand, email="avery@example.com", locale="en", phone="")
    order = order_with_lines(brand=brand, customer=customer, number="3001")
    parcel(order=order)
    return order


def warm(client: Any, path: str) -> str:
    """View the page until it is served from the cache; the cached HTML."""
    client.get(path)
    response, queries = view(client, path)
    assert response.status_code == 200
    assert queries == 0, "the second view is served from the cache"
    return response.content.decode()


def scan(shipment: Shipment, *, message: str, status: str = S.IN_TRANSIT) -> None:
    services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number,
            carrier_code=shipment.carrier_code,
            events=(
                CarrierEvent(
                    status=status,
                    occurred_at=datetime.now(UTC) - timedelta(minutes=5),
                    raw_status=str(status),
                    message=message,
                    location="Hub Ilfov",
                ),
            ),
        ),
        source="webhook",
    )


# --- every kind of change shows at once -----------------------------------------------------------


def _new_scan(order: Any) -> str:
    scan(order.shipments.get(), message="Arrived at the local depot")
    return "Arrived at the local depot"


def _order_saved(order: Any) -> str:
    line = order.lines.first()
    line.title = "Linen shirt, sand"
    line.save()
    return "Linen shirt, sand"


def _product_saved(order: Any) -> str:
    product = order.lines.first().product
    product.title = "Linen shirt, olive"
    product.save()
    return ""  # a product's title is copied to the order line: the page re-renders, showing the line's


def _sms_opt_in(order: Any) -> str:
    notification_services.sms_opt_in(customer_id=order.customer_id, phone="+40721234567")
    return "!sms-optin"


def _consent_withdrawn(order: Any) -> str:
    order_services.consent_record(
        customer_id=order.customer_id,
        channel=ConsentChannel.EMAIL,
        granted=True,
        source=ConsentSource.SHOPPER_FORM,
    )
    return ""


def _customer_language(order: Any) -> str:
    customer = order.customer
    customer.locale = "ro"
    customer.save()
    return '<html lang="ro">'


def _late_flag(order: Any) -> str:
    shipment = order.shipments.get()
    Shipment.objects.filter(id=shipment.id).update(shipped_at=datetime.now(UTC) - timedelta(days=30))
    Shipment.objects.filter(id=shipment.id).update(last_event_at=datetime.now(UTC) - timedelta(days=30))
    flagged = services.shipments_flag_late_and_stuck()
    assert flagged["stuck"] == 1
    return ""


def _delivery_rating(order: Any) -> str:
    scan(order.shipments.get(), message="Delivered to the door", status=S.DELIVERED)
    return "Delivered to the door"


def _points(order: Any) -> str:
    LoyaltyTier.objects.create(brand=order.brand, min_points=0, name="Member", perks="Points")
    LoyaltyProgramme.objects.create(
        brand=order.brand,
        currency="RON",
        points_per_unit=Decimal("1"),
        point_value=Decimal("0.05"),
        redeem_step=100,
    )
    return "Your points"


def _points_adjusted(order: Any) -> str:
    _points(order)
    loyalty_services.points_adjust(
        customer_id=order.customer_id, points=4321, reason="Welcome", actor_id=None
    )
    return '<dd class="loyalty__balance">4321</dd>'


def _content_block(order: Any) -> str:
    ContentBlock.objects.create(
        brand=order.brand, kind="banner", title="Winter sale", locale="en", link_url="https://example.com/"
    )
    return "Winter sale"


def _brand_look(order: Any) -> str:
    brand = Brand.objects.get(id=order.brand_id)
    brand.primary_colour = "#ffe600"
    brand.save()
    return "--brand:#ffe600"


def _tracking_settings(order: Any) -> str:
    row, _ = TrackingSettings.objects.get_or_create(brand_id=order.brand_id)
    row.save()
    return ""


def _faq(order: Any) -> str:
    category = FaqCategory.objects.create(
        brand_id=order.brand_id, locale="en", title="Delivery", slug="delivery"
    )
    FaqArticle.objects.create(
        brand_id=order.brand_id,
        category=category,
        locale="en",
        title="Where is it?",
        slug="where",
        body="Here.",
    )
    return ""


def _problem_report(order: Any) -> str:
    shipment = order.shipments.get()
    feedback_services.problem_report(
        brand=order.brand, order_id=order.id, shipment_id=shipment.id, topic="damaged", description="Crushed."
    )
    return ""


CHANGES: dict[str, Callable[[Any], str]] = {
    "new scan": _new_scan,
    "order line saved": _order_saved,
    "product saved": _product_saved,
    "sms opt-in (queryset update)": _sms_opt_in,
    "consent recorded (queryset update)": _consent_withdrawn,
    "customer's language": _customer_language,
    "stuck flag (queryset update)": _late_flag,
    "delivered": _delivery_rating,
    "loyalty programme started": _points,
    "points adjusted": _points_adjusted,
    "content block": _content_block,
    "brand look": _brand_look,
    "tracking settings": _tracking_settings,
    "faq article": _faq,
    "problem report": _problem_report,
}


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_a_change_is_shown_on_the_next_view(client: Any, brand: Any, shop: Any, change: str) -> None:
    path = url(brand, shop.tracking_token)
    before = warm(client, path)

    expected = CHANGES[change](shop)

    response, queries = view(client, path)
    html = response.content.decode()
    assert response.status_code == 200
    assert queries > 0, "rendered again, not served from the cache"
    if expected.startswith("!"):
        assert expected[1:] in before
        assert expected[1:] not in html
    elif expected:
        assert expected not in before
        assert expected in html


def test_a_change_committed_while_rendering_is_not_kept(brand: Any, shop: Any) -> None:
    """Versions are read before the data: a render that raced a change is stored under the old one."""
    ids = page_cache.page_ids(brand_id=brand.id, token=shop.tracking_token)
    assert ids is not None
    versions = page_cache.versions_read(ids)
    page_cache.order_changed(order_id=shop.id)  # the change lands while the page renders
    page_cache.page_store(
        token=shop.tracking_token,
        host="testserver",
        ids=ids,
        versions=versions,  # type: ignore[arg-type]
        preferred=("en",),
        locale="en",
        proved=False,
        variant=page_cache.Variant(html="old", tag="t", counted=(), proof_sensitive=False, expires_at=4e9),
    )
    found = page_cache.page_cached(
        brand_id=brand.id, token=shop.tracking_token, host="testserver", count_view=False
    )
    assert found.entry is None


# --- what is per request stays per request ------------------------------------------------------------


def nonce_of(response: Any) -> str:
    match = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    assert match
    return match.group(1)


def csrf_tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_two_shoppers_never_see_each_others_nonce_or_token(brand: Any, shop: Any) -> None:
    path = url(brand, shop.tracking_token)
    first, second = Client(), Client()
    warm(first, path)

    one, queries = view(first, path)
    other, _ = view(second, path)

    assert queries == 0
    for response in (one, other):
        html = response.content.decode()
        assert f'<style nonce="{nonce_of(response)}">' in html
        assert page_cache.nonce_mark() not in html
        assert page_cache.csrf_mark() not in html
        assert csrf_tokens(html)  # the SMS opt-in and language forms
    assert nonce_of(one) != nonce_of(other)
    assert not csrf_tokens(one.content.decode()) & csrf_tokens(other.content.decode())
    assert one.cookies["csrftoken"].value != other.cookies["csrftoken"].value


def test_a_form_posted_from_a_cached_page_passes_the_csrf_check(brand: Any, shop: Any, settings: Any) -> None:
    path = url(brand, shop.tracking_token)
    shopper = Client(enforce_csrf_checks=True)
    warm(shopper, path)
    response, _ = view(shopper, path)
    token = next(iter(csrf_tokens(response.content.decode())))

    posted = shopper.post(
        f"/{brand.slug}/track/{shop.tracking_token}/sms/", {"phone": "0721", "csrfmiddlewaretoken": token}
    )
    refused = Client(enforce_csrf_checks=True).post(
        f"/{brand.slug}/track/{shop.tracking_token}/sms/", {"phone": "0721", "csrfmiddlewaretoken": token}
    )

    assert posted.status_code == 302  # past the CSRF check: back to the page with the form's state
    assert refused.status_code == 403  # the token is this shopper's, not anyone's


def test_only_the_shopper_who_proved_who_they_are_sees_the_spending_form(brand: Any, shop: Any) -> None:
    _points_adjusted(shop)
    path = url(brand, shop.tracking_token)
    stranger, owner = Client(), Client()
    warm(stranger, path)
    found = owner.post(f"/{brand.slug}/track/", {"number": "3001", "contact": "avery@example.com"})
    assert found.status_code == 302

    proved = owner.get(path).content.decode()
    again = owner.get(path).content.decode()
    anyone = stranger.get(path).content.decode()

    assert 'class="loyalty__redeem"' in proved
    assert 'class="loyalty__redeem"' in again
    assert 'class="loyalty__redeem"' not in anyone
    assert "Email me a code" in anyone


def test_post_back_states_and_the_staff_preview_are_rendered_fresh(
    brand: Any, shop: Any, client: Any
) -> None:
    path = url(brand, shop.tracking_token)
    warm(client, path)

    state, queries = view(client, path, data={"sms": "code"})

    assert queries > 0
    assert "We texted a 6-digit code" in state.content.decode()
    assert "ETag" not in state


# --- conditional GET ----------------------------------------------------------------------------------


def test_a_repeat_view_with_the_etag_is_answered_304_without_a_body_or_a_new_nonce(
    client: Any, brand: Any, shop: Any
) -> None:
    path = url(brand, shop.tracking_token)
    first = client.get(path)
    tag = first["ETag"]
    assert tag.startswith('W/"')
    assert first["Cache-Control"] == "private, no-cache"

    repeat, queries = view(client, path, headers={"If-None-Match": tag})

    assert repeat.status_code == 304
    assert repeat.content == b""
    assert queries == 0
    # The page the browser keeps carries the first nonce: a new policy would block its styles.
    assert "Content-Security-Policy" not in repeat
    assert repeat["ETag"] == tag
    assert repeat["Cache-Control"] == "private, no-cache"

    scan(shop.shipments.get(), message="Arrived at the local depot")
    changed = client.get(path, headers={"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert "Content-Security-Policy" in changed


def test_the_etag_names_the_language_and_the_shoppers_csrf_cookie(brand: Any, shop: Any) -> None:
    path = url(brand, shop.tracking_token)
    shopper = Client()
    english = shopper.get(path)["ETag"]
    romanian = shopper.get(path, {"lang": "ro"})
    assert romanian["ETag"] != english
    assert romanian.status_code == 200

    stranger = Client()
    assert stranger.get(path, headers={"If-None-Match": english}).status_code == 200


# --- time ---------------------------------------------------------------------------------------------


def test_a_kept_page_ends_at_the_brands_midnight_or_after_five_minutes() -> None:
    bucharest = "Europe/Bucharest"
    noon = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 12:00 in Bucharest
    assert page_cache.expires_at(now=noon, time_zone=bucharest) == noon.timestamp() + 300
    late = datetime(2026, 12, 1, 21, 58, tzinfo=UTC)  # 23:58 in Bucharest
    midnight = datetime(2026, 12, 1, 22, 0, tzinfo=UTC)
    assert page_cache.expires_at(now=late, time_zone=bucharest) == midnight.timestamp()


def test_after_the_brands_midnight_the_page_is_rendered_again(client: Any, brand: Any, shop: Any) -> None:
    path = url(brand, shop.tracking_token)
    brand.timezone = "Europe/Bucharest"
    brand.save()
    with time_machine.travel(datetime(2026, 12, 1, 21, 58, tzinfo=UTC), tick=False):
        warm(client, path)
    with time_machine.travel(datetime(2026, 12, 1, 21, 59, 59, tzinfo=UTC), tick=False):
        assert view(client, path)[1] == 0
    with time_machine.travel(datetime(2026, 12, 1, 22, 0, 1, tzinfo=UTC), tick=False):
        assert view(client, path)[1] > 0


# --- counters -----------------------------------------------------------------------------------------


def test_views_are_counted_in_redis_and_flushed_once(client: Any, brand: Any, shop: Any) -> None:
    path = url(brand, shop.tracking_token)
    for _ in range(3):
        client.get(path)
    assert not TrackingPageView.objects.exists()  # no UPDATE per view

    assert page_counters.counters_flush()[page_counters.PAGE_VIEWS] == 3
    assert page_counters.counters_flush()[page_counters.PAGE_VIEWS] == 0
    client.get(path)
    page_counters.counters_flush()

    assert TrackingPageView.objects.get(order=shop).views == 4


def test_a_flush_that_stopped_after_its_commit_does_not_count_again(
    client: Any, brand: Any, shop: Any
) -> None:
    client.get(url(brand, shop.tracking_token))
    client.get(url(brand, shop.tracking_token))
    redis = page_counters._redis()
    assert redis is not None
    live = next(iter(redis.scan_iter(match=page_counters._key(f"{page_counters.LIVE}:*"))))
    batch = page_counters._key(f"{page_counters.BATCH}:page_views:{live.decode().rsplit(':', 1)[1]}:crashed")
    redis.rename(live, batch)
    # The earlier flush added this batch and recorded it, then died before deleting it from Redis.
    TrackingPageView.objects.create(order=shop, day=datetime.now(UTC).date(), views=2)
    PageCounterBatch.objects.create(name=batch[batch.index(page_counters.BATCH) :])

    assert page_counters.counters_flush()[page_counters.PAGE_VIEWS] == 0

    assert TrackingPageView.objects.get(order=shop).views == 2
    assert not redis.exists(batch)


def test_content_impressions_are_counted_on_cached_views_too(client: Any, brand: Any, shop: Any) -> None:
    banner = ContentBlock.objects.create(
        brand=brand, kind="banner", title="Winter sale", locale="en", link_url="https://example.com/"
    )
    path = url(brand, shop.tracking_token)
    warm(client, path)
    client.get(path)

    page_counters.counters_flush()

    banner.refresh_from_db()
    assert banner.impressions == 3


def test_while_redis_is_down_the_page_serves_and_says_so_once(
    client: Any, brand: Any, shop: Any, settings: Any, caplog: Any
) -> None:
    from tests.common.test_ratelimits import free_port

    dead = f"redis://127.0.0.1:{free_port()}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
        "ratelimit": {"BACKEND": "common.ratelimits.FailoverRedisCache", "LOCATION": dead},
    }
    path = url(brand, shop.tracking_token)

    for _ in range(3):
        response = client.get(path)
        assert response.status_code == 200
        assert "In transit" in response.content.decode()

    assert caplog.text.count("tracking page counts are not kept") == 1
    assert caplog.text.count("Cache unavailable for tracking pages") == 1


def test_the_dashboard_figure_counts_flushed_views(client: Any, brand: Any, shop: Any) -> None:
    from common.periods import Period
    from tracking import selectors

    client.get(url(brand, shop.tracking_token))
    client.get(url(brand, shop.tracking_token))
    page_counters.counters_flush()
    today = datetime.now(UTC).date()

    figures = selectors.tracking_page_view_figures(
        brand_ids=[brand.id], period=Period(first_day=today, last_day=today, time_zone="UTC")
    )

    assert (figures.views, figures.orders_viewed) == (2, 1)


def test_a_page_kept_by_the_previous_release_is_not_served(
    client: Any, brand: Any, shop: Any, monkeypatch: Any
) -> None:
    path = url(brand, shop.tracking_token)
    warm(client, path)
    # A new release links other hashed static names: the page kept by the old one would not load them.
    monkeypatch.setattr(page_cache, "_release", lambda: "next-release")
    response, queries = view(client, path)
    assert response.status_code == 200
    assert queries > 0, "rendered again for the new release"
    assert warm(client, path)
