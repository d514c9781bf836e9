"""The brand look page: a draft previewed live, published on request, scoped to the staff member's brand."""

import io
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from brands.look import LOGO_MAX_BYTES
from brands.models import Brand, BrandLookDraft, Role
from notifications.models import Notification
from orders.models import Customer, Order, OrderLine, Product
from tests import factories
from tracking.models import Shipment, ShipmentLine, TrackingEvent, TrackingPageView
from tracking.statuses import ShipmentStatus

pytestmark = pytest.mark.django_db

NEW_COLOUR = "#0a7d3b"
TOUCHED = (
    Brand,
    BrandLookDraft,
    Customer,
    Order,
    OrderLine,
    Product,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    TrackingPageView,
    Notification,
)


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def look_url(brand: Any) -> str:
    return reverse("admin:brands_brand_look", args=[brand.pk])


def preview_url(brand: Any) -> str:
    return reverse("admin:brands_brand_look_preview", args=[brand.pk])


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TOUCHED}


def look_post(**overrides: Any) -> dict[str, Any]:
    return {
        "primary_colour": NEW_COLOUR,
        "accent_colour": "#e07a1f",
        "font": "serif",
        "preview_status": "in_transit",
        "preview_locale": "en",
        **overrides,
    }


def png(size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0a7d3b").save(buffer, format="PNG")
    return buffer.getvalue()


def srcdoc(html: str, kind: str) -> str:
    """The document an iframe of the preview shows, unescaped."""
    marker = f'data-preview="{kind}"'
    start = html.index('srcdoc="', html.index(marker)) + len('srcdoc="')
    return unescape(html[start : html.index('"', start)])


@pytest.fixture
def owner(brand: Any, staff_of: Any) -> Any:
    return staff_of(brand, Role.OWNER)


@pytest.fixture
def shopper_order(brand: Any) -> Any:
    order = factories.OrderFactory(brand=brand, number="7001")
    Shipment.objects.create(brand=brand, order=order, carrier_code="dpd", tracking_number="05210000000001")
    return order


def tracking_page(client: Any, order: Any) -> str:
    response = client.get(reverse("tracking-page", args=[order.brand.slug, order.tracking_token]))
    assert response.status_code == 200
    return response.content.decode()


def test_owner_sees_the_published_look_previewed_in_the_tracking_page_and_email(
    client: Any, brand: Any, owner: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(owner)
    with django_assert_max_num_queries(15):
        response = client.get(look_url(brand))

    assert response.status_code == 200
    html = response.content.decode()
    page = srcdoc(html, "tracking")
    assert f"--brand:{brand.primary_colour}" in page
    assert "Comanda nr. 1001" in page  # the real template on the sample order, in the brand's language
    assert "DPD" in page
    email = srcdoc(html, "email")
    assert f"background:{brand.primary_colour}" in email
    assert "este pe drum" in email  # the shipped message, in the brand's default language
    assert 'type="color"' in html


def test_the_preview_follows_what_is_typed_in_every_status_and_language_and_writes_nothing(
    client: Any, brand: Any, owner: Any
) -> None:
    client.force_login(owner)
    before = row_counts()
    published = brand.primary_colour

    for status in ShipmentStatus.values:
        for locale in brand.enabled_locales:
            response = client.post(
                preview_url(brand), look_post(preview_status=status, preview_locale=locale)
            )
            assert response.status_code == 200, (status, locale)
            html = response.content.decode()
            page = srcdoc(html, "tracking")
            assert f"--brand:{NEW_COLOUR}" in page
            assert f'lang="{locale}"' in page
            assert "--font:Charter" in page

    assert row_counts() == before
    brand.refresh_from_db()
    assert brand.primary_colour == published


def test_the_email_preview_is_in_the_chosen_language(
    client: Any, brand: Any, owner: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(owner)
    with django_assert_max_num_queries(10):
        client.post(preview_url(brand), look_post(preview_status="delivered", preview_locale="ro"))
    html = client.post(preview_url(brand), look_post(preview_status="delivered", preview_locale="ro")).content
    email = srcdoc(html.decode(), "email")
    assert f"background:{NEW_COLOUR}" in email
    assert "livrat" in email.lower()  # Romanian "delivered"


def test_the_preview_button_works_without_javascript_and_writes_nothing(
    client: Any, brand: Any, owner: Any
) -> None:
    client.force_login(owner)
    before = row_counts()
    response = client.post(look_url(brand), look_post(action="preview"))
    assert response.status_code == 200
    assert f"--brand:{NEW_COLOUR}" in srcdoc(response.content.decode(), "tracking")
    assert row_counts() == before


def test_a_colour_too_light_is_corrected_as_on_the_shopper_page_and_the_merchant_is_told(
    client: Any, brand: Any, owner: Any
) -> None:
    from common.shopper import brand_theme

    client.force_login(owner)
    html = client.post(preview_url(brand), look_post(primary_colour="#ffe066")).content.decode()
    theme = brand_theme(Brand(primary_colour="#ffe066", accent_colour="#e07a1f"))
    corrected = theme.ink
    assert corrected != "#ffe066"
    assert "White text on the brand colour is hard to read" in html
    assert f"the darker shade {corrected}" in html
    assert f"--ink-brand:{corrected}" in srcdoc(html, "tracking")
    # The email follows the same correction: dark text on the light header, a readable button.
    email = srcdoc(html, "email")
    assert f"background:#ffe066;color:{theme.on_primary}" in email
    assert f"background:{theme.accent};color:{theme.on_accent}" in email
    assert theme.accent != "#e07a1f"


def test_a_draft_is_not_live_until_published(client: Any, brand: Any, owner: Any, shopper_order: Any) -> None:
    client.force_login(owner)
    published = brand.primary_colour

    saved = client.post(look_url(brand), look_post(action="save"))
    assert saved.status_code == 302
    draft = BrandLookDraft.objects.get(brand=brand)
    assert (draft.primary_colour, draft.font, draft.updated_by_id) == (NEW_COLOUR, "serif", owner.id)
    brand.refresh_from_db()
    assert brand.primary_colour == published
    assert f"--brand:{published}" in tracking_page(client, shopper_order)
    assert "Unpublished draft" in client.get(look_url(brand)).content.decode()

    published_now = client.post(look_url(brand), look_post(action="publish"))
    assert published_now.status_code == 302
    brand.refresh_from_db()
    assert (brand.primary_colour, brand.font) == (NEW_COLOUR, "serif")
    assert not BrandLookDraft.objects.filter(brand=brand).exists()
    assert f"--brand:{NEW_COLOUR}" in tracking_page(client, shopper_order)


def test_discarding_a_draft_leaves_the_published_look(client: Any, brand: Any, owner: Any) -> None:
    client.force_login(owner)
    client.post(look_url(brand), look_post(action="save"))
    assert client.post(look_url(brand), {"action": "discard"}).status_code == 302
    assert not BrandLookDraft.objects.filter(brand=brand).exists()
    brand.refresh_from_db()
    assert brand.primary_colour != NEW_COLOUR


def test_a_logo_is_checked_stored_under_a_fresh_name_and_published(
    client: Any, brand: Any, owner: Any
) -> None:
    client.force_login(owner)
    logo = SimpleUploadedFile("Our Logo.PNG", png(), content_type="image/png")
    assert client.post(look_url(brand), look_post(action="publish", logo=logo)).status_code == 302
    brand.refresh_from_db()
    assert brand.logo.name.startswith("brands/logos/")
    assert brand.logo.name.endswith(".png")
    assert "Our Logo" not in brand.logo.name
    served = client.get(brand.logo.url)
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("primary_colour", "red", "Use a colour like #1a2b3c."),
        ("accent_colour", "#12345g", "Use a colour like #1a2b3c."),
        ("primary_colour", "#1234567", "Use a colour like #1a2b3c."),
        ("font", "comic-sans", "Select a valid choice."),
    ],
)
def test_bad_values_are_refused_with_a_message_and_nothing_is_written(
    client: Any, brand: Any, owner: Any, field: str, value: str, message: str
) -> None:
    client.force_login(owner)
    before = row_counts()
    for action in ("save", "publish"):
        response = client.post(look_url(brand), look_post(action=action, **{field: value}))
        assert response.status_code == 400
        assert message in response.content.decode()
    assert row_counts() == before
    brand.refresh_from_db()
    assert brand.primary_colour != NEW_COLOUR


SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="4" height="4"/></svg>'
)
HANDLER_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="4" height="4"/></svg>'
REMOTE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
    b'<image xlink:href="https://evil.example/x.png"/></svg>'
)
STYLE_IMPORT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>'
)
STYLE_URL_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/p)"/></svg>'
)
ENTITY_SVG = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.png", b"not an image at all", "not a readable image"),
        ("logo.png", b"x" * (LOGO_MAX_BYTES + 1), "too large"),
        ("logo.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a readable image"),
        ("logo.gif", b"GIF89a", "Upload a PNG, JPEG, WebP or SVG image."),
        ("logo.svg", SCRIPT_SVG, "&lt;script&gt;"),
        ("logo.svg", HANDLER_SVG, "event handler"),
        ("logo.svg", REMOTE_SVG, "may not use"),
        ("logo.svg", ENTITY_SVG, "entities"),
        ("logo.svg", STYLE_IMPORT_SVG, "self-contained"),
        ("logo.svg", STYLE_URL_SVG, "self-contained"),
    ],
)
def test_bad_logos_are_refused_and_nothing_is_written(
    client: Any, brand: Any, owner: Any, tmp_path: Any, name: str, content: bytes, message: str
) -> None:
    client.force_login(owner)
    before = row_counts()
    logo = SimpleUploadedFile(name, content)
    response = client.post(look_url(brand), look_post(action="publish", logo=logo))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert row_counts() == before
    assert not any(tmp_path.rglob("*.*"))  # no file kept either


def test_a_jpeg_named_png_is_refused(client: Any, brand: Any, owner: Any) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="JPEG")
    client.force_login(owner)
    response = client.post(
        look_url(brand), look_post(action="save", logo=SimpleUploadedFile("logo.png", buffer.getvalue()))
    )
    assert response.status_code == 400
    assert "JPEG image named .png" in response.content.decode()


def test_a_clean_svg_logo_is_accepted_and_shown_in_the_preview_before_it_is_saved(
    client: Any, brand: Any, owner: Any
) -> None:
    client.force_login(owner)
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><defs><linearGradient id="g"/></defs>'
        b'<rect width="4" height="4" fill="url(#g)"/><style>rect{stroke:#0a7d3b}</style></svg>'
    )
    before = row_counts()
    html = client.post(
        preview_url(brand), look_post(logo=SimpleUploadedFile("logo.svg", svg))
    ).content.decode()
    assert 'src="data:image/svg+xml;base64,' in srcdoc(html, "tracking")
    assert row_counts() == before


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.RETURNS_MANAGER])
def test_roles_without_change_brand_are_refused_and_nothing_is_written(
    client: Any, brand: Any, staff_of: Any, role: str
) -> None:
    client.force_login(staff_of(brand, role))
    before = row_counts()
    assert client.get(look_url(brand)).status_code == 403
    for action in ("save", "publish", "discard"):
        assert client.post(look_url(brand), look_post(action=action)).status_code == 403
    assert client.post(preview_url(brand), look_post()).status_code == 403
    assert row_counts() == before
    assert "Brand look" not in client.get(reverse("admin:index")).content.decode()


def test_another_brands_look_page_and_preview_are_not_found(
    client: Any, brand: Any, other_brand: Any, owner: Any
) -> None:
    BrandLookDraft.objects.create(
        brand=other_brand, primary_colour="#123456", accent_colour="#654321", font="mono"
    )
    client.force_login(owner)
    before = row_counts()
    assert client.get(look_url(other_brand)).status_code == 404
    for action in ("save", "publish", "discard", "preview"):
        assert client.post(look_url(other_brand), look_post(action=action)).status_code == 404
    assert client.post(preview_url(other_brand), look_post()).status_code == 404
    assert row_counts() == before
    other_brand.refresh_from_db()
    assert other_brand.primary_colour != NEW_COLOUR


def test_the_sidebar_link_takes_a_one_brand_owner_straight_to_the_look(
    client: Any, brand: Any, owner: Any
) -> None:
    client.force_login(owner)
    home = client.get(reverse("admin:index")).content.decode()
    start = reverse("admin:brands_brand_look_start")
    assert start in home
    response = client.get(start)
    assert response.status_code == 302
    assert response["Location"] == look_url(brand)
    change_page = client.get(reverse("admin:brands_brand_change", args=[brand.pk])).content.decode()
    assert look_url(brand) in change_page
    assert 'name="primary_colour"' not in change_page  # the look is changed through the draft only


def test_pressing_enter_in_the_form_previews_rather_than_publishes(
    client: Any, brand: Any, owner: Any
) -> None:
    client.force_login(owner)
    html = client.get(look_url(brand)).content.decode()
    form = html[html.index('id="look-form"') :]
    first_button = form[form.index("<button") : form.index("</button>")]
    assert 'value="preview"' in first_button


def test_the_preview_refuses_get(client: Any, brand: Any, owner: Any) -> None:
    client.force_login(owner)
    assert client.get(preview_url(brand)).status_code == 405
