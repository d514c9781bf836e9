"""A signed sample call per provider, run through the real webhook endpoint from the console.

The sample is written by us in each provider's documented format and signed with the brand's
current secret, so the merchant sees whether verification and parsing work before real traffic
comes. It names a parcel (or an order) that matches nothing, so processing stops at "unmatched":
no shipment moves and no shopper is told anything.
"""

import base64
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.test import RequestFactory
from django.urls import resolve, reverse
from django.utils import timezone

from brands import selectors as brand_selectors
from brands.models import Brand, Provider
from tracking import webhooks
from tracking.carriers import easypost, shippo
from tracking.carriers.signatures import hmac_sha256
from tracking.models import InboundWebhook, WebhookResult
from tracking.selectors import SAMPLE_USER_AGENT

SAMPLE_NUMBER_PREFIX = "PPTEST"
SAMPLE_ORDER_PREFIX = "postpurchase-test-"


@dataclass(frozen=True)
class SignedSample:
    body: bytes
    headers: dict[str, str]
    query: dict[str, str]
    reference: str  # the tracking number (or store order id) the sample names


@dataclass(frozen=True)
class SampleOutcome:
    """What the endpoint answered to the sample, as a merchant reads it."""

    provider: str
    http_status: int
    result: str
    detail: str
    reference: str
    webhook_id: int | None

    @property
    def accepted(self) -> bool:
        return 200 <= self.http_status < 300


def _dump(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode("utf-8")


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _easypost(secret: str, number: str, now: datetime) -> SignedSample:
    tracker_id = f"trk_test_{secrets.token_hex(6)}"
    body = _dump(
        {
            "object": "Event",
            "id": f"evt_test_{secrets.token_hex(6)}",
            "mode": "test",
            "description": "tracker.updated",
            "previous_attributes": {"status": "pre_transit"},
            "created_at": _iso(now),
            "updated_at": _iso(now),
            "status": "pending",
            "result": {
                "object": "Tracker",
                "id": tracker_id,
                "mode": "test",
                "tracking_code": number,
                "status": "in_transit",
                "status_detail": "arrived_at_facility",
                "carrier": "USPS",
                "created_at": _iso(now),
                "updated_at": _iso(now),
                "est_delivery_date": None,
                "tracking_details": [
                    {
                        "object": "TrackingDetail",
                        "message": "Arrived at facility (test event)",
                        "status": "in_transit",
                        "status_detail": "arrived_at_facility",
                        "datetime": _iso(now),
                        "source": "USPS",
                        "tracking_location": {"object": "TrackingLocation", "city": "Test", "country": "US"},
                    }
                ],
            },
        }
    )
    headers = {"X-Hmac-Signature": easypost.signature(secret=secret, body=body)} if secret else {}
    return SignedSample(body=body, headers=headers, query={}, reference=number)


def _aftership(secret: str, number: str, now: datetime) -> SignedSample:
    body = _dump(
        {
            "event": "tracking_update",
            "event_id": str(uuid.uuid4()),
            "is_tracking_first_tag": False,
            "msg": {
                "id": secrets.token_hex(12),
                "tracking_number": number,
                "slug": "usps",
                "tag": "InTransit",
                "subtag": "InTransit_001",
                "subtag_message": "In Transit",
                "checkpoints": [
                    {
                        "checkpoint_time": _iso(now),
                        "created_at": _iso(now),
                        "tag": "InTransit",
                        "subtag": "InTransit_001",
                        "message": "Arrived at facility (test event)",
                        "city": "Test",
                        "country_iso3": "USA",
                        "slug": "usps",
                    }
                ],
            },
            "ts": int(now.timestamp()),
        }
    )
    headers = {"aftership-hmac-sha256": _base64_hmac(secret, body)} if secret else {}
    return SignedSample(body=body, headers=headers, query={}, reference=number)


def _shippo(secret: str, number: str, now: datetime) -> SignedSample:
    status = {
        "object_id": secrets.token_hex(16),
        "object_created": _iso(now),
        "object_updated": _iso(now),
        "status": "TRANSIT",
        "substatus": {
            "code": "package_accepted",
            "text": "Package accepted (test event)",
            "action_required": False,
        },
        "status_details": "Arrived at facility (test event)",
        "status_date": _iso(now),
        "location": {"city": "Test", "state": "", "zip": "", "country": "US"},
    }
    body = _dump(
        {
            "event": "track_updated",
            "test": True,
            "data": {
                "carrier": "usps",
                "tracking_number": number,
                "eta": None,
                "tracking_status": status,
                "tracking_history": [status],
            },
        }
    )
    # Signed the way Shippo signs (header with a timestamp), so the check does not depend on the
    # token the merchant appended to the URL.
    headers = (
        {"Shippo-Auth-Signature": shippo.signature(secret=secret, body=body, timestamp=int(time.time()))}
        if secret
        else {}
    )
    return SignedSample(body=body, headers=headers, query={}, reference=number)


def _shopify(secret: str, number: str, now: datetime) -> SignedSample:
    order_id = f"{SAMPLE_ORDER_PREFIX}{secrets.token_hex(6)}"
    body = _dump(
        {
            "id": f"{SAMPLE_ORDER_PREFIX}{secrets.token_hex(6)}",
            "order_id": order_id,
            "status": "success",
            "created_at": _iso(now),
            "updated_at": _iso(now),
            "service": "manual",
            "tracking_company": "USPS",
            "shipment_status": "in_transit",
            "tracking_number": number,
            "tracking_numbers": [number],
            "tracking_url": "",
            "tracking_urls": [],
            "line_items": [],
            "name": "#TEST.1",
        }
    )
    headers = {
        "X-Shopify-Topic": "fulfillments/create",
        "X-Shopify-Webhook-Id": str(uuid.uuid4()),
        "X-Shopify-Triggered-At": _iso(now),
    }
    if secret:
        headers["X-Shopify-Hmac-Sha256"] = _base64_hmac(secret, body)
    return SignedSample(body=body, headers=headers, query={}, reference=order_id)


def _base64_hmac(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac_sha256(secret.encode("utf-8"), body)).decode("ascii")


BUILDERS: dict[str, Callable[[str, str, datetime], SignedSample]] = {
    Provider.SHOPIFY: _shopify,
    Provider.EASYPOST: _easypost,
    Provider.AFTERSHIP: _aftership,
    Provider.SHIPPO: _shippo,
}


def sample_event_build(*, brand: Brand, provider: str, now: datetime | None = None) -> SignedSample:
    """A sample call naming a test parcel, signed with the brand's current secret (unsigned if none)."""
    if provider not in BUILDERS:
        raise ValueError(f"unknown provider {provider!r}")
    accepted = brand_selectors.webhook_secrets_accepted(brand=brand, provider=provider)
    number = f"{SAMPLE_NUMBER_PREFIX}{secrets.token_hex(5).upper()}"
    return BUILDERS[provider](accepted[0] if accepted else "", number, now or timezone.now())


def sample_event_send(*, brand: Brand, provider: str) -> SampleOutcome:
    """Post a signed sample to the brand's real endpoint in-process; the real checks and processing run.

    The endpoint only stores the call; the merchant waits for the answer here, so the stored call
    is processed right away by what the ingest workers run (its task, sent at the commit, then
    finds it done), and the outcome says what processing made of it.
    """
    sample = sample_event_build(brand=brand, provider=provider)
    path = reverse(f"webhook-{provider}", kwargs={"brand_slug": brand.slug})
    before = (
        InboundWebhook.objects.filter(brand=brand, provider=provider)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )
    request = RequestFactory().post(
        path,
        data=sample.body,
        content_type="application/json",
        query_params=sample.query,
        headers={**sample.headers, "User-Agent": SAMPLE_USER_AGENT},
    )
    match = resolve(path)
    with transaction.atomic():
        response = match.func(request, *match.args, **match.kwargs)
        answer = json.loads(response.content)
        webhook_id = (
            InboundWebhook.objects.filter(brand=brand, provider=provider, id__gt=before)
            .filter(**{"headers__user-agent": SAMPLE_USER_AGENT})
            .order_by("id")
            .values_list("id", flat=True)
            .first()
        )
        processed = (
            webhooks.inbound_webhook_ingest(webhook_id=webhook_id)
            if webhook_id is not None and answer.get("result") == WebhookResult.RECEIVED
            else None
        )
    if processed is not None:
        return SampleOutcome(
            provider=provider,
            http_status=processed.http_status,
            result=processed.result,
            detail=processed.message,
            reference=sample.reference,
            webhook_id=webhook_id,
        )
    return SampleOutcome(
        provider=provider,
        http_status=response.status_code,
        result=str(answer.get("result", "")),
        detail=str(answer.get("detail", "")),
        reference=sample.reference,
        webhook_id=webhook_id,
    )
