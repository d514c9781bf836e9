"""Inbound webhooks: verified, recorded, de-duplicated, then normalized into events.

Every call leaves a row; a verified one keeps its raw body (for the retention period), so an
operator can inspect it and re-process it from the admin, while an unverified caller leaves only
a small record and cannot grow the database. Processing runs in the request (a few queries) so a 2xx means the events are
in Postgres, whether or not Redis and the workers are up; side effects go out through the
outbox that the status hooks write in the same transaction.
"""

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
from common import untrusted_json
from orders import services as order_services
from orders.models import Order
from tracking import services
from tracking.carriers.base import CarrierEvent, PayloadError, TrackingUpdate
from tracking.models import InboundWebhook, Shipment, WebhookResult
from tracking.numbers import tracking_number_key

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Headers worth keeping for an operator; never the whole request (cookies, auth).
KEPT_HEADERS = (
    "content-type",
    "content-length",
    "user-agent",
    "x-hmac-signature",
    "aftership-hmac-sha256",
    "x-shopify-hmac-sha256",
    "shopify-hmac-sha256",
    "x-shopify-topic",
    "x-shopify-webhook-id",
    "x-shopify-shop-domain",
    "x-shopify-api-version",
    "x-shopify-triggered-at",
    "x-shippo-signature",
    "shippo-auth-signature",
)
# Kept only as "present": a signature tells an operator nothing, and a forged one is the caller's text.
SIGNATURE_HEADERS = frozenset(
    {
        "x-hmac-signature",
        "aftership-hmac-sha256",
        "x-shopify-hmac-sha256",
        "shopify-hmac-sha256",
        "x-shippo-signature",
        "shippo-auth-signature",
    }
)
JSON_MEDIA_TYPES = frozenset({"application/json"})
MAX_HEADER_CHARS = 500


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


def _storable_text(value: str) -> str:
    """Text Postgres accepts: no NUL, no unpaired surrogates (a header may carry either)."""
    return value.encode("utf-8", errors="replace").decode("utf-8").replace("\x00", "")


def _lowered(headers: Mapping[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in headers.items() if isinstance(value, str)}


def _kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    lowered = _lowered(headers)
    kept = {}
    for name in KEPT_HEADERS:
        if name not in lowered:
            continue
        if name in SIGNATURE_HEADERS:
            kept[name] = f"(present, {len(lowered[name])} characters)"
        else:
            kept[name] = _storable_text(lowered[name][:MAX_HEADER_CHARS])
    return kept


def _delivery_id(provider: str, headers: Mapping[str, str], payload: Mapping[str, Any]) -> str:
    """The provider's id of this delivery, when it has one, for replay detection."""
    lowered = _lowered(headers)
    if provider == Provider.SHOPIFY:
        return _storable_text(lowered.get("x-shopify-webhook-id", "")[:100])
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
    if provider == Provider.SHIPPO:
        # No event id: the Track's current status object (id and update time) names the delivery.
        data = payload.get("data")
        current = data.get("tracking_status") if isinstance(data, Mapping) else None
        if not isinstance(current, Mapping) or not current.get("object_id"):
            return ""
        event = payload.get("event") or ""
        return f"{event}:{current['object_id']}:{current.get('object_updated') or ''}"[:100]
    return ""


def _stored_body(body: bytes) -> str:
    """A verified body as text: exact when it is UTF-8 without NUL, else readable escapes."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("utf-8", errors="backslashreplace")
    return text.replace("\x00", "\\x00")


def _media_type(headers: Mapping[str, str]) -> str:
    return _lowered(headers).get("content-type", "").split(";", 1)[0].strip().lower()


def _refuse(record: InboundWebhook, http_status: int, result: str, message: str) -> Outcome:
    """Store the call's small record with its reason, and answer it."""
    record.result = result
    record.error = message
    record.processed_at = timezone.now()
    record.save()
    return Outcome(http_status, result, message, record.id)


def inbound_webhook_receive(
    *,
    brand_slug: str,
    provider: str,
    body: bytes,
    headers: Mapping[str, str],
    query: Mapping[str, str] | None = None,
    max_body: int,
) -> Outcome:
    """Verify, record, de-duplicate and process one webhook call; bad input is a 4xx, never a 500.

    Only a verified call's body is stored: an unsigned caller leaves a small record (size, reason,
    headers without their signatures), so no one can grow the database from outside.
    """
    brand = brand_selectors.brand_by_slug(slug=brand_slug)
    if brand is None:
        return Outcome(404, "unknown_brand", "Unknown brand.")
    topic = _storable_text(_lowered(headers).get("x-shopify-topic", "")[:100])
    record = InboundWebhook(
        brand=brand, provider=provider, topic=topic, headers=_kept_headers(headers), body_size=len(body)
    )
    if len(body) > max_body:
        return _refuse(record, 413, WebhookResult.REJECTED, f"Body exceeds the {max_body}-byte limit.")

    # During a rotation's grace period the replaced secret still verifies (brands.services).
    accepted = brand_selectors.webhook_secrets_accepted(brand=brand, provider=provider)
    adapter = _adapter(provider)
    kwargs: dict[str, Any] = {"query": query or {}} if provider == Provider.SHIPPO else {}
    record.signature_valid = any(
        adapter.verify_signature(secret=secret, body=body, headers=headers, **kwargs) for secret in accepted
    )
    if not record.signature_valid:
        reason = (
            "No webhook secret is configured for this provider." if not accepted else "Invalid signature."
        )
        return _refuse(record, 401, WebhookResult.REJECTED, reason)

    record.body = _stored_body(body)
    media_type = _media_type(headers)
    if media_type not in JSON_MEDIA_TYPES:
        return _refuse(
            record,
            415,
            WebhookResult.INVALID,
            f"Content-Type must be application/json, not {media_type[:50] or 'missing'}.",
        )
    try:
        payload = untrusted_json.loads_object(body)
    except untrusted_json.UntrustedJsonError as exc:
        return _refuse(record, 400, WebhookResult.INVALID, str(exc))

    record.delivery_id = _delivery_id(provider, headers, payload)
    record.save()
    if record.delivery_id and (
        InboundWebhook.objects.filter(provider=provider, brand=brand, delivery_id=record.delivery_id)
        .exclude(id=record.id)
        .exclude(result__in=[WebhookResult.REJECTED, WebhookResult.INVALID, WebhookResult.RECEIVED])
        .exists()
    ):
        _finish(record, WebhookResult.DUPLICATE, "Already received.")
        return Outcome(200, "duplicate", "Already received.", record.id)
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
        if record.body_purged_at is not None:
            return Outcome(410, record.result, "The body was purged after the retention period.", record.id)
        try:
            payload = untrusted_json.loads_object(record.body.encode("utf-8"))
        except untrusted_json.UntrustedJsonError as exc:
            _finish(record, WebhookResult.INVALID, str(exc))
            return Outcome(400, "invalid", str(exc), record.id)
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
