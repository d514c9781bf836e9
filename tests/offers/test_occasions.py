"""Birthday and anniversary offers: on the day in the brand's time zone, once a year, with consent only."""

from datetime import UTC, date, datetime
from typing import Any

import pytest

from loyalty.models import DiscountCode
from loyalty.rules import occasion_day
from notifications.models import Notification
from offers import services
from offers.models import OccasionSent, OffersSettings
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def settings_row(brand: Any) -> OffersSettings:
    return OffersSettings.objects.create(brand=brand, birthday_percent=15, anniversary_percent=10)


@pytest.mark.parametrize(
    ("year", "expected"), [(2027, date(2027, 2, 28)), (2028, date(2028, 2, 29)), (2100, date(2100, 2, 28))]
)
def test_a_29_february_birthday_falls_on_28_february_in_non_leap_years(year: int, expected: date) -> None:
    assert occasion_day(month=2, day=29, year=year) == expected


def test_birthday_offer_goes_out_on_the_day_in_the_brands_time_zone_once(
    brand: Any, settings_row: Any
) -> None:
    # Bucharest is UTC+2 in March... 22:30 UTC on 2 March is already 3 March there.
    customer = factories.CustomerFactory(brand=brand, birthday=date(1990, 3, 3), locale="ro")
    factories.CustomerFactory(brand=brand, birthday=date(1990, 3, 3), marketing_consent=False)
    factories.CustomerFactory(brand=brand, birthday=date(1990, 3, 4))

    assert services.occasions_send(now=datetime(2027, 3, 2, 20, 0, tzinfo=UTC)) == 0
    assert services.occasions_send(now=datetime(2027, 3, 2, 22, 30, tzinfo=UTC)) == 1
    assert services.occasions_send(now=datetime(2027, 3, 3, 8, 0, tzinfo=UTC)) == 0  # once a year

    sent = OccasionSent.objects.get()
    assert sent.customer == customer
    code = DiscountCode.objects.get(purpose="birthday")
    assert code.value == 15
    message = Notification.objects.get(trigger="offer_birthday")
    assert code.code in message.body
    assert "La mulți ani" in message.subject


def test_a_29_february_birthday_is_celebrated_on_28_february(brand: Any, settings_row: Any) -> None:
    factories.CustomerFactory(brand=brand, birthday=date(1996, 2, 29))
    assert services.occasions_send(now=datetime(2027, 2, 27, 12, 0, tzinfo=UTC)) == 0
    assert services.occasions_send(now=datetime(2027, 2, 28, 12, 0, tzinfo=UTC)) == 1
    assert services.occasions_send(now=datetime(2027, 3, 1, 12, 0, tzinfo=UTC)) == 0
    assert services.occasions_send(now=datetime(2028, 2, 28, 12, 0, tzinfo=UTC)) == 0  # leap year: the 29th
    assert services.occasions_send(now=datetime(2028, 2, 29, 12, 0, tzinfo=UTC)) == 1


def test_anniversary_of_the_first_order(brand: Any, settings_row: Any) -> None:
    customer = factories.CustomerFactory(brand=brand)
    factories.OrderFactory(brand=brand, customer=customer, placed_at=datetime(2025, 6, 10, 9, tzinfo=UTC))
    factories.OrderFactory(brand=brand, customer=customer, placed_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
    assert services.occasions_send(now=datetime(2026, 6, 10, 9, tzinfo=UTC)) == 1
    assert Notification.objects.filter(trigger="offer_anniversary").count() == 1
    assert services.occasions_send(now=datetime(2026, 6, 10, 15, tzinfo=UTC)) == 0
