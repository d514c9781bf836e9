"""Inbound webhooks: recorded raw first, verified, de-duplicated, then normalized into events.

The raw row is written before anything else, so an operator can inspect any call and re-process
it from the admin. Processing runs in the request (a few queries) so a 2xx means the events are
in Postgres, whether or not Redis and the workers are up; side effects go out through the
outbox that the status hooks write in the same transaction.
"""

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from brands import selectors as brand_selectors
from brands.models import Brand, Provider
from orders import services as order_services
from orders.models import Order
from tracking import services
from tracking.carriers.base import CarrierEvent, PayloadError, TrackingUpdate
from tracking.models import InboundWebhook, Shipment, WebhookResult
from tracking.numbers import tracking_number_key

logger = logging.getLogger(__name__)
T = TypeVar("T")

MAX_STORED_BODY = 256 * 1024
# Headers worth keeping for an operator; never the whole request (cookies, auth).
KEPT_HEADERS = (
    "content-type",
    "user-agent",
    "x-hmac-signature",
    "aftership-hmac-sha256",
    "x-shopify-hmac-sha256",
    "x-shopify-topic",
    "x-shopify-webhook-id",
    "x-shopify-shop-domain",
    "x-shopify-api-version",
    "x-shopify-triggered-at",
    "x-shippo-signature",
    "shippo-auth-signature",
)


@dataclass(frozen=True)
class Outcome:
    """What the endpoint answers: an HTTP status and a short reason."""

    http_status: int
    result: str
    message: str
    webhook_id: int | None = None
    noted: bool = False  # a success whose message is worth keeping (dropped scans)


def _adapter(provider: str) -> ModuleType:
    from tracking.carriers import aftership, easypost, shippo, shopify

    adapters: dict[str, ModuleType] = {
        Provider.EASYPOST: easypost,
        Provider.AFTERSHIP: aftership,
        Provider.SHIPPO: shippo,
        Provider.SHOPIFY: shopify,
    }
    return adapters[provider]


def _kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    lowered = {key.lower(): value for key, value in headers.items()}
    return {name: lowered[name][:500] for name in KEPT_HEADERS if name in lowered}


def _delivery_id(provider: str, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
    """The provider's id of this delivery, when it has one, for replay detection."""
    lowered = {key.lower(): value for key, value in headers.items()}
    if provider == Provider.SHOPIFY:
        return lowered.get("x-shopify-webhook-id", "")[:100]
    if provider == Provider.EASYPOST:
        event_id = payload.get("id")
        updated = payload.get("updated_at") or ""
        return f"{event_id}:{updated}"[:100] if event_id else ""
    if provider == Provider.AFTERSHIP:
        raw_msg = payload.get("msg")
        msg: Mapping[str, Any] = raw_msg if isinstance(raw_msg, Mapping) else {}
        event_id = payload.get("event_id") or ""
        if event_id:
            return str(event_id)[:100]
        ts = payload.get("ts")
        return f"{msg.get('id', '')}:{ts}"[:100] if ts and msg.get("id") else ""
    return ""


def inbound_webhook_receive(
    *,
    brand_slug: str,
    provider: str,
    body: bytes,
    headers: Mapping[str, str],
    query: Mapping[str, str] | None = None,
    max_body: int,
) -> Outcome:
    """Record, verify, de-duplicate and process one webhook call."""
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return Outcome(404, "unknown_brand", "Unknown brand.")
    topic = {key.lower(): value for key, value in headers.items()}.get("x-shopify-topic", "")[:100]
    record = InboundWebhook.objects.create(
        brand=brand,
        provider=provider,
        topic=topic,
        headers=_kept_headers(headers),
        body=body[:MAX_STORED_BODY].decode("utf-8", errors="replace"),
        body_truncated=len(body) > MAX_STORED_BODY,
    )
    if len(body) > max_body:
        _finish(
            record, WebhookResult.REJECTED, f"Body of {len(body)} bytes exceeds the {max_body}-byte limit."
        )
        return Outcome(413, "rejected", "Request body too large.", record.id)

    secret = brand_selectors.webhook_secret(brand=brand, provider=provider)
    adapter = _adapter(provider)
    kwargs: dict[str, Any] = {"query": query or {}} if provider == Provider.SHIPPO else {}
    valid = bool(secret) and adapter.verify_signature(secret=secret, body=body, headers=headers, **kwargs)
    record.signature_valid = valid
    if not valid:
        reason = "No webhook secret is configured for this provider." if not secret else "Invalid signature."
        _finish(record, WebhookResult.REJECTED, reason, fields=["signature_valid"])
        return Outcome(401, "rejected", reason, record.id)

    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _finish(record, WebhookResult.INVALID, f"Body is not JSON: {exc}", fields=["signature_valid"])
        return Outcome(400, "invalid", "Body is not valid JSON.", record.id)
    if not isinstance(payload, Mapping):
        _finish(record, WebhookResult.INVALID, "Body is not a JSON object.", fields=["signature_valid"])
        return Outcome(400, "invalid", "Body must be a JSON object.", record.id)

    record.delivery_id = _delivery_id(provider, headers, payload)
    if record.delivery_id and (
        InboundWebhook.objects.filter(provider=provider, brand=brand, delivery_id=record.delivery_id)
        .exclude(id=record.id)
        .exclude(result__in=[WebhookResult.REJECTED, WebhookResult.INVALID, WebhookResult.RECEIVED])
        .exists()
    ):
        _finish(
            record, WebhookResult.DUPLICATE, "Already received.", fields=["signature_valid", "delivery_id"]
        )
        return Outcome(200, "duplicate", "Already received.", record.id)
    record.save(update_fields=["signature_valid", "delivery_id"])
    return inbound_webhook_process(webhook_id=record.id, payload=payload)


def _finish(record: InboundWebhook, result: str, error: str = "", fields: list[str] | None = None) -> None:
    record.result = result
    record.error = error[:2000]
    record.processed_at = timezone.now()
    record.save(update_fields=[*(fields or []), "result", "error", "processed_at"])


def inbound_webhook_process(*, webhook_id: int, payload: Mapping[str, Any] | None = None) -> Outcome:
    """Normalize a verified webhook into orders, shipments and events; safe to run again."""
    record = InboundWebhook.objects.select_related("brand").get(id=webhook_id)
    if record.brand is None or not record.signature_valid:
        return Outcome(
            400, record.result, "Only verified webhooks of a known brand are processed.", record.id
        )
    if payload is None:
        try:
            payload = json.loads(record.body)
        except json.JSONDecodeError as exc:
            _finish(record, WebhookResult.INVALID, f"Body is not JSON: {exc}")
            return Outcome(400, "invalid", "Body is not valid JSON.", record.id)
    try:
        with transaction.atomic():
            if record.provider == Provider.SHOPIFY:
                outcome = _process_shopify(record, payload)
            else:
                outcome = _process_carrier(record, payload)
    except (PayloadError, ValidationError) as exc:
        # Only the payload's own faults: a reaction of another app that fails is recorded and
        # retried on its own (tracking.services._react) and never lands here.
        message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        _finish(record, WebhookResult.INVALID, message)
        return Outcome(400, "invalid", f"Payload not understood: {message}"[:500], record.id)
    # The reason stays on the row for anything but a plain success: why it is unmatched or stale,
    # which scans were dropped.
    keep_message = outcome.http_status >= 300 or outcome.result != WebhookResult.PROCESSED or outcome.noted
    _finish(
        record,
        outcome.result,
        outcome.message if keep_message else "",
        fields=["tracking_number", "order_external_id"],
    )
    return Outcome(outcome.http_status, outcome.result, outcome.message, record.id)


def _parsed(parse: Callable[[], T]) -> T:
    """A provider parse whose unexpected shape errors count as a payload the adapter cannot read."""
    try:
        return parse()
    except PayloadError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PayloadError(f"{type(exc).__name__}: {exc}") from exc


def _dropped_note(dropped: Sequence[str]) -> str:
    return (" " + " ".join(dropped)) if dropped else ""


def _process_carrier(record: InboundWebhook, payload: Mapping[str, Any]) -> Outcome:
    adapter = _adapter(record.provider)
    update: TrackingUpdate | None = _parsed(lambda: adapter.parse_webhook(payload))
    if update is None:
        return Outcome(200, WebhookResult.IGNORED, "Event not used.")
    record.tracking_number = update.tracking_number[:64]
    shipments = list(
        Shipment.objects.filter(
            brand=record.brand, tracking_key=tracking_number_key(update.tracking_number)
        ).only("id", "carrier_code")
    )
    if len(shipments) > 1:
        shipments = [s for s in shipments if s.carrier_code == update.carrier_code] or shipments[:1]
    if not shipments:
        # Kept, not lost: re-processed when a shipment with this number is created, and by the sweep.
        return Outcome(
            202,
            WebhookResult.UNMATCHED,
            f"No shipment with tracking number {update.tracking_number[:64]} yet; retried when one is "
            "created.",
        )
    result = services.shipment_apply_update(
        shipment_id=shipments[0].id, update=update, source=record.provider, adopt_number=True
    )
    return Outcome(
        200,
        WebhookResult.PROCESSED,
        f"{result.new_events} new event(s); status {result.status}.{_dropped_note(result.dropped)}",
        noted=bool(result.dropped),
    )


SHOPIFY_ORDER_TOPICS = frozenset({"orders/create", "orders/updated", "orders/paid", "orders/cancelled"})
SHOPIFY_FULFILLMENT_TOPICS = frozenset({"fulfillments/create", "fulfillments/update"})


def _process_shopify(record: InboundWebhook, payload: Mapping[str, Any]) -> Outcome:
    from tracking.carriers import shopify

    brand: Brand = record.brand  # type: ignore[assignment]
    if record.topic in SHOPIFY_ORDER_TOPICS:
        order_input = _parsed(lambda: shopify.parse_order(payload))
        result = order_services.order_upsert(brand=brand, data=order_input)
        if not result.applied:
            return Outcome(
                200,
                WebhookResult.STALE,
                f"Older than the order we hold (update of {_when(order_input.updated_at)}, order last "
                f"changed {_when(result.order.source_updated_at)}); not applied.",
            )
        return Outcome(
            200,
            WebhookResult.PROCESSED,
            f"Order {result.order.number} {'created' if result.created else 'updated'}.",
        )
    if record.topic in SHOPIFY_FULFILLMENT_TOPICS:
        fulfillment = _parsed(lambda: shopify.parse_fulfillment(payload))
        order = Order.objects.filter(brand=brand, external_id=fulfillment.order_external_id).first()
        if order is None:
            record.order_external_id = fulfillment.order_external_id[:64]
            record.tracking_number = fulfillment.tracking_number[:64]
            return Outcome(
                202,
                WebhookResult.UNMATCHED,
                f"Order {fulfillment.order_external_id[:64]} not known yet; processed when it arrives.",
            )
        if not fulfillment.tracking_number:
            return Outcome(200, WebhookResult.IGNORED, "Fulfillment has no tracking number yet.")
        record.tracking_number = fulfillment.tracking_number[:64]
        lines_by_external = {line.external_id: line.id for line in order.lines.all()}
        lines = [
            (lines_by_external[external_id], quantity)
            for external_id, quantity in fulfillment.lines
            if external_id in lines_by_external
        ]
        # Created shipments take in the carrier calls that came before them (shipment_upsert).
        shipment, _created = services.shipment_upsert(
            brand=brand,
            order=order,
            carrier_code=fulfillment.carrier_code,
            carrier_name=fulfillment.carrier_name,
            tracking_number=fulfillment.tracking_number,
            carrier_tracking_url=fulfillment.carrier_tracking_url,
            external_id=fulfillment.fulfillment_id,
            source="shopify",
            lines=lines or None,
        )
        dropped: tuple[str, ...] = ()
        if fulfillment.status is not None:
            # Shopify states only the current status: one event stamped with the fulfillment's
            # update time, so the same state sent again is the same event.
            occurred_at = fulfillment.updated_at or timezone.now().replace(microsecond=0)
            applied = services.shipment_apply_update(
                shipment_id=shipment.id,
                update=TrackingUpdate(
                    tracking_number=fulfillment.tracking_number,
                    carrier_code=fulfillment.carrier_code,
                    events=(
                        CarrierEvent(
                            status=fulfillment.status,
                            occurred_at=occurred_at,
                            raw_status=fulfillment.raw_status or str(fulfillment.status),
                        ),
                    ),
                ),
                source="shopify",
            )
            dropped = applied.dropped
        return Outcome(
            200,
            WebhookResult.PROCESSED,
            f"Shipment {shipment.tracking_number} recorded.{_dropped_note(dropped)}",
            noted=bool(dropped),
        )
    return Outcome(200, WebhookResult.IGNORED, f"Topic {record.topic or '(none)'} not used.")


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment else "unknown"


def unmatched_webhooks_reprocess(*, brand_id: int, tracking_number: str) -> int:
    """Re-process the carrier calls that arrived before their shipment existed, however spelled."""
    ids = list(
        InboundWebhook.objects.filter(
            brand_id=brand_id,
            tracking_key=tracking_number_key(tracking_number),
            result=WebhookResult.UNMATCHED,
        )
        .exclude(provider=Provider.SHOPIFY)
        .order_by("received_at", "id")
        .values_list("id", flat=True)
    )
    for webhook_id in ids:
        inbound_webhook_process(webhook_id=webhook_id)
    return len(ids)


def unmatched_fulfillments_reprocess(*, brand_id: int, order_external_id: str) -> int:
    """Re-process the store's fulfillments that arrived before their order."""
    ids = list(
        InboundWebhook.objects.filter(
            brand_id=brand_id,
            provider=Provider.SHOPIFY,
            order_external_id=order_external_id,
            result=WebhookResult.UNMATCHED,
        )
        .order_by("received_at", "id")
        .values_list("id", flat=True)
    )
    for webhook_id in ids:
        inbound_webhook_process(webhook_id=webhook_id)
    return len(ids)


def order_created_reaction(order: Order) -> None:
    """Registered with orders: a new order takes in its fulfillments that came first."""
    if order.external_id:
        unmatched_fulfillments_reprocess(brand_id=order.brand_id, order_external_id=order.external_id)


UNMATCHED_RETENTION = timedelta(days=14)


def unmatched_webhooks_sweep(
    *, now: datetime | None = None, retention: timedelta = UNMATCHED_RETENTION, limit: int = 500
) -> dict[str, int]:
    """Retry unmatched webhooks younger than `retention`; older ones become unmatched_expired.

    Idempotent: a call that now matches is processed once (the next sweep no longer sees it
    unmatched), and expiry is a conditional UPDATE.
    """
    now = now or timezone.now()
    cutoff = now - retention
    expired = InboundWebhook.objects.filter(result=WebhookResult.UNMATCHED, received_at__lt=cutoff).update(
        result=WebhookResult.UNMATCHED_EXPIRED,
        error=Concat(
            Value(f"No match within {retention.days} days; no longer retried. "),
            F("error"),
            output_field=TextField(),
        ),
        processed_at=now,
    )
    ids = list(
        InboundWebhook.objects.filter(result=WebhookResult.UNMATCHED, received_at__gte=cutoff)
        .order_by("received_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    matched = 0
    for webhook_id in ids:
        # One call at a time: the row can have been processed by a shipment created meanwhile.
        if InboundWebhook.objects.filter(id=webhook_id, result=WebhookResult.UNMATCHED).exists():
            outcome = inbound_webhook_process(webhook_id=webhook_id)
            matched += outcome.result != WebhookResult.UNMATCHED
    return {"retried": len(ids), "matched": matched, "expired": expired}
