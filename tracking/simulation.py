"""A merchant-side "simulate carrier scan", so a newcomer can watch a shipment move."""

from django.utils import timezone

from tracking import services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.models import Shipment
from tracking.statuses import ShipmentStatus

NEXT_SCAN: dict[str, tuple[ShipmentStatus, str]] = {
    ShipmentStatus.PENDING: (ShipmentStatus.INFO_RECEIVED, "Shipping label created"),
    ShipmentStatus.INFO_RECEIVED: (ShipmentStatus.IN_TRANSIT, "Picked up by the carrier"),
    ShipmentStatus.IN_TRANSIT: (ShipmentStatus.OUT_FOR_DELIVERY, "Out for delivery"),
    ShipmentStatus.EXCEPTION: (ShipmentStatus.IN_TRANSIT, "Back on its way"),
    ShipmentStatus.FAILED_ATTEMPT: (ShipmentStatus.OUT_FOR_DELIVERY, "Second delivery attempt"),
    ShipmentStatus.OUT_FOR_DELIVERY: (ShipmentStatus.DELIVERED, "Delivered to the front door"),
    ShipmentStatus.AVAILABLE_FOR_PICKUP: (ShipmentStatus.DELIVERED, "Collected by the recipient"),
}


def shipment_simulate_scan(*, shipment_id: int, location: str = "") -> services.ApplyResult | None:
    """Append the next plausible scan, as if the carrier had sent it; None when the parcel is done."""
    shipment = Shipment.objects.get(id=shipment_id)
    step = NEXT_SCAN.get(shipment.status)
    if step is None:
        return None
    status, message = step
    return services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number,
            carrier_code=shipment.carrier_code,
            events=(
                CarrierEvent(
                    status=status,
                    occurred_at=timezone.now().replace(microsecond=0),
                    raw_status=f"simulated_{status}",
                    message=message,
                    location=location,
                ),
            ),
        ),
        source="simulation",
    )
