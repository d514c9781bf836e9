"""The branded tracking page: what the shopper reads, in their language, and who may see it."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from babel.dates import format_date
from django.utils import timezone

from tests import factories
from tests.tracking.page_builders import S, order_with_lines, parcel
from tracking import page_counters
from tracking.models import Shipment, TrackingPageView

pytestmark = pytest.mark.django_db


def url(brand: Any, token: str) -> str:
    return f"/{brand.slug}/track/{token}/"


def views_of(order: Any) -> int:
    page_counters.counters_flush()  # views are counted in Redis and added to Postgres in batches
    return sum(TrackingPageView.objects.filter(order=order).values_list("views", flat=True))


def local_today(brand: Any) -> Any:
    return timezone.localtime(timezone.now(), timezone=__import__("zoneinfo").ZoneInfo(brand.timezone)).date()


def weekday(day: Any, lang: str) -> str:
    return format_date(day, "EEEE, d MMMM", locale=lang)


def current_step(html: str) -> str:
    match = re.search(
        r'<li class="step step--current" aria-current="step">.*?class="step__label">([^<]+)', html, re.S
    )
    assert match, "no current step"
    return match.group(1).strip()


@pytest.fixture
def order_en(brand: Any) -> Any:
    customer = factories.CustomerFactory(brand=brand, email="avery@example.com", locale="en")
    return order_with_lines(brand=brand, customer=customer, number="2001")


def test_in_transit_page_in_english(client: Any, brand: Any, order_en: Any) -> None:
    edd = local_today(brand) + timedelta(days=3)
    shipment = parcel(order=order_en, edd=edd, carrier_url="https://tracking.dpd.example/DPD1")

    response = client.get(url(brand, shipment.token))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert '<h1 id="headline">In transit</h1>' in html
    assert "Estimated delivery" in html
    assert weekday(edd, "en") in html  # "Thursday, 26 November"
    assert "Estimate from DPD" in html
    assert current_step(html) == "In transit"
    assert html.count('aria-current="step"') == 1
    assert "Departed sort facility" in html
    assert "Hub Chiajna" in html
    assert "Linen shirt 1" in html
    assert "Qty 2" in html
    assert 'href="https://tracking.dpd.example/DPD1" rel="noopener noreferrer"' in html
    assert response["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("lang", "status", "step", "estimate_label"),
    [
        ("en", "In transit", "In transit", "Estimated delivery"),
        ("ro", "În tranzit", "În tranzit", "Livrare estimată"),
        ("pl", "W drodze", "W drodze", "Przewidywana dostawa"),
        ("ru", "В пути", "В пути", "Ожидаемая доставка"),
    ],
)
def test_page_in_each_language(
    client: Any, brand: Any, order: Any, lang: str, status: str, step: str, estimate_label: str
) -> None:
    edd = local_today(brand) + timedelta(days=4)
    shipment = parcel(order=order, edd=edd)

    html = client.get(url(brand, shipment.token), {"lang": lang}).content.decode()

    assert f'<html lang="{lang}">' in html
    assert f'<h1 id="headline">{status}</h1>' in html
    assert current_step(html) == step
    assert estimate_label in html
    assert format_date(edd, "d MMMM", locale=lang) in html  # "26 ноября", "26 listopada": genitive months
    assert weekday(edd, lang)[1:] in html


def test_event_times_are_in_the_brands_time_zone(client: Any, brand: Any, order: Any) -> None:
    scanned = datetime(2026, 11, 20, 12, 30, tzinfo=UTC)  # 14:30 in Bucharest
    shipment = parcel(order=order, scans=[(S.IN_TRANSIT, 0, "Departed sort facility", "Hub")], at=scanned)

    ro = client.get(url(brand, shipment.token), {"lang": "ro"}).content.decode()
    en = client.get(url(brand, shipment.token), {"lang": "en"}).content.decode()

    assert '<time class="event__time" datetime="2026-11-20T14:30:00+02:00">14:30</time>' in ro
    assert "Vineri, 20 noiembrie" in ro  # CLDR: Romanian months are lower-case
    assert ">2:30 p.m.</time>" in en
    assert "Friday, 20 November" in en
    assert "Times are local to Bucharest." in en


def test_delivered_shows_the_delivery_day_and_no_estimate(client: Any, brand: Any, order: Any) -> None:
    shipment = parcel(
        order=order,
        scans=[
            (S.IN_TRANSIT, 30, "Departed", "Hub"),
            (S.DELIVERED, 2, "Left at the front door", "Front door"),
        ],
        edd=local_today(brand) + timedelta(days=2),
    )

    html = client.get(url(brand, shipment.token), {"lang": "en"}).content.decode()

    assert '<h1 id="headline">Delivered</h1>' in html
    assert "Delivered on" in html
    assert "Estimated delivery" not in html
    assert current_step(html) == "Delivered"
    assert html.count("(done)") == 4


def test_a_passed_estimate_is_not_shown_and_the_parcel_reads_as_late(
    client: Any, brand: Any, order: Any
) -> None:
    past = local_today(brand) - timedelta(days=2)
    shipment = parcel(order=order, edd=past)

    html = client.get(url(brand, shipment.token), {"lang": "en"}).content.decode()

    assert "Estimated delivery" not in html
    assert 'class="estimate' not in html
    assert "running late" in html


def test_a_range_estimate_from_history_reads_as_a_range(client: Any, brand: Any, order: Any) -> None:
    shipment = parcel(order=order)
    first, last = local_today(brand) + timedelta(days=1), local_today(brand) + timedelta(days=3)
    Shipment.objects.filter(id=shipment.id).update(
        estimated_delivery=first, estimated_delivery_latest=last, estimated_delivery_source="history"
    )

    html = client.get(url(brand, shipment.token), {"lang": "pl"}).content.decode()

    assert weekday(first, "pl").capitalize() in html
    assert weekday(last, "pl") in html
    assert "Nasz szacunek" in html


def test_stuck_parcel_says_so(client: Any, brand: Any, order: Any) -> None:
    shipment = parcel(order=order)
    Shipment.objects.filter(id=shipment.id).update(stuck_since=timezone.now())

    html = client.get(url(brand, shipment.token), {"lang": "en"}).content.decode()

    assert "has not scanned your parcel for a while" in html


@pytest.mark.parametrize(
    ("status", "headline", "explains"),
    [
        (S.EXCEPTION, "Delivery problem", "reported a problem with your parcel"),
        (S.FAILED_ATTEMPT, "Delivery attempted", "tried to deliver but could not"),
        (S.AVAILABLE_FOR_PICKUP, "Ready for pickup", "waiting at the pickup point"),
        (S.RETURNED_TO_SENDER, "Returned to sender", "on its way back to us"),
        (S.EXPIRED, "Tracking expired", "stopped sending updates"),
        (S.OUT_FOR_DELIVERY, "Out for delivery", "should arrive today"),
    ],
)
def test_every_problem_state_is_explained_in_plain_words(
    client: Any, brand: Any, order: Any, status: S, headline: str, explains: str
) -> None:
    shipment = parcel(
        order=order,
        scans=[(S.IN_TRANSIT, 30, "Departed", "Hub"), (status, 1, "Carrier says: gate locked", "Depot 7")],
    )

    html = client.get(url(brand, shipment.token), {"lang": "en"}).content.decode()

    assert f'<h1 id="headline">{headline}</h1>' in html
    assert explains in html
    if status in {S.EXCEPTION, S.FAILED_ATTEMPT, S.AVAILABLE_FOR_PICKUP, S.RETURNED_TO_SENDER}:
        assert "<q>Carrier says: gate locked, Depot 7</q>" in html


def test_order_without_a_shipment_shows_order_placed_with_its_date(
    client: Any, brand: Any, order: Any
) -> None:
    html = client.get(url(brand, order.tracking_token), {"lang": "en"}).content.decode()

    assert '<h1 id="headline">Order placed</h1>' in html
    assert "placed on 1 November 2026" in html
    assert current_step(html) == "Ordered"
    assert "Not shipped yet" in html
    assert "Estimated delivery" not in html


def test_every_parcel_and_the_items_still_to_ship(client: Any, brand: Any, order_en: Any) -> None:
    first_line, second_line = order_en.lines.order_by("id")
    delivered = parcel(
        order=order_en,
        lines=[(first_line.id, 1)],
        scans=[(S.IN_TRANSIT, 40, "Departed", "Hub"), (S.DELIVERED, 20, "Delivered", "Door")],
    )
    moving = parcel(order=order_en, lines=[(second_line.id, 1)], carrier=("ups", "UPS"))
    assert (first_line.quantity, second_line.quantity) == (1, 2)

    html = client.get(url(brand, order_en.tracking_token)).content.decode()

    assert "Parcel 1 of 2" in html
    assert "Parcel 2 of 2" in html
    assert "This order comes in 2 parcels. 1 delivered so far." in html
    assert '<h1 id="headline">In transit</h1>' in html  # the least advanced parcel leads
    assert delivered.tracking_number in html
    assert moving.tracking_number in html
    unshipped = html.split('id="unshipped"')[1]
    assert "Linen shirt 1" not in unshipped  # its one piece is delivered
    assert "Linen shirt 2" in unshipped
    assert "Qty 1" in unshipped


def test_a_link_to_one_parcel_leads_with_that_parcel(client: Any, brand: Any, order_en: Any) -> None:
    first_line, second_line = order_en.lines.order_by("id")
    delivered = parcel(
        order=order_en,
        lines=[(first_line.id, 1)],
        scans=[(S.IN_TRANSIT, 40, "Departed", "Hub"), (S.DELIVERED, 20, "Delivered", "Door")],
    )
    parcel(order=order_en, lines=[(second_line.id, 2)])

    html = client.get(url(brand, delivered.token)).content.decode()

    assert '<h1 id="headline">Delivered</h1>' in html


def test_product_pictures_only_over_https_with_alt_text_and_size(
    client: Any, brand: Any, order_en: Any
) -> None:
    first_line, second_line = order_en.lines.order_by("id")
    second_line.product.image_url = "http://insecure.example/p.jpg"
    second_line.product.save()
    shipment = parcel(order=order_en)

    html = client.get(url(brand, shipment.token)).content.decode()

    assert (
        f'<img class="item__image" src="{first_line.product.image_url}" alt="Linen shirt 1" width="56" '
        f'height="56" loading="lazy" decoding="async" referrerpolicy="no-referrer">'
    ) in html
    assert "insecure.example" not in html


def test_a_carrier_link_that_is_not_http_is_not_rendered(client: Any, brand: Any, order: Any) -> None:
    shipment = parcel(order=order)
    Shipment.objects.filter(id=shipment.id).update(carrier_tracking_url="javascript:alert(1)")

    html = client.get(url(brand, shipment.token)).content.decode()

    assert "javascript:" not in html


def test_cancelled_order_says_so(client: Any, brand: Any, order: Any) -> None:
    order.cancelled_at = timezone.now()
    order.save()

    html = client.get(url(brand, order.tracking_token), {"lang": "en"}).content.decode()

    assert "This order was cancelled" in html


# Language


def test_language_defaults_to_the_customers_then_the_orders_then_the_brands(client: Any, brand: Any) -> None:
    polish = order_with_lines(brand=brand, customer=factories.CustomerFactory(brand=brand, locale="pl"))
    russian_order = order_with_lines(
        brand=brand, customer=factories.CustomerFactory(brand=brand, locale=""), locale="ru"
    )
    unknown = order_with_lines(brand=brand, customer=factories.CustomerFactory(brand=brand, locale=""))

    assert '<html lang="pl">' in client.get(url(brand, polish.tracking_token)).content.decode()
    assert '<html lang="ru">' in client.get(url(brand, russian_order.tracking_token)).content.decode()
    assert (
        '<html lang="ro">' in client.get(url(brand, unknown.tracking_token)).content.decode()
    )  # brand default


def test_lang_parameter_and_switcher_cookie_only_among_the_brands_languages(
    client: Any, brand: Any, order: Any
) -> None:
    brand.enabled_locales = ["ro", "en"]
    brand.save()
    page = url(brand, order.tracking_token)

    assert '<html lang="en">' in client.get(page, {"lang": "en"}).content.decode()
    assert '<html lang="ro">' in client.get(page, {"lang": "pl"}).content.decode()  # not offered by the brand

    switched = client.post("/i18n/setlang/", {"language": "en", "next": page})
    assert switched.status_code == 302
    assert switched["Location"] == page
    html = client.get(page).content.decode()
    assert '<html lang="en">' in html
    assert html.count('name="language"') == 2
    assert 'value="en" lang="en" aria-pressed="true"' in html


def test_the_language_switcher_is_a_plain_form(client: Any, brand: Any, order: Any) -> None:
    html = client.get(url(brand, order.tracking_token)).content.decode()

    form = html.split('<nav class="languages"')[1].split("</nav>")[0]
    assert 'action="/i18n/setlang/" method="post"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{url(brand, order.tracking_token)}"' in form
    assert "<script" not in html


# Who may see what, and what is counted


def test_another_brands_token_under_this_brands_url_is_not_found_and_not_counted(
    client: Any, brand: Any, other_brand: Any
) -> None:
    theirs = order_with_lines(brand=other_brand)
    their_parcel = parcel(order=theirs)

    for token in (theirs.tracking_token, their_parcel.token):
        response = client.get(url(brand, token), {"lang": "en"})
        assert response.status_code == 404
        assert "We could not find this tracking page" in response.content.decode()
    assert views_of(theirs) == 0
    assert client.get(url(other_brand, their_parcel.token)).status_code == 200


@pytest.mark.parametrize(
    "token", ["nope", "x" * 65, "a" * 24, "%00%27--", "....", "AAAAAAAAAAAAAAAAAAAAAAAA"]
)
def test_unknown_or_malformed_tokens_are_not_found(client: Any, brand: Any, token: str) -> None:
    assert client.get(url(brand, token)).status_code == 404


def test_unknown_brand_is_not_found(client: Any, order: Any) -> None:
    response = client.get(f"/no-such-brand/track/{order.tracking_token}/")

    assert response.status_code == 404
    assert views_of(order) == 0
    assert client.get("/no-such-brand/track/").status_code == 404


def test_views_are_counted_but_not_head_requests_prefetches_or_bots(
    client: Any, brand: Any, order: Any
) -> None:
    page = url(brand, order.tracking_token)

    assert client.head(page).status_code == 200
    assert client.get(page, headers={"User-Agent": "WhatsApp/2.23"}).status_code == 200
    assert client.get(page, headers={"Sec-Purpose": "prefetch"}).status_code == 200
    assert views_of(order) == 0

    client.get(page, headers={"User-Agent": "Mozilla/5.0 (iPhone) Safari/604.1"})
    client.get(page)
    assert views_of(order) == 2


def test_post_is_not_allowed_on_the_page(client: Any, brand: Any, order: Any) -> None:
    assert client.post(url(brand, order.tracking_token)).status_code == 405
    assert views_of(order) == 0


def test_security_headers_and_no_third_party_assets(client: Any, brand: Any, order: Any) -> None:
    response = client.get(url(brand, order.tracking_token))
    html = response.content.decode()

    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce
    assert f'<style nonce="{nonce.group(1)}">' in html
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    # Kept by the browser only, and asked again every time (the ETag makes the repeat cheap).
    assert response["Cache-Control"] == "private, no-cache"
    assert "noindex" in response["X-Robots-Tag"]
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(not a.startswith(("http:", "//")) for a in assets), assets
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert stylesheets == ["/static/shopper/shopper.css"]


def test_the_brand_theme_is_readable_whatever_the_colours(client: Any, brand: Any, order: Any) -> None:
    brand.primary_colour = "#ffe600"  # a yellow: white text would be unreadable on it
    brand.accent_colour = "#f5f5f5"
    brand.save()

    html = client.get(url(brand, order.tracking_token)).content.decode()

    assert "--brand:#ffe600;--on-brand:#111827" in html
    accent = re.search(r"--accent:(#[0-9a-f]{6})", html)
    assert accent
    assert accent.group(1) != "#f5f5f5"


def test_logo_or_wordmark(client: Any, brand: Any, order: Any) -> None:
    html = client.get(url(brand, order.tracking_token)).content.decode()
    assert '<span class="wordmark">Casa Verde</span>' in html

    brand.logo = "brands/logos/casa.svg"
    brand.save()  # as the console's brand look publishes it
    html = client.get(url(brand, order.tracking_token)).content.decode()
    assert '<img class="brand-logo" src="/media/brands/logos/casa.svg" alt="Casa Verde" height="40">' in html


def test_footer_offers_the_brands_support_contact(client: Any, brand: Any, order: Any) -> None:
    html = client.get(url(brand, order.tracking_token), {"lang": "en"}).content.decode()

    assert 'href="mailto:help@brand.example"' in html
    assert 'href="tel:+40212345678">+40 21 234 5678</a>' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


def test_support_labels_use_the_pages_own_words(client: Any, brand: Any, order: Any) -> None:
    html = client.get(url(brand, order.tracking_token), {"lang": "ru"}).content.decode()

    assert '<span class="contact__label">Эл. почта</span>' in html
    assert '<span class="contact__label">Телефон</span>' in html
