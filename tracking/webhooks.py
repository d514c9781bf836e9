"""Inbound webhooks: verified and stored in the request, then de-duplicated and normalized by workers.

Every call leaves a row; a verified one keeps its raw body (for the retention period), so an
operator can inspect it and re-process it from the admin, while an unverified caller leaves only
a small record and cannot grow the database. The request only verifies and stores (one INSERT):
a 2xx means the call is in Postgres, whether or not Redis and the workers are up. Workers on the
`ingest` queue normalize it (one transaction per call, the calls of one parcel in the order they
came); a relay takes calls whose task was lost. Side effects go out through the outbox that the
status hooks write in the same transaction.
"""

import hashlib
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from types import ModuleType
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, TextField, Value
from django.db.models.functions import Concat
from django.utils import timezone

from brands import selectors as brand_selectors
from brands.models import Brand, Provider
from common import untrusted_json
from orders import services as order_services
from orders.models import Order
from tracking import services
from tracking.carriers import fields
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


def _verified(
    credentials: brand_selectors.WebhookCredentials,
    provider: str,
    body: bytes,
    headers: Mapping[str, str],
    query: Mapping[str, str],
) -> bool:
    adapter = _adapter(provider)
    kwargs: dict[str, Any] = {"query": query} if provider == Provider.SHIPPO else {}
    return any(
        adapter.verify_signature(secret=secret, body=body, headers=headers, **kwargs)
        for secret in credentials.accepted()
    )


def _sequence_fields(provider: str, topic: str, payload: Mapping[str, Any]) -> dict[str, str]:
    """The parcel (or store order) a call is about, read without parsing the rest.

    Stored with the call, so workers apply the calls of one parcel in the order they came
    (inbound_webhook_ingest); a payload too odd to read here is simply not ordered.
    """
    if provider == Provider.SHOPIFY:
        if topic in SHOPIFY_ORDER_TOPICS:
            return {"order_external_id": fields.identifier(payload.get("id"))[:64]}
        if topic in SHOPIFY_FULFILLMENT_TOPICS:
            return {"order_external_id": fields.identifier(payload.get("order_id"))[:64]}
        return {}
    inner: Any = payload
    if provider == Provider.EASYPOST:
        inner = payload if payload.get("object") == "Tracker" else payload.get("result")
        number = inner.get("tracking_code") if isinstance(inner, Mapping) else None
    else:
        inner = payload.get("msg" if provider == Provider.AFTERSHIP else "data")
        number = inner.get("tracking_number") if isinstance(inner, Mapping) else None
    return {"tracking_number": _storable_text(fields.text(number))[:64]}


def inbound_webhook_receive(
    *,
    brand_slug: str,
    provider: str,
    body: bytes,
    headers: Mapping[str, str],
    query: Mapping[str, str] | None = None,
    max_body: int,
) -> Outcome:
    """Verify and store one webhook call, and answer it; workers normalize it after the commit.

    A verified JSON call costs one INSERT (the brand and its secrets come from a short-lived
    per-process cache) and is answered 202 "received"; bad input is a 4xx, never a 500. Only a
    verified call's body is stored: an unsigned caller leaves a small record (size, reason,
    headers without their signatures), so no one can grow the database from outside.
    """
    credentials = brand_selectors.webhook_credentials(brand_slug=brand_slug, provider=provider)
    if credentials is None:
        return Outcome(404, "unknown_brand", "Unknown brand.")
    topic = _storable_text(_lowered(headers).get("x-shopify-topic", "")[:100])
    record = InboundWebhook(
        brand_id=credentials.brand_id,
        provider=provider,
        topic=topic,
        headers=_kept_headers(headers),
        body_size=len(body),
    )
    if len(body) > max_body:
        return _refuse(record, 413, WebhookResult.REJECTED, f"Body exceeds the {max_body}-byte limit.")

    # During a rotation's grace period the replaced secret still verifies (brands.services). The
    # cache only ever lets a call through: before refusing, the secrets are read afresh, so a
    # secret set a moment ago in another process verifies at once.
    query = query or {}
    record.signature_valid = _verified(credentials, provider, body, headers, query)
    if not record.signature_valid:
        fresh = brand_selectors.webhook_credentials(brand_slug=brand_slug, provider=provider, fresh=True)
        if fresh is None:
            return Outcome(404, "unknown_brand", "Unknown brand.")
        credentials = fresh
        record.brand_id = credentials.brand_id
        record.signature_valid = _verified(credentials, provider, body, headers, query)
    if not record.signature_valid:
        reason = (
            "No webhook secret is configured for this provider."
            if not credentials.accepted()
            else "Invalid signature."
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
    for name, value in _sequence_fields(provider, topic, payload).items():
        setattr(record, name, value)
    # One INSERT, committed on its own (no transaction is open here); the task goes out after it.
    record.save(force_insert=True)
    transaction.on_commit(partial(_enqueue, record.id))
    return Outcome(202, WebhookResult.RECEIVED, "Stored; it is processed in a moment.", record.id)


def _enqueue(webhook_id: int) -> None:
    from tracking.tasks import ingest_webhook

    try:
        ingest_webhook.delay(webhook_id)
    except Exception:
        # The broker is down: the call is stored, and the relay (inbound_webhooks_relay) takes it.
        logger.exception("Could not enqueue webhook %s; the relay will process it.", webhook_id)


def _finish(record: InboundWebhook, result: str, error: str = "", fields: list[str] | None = None) -> None:
    record.result = result
    record.error = error[:2000]
    record.processed_at = timezone.now()
    record.save(update_fields=[*(fields or []), "result", "error", "processed_at"])


def inbound_webhook_process(*, webhook_id: int, payload: Mapping[str, Any] | None = None) -> Outcome:
    """Normalize a verified webhook into orders, shipments and events; safe to run again.

    What the admin's "re-process" runs, whatever the call's result; workers go through
    inbound_webhook_ingest, which takes each stored call once and in order.
    """
    record = InboundWebhook.objects.select_related("brand").get(id=webhook_id)
    return _process(record, payload)


def _process(record: InboundWebhook, payload: Mapping[str, Any] | None = None) -> Outcome:
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


# Errors worth trying again as they are: the database went away or a lock timed out. Anything else
# is this call's own fault and is recorded on it as failed, for an operator to re-process.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
# Calls of one parcel waiting before this one are taken first, up to this many per task.
EARLIER_CALLS_LIMIT = 50


def _sequence_filter(head: Mapping[str, Any]) -> dict[str, Any] | None:
    """The calls that must be applied in the order received with this one, or None."""
    if head["tracking_key"]:
        return {"brand_id": head["brand_id"], "tracking_key": head["tracking_key"]}
    if head["provider"] == Provider.SHOPIFY and head["order_external_id"]:
        return {
            "brand_id": head["brand_id"],
            "provider": Provider.SHOPIFY,
            "order_external_id": head["order_external_id"],
        }
    if head["delivery_id"]:
        # Unordered otherwise, but two copies of one delivery never run side by side.
        return {
            "brand_id": head["brand_id"],
            "provider": head["provider"],
            "delivery_id": head["delivery_id"],
        }
    return None


def _lock_id(sequence: Mapping[str, Any]) -> int:
    name = "|".join(f"{key}={value}" for key, value in sorted(sequence.items()))
    digest = hashlib.blake2b(f"inbound-webhook|{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _lock_sequence(sequence: Mapping[str, Any]) -> None:
    """Wait for the parcel's advisory lock, held until this transaction ends (Postgres only)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(sequence)])


@dataclass(frozen=True)
class _EarlierFirst:
    webhook_id: int


def inbound_webhook_ingest(*, webhook_id: int) -> Outcome | None:
    """Process one stored call once, after the earlier waiting calls of its parcel; what workers run.

    Idempotent: a call no longer "received" (processed, or claimed by another worker right now) is
    left alone and None comes back. Two calls of one parcel (brand and tracking key, or one store
    order) are never applied side by side nor out of order: each is applied holding the parcel's
    advisory lock, and a call that finds an earlier one of its parcel still waiting applies that
    one first (or waits for the worker holding it), each in its own transaction.
    """
    pending = [webhook_id]
    # Bounded: a parcel with more waiting calls than this leaves the rest to the relay.
    for _ in range(2 * EARLIER_CALLS_LIMIT):
        current = pending[-1]
        step = _ingest_one(current)
        if isinstance(step, _EarlierFirst):
            pending.append(step.webhook_id)
            continue
        pending.pop()
        if not pending:
            return step
    return None


def _ingest_one(webhook_id: int) -> Outcome | _EarlierFirst | None:
    try:
        with transaction.atomic():
            # Claimed for this transaction: another worker skips it, and a processed call is not
            # "received" any more, so nothing is processed twice.
            record = (
                InboundWebhook.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("brand")
                .filter(id=webhook_id, result=WebhookResult.RECEIVED)
                .first()
            )
            if record is None:
                return None
            sequence = _sequence_filter(
                {
                    "brand_id": record.brand_id,
                    "provider": record.provider,
                    "tracking_key": record.tracking_key,
                    "order_external_id": record.order_external_id,
                    "delivery_id": record.delivery_id,
                }
            )
            if sequence is not None:
                # Taken after the claim, read after the wait: a call of this parcel that a worker
                # applied meanwhile is seen as done.
                _lock_sequence(sequence)
                earlier = (
                    InboundWebhook.objects.filter(**sequence, result=WebhookResult.RECEIVED, id__lt=record.id)
                    .order_by("id")
                    .values_list("id", flat=True)
                    .first()
                )
                if earlier is not None:
                    return _EarlierFirst(earlier)
            if record.delivery_id and (
                InboundWebhook.objects.filter(
                    provider=record.provider, brand=record.brand, delivery_id=record.delivery_id
                )
                .exclude(id=record.id)
                .exclude(result__in=[WebhookResult.REJECTED, WebhookResult.INVALID, WebhookResult.RECEIVED])
                .exists()
            ):
                _finish(record, WebhookResult.DUPLICATE, "Already received.")
                return Outcome(200, WebhookResult.DUPLICATE, "Already received.", record.id)
            outcome = _process(record)
            if record.result == WebhookResult.RECEIVED:
                # Not processable as stored (its body was purged): never picked up again by the relay.
                _finish(record, WebhookResult.FAILED, outcome.message)
            return outcome
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        logger.exception("Webhook %s failed while processing.", webhook_id)
        message = f"{type(exc).__name__}: {exc}"[:2000]
        InboundWebhook.objects.filter(id=webhook_id, result=WebhookResult.RECEIVED).update(
            result=WebhookResult.FAILED, error=message, processed_at=timezone.now()
        )
        return Outcome(500, WebhookResult.FAILED, message, webhook_id)


RELAY_AFTER = timedelta(seconds=30)
RELAY_BATCH = 200


def inbound_webhooks_relay(
    *, now: datetime | None = None, older_than: timedelta = RELAY_AFTER, limit: int = RELAY_BATCH
) -> dict[str, int]:
    """Process stored calls still waiting `older_than` after they came: their task was lost.

    A call stored while the broker was down (or whose task went missing) is taken here, a bounded
    batch per run, oldest first; calls a worker holds right now are skipped. Safe to run anywhere
    and any number of times: each call is claimed by inbound_webhook_ingest.
    """
    cutoff = (now or timezone.now()) - older_than
    with transaction.atomic():
        ids = list(
            InboundWebhook.objects.select_for_update(skip_locked=True)
            .filter(result=WebhookResult.RECEIVED, received_at__lt=cutoff)
            .order_by("received_at", "id")
            .values_list("id", flat=True)[:limit]
        )
    processed = 0
    for webhook_id in ids:
        processed += inbound_webhook_ingest(webhook_id=webhook_id) is not None
    return {"waiting": len(ids), "processed": processed}


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
