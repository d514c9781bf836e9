"""AfterShip Tracking webhooks.

AfterShip posts `{"event": "tracking_update", "event_id": ..., "msg": {Tracking}, "ts": <unix>}`,
signed in `aftership-hmac-sha256: base64(HMAC-SHA256(webhook secret, raw body))`. A Tracking carries
a delivery status `tag` (InTransit, Delivered, ...), a finer `subtag` (InTransit_003, Exception_011,
...) and its `checkpoints`, each with its own tag and subtag.

Checkpoint times are the carrier's local time and sometimes come without an offset
("2021-01-14T00:52:00") or as a bare date: those are read as UTC — the one reading that does not
depend on the server — and may be off by the scan's UTC offset.
"""

import base64
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from tracking.carriers import fields
from tracking.carriers.base import (
    CarrierEvent,
    StatusTable,
    TrackingUpdate,
    carrier_slug,
    resolve_status,
)
from tracking.carriers.signatures import header, hmac_sha256, matches_base64
from tracking.statuses import ShipmentStatus

SIGNATURE_HEADER: Final[str] = "aftership-hmac-sha256"
TRACKING_EVENTS: Final[frozenset[str]] = frozenset({"tracking_update", "edd_revise"})

# Delivery statuses (tags): all nine AfterShip documents.
STATUS_BY_AFTERSHIP: Final[Mapping[str, ShipmentStatus]] = {
    "Pending": ShipmentStatus.PENDING,
    "InfoReceived": ShipmentStatus.INFO_RECEIVED,
    "InTransit": ShipmentStatus.IN_TRANSIT,
    "OutForDelivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "AttemptFail": ShipmentStatus.FAILED_ATTEMPT,
    "AvailableForPickup": ShipmentStatus.AVAILABLE_FOR_PICKUP,
    "Delivered": ShipmentStatus.DELIVERED,
    "Exception": ShipmentStatus.EXCEPTION,
    "Expired": ShipmentStatus.EXPIRED,
}

# Sub-statuses (subtags) whose meaning differs from their tag's: the parcel is going back.
STATUS_BY_AFTERSHIP_SUBTAG: Final[Mapping[str, ShipmentStatus]] = {
    "Exception_010": ShipmentStatus.RETURNED_TO_SENDER,  # returning to sender
    "Exception_011": ShipmentStatus.RETURNED_TO_SENDER,  # returned to sender
}

# Documented subtags that keep their tag's meaning (listed so the tests cover them row by row).
AFTERSHIP_SUBTAGS_OF_THEIR_TAG: Final[frozenset[str]] = frozenset(
    {
        "Pending_001",
        "InfoReceived_001",
        *(f"InTransit_{n:03}" for n in range(1, 10)),
        "OutForDelivery_001",
        "OutForDelivery_003",
        "OutForDelivery_004",
        "AttemptFail_001",
        "AttemptFail_002",
        "AttemptFail_003",
        "AvailableForPickup_001",
        *(f"Delivered_{n:03}" for n in range(1, 6)),
        *(f"Exception_{n:03}" for n in (*range(1, 10), *range(12, 19))),
        "Expired_001",
    }
)

_BY_TAG = StatusTable(STATUS_BY_AFTERSHIP)
_BY_SUBTAG = StatusTable(STATUS_BY_AFTERSHIP_SUBTAG)


def signature(*, secret: str, body: bytes) -> str:
    """The aftership-hmac-sha256 value AfterShip sends for this body."""
    return base64.b64encode(hmac_sha256(secret.encode("utf-8"), body)).decode("ascii")


def verify_signature(*, secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """True only if aftership-hmac-sha256 is this body's HMAC under the secret; constant-time."""
    if not secret:
        return False
    return matches_base64(hmac_sha256(secret.encode("utf-8"), body), header(headers, SIGNATURE_HEADER))


def status_of(tag: str, subtag: str = "") -> ShipmentStatus:
    """The normalized status of a tag and subtag; unknown values → the safe status."""
    return resolve_status(status=tag, detail=subtag, by_status=_BY_TAG, by_detail=_BY_SUBTAG)


def parse_webhook(payload: Mapping[str, Any]) -> TrackingUpdate | None:
    """A tracking_update (or edd_revise) as a TrackingUpdate; None for other events."""
    envelope = fields.mapping(payload, "The AfterShip webhook")
    event = fields.text(envelope.get("event")).lower()
    if event and event not in TRACKING_EVENTS:
        return None  # e.g. tracking_pending_time: nothing about the parcel itself
    return parse_tracking(fields.mapping(envelope.get("msg"), "The webhook's msg (the Tracking)"))


def parse_tracking(raw: Mapping[str, Any]) -> TrackingUpdate:
    """An AfterShip Tracking: current tag, every checkpoint oldest first, the delivery estimate."""
    tracking = fields.mapping(raw, "The Tracking")
    tracking_number = fields.required_text(tracking.get("tracking_number"), "The Tracking's tracking_number")
    slug = fields.text(tracking.get("slug"))
    tag = fields.text(tracking.get("tag"))
    subtag = fields.text(tracking.get("subtag"))
    checkpoints = [
        _event(checkpoint) for checkpoint in fields.mappings(tracking.get("checkpoints"), "checkpoints")
    ]
    return TrackingUpdate(
        tracking_number=tracking_number,
        carrier_code=carrier_slug(slug) or "other",
        carrier_name=fields.text(tracking.get("courier_name")) or slug,
        status=status_of(tag, subtag) if tag else None,
        status_detail=subtag,
        estimated_delivery=estimated_delivery(tracking),
        carrier_tracking_url=fields.text(tracking.get("courier_tracking_link"))
        or fields.text(tracking.get("courier_redirect_link")),
        events=tuple(sorted(checkpoints, key=lambda event: event.occurred_at)),
        external_id=fields.text(tracking.get("id")),
    )


def estimated_delivery(tracking: Mapping[str, Any]) -> date | None:
    """The best delivery date the Tracking states: the carrier's, then AfterShip's own estimates."""
    candidates = (
        _nested(tracking.get("courier_estimated_delivery_date"), "estimated_delivery_date"),
        tracking.get("expected_delivery"),
        _nested(tracking.get("latest_estimated_delivery"), "datetime"),
        _nested(tracking.get("aftership_estimated_delivery_date"), "estimated_delivery_date"),
        _nested(tracking.get("custom_estimated_delivery_date"), "datetime"),
    )
    for candidate in candidates:
        found = fields.calendar_date(candidate)
        if found is not None:
            return found
    return None


def _nested(value: Any, key: str) -> Any:
    return value.get(key) if isinstance(value, Mapping) else None


def _event(checkpoint: Mapping[str, Any]) -> CarrierEvent:
    tag = fields.text(checkpoint.get("tag"))
    subtag = fields.text(checkpoint.get("subtag"))
    return CarrierEvent(
        status=status_of(tag, subtag),
        occurred_at=fields.timestamp(checkpoint.get("checkpoint_time"), "A checkpoint's checkpoint_time"),
        raw_status=tag,
        detail=subtag,
        message=fields.text(checkpoint.get("message")) or fields.text(checkpoint.get("subtag_message")),
        location=fields.place(
            city=checkpoint.get("city"),
            state=checkpoint.get("state"),
            country=checkpoint.get("country_iso3") or checkpoint.get("country_region"),
            fallback=checkpoint.get("location"),
        ),
    )
