"""Our delivery estimate read from per-lane rows gives what reading the delivered history gave."""

import random
import statistics
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from django.core.management import call_command

from tests import factories
from tracking import delivery_estimates, services
from tracking.carriers.base import CarrierEvent, TrackingUpdate
from tracking.models import DeliveryLane, Direction, Shipment
from tracking.statuses import ShipmentStatus as S

BASE = datetime(2026, 9, 1, tzinfo=UTC)
WINDOW = 8  # a small window, so a few dozen parcels overflow it as 200 do in production


@pytest.fixture(autouse=True)
def _small_window(monkeypatch):
    monkeypatch.setattr(delivery_estimates, "EDD_HISTORY_SIZE", WINDOW)


def _old_history(*, brand_id, carrier_code, country, size=WINDOW):
    """The computation every scan used to run, word for word (with the window size of the test)."""
    rows = (
        Shipment.objects.filter(
            brand_id=brand_id,
            carrier_code=carrier_code,
            order__shipping_country=country,
            direction=Direction.OUTBOUND,
            delivered_at__isnull=False,
            shipped_at__isnull=False,
        )
        .order_by("-delivered_at")
        .values_list("shipped_at", "delivered_at")[:size]
    )
    return [
        max(0, (delivered.date() - shipped.date()).days)
        for shipped, delivered in rows
        if shipped and delivered
    ]


def _old_window(*, shipped_on, history):
    """The old estimate_window, word for word."""
    if len(history) < 5:
        return None
    ordered = sorted(history)
    quartiles = statistics.quantiles(ordered, n=4, method="inclusive")
    low, high = round(quartiles[0]), round(quartiles[2])
    median = round(statistics.median(ordered))
    if high - low <= 1:
        return shipped_on + timedelta(days=median), shipped_on + timedelta(days=median)
    return shipped_on + timedelta(days=low), shipped_on + timedelta(days=high)


def _parcel(brand, *, carrier="dpd", country="RO"):
    order = factories.OrderFactory(brand=brand, shipping_country=country)
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code=carrier, tracking_number=f"L{order.id}"
    )
    return shipment


def _scan(shipment, *events):
    return services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate(
            tracking_number=shipment.tracking_number, carrier_code=shipment.carrier_code, events=events
        ),
        source="test",
    )


def _event(status, at, note=""):
    return CarrierEvent(status=status, occurred_at=at, raw_status=str(status), message=note or str(status))


def _lanes():
    return {
        (lane.brand_id, lane.carrier_code, lane.country): (lane.samples, lane.first_days, lane.last_days)
        for lane in DeliveryLane.objects.all()
    }


@pytest.fixture
def generated(brand, other_brand, monkeypatch):
    """Parcels on four lanes of two brands, delivered out of order, some in other time zones, some
    delivered then taken back by a later scan, some with an earlier delivery scan arriving late."""
    rereads = []
    read = delivery_estimates.lane_samples_from_history
    monkeypatch.setattr(
        delivery_estimates, "lane_samples_from_history", lambda key: rereads.append(key) or read(key)
    )
    rng = random.Random(15)
    lanes = [(brand, "dpd", "RO"), (brand, "dpd", "PL"), (brand, "gls", "RO"), (other_brand, "dpd", "RO")]
    plans = []
    for index in range(36):
        owner, carrier, country = lanes[0] if index < 16 else rng.choice(lanes)
        shipped = BASE + timedelta(days=rng.randint(0, 40), hours=rng.randint(0, 23), minutes=index)
        zone = timezone(timedelta(hours=rng.choice([0, 3, -5])))
        delivered = shipped + timedelta(
            days=rng.randint(0, 9), hours=rng.randint(0, 23), minutes=rng.randint(0, 59)
        )
        plans.append(
            (_parcel(owner, carrier=carrier, country=country), shipped, delivered, zone, rng.random())
        )
    rng.shuffle(plans)  # deliveries come in another order than their dates
    for shipment, shipped, delivered, zone, fate in plans:
        if fate < 0.1:
            _scan(shipment, _event(S.IN_TRANSIT, shipped.astimezone(zone)))
            continue  # still travelling
        if fate > 0.7:  # the whole journey in one call, as a carrier that reports late sends it
            _scan(
                shipment,
                _event(S.IN_TRANSIT, shipped.astimezone(zone)),
                _event(S.DELIVERED, delivered.astimezone(zone)),
            )
            continue
        _scan(shipment, _event(S.IN_TRANSIT, shipped.astimezone(zone)))
        _scan(shipment, _event(S.DELIVERED, delivered.astimezone(zone)))
        if fate < 0.25:
            # The carrier takes the delivery back (a later scan), then maybe delivers again.
            _scan(shipment, _event(S.EXCEPTION, delivered + timedelta(hours=2), "Wrong address"))
            if fate < 0.18:
                _scan(shipment, _event(S.DELIVERED, delivered + timedelta(days=1)))
        elif fate < 0.35:
            # An earlier delivery scan the carrier sent late: the parcel was delivered before.
            _scan(
                shipment,
                _event(S.DELIVERED, (delivered - timedelta(hours=20)).astimezone(zone), "At the neighbour"),
            )
    assert rereads  # a full window lost a parcel at least once: that lane was read again
    monkeypatch.setattr(delivery_estimates, "lane_samples_from_history", read)
    return lanes


def test_lanes_and_estimates_match_the_history_scan(generated):
    for owner, carrier, country in generated:
        lane = DeliveryLane.objects.get(brand=owner, carrier_code=carrier, country=country)
        old = _old_history(brand_id=owner.id, carrier_code=carrier, country=country)
        assert sorted(days for _, _, days in lane.samples) == sorted(old)
        assert len(lane.samples) == min(
            WINDOW,
            Shipment.objects.filter(
                brand=owner, carrier_code=carrier, order__shipping_country=country, delivered_at__isnull=False
            ).count(),
        )
        shipped_on = date(2026, 11, 2)
        first_last = delivery_estimates.window_from_offsets(
            shipped_at=datetime(2026, 11, 2, 23, tzinfo=UTC),
            first_days=lane.first_days,
            last_days=lane.last_days,
        )
        old_window = _old_window(shipped_on=shipped_on, history=old)
        got = (first_last[0], first_last[1] or first_last[0]) if first_last else None
        assert got == old_window
    big = DeliveryLane.objects.get(brand=generated[0][0], carrier_code="dpd", country="RO")
    assert len(big.samples) == WINDOW  # the window overflowed: only the newest deliveries count

    # And a parcel's scan gets the estimate the old computation gave.
    for owner, carrier, country in generated:
        shipment = _parcel(owner, carrier=carrier, country=country)
        shipped = datetime(2026, 11, 20, 22, 30, tzinfo=timezone(timedelta(hours=-5)))  # the 21st in UTC
        _scan(shipment, _event(S.IN_TRANSIT, shipped))
        shipment.refresh_from_db()
        old = _old_window(
            shipped_on=date(2026, 11, 21),
            history=_old_history(brand_id=owner.id, carrier_code=carrier, country=country),
        )
        got = (
            (shipment.estimated_delivery, shipment.estimated_delivery_latest or shipment.estimated_delivery)
            if shipment.estimated_delivery
            else None
        )
        assert got == old
        assert shipment.estimated_delivery_source == ("history" if old else "")


def test_rebuild_gives_the_rows_deliveries_built_and_is_idempotent(generated, capsys):
    folded = _lanes()
    assert delivery_estimates.delivery_lanes_rebuild().written == 0  # folding = rebuilding
    DeliveryLane.objects.all().delete()
    result = delivery_estimates.delivery_lanes_rebuild()
    assert (result.lanes, result.written, result.removed) == (4, 4, 0)
    assert _lanes() == folded
    again = delivery_estimates.delivery_lanes_rebuild()
    assert (again.written, again.removed) == (0, 0)
    assert _lanes() == folded

    # The command and the task do the same.
    from tracking.tasks import rebuild_delivery_lanes

    DeliveryLane.objects.all().delete()
    call_command("rebuild_delivery_lanes")
    assert "4 lanes" in capsys.readouterr().out
    assert _lanes() == folded
    DeliveryLane.objects.all().delete()
    rebuild_delivery_lanes.delay()
    assert _lanes() == folded


def test_rebuild_follows_a_data_fix_and_drops_emptied_lanes(brand, other_brand):
    shipped = datetime(2026, 10, 1, 9, tzinfo=UTC)
    parcels = [_parcel(brand, country="DE") for _ in range(6)]
    for index, shipment in enumerate(parcels):
        _scan(
            shipment,
            _event(S.IN_TRANSIT, shipped),
            _event(S.DELIVERED, shipped + timedelta(days=2 + index % 2)),
        )
    assert DeliveryLane.objects.get(country="DE").first_days == 2
    # A data fix outside the service: the parcels really took a week.
    Shipment.objects.filter(id__in=[p.id for p in parcels]).update(delivered_at=shipped + timedelta(days=7))
    assert (
        delivery_estimates.delivery_lanes_rebuild(brand_id=other_brand.id).written == 0
    )  # another brand's run
    assert delivery_estimates.delivery_lanes_rebuild(brand_id=brand.id).written == 1
    assert DeliveryLane.objects.get(country="DE").first_days == 7
    Shipment.objects.filter(id__in=[p.id for p in parcels]).update(delivered_at=None)
    assert delivery_estimates.delivery_lanes_rebuild().removed == 1
    assert not DeliveryLane.objects.exists()


def test_a_brand_never_gets_another_brands_history(brand, other_brand):
    shipped = datetime(2026, 10, 1, 9, tzinfo=UTC)
    for _ in range(6):
        theirs = _parcel(other_brand)
        _scan(theirs, _event(S.IN_TRANSIT, shipped), _event(S.DELIVERED, shipped + timedelta(days=2)))
    ours = _parcel(brand)
    _scan(ours, _event(S.IN_TRANSIT, shipped + timedelta(days=3)))
    ours.refresh_from_db()
    assert ours.estimated_delivery is None
    lane = DeliveryLane.objects.get(brand=other_brand)
    assert {shipment_id for _, shipment_id, _ in lane.samples} <= set(
        Shipment.objects.filter(brand=other_brand).values_list("id", flat=True)
    )
    assert not DeliveryLane.objects.filter(brand=brand).exists()
    delivery_estimates.delivery_lanes_rebuild()
    assert not DeliveryLane.objects.filter(brand=brand).exists()


def test_a_delivery_moves_the_estimate_of_the_next_scan(brand):
    shipped = datetime(2026, 10, 1, 9, tzinfo=UTC)
    for _ in range(5):
        parcel = _parcel(brand)
        _scan(parcel, _event(S.IN_TRANSIT, shipped), _event(S.DELIVERED, shipped + timedelta(days=3)))
    travelling = _parcel(brand)
    _scan(travelling, _event(S.IN_TRANSIT, datetime(2026, 11, 2, 8, tzinfo=UTC)))
    travelling.refresh_from_db()
    assert travelling.estimated_delivery == date(2026, 11, 5)
    for _ in range(5):
        parcel = _parcel(brand)
        _scan(parcel, _event(S.IN_TRANSIT, shipped), _event(S.DELIVERED, shipped + timedelta(days=8)))
    _scan(travelling, _event(S.IN_TRANSIT, datetime(2026, 11, 3, 8, tzinfo=UTC), "Hub"))
    travelling.refresh_from_db()
    assert (travelling.estimated_delivery, travelling.estimated_delivery_latest) == (
        date(2026, 11, 5),
        date(2026, 11, 10),
    )
