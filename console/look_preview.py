"""The brand look preview: the real tracking page and email, wearing a look not yet published.

Everything here reads; nothing is written. The sample order, parcel and scans are unsaved objects
with negative ids (never rows), their related lists filled in the way a prefetch fills them, so the
tracking page's presentation and template run unchanged on them.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Final

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from brands.models import Brand
from notifications import services as notification_services
from notifications.triggers import TRIGGER_OF_STATUS, TRIGGERS
from orders.models import Customer, Order, OrderLine, Product
from tracking import presentation
from tracking.blocks import SLOTS
from tracking.models import Shipment, ShipmentLine, TrackingEvent
from tracking.selectors import TrackingPageData
from tracking.statuses import ShipmentStatus

S = ShipmentStatus
SAMPLE_ID: Final = -1  # never a row: ids are positive
SAMPLE_PAGE_KEY: Final = "preview-sample"
# The scans a parcel in each status has had, oldest first, as (status, carrier message, place, hours ago).
SAMPLE_SCANS: Final[dict[str, tuple[tuple[str, str, str, int], ...]]] = {
    S.PENDING: (),
    S.INFO_RECEIVED: ((S.INFO_RECEIVED, "Shipping label created", "", 20),),
    S.IN_TRANSIT: (
        (S.INFO_RECEIVED, "Shipping label created", "", 44),
        (S.IN_TRANSIT, "Departed sorting facility", "Bucharest", 20),
    ),
    S.OUT_FOR_DELIVERY: (
        (S.INFO_RECEIVED, "Shipping label created", "", 44),
        (S.IN_TRANSIT, "Departed sorting facility", "Bucharest", 20),
        (S.OUT_FOR_DELIVERY, "Out for delivery", "Cluj-Napoca", 2),
    ),
    S.FAILED_ATTEMPT: (
        (S.INFO_RECEIVED, "Shipping label created", "", 44),
        (S.OUT_FOR_DELIVERY, "Out for delivery", "Cluj-Napoca", 6),
        (S.FAILED_ATTEMPT, "Recipient not at home", "Cluj-Napoca", 2),
    ),
    S.AVAILABLE_FOR_PICKUP: (
        (S.INFO_RECEIVED, "Shipping label created", "", 44),
        (S.IN_TRANSIT, "Departed sorting facility", "Bucharest", 20),
        (S.AVAILABLE_FOR_PICKUP, "Ready at pickup point", "Locker 12, Str. Memorandumului 4", 2),
    ),
    S.DELIVERED: (
        (S.INFO_RECEIVED, "Shipping label created", "", 44),
        (S.OUT_FOR_DELIVERY, "Out for delivery", "Cluj-Napoca", 6),
        (S.DELIVERED, "Delivered, left at front door", "Cluj-Napoca", 2),
    ),
    S.EXCEPTION: (
        (S.INFO_RECEIVED, "Shipping label created", "", 44),
        (S.EXCEPTION, "Address could not be verified", "Bucharest", 3),
    ),
    S.RETURNED_TO_SENDER: (
        (S.INFO_RECEIVED, "Shipping label created", "", 90),
        (S.EXCEPTION, "Refused by recipient", "Cluj-Napoca", 50),
        (S.RETURNED_TO_SENDER, "Returned to sender", "Bucharest", 3),
    ),
    S.EXPIRED: ((S.INFO_RECEIVED, "Shipping label created", "", 400),),
}
# The message a shopper gets when a parcel reaches each status; no status → no message.
EMAIL_TRIGGER_OF_STATUS: Final[dict[str, str]] = {S.PENDING: "order_confirmed", **TRIGGER_OF_STATUS}


@dataclass(frozen=True)
class PreviewLogo:
    """A logo not stored yet, shown from a data: URL (the header template only reads `.url`)."""

    url: str


@dataclass(frozen=True)
class EmailPreview:
    trigger: str
    subject: str
    html: str


def _prefetched(instance: Any, **lists: list[Any]) -> None:
    # What a prefetch_related leaves behind: `instance.<name>.all()` returns the list, no query.
    instance._prefetched_objects_cache = dict(lists)


def sample_page_data(*, brand: Brand, status: str, locale: str, now: datetime) -> TrackingPageData:
    """An order of two items in one parcel that has reached `status`; unsaved, never to be saved."""
    customer = Customer(id=SAMPLE_ID, brand=brand, first_name="Ana", email="ana@example.com", locale=locale)
    product = Product(id=SAMPLE_ID, brand=brand, sku="SAMPLE-1", title="Linen shirt", image_url="")
    other = Product(id=SAMPLE_ID - 1, brand=brand, sku="SAMPLE-2", title="Canvas tote bag", image_url="")
    order = Order(
        id=SAMPLE_ID,
        brand=brand,
        customer=customer,
        number="1001",
        placed_at=now - timedelta(days=3),
        currency="EUR",
        total=Decimal("64.00"),
        locale=locale,
        tracking_token=SAMPLE_PAGE_KEY,
    )
    lines = [
        OrderLine(id=SAMPLE_ID, order=order, product=product, title=product.title, quantity=1),
        OrderLine(id=SAMPLE_ID - 1, order=order, product=other, title=other.title, quantity=2),
    ]
    scans = SAMPLE_SCANS.get(status, ())
    shipment = Shipment(
        id=SAMPLE_ID,
        brand=brand,
        order=order,
        carrier_code="dpd",
        carrier_name="DPD",
        tracking_number="05212345678901",
        status=status,
        shipped_at=now - timedelta(hours=scans[0][3]) if scans else None,
        last_event_at=now - timedelta(hours=scans[-1][3]) if scans else None,
        delivered_at=now - timedelta(hours=scans[-1][3]) if status == S.DELIVERED else None,
        estimated_delivery=(now + timedelta(days=1)).date()
        if status in {S.INFO_RECEIVED, S.IN_TRANSIT}
        else None,
        token=SAMPLE_PAGE_KEY,
    )
    events = [
        TrackingEvent(
            id=SAMPLE_ID - index,
            shipment=shipment,
            status=scan_status,
            message=message,
            location=place,
            raw_status=scan_status,
            occurred_at=now - timedelta(hours=hours),
        )
        for index, (scan_status, message, place, hours) in enumerate(scans)
    ]
    shipment_lines = [
        ShipmentLine(id=SAMPLE_ID - index, shipment=shipment, order_line=line, quantity=line.quantity)
        for index, line in enumerate(lines)
    ]
    _prefetched(shipment, events=list(reversed(events)), lines=shipment_lines)
    _prefetched(order, lines=lines, shipments=[shipment])
    return TrackingPageData(order=order, shipments=[shipment], focus=shipment, overall_status=status)


def tracking_page_html(
    *, request: HttpRequest, brand: Brand, status: str, locale: str, now: datetime | None = None
) -> SafeString:
    """The whole tracking page, as the shopper's browser would get it, for the sample order.

    The blocks other apps add (opt-in, offers, help) are left out: they look up rows by the order's id.
    """
    now = now or timezone.now()
    data = sample_page_data(brand=brand, status=status, locale=locale, now=now)
    request.csp_nonce = "preview"  # type: ignore[attr-defined]
    with translation.override(locale):
        page = presentation.tracking_page(data=data, time_zone=brand.timezone, now=now)
        html = render_to_string(
            "tracking/page.html",
            {"brand": brand, "locale": locale, "page": page, "blocks": {slot: [] for slot in SLOTS}},
            request=request,
        )
    return SafeString(html)


def email_preview(*, brand: Brand, status: str, locale: str) -> EmailPreview | None:
    """The email a shopper gets when the sample parcel reaches `status`, or None if none is sent."""
    trigger = EMAIL_TRIGGER_OF_STATUS.get(status)
    if trigger is None or trigger not in TRIGGERS or "email" not in TRIGGERS[trigger].channels:
        return None
    data = sample_page_data(brand=brand, status=status, locale=locale, now=timezone.now())
    shipment = data.shipments[0]
    context = {
        **TRIGGERS[trigger].sample,
        "order_number": data.order.number,
        "carrier": shipment.carrier_name,
        "tracking_number": shipment.tracking_number,
        "tracking_url": f"https://{brand.custom_domain or 'example.com'}/{brand.slug}/track/{SAMPLE_PAGE_KEY}/",
        "eta": shipment.estimated_delivery.isoformat() if shipment.estimated_delivery else "",
    }
    with translation.override(locale):
        subject, html = notification_services.email_preview(
            brand=brand, customer=data.order.customer, trigger=trigger, locale=locale, context=context
        )
    return EmailPreview(trigger=trigger, subject=subject, html=html)
