"""Our own delivery estimate, from a brand's delivered history on one lane (carrier and country).

The estimate of a parcel the carrier gives no date for is the median transit time, in whole days,
of the brand's latest `EDD_HISTORY_SIZE` delivered parcels of the same carrier to the same shipping
country, widened to the middle half when the spread is real. Those samples are kept per lane in a
`DeliveryLane` row, folded in by the transaction that delivers a parcel (the lane row is locked, so
concurrent deliveries on one lane queue for a moment and none is lost), so a scan reads its
estimate from one indexed row instead of sorting the brand's delivered parcels.
`delivery_lanes_rebuild` recomputes the rows from the shipments (for existing data and after data
fixes); it gives the same rows as folding every delivery in turn.
"""

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from django.db import transaction
from django.db.models import F, OuterRef, Subquery

from tracking.models import DeliveryLane, Direction, Shipment

# Our own estimate needs this many delivered parcels of the same carrier and country.
EDD_MIN_SAMPLES: Final = 5
EDD_HISTORY_SIZE: Final = 200
_EPOCH: Final = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND: Final = timedelta(microseconds=1)

# [delivered at in microseconds since the epoch, shipment id, transit days]: newest first.
Sample = tuple[int, int, int]


@dataclass(frozen=True)
class LaneKey:
    brand_id: int
    carrier_code: str
    country: str


@dataclass(frozen=True)
class RebuildResult:
    lanes: int
    written: int
    removed: int


def transit_days(*, shipped_at: datetime, delivered_at: datetime) -> int:
    """Whole days from shipped to delivered, counted on UTC dates, as the database gives them."""
    return max(0, (delivered_at.astimezone(UTC).date() - shipped_at.astimezone(UTC).date()).days)


def _sample(*, shipment_id: int, shipped_at: datetime, delivered_at: datetime) -> Sample:
    return (
        (delivered_at - _EPOCH) // _MICROSECOND,
        shipment_id,
        transit_days(shipped_at=shipped_at, delivered_at=delivered_at),
    )


def estimate_offsets(history: Sequence[int]) -> tuple[int, int] | None:
    """Median transit days, widened to the middle half when the spread is real; as days after shipping.

    None when there is too little history: no estimate beats a wrong one.
    """
    if len(history) < EDD_MIN_SAMPLES:
        return None
    ordered = sorted(history)
    quartiles = statistics.quantiles(ordered, n=4, method="inclusive")
    low, high = round(quartiles[0]), round(quartiles[2])
    median = round(statistics.median(ordered))
    if high - low <= 1:
        return median, median
    return low, high


def estimate_window(*, shipped_on: date, history: Sequence[int]) -> tuple[date, date] | None:
    """The estimate as dates for a parcel shipped on `shipped_on`; None with too little history."""
    offsets = estimate_offsets(history)
    if offsets is None:
        return None
    return shipped_on + timedelta(days=offsets[0]), shipped_on + timedelta(days=offsets[1])


def window_from_offsets(
    *, shipped_at: datetime, first_days: int | None, last_days: int | None
) -> tuple[date, date | None] | None:
    """(estimated delivery, end of the window or None when it is one day) from a lane's offsets."""
    if first_days is None or last_days is None:
        return None
    shipped_on = shipped_at.astimezone(UTC).date()
    first = shipped_on + timedelta(days=first_days)
    last = shipped_on + timedelta(days=last_days)
    return first, (last if last != first else None)


def _history(key: LaneKey) -> Iterable[tuple[int, datetime | None, datetime | None]]:
    return (
        Shipment.objects.filter(
            brand_id=key.brand_id,
            carrier_code=key.carrier_code,
            order__shipping_country=key.country,
            direction=Direction.OUTBOUND,
            delivered_at__isnull=False,
            shipped_at__isnull=False,
        )
        .order_by("-delivered_at", "-id")
        .values_list("id", "shipped_at", "delivered_at")[:EDD_HISTORY_SIZE]
    )


def lane_samples_from_history(key: LaneKey) -> list[Sample]:
    """The lane's samples read from the shipments themselves (the slow, authoritative way)."""
    return [
        _sample(shipment_id=shipment_id, shipped_at=shipped_at, delivered_at=delivered_at)
        for shipment_id, shipped_at, delivered_at in _history(key)
        if shipped_at and delivered_at  # always, by the filter; said again for the type checker
    ]


def transit_days_history(*, brand_id: int, carrier_code: str, country: str) -> list[int]:
    """Transit days of the lane's latest delivered parcels, read from the shipments (for checks)."""
    key = LaneKey(brand_id=brand_id, carrier_code=carrier_code, country=country)
    return [days for _, _, days in lane_samples_from_history(key)]


def lane_fields(samples: Sequence[Sample]) -> dict[str, object]:
    """A lane row's stored values for its samples (newest first)."""
    offsets = estimate_offsets([days for _, _, days in samples])
    first, last = offsets if offsets else (None, None)
    return {"samples": [list(sample) for sample in samples], "first_days": first, "last_days": last}


def lanes_from_rows(
    rows: Iterable[tuple[int, str, str, int, datetime, datetime]],
) -> dict[LaneKey, list[Sample]]:
    """Group delivered parcels (brand, carrier, country, id, shipped at, delivered at) into lanes."""
    lanes: dict[LaneKey, list[Sample]] = {}
    for brand_id, carrier_code, country, shipment_id, shipped_at, delivered_at in rows:
        lanes.setdefault(LaneKey(brand_id, carrier_code, country), []).append(
            _sample(shipment_id=shipment_id, shipped_at=shipped_at, delivered_at=delivered_at)
        )
    return {key: sorted(samples, reverse=True)[:EDD_HISTORY_SIZE] for key, samples in lanes.items()}


def lane_offsets(*, brand_id: int, carrier_code: str, country: str) -> tuple[int | None, int | None]:
    """The lane's estimate window in days after shipping: one indexed single-row read."""
    row = (
        DeliveryLane.objects.filter(brand_id=brand_id, carrier_code=carrier_code, country=country)
        .values_list("first_days", "last_days")
        .first()
    )
    return row if row is not None else (None, None)


def lane_offsets_subquery(field: str) -> Subquery:
    """The lane's `first_days` or `last_days` for the shipment of the outer query (read with it)."""
    return Subquery(
        DeliveryLane.objects.filter(
            brand_id=OuterRef("brand_id"),
            carrier_code=OuterRef("carrier_code"),
            country=OuterRef("order__shipping_country"),
        ).values(field)[:1]
    )


def _locked_lane(key: LaneKey) -> DeliveryLane:
    lanes = DeliveryLane.objects.select_for_update().filter(
        brand_id=key.brand_id, carrier_code=key.carrier_code, country=key.country
    )
    found = list(lanes)  # one row at most (unique); no ORDER BY, so the lookup stays on that index
    lane = found[0] if found else None
    if lane is None:
        # Two first deliveries on a new lane at once: one row wins, both then lock it.
        DeliveryLane.objects.bulk_create(
            [DeliveryLane(brand_id=key.brand_id, carrier_code=key.carrier_code, country=key.country)],
            ignore_conflicts=True,
        )
        lane = lanes.get()
    return lane


def _store(lane: DeliveryLane, samples: list[Sample]) -> bool:
    """Write the samples and the window they give; False when the row already held them."""
    fields = lane_fields(samples)
    if lane.pk and all(getattr(lane, name) == value for name, value in fields.items()):
        return False
    for name, value in fields.items():
        setattr(lane, name, value)
    lane.save(update_fields=[*fields, "updated_at"])
    return True


def delivery_lane_fold(
    *,
    key: LaneKey,
    shipment_id: int,
    before: tuple[datetime, datetime] | None,
    after: tuple[datetime, datetime] | None,
) -> None:
    """Fold one parcel's change of (shipped at, delivered at) into its lane; call it inside the
    transaction that saved the shipment.

    A new delivery enters the window when it is among the newest; a parcel that is no longer
    delivered, or delivered at another time, leaves it. When that empties a place in a full window,
    the parcel that comes back into it is older than anything kept, so the lane is read again from the
    shipments (rare: a delivery scan corrected by the carrier).
    """
    if before == after:
        return
    lane = _locked_lane(key)
    held: list[Sample] = [(int(at), int(sid), int(days)) for at, sid, days in lane.samples]
    kept = [sample for sample in held if sample[1] != shipment_id]
    if len(kept) != len(held) and len(held) >= EDD_HISTORY_SIZE:
        _store(lane, lane_samples_from_history(key))
        return
    if after is not None:
        kept.append(_sample(shipment_id=shipment_id, shipped_at=after[0], delivered_at=after[1]))
        kept.sort(reverse=True)
    _store(lane, kept[:EDD_HISTORY_SIZE])


def delivery_lanes_rebuild(*, brand_id: int | None = None) -> RebuildResult:
    """Recompute every lane (of one brand, or all) from the delivered shipments. Idempotent.

    Lane by lane, each in its own transaction: the lane row is locked before its history is read, so
    a delivery committing meanwhile is either seen by the read or folded in after it, never lost.
    """
    delivered = Shipment.objects.filter(
        direction=Direction.OUTBOUND, delivered_at__isnull=False, shipped_at__isnull=False
    )
    lanes = DeliveryLane.objects.all()
    if brand_id is not None:
        delivered = delivered.filter(brand_id=brand_id)
        lanes = lanes.filter(brand_id=brand_id)
    keys = {
        LaneKey(*row)
        for row in delivered.order_by()  # no default ordering: DISTINCT over the lane alone
        .values_list("brand_id", "carrier_code", F("order__shipping_country"))
        .distinct()
    }
    stale = {LaneKey(*row) for row in lanes.values_list("brand_id", "carrier_code", "country")} - keys
    written = 0
    for key in sorted(keys, key=lambda k: (k.brand_id, k.carrier_code, k.country)):
        with transaction.atomic():
            lane = _locked_lane(key)
            written += _store(lane, lane_samples_from_history(key))
    removed = 0
    for key in stale:
        with transaction.atomic():
            lane = _locked_lane(key)
            # Only when its history is really gone: a first delivery may have come in meanwhile.
            samples = lane_samples_from_history(key)
            if samples:
                written += _store(lane, samples)
            else:
                lane.delete()
                removed += 1
    return RebuildResult(lanes=len(keys), written=written, removed=removed)
