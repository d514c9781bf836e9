"""The console shows times in the brand's zone and names it, and lists the newest parcels first."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from brands.models import Brand
from tests import factories
from tracking import services
from tracking.models import Shipment

pytestmark = pytest.mark.django_db
LIST = "/admin/tracking/shipment/"


@pytest.fixture
def parcels(brand: Any) -> list[Shipment]:
    """Three parcels created a day apart; each one's last scan at 22:30 UTC."""
    Brand.objects.filter(id=brand.id).update(timezone="Europe/Bucharest")
    made = []
    for day in (1, 2, 3):
        order = factories.OrderFactory(brand=brand, number=f"20{day}")
        shipment, _ = services.shipment_upsert(
            brand=brand, order=order, carrier_code="dpd", carrier_name="DPD", tracking_number=f"DPD00{day}"
        )
        Shipment.objects.filter(id=shipment.id).update(
            created_at=datetime(2026, 11, day, 9, tzinfo=UTC),
            last_event_at=datetime(2026, 11, day, 22, 30, tzinfo=UTC),
        )
        made.append(shipment)
    return made


def test_the_newest_parcels_come_first(client, staff_of, brand, parcels, django_assert_max_num_queries):
    client.force_login(staff_of(brand, "owner"))
    with django_assert_max_num_queries(25):
        html = client.get(LIST).content.decode()
    assert html.index("DPD003") < html.index("DPD002") < html.index("DPD001")


def test_a_brand_s_staff_read_the_brand_s_time_with_its_zone_named(client, staff_of, brand, parcels):
    client.force_login(staff_of(brand, "owner"))
    html = client.get(LIST).content.decode()
    # 22:30 UTC on 3 November is 00:30 the next day in Bucharest (EET, UTC+2).
    assert "4 Nov 2026, 00:30 EET" in html
    assert "22:30" not in html

    detail = client.get(f"{LIST}{parcels[2].id}/change/").content.decode()
    assert "4 Nov 2026, 00:30 EET" in detail  # read-only fields too


def test_staff_of_brands_in_different_zones_read_utc_said_as_such(
    client, staff_of, brand, other_brand, parcels
):
    Brand.objects.filter(id=other_brand.id).update(timezone="America/Chicago")
    user = staff_of(brand, "owner")
    from brands.services import membership_grant

    membership_grant(user_id=user.id, brand=other_brand, role="owner")
    client.force_login(user)
    html = client.get(LIST).content.decode()
    assert "3 Nov 2026, 22:30 UTC" in html


def test_no_raw_iso_timestamp_on_the_list_or_the_page(client, staff_of, brand, parcels):
    client.force_login(staff_of(brand, "owner"))
    iso = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
    for url in (LIST, f"{LIST}{parcels[0].id}/change/"):
        html = client.get(url).content.decode()
        visible = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[\s\S]*?</\1>", "", html))
        assert not iso.search(visible), iso.search(visible)


def test_one_parcel_s_page_reads_in_its_brand_s_zone_for_staff_of_several_zones(
    client, staff_of, brand, other_brand, parcels
):
    from brands.services import membership_grant

    Brand.objects.filter(id=other_brand.id).update(timezone="America/Chicago")
    user = staff_of(brand, "owner")
    membership_grant(user_id=user.id, brand=other_brand, role="owner")
    client.force_login(user)
    detail = client.get(f"{LIST}{parcels[2].id}/change/").content.decode()
    assert "4 Nov 2026, 00:30 EET" in detail
    assert client.get(f"{LIST}abc/change/").status_code == 302  # not an id: back to the list, as before
