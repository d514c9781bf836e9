"""Writes for shipments and their events. Only these functions save tracking models.

Every ingestion path (carrier webhooks, Shopify fulfillments, the generic API) ends in
`shipment_apply_update`: idempotent and order-independent, with the status change and its
consequences (hooks writing notification rows) in one transaction.
"""

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from brands.models import Brand
from common import page_versions
from common.plausible_dates import ESTIMATE_AHEAD, SCAN_AHEAD, implausible_date, implausible_time
from orders.models import Order, OrderLine
from tracking import delivery_estimates, hooks, selectors
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.models import (
    Direction,
    EddSource,
    ReactionFailure,
    Shipment,
    ShipmentLine,
    TrackingEvent,
    TrackingPageView,
    TrackingSettings,
)
from tracking.numbers import tracking_number_key
from tracking.statuses import FINAL_STATUSES, RANK, ShipmentStatus

logger = logging.getLogger(__name__)

SHIPPED_STATUSES = frozenset(
    {
        ShipmentStatus.IN_TRANSIT,
        ShipmentStatus.OUT_FOR_DELIVERY,
        ShipmentStatus.FAILED_ATTEMPT,
        ShipmentStatus.AVAILABLE_FOR_PICKUP,
        ShipmentStatus.DELIVERED,
        ShipmentStatus.EXCEPTION,
        ShipmentStatus.RETURNED_TO_SENDER,
    }
)


@dataclass(frozen=True)
class ApplyResult:
    shipment_id: int
    new_events: int
    status_changed: bool
    status: str
    dropped: tuple[str, ...] = ()  # why scans or an estimate were not used (impossible dates)


def event_fingerprint(event: CarrierEvent) -> str:
    """The identity of a checkpoint: the same scan sent again, by any path, has the same one."""
    occurred = event.occurred_at.astimezone(UTC).replace(microsecond=0).isoformat()
    parts = (
        event.status,
        event.raw_status.strip().lower(),
        occurred,
        event.message.strip(),
        event.location.strip(),
    )
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _validate_lines(*, order: Order, lines: Sequence[tuple[int, int]]) -> list[tuple[OrderLine, int]]:
    by_id = {line.id: line for line in order.lines.all()}
    checked = []
    for order_line_id, quantity in lines:
        line = by_id.get(order_line_id)
        if line is None:
            raise ValidationError({"lines": [f"Line {order_line_id} is not a line of order {order.number}."]})
        if quantity < 1 or quantity > line.quantity:
            raise ValidationError(
                {
                    "lines": [
                        f"Quantity {quantity} for line {order_line_id} must be between 1 and {line.quantity}."
                    ]
                }
            )
        checked.append((line, quantity))
    return checked


@transaction.atomic
def shipment_upsert(
    *,
    brand: Brand,
    order: Order,
    carrier_code: str,
    tracking_number: str,
    carrier_name: str = "",
    carrier_tracking_url: str = "",
    external_id: str = "",
    source: str = "api",
    lines: Sequence[tuple[int, int]] | None = None,
    direction: str = Direction.OUTBOUND,
) -> tuple[Shipment, bool]:
    """Create the shipment or update its carrier details; `lines` (order line id, quantity) replace the
    parcel's contents when given. When no lines are given for a new outbound shipment of a one-parcel
    order, it carries the whole order."""
    if order.brand_id != brand.id:
        raise ValidationError({"order": ["Unknown order."]})
    tracking_number = tracking_number.strip()
    if not tracking_number:
        raise ValidationError({"tracking_number": ["A tracking number is required."]})
    checked = _validate_lines(order=order, lines=lines) if lines is not None else None
    defaults = {
        "carrier_name": carrier_name or carrier_code.upper(),
        "carrier_tracking_url": carrier_tracking_url,
        "external_id": external_id,
    }
    key = tracking_number_key(tracking_number)
    same_parcel = Shipment.objects.filter(brand=brand, carrier_code=carrier_code, tracking_key=key)
    shipment = same_parcel.order_by("id").first()
    created = False
    if shipment is None:
        try:
            with transaction.atomic():
                shipment = Shipment.objects.create(
                    brand=brand,
                    carrier_code=carrier_code,
                    tracking_number=tracking_number,
                    order=order,
                    source=source,
                    direction=direction,
                    **defaults,
                )
                created = True
        except IntegrityError:
            shipment = same_parcel.order_by("id").get()
    if shipment.order_id != order.id:
        raise ValidationError({"tracking_number": ["This tracking number belongs to another order."]})
    if not created:
        changed = [name for name, value in defaults.items() if value and getattr(shipment, name) != value]
        for name in changed:
            setattr(shipment, name, defaults[name])
        if changed:
            shipment.save(update_fields=[*changed, "updated_at"])
    if (
        checked is None
        and created
        and direction == Direction.OUTBOUND
        and (
            not Shipment.objects.filter(order=order, direction=Direction.OUTBOUND)
            .exclude(id=shipment.id)
            .exists()
        )
    ):
        checked = [(line, line.quantity) for line in order.lines.all()]
    if checked is not None:
        ShipmentLine.objects.filter(shipment=shipment).exclude(
            order_line__in=[line for line, _ in checked]
        ).delete()
        for line, quantity in checked:
            ShipmentLine.objects.update_or_create(
                shipment=shipment, order_line=line, defaults={"quantity": quantity}
            )
    if created:
        # Carrier calls that came before the shipment, by whichever path it is created.
        from tracking.webhooks import unmatched_webhooks_reprocess

        unmatched_webhooks_reprocess(brand_id=brand.id, tracking_number=shipment.tracking_number)
    return shipment, created


def _latest_event(shipment: Shipment) -> TrackingEvent | None:
    """The event that decides the status: latest by carrier time, the furthest along on a tie."""
    newest = list(shipment.events.order_by("-occurred_at", "-id")[:20])
    if not newest:
        return None
    top_time = newest[0].occurred_at
    tied = [event for event in newest if event.occurred_at == top_time]
    return max(tied, key=lambda event: (RANK.get(event.status, 0), event.id))


def _status_changed(shipment: Shipment, old_status: str, at: datetime) -> None:
    change = hooks.ShipmentStatusChanged(
        shipment_id=shipment.id,
        order_id=shipment.order_id,
        brand_id=shipment.brand_id,
        customer_id=shipment.order.customer_id,
        direction=shipment.direction,
        old_status=old_status,
        new_status=shipment.status,
        detail=shipment.status_detail,
        occurred_at=at,
        facts=selectors.shipment_message_facts_of(shipment),
    )
    for hook in list(hooks.STATUS_CHANGED_HOOKS):
        if hooks.interested(hook, change):
            _react(kind=REACTION_STATUS_CHANGED, hook=hook, change=change, shipment_id=shipment.id)


REACTION_STATUS_CHANGED: Final = "status_changed"
REACTION_FLAGGED: Final = "flagged"
REACTION_MAX_ATTEMPTS: Final = 8
REACTION_FIRST_RETRY: Final = timedelta(minutes=1)
REACTION_LONGEST_WAIT: Final = timedelta(hours=6)
_CHANGE_TYPES: Final[dict[str, type[Any]]] = {
    REACTION_STATUS_CHANGED: hooks.ShipmentStatusChanged,
    REACTION_FLAGGED: hooks.ShipmentFlagged,
}


def reaction_name(hook: Callable[..., Any]) -> str:
    """The registered reaction's stable name: module and qualified name."""
    return f"{hook.__module__}.{hook.__qualname__}"[:200]


def reaction_retry_delay(*, attempts: int) -> timedelta:
    """Exponential backoff after `attempts` failures: 1, 2, 4 … minutes, at most six hours."""
    return min(REACTION_FIRST_RETRY * 2 ** max(attempts - 1, 0), REACTION_LONGEST_WAIT)


def _react(*, kind: str, hook: Callable[[Any], None], change: Any, shipment_id: int) -> None:
    """Run one reaction in its own savepoint; a failure is recorded for retry, never raised."""
    try:
        with transaction.atomic():
            hook(change)
    except Exception as exc:
        logger.exception(
            "Reaction %s to shipment %s failed; retried later.", reaction_name(hook), shipment_id
        )
        payload = {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in dataclasses.asdict(change).items()
        }
        ReactionFailure.objects.create(
            reaction=reaction_name(hook),
            kind=kind,
            shipment_id=shipment_id,
            payload=payload,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            attempts=1,
            next_attempt_at=timezone.now() + reaction_retry_delay(attempts=1),
        )


def _change_from_payload(kind: str, payload: dict[str, Any]) -> Any:
    change_type = _CHANGE_TYPES[kind]
    values = dict(payload)
    for name in ("occurred_at", "flagged_at"):
        if isinstance(values.get(name), str):
            values[name] = datetime.fromisoformat(values[name])
    return change_type(**values)


def _registered(kind: str) -> list[Callable[[Any], None]]:
    if kind == REACTION_FLAGGED:
        return list(hooks.FLAGGED_HOOKS)
    return list(hooks.STATUS_CHANGED_HOOKS)


def reaction_failure_retry(*, failure_id: int, now: datetime | None = None) -> bool | None:
    """Give a failed reaction its change again; True once it succeeded, None if not due or gone.

    Safe to run twice at once: the row is claimed with SKIP LOCKED, and a resolved row is left alone.
    """
    now = now or timezone.now()
    with transaction.atomic():
        failure = (
            ReactionFailure.objects.select_for_update(skip_locked=True)
            .filter(id=failure_id, resolved_at__isnull=True, next_attempt_at__lte=now)
            .first()
        )
        if failure is None:
            return None
        hook = next((h for h in _registered(failure.kind) if reaction_name(h) == failure.reaction), None)
        if hook is None:
            failure.error = f"No reaction named {failure.reaction} is registered any more; not retried."
            failure.next_attempt_at = None
            failure.save(update_fields=["error", "next_attempt_at", "updated_at"])
            return False
        try:
            with transaction.atomic():
                hook(_change_from_payload(failure.kind, failure.payload))
        except Exception as exc:
            failure.attempts += 1
            failure.error = f"{type(exc).__name__}: {exc}"[:2000]
            failure.next_attempt_at = (
                now + reaction_retry_delay(attempts=failure.attempts)
                if failure.attempts < REACTION_MAX_ATTEMPTS
                else None  # given up: stays visible for an operator
            )
            failure.save(update_fields=["attempts", "error", "next_attempt_at", "updated_at"])
            return False
        failure.resolved_at = now
        failure.next_attempt_at = None
        failure.save(update_fields=["resolved_at", "next_attempt_at", "updated_at"])
        return True


def reaction_failures_retry_due(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Retry every failed reaction whose backoff has passed; counts of resolved and still failing."""
    now = now or timezone.now()
    due = list(
        ReactionFailure.objects.filter(resolved_at__isnull=True, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts = {"resolved": 0, "failing": 0}
    for failure_id in due:
        outcome = reaction_failure_retry(failure_id=failure_id, now=now)
        if outcome is True:
            counts["resolved"] += 1
        elif outcome is False:
            counts["failing"] += 1
    return counts


@transaction.atomic
def shipment_apply_update(
    *, shipment_id: int, update: TrackingUpdate, source: str, adopt_number: bool = False
) -> ApplyResult:
    """Store the checkpoints not seen before; the status follows the latest event by carrier time.

    Idempotent and order-independent: any permutation or repetition of the same events ends in the
    same status and the same set of events. Scans and estimates at impossible dates are dropped and
    named in `dropped`. With `adopt_number`, the carrier's spelling of the tracking number replaces
    the store's for display.
    """
    shipment = (
        # The order is locked with the parcel: its other parcels' scans wait, so "every parcel
        # delivered" is decided by one of them. The lane's estimate comes with the same read.
        Shipment.objects.select_for_update(of=("self", "order"))
        .select_related("order", "brand")
        .annotate(
            lane_first_days=delivery_estimates.lane_offsets_subquery("first_days"),
            lane_last_days=delivery_estimates.lane_offsets_subquery("last_days"),
        )
        .get(id=shipment_id)
    )
    delivered_before = _delivery_sample(shipment)
    now = timezone.now()
    dropped: list[str] = []
    events = []
    for candidate in update.events:
        reason = implausible_time(candidate.occurred_at, now=now, ahead=SCAN_AHEAD, what="Scan time")
        if reason:
            dropped.append(f"Scan {candidate.raw_status or candidate.status!s} dropped: {reason}")
        else:
            events.append(candidate)
    estimated_delivery = update.estimated_delivery
    if estimated_delivery is not None and (
        reason := implausible_date(
            estimated_delivery, today=now.date(), ahead=ESTIMATE_AHEAD, what="Delivery estimate"
        )
    ):
        dropped.append(f"{reason} Not used.")
        estimated_delivery = None
    if not events and not update.events and update.status is not None:
        # A provider that states only a current status (Shopify's shipment_status): one event for it.
        events = [
            CarrierEvent(
                status=update.status,
                occurred_at=timezone.now().replace(microsecond=0),
                raw_status=update.status_detail or str(update.status),
                detail=update.status_detail,
            )
        ]
    by_fingerprint = {event_fingerprint(event): event for event in events}
    fresh = _events_insert_new(
        [
            TrackingEvent(
                shipment=shipment,
                status=event.status,
                detail=event.detail[:255],
                message=event.message[:500],
                location=event.location[:255],
                raw_status=event.raw_status[:100],
                occurred_at=event.occurred_at,
                received_at=now,
                source=source,
                fingerprint=fingerprint,
            )
            for fingerprint, event in by_fingerprint.items()
        ]
    )

    changed_fields: set[str] = set()
    if (
        adopt_number
        and update.tracking_number.strip() != shipment.tracking_number
        and tracking_number_key(update.tracking_number) == tracking_number_key(shipment.tracking_number)
        and not Shipment.objects.filter(
            brand_id=shipment.brand_id,
            carrier_code=shipment.carrier_code,
            tracking_number=update.tracking_number.strip(),
        ).exists()
    ):
        shipment.tracking_number = update.tracking_number.strip()[:64]
        changed_fields.add("tracking_number")
    if estimated_delivery and (
        shipment.estimated_delivery != estimated_delivery
        or shipment.estimated_delivery_source != EddSource.CARRIER
    ):
        shipment.estimated_delivery = estimated_delivery
        shipment.estimated_delivery_latest = None
        shipment.estimated_delivery_source = EddSource.CARRIER
        changed_fields |= {"estimated_delivery", "estimated_delivery_latest", "estimated_delivery_source"}
    if update.carrier_tracking_url and not shipment.carrier_tracking_url:
        shipment.carrier_tracking_url = update.carrier_tracking_url[:500]
        changed_fields.add("carrier_tracking_url")

    old_status = shipment.status
    latest = _decisive_event(shipment, fresh) if fresh else None
    status_changed = False
    if latest is not None:
        if shipment.last_event_at != latest.occurred_at:
            shipment.last_event_at = latest.occurred_at
            shipment.stuck_since = None
            changed_fields |= {"last_event_at", "stuck_since"}
        if latest.status != shipment.status or latest.detail != shipment.status_detail:
            status_changed = latest.status != shipment.status
            shipment.status = latest.status
            shipment.status_detail = latest.detail
            shipment.status_changed_at = timezone.now()
            changed_fields |= {"status", "status_detail", "status_changed_at"}
        if shipment.shipped_at is None and any(e.status in SHIPPED_STATUSES for e in fresh):
            shipment.shipped_at = min(e.occurred_at for e in fresh if e.status in SHIPPED_STATUSES)
            changed_fields.add("shipped_at")
        if shipment.status == ShipmentStatus.DELIVERED:
            delivered_at = _first_delivered_at(shipment, fresh)
            if delivered_at and shipment.delivered_at != delivered_at:
                shipment.delivered_at = delivered_at
                shipment.late_since = None
                changed_fields |= {"delivered_at", "late_since"}
        elif shipment.delivered_at is not None:
            shipment.delivered_at = None
            changed_fields.add("delivered_at")
    if (
        shipment.estimated_delivery_source != EddSource.CARRIER
        and shipment.shipped_at
        and not shipment.delivered_at
    ):
        changed_fields |= _estimate_from_lane(
            shipment,
            shipped_at=shipment.shipped_at,
            first_days=getattr(shipment, "lane_first_days", None),
            last_days=getattr(shipment, "lane_last_days", None),
        )
    if changed_fields:
        shipment.save(update_fields=[*sorted(changed_fields), "updated_at"])
    if status_changed:
        _status_changed(shipment, old_status, latest.occurred_at if latest else timezone.now())
    delivered_after = _delivery_sample(shipment)
    if delivered_after != delivered_before:
        # Last, so the lane's row stays locked only until the commit that follows.
        delivery_estimates.delivery_lane_fold(
            key=delivery_estimates.LaneKey(
                brand_id=shipment.brand_id,
                carrier_code=shipment.carrier_code,
                country=shipment.order.shipping_country,
            ),
            shipment_id=shipment.id,
            before=delivered_before,
            after=delivered_after,
        )
    if fresh or changed_fields:
        # Scans are bulk-inserted and send no model signal: the cached page is told here.
        page_versions.order_changed(order_id=shipment.order_id)
    return ApplyResult(
        shipment_id=shipment.id,
        new_events=len(fresh),
        status_changed=status_changed,
        status=shipment.status,
        dropped=tuple(dropped),
    )


_EVENT_COLUMNS: Final = (
    "shipment_id",
    "status",
    "detail",
    "message",
    "location",
    "raw_status",
    "occurred_at",
    "received_at",
    "source",
    "fingerprint",
)


def _events_insert_new(candidates: Sequence[TrackingEvent]) -> list[TrackingEvent]:
    """Store the checkpoints whose fingerprint the parcel does not hold yet; the stored ones, with ids.

    One statement: the unique fingerprint decides what is new (INSERT … ON CONFLICT DO NOTHING
    RETURNING, on Postgres and on SQLite), instead of a read of the known fingerprints first.
    """
    if not candidates:
        return []
    meta = TrackingEvent._meta
    quote = connection.ops.quote_name
    by_column = {field.column: field for field in meta.concrete_fields}
    fields = [by_column[column] for column in _EVENT_COLUMNS]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params = [
        field.get_db_prep_save(getattr(event, field.attname), connection)
        for event in candidates
        for field in fields
    ]
    with connection.cursor() as cursor:
        # Names come from the model; values go as parameters.
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in _EVENT_COLUMNS)}) "  # noqa: S608
            f"VALUES {', '.join([row] * len(candidates))} "
            f"ON CONFLICT ({quote('shipment_id')}, {quote('fingerprint')}) DO NOTHING "
            f"RETURNING {quote('id')}, {quote('fingerprint')}"
        )
        cursor.execute(sql, params)
        stored = {fingerprint: event_id for event_id, fingerprint in cursor.fetchall()}
    fresh = []
    for event in candidates:
        if event.fingerprint in stored:
            event.pk = stored[event.fingerprint]
            event._state.adding = False
            event._state.db = connection.alias
            fresh.append(event)
    return fresh


def _delivery_sample(shipment: Shipment) -> tuple[datetime, datetime] | None:
    """What the parcel adds to its lane's delivered history: (shipped at, delivered at), or nothing."""
    if (
        shipment.direction != Direction.OUTBOUND
        or shipment.shipped_at is None
        or shipment.delivered_at is None
    ):
        return None
    return shipment.shipped_at, shipment.delivered_at


def _decisive_event(shipment: Shipment, fresh: Sequence[TrackingEvent]) -> TrackingEvent | None:
    """The event the status follows once `fresh` is stored (call before `last_event_at` moves).

    A scan newer than every stored one decides among the new ones, with no read: `last_event_at` is
    the carrier time of the latest stored event. Ties with a stored event, first scans and late
    arrivals ask the database, as the rule is written there.
    """
    top_time = max(event.occurred_at for event in fresh)
    known = shipment.last_event_at
    if known is not None and top_time > known:
        tied = [event for event in fresh if event.occurred_at == top_time]
        if all(event.pk is not None for event in tied):
            return max(tied, key=lambda event: (RANK.get(event.status, 0), event.pk))
    return _latest_event(shipment)


def _first_delivered_at(shipment: Shipment, fresh: Sequence[TrackingEvent]) -> datetime | None:
    """Carrier time of the parcel's first delivered scan.

    While the parcel stays delivered, `delivered_at` already holds that time for the stored scans,
    so only the new ones are compared; on the change to delivered the scans are read.
    """
    if shipment.delivered_at is not None:
        times = [event.occurred_at for event in fresh if event.status == ShipmentStatus.DELIVERED]
        return min([shipment.delivered_at, *times])
    delivered = shipment.events.filter(status=ShipmentStatus.DELIVERED).order_by("occurred_at").first()
    return delivered.occurred_at if delivered else None


def _estimate_from_lane(
    shipment: Shipment, *, shipped_at: datetime, first_days: int | None, last_days: int | None
) -> set[str]:
    """Set our own estimate from the lane's window (days after shipping); the fields it changed."""
    window = delivery_estimates.window_from_offsets(
        shipped_at=shipped_at, first_days=first_days, last_days=last_days
    )
    first, last = window if window else (None, None)
    wanted = {
        "estimated_delivery": first,
        "estimated_delivery_latest": last,
        "estimated_delivery_source": EddSource.HISTORY if window else EddSource.NONE,
    }
    changed = {name for name, value in wanted.items() if getattr(shipment, name) != value}
    for name in changed:
        setattr(shipment, name, wanted[name])
    return changed


def shipment_estimate_delivery(*, shipment: Shipment) -> None:
    """Fill our own EDD from the lane's delivered history when the carrier gives none."""
    if shipment.shipped_at is None or shipment.estimated_delivery_source == EddSource.CARRIER:
        return
    first_days, last_days = delivery_estimates.lane_offsets(
        brand_id=shipment.brand_id,
        carrier_code=shipment.carrier_code,
        country=shipment.order.shipping_country,
    )
    changed = _estimate_from_lane(
        shipment, shipped_at=shipment.shipped_at, first_days=first_days, last_days=last_days
    )
    if changed:
        shipment.save(update_fields=[*sorted(changed), "updated_at"])


def _brand_settings(brand_id: int) -> TrackingSettings:
    settings, _ = TrackingSettings.objects.get_or_create(brand_id=brand_id)
    return settings


def shipments_flag_late_and_stuck(*, now: datetime | None = None) -> dict[str, int]:
    """Mark shipments whose EDD has passed (late) or with no scan for too long (stuck); each once.

    Idempotent: the conditional UPDATE only flags rows not flagged yet, and hooks fire for those.
    """
    now = now or timezone.now()
    flagged = {"late": 0, "stuck": 0}
    open_shipments = Shipment.objects.filter(direction=Direction.OUTBOUND).exclude(status__in=FINAL_STATUSES)
    for brand_id in open_shipments.values_list("brand_id", flat=True).distinct():
        settings = _brand_settings(brand_id)
        today = now.date()
        late_before = today - timedelta(days=settings.late_after_days)
        stuck_before = now - timedelta(hours=settings.stuck_after_hours)
        candidates = {
            "late": open_shipments.filter(
                brand_id=brand_id, late_since__isnull=True, estimated_delivery__isnull=False
            ).filter(
                Q(estimated_delivery_latest__isnull=True, estimated_delivery__lt=late_before)
                | Q(estimated_delivery_latest__lt=late_before)
            ),
            "stuck": open_shipments.filter(
                brand_id=brand_id, stuck_since__isnull=True, shipped_at__isnull=False
            ).filter(
                Q(last_event_at__lt=stuck_before) | Q(last_event_at__isnull=True, shipped_at__lt=stuck_before)
            ),
        }
        for reason, queryset in candidates.items():
            for shipment_id in list(queryset.values_list("id", flat=True)[:1000]):
                with transaction.atomic():
                    field = "late_since" if reason == "late" else "stuck_since"
                    if not Shipment.objects.filter(id=shipment_id, **{f"{field}__isnull": True}).update(
                        **{field: now}
                    ):
                        continue
                    shipment = Shipment.objects.select_related("order").get(id=shipment_id)
                    flag = hooks.ShipmentFlagged(
                        shipment_id=shipment.id,
                        order_id=shipment.order_id,
                        brand_id=shipment.brand_id,
                        customer_id=shipment.order.customer_id,
                        reason=reason,
                        flagged_at=now,
                    )
                    for hook in list(hooks.FLAGGED_HOOKS):
                        _react(kind=REACTION_FLAGGED, hook=hook, change=flag, shipment_id=shipment.id)
                    flagged[reason] += 1
    return flagged


def page_view_record(*, order_id: int, day: date) -> None:
    """Count one tracking page view straight in Postgres (the page itself counts in Redis: page_counters)."""
    if TrackingPageView.objects.filter(order_id=order_id, day=day).update(views=F("views") + 1):
        return
    try:
        with transaction.atomic():
            TrackingPageView.objects.create(order_id=order_id, day=day, views=1)
    except IntegrityError:
        TrackingPageView.objects.filter(order_id=order_id, day=day).update(views=F("views") + 1)
