"""Reads for tracking: the page's data in a constant number of queries, lookups, admin lists."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    Max,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Left, TruncDate
from django.utils.translation import gettext_lazy as _

from brands.models import Brand
from common.periods import Period
from orders.models import Order, OrderLine
from tracking.models import (
    Direction,
    InboundWebhook,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    TrackingPageView,
    WebhookResult,
)
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


def tracking_page_owner(*, brand_id: int, token: str) -> tuple[int, int] | None:
    """(order id, customer id) behind an order or shipment token of this brand; one or two indexed queries."""
    row = (
        Order.objects.filter(brand_id=brand_id, tracking_token=token).values_list("id", "customer_id").first()
    )
    if row is None:
        order_id = (
            Shipment.objects.filter(brand_id=brand_id, token=token).values_list("order_id", flat=True).first()
        )
        if order_id is None:
            return None
        row = Order.objects.filter(id=order_id).values_list("id", "customer_id").first()
    return row


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
    return shipment_message_facts_of(Shipment.objects.select_related("order", "brand").get(id=shipment_id))


def shipment_message_facts_of(shipment: Shipment) -> dict[str, str]:
    """The same facts from a shipment loaded with its order and brand."""
    from common.urls import tracking_url

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


# The console's test events carry this user-agent (a header kept with every call): the figures leave
# them out, so "last call" always means the provider's own.
SAMPLE_USER_AGENT = "postpurchase-console-test-event"
_IS_SAMPLE = Q(**{"headers__user-agent": SAMPLE_USER_AGENT})
_NOT_SAMPLE = Q(**{"headers__user-agent__isnull": True}) | ~_IS_SAMPLE

# Calls we answered with an error: the provider sees a 4xx and retries or gives up.
REFUSED_RESULTS: frozenset[str] = frozenset(
    {WebhookResult.REJECTED, WebhookResult.INVALID, WebhookResult.FAILED}
)
REASON_CHARS = 160


@dataclass(frozen=True)
class RefusalReason:
    result: str
    reason: str
    last_day: int
    last_week: int

    @property
    def result_label(self) -> str:
        return str(WebhookResult(self.result).label)


@dataclass
class WebhookCallStats:
    """One provider's calls for one brand: when the last came, what was accepted and what refused."""

    provider: str
    last_received_at: datetime | None = None
    last_result: str = ""
    accepted_day: int = 0
    accepted_week: int = 0
    refused_day: int = 0
    refused_week: int = 0
    reasons: list[RefusalReason] = field(default_factory=list)
    test_events_week: int = 0

    @property
    def last_result_label(self) -> str:
        return str(WebhookResult(self.last_result).label) if self.last_result else ""


def webhook_call_stats(
    *, brand_id: int, providers: Sequence[str], now: datetime
) -> dict[str, WebhookCallStats]:
    """Per provider, the last call and the last 24 h / 7 d accepted and refused, grouped by reason.

    The console's own test events are counted apart. One grouped query over the brand's week plus
    one indexed lookup per provider, whatever the volume.
    """
    stats = {provider: WebhookCallStats(provider=provider) for provider in providers}
    day_ago, week_ago = now - timedelta(hours=24), now - timedelta(days=7)
    reason = Case(
        When(result__in=REFUSED_RESULTS, then=Left("error", REASON_CHARS)),
        default=Value(""),
        output_field=CharField(),
    )
    groups = (
        InboundWebhook.objects.filter(brand_id=brand_id, provider__in=providers, received_at__gte=week_ago)
        .annotate(
            reason=reason,
            is_sample=Case(
                When(_IS_SAMPLE, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .values("provider", "result", "reason", "is_sample")
        .annotate(week=Count("id"), day=Count("id", filter=Q(received_at__gte=day_ago)))
        .order_by()
    )
    for group in groups:
        entry = stats[group["provider"]]
        if group["is_sample"]:
            entry.test_events_week += group["week"]
        elif group["result"] in REFUSED_RESULTS:
            entry.refused_day += group["day"]
            entry.refused_week += group["week"]
            entry.reasons.append(
                RefusalReason(
                    result=group["result"],
                    reason=group["reason"],
                    last_day=group["day"],
                    last_week=group["week"],
                )
            )
        else:
            entry.accepted_day += group["day"]
            entry.accepted_week += group["week"]
    for entry in stats.values():
        entry.reasons.sort(key=lambda item: (-item.last_week, item.reason))
        last = (
            InboundWebhook.objects.filter(brand_id=brand_id, provider=entry.provider)
            .filter(_NOT_SAMPLE)
            .order_by("-received_at", "-id")
            .values_list("received_at", "result")
            .first()
        )
        if last is not None:
            entry.last_received_at, entry.last_result = last
    return stats


# ---- console figures -------------------------------------------------------------------------------


class DeliveryOutcome:
    """How a parcel shipped in a period went: the console's filters and figures share these names."""

    ON_TIME = "on_time"
    LATE = "late"
    STUCK = "stuck"
    CHOICES = ((ON_TIME, _("Delivered on time")), (LATE, _("Late")), (STUCK, _("Stuck")))


def with_delivery_promise(queryset: QuerySet[Shipment], *, zone: tzinfo) -> QuerySet[Shipment]:
    """Annotate the local delivery day and the last day the estimate promised, for outcome filters."""
    return queryset.annotate(
        delivered_on=TruncDate("delivered_at", tzinfo=zone),
        promised_by=Coalesce("estimated_delivery_latest", "estimated_delivery"),
    )


def delivery_outcome_q(outcome: str) -> Q:
    """The condition of an outcome over a queryset annotated by `with_delivery_promise`.

    On time: delivered no later than the estimate (or with no estimate: nothing promised was broken).
    Late: delivered after the estimate, or still on its way and flagged late. Stuck: still on its
    way with no scan for too long. A parcel may be both late and stuck.
    """
    delivered = Q(delivered_at__isnull=False)
    if outcome == DeliveryOutcome.ON_TIME:
        return delivered & (Q(promised_by__isnull=True) | Q(delivered_on__lte=F("promised_by")))
    if outcome == DeliveryOutcome.LATE:
        return (delivered & Q(delivered_on__gt=F("promised_by"))) | Q(
            delivered_at__isnull=True, late_since__isnull=False
        )
    if outcome == DeliveryOutcome.STUCK:
        return Q(delivered_at__isnull=True, stuck_since__isnull=False)
    raise ValueError(f"unknown delivery outcome {outcome!r}")


@dataclass(frozen=True)
class CarrierFigures:
    """Outbound parcels shipped in a period by one carrier, and what became of them; `_prev` for the
    period before."""

    carrier_code: str
    carrier_name: str
    shipped: int
    shipped_prev: int
    delivered: int
    delivered_prev: int
    on_time: int
    on_time_prev: int
    late: int
    late_prev: int
    stuck: int
    stuck_prev: int


def shipment_figures_by_carrier(*, brand_ids: Sequence[int], period: Period) -> list[CarrierFigures]:
    """Parcels shipped in the period and the one before, by carrier, with their outcomes; one query."""
    previous = period.previous
    current_q = Q(shipped_at__gte=period.start)
    previous_q = Q(shipped_at__lt=previous.end)
    shipped = with_delivery_promise(
        Shipment.objects.filter(
            brand_id__in=brand_ids,
            direction=Direction.OUTBOUND,
            shipped_at__gte=previous.start,
            shipped_at__lt=period.end,
        ),
        zone=period.zone,
    )
    counts: dict[str, Any] = {}
    for name, condition in (
        ("shipped", Q()),
        ("delivered", Q(delivered_at__isnull=False)),
        ("on_time", delivery_outcome_q(DeliveryOutcome.ON_TIME)),
        ("late", delivery_outcome_q(DeliveryOutcome.LATE)),
        ("stuck", delivery_outcome_q(DeliveryOutcome.STUCK)),
    ):
        counts[name] = Count("id", filter=current_q & condition)
        counts[f"{name}_prev"] = Count("id", filter=previous_q & condition)
    rows = (
        shipped.values("carrier_code")
        .annotate(carrier_name=Max("carrier_name"), **counts)
        .order_by("-shipped", "carrier_code")
    )
    return [CarrierFigures(**row) for row in rows]


@dataclass(frozen=True)
class PageViewFigures:
    views: int
    views_prev: int
    orders_viewed: int
    orders_viewed_prev: int


def tracking_page_view_figures(*, brand_ids: Sequence[int], period: Period) -> PageViewFigures:
    """Where-is-my-order page views (local days) in the period and the one before; one query."""
    previous = period.previous
    totals = TrackingPageView.objects.filter(
        order__brand_id__in=brand_ids, day__gte=previous.first_day, day__lte=period.last_day
    ).aggregate(
        total=Sum("views", filter=Q(day__gte=period.first_day), default=0),
        total_prev=Sum("views", filter=Q(day__lte=previous.last_day), default=0),
        orders_viewed=Count("order_id", filter=Q(day__gte=period.first_day), distinct=True),
        orders_viewed_prev=Count("order_id", filter=Q(day__lte=previous.last_day), distinct=True),
    )
    return PageViewFigures(
        views=totals["total"],
        views_prev=totals["total_prev"],
        orders_viewed=totals["orders_viewed"],
        orders_viewed_prev=totals["orders_viewed_prev"],
    )
