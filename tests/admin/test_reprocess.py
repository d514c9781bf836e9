"""Re-processing stored webhooks changes shipments: it takes the change permission, in one's brand."""

import pytest

from brands.models import Role
from tests.admin.conftest import grant
from tracking.models import TrackingEvent

CHANGELIST = "/admin/tracking/inboundwebhook/"


def reprocess(client, *webhooks):
    return client.post(
        CHANGELIST, {"action": "reprocess", "_selected_action": [w.id for w in webhooks]}, follow=True
    )


@pytest.fixture
def lost_events(brand, order, stored_webhook):
    """A processed webhook whose events were lost: re-processing it would write them again."""
    record = stored_webhook(brand, order)
    assert TrackingEvent.objects.filter(shipment__brand=brand).exists()
    TrackingEvent.objects.filter(shipment__brand=brand).delete()
    return record


def test_an_owner_who_may_only_view_webhooks_cannot_reprocess(client, staff_of, brand, lost_events):
    owner = staff_of(brand, Role.OWNER)
    assert owner.has_perm("tracking.view_inboundwebhook")
    assert not owner.has_perm("tracking.change_inboundwebhook")
    client.force_login(owner)
    listing = client.get(CHANGELIST)
    assert listing.status_code == 200
    assert '"reprocess"' not in listing.content.decode()
    assert reprocess(client, lost_events).status_code == 200
    assert not TrackingEvent.objects.exists()


def test_staff_with_the_change_permission_reprocess_their_brands_webhooks_only(
    client, staff_of, brand, other_brand, order, lost_events, stored_webhook
):
    from tests import factories

    foreign_order = factories.OrderFactory(
        brand=other_brand, customer=factories.CustomerFactory(brand=other_brand)
    )
    foreign = stored_webhook(other_brand, foreign_order)
    TrackingEvent.objects.filter(shipment__brand=other_brand).delete()
    operator = grant(staff_of(brand, Role.OWNER), "tracking.change_inboundwebhook")
    client.force_login(operator)
    assert '"reprocess"' in client.get(CHANGELIST).content.decode()

    assert reprocess(client, foreign).status_code == 200
    assert not TrackingEvent.objects.exists()  # brand B's webhook is out of reach

    assert reprocess(client, lost_events, foreign).status_code == 200
    assert TrackingEvent.objects.filter(shipment__brand=brand).count() == 3
    assert not TrackingEvent.objects.filter(shipment__brand=other_brand).exists()


def test_a_superuser_reprocesses(admin_client, lost_events):
    response = reprocess(admin_client, lost_events)
    assert response.status_code == 200
    assert "Re-processed 1 webhook(s)" in response.content.decode()
    assert TrackingEvent.objects.count() == 3
