"""What the shopper reads on the tracking page: steps, delivery estimates and plain-words explanations.

Pure functions over the rows the selector already loaded (no queries), so the page's query count
stays constant whatever the order holds. Dates and times are in the brand's time zone.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from tracking.models import Shipment, TrackingEvent
from tracking.selectors import TrackingPageData
from tracking.statuses import FINAL_STATUSES, RANK, STEP_OF_STATUS, ShipmentStatus

S = ShipmentStatus

STEP_LABELS: Final[tuple[Promise, ...]] = (
    _("Ordered"),
    _("Shipped"),
    _("In transit"),
    _("Out for delivery"),
    _("Delivered"),
)

# How each status reads to a shopper: a tone for the panel and what happens next, in plain words.
TONE_OF_STATUS: Final[dict[str, str]] = {
    S.PENDING: "info",
    S.INFO_RECEIVED: "info",
    S.IN_TRANSIT: "info",
    S.OUT_FOR_DELIVERY: "info",
    S.FAILED_ATTEMPT: "warning",
    S.AVAILABLE_FOR_PICKUP: "action",
    S.DELIVERED: "success",
    S.EXCEPTION: "problem",
    S.RETURNED_TO_SENDER: "problem",
    S.EXPIRED: "warning",
}
NEXT_OF_STATUS: Final[dict[str, Promise]] = {
    S.PENDING: _("We have your order and are getting it ready. Tracking appears here as soon as it ships."),
    S.INFO_RECEIVED: _("Your parcel is packed and labelled. The carrier scans it when they collect it."),
    S.IN_TRANSIT: _("Your parcel is on its way. This page updates with every scan."),
    S.OUT_FOR_DELIVERY: _("Your parcel is on the delivery vehicle and should arrive today."),
    S.FAILED_ATTEMPT: _(
        "The carrier tried to deliver but could not. They usually try again on the next working day, "
        "or leave a note saying where to collect the parcel."
    ),
    S.AVAILABLE_FOR_PICKUP: _(
        "Your parcel is waiting at the pickup point in the latest update below. Bring an ID or your "
        "pickup code. Parcels not collected in time go back to us."
    ),
    S.DELIVERED: _(
        "Your parcel was delivered. Can't find it? Look around your door and ask your neighbours, then contact us."
    ),
    S.EXCEPTION: _(
        "The carrier reported a problem with your parcel. Most problems are solved within a day or two "
        "and this page will show the next scan. If you need help, contact us."
    ),
    S.RETURNED_TO_SENDER: _(
        "Your parcel is on its way back to us. When it arrives we will contact you about a new "
        "delivery or a refund."
    ),
    S.EXPIRED: _(
        "The carrier stopped sending updates for this parcel. Contact us and we will find out where it is."
    ),
}


@dataclass(frozen=True)
class Step:
    label: Promise | str
    reached_at: datetime | None  # in the brand's time zone
    state: str  # "done", "current" or "upcoming"


@dataclass(frozen=True)
class Estimate:
    """When the parcel arrives or arrived; absent rather than wrong."""

    kind: str  # "delivered", "today", "date" or "range"
    first: date | None = None
    last: date | None = None
    delivered_at: datetime | None = None
    source: str = ""


@dataclass(frozen=True)
class Notice:
    tone: str  # "info", "action", "warning", "problem" or "success"
    text: Promise | str
    carrier_words: str = ""  # the carrier's own latest message, quoted as is


@dataclass(frozen=True)
class Item:
    title: str
    quantity: int
    image_url: str


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # in the brand's time zone
    status: str
    status_label: str
    message: str
    location: str


@dataclass(frozen=True)
class TimelineDay:
    day: date
    entries: list[TimelineEntry]


@dataclass(frozen=True)
class Parcel:
    shipment: Shipment
    number: int
    status: str
    status_label: str
    tone: str
    estimate: Estimate | None
    notices: list[Notice]
    steps: list[Step]
    items: list[Item]
    timeline: list[TimelineDay]
    carrier_url: str


@dataclass(frozen=True)
class TrackingPage:
    order: Order
    placed_at: datetime
    lead: Parcel | None  # the parcel the headline speaks of: the one linked to, else the least advanced
    parcels: list[Parcel]
    headline: str
    tone: str
    estimate: Estimate | None
    notices: list[Notice]
    steps: list[Step]
    unshipped: list[Item] = field(default_factory=list)
    delivered_count: int = 0
    time_zone_name: str = ""

    @property
    def time_zone_city(self) -> str:
        """'America/Chicago' → 'Chicago', for 'times are Chicago time'."""
        return self.time_zone_name.rsplit("/", 1)[-1].replace("_", " ")


def brand_zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


def _local(moment: datetime | None, zone: tzinfo) -> datetime | None:
    return timezone.localtime(moment, zone) if moment else None


def progress_steps(*, shipment: Shipment | None, placed_at: datetime, zone: tzinfo) -> list[Step]:
    """The five steps with the time each was first reached; the shipment's own step is current."""
    current = STEP_OF_STATUS.get(shipment.status, 0) if shipment else 0
    reached: list[datetime | None] = [placed_at, None, None, None, None]
    if shipment is not None:
        for event in shipment.events.all():  # prefetched, newest first: the last write is the earliest
            step = STEP_OF_STATUS.get(event.status, 0)
            for index in range(1, step + 1):
                if reached[index] is None or event.occurred_at < reached[index]:  # type: ignore[operator]
                    reached[index] = event.occurred_at
        if shipment.status == S.DELIVERED and shipment.delivered_at:
            reached[4] = shipment.delivered_at
    steps = []
    for index, label in enumerate(STEP_LABELS):
        state = "done" if index < current else "current" if index == current else "upcoming"
        steps.append(
            Step(
                label=label,
                reached_at=_local(reached[index], zone) if index <= current else None,
                state=state,
            )
        )
    return steps


def delivery_estimate(*, shipment: Shipment, today: date, zone: tzinfo) -> Estimate | None:
    """Delivered on…, today, a date or a range; None when we have no estimate or it has already passed."""
    if shipment.status == S.DELIVERED:
        return (
            Estimate(kind="delivered", delivered_at=_local(shipment.delivered_at, zone))
            if shipment.delivered_at
            else None
        )
    if shipment.status in FINAL_STATUSES or shipment.status == S.AVAILABLE_FOR_PICKUP:
        return None
    if (
        shipment.status == S.OUT_FOR_DELIVERY
        and shipment.last_event_at
        and timezone.localtime(shipment.last_event_at, zone).date() == today
    ):
        return Estimate(kind="today", first=today, last=today)
    first = shipment.estimated_delivery
    if first is None:
        return None
    last = shipment.estimated_delivery_latest or first
    if last < today:
        return None  # passed: the page says the parcel is late instead of showing a wrong date
    first = max(first, today)
    if first == last:
        return Estimate(
            kind="today" if first == today else "date",
            first=first,
            last=last,
            source=shipment.estimated_delivery_source,
        )
    return Estimate(kind="range", first=first, last=last, source=shipment.estimated_delivery_source)


def _latest_event(shipment: Shipment) -> TrackingEvent | None:
    events = list(shipment.events.all())
    return events[0] if events else None


def parcel_notices(*, shipment: Shipment, today: date, zone: tzinfo) -> list[Notice]:
    """What the status means and what happens next; plus running-late and no-news warnings."""
    status = shipment.status
    latest = _latest_event(shipment)
    carrier_words = ""
    if status in {S.EXCEPTION, S.FAILED_ATTEMPT, S.AVAILABLE_FOR_PICKUP, S.RETURNED_TO_SENDER} and latest:
        carrier_words = ", ".join(part for part in (latest.message, latest.location) if part)
    notices = [
        Notice(
            tone=TONE_OF_STATUS.get(status, "info"),
            text=NEXT_OF_STATUS.get(status, ""),
            carrier_words=carrier_words,
        )
    ]
    if status in FINAL_STATUSES:
        return notices
    edd_passed = bool(
        shipment.estimated_delivery
        and (shipment.estimated_delivery_latest or shipment.estimated_delivery) < today
    )
    if shipment.late_since or edd_passed:
        notices.append(
            Notice(
                tone="warning",
                text=_(
                    "Your parcel is running late: the estimated delivery date has passed. It is still on "
                    "its way; we are keeping an eye on it."
                ),
            )
        )
    if shipment.stuck_since:
        notices.append(
            Notice(
                tone="warning",
                text=_(
                    "The carrier has not scanned your parcel for a while. This often happens before a "
                    "weekend or a holiday; we are watching it and will update this page as soon as it moves."
                ),
            )
        )
    return notices


def parcel_items(shipment: Shipment) -> list[Item]:
    return [
        Item(
            title=line.order_line.title,
            quantity=line.quantity,
            image_url=_https_only(line.order_line.product.image_url),
        )
        for line in shipment.lines.all()
    ]


def _https_only(url: str) -> str:
    # Merchant product pictures are the only images from elsewhere; never over plain http (mixed content).
    return url if url.startswith("https://") else ""


def unshipped_items(*, order: Order, shipments: Sequence[Shipment]) -> list[Item]:
    """Order lines (or what is left of them) in no parcel yet; none when a parcel's contents are unknown."""
    if any(not shipment.lines.all() for shipment in shipments):
        return []
    shipped: dict[int, int] = {}
    for shipment in shipments:
        for line in shipment.lines.all():
            shipped[line.order_line_id] = shipped.get(line.order_line_id, 0) + line.quantity
    return [
        Item(
            title=line.title,
            quantity=line.quantity - shipped.get(line.id, 0),
            image_url=_https_only(line.product.image_url),
        )
        for line in order.lines.all()
        if line.quantity > shipped.get(line.id, 0)
    ]


def timeline(*, shipment: Shipment, zone: tzinfo) -> list[TimelineDay]:
    """Every event, newest first, grouped by local day."""
    days: list[TimelineDay] = []
    for event in shipment.events.all():
        at = timezone.localtime(event.occurred_at, zone)
        entry = TimelineEntry(
            at=at,
            status=event.status,
            status_label=str(S(event.status).label) if event.status in S.values else event.status,
            message=event.message
            if event.message.strip().lower() not in {event.status, event.raw_status.lower()}
            else "",
            location=event.location,
        )
        if days and days[-1].day == at.date():
            days[-1].entries.append(entry)
        else:
            days.append(TimelineDay(day=at.date(), entries=[entry]))
    return days


def parcel(*, shipment: Shipment, number: int, placed_at: datetime, today: date, zone: tzinfo) -> Parcel:
    status = shipment.status
    return Parcel(
        shipment=shipment,
        number=number,
        status=status,
        status_label=str(S(status).label) if status in S.values else status,
        tone=TONE_OF_STATUS.get(status, "info"),
        estimate=delivery_estimate(shipment=shipment, today=today, zone=zone),
        notices=parcel_notices(shipment=shipment, today=today, zone=zone),
        steps=progress_steps(shipment=shipment, placed_at=placed_at, zone=zone),
        items=parcel_items(shipment),
        timeline=timeline(shipment=shipment, zone=zone),
        carrier_url=shipment.carrier_tracking_url
        if shipment.carrier_tracking_url.startswith(("https://", "http://"))
        else "",
    )


def tracking_page(*, data: TrackingPageData, time_zone: str, now: datetime) -> TrackingPage:
    """The whole page: the headline parcel, every parcel, and what has not shipped yet."""
    zone = brand_zone(time_zone)
    today = timezone.localtime(now, zone).date()
    order = data.order
    placed_at = timezone.localtime(order.placed_at, zone)
    parcels = [
        parcel(shipment=shipment, number=index, placed_at=order.placed_at, today=today, zone=zone)
        for index, shipment in enumerate(data.shipments, start=1)
    ]
    lead = next((p for p in parcels if data.focus and p.shipment.id == data.focus.id), None)
    if lead is None and parcels:
        lead = min(parcels, key=lambda p: (RANK.get(p.status, 0), p.number))
    notices = lead.notices if lead else [Notice(tone="info", text=NEXT_OF_STATUS[S.PENDING])]
    if order.cancelled_at:
        notices = [
            Notice(
                tone="problem", text=_("This order was cancelled. If you did not expect this, contact us.")
            )
        ]
    return TrackingPage(
        order=order,
        placed_at=placed_at,
        lead=lead,
        parcels=parcels,
        headline=lead.status_label if lead else str(S.PENDING.label),
        tone=lead.tone if lead else "info",
        estimate=lead.estimate if lead and not order.cancelled_at else None,
        notices=notices,
        steps=lead.steps if lead else progress_steps(shipment=None, placed_at=order.placed_at, zone=zone),
        unshipped=unshipped_items(order=order, shipments=data.shipments),
        delivered_count=sum(1 for p in parcels if p.status == S.DELIVERED),
        time_zone_name=getattr(zone, "key", "UTC"),
    )
