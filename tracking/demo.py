"""Demo shipments: one demo order of each brand in every normalized status."""

from datetime import timedelta

from common.urls import tracking_url
from demo.seed import demo_orders
from tracking import services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.statuses import ShipmentStatus

S = ShipmentStatus
# The path each demo parcel took, oldest first: (status, hours after the order, message, place).
HISTORIES: tuple[tuple[tuple[ShipmentStatus, int, str, str], ...], ...] = (
    (),
    ((S.INFO_RECEIVED, 20, "Shipping label created", "Warehouse"),),
    (
        (S.INFO_RECEIVED, 20, "Shipping label created", "Warehouse"),
        (S.IN_TRANSIT, 30, "Departed facility", "Sort hub"),
    ),
    (
        (S.INFO_RECEIVED, 20, "Shipping label created", "Warehouse"),
        (S.IN_TRANSIT, 30, "Departed facility", "Sort hub"),
        (S.OUT_FOR_DELIVERY, 70, "Out for delivery", "Local depot"),
    ),
    (
        (S.IN_TRANSIT, 30, "Departed facility", "Sort hub"),
        (S.OUT_FOR_DELIVERY, 70, "Out for delivery", "Local depot"),
        (S.FAILED_ATTEMPT, 78, "Nobody at home; we will try again tomorrow", "Local depot"),
    ),
    (
        (S.IN_TRANSIT, 30, "Departed facility", "Sort hub"),
        (S.AVAILABLE_FOR_PICKUP, 80, "Ready for collection at the parcel locker", "Parcel locker 12"),
    ),
    (
        (S.INFO_RECEIVED, 20, "Shipping label created", "Warehouse"),
        (S.IN_TRANSIT, 30, "Departed facility", "Sort hub"),
        (S.OUT_FOR_DELIVERY, 70, "Out for delivery", "Local depot"),
        (S.DELIVERED, 75, "Delivered, left at the front door", "Front door"),
    ),
    (
        (S.IN_TRANSIT, 30, "Departed facility", "Sort hub"),
        (S.EXCEPTION, 60, "Delayed by severe weather", "Sort hub"),
    ),
    (
        (S.IN_TRANSIT, 30, "Departed facility", "Sort hub"),
        (S.EXCEPTION, 60, "Address could not be found", "Local depot"),
        (S.RETURNED_TO_SENDER, 120, "Returned to the sender", "Warehouse"),
    ),
    (
        (S.INFO_RECEIVED, 20, "Shipping label created", "Warehouse"),
        (S.EXPIRED, 24 * 30, "No scans for 30 days", ""),
    ),
)
CARRIERS = (("ups", "UPS"), ("dhl", "DHL Express"), ("fedex", "FedEx"), ("dpd", "DPD"))


def seed_shipments() -> list[str]:
    """Idempotent: events are only written the first time a demo shipment is created."""
    lines = ["Tracking pages of the demo orders:"]
    by_brand: dict[str, int] = {}
    for order in demo_orders():
        index = by_brand.get(order.brand.slug, 0)
        by_brand[order.brand.slug] = index + 1
        history = HISTORIES[index % len(HISTORIES)]
        code, name = CARRIERS[index % len(CARRIERS)]
        shipment, created = services.shipment_upsert(
            brand=order.brand,
            order=order,
            carrier_code=code,
            carrier_name=name,
            tracking_number=f"DEMO{order.brand.id:02d}{int(order.number):06d}",
            source="demo",
        )
        if created and history:
            anchor = order.placed_at
            services.shipment_apply_update(
                shipment_id=shipment.id,
                update=TrackingUpdate(
                    tracking_number=shipment.tracking_number,
                    carrier_code=code,
                    estimated_delivery=(anchor + timedelta(days=4)).date() if index % 2 else None,
                    events=tuple(
                        CarrierEvent(
                            status=status,
                            occurred_at=anchor + timedelta(hours=hours),
                            raw_status=str(status),
                            message=message,
                            location=place,
                        )
                        for status, hours, message, place in history
                    ),
                ),
                source="demo",
            )
        shipment.refresh_from_db()
        lines.append(
            f"  {order.brand.name} #{order.number} ({shipment.status}): "
            f"{tracking_url(brand_slug=order.brand.slug, token=shipment.token)}"
        )
    return lines
