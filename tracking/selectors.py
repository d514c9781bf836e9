"""Reads for tracking: the page's data in a constant number of queries, lookups, admin lists."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max, Prefetch, QuerySet

from brands.models import Brand
from orders.models import Order, OrderLine
from tracking.models import Shipment, ShipmentLine, TrackingEvent
from tracking.statuses import RANK, ShipmentStatus


@dataclass(frozen=True)
class TrackingPageData:
    order: Order
    shipments: list[Shipment]
    focus: Shipment | None
    overall_status: str


def _shipments_with_details() -> QuerySet[Shipment]:
    return Shipment.objects.prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product")),
        Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id")),
    )


def overall_status(shipments: list[Shipment]) -> str:
    """The order's headline status: the least advanced of its outbound parcels."""
    if not shipments:
        return ShipmentStatus.PENDING
    return min((shipment.status for shipment in shipments), key=lambda status: RANK.get(status, 0))


def tracking_page_data(*, brand: Brand, token: str) -> TrackingPageData | None:
    """The order behind an order or shipment token of this brand, with every parcel, line and event.

    A token of another brand's order or shipment finds nothing.
    """
    focus = Shipment.objects.filter(brand=brand, token=token).only("id", "order_id").first()
    order_filter: dict[str, object] = {"id": focus.order_id} if focus else {"tracking_token": token}
    order = (
        Order.objects.filter(brand=brand, **order_filter)
        .select_related("customer", "brand")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("product")),
            Prefetch("shipments", queryset=_shipments_with_details().filter(direction="outbound")),
        )
        .first()
    )
    if order is None:
        return None
    shipments = list(order.shipments.all())
    focused = next((shipment for shipment in shipments if focus and shipment.id == focus.id), None)
    return TrackingPageData(
        order=order, shipments=shipments, focus=focused, overall_status=overall_status(shipments)
    )


def order_for_lookup(*, brand: Brand, number: str, email_or_postal_code: str) -> Order | None:
    """The order when number and email (or postal code) match; None otherwise, whichever part is wrong."""
    number = number.strip().lstrip("#")
    secret = email_or_postal_code.strip()
    if not number or not secret:
        return None
    order = Order.objects.filter(brand=brand, number=number).select_related("customer").first()
    if order is None:
        return None
    if "@" in secret:
        matches = order.customer.email.lower() == secret.lower()
    else:

        def compact(value: str) -> str:
            return "".join(value.split()).replace("-", "").upper()

        matches = bool(order.shipping_postal_code) and compact(order.shipping_postal_code) == compact(secret)
    return order if matches else None


def shipments_for_api(*, brand: Brand) -> QuerySet[Shipment]:
    """The brand's shipments, newest first, with order, lines and events in three queries."""
    return (
        Shipment.objects.filter(brand=brand)
        .select_related("order", "brand")
        .prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line")),
            Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id")),
        )
        .order_by("-created_at", "-id")
    )


def delivered_at_by_order_line(*, order_id: int) -> dict[int, datetime]:
    """When each line of an order was delivered (the latest outbound parcel carrying it); one query.

    Lines in no delivered parcel are absent.
    """
    rows = (
        ShipmentLine.objects.filter(
            shipment__order_id=order_id,
            shipment__direction="outbound",
            shipment__delivered_at__isnull=False,
        )
        .values("order_line_id")
        .annotate(delivered_at=Max("shipment__delivered_at"))
    )
    return {row["order_line_id"]: row["delivered_at"] for row in rows}


def shipment_message_facts(*, shipment_id: int) -> dict[str, str]:
    """Plain values about a shipment for messages: no model leaves the tracking app."""
    from common.urls import tracking_url

    shipment = Shipment.objects.select_related("order", "brand").get(id=shipment_id)
    eta = ""
    if shipment.estimated_delivery and not shipment.delivered_at:
        eta = shipment.estimated_delivery.isoformat()
        if shipment.estimated_delivery_latest:
            eta = f"{eta} – {shipment.estimated_delivery_latest.isoformat()}"
    return {
        "order_number": shipment.order.number,
        "carrier": shipment.carrier_name or shipment.carrier_code.upper(),
        "tracking_number": shipment.tracking_number,
        "tracking_url": tracking_url(brand_slug=shipment.brand.slug, token=shipment.token),
        "eta": eta,
        "status": shipment.status,
        "locale": shipment.order.locale,
    }
