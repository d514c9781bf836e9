"""Requesting a return: eligibility from the rules, amounts, auto-approval, and bad input refused."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from returns import services
from returns.models import Return, ReturnEvent, ReturnLine
from returns.statuses import ReturnStatus
from tests import factories
from tests.returns.conftest import lines_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]
NOW = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)


def request(order: Any, lines: Any, reason: Any, resolution: str = "refund", **kwargs: Any) -> Return:
    return services.return_request(
        brand=order.brand,
        order_id=order.id,
        lines=lines,
        reason_id=reason.id,
        resolution=resolution,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def test_an_eligible_return_is_priced_and_approved_by_the_policy(make_order, reasons):
    order = make_order(("apparel", 2, "40.00"), ("home", 1, "15.00"))

    ret = request(order, lines_of(order, 2, 0), reasons["too-small"], comment="  Too tight  ")

    assert ret.status == ReturnStatus.APPROVED
    assert (ret.items_value, ret.shipping_fee, ret.restocking_fee, ret.amount) == (
        Decimal("80.00"),
        Decimal("15.00"),
        Decimal("8.00"),
        Decimal("57.00"),
    )
    assert ret.currency == "RON"
    assert ret.comment == "Too tight"
    assert ret.rma.startswith("R-")
    assert len(ret.rma) == 10
    assert ret.delivered_at == datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    assert [(e.from_status, e.to_status, e.actor_label) for e in ret.events.all()] == [
        ("", "requested", "shopper"),
        ("requested", "approved", "system"),
    ]
    assert [e.shopper_trigger for e in ret.events.all()] == ["return_requested", "return_approved"]


def test_a_reason_that_needs_a_photo_waits_for_a_person(make_order, reasons, jpeg):
    order = make_order(("home", 1, "15.00"))

    ret = request(order, lines_of(order, 1), reasons["damaged"], photos=[jpeg()])

    assert ret.status == ReturnStatus.REQUESTED
    assert ret.photos.count() == 1
    assert (ret.shipping_fee, ret.amount) == (Decimal("0.00"), Decimal("15.00"))


def test_the_store_credit_bonus(make_order, reasons):
    order = make_order(("home", 2, "50.00"))

    ret = request(order, lines_of(order, 2), reasons["changed-mind"], resolution="store_credit")

    assert (ret.bonus, ret.amount) == (Decimal("10.00"), Decimal("110.00"))


def test_several_partial_returns_until_nothing_is_left(make_order, reasons):
    order = make_order(("home", 3, "10.00"))
    request(order, lines_of(order, 1), reasons["changed-mind"])
    request(order, lines_of(order, 2), reasons["too-big"])

    with pytest.raises(ValidationError) as error:
        request(order, lines_of(order, 1), reasons["changed-mind"])

    assert "Already being returned" in str(error.value)
    assert Return.objects.filter(order=order).count() == 2


def test_a_rejected_return_gives_its_items_back(make_order, reasons):
    order = make_order(("home", 1, "10.00"))
    services.policy_settings_set(brand=order.brand, auto_approve=False)
    first = request(order, lines_of(order, 1), reasons["changed-mind"])
    services.return_transition(return_id=first.id, to_status="rejected", actor=services.SYSTEM)

    second = request(order, lines_of(order, 1), reasons["changed-mind"])

    assert second.status == ReturnStatus.REQUESTED


def nothing_written(order: Any) -> bool:
    return not Return.objects.filter(order=order).exists() and not ReturnLine.objects.exists()


@pytest.mark.parametrize(
    ("case", "field", "message"),
    [
        ("another_orders_line", "lines", "not part of your order"),
        ("another_brands_order", "lines", "not part of your order"),
        ("more_than_bought", "lines", "at most 2"),
        ("zero", "lines", "at most 2"),
        ("same_line_twice", "lines", "not part of your order"),
        ("no_lines", "lines", "at least one item"),
        ("window_closed", "lines", "window closed on 17 November 2026"),
        ("final_sale", "lines", "Final sale"),
        ("not_returnable_product", "lines", "Final sale"),
        ("resolution_not_allowed", "resolution", "not available"),
        ("unknown_resolution", "resolution", "not available"),
        ("missing_photo", "photos", "photo"),
        ("reason_of_another_brand", "reason", "reason"),
        ("exchange_for_a_stranger", "resolution", "not available"),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(
    case, field, message, make_order, reasons, brand, other_brand
):
    order = make_order(("apparel", 2, "40.00"))
    line = order.lines.get()
    lines = [services.RequestedLine(order_line_id=line.id, quantity=1)]
    reason, resolution, now = reasons["too-small"], "refund", NOW
    photos: list = []
    if case == "another_orders_line":
        other = make_order(("home", 1, "10.00"))
        lines = [services.RequestedLine(order_line_id=other.lines.get().id, quantity=1)]
    elif case == "another_brands_order":
        foreign = factories.OrderLineFactory(order=factories.OrderFactory(brand=other_brand), quantity=1)
        lines = [services.RequestedLine(order_line_id=foreign.id, quantity=1)]
    elif case == "more_than_bought":
        lines = [services.RequestedLine(order_line_id=line.id, quantity=3)]
    elif case == "zero":
        lines = [services.RequestedLine(order_line_id=line.id, quantity=0)]
    elif case == "same_line_twice":
        lines = [*lines, *lines]
    elif case == "no_lines":
        lines = []
    elif case == "window_closed":
        # Delivered 3 November, apparel window 14 days: the 17th is the last day in Bucharest.
        now = datetime(2026, 11, 17, 22, 0, tzinfo=UTC)
    elif case == "final_sale":
        order = make_order(("gift-cards", 1, "50.00"))
        lines = [services.RequestedLine(order_line_id=order.lines.get().id, quantity=1)]
    elif case == "not_returnable_product":
        line.product.returnable = False
        line.product.save()
    elif case == "resolution_not_allowed":
        order = make_order(("underwear", 1, "20.00"))
        lines = [services.RequestedLine(order_line_id=order.lines.get().id, quantity=1)]
    elif case == "unknown_resolution":
        resolution = "cash"
    elif case == "missing_photo":
        reason = reasons["damaged"]
    elif case == "reason_of_another_brand":
        services.reasons_ensure_defaults(brand=other_brand)
        reason = other_brand.return_reasons.first()
    elif case == "exchange_for_a_stranger":
        stranger = factories.ProductFactory(brand=brand)
        lines = [services.RequestedLine(order_line_id=line.id, quantity=1, exchange_for_id=stranger.id)]
        resolution = "exchange"

    with pytest.raises(ValidationError) as error:
        services.return_request(
            brand=brand,
            order_id=order.id,
            lines=lines,
            reason_id=reason.id,
            resolution=resolution,
            photos=photos,
            now=now,
        )

    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])
    assert not Return.objects.exists()
    assert not ReturnEvent.objects.exists()


def test_an_order_of_another_brand_is_unknown(make_order, reasons, other_brand):
    order = make_order(("home", 1, "10.00"))

    with pytest.raises(ValidationError):
        services.return_request(
            brand=other_brand,
            order_id=order.id,
            lines=lines_of(order, 1),
            reason_id=reasons["too-big"].id,
            resolution="refund",
            now=NOW,
        )
    assert not Return.objects.exists()


def test_exchange_for_another_variant(make_order, reasons, brand):
    order = make_order(("apparel", 1, "40.00"))
    line = order.lines.get()
    line.product.variant_group = "tee"
    line.product.save()
    larger = factories.ProductFactory(brand=brand, variant_group="tee", title="Tee L")
    factories.ProductFactory(brand=brand, variant_group="tee", title="Tee XL", in_stock=False)

    ret = request(
        order,
        [services.RequestedLine(order_line_id=line.id, quantity=1, exchange_for_id=larger.id)],
        reasons["too-small"],
        resolution="exchange",
    )

    assert ret.lines.get().exchange_for == larger
    assert ret.bonus == Decimal("4.00")
