"""The NPS question goes out on the brand's local day `delay` after delivery, once per order, whatever
the beat does (restarts, two schedulers at once)."""

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db import connection

from feedback import services, tasks
from feedback.models import FeedbackSettings, NpsRequest
from notifications.models import Notification
from tests import factories
from tests.feedback.conftest import DELIVERED_SCANS
from tests.tracking.page_builders import S, order_with_lines, parcel

# Delivered at 10:00 UTC on 10 March = 12:00 in Bucharest (UTC+2): local delivery day 10 March.
DELIVERED_AT = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
# Bucharest is UTC+2 in March: day 7 after delivery starts at 22:00 UTC on 16 March.
DAY_6_LATE_EVENING = datetime(2026, 3, 16, 21, 30, tzinfo=UTC)  # 23:30 local, 16 March
DAY_7_JUST_AFTER_MIDNIGHT = datetime(2026, 3, 16, 22, 30, tzinfo=UTC)  # 00:30 local, 17 March


def delivered_order(brand: Any, *, number: str, email: str = "ana@example.com", sms: bool = False) -> Any:
    customer = factories.CustomerFactory(brand=brand, email=email, sms_consent=sms, locale="ro")
    order = order_with_lines(brand=brand, customer=customer, number=number)
    with time_machine.travel(DELIVERED_AT, tick=False):
        parcel(
            order=order,
            scans=DELIVERED_SCANS,
            tracking_number=f"NPS{number}",
            at=DELIVERED_AT.replace(hour=12),
        )
    return order


def nps_messages() -> list[Notification]:
    return list(Notification.objects.filter(trigger="nps_request").order_by("id"))


@pytest.mark.django_db
def test_day_six_nothing_day_seven_one_message_and_a_beat_restart_sends_nothing_more(brand: Any) -> None:
    order = delivered_order(brand, number="7001")

    with time_machine.travel(DAY_6_LATE_EVENING, tick=False):
        assert tasks.send_nps_requests.delay().get() == 0
    assert nps_messages() == []
    assert not NpsRequest.objects.exists()

    with time_machine.travel(DAY_7_JUST_AFTER_MIDNIGHT, tick=False):
        assert tasks.send_nps_requests.delay().get() == 1
    [message] = nps_messages()
    request = NpsRequest.objects.get()
    assert request.order == order
    assert request.delivered_on.isoformat() == "2026-03-10"
    assert (message.channel, message.subject_key, message.to) == (
        "email",
        f"nps:{order.id}",
        "ana@example.com",
    )
    assert message.locale == "ro"
    assert f"/casa-verde/feedback/nps/{request.token}/" in message.body
    assert "recomanzi Casa Verde" in message.body

    # The beat restarts and runs again the same hour, and the next day.
    with time_machine.travel(DAY_7_JUST_AFTER_MIDNIGHT, tick=False):
        assert services.nps_requests_send() == 0
    with time_machine.travel(datetime(2026, 3, 18, 9, 0, tzinfo=UTC), tick=False):
        assert services.nps_requests_send() == 0
    assert len(nps_messages()) == 1


@pytest.mark.django_db
def test_the_brands_delay_counts_and_is_never_the_same_day(brand: Any) -> None:
    FeedbackSettings.objects.create(brand=brand, nps_delay_days=2)
    delivered_order(brand, number="7002")
    with time_machine.travel(datetime(2026, 3, 11, 21, 0, tzinfo=UTC), tick=False):  # 23:00 local, day 1
        assert services.nps_requests_send() == 0
    with time_machine.travel(datetime(2026, 3, 11, 22, 0, tzinfo=UTC), tick=False):  # 00:00 local, day 2
        assert services.nps_requests_send() == 1


def test_a_delay_below_one_day_is_refused_by_the_database(brand: Any) -> None:
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        FeedbackSettings.objects.create(brand=brand, nps_delay_days=0)


@pytest.mark.django_db
def test_only_fully_delivered_orders_of_contactable_shoppers_of_brands_asking_are_asked(
    brand: Any, other_brand: Any
) -> None:
    delivered_order(brand, number="7003", email="", sms=True)  # SMS with consent: asked by SMS
    delivered_order(brand, number="7004", email="", sms=False)  # no way to reach: not asked
    FeedbackSettings.objects.create(brand=other_brand, nps_enabled=False)
    delivered_order(other_brand, number="7005")  # the brand does not ask
    half = delivered_order(brand, number="7006")  # a second parcel still travelling
    with time_machine.travel(DELIVERED_AT, tick=False):
        parcel(order=half, scans=[(S.IN_TRANSIT, 1, "", "")], tracking_number="NPS7006B")

    with time_machine.travel(DAY_7_JUST_AFTER_MIDNIGHT, tick=False):
        assert services.nps_requests_send() == 1
    [message] = nps_messages()
    assert message.channel == "sms"
    assert NpsRequest.objects.get().order.number == "7003"


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_running_at_once_ask_once() -> None:
    brand = factories.BrandFactory(slug="casa-verde", name="Casa Verde", default_locale="ro")
    delivered_order(brand, number="7007")
    delivered_order(brand, number="7008", email="radu@example.com")
    barrier = threading.Barrier(3)
    results: list[int] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.nps_requests_send())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(DAY_7_JUST_AFTER_MIDNIGHT, tick=False):
        threads = [threading.Thread(target=run) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert errors == []
    assert sum(results) == 2
    assert NpsRequest.objects.count() == 2
    assert sorted(m.subject_key for m in nps_messages()) == sorted(
        f"nps:{order_id}" for order_id in NpsRequest.objects.values_list("order_id", flat=True)
    )
