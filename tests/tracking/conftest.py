from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tracking import services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.statuses import ShipmentStatus

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def shipment(brand: Any, order: Any) -> Any:
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="dpd", carrier_name="DPD", tracking_number="DPD123"
    )
    return shipment


def event(status: ShipmentStatus, hours: float, message: str = "", location: str = "") -> CarrierEvent:
    return CarrierEvent(
        status=status,
        occurred_at=T0 + timedelta(hours=hours),
        raw_status=str(status),
        message=message or str(status),
        location=location,
    )


@pytest.fixture
def apply_events() -> Callable[..., services.ApplyResult]:
    def apply(shipment: Any, *events: CarrierEvent, edd: Any = None) -> services.ApplyResult:
        return services.shipment_apply_update(
            shipment_id=shipment.id,
            update=TrackingUpdate(
                tracking_number=shipment.tracking_number,
                carrier_code=shipment.carrier_code,
                estimated_delivery=edd,
                events=tuple(events),
            ),
            source="test",
        )

    return apply
