"""Every transition of the lifecycle table, the illegal ones, and return parcels moving returns."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from returns import services
from returns.models import Return, ReturnEvent
from returns.statuses import ALLOWED, FINAL_STATUSES, RESOLVED_STATUS, ReturnStatus
from tracking import services as tracking_services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.statuses import ShipmentStatus

pytestmark = pytest.mark.django_db
S = ReturnStatus
STAFF = services.Actor("maria", user_id=None)

# A path from "requested" to every status, through legal moves only.
PATHS: dict[str, list[str]] = {
    S.APPROVED: [S.APPROVED],
    S.REJECTED: [S.REJECTED],
    S.IN_TRANSIT: [S.APPROVED, S.IN_TRANSIT],
    S.RECEIVED: [S.APPROVED, S.IN_TRANSIT, S.RECEIVED],
    S.INSPECTED: [S.APPROVED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED],
    S.CLOSED: [S.CLOSED],
}


def requested_return(make_order: Any, reasons: Any, resolution: str = "refund") -> Return:
    services.policy_settings_set(brand=reasons["too-big"].brand, auto_approve=False)
    order = make_order(("home", 2, "30.00"))
    return services.return_request(
        brand=order.brand,
        order_id=order.id,
        lines=[services.RequestedLine(order.lines.get().id, 1)],
        reason_id=reasons["too-big"].id,
        resolution=resolution,
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )


def walk(ret: Return, path: list[str]) -> Return:
    for status in path:
        ret = services.return_transition(return_id=ret.id, to_status=status, actor=STAFF)
    return ret


@pytest.mark.parametrize(
    ("source", "target"),
    sorted(
        (source, target)
        for source, targets in ALLOWED.items()
        for target in targets
        # Resolving straight from "approved" is for keep-it returns only (its own test below).
        if not (source == S.APPROVED and target in RESOLVED_STATUS.values())
    ),
)
def test_every_allowed_move_is_recorded(make_order, reasons, source, target):
    ret = requested_return(
        make_order,
        reasons,
        resolution=next(
            (resolution for resolution, status in RESOLVED_STATUS.items() if status == target), "refund"
        ),
    )
    ret = walk(ret, PATHS.get(source, []))

    moved = services.return_transition(return_id=ret.id, to_status=target, actor=STAFF, note="checked")

    moved.refresh_from_db()
    assert moved.status == target
    event = moved.events.last()
    assert (event.from_status, event.to_status, event.actor_label, event.note) == (
        source,
        target,
        "maria",
        "checked",
    )
    stamp = {
        "approved": "approved_at",
        "rejected": "rejected_at",
        "in_transit": "shipped_at",
        "received": "received_at",
        "inspected": "inspected_at",
        "closed": "closed_at",
    }.get(target, "resolved_at")
    assert getattr(moved, stamp) is not None


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([S.APPROVED, S.IN_TRANSIT, S.RECEIVED, S.REFUNDED], S.REQUESTED),  # refunded → requested
        ([S.APPROVED, S.IN_TRANSIT, S.RECEIVED, S.REFUNDED], S.CLOSED),
        ([S.REJECTED], S.APPROVED),
        ([], S.RECEIVED),
        ([], S.REFUNDED),
        ([S.APPROVED], S.REFUNDED),  # items not back yet
        ([S.APPROVED, S.IN_TRANSIT, S.RECEIVED], S.CREDITED),  # the shopper asked for a refund
        ([S.APPROVED, S.IN_TRANSIT], S.APPROVED),
        ([], "teleported"),
    ],
)
def test_illegal_moves_raise_and_change_nothing(make_order, reasons, path, target):
    ret = walk(requested_return(make_order, reasons), path)
    events_before = ReturnEvent.objects.count()

    with pytest.raises(services.IllegalTransition):
        services.return_transition(return_id=ret.id, to_status=target, actor=STAFF)

    ret.refresh_from_db()
    assert ret.status == (path[-1] if path else S.REQUESTED)
    assert ReturnEvent.objects.count() == events_before


def test_final_statuses_have_no_way_out():
    assert {S.REJECTED, S.REFUNDED, S.CREDITED, S.EXCHANGED, S.CLOSED} == FINAL_STATUSES


def test_repeating_the_current_status_is_a_no_op(make_order, reasons):
    ret = walk(requested_return(make_order, reasons), [S.APPROVED])
    count = ret.events.count()

    services.return_transition(return_id=ret.id, to_status=S.APPROVED, actor=STAFF)

    assert ret.events.count() == count


def test_resolving_records_the_amount(make_order, reasons):
    ret = walk(requested_return(make_order, reasons), [S.APPROVED, S.RECEIVED, S.INSPECTED])

    resolved = services.return_resolve(return_id=ret.id, actor=STAFF, amount=Decimal("20.00"))

    assert (resolved.status, resolved.amount_issued) == (S.REFUNDED, Decimal("20.00"))
    with pytest.raises(services.IllegalTransition):
        services.return_resolve(
            return_id=walk(requested_return(make_order, reasons), [S.APPROVED, S.RECEIVED]).id,
            actor=STAFF,
            amount=Decimal("1000.00"),
        )


def test_a_keep_it_return_is_resolved_without_coming_back(make_order, reasons, brand):
    services.rule_set(
        brand=brand, category="socks", keep_it_threshold=Decimal("25.00"), return_shipping_fee=Decimal("9")
    )
    order = make_order(("socks", 1, "12.00"))
    ret = services.return_request(
        brand=brand,
        order_id=order.id,
        lines=[services.RequestedLine(order.lines.get().id, 1)],
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )
    assert (ret.keep_item, ret.status, ret.amount) == (True, S.APPROVED, Decimal("12.00"))

    with pytest.raises(services.IllegalTransition):
        services.return_transition(return_id=ret.id, to_status=S.RECEIVED, actor=STAFF)
    resolved = services.return_resolve(return_id=ret.id, actor=STAFF)

    assert (resolved.status, resolved.amount_issued) == (S.REFUNDED, Decimal("12.00"))


def test_a_scope_of_another_brand_cannot_move_it(make_order, reasons, other_brand):
    ret = requested_return(make_order, reasons)

    with pytest.raises(Return.DoesNotExist):
        services.return_transition(
            return_id=ret.id, to_status=S.APPROVED, actor=STAFF, brand_id=other_brand.id
        )

    ret.refresh_from_db()
    assert ret.status == S.REQUESTED


def scan(shipment: Any, status: ShipmentStatus, at: datetime) -> None:
    tracking_services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number,
            carrier_code=shipment.carrier_code,
            events=(CarrierEvent(status=status, occurred_at=at, raw_status=str(status)),),
        ),
        source="test",
    )


def test_the_return_parcel_moves_the_return(approved_return):
    ret = services.return_shipment_attach(return_id=approved_return.id, tracking_number="RET123")
    shipment = ret.return_shipment
    assert (shipment.direction, shipment.source) == ("return", "returns")
    assert list(shipment.lines.values_list("quantity", flat=True)) == [1]
    at = datetime(2026, 11, 12, 9, 0, tzinfo=UTC)

    scan(shipment, ShipmentStatus.IN_TRANSIT, at)
    ret.refresh_from_db()
    assert ret.status == S.IN_TRANSIT

    scan(shipment, ShipmentStatus.DELIVERED, at + timedelta(days=2))
    scan(shipment, ShipmentStatus.DELIVERED, at + timedelta(days=2))  # the same scan again
    ret.refresh_from_db()
    assert ret.status == S.RECEIVED
    assert [e.actor_label for e in ret.events.all()][-2:] == ["carrier", "carrier"]
    assert ret.events.filter(to_status=S.RECEIVED).count() == 1


def test_outbound_parcels_do_not_touch_returns(approved_return, brand):
    from tests.returns.conftest import deliver

    deliver(
        brand=brand,
        order=approved_return.order,
        at=datetime(2026, 11, 20, tzinfo=UTC),
        tracking_number="OTHER1",
    )

    approved_return.refresh_from_db()
    assert approved_return.status == S.APPROVED
