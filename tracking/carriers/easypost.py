"""EasyPost tracker webhooks.

EasyPost posts an Event, `{"object": "Event", "description": "tracker.updated", "result": {Tracker}}`,
signed in `X-Hmac-Signature: hmac-sha256-hex=<hex HMAC-SHA256 of the raw body>`, keyed with the
webhook secret normalized to Unicode NFKD and encoded as UTF-8 (as EasyPost's client libraries do).
A Tracker carries its current `status`/`status_detail` and every scan in `tracking_details`.
"""

import unicodedata
from collections.abc import Mapping
from typing import Any, Final

from tracking.carriers import fields
from tracking.carriers.base import (
    CarrierEvent,
    PayloadError,
    StatusTable,
    TrackingUpdate,
    carrier_slug,
    resolve_status,
)
from tracking.carriers.signatures import header, hmac_sha256, matches_hex
from tracking.statuses import ShipmentStatus

SIGNATURE_HEADER: Final[str] = "X-Hmac-Signature"
SIGNATURE_PREFIX: Final[str] = "hmac-sha256-hex="
TRACKER_EVENTS: Final[frozenset[str]] = frozenset({"tracker.created", "tracker.updated"})

# Tracker.status and TrackingDetail.status: every value EasyPost documents.
STATUS_BY_EASYPOST: Final[Mapping[str, ShipmentStatus]] = {
    "unknown": ShipmentStatus.PENDING,  # the carrier has nothing on the number yet
    "pre_transit": ShipmentStatus.INFO_RECEIVED,
    "in_transit": ShipmentStatus.IN_TRANSIT,
    "out_for_delivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "delivered": ShipmentStatus.DELIVERED,
    "available_for_pickup": ShipmentStatus.AVAILABLE_FOR_PICKUP,
    "return_to_sender": ShipmentStatus.RETURNED_TO_SENDER,
    "failure": ShipmentStatus.EXCEPTION,
    "cancelled": ShipmentStatus.EXCEPTION,  # the label was voided: the parcel is not coming
    "error": ShipmentStatus.EXCEPTION,  # the carrier could not be tracked: someone should look
}

# status_detail values that change what the status means. The rest (arrived_at_facility,
# departed_facility, label_created, status_update, ...) only describe the scan: the status stands.
STATUS_BY_EASYPOST_DETAIL: Final[Mapping[str, ShipmentStatus]] = {
    "delivery_attempted": ShipmentStatus.FAILED_ATTEMPT,
    "not_home": ShipmentStatus.FAILED_ATTEMPT,
    "arrived_at_pickup_location": ShipmentStatus.AVAILABLE_FOR_PICKUP,
    "out_for_delivery": ShipmentStatus.OUT_FOR_DELIVERY,
    "return": ShipmentStatus.RETURNED_TO_SENDER,
    "return_to_sender": ShipmentStatus.RETURNED_TO_SENDER,
    "expired": ShipmentStatus.EXPIRED,
    "address_correction": ShipmentStatus.EXCEPTION,  # the shopper may need to confirm the address
    "awaiting_information": ShipmentStatus.EXCEPTION,
    "cancelled": ShipmentStatus.EXCEPTION,
    "damaged": ShipmentStatus.EXCEPTION,
    "delayed": ShipmentStatus.EXCEPTION,
    "delivery_exception": ShipmentStatus.EXCEPTION,
    "failure": ShipmentStatus.EXCEPTION,
    "held": ShipmentStatus.EXCEPTION,
    "lost": ShipmentStatus.EXCEPTION,
    "missorted": ShipmentStatus.EXCEPTION,
    "refused": ShipmentStatus.EXCEPTION,
    "transit_exception": ShipmentStatus.EXCEPTION,
    "weather_delay": ShipmentStatus.EXCEPTION,
}

# Documented status_detail values that leave the status as it is (listed so tests cover them all).
EASYPOST_INFORMATIONAL_DETAILS: Final[frozenset[str]] = frozenset(
    {
        "arrived_at_destination",
        "arrived_at_facility",
        "departed_facility",
        "departed_origin_facility",
        "in_transit",
        "label_created",
        "received_at_destination_facility",
        "received_at_origin_facility",
        "status_update",
        "transferred_to_destination_carrier",
        "unknown",
    }
)

_BY_STATUS = StatusTable(STATUS_BY_EASYPOST)
_BY_DETAIL = StatusTable(STATUS_BY_EASYPOST_DETAIL)


def signing_key(secret: str) -> bytes:
    """The HMAC key EasyPost signs with: the secret in NFKD form, UTF-8."""
    return unicodedata.normalize("NFKD", secret).encode("utf-8")


def signature(*, secret: str, body: bytes) -> str:
    """The X-Hmac-Signature value EasyPost sends for this body."""
    return SIGNATURE_PREFIX + hmac_sha256(signing_key(secret), body).hex()


def verify_signature(*, secret: str, body: bytes, headers: Mapping[str, str]) -> bool:
    """True only if X-Hmac-Signature is this body's HMAC under the secret; constant-time."""
    presented = header(headers, SIGNATURE_HEADER)
    if not secret or presented is None:
        return False
    presented = presented.strip()
    if not presented.lower().startswith(SIGNATURE_PREFIX):
        return False
    return matches_hex(hmac_sha256(signing_key(secret), body), presented[len(SIGNATURE_PREFIX) :])


def status_of(status: str, detail: str = "") -> ShipmentStatus:
    """The normalized status of an EasyPost status and status_detail; unknown values → safe status."""
    return resolve_status(status=status, detail=detail, by_status=_BY_STATUS, by_detail=_BY_DETAIL)


def parse_webhook(payload: Mapping[str, Any]) -> TrackingUpdate | None:
    """A tracker Event as a TrackingUpdate; None for the events we do not use (batches, refunds...)."""
    event = fields.mapping(payload, "The EasyPost event")
    description = fields.text(event.get("description")).lower()
    if not description:
        if fields.text(event.get("object")) == "Tracker":
            return parse_tracker(event)  # a bare Tracker, as the API returns it
        raise PayloadError("Not an EasyPost Event: no description.")
    if description not in TRACKER_EVENTS:
        return None
    return parse_tracker(fields.mapping(event.get("result"), "The event's result (the Tracker)"))


def parse_tracker(raw: Mapping[str, Any]) -> TrackingUpdate:
    """An EasyPost Tracker: current status, every scan oldest first, the delivery estimate."""
    tracker = fields.mapping(raw, "The Tracker")
    tracking_number = fields.required_text(tracker.get("tracking_code"), "The Tracker's tracking_code")
    carrier = fields.text(tracker.get("carrier"))
    status = fields.text(tracker.get("status"))
    detail = fields.text(tracker.get("status_detail"))
    events = [_event(scan) for scan in fields.mappings(tracker.get("tracking_details"), "tracking_details")]
    return TrackingUpdate(
        tracking_number=tracking_number,
        carrier_code=carrier_slug(carrier) or "other",
        carrier_name=carrier,
        status=status_of(status, detail) if status else None,
        status_detail=detail,
        estimated_delivery=fields.calendar_date(tracker.get("est_delivery_date")),
        carrier_tracking_url=fields.text(tracker.get("public_url")),
        events=tuple(sorted(events, key=lambda event: event.occurred_at)),
        external_id=fields.text(tracker.get("id")),
    )


def _event(scan: Mapping[str, Any]) -> CarrierEvent:
    status = fields.text(scan.get("status"))
    detail = fields.text(scan.get("status_detail"))
    where = scan.get("tracking_location")
    location = where if isinstance(where, Mapping) else {}
    return CarrierEvent(
        status=status_of(status, detail),
        occurred_at=fields.timestamp(scan.get("datetime"), "A tracking detail's datetime"),
        raw_status=status,
        detail=detail,
        message=fields.text(scan.get("message")) or fields.text(scan.get("description")),
        location=fields.place(
            city=location.get("city"), state=location.get("state"), country=location.get("country")
        ),
    )
