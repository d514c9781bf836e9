"""Shippo `track_updated` webhooks.

Shippo posts `{"event": "track_updated", "test": bool, "data": {Track}}`; a Track carries the
current `tracking_status` ({status, substatus {code, text, action_required}, status_details,
status_date, location}), the `tracking_history` of the same objects, and the `eta`.

Authentication. Shippo documents three options a merchant can combine: an IP allowlist, a
self-generated token appended to the webhook URL (`https://…/webhooks/shippo/<brand>/?token=…`,
echoed back on every POST), and HMAC — `Shippo-Auth-Signature: t=<unix time>,v1=<hex
HMAC-SHA256(secret, "<t>." + raw body)>`, which Shippo enables per account on request. The brand's
Shippo secret serves both: a call is authentic if its `token` query parameter equals the secret, or
if it carries a valid, fresh Shippo-Auth-Signature keyed with it. Both comparisons are
constant-time. The IP allowlist belongs to the network edge, not here.
"""

import time
from collections.abc import Mapping
from typing import Any, Final

from tracking.carriers import fields
from tracking.carriers.base import (
    CarrierEvent,
    StatusTable,
    TrackingUpdate,
    carrier_slug,
    resolve_status,
)
from tracking.carriers.signatures import header, hmac_sha256, matches_hex, same_secret
from tracking.statuses import ShipmentStatus

SIGNATURE_HEADER: Final[str] = "Shippo-Auth-Signature"
TOKEN_PARAMETER: Final[str] = "token"  # noqa: S105 - the query parameter's name, not a secret
# A signed call older (or newer) than this is refused: a captured request cannot be replayed later.
SIGNATURE_TOLERANCE_SECONDS: Final[int] = 300
TRACK_EVENTS: Final[frozenset[str]] = frozenset({"track_updated"})

# Track status: all six values Shippo documents.
STATUS_BY_SHIPPO: Final[Mapping[str, ShipmentStatus]] = {
    "UNKNOWN": ShipmentStatus.PENDING,  # the carrier has not scanned the parcel or has no record yet
    "PRE_TRANSIT": ShipmentStatus.INFO_RECEIVED,
    "TRANSIT": ShipmentStatus.IN_TRANSIT,
    "DELIVERED": ShipmentStatus.DELIVERED,
    "RETURNED": ShipmentStatus.RETURNED_TO_SENDER,
    "FAILURE": ShipmentStatus.EXCEPTION,
}

# substatus.code values whose meaning differs from their status's (TRANSIT covers attempts,
# pickups and delays). The others (package_accepted, package_arrived, ...) keep the status.
STATUS_BY_SHIPPO_SUBSTATUS: Final[Mapping[str, ShipmentStatus]] = {
    "information_received": ShipmentStatus.INFO_RECEIVED,
    "out_for_delivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "delivery_attempted": ShipmentStatus.FAILED_ATTEMPT,
    "notice_left": ShipmentStatus.FAILED_ATTEMPT,
    "location_inaccessible": ShipmentStatus.FAILED_ATTEMPT,
    "reschedule_delivery": ShipmentStatus.FAILED_ATTEMPT,  # the recipient must book a new delivery
    "pickup_available": ShipmentStatus.AVAILABLE_FOR_PICKUP,
    "address_issue": ShipmentStatus.EXCEPTION,
    "contact_carrier": ShipmentStatus.EXCEPTION,
    "delayed": ShipmentStatus.EXCEPTION,
    "package_damaged": ShipmentStatus.EXCEPTION,
    "package_held": ShipmentStatus.EXCEPTION,
    "package_undeliverable": ShipmentStatus.EXCEPTION,
    "package_disposed": ShipmentStatus.EXCEPTION,
    "package_lost": ShipmentStatus.EXCEPTION,
    "return_to_sender": ShipmentStatus.RETURNED_TO_SENDER,
    "package_unclaimed": ShipmentStatus.RETURNED_TO_SENDER,
    "delivered": ShipmentStatus.DELIVERED,
}

# Documented substatus codes that keep their status's meaning.
SHIPPO_SUBSTATUSES_OF_THEIR_STATUS: Final[frozenset[str]] = frozenset(
    {
        "delivery_rescheduled",
        "delivery_scheduled",
        "package_accepted",
        "package_arrived",
        "package_departed",
        "package_forwarded",
        "package_processed",
        "package_processing",
        "other",
    }
)

_BY_STATUS = StatusTable(STATUS_BY_SHIPPO)
_BY_SUBSTATUS = StatusTable(STATUS_BY_SHIPPO_SUBSTATUS)


def signature(*, secret: str, body: bytes, timestamp: int) -> str:
    """The Shippo-Auth-Signature value for this body at this Unix time."""
    digest = hmac_sha256(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body).hex()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    *,
    secret: str,
    body: bytes,
    headers: Mapping[str, str],
    query: Mapping[str, str] | None = None,
    now: float | None = None,
) -> bool:
    """True if the URL's token is the secret, or Shippo-Auth-Signature is valid and fresh; constant-time."""
    if not secret:
        return False
    token = (query or {}).get(TOKEN_PARAMETER)
    if isinstance(token, str) and same_secret(secret, token):
        return True
    return _valid_hmac(secret=secret, body=body, presented=header(headers, SIGNATURE_HEADER), now=now)


def _valid_hmac(*, secret: str, body: bytes, presented: str | None, now: float | None) -> bool:
    if not presented:
        return False
    parts: dict[str, list[str]] = {}
    for item in presented.split(","):
        key, sep, value = item.strip().partition("=")
        if sep:
            parts.setdefault(key.strip().lower(), []).append(value.strip())
    stamps, digests = parts.get("t", []), parts.get("v1", [])
    if len(stamps) != 1 or not digests or not stamps[0].isascii() or not stamps[0].isdigit():
        return False
    stamp = stamps[0]
    current = time.time() if now is None else now
    if abs(current - int(stamp)) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = hmac_sha256(secret.encode("utf-8"), stamp.encode("ascii") + b"." + body)
    # Several v1 values may be sent while Shippo rotates a secret: any one may match.
    return any(matches_hex(expected, digest) for digest in digests)


def status_of(status: str, substatus: str = "") -> ShipmentStatus:
    """The normalized status of a Shippo status and substatus code; unknown values → the safe status."""
    return resolve_status(status=status, detail=substatus, by_status=_BY_STATUS, by_detail=_BY_SUBSTATUS)


def parse_webhook(payload: Mapping[str, Any]) -> TrackingUpdate | None:
    """A track_updated webhook as a TrackingUpdate; None for transaction and batch events."""
    envelope = fields.mapping(payload, "The Shippo webhook")
    event = fields.text(envelope.get("event")).lower()
    if event and event not in TRACK_EVENTS:
        return None
    return parse_track(fields.mapping(envelope.get("data"), "The webhook's data (the Track)"))


def parse_track(raw: Mapping[str, Any]) -> TrackingUpdate:
    """A Shippo Track: current status, its history oldest first, the ETA."""
    track = fields.mapping(raw, "The Track")
    tracking_number = fields.required_text(track.get("tracking_number"), "The Track's tracking_number")
    carrier = fields.text(track.get("carrier"))
    current = track.get("tracking_status")
    current = fields.mapping(current, "tracking_status") if current is not None else {}
    status = fields.text(current.get("status"))
    substatus = _substatus_code(current.get("substatus"))
    history = [
        event
        for entry in fields.mappings(track.get("tracking_history"), "tracking_history")
        if (event := _event(entry)) is not None
    ]
    if not history and current:
        # Some carriers report only the current status: it is the one checkpoint we have.
        history = [event] if (event := _event(current)) is not None else []
    return TrackingUpdate(
        tracking_number=tracking_number,
        carrier_code=carrier_slug(carrier) or "other",
        carrier_name=carrier,
        status=status_of(status, substatus) if status else None,
        status_detail=substatus,
        estimated_delivery=fields.calendar_date(track.get("eta")),
        carrier_tracking_url=fields.text(track.get("tracking_url_provider")),
        events=tuple(sorted(history, key=lambda event: event.occurred_at)),
        external_id=fields.text(track.get("object_id")) or fields.text(track.get("transaction")),
    )


def _substatus_code(substatus: Any) -> str:
    if isinstance(substatus, Mapping):
        return fields.text(substatus.get("code"))
    return fields.text(substatus)  # some payloads flatten it to the code


def _event(entry: Mapping[str, Any]) -> CarrierEvent | None:
    # An UNKNOWN entry may have no date at all: nothing to place on a timeline, so it is skipped.
    # A date that is present but unreadable is still an error.
    occurred_at = fields.optional_timestamp(entry.get("status_date"), "A tracking status's status_date")
    if occurred_at is None:
        return None
    status = fields.text(entry.get("status"))
    substatus = entry.get("substatus")
    code = _substatus_code(substatus)
    where = entry.get("location")
    location = where if isinstance(where, Mapping) else {}
    message = fields.text(entry.get("status_details"))
    if not message and isinstance(substatus, Mapping):
        message = fields.text(substatus.get("text"))
    return CarrierEvent(
        status=status_of(status, code),
        occurred_at=occurred_at,
        raw_status=status,
        detail=code,
        message=message,
        location=fields.place(
            city=location.get("city"), state=location.get("state"), country=location.get("country")
        ),
    )
