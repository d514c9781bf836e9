"""Signed webhooks to the store: a delivery row per event and endpoint, written with the transition,
sent after commit by a Celery task, retried until the store answers 2xx.

Signature: `X-Postpurchase-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` keyed with
the endpoint's secret. The store recomputes it over the raw body and refuses stale timestamps.
"""

import hashlib
import hmac
import json
import time
from datetime import timedelta
from functools import partial
from typing import Any, Final

import requests
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from returns.models import DeliveryState, Return, WebhookDelivery, WebhookEndpoint
from returns.representation import return_representation

SIGNATURE_HEADER: Final = "X-Postpurchase-Signature"
TIMEOUT_SECONDS: Final = 10
MAX_ATTEMPTS: Final = 8
USER_AGENT: Final = "postpurchase-webhooks/1"


class EndpointUnavailable(Exception):
    """The store did not answer, or answered 5xx/408/429: worth another try later."""


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for this body at this time."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, secret: str, header: str, body: bytes, now: int | None = None, tolerance: int = 300) -> bool:
    """What a store does on its side (also used by our tests): constant-time, fresh timestamps only."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((now if now is not None else int(time.time())) - timestamp) > tolerance:
        return False
    expected = sign(secret=secret, timestamp=timestamp, body=body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def deliveries_record(*, ret: Return, event_type: str) -> list[int]:
    """One pending delivery per active endpoint of the brand, enqueued when the transaction commits."""
    endpoints = list(WebhookEndpoint.objects.filter(brand_id=ret.brand_id, active=True))
    if not endpoints:
        return []
    data = return_representation(ret)
    ids = []
    for endpoint in endpoints:
        delivery = WebhookDelivery(endpoint=endpoint, return_request=ret, event_type=event_type, payload={})
        delivery.payload = {
            "id": str(delivery.event_id),
            "type": event_type,
            "created_at": timezone.now().isoformat(),
            "data": data,
        }
        delivery.save()
        ids.append(delivery.id)
    from returns.tasks import deliver_webhook

    for delivery_id in ids:
        transaction.on_commit(partial(deliver_webhook.delay, delivery_id))
    return ids


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery; at most one worker holds it at a time. Returns the row's new state."""
    claimed = WebhookDelivery.objects.filter(id=delivery_id, state=DeliveryState.PENDING).update(
        state=DeliveryState.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").get(id=delivery_id)
    body = body_bytes(delivery.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Postpurchase-Event": delivery.event_type,
        "X-Postpurchase-Delivery": str(delivery.event_id),
        SIGNATURE_HEADER: sign(secret=delivery.endpoint.secret, timestamp=int(time.time()), body=body),
    }
    try:
        response = requests.post(delivery.endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        return _retry_or_fail(delivery, status_code=None, error=f"{exc.__class__.__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        WebhookDelivery.objects.filter(id=delivery.id).update(
            state=DeliveryState.DELIVERED,
            last_status_code=response.status_code,
            last_error="",
            delivered_at=timezone.now(),
        )
        return DeliveryState.DELIVERED
    if response.status_code in (408, 429) or response.status_code >= 500:
        return _retry_or_fail(delivery, status_code=response.status_code, error=response.text[:500])
    # Any other 4xx will not change on retry: the store refuses this event for good.
    WebhookDelivery.objects.filter(id=delivery.id).update(
        state=DeliveryState.FAILED, last_status_code=response.status_code, last_error=response.text[:500]
    )
    return DeliveryState.FAILED


def _retry_or_fail(delivery: WebhookDelivery, *, status_code: int | None, error: str) -> str:
    final = delivery.attempts >= MAX_ATTEMPTS
    WebhookDelivery.objects.filter(id=delivery.id).update(
        state=DeliveryState.FAILED if final else DeliveryState.PENDING,
        last_status_code=status_code,
        last_error=error,
    )
    if final:
        return DeliveryState.FAILED
    raise EndpointUnavailable(error)


def deliveries_requeue_stuck(*, older_than_seconds: int = 600) -> list[int]:
    """Pending rows whose task was lost (Redis down at commit) and rows a crashed worker left 'sending'."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    WebhookDelivery.objects.filter(state=DeliveryState.SENDING, claimed_at__lt=cutoff).update(
        state=DeliveryState.PENDING
    )
    return list(
        WebhookDelivery.objects.filter(state=DeliveryState.PENDING, created_at__lt=cutoff).values_list(
            "id", flat=True
        )[:500]
    )
