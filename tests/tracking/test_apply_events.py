"""Ingestion is idempotent and order-independent; status changes fire the hooks once."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from tests.tracking.conftest import T0, event
from tracking import hooks, services
from tracking.models import ReactionFailure, Shipment, TrackingEvent
from tracking.statuses import ShipmentStatus as S

HISTORY = [
    event(S.INFO_RECEIVED, 0, "Label created", "Warehouse"),
    event(S.IN_TRANSIT, 5, "Departed", "Bucharest hub"),
    event(S.IN_TRANSIT, 20, "Arrived", "Cluj hub"),
    event(S.OUT_FOR_DELIVERY, 30, "Out for delivery", "Cluj"),
    event(S.DELIVERED, 34, "Delivered", "Cluj"),
]


@pytest.fixture
def status_changes():
    seen: list[hooks.ShipmentStatusChanged] = []
    hooks.STATUS_CHANGED_HOOKS.append(seen.append)
    yield seen
    hooks.STATUS_CHANGED_HOOKS.remove(seen.append)


def test_full_history_then_resent_adds_nothing(shipment, apply_events, status_changes):
    first = apply_events(shipment, *HISTORY)
    again = apply_events(shipment, *HISTORY)
    shipment.refresh_from_db()
    assert (first.new_events, again.new_events) == (5, 0)
    assert shipment.status == S.DELIVERED
    assert shipment.delivered_at == T0 + timedelta(hours=34)
    assert shipment.shipped_at == T0 + timedelta(hours=5)
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 5
    assert [(c.old_status, c.new_status) for c in status_changes] == [(S.PENDING, S.DELIVERED)]


def test_stale_event_never_moves_delivered_back(shipment, apply_events, status_changes):
    apply_events(shipment, HISTORY[-1])
    result = apply_events(shipment, HISTORY[1], HISTORY[2])
    shipment.refresh_from_db()
    assert result.new_events == 2
    assert not result.status_changed
    assert shipment.status == S.DELIVERED
    assert [c.new_status for c in status_changes] == [S.DELIVERED]


def test_each_step_changes_status_once(shipment, apply_events, status_changes):
    for item in HISTORY:
        apply_events(shipment, item)
    assert [c.new_status for c in status_changes] == [
        S.INFO_RECEIVED,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
    ]
    assert status_changes[-1].order_id == shipment.order_id
    assert status_changes[-1].customer_id == shipment.order.customer_id


def test_same_time_tie_goes_to_the_furthest_status(shipment, apply_events):
    apply_events(shipment, event(S.DELIVERED, 10), event(S.OUT_FOR_DELIVERY, 10))
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED


def test_hook_failure_keeps_the_events_and_is_recorded(shipment, apply_events):
    def broken(change):
        raise RuntimeError("outbox down")

    hooks.on_status_changed(broken)
    try:
        apply_events(shipment, HISTORY[0])
    finally:
        hooks.STATUS_CHANGED_HOOKS.remove(broken)
    shipment.refresh_from_db()
    assert shipment.status == HISTORY[0].status
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1
    failure = ReactionFailure.objects.get(shipment=shipment)
    assert failure.reaction.endswith("broken")
    assert failure.error == "RuntimeError: outbox down"


def test_carrier_edd_is_kept(shipment, apply_events):
    apply_events(shipment, HISTORY[1], edd=date(2026, 11, 5))
    shipment.refresh_from_db()
    assert shipment.estimated_delivery == date(2026, 11, 5)
    assert shipment.estimated_delivery_source == "carrier"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(range(len(HISTORY))), min_size=1, max_size=12))
def test_any_permutation_and_duplication_ends_in_the_same_state(brand, order, apply_events, picks):
    """Property: whatever order and repetition, the same status and the same set of events."""
    shipment, _ = services.shipment_upsert(
        brand=brand,
        order=order,
        carrier_code="dpd",
        tracking_number=f"P{len(picks)}-{'-'.join(map(str, picks))}"[:60],
    )
    for index in picks:
        apply_events(shipment, HISTORY[index])
    shipment.refresh_from_db()
    chosen = {HISTORY[index] for index in picks}
    latest = max(chosen, key=lambda e: (e.occurred_at, list(S).index(e.status)))
    assert shipment.status == latest.status
    stored = set(TrackingEvent.objects.filter(shipment=shipment).values_list("message", "occurred_at"))
    assert stored == {(e.message, e.occurred_at) for e in chosen}
    Shipment.objects.filter(id=shipment.id).delete()


def test_lines_must_belong_to_the_order(brand, order):
    foreign = factories.OrderLineFactory(order=factories.OrderFactory(brand=brand))
    with pytest.raises(ValidationError):
        services.shipment_upsert(
            brand=brand, order=order, carrier_code="ups", tracking_number="1Z", lines=[(foreign.id, 1)]
        )
    assert not Shipment.objects.filter(tracking_number="1Z").exists()


def test_quantity_above_ordered_is_refused(brand, order):
    line = order.lines.first()
    with pytest.raises(ValidationError):
        services.shipment_upsert(
            brand=brand,
            order=order,
            carrier_code="ups",
            tracking_number="1Z",
            lines=[(line.id, line.quantity + 1)],
        )


def test_single_parcel_carries_the_whole_order(shipment, order):
    assert sorted(shipment.lines.values_list("order_line_id", "quantity")) == sorted(
        order.lines.values_list("id", "quantity")
    )


def test_tracking_number_of_another_order_is_refused(brand, shipment):
    other = factories.OrderFactory(brand=brand)
    with pytest.raises(ValidationError):
        services.shipment_upsert(brand=brand, order=other, carrier_code="dpd", tracking_number="DPD123")


def test_order_of_another_brand_is_refused(brand, other_brand):
    foreign_order = factories.OrderFactory(brand=other_brand)
    with pytest.raises(ValidationError):
        services.shipment_upsert(brand=brand, order=foreign_order, carrier_code="dpd", tracking_number="X1")
