"""What every provider adapter produces: carrier-neutral, frozen, free of Django models."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from tracking.statuses import ShipmentStatus


class PayloadError(ValueError):
    """The body is not a payload this adapter understands (wrong shape, missing fields)."""


@dataclass(frozen=True)
class CarrierEvent:
    status: ShipmentStatus
    occurred_at: datetime  # aware
    raw_status: str = ""
    detail: str = ""  # the provider's sub-status, e.g. "arrived_at_facility" or "InTransit_003"
    message: str = ""  # the carrier's own words for the scan
    location: str = ""


@dataclass(frozen=True)
class TrackingUpdate:
    """One provider notification about one parcel: who carries it, its checkpoints, its EDD."""

    tracking_number: str
    carrier_code: str  # lower-case slug, e.g. "ups", "fedex", "usps"
    carrier_name: str = ""
    status: ShipmentStatus | None = None  # the provider's current status, when it states one
    status_detail: str = ""
    estimated_delivery: date | None = None
    carrier_tracking_url: str = ""
    events: tuple[CarrierEvent, ...] = field(default_factory=tuple)
    external_id: str = ""  # the provider's id for the tracker, e.g. "trk_…"


def carrier_slug(name: str) -> str:
    """'FedEx' → 'fedex', 'Royal Mail' → 'royal-mail', 'UPS ' → 'ups'."""
    return "-".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


# What an unrecognized provider status becomes: the carrier reported a scan we cannot read, so the
# parcel is with the carrier. Neither alarming (no "delivery problem" message) nor final; the raw
# value stays in CarrierEvent.raw_status / detail for the operator.
SAFE_FALLBACK_STATUS = ShipmentStatus.IN_TRANSIT

# A sub-status refines its status, except when the status is already final: "delivered" with a
# "damaged" detail is still delivered, "return_to_sender" with "refused" is still returned.
_FINAL = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED_TO_SENDER, ShipmentStatus.EXPIRED})


def status_key(raw: str) -> str:
    """'InTransit', 'in_transit', ' IN-TRANSIT ' → 'intransit': providers are not consistent about case."""
    return "".join(ch for ch in raw.lower() if ch.isalnum())


class StatusTable:
    """A provider's mapping table looked up by status_key, so spelling variants still match."""

    def __init__(self, table: Mapping[str, ShipmentStatus]) -> None:
        self._by_key = {status_key(raw): status for raw, status in table.items()}

    def get(self, raw: str) -> ShipmentStatus | None:
        return self._by_key.get(status_key(raw)) if raw else None


def resolve_status(
    *, status: str, detail: str, by_status: StatusTable, by_detail: StatusTable
) -> ShipmentStatus:
    """The normalized status of a (status, sub-status) pair; never raises, unknown → the safe status."""
    base = by_status.get(status)
    if base is not None and base in _FINAL:
        return base
    return by_detail.get(detail) or base or SAFE_FALLBACK_STATUS
