"""Our own delivery estimate from history, and late / stuck detection."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests import factories
from tests.tracking.conftest import event
from tracking import delivery_estimates, hooks, services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.models import TrackingSettings
from tracking.statuses import ShipmentStatus as S


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        ([2, 2, 3, 3, 3], (date(2026, 11, 5), date(2026, 11, 5))),  # spread of a day: the median
        ([3, 3, 3, 3, 3, 3], (date(2026, 11, 5), date(2026, 11, 5))),
        ([1, 2, 3, 4, 8, 9], (date(2026, 11, 4), date(2026, 11, 9))),
        ([3, 3, 3, 3], None),
        ([], None),
    ],
)
def test_estimate_window(history, expected):
    assert delivery_estimates.estimate_window(shipped_on=date(2026, 11, 2), history=history) == expected


def _delivered_parcel(brand, country, shipped, days):
    order = factories.OrderFactory(brand=brand, shipping_country=country)
    factories.OrderLineFactory(order=order)
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="dpd", tracking_number=f"H{order.id}"
    )
    services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number,
            carrier_code="dpd",
            events=(
                CarrierEvent(status=S.IN_TRANSIT, occurred_at=shipped, raw_status="in_transit"),
                CarrierEvent(
                    status=S.DELIVERED, occurred_at=shipped + timedelta(days=days), raw_status="delivered"
                ),
            ),
        ),
        source="test",
    )


def test_history_estimate_needs_same_carrier_and_country(brand, shipment, apply_events):
    shipped = datetime(2026, 10, 1, 9, tzinfo=UTC)
    for days in (2, 2, 2, 2):
        _delivered_parcel(brand, "RO", shipped, days)
    _delivered_parcel(brand, "PL", shipped, 9)
    apply_events(shipment, event(S.IN_TRANSIT, 0))
    shipment.refresh_from_db()
    assert shipment.estimated_delivery is None  # four matching parcels are not enough

    _delivered_parcel(brand, "RO", shipped, 2)
    apply_events(shipment, event(S.IN_TRANSIT, 3, "Arrived"))
    shipment.refresh_from_db()
    assert shipment.estimated_delivery == shipment.shipped_at.date() + timedelta(days=2)
    assert shipment.estimated_delivery_source == "history"


def test_other_brands_history_is_not_used(brand, other_brand, shipment, apply_events):
    for _ in range(6):
        _delivered_parcel(other_brand, "RO", datetime(2026, 10, 1, tzinfo=UTC), 2)
    apply_events(shipment, event(S.IN_TRANSIT, 0))
    shipment.refresh_from_db()
    assert shipment.estimated_delivery is None


@pytest.fixture
def flags():
    seen: list[hooks.ShipmentFlagged] = []
    hooks.FLAGGED_HOOKS.append(seen.append)
    yield seen
    hooks.FLAGGED_HOOKS.remove(seen.append)


def test_late_is_flagged_once(shipment, apply_events, flags):
    apply_events(shipment, event(S.IN_TRANSIT, 0), edd=date(2026, 11, 3))
    now = datetime(2026, 11, 4, 12, tzinfo=UTC)
    TrackingSettings.objects.create(brand=shipment.brand, stuck_after_hours=1000)
    assert services.shipments_flag_late_and_stuck(now=now) == {"late": 1, "stuck": 0}
    assert services.shipments_flag_late_and_stuck(now=now + timedelta(hours=1)) == {"late": 0, "stuck": 0}
    shipment.refresh_from_db()
    assert shipment.late_since == now
    assert [(f.shipment_id, f.reason) for f in flags] == [(shipment.id, "late")]


def test_not_late_on_the_edd_itself(shipment, apply_events, flags):
    apply_events(shipment, event(S.IN_TRANSIT, 0), edd=date(2026, 11, 3))
    TrackingSettings.objects.create(brand=shipment.brand, stuck_after_hours=1000)
    services.shipments_flag_late_and_stuck(now=datetime(2026, 11, 3, 22, tzinfo=UTC))
    assert flags == []


def test_stuck_after_brand_hours_and_cleared_by_a_new_scan(shipment, apply_events, flags):
    TrackingSettings.objects.create(brand=shipment.brand, stuck_after_hours=48)
    apply_events(shipment, event(S.IN_TRANSIT, 0))
    shipment.refresh_from_db()
    assert (
        services.shipments_flag_late_and_stuck(now=shipment.last_event_at + timedelta(hours=47))["stuck"] == 0
    )
    assert (
        services.shipments_flag_late_and_stuck(now=shipment.last_event_at + timedelta(hours=49))["stuck"] == 1
    )
    apply_events(shipment, event(S.IN_TRANSIT, 60, "Arrived"))
    shipment.refresh_from_db()
    assert shipment.stuck_since is None


def test_delivered_shipments_are_never_flagged(shipment, apply_events, flags):
    apply_events(shipment, event(S.IN_TRANSIT, 0), event(S.DELIVERED, 5), edd=date(2026, 11, 2))
    services.shipments_flag_late_and_stuck(now=datetime(2026, 12, 1, tzinfo=UTC))
    assert flags == []


def test_flag_task_runs_the_service(shipment, apply_events, flags):
    from tracking.tasks import flag_late_and_stuck

    apply_events(shipment, event(S.IN_TRANSIT, 0), edd=date(2020, 1, 1))
    flag_late_and_stuck.delay()
    shipment.refresh_from_db()
    assert shipment.late_since is not None
