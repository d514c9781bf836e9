"""Orders with parcels and scans, made through the tracking services, for page tests."""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.utils import timezone

from tests import factories
from tracking import services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.models import Shipment
from tracking.statuses import ShipmentStatus

# (status, hours before now, carrier message, place)
Scan = tuple[ShipmentStatus, float, str, str]

S = ShipmentStatus
JOURNEY: tuple[Scan, ...] = (
    (S.INFO_RECEIVED, 50, "Shipping label created", "Warehouse Ploiești"),
    (S.IN_TRANSIT, 30, "Departed sort facility", "Hub Chiajna"),
)


def now() -> datetime:
    return timezone.now().replace(microsecond=0)


def order_with_lines(*, brand: Any, customer: Any | None = None, lines: int = 2, **fields: Any) -> Any:
    customer = customer or factories.CustomerFactory(brand=brand)
    order = factories.OrderFactory(brand=brand, customer=customer, **fields)
    for index in range(lines):
        factories.OrderLineFactory(
            order=order,
            quantity=index + 1,
            product=factories.ProductFactory(
                brand=brand,
                title=f"Linen shirt {index + 1}",
                image_url=f"https://cdn.shop.example/p/{index + 1}.jpg",
            ),
        )
    return order


def parcel(
    *,
    order: Any,
    scans: Sequence[Scan] = JOURNEY,
    tracking_number: str | None = None,
    carrier: tuple[str, str] = ("dpd", "DPD"),
    lines: Sequence[tuple[int, int]] | None = None,
    edd: date | None = None,
    carrier_url: str = "",
    at: datetime | None = None,
) -> Shipment:
    """A parcel of the order with these scans applied; `lines` as (order line id, quantity)."""
    code, name = carrier
    shipment, _ = services.shipment_upsert(
        brand=order.brand,
        order=order,
        carrier_code=code,
        carrier_name=name,
        tracking_number=tracking_number or f"{code.upper()}{order.number}{Shipment.objects.count()}",
        carrier_tracking_url=carrier_url,
        lines=lines,
    )
    anchor = at or now()
    services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number,
            carrier_code=code,
            estimated_delivery=edd,
            events=tuple(
                CarrierEvent(
                    status=status,
                    occurred_at=anchor - timedelta(hours=hours),
                    raw_status=str(status),
                    message=message,
                    location=place,
                )
                for status, hours, message, place in scans
            ),
        ),
        source="test",
    )
    shipment.refresh_from_db()
    return shipment
