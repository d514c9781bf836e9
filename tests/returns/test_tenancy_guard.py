"""Brand B's returns are out of reach of brand A, at every door: service, admin, API and portal.

Each test pins one brand check (named in its docstring): with that check removed, the test fails.
"""

import re
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext

from brands.models import Role
from brands.services import api_key_create
from returns import links, services, views
from returns.models import Return, ReturnReason
from returns.statuses import ReturnStatus
from tests import factories
from tests.returns.conftest import DELIVERED_AT, deliver
from tracking.models import Shipment

pytestmark = pytest.mark.django_db

REQUESTED_ON = datetime(2026, 11, 10, tzinfo=UTC)
ACTOR = services.Actor("someone of brand A")


def delivered_order(brand: Any, *, variant_group: str = "") -> Any:
    customer = factories.CustomerFactory(
        brand=brand, email=f"{uuid.uuid4().hex[:8]}@example.com", locale="en"
    )
    order = factories.OrderFactory(brand=brand, customer=customer, currency="RON", locale="en")
    product = factories.ProductFactory(
        brand=brand, category="home", price=Decimal("30.00"), currency="RON", variant_group=variant_group
    )
    factories.OrderLineFactory(order=order, product=product, quantity=2, unit_price=Decimal("30.00"))
    deliver(brand=brand, order=order, at=DELIVERED_AT)
    return order


def open_return(brand: Any, *, to: tuple[str, ...] = (), photos: tuple[Any, ...] = ()) -> Return:
    """A return of `brand`, asked for by its shopper, moved along `to`."""
    services.reasons_ensure_defaults(brand=brand)
    services.policy_settings_set(brand=brand, auto_approve=False, currency="RON")
    services.rule_set(brand=brand, window_days=30)
    order = delivered_order(brand)
    ret = services.return_request(
        brand=brand,
        order_id=order.id,
        lines=[services.RequestedLine(order_line_id=order.lines.get().id, quantity=1)],
        reason_id=brand.return_reasons.get(code="too-big").id,
        resolution="refund",
        photos=photos,
        now=REQUESTED_ON,
    )
    for status in to:
        services.return_transition(return_id=ret.id, to_status=status, actor=services.Actor("setup"))
    ret.refresh_from_db()
    return ret


def snapshot(ret: Return) -> tuple[Any, ...]:
    ret.refresh_from_db()
    return (ret.status, ret.amount_issued, ret.return_shipment_id, ret.events.count())


@pytest.fixture
def ours(brand: Any) -> Return:
    return open_return(brand)


@pytest.fixture
def theirs(other_brand: Any) -> Return:
    return open_return(other_brand)


# ---- the service ------------------------------------------------------------------------------------


def test_a_return_is_not_opened_on_another_brands_order(brand, other_brand, ours):
    """services.return_request: the order is looked up within the caller's brand."""
    foreign_order = delivered_order(other_brand)
    with pytest.raises(ValidationError) as refused:
        services.return_request(
            brand=brand,
            order_id=foreign_order.id,
            lines=[services.RequestedLine(order_line_id=foreign_order.lines.get().id, quantity=1)],
            reason_id=brand.return_reasons.get(code="too-big").id,
            resolution="refund",
            now=REQUESTED_ON,
        )
    assert "lines" in refused.value.message_dict
    assert not Return.objects.filter(order=foreign_order).exists()


def test_a_return_does_not_take_another_brands_reason(brand, other_brand, ours):
    """services.return_request: the reason is looked up within the caller's brand."""
    services.reasons_ensure_defaults(brand=other_brand)
    order = delivered_order(brand)
    with pytest.raises(ValidationError) as refused:
        services.return_request(
            brand=brand,
            order_id=order.id,
            lines=[services.RequestedLine(order_line_id=order.lines.get().id, quantity=1)],
            reason_id=ReturnReason.objects.get(brand=other_brand, code="too-big").id,
            resolution="refund",
            now=REQUESTED_ON,
        )
    assert "reason" in refused.value.message_dict
    assert not Return.objects.filter(order=order).exists()


def test_an_exchange_is_not_for_another_brands_product(brand, other_brand, ours):
    """returns.selectors._variants: exchange choices are the order's brand's products only."""
    order = delivered_order(brand, variant_group="linen-shirt")
    factories.ProductFactory(brand=brand, variant_group="linen-shirt", in_stock=True)
    foreign = factories.ProductFactory(brand=other_brand, variant_group="linen-shirt", in_stock=True)
    with pytest.raises(ValidationError) as refused:
        services.return_request(
            brand=brand,
            order_id=order.id,
            lines=[
                services.RequestedLine(
                    order_line_id=order.lines.get().id, quantity=1, exchange_for_id=foreign.id
                )
            ],
            reason_id=brand.return_reasons.get(code="too-big").id,
            resolution="exchange",
            now=REQUESTED_ON,
        )
    assert "resolution" in refused.value.message_dict
    assert not Return.objects.filter(order=order).exists()


def test_a_return_is_not_moved_in_another_brands_scope(brand, theirs):
    """services.return_transition: `brand_id` must be the return's brand."""
    before = snapshot(theirs)
    with pytest.raises(Return.DoesNotExist):
        services.return_transition(
            return_id=theirs.id, to_status=ReturnStatus.APPROVED, actor=ACTOR, brand_id=brand.id
        )
    assert snapshot(theirs) == before
    # The same call in the right scope does move it: the refusal above is the brand's, not the move's.
    services.return_transition(
        return_id=theirs.id, to_status=ReturnStatus.APPROVED, actor=ACTOR, brand_id=theirs.brand_id
    )
    assert snapshot(theirs)[0] == ReturnStatus.APPROVED


def test_a_return_is_not_resolved_in_another_brands_scope(brand, other_brand):
    """services.return_resolve: passes the caller's `brand_id` on to return_transition."""
    received = open_return(other_brand, to=(ReturnStatus.APPROVED, ReturnStatus.RECEIVED))
    before = snapshot(received)
    with pytest.raises(Return.DoesNotExist):
        services.return_resolve(return_id=received.id, actor=ACTOR, brand_id=brand.id)
    assert snapshot(received) == before


def test_a_return_parcel_is_not_attached_in_another_brands_scope(brand, other_brand):
    """services.return_shipment_attach: `brand_id` must be the return's brand."""
    approved = open_return(other_brand, to=(ReturnStatus.APPROVED,))
    before = snapshot(approved)
    with pytest.raises(Return.DoesNotExist):
        services.return_shipment_attach(return_id=approved.id, tracking_number="RET123", brand_id=brand.id)
    assert snapshot(approved) == before
    assert not Shipment.objects.filter(tracking_number="RET123").exists()


# ---- the admin --------------------------------------------------------------------------------------


@pytest.fixture
def manager(client, staff_of, brand):
    """A returns manager of brand A, logged in."""
    user = staff_of(brand, Role.RETURNS_MANAGER)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("changelist", "action", "path", "extra"),
    [
        ("return", "approve", (), {}),
        ("return", "reject", (), {"apply": "yes", "reason": "Past the return window."}),
        ("return", "mark_received", (ReturnStatus.APPROVED,), {}),
        ("return", "resolve", (ReturnStatus.APPROVED, ReturnStatus.RECEIVED), {}),
        ("incomingreturn", "mark_received", (ReturnStatus.APPROVED,), {}),
    ],
)
def test_a_returns_manager_cannot_act_on_another_brands_return(
    client, manager, brand, other_brand, changelist, action, path, extra
):
    """BrandScopedMixin.get_queryset and .get_search_results: an action reaches only one's brands.

    The changelist passes through both, so either alone keeps brand B out; the change view and the
    photo view below go through get_queryset alone and pin it.
    """
    mine = open_return(brand, to=path)
    foreign = open_return(other_brand, to=path)
    before, mine_before = snapshot(foreign), snapshot(mine)
    response = client.post(
        f"/admin/returns/{changelist}/",
        {"action": action, "_selected_action": [foreign.id, mine.id], **extra},
    )
    assert response.status_code == 302
    assert snapshot(foreign) == before
    assert snapshot(mine)[0] != mine_before[0]  # ours did move: the action ran, B's was out of reach


def test_a_returns_manager_cannot_open_or_annotate_another_brands_return(client, manager, theirs):
    """ReturnAdmin change view: the object is fetched through the brand-scoped queryset."""
    url = f"/admin/returns/return/{theirs.id}/change/"
    assert client.get(url).status_code == 302  # "does not exist", back to the list
    client.post(
        url,
        {
            "notes-TOTAL_FORMS": "1",
            "notes-INITIAL_FORMS": "0",
            "notes-0-body": "seen from brand A",
        },
    )
    assert not theirs.notes.exists()


def test_a_returns_manager_cannot_see_another_brands_photo(
    client, manager, other_brand, jpeg, settings, tmp_path
):
    """ReturnAdmin.photo_view: the photo is looked up within the scoped returns."""
    ret = open_return(other_brand, photos=(jpeg(),))
    photo = ret.photos.get()
    assert client.get(f"/admin/returns/return/{ret.id}/photo/{photo.id}/").status_code == 404


def test_insights_count_only_ones_own_brand(client, manager, brand, other_brand, ours):
    """ReturnAdmin.insights_view: figures are computed for the staff member's brands only."""
    for _ in range(3):
        open_return(other_brand)
    page = client.get("/admin/returns/return/insights/?start=2026-01-01&end=2026-12-31&format=csv")
    assert page.status_code == 200
    body = page.content.decode()
    # Brand A sold 2 and got 1 back; brand B's three returns of the same category are not counted.
    assert re.findall(r"^category,home,(\d+),(\d+),", body, flags=re.MULTILINE) == [("2", "1")]


# ---- the API ----------------------------------------------------------------------------------------


@pytest.fixture
def api_a(client, brand):
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_key_create(brand=brand).raw_key}"
    return client


def test_an_api_key_of_brand_a_lists_and_reads_only_brand_a(api_a, ours, theirs):
    """selectors.returns_for_api and selectors.return_by_rma: filtered by the key's brand."""
    listing = api_a.get("/api/v1/returns/")
    assert [row["rma"] for row in listing.json()["results"]] == [ours.rma]
    assert api_a.get(f"/api/v1/returns/{theirs.rma}/").status_code == 404
    assert api_a.get(f"/api/v1/returns/{ours.rma}/").status_code == 200


def test_an_api_key_of_brand_a_moves_nothing_of_brand_b(api_a, other_brand, theirs):
    """ReturnStatusApi and ReturnShipmentApi: the return is found within the key's brand."""
    approved = open_return(other_brand, to=(ReturnStatus.APPROVED,))
    before, before_approved = snapshot(theirs), snapshot(approved)
    moved = api_a.post(
        f"/api/v1/returns/{theirs.rma}/status/", {"status": "approved"}, content_type="application/json"
    )
    attached = api_a.post(
        f"/api/v1/returns/{approved.rma}/shipment/",
        {"carrier": "DPD", "tracking_number": "RET999"},
        content_type="application/json",
    )
    assert (moved.status_code, attached.status_code) == (404, 404)
    assert snapshot(theirs) == before
    assert snapshot(approved) == before_approved
    assert not Shipment.objects.filter(tracking_number="RET999").exists()


# ---- the shopper's portal ---------------------------------------------------------------------------


def test_a_return_link_works_only_under_its_own_brand(client, brand, other_brand, theirs):
    """selectors.return_for_shopper: the token is looked up within the brand of the URL."""
    assert client.get(f"/{other_brand.slug}/returns/r/{theirs.token}/").status_code == 200
    assert client.get(f"/{brand.slug}/returns/r/{theirs.token}/").status_code == 404
    assert client.get(f"/{brand.slug}/returns/r/{theirs.token}/slip.pdf").status_code == 404


def test_an_order_link_signed_for_brand_b_does_not_open_at_brand_a(client, brand, other_brand, ours):
    """links.order_id_from_token: the token carries the brand it was signed for."""
    order = delivered_order(brand)
    own = links.order_token(brand_id=brand.id, order_id=order.id)
    forged = links.order_token(brand_id=other_brand.id, order_id=order.id)
    assert client.get(f"/{brand.slug}/returns/o/{own}/").status_code == 200
    assert client.get(f"/{brand.slug}/returns/o/{forged}/").status_code == 404


def test_an_order_link_of_brand_a_does_not_open_brand_bs_order(client, brand, other_brand, ours):
    """selectors.order_for_portal: the order is looked up within the brand of the URL."""
    foreign_order = delivered_order(other_brand)
    token = links.order_token(brand_id=brand.id, order_id=foreign_order.id)
    assert client.get(f"/{brand.slug}/returns/o/{token}/").status_code == 404
    confirm = client.post(f"/{brand.slug}/returns/o/{token}/confirm/", {"state": "x", "resolution": "refund"})
    assert confirm.status_code == 404
    assert not Return.objects.filter(order=foreign_order).exists()


def test_the_portal_does_not_take_another_brands_reason(client, brand, other_brand, ours):
    """views.confirm: the reason carried by the signed step-one state is looked up within the brand."""
    services.reasons_ensure_defaults(brand=other_brand)
    order = delivered_order(brand)
    foreign_reason = ReturnReason.objects.get(brand=other_brand, code="too-big")
    state = views._state_sign(
        order_id=order.id, lines=[(order.lines.get().id, 1)], reason_id=foreign_reason.id
    )
    token = links.order_token(brand_id=brand.id, order_id=order.id)
    response = client.post(
        f"/{brand.slug}/returns/o/{token}/confirm/?lang=en", {"state": state, "resolution": "refund"}
    )
    assert response.status_code == 400
    with translation.override("en"):
        assert (
            gettext("Something in this form changed. Choose your items again.") in response.content.decode()
        )
    assert not Return.objects.filter(order=order).exists()
