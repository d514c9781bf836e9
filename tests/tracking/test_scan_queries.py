"""What one carrier scan costs in queries, and that the cost does not grow with the data."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification, NotificationSettings
from tests import factories
from tests.tracking.conftest import event
from tracking import delivery_estimates
from tracking.models import Shipment, TrackingEvent
from tracking.statuses import ShipmentStatus as S

# A new checkpoint, same status: the parcel and its order locked and read with the lane's estimate,
# the event stored (duplicates skipped by the same statement), the parcel updated. Two more lines are
# the savepoint of the test's transaction (BEGIN and COMMIT in production).
CHECKPOINT_QUERIES = 3 + 2
# A status change with SMS and email due: the above, plus the notifications reaction in its savepoint
# (customer with brand and settings, the brand's wordings, each outbox row in its own savepoint, the
# collapse of older pending SMS of the parcel).
STATUS_CHANGE_QUERIES = CHECKPOINT_QUERIES + 11


def _statements(captured):
    return [q["sql"].split(" ", 1)[0] for q in captured if "SAVEPOINT" not in q["sql"]]


@pytest.fixture
def parcel(shipment, apply_events):
    NotificationSettings.objects.get_or_create(brand=shipment.brand)
    apply_events(shipment, event(S.INFO_RECEIVED, 0))
    return shipment


def _count(apply_events, shipment, *events):
    with CaptureQueriesContext(connection) as captured:
        apply_events(shipment, *events)
    return captured.captured_queries


def test_a_new_checkpoint_costs_three_statements(parcel, apply_events):
    apply_events(parcel, event(S.IN_TRANSIT, 1))
    captured = _count(apply_events, parcel, event(S.IN_TRANSIT, 2, "Arrived at hub"))
    assert len(captured) == CHECKPOINT_QUERIES
    assert _statements(captured) == ["SELECT", "INSERT", "UPDATE"]
    assert "FOR UPDATE OF" in captured[1]["sql"]  # the parcel and its order, not the brand
    assert "tracking_deliverylane" in captured[1]["sql"]  # the estimate comes with the same read

    repeated = _count(apply_events, parcel, event(S.IN_TRANSIT, 2, "Arrived at hub"))
    assert _statements(repeated) == ["SELECT", "INSERT"]  # a re-sent scan changes nothing


def test_a_status_change_with_messages(parcel, apply_events):
    captured = _count(apply_events, parcel, event(S.IN_TRANSIT, 1))
    assert len(captured) == STATUS_CHANGE_QUERIES, [q["sql"][:80] for q in captured]
    assert Notification.objects.filter(subject_key=f"shipment:{parcel.id}").count() == 2  # SMS and email
    assert not any('FROM "tracking_shipment"' in q["sql"] for q in captured[2:])  # not read again


def test_the_cost_does_not_grow_with_events_and_history(brand, customer, parcel, apply_events):
    apply_events(parcel, event(S.IN_TRANSIT, 1))
    before = len(_count(apply_events, parcel, event(S.IN_TRANSIT, 2, "Hub A")))
    # Years of events on this parcel and hundreds of delivered parcels on its lane.
    TrackingEvent.objects.bulk_create(
        TrackingEvent(
            shipment=parcel,
            status=S.IN_TRANSIT,
            message=f"Old {index}",
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=index),
            source="test",
            fingerprint=f"old-{index}",
        )
        for index in range(300)
    )
    shipped = datetime(2026, 10, 1, 9, tzinfo=UTC)
    orders = factories.OrderFactory.create_batch(250, brand=brand, customer=customer)
    Shipment.objects.bulk_create(
        Shipment(
            brand=brand,
            order=order,
            carrier_code=parcel.carrier_code,
            tracking_number=f"OLD{order.id}",
            status=S.DELIVERED,
            shipped_at=shipped,
            delivered_at=shipped + timedelta(days=2 + index % 3, minutes=index),
        )
        for index, order in enumerate(orders)
    )
    delivery_estimates.delivery_lanes_rebuild(brand_id=brand.id)
    after = _count(apply_events, parcel, event(S.IN_TRANSIT, 3, "Hub B"))
    assert len(after) == before == CHECKPOINT_QUERIES
    parcel.refresh_from_db()
    assert parcel.estimated_delivery_source == "history"  # the history is there, and was used
    changed = _count(apply_events, parcel, event(S.OUT_FOR_DELIVERY, 4))
    assert len(changed) == STATUS_CHANGE_QUERIES
