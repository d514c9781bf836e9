"""The demo's "simulate the next carrier scan": superusers of a demo deployment only, confirmed first."""

from typing import Any

import pytest
from django.core import mail

from brands.models import Role
from tracking import services
from tracking.models import TrackingEvent
from tracking.statuses import ShipmentStatus as S

CHANGELIST = "/admin/tracking/shipment/"


@pytest.fixture
def parcel(brand: Any, order: Any) -> Any:
    """A parcel one scan away from delivered: a simulated scan would message the shopper."""
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="dpd", carrier_name="DPD", tracking_number="DPD777"
    )
    from tracking.simulation import shipment_simulate_scan

    for _ in range(3):
        shipment_simulate_scan(shipment_id=shipment.id)
    shipment.refresh_from_db()
    assert shipment.status == S.OUT_FOR_DELIVERY
    mail.outbox.clear()
    return shipment


def offered_actions(client: Any) -> str:
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    return response.content.decode()


def forge(client: Any, shipment: Any, **extra: str) -> Any:
    return client.post(
        CHANGELIST, {"action": "simulate_scan", "_selected_action": [shipment.id], **extra}, follow=True
    )


def assert_untouched(shipment: Any, events_before: int) -> None:
    shipment.refresh_from_db()
    assert shipment.status == S.OUT_FOR_DELIVERY
    assert TrackingEvent.objects.filter(shipment=shipment).count() == events_before
    assert mail.outbox == []


@pytest.mark.parametrize("role", [Role.OWNER, Role.RETURNS_MANAGER, Role.SUPPORT_AGENT])
@pytest.mark.parametrize("debug", [False, True])
def test_no_brand_role_is_offered_or_can_force_a_simulated_scan(
    client, settings, staff_of, brand, parcel, role, debug
):
    settings.DEBUG = debug
    settings.DEMO_MODE = debug
    client.force_login(staff_of(brand, role))
    events = parcel.events.count()
    page = offered_actions(client)
    assert parcel.tracking_number in page  # they do see the shipment
    assert "simulate_scan" not in page
    for extra in ({}, {"post": "yes"}):
        response = forge(client, parcel, **extra)
        assert response.status_code == 200
        assert "Simulate the next carrier scan?" not in response.content.decode()
        assert_untouched(parcel, events)


def test_a_superuser_outside_demo_mode_is_not_offered_it(admin_client, settings, parcel):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    events = parcel.events.count()
    assert "simulate_scan" not in offered_actions(admin_client)
    response = forge(admin_client, parcel, post="yes")
    assert response.status_code == 200
    assert_untouched(parcel, events)


@pytest.mark.parametrize("switch", ["DEBUG", "DEMO_MODE"])
def test_a_superuser_in_demo_mode_confirms_then_the_scan_happens(
    admin_client, settings, parcel, switch, django_capture_on_commit_callbacks
):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    setattr(settings, switch, True)
    events = parcel.events.count()
    assert "simulate_scan" in offered_actions(admin_client)

    confirmation = admin_client.post(CHANGELIST, {"action": "simulate_scan", "_selected_action": [parcel.id]})
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert "Simulate the next carrier scan?" in page
    assert "DPD777" in page
    assert 'name="post" value="yes"' in page
    assert_untouched(parcel, events)  # asking changed nothing

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            CHANGELIST, {"action": "simulate_scan", "_selected_action": [parcel.id], "post": "yes"}
        )
    assert done.status_code == 302
    parcel.refresh_from_db()
    assert parcel.status == S.DELIVERED
    assert parcel.events.count() == events + 1
    assert parcel.events.order_by("-occurred_at").first().source == "simulation"
