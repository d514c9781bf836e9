"""Points appear when the order is delivered (every parcel), once; refunds take them back in proportion."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from loyalty import services
from loyalty.models import EntryKind, LedgerEntry, LoyaltyAccount
from returns import services as returns_services
from returns.services import Actor
from tests.loyalty.conftest import deliver
from tests.returns.conftest import lines_of
from tests.tracking.page_builders import S, parcel

pytestmark = pytest.mark.django_db


def balance(customer: Any) -> int:
    account = LoyaltyAccount.objects.filter(customer=customer).first()
    return account.balance if account else 0


def test_points_are_credited_when_the_last_parcel_is_delivered(
    brand: Any, customer: Any, programme: Any, make_order: Any
) -> None:
    order = make_order(("home", 1, "60.00"), ("home", 1, "39.99"), delivered_at=None, total=Decimal("99.99"))
    first, second = order.lines.order_by("id")
    parcel(order=order, lines=[(first.id, 1)], scans=[(S.IN_TRANSIT, 5, "", ""), (S.DELIVERED, 1, "", "")])
    assert balance(customer) == 0  # one of two parcels: not delivered yet

    parcel(order=order, lines=[(second.id, 1)], scans=[(S.IN_TRANSIT, 5, "", ""), (S.DELIVERED, 1, "", "")])
    assert balance(customer) == 99  # 1 point per RON, rounded down

    services.points_credit_for_order(order_id=order.id)  # a replayed hook adds nothing
    assert LedgerEntry.objects.filter(order=order, kind=EntryKind.EARN).count() == 1


def test_in_transit_earns_nothing(brand: Any, customer: Any, programme: Any, make_order: Any) -> None:
    order = make_order(("home", 1, "50.00"), delivered_at=None)
    parcel(order=order)
    assert balance(customer) == 0


def test_no_programme_no_points(brand: Any, customer: Any, make_order: Any) -> None:
    make_order(("home", 1, "50.00"))
    assert balance(customer) == 0


def test_a_refund_takes_back_the_points_of_the_returned_items(
    brand: Any, customer: Any, programme: Any, make_order: Any, reasons: Any, policy_rules: Any
) -> None:
    order = make_order(("home", 2, "30.00"), ("home", 1, "40.00"), total=Decimal("100.00"))
    assert balance(customer) == 100
    ret = returns_services.return_request(
        brand=brand,
        order_id=order.id,
        lines=lines_of(order, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )
    staff = Actor("staff")
    returns_services.return_transition(return_id=ret.id, to_status="approved", actor=staff)
    returns_services.return_transition(return_id=ret.id, to_status="received", actor=staff)
    assert balance(customer) == 100  # nothing taken before the refund

    returns_services.return_resolve(return_id=ret.id, actor=staff)

    assert balance(customer) == 70  # 30 of 100 RON came back
    clawback = LedgerEntry.objects.get(kind=EntryKind.CLAWBACK)
    assert clawback.points == -30
    assert clawback.order_id == order.id
    # The same refund reported again changes nothing.
    assert (
        services.points_claw_back_for_refund(
            order_id=order.id, refunded_amount=Decimal("30"), currency="RON", source_key=f"return:{ret.id}"
        )
        == 0
    )
    assert balance(customer) == 70


def test_claw_back_stops_at_zero_when_points_were_spent(
    brand: Any, customer: Any, programme: Any, make_order: Any
) -> None:
    order = make_order(("home", 1, "200.00"), total=Decimal("200.00"))
    services.points_redeem(customer_id=customer.id, points=200)

    taken = services.points_claw_back_for_refund(
        order_id=order.id, refunded_amount=Decimal("200.00"), currency="RON", source_key="r1"
    )

    assert taken == 0
    assert balance(customer) == 0


def test_a_refund_in_another_currency_is_refused(
    brand: Any, customer: Any, programme: Any, make_order: Any
) -> None:
    order = make_order(("home", 1, "50.00"), total=Decimal("50.00"))
    with pytest.raises(services.LoyaltyError):
        services.points_claw_back_for_refund(
            order_id=order.id, refunded_amount=Decimal("10"), currency="EUR", source_key="x"
        )
    assert balance(customer) == 50


def test_deliver_helper_is_shared(brand: Any, customer: Any, programme: Any, make_order: Any) -> None:
    order = make_order(("home", 1, "10.00"), delivered_at=None, total=Decimal("10.00"))
    deliver(brand=brand, order=order, at=datetime(2026, 11, 3, tzinfo=UTC))
    assert balance(customer) == 10
