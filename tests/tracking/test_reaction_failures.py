"""A failing reaction of another app never rejects a verified carrier call: the event stands, the
failure is a row, and the reaction is retried on its own with backoff."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from brands.services import webhook_secret_set
from tests.tracking.payloads import load_json
from tests.tracking.senders import post_webhook
from tracking import hooks, services, tasks
from tracking.models import InboundWebhook, ReactionFailure, TrackingEvent, TrackingPageView
from tracking.statuses import ShipmentStatus as S

SECRET = "ep-reactions-secret"
NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
NAME = "tests.tracking.test_reaction_failures.flaky_reaction"

# What the registered reactions saw, and whether the flaky one is broken right now.
heard: list[hooks.ShipmentStatusChanged] = []
broken = {"status": True}


def flaky_reaction(change: hooks.ShipmentStatusChanged) -> None:
    """A reaction that writes a row, then fails like a bug in another app would."""
    services.page_view_record(order_id=change.order_id, day=date(2026, 11, 10))
    if broken["status"]:
        raise KeyError("phone")
    heard.append(change)


def later_reaction(change: hooks.ShipmentStatusChanged) -> None:
    heard.append(change)


def flaky_flag_reaction(flag: hooks.ShipmentFlagged) -> None:
    raise ValueError("no template for late")


@pytest.fixture
def reactions():
    heard.clear()
    broken["status"] = True
    hooks.on_status_changed(flaky_reaction)
    hooks.on_status_changed(later_reaction)
    hooks.on_flagged(flaky_flag_reaction)
    yield
    hooks.STATUS_CHANGED_HOOKS.remove(flaky_reaction)
    hooks.STATUS_CHANGED_HOOKS.remove(later_reaction)
    hooks.FLAGGED_HOOKS.remove(flaky_flag_reaction)


@pytest.fixture
def ups_shipment(brand, order):
    webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", carrier_name="UPS", tracking_number="1Z4F82E30391846127"
    )
    return shipment


def send(client, brand):
    return post_webhook(
        client, brand, "easypost", load_json("easypost", "tracker_updated_in_transit"), secret=SECRET
    )


def test_the_event_stands_and_the_failure_is_recorded(client, brand, ups_shipment, reactions):
    with time_machine.travel(NOW, tick=False):
        response = send(client, brand)

    assert response.status_code == 202, response.content
    ups_shipment.refresh_from_db()
    assert ups_shipment.status == S.IN_TRANSIT
    assert TrackingEvent.objects.filter(shipment=ups_shipment).count() == 3
    assert InboundWebhook.objects.get().result == "processed"
    failure = ReactionFailure.objects.get()
    assert (failure.reaction, failure.kind, failure.shipment_id) == (NAME, "status_changed", ups_shipment.id)
    assert failure.error == "KeyError: 'phone'"
    assert (failure.attempts, failure.next_attempt_at) == (1, NOW + timedelta(minutes=1))
    assert failure.payload["new_status"] == S.IN_TRANSIT
    # Its own savepoint: what the failing reaction wrote is gone; the next reaction still ran.
    assert not TrackingPageView.objects.exists()
    assert [change.new_status for change in heard] == [S.IN_TRANSIT]


def test_retried_with_backoff_until_it_succeeds(client, brand, ups_shipment, reactions):
    with time_machine.travel(NOW, tick=False):
        send(client, brand)
    heard.clear()

    with time_machine.travel(NOW + timedelta(seconds=30), tick=False):
        assert tasks.retry_failed_reactions() == {"resolved": 0, "failing": 0}  # not due yet
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        assert tasks.retry_failed_reactions() == {"resolved": 0, "failing": 1}
    failure = ReactionFailure.objects.get()
    assert (failure.attempts, failure.next_attempt_at) == (2, NOW + timedelta(minutes=3))

    broken["status"] = False
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        assert tasks.retry_failed_reactions() == {"resolved": 1, "failing": 0}
        assert tasks.retry_failed_reactions() == {"resolved": 0, "failing": 0}  # once only
    failure.refresh_from_db()
    assert failure.resolved_at == NOW + timedelta(minutes=3)
    assert [(c.shipment_id, c.old_status, c.new_status) for c in heard] == [
        (ups_shipment.id, S.PENDING, S.IN_TRANSIT)
    ]
    assert heard[0].occurred_at == datetime(2026, 11, 3, 5, 12, tzinfo=UTC)
    assert TrackingPageView.objects.get().views == 1


def test_gives_up_after_the_last_attempt(client, brand, ups_shipment, reactions):
    with time_machine.travel(NOW, tick=False):
        send(client, brand)
    moment = NOW
    for _ in range(services.REACTION_MAX_ATTEMPTS - 1):
        moment = ReactionFailure.objects.get().next_attempt_at
        with time_machine.travel(moment, tick=False):
            tasks.retry_failed_reactions()
    failure = ReactionFailure.objects.get()
    assert (failure.attempts, failure.next_attempt_at, failure.resolved_at) == (
        services.REACTION_MAX_ATTEMPTS,
        None,
        None,
    )
    with time_machine.travel(moment + timedelta(days=1), tick=False):
        assert tasks.retry_failed_reactions() == {"resolved": 0, "failing": 0}


def test_a_failing_flag_reaction_keeps_the_flag(brand, ups_shipment, reactions):
    services.shipment_apply_update(
        shipment_id=ups_shipment.id,
        update=services.TrackingUpdate(
            tracking_number=ups_shipment.tracking_number,
            carrier_code="ups",
            estimated_delivery=date(2026, 11, 5),
            events=(services.CarrierEvent(status=S.IN_TRANSIT, occurred_at=NOW - timedelta(days=6)),),
        ),
        source="test",
    )
    assert services.shipments_flag_late_and_stuck(now=NOW) == {"late": 1, "stuck": 1}
    ups_shipment.refresh_from_db()
    assert (ups_shipment.late_since, ups_shipment.stuck_since) == (NOW, NOW)
    failures = ReactionFailure.objects.filter(kind="flagged")
    assert {(f.payload["reason"], f.error) for f in failures} == {
        ("late", "ValueError: no template for late"),
        ("stuck", "ValueError: no template for late"),
    }


def test_failures_are_listed_in_the_admin(admin_client, client, brand, ups_shipment, reactions):
    with time_machine.travel(NOW, tick=False):
        send(client, brand)
    failure = ReactionFailure.objects.get()
    listing = admin_client.get("/admin/tracking/reactionfailure/")
    assert listing.status_code == 200
    assert NAME in listing.content.decode()
    assert admin_client.get(f"/admin/tracking/reactionfailure/{failure.id}/change/").status_code == 200
