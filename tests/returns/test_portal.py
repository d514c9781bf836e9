"""The shopper's portal without JavaScript: lookup, items, resolution with photos, confirmation, slip."""

import io
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from returns import links, services
from returns.models import Return, ReturnPhoto
from returns.statuses import ReturnStatus

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]


@pytest.fixture
def recent_order(make_order: Any) -> Any:
    return make_order(
        ("apparel", 2, "40.00"), ("gift-cards", 1, "50.00"), delivered_at=timezone.now() - timedelta(days=2)
    )


def start_url(order: Any) -> str:
    return f"/{order.brand.slug}/returns/o/{links.order_token(brand_id=order.brand_id, order_id=order.id)}/"


def state_of(html: str) -> str:
    return re.search(r'name="state" value="([^"]+)"', html).group(1)


def test_lookup_leads_to_the_items_without_enumeration(client, brand, recent_order):
    good = client.post(
        f"/{brand.slug}/returns/", {"number": recent_order.number, "email": "IOANA@example.com"}
    )
    wrong_email = client.post(
        f"/{brand.slug}/returns/", {"number": recent_order.number, "email": "x@example.com"}
    )
    unknown = client.post(f"/{brand.slug}/returns/", {"number": "99999", "email": "ioana@example.com"})

    assert good.status_code == 302
    assert client.get(good["Location"]).status_code == 200
    assert wrong_email.status_code == unknown.status_code == 400
    assert "Nu am găsit" in wrong_email.content.decode()
    assert "Nu am găsit" in unknown.content.decode()


def test_lookup_is_rate_limited(client, brand):
    codes = [
        client.post(f"/{brand.slug}/returns/", {"number": str(n), "email": "a@b.co"}).status_code
        for n in range(12)
    ]

    assert codes[:10] == [400] * 10
    assert codes[10:] == [429, 429]


def test_items_page_explains_ineligible_lines(client, recent_order):
    html = client.get(start_url(recent_order) + "?lang=en").content.decode()

    assert "Returnable until" in html
    assert "Final sale: this item cannot be returned." in html
    assert html.count('type="checkbox"') == 1
    assert "<script" not in html


def test_a_tampered_or_foreign_order_token_finds_nothing(client, brand, other_brand, recent_order):
    token = links.order_token(brand_id=brand.id, order_id=recent_order.id)

    assert client.get(f"/{brand.slug}/returns/o/{token}x/").status_code == 404
    assert client.get(f"/{other_brand.slug}/returns/o/{token}/").status_code == 404


def test_the_whole_flow_with_a_photo(client, brand, recent_order, reasons):
    apparel = recent_order.lines.order_by("id").first()
    step1 = client.post(
        start_url(recent_order) + "?lang=en",
        {"line": [apparel.id], f"qty_{apparel.id}": "2", "reason": reasons["damaged"].id},
    )
    html = step1.content.decode()
    assert step1.status_code == 200
    assert "You get" in html
    assert "(required)" in html
    # Damaged is the brand's fault: no fees, 80 back; store credit adds the 10% bonus.
    assert "RON80.00" in html
    assert "RON88.00" in html

    image = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (40, 30), "red").save(image, "PNG")
    step2 = client.post(
        start_url(recent_order) + "confirm/?lang=en",
        {
            "state": state_of(html),
            "resolution": "store_credit",
            "comment": "Seam torn",
            "photos": [SimpleUploadedFile("tear.png", image.getvalue(), content_type="image/png")],
        },
    )

    ret = Return.objects.get()
    assert step2.status_code == 302
    assert step2["Location"] == f"/{brand.slug}/returns/r/{ret.token}/"
    assert (ret.status, ret.resolution, ret.amount, ret.comment) == (
        ReturnStatus.REQUESTED,
        "store_credit",
        Decimal("88.00"),
        "Seam torn",
    )
    photo = ReturnPhoto.objects.get()
    assert (photo.content_type, photo.width, photo.height) == ("image/png", 40, 30)
    assert photo.image.storage.exists(photo.image.name)

    confirmation = client.get(step2["Location"] + "?lang=en").content.decode()
    assert ret.rma in confirmation
    services.return_transition(return_id=ret.id, to_status="approved", actor=services.SYSTEM)
    approved = client.get(step2["Location"] + "?lang=en").content.decode()
    assert "<svg" in approved
    assert "slip.pdf" in approved
    pdf = client.get(step2["Location"] + "slip.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def submit(client: Any, order: Any, state: str, **data: Any) -> Any:
    return client.post(start_url(order) + "confirm/?lang=en", {"state": state, **data})


def first_step(client: Any, order: Any, reason: Any, quantity: int = 1) -> str:
    line = order.lines.order_by("id").first()
    response = client.post(
        start_url(order) + "?lang=en",
        {"line": [line.id], f"qty_{line.id}": str(quantity), "reason": reason.id},
    )
    return state_of(response.content.decode())


@pytest.mark.parametrize(
    ("case", "status", "text"),
    [
        ("tampered_state", 400, "Something in this form changed"),
        ("missing_photo", 400, "Please add a photo"),
        ("not_an_image", 400, "not a photo we can read"),
        ("oversized", 400, "at most 1 MB"),
        ("resolution_not_allowed", 400, "not available"),
    ],
)
def test_bad_submissions_write_nothing(client, settings, recent_order, reasons, case, status, text):
    settings.RETURNS_PHOTO_MAX_BYTES = 1024 * 1024
    state = first_step(client, recent_order, reasons["damaged"])
    data: dict[str, Any] = {"resolution": "refund"}
    if case == "tampered_state":
        state = state[:-3] + ("aaa" if not state.endswith("aaa") else "bbb")
    elif case == "not_an_image":
        data["photos"] = [SimpleUploadedFile("x.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")]
    elif case == "oversized":
        data["photos"] = [SimpleUploadedFile("x.jpg", b"\xff" * (1024 * 1024 + 1), content_type="image/jpeg")]
    elif case == "resolution_not_allowed":
        data["resolution"] = "cash"

    response = submit(client, recent_order, state, **data)

    assert response.status_code == status
    assert text in response.content.decode()
    assert not Return.objects.exists()
    assert not ReturnPhoto.objects.exists()


def test_lines_of_another_order_are_not_choices(client, make_order, recent_order, reasons):
    other = make_order(("home", 1, "10.00"))
    response = client.post(
        start_url(recent_order) + "?lang=en",
        {"line": [other.lines.get().id], "reason": reasons["too-big"].id},
    )

    assert response.status_code == 400
    assert "not part of your order" in response.content.decode()


def test_a_state_signed_for_another_order_is_refused(client, make_order, recent_order, reasons):
    other = make_order(("home", 1, "10.00"), delivered_at=timezone.now())
    state = first_step(client, other, reasons["too-big"])

    assert submit(client, recent_order, state).status_code == 400
    assert not Return.objects.exists()


def test_quantities_already_returned_are_refused_at_submit(client, recent_order, reasons):
    state = first_step(client, recent_order, reasons["too-big"], quantity=2)
    line = recent_order.lines.order_by("id").first()
    services.return_request(
        brand=recent_order.brand,
        order_id=recent_order.id,
        lines=[services.RequestedLine(order_line_id=line.id, quantity=1)],
        reason_id=reasons["too-big"].id,
        resolution="refund",
    )

    response = submit(client, recent_order, state)

    assert response.status_code == 409
    assert Return.objects.count() == 1


def test_the_tracking_page_offers_a_return_with_the_order_identified(client, brand, recent_order):
    page = client.get(f"/{brand.slug}/track/{recent_order.tracking_token}/?lang=en").content.decode()

    link = re.search(r'href="(/casa-verde/returns/o/[^"]+)"', page).group(1)
    assert "Start a return" in page
    assert client.get(link).status_code == 200


def test_no_return_link_before_delivery(client, brand, make_order):
    order = make_order(("home", 1, "10.00"), delivered_at=None)

    page = client.get(f"/{brand.slug}/track/{order.tracking_token}/?lang=en").content.decode()

    assert "Start a return" not in page


def test_the_tracking_page_stays_at_constant_queries(
    client, brand, make_order, django_assert_max_num_queries
):
    small = make_order(("home", 1, "10.00"), delivered_at=timezone.now())
    big = make_order(*[("home", 1, "10.00")] * 8, delivered_at=timezone.now())
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(f"/{brand.slug}/track/")  # the brand is read once per process, then kept in memory
    counts = []
    for order in (small, big):
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/{brand.slug}/track/{order.tracking_token}/")
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_items_page_queries_do_not_grow_with_the_order(client, make_order):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (1, 6):
        order = make_order(*[("home", 1, "10.00")] * size, delivered_at=timezone.now())
        client.get(start_url(order))  # defaults created on the first visit
        with CaptureQueriesContext(connection) as queries:
            client.get(start_url(order))
        counts.append(len(queries))
    assert counts[0] == counts[1]
