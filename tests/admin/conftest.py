"""Admin fixtures: a brand's stored, signed carrier webhook and the parcel it moved."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from brands.services import webhook_secret_set
from tests.tracking.payloads import as_meta, load, sign
from tracking import services
from tracking.models import InboundWebhook

EASYPOST_SECRET = "whsec-admin-tests"


@pytest.fixture
def stored_webhook(client: Any) -> Callable[[Any, Any], InboundWebhook]:
    """stored_webhook(brand, order): a signed EasyPost in-transit call, stored and processed by the worker."""

    def make(brand: Any, order: Any) -> InboundWebhook:
        webhook_secret_set(brand=brand, provider="easypost", secret=EASYPOST_SECRET)
        services.shipment_upsert(
            brand=brand, order=order, carrier_code="ups", tracking_number="1Z4F82E30391846127"
        )
        body = load("easypost", "tracker_updated_in_transit")
        response = client.post(
            f"/webhooks/easypost/{brand.slug}/",
            data=body,
            content_type="application/json",
            **as_meta(sign("easypost", EASYPOST_SECRET, body)),
        )
        assert response.status_code == 202
        client.logout()
        return InboundWebhook.objects.filter(brand=brand).latest("id")

    return make


def grant(user: Any, *codenames: str) -> Any:
    """Give a staff user model permissions beyond their role (brand scope still applies)."""
    app_codenames = [codename.split(".") for codename in codenames]
    for app_label, codename in app_codenames:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return type(user).objects.get(pk=user.pk)  # a fresh instance: permission caches are per object
