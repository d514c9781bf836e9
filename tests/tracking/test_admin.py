"""Tracking in the admin: simulated scans, attention filters, brand scope."""

from datetime import UTC, datetime

from tracking import services
from tracking.models import Shipment
from tracking.statuses import ShipmentStatus as S


def test_simulated_scan_moves_a_shipment_on(admin_client, settings, shipment):
    settings.DEBUG = True  # a demo tool: see tests/admin/test_simulate_scan.py for who may use it
    response = admin_client.post(
        "/admin/tracking/shipment/",
        {"action": "simulate_scan", "_selected_action": [shipment.id], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == S.INFO_RECEIVED
    assert shipment.events.get().source == "simulation"


def test_late_filter_and_event_timeline(admin_client, shipment):
    Shipment.objects.filter(id=shipment.id).update(late_since=datetime(2026, 11, 5, tzinfo=UTC))
    listing = admin_client.get("/admin/tracking/shipment/?attention=late")
    assert shipment.tracking_number in listing.content.decode()
    assert (
        shipment.tracking_number
        not in admin_client.get("/admin/tracking/shipment/?attention=stuck").content.decode()
    )
    assert admin_client.get(f"/admin/tracking/shipment/{shipment.id}/change/").status_code == 200


def test_staff_of_another_brand_sees_no_shipment(client, staff_of, other_brand, shipment):
    client.force_login(staff_of(other_brand, "owner"))
    assert shipment.tracking_number not in client.get("/admin/tracking/shipment/").content.decode()
    response = client.post(
        "/admin/tracking/shipment/",
        {"action": "simulate_scan", "_selected_action": [shipment.id]},
        follow=True,
    )
    assert response.status_code == 200
    shipment.refresh_from_db()
    assert shipment.status == S.PENDING


def test_staff_of_the_brand_sees_it(client, staff_of, brand, shipment):
    client.force_login(staff_of(brand, "support_agent"))
    assert shipment.tracking_number in client.get("/admin/tracking/shipment/").content.decode()


def test_flag_hook_free_simulation_ends_when_delivered(shipment):
    from tracking.simulation import shipment_simulate_scan

    for _ in range(6):
        shipment_simulate_scan(shipment_id=shipment.id)
    shipment.refresh_from_db()
    assert shipment.status == S.DELIVERED
    assert shipment_simulate_scan(shipment_id=shipment.id) is None
    assert services.shipments_flag_late_and_stuck() == {"late": 0, "stuck": 0}
