"""Notifications end to end: outbox rows with the status change, sent once, callbacks, consent."""

import json
import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses
from django.db import connection
from django.utils import timezone
from twilio.request_validator import RequestValidator

from notifications import services
from notifications.channels import ChannelUnavailable
from notifications.messages import TemplateInvalid, render
from notifications.models import Notification, NotificationSettings, State
from notifications.segments import sms_length
from notifications.tasks import send_notification
from tests import factories
from tests.tracking.conftest import event
from tracking.statuses import ShipmentStatus as S

SID, TOKEN = "AC" + "a" * 32, "twilio-auth-token"
MESSAGES_URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"


def twilio_message(sid: str = "SM" + "1" * 32, status: str = "queued") -> dict:
    """The Message resource as Twilio's API returns it on create."""
    return {
        "account_sid": SID,
        "api_version": "2010-04-01",
        "body": "…",
        "date_created": "Thu, 19 Nov 2026 10:00:00 +0000",
        "date_sent": None,
        "date_updated": "Thu, 19 Nov 2026 10:00:00 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": "+40212345678",
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": status,
        "subresource_uris": {"media": f"/2010-04-01/Accounts/{SID}/Messages/{sid}/Media.json"},
        "to": "+40721234567",
        "uri": f"/2010-04-01/Accounts/{SID}/Messages/{sid}.json",
    }


@pytest.fixture(autouse=True)
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def daytime(brand):
    NotificationSettings.objects.create(
        brand=brand, quiet_hours_start=0, quiet_hours_end=0, sms_per_second=100, sms_collapse_seconds=0
    )


def sign(path: str, params: dict) -> str:
    return RequestValidator(TOKEN).compute_signature(f"http://127.0.0.1:8000{path}", params)


def callback(client, params, signature=None):
    path = "/webhooks/twilio/status/"
    return client.post(
        path, params, HTTP_X_TWILIO_SIGNATURE=signature if signature is not None else sign(path, params)
    )


def test_status_change_sends_one_sms_and_one_email_once(
    daytime, shipment, apply_events, twilio, mailoutbox, django_capture_on_commit_callbacks
):
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    with django_capture_on_commit_callbacks(execute=True):
        apply_events(shipment, event(S.IN_TRANSIT, 1))
    with django_capture_on_commit_callbacks(execute=True):
        apply_events(shipment, event(S.IN_TRANSIT, 1), event(S.IN_TRANSIT, 2, "Arrived"))
    rows = Notification.objects.filter(subject_key=f"shipment:{shipment.id}")
    assert sorted(rows.values_list("trigger", "channel", "state")) == [
        ("shipped", "email", "sent"),
        ("shipped", "sms", "sent"),
    ]
    assert len(twilio.calls) == 1
    sent = twilio.calls[0].request.body
    assert "StatusCallback=" in sent
    assert f"%2Ftrack%2F{shipment.token}%2F" in sent
    assert len(mailoutbox) == 1
    assert mailoutbox[0].alternatives
    assert shipment.token in mailoutbox[0].body


def test_callbacks_in_any_order(
    daytime, shipment, apply_events, twilio, client, django_capture_on_commit_callbacks
):
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    with django_capture_on_commit_callbacks(execute=True):
        apply_events(shipment, event(S.OUT_FOR_DELIVERY, 1))
    sms = Notification.objects.get(channel="sms")
    for status in ("delivered", "sent", "queued"):
        response = callback(
            client, {"MessageSid": sms.provider_id, "MessageStatus": status, "AccountSid": SID}
        )
        assert response.status_code == 200
    sms.refresh_from_db()
    assert sms.state == State.DELIVERED


def test_callback_bad_signature_and_unknown_sid(
    daytime, shipment, apply_events, twilio, client, django_capture_on_commit_callbacks
):
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    with django_capture_on_commit_callbacks(execute=True):
        apply_events(shipment, event(S.OUT_FOR_DELIVERY, 1))
    sms = Notification.objects.get(channel="sms")
    params = {"MessageSid": sms.provider_id, "MessageStatus": "failed", "ErrorCode": "30003"}
    assert callback(client, params, signature="bogus").status_code == 403
    assert callback(client, params, signature="").status_code == 403
    assert callback(client, {**params, "MessageSid": "SM" + "9" * 32}).status_code == 404
    sms.refresh_from_db()
    assert sms.state == State.SENT


def test_permanent_error_fails_at_once(
    daytime, shipment, apply_events, twilio, django_capture_on_commit_callbacks
):
    error = {
        "code": 21610,
        "message": "Attempt to send to unsubscribed recipient",
        "more_info": "https://www.twilio.com/docs/errors/21610",
        "status": 400,
    }
    twilio.add(responses.POST, MESSAGES_URL, json=error, status=400)
    with django_capture_on_commit_callbacks(execute=True):
        apply_events(shipment, event(S.DELIVERED, 1))
    sms = Notification.objects.get(channel="sms")
    assert (sms.state, sms.error_code, sms.attempts) == (State.FAILED, "21610", 1)
    assert len(twilio.calls) == 1


@pytest.mark.parametrize("status", [429, 500, 503])
def test_transient_error_puts_the_row_back(daytime, shipment, apply_events, twilio, status):
    twilio.add(
        responses.POST,
        MESSAGES_URL,
        json={"code": 20429, "message": "Too Many Requests", "status": status},
        status=status,
    )
    apply_events(shipment, event(S.DELIVERED, 1))
    sms = Notification.objects.get(channel="sms")
    with pytest.raises(ChannelUnavailable):
        services.notification_deliver(notification_id=sms.id)
    sms.refresh_from_db()
    assert (sms.state, sms.attempts) == (State.PENDING, 1)
    twilio.replace(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    assert services.notification_deliver(notification_id=sms.id) == "sent"


def test_gives_up_after_the_limit(daytime, shipment, apply_events, twilio):
    twilio.add(responses.POST, MESSAGES_URL, body=requests.exceptions.ConnectTimeout("timed out"))
    apply_events(shipment, event(S.DELIVERED, 1))
    sms = Notification.objects.get(channel="sms")
    Notification.objects.filter(id=sms.id).update(attempts=services.MAX_ATTEMPTS - 1)
    assert services.notification_deliver(notification_id=sms.id) == "failed"
    sms.refresh_from_db()
    assert sms.state == State.FAILED


def test_retried_task_never_sends_twice(daytime, shipment, apply_events, twilio):
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    apply_events(shipment, event(S.DELIVERED, 1))
    sms = Notification.objects.get(channel="sms")
    results = [services.notification_deliver(notification_id=sms.id) for _ in range(3)]
    assert results == ["sent", "not_claimed", "not_claimed"]
    assert len(twilio.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_once(brand, order, twilio):
    from tracking import services as tracking_services
    from tracking.carriers.base import TrackingUpdate

    NotificationSettings.objects.create(
        brand=brand, quiet_hours_start=0, quiet_hours_end=0, sms_per_second=100, sms_collapse_seconds=0
    )
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    shipment, _ = tracking_services.shipment_upsert(
        brand=brand, order=order, carrier_code="dpd", tracking_number="R1"
    )
    tracking_services.shipment_apply_update(
        shipment_id=shipment.id,
        update=TrackingUpdate("R1", "dpd", events=(event(S.DELIVERED, 1),)),
        source="test",
    )
    sms = Notification.objects.get(channel="sms")
    Notification.objects.filter(id=sms.id).update(state=State.PENDING, provider_id="", attempts=0)
    twilio.calls.reset()
    barrier, outcomes = threading.Barrier(2), []

    def worker():
        barrier.wait()
        outcomes.append(services.notification_deliver(notification_id=sms.id))
        connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["not_claimed", "sent"]
    assert len(twilio.calls) == 1


def test_stop_opts_out_at_once_and_start_back_in(daytime, brand, shipment, apply_events, twilio, client):
    brand.sms_from_number = "+40212345678"
    brand.save()
    customer = shipment.order.customer
    path = "/webhooks/twilio/inbound/"
    params = {
        "From": customer.phone,
        "To": brand.sms_from_number,
        "Body": "Stop",
        "OptOutType": "STOP",
        "AccountSid": SID,
    }
    assert client.post(path, params, HTTP_X_TWILIO_SIGNATURE="nope").status_code == 403
    customer.refresh_from_db()
    assert customer.sms_consent
    response = client.post(path, params, HTTP_X_TWILIO_SIGNATURE=sign(path, params))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml"
    customer.refresh_from_db()
    assert not customer.sms_consent
    apply_events(shipment, event(S.OUT_FOR_DELIVERY, 1))
    assert list(Notification.objects.values_list("channel", flat=True)) == ["email"]
    help_params = {**params, "Body": "help"}
    answer = client.post(path, help_params, HTTP_X_TWILIO_SIGNATURE=sign(path, help_params))
    assert brand.support_email in answer.content.decode()
    start = {**params, "Body": "START"}
    client.post(path, start, HTTP_X_TWILIO_SIGNATURE=sign(path, start))
    customer.refresh_from_db()
    assert customer.sms_consent


def test_quiet_hours_defer_sms_not_email(brand, shipment, apply_events, twilio):
    NotificationSettings.objects.create(brand=brand, quiet_hours_start=0, quiet_hours_end=23)
    settings_row = NotificationSettings.objects.get(brand=brand)
    now = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 05:00 in Bucharest
    resume = services.quiet_hours_end(brand=brand, settings_row=settings_row, now=now)
    assert resume is not None
    assert resume.hour == 23
    NotificationSettings.objects.filter(brand=brand).update(quiet_hours_start=22, quiet_hours_end=8)
    settings_row.refresh_from_db()
    night = datetime(2026, 11, 20, 21, 30, tzinfo=UTC)  # 23:30 in Bucharest
    assert (
        services.quiet_hours_end(brand=brand, settings_row=settings_row, now=night).isoformat()
        == "2026-11-21T08:00:00+02:00"
    )
    assert (
        services.quiet_hours_end(
            brand=brand, settings_row=settings_row, now=datetime(2026, 11, 20, 10, tzinfo=UTC)
        )
        is None
    )


def test_burst_collapses_to_the_latest_sms(brand, shipment, apply_events, twilio, mailoutbox):
    NotificationSettings.objects.create(
        brand=brand, quiet_hours_start=0, quiet_hours_end=0, sms_collapse_seconds=120
    )
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    for hours, status in ((1, S.IN_TRANSIT), (2, S.OUT_FOR_DELIVERY), (3, S.DELIVERED)):
        apply_events(shipment, event(status, hours))
    sms = dict(Notification.objects.filter(channel="sms").values_list("trigger", "state"))
    assert sms == {"shipped": "skipped", "out_for_delivery": "skipped", "delivered": "pending"}
    assert set(Notification.objects.filter(channel="email").values_list("trigger", flat=True)) == {
        "shipped",
        "out_for_delivery",
        "delivered",
    }
    assert not twilio.calls  # nothing before the wait is over
    later = timezone.now() + timedelta(seconds=200)
    Notification.objects.filter(channel="sms").update(created_at=later - timedelta(minutes=5))
    # The three emails (their commit never happened inside this test) and only the latest SMS are due.
    assert services.notifications_sweep(now=later) == 4
    assert len(mailoutbox) == 3
    assert Notification.objects.filter(channel="sms", state="skipped").count() == 2


def test_switched_off_trigger_writes_nothing(brand, shipment, apply_events):
    NotificationSettings.objects.create(brand=brand, disabled=["shipped:sms", "shipped:email"])
    apply_events(shipment, event(S.IN_TRANSIT, 1))
    assert not Notification.objects.exists()


def test_sandbox_refuses_private_attributes_and_settings():
    with pytest.raises(TemplateInvalid):
        render(subject="", body="{{ brand_name.__class__.__mro__ }}", context={"brand_name": "x"})
    with pytest.raises(TemplateInvalid):
        render(subject="", body="{{ settings.SECRET_KEY }}", context={"brand_name": "x"})
    with pytest.raises(TemplateInvalid):
        render(subject="", body="{% for %}", context={})
    html = render(
        subject="", body="Hi {{ first_name }}", context={"first_name": "<script>x</script>", "obj": object()}
    )
    assert "&lt;script&gt;" in html.html_body


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),
        ("€" * 81, "GSM-7", 2),
        ("ș" + "a" * 69, "UCS-2", 1),
        ("ł" + "a" * 70, "UCS-2", 2),
        ("Заказ" * 14, "UCS-2", 1),
        ("😀" * 35, "UCS-2", 1),
        ("😀" * 36, "UCS-2", 2),
        ("", "GSM-7", 0),
    ],
)
def test_sms_segments(text, encoding, segments):
    length = sms_length(text)
    assert (length.encoding, length.segments) == (encoding, segments)


def test_template_with_syntax_error_is_an_admin_form_error(admin_client, brand):
    response = admin_client.post(
        "/admin/notifications/messagetemplate/add/",
        {
            "brand": brand.id,
            "trigger": "shipped",
            "channel": "sms",
            "locale": "ro",
            "subject": "",
            "body": "{% if %}",
        },
    )
    assert response.status_code == 200
    assert "The text, line 1: Expected an expression" in response.content.decode()


def test_order_created_thanks_the_shopper(api, brand, mailoutbox, django_capture_on_commit_callbacks):
    NotificationSettings.objects.create(brand=brand, promo_code="THANKS10", disabled=["order_confirmed:sms"])
    body = {
        "external_id": "o-1",
        "number": "501",
        "placed_at": "2026-11-20T10:00:00Z",
        "currency": "RON",
        "customer": {"email": "ana@example.com", "first_name": "Ana", "locale": "ro"},
        "lines": [{"sku": "A", "title": "A", "quantity": 1, "unit_price": "10.00"}],
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            api.post("/api/v1/orders/", data=json.dumps(body), content_type="application/json").status_code
            == 201
        )
    assert len(mailoutbox) == 1
    assert "THANKS10" in mailoutbox[0].body
    assert "Mulțumim" in mailoutbox[0].subject


def test_return_transitions_reach_the_shopper(brand, order, mailoutbox, django_capture_on_commit_callbacks):
    from notifications.triggers import TRIGGERS
    from returns.statuses import SHOPPER_TRIGGERS

    assert set(SHOPPER_TRIGGERS.values()) <= set(TRIGGERS)
    customer = order.customer
    with django_capture_on_commit_callbacks(execute=True):
        services.notification_request(
            brand_id=brand.id,
            customer_id=customer.id,
            trigger="return_approved",
            subject_key="return:1:approved",
            context={"rma": "RMA-1", "order_number": order.number, "return_url": "http://127.0.0.1:8000/r/"},
            channels=["email"],
        )
    assert "RMA-1" in mailoutbox[0].subject
    assert "http://127.0.0.1:8000/r/" in mailoutbox[0].body


T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # daytime in Bucharest


def test_sender_slots_are_reserved_one_interval_apart(time_machine):
    time_machine.move_to(T0, tick=False)
    slots = [services.sender_slot_take(sender="+40212345678", per_second=1) for _ in range(3)]
    assert slots == [T0, T0 + timedelta(seconds=1), T0 + timedelta(seconds=2)]
    fast = [services.sender_slot_take(sender="MG" + "1" * 32, per_second=4) for _ in range(3)]
    assert fast == [T0, T0 + timedelta(seconds=0.25), T0 + timedelta(seconds=0.5)]
    time_machine.shift(timedelta(seconds=10))  # an idle sender starts again from now, no saved-up burst
    assert services.sender_slot_take(sender="+40212345678", per_second=1) == T0 + timedelta(seconds=10)
    assert services.sender_slot_take(sender="+40212345678", per_second=1) == T0 + timedelta(seconds=11)


def pending_sms_rows(brand, shipment, count):
    customer = shipment.order.customer
    return [
        Notification.objects.create(
            brand=brand,
            customer=customer,
            subject_key=f"case:{index}",
            trigger="support_reply",
            channel="sms",
            to=customer.phone,
            locale="ro",
            body=f"Answer {index}",
        )
        for index in range(count)
    ]


@pytest.fixture
def one_per_second(brand, daytime):
    NotificationSettings.objects.filter(brand=brand).update(sms_per_second=1)
    brand.sms_from_number = "+40212345678"
    brand.save()


def test_a_busy_sender_defers_to_its_slot_without_using_an_attempt(
    one_per_second, brand, shipment, twilio, time_machine
):
    time_machine.move_to(T0, tick=False)
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    first, second = pending_sms_rows(brand, shipment, 2)
    assert services.notification_deliver(notification_id=first.id) == "sent"
    assert services.notification_deliver(notification_id=second.id) == "deferred"
    second.refresh_from_db()
    slot = T0 + timedelta(seconds=1)
    assert (second.state, second.attempts, second.not_before, second.slot_at) == (
        State.PENDING,
        0,
        slot,
        slot,
    )
    assert services.notification_deliver(notification_id=second.id) == "not_claimed"  # a redelivered task
    assert len(twilio.calls) == 1
    time_machine.shift(timedelta(seconds=1))
    assert services.notification_deliver(notification_id=second.id) == "sent"
    second.refresh_from_db()
    assert (second.state, second.attempts) == (State.SENT, 1)
    assert len(twilio.calls) == 2


def test_a_backlog_drains_at_the_senders_rate_and_nothing_gives_up(
    one_per_second, brand, shipment, twilio, time_machine
):
    time_machine.move_to(T0, tick=False)
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    rows = pending_sms_rows(brand, shipment, 20)
    outcomes = [services.notification_deliver(notification_id=row.id) for row in rows]
    assert outcomes == ["sent"] + ["deferred"] * 19
    slots = sorted(Notification.objects.filter(state=State.PENDING).values_list("slot_at", flat=True))
    assert slots == [T0 + timedelta(seconds=k) for k in range(1, 20)]
    sent_per_second = []
    for _ in range(19):
        time_machine.shift(timedelta(seconds=1))
        # Every task of the backlog runs again each second (redeliveries, the sweep): only the due one sends.
        results = [services.notification_deliver(notification_id=row.id) for row in rows]
        sent_per_second.append(results.count("sent"))
    assert sent_per_second == [1] * 19
    assert set(Notification.objects.values_list("state", "attempts")) == {(State.SENT, 1)}
    assert len(twilio.calls) == 20


def test_a_missed_slot_takes_a_new_one(one_per_second, brand, shipment, twilio, time_machine):
    time_machine.move_to(T0, tick=False)
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    first, second, third = pending_sms_rows(brand, shipment, 3)
    services.notification_deliver(notification_id=first.id)
    assert services.notification_deliver(notification_id=second.id) == "deferred"
    time_machine.shift(timedelta(minutes=5))  # its task was lost; the sweep finds it much later
    assert services.notification_deliver(notification_id=third.id) == "sent"  # took the free moment now
    assert services.notification_deliver(notification_id=second.id) == "deferred"  # so it queues behind
    time_machine.shift(timedelta(seconds=1))
    assert services.notification_deliver(notification_id=second.id) == "sent"


def test_in_process_tasks_wait_for_the_slot_and_send(
    settings, one_per_second, brand, shipment, twilio, time_machine
):
    """No broker (embedded mode): nothing would come back for a deferred message, so it waits here."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    time_machine.move_to(T0, tick=False)
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    waited = []

    def sleep(seconds):
        waited.append(seconds)
        time_machine.shift(timedelta(seconds=seconds))

    rows = pending_sms_rows(brand, shipment, 3)
    assert [services.notification_deliver(notification_id=r.id, sleep=sleep) for r in rows] == ["sent"] * 3
    assert waited == [1.0, 1.0]
    assert len(twilio.calls) == 3


def twilio_list(*messages: dict) -> dict:
    """A page of Twilio's Messages list, newest first."""
    uri = f"/2010-04-01/Accounts/{SID}/Messages.json?PageSize=50&Page=0"
    return {
        "messages": list(messages),
        "end": max(0, len(messages) - 1),
        "first_page_uri": uri,
        "next_page_uri": None,
        "page": 0,
        "page_size": 50,
        "previous_page_uri": None,
        "start": 0,
        "uri": uri,
    }


def die_during_the_call(request):
    raise SystemExit("the worker was killed while Twilio was answering")


@pytest.fixture
def sms_row(one_per_second, brand, shipment):
    (row,) = pending_sms_rows(brand, shipment, 1)
    Notification.objects.filter(id=row.id).update(created_at=T0 - timedelta(minutes=1))
    return row


def sweeps_until(predicate, *, start, phase, time_machine, every=60, limit=10):
    """Run the sweep as beat does (every `every` s, first one `phase` s after `start`) until predicate."""
    for k in range(limit):
        time_machine.move_to(start + timedelta(seconds=phase + every * k), tick=False)
        services.notifications_sweep(now=timezone.now())
        if predicate():
            return timezone.now()
    return None


@pytest.mark.parametrize("phase", [0, 1, 29, 31, 59])
def test_a_claim_that_never_reached_the_provider_goes_out_within_two_minutes(
    sms_row, twilio, time_machine, phase
):
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
    time_machine.move_to(T0, tick=False)
    # What a worker killed right after its claim leaves behind: claimed, provider call never started.
    Notification.objects.filter(id=sms_row.id).update(
        state=State.SENDING, attempts=1, claimed_at=T0, created_at=T0 - timedelta(minutes=1)
    )
    sent_at = sweeps_until(
        lambda: Notification.objects.get(id=sms_row.id).state == State.SENT,
        start=T0,
        phase=phase,
        time_machine=time_machine,
    )
    assert sent_at is not None
    assert sent_at - T0 <= timedelta(minutes=2)
    assert len(twilio.calls) == 1


def test_a_live_claim_is_not_taken_away(sms_row, twilio, time_machine):
    time_machine.move_to(T0, tick=False)
    Notification.objects.filter(id=sms_row.id).update(state=State.SENDING, attempts=1, claimed_at=T0)
    services.notifications_sweep(now=T0 + services.CLAIM_LEASE - timedelta(seconds=1))
    assert Notification.objects.get(id=sms_row.id).state == State.SENDING


@pytest.fixture
def killed_during_the_call(sms_row, twilio, time_machine):
    """A worker that died after handing the message to Twilio and before writing down its answer."""
    time_machine.move_to(T0, tick=False)
    twilio.add_callback(responses.POST, MESSAGES_URL, callback=die_during_the_call)
    with pytest.raises(SystemExit):
        services.notification_deliver(notification_id=sms_row.id)
    sms_row.refresh_from_db()
    assert (sms_row.state, sms_row.handed_at, sms_row.provider_id) == (State.SENDING, T0, "")
    twilio.replace(responses.POST, MESSAGES_URL, json=twilio_message("SM" + "7" * 32), status=201)
    twilio.calls.reset()
    return sms_row


def test_a_message_twilio_took_is_never_sent_again(killed_during_the_call, twilio, time_machine):
    row = killed_during_the_call
    taken = {
        **twilio_message("SM" + "5" * 32, status="sent"),
        "body": row.body,
        "to": row.to,
        "date_created": "Fri, 20 Nov 2026 10:00:00 +0000",
    }
    twilio.add(responses.GET, MESSAGES_URL, json=twilio_list(taken), status=200)
    for minutes in (1, 2, 3):  # beat's sweeps right after the crash: Twilio's answer may still come
        services.notifications_sweep(now=T0 + timedelta(minutes=minutes) - timedelta(seconds=1))
        assert not twilio.calls
    services.notifications_sweep(now=T0 + timedelta(minutes=4))
    row.refresh_from_db()
    assert (row.state, row.provider_id) == (State.SENT, "SM" + "5" * 32)
    assert [call.request.method for call in twilio.calls] == ["GET"]
    assert "To=%2B40721234567" in twilio.calls[0].request.url
    for minutes in (5, 6, 30):
        services.notifications_sweep(now=T0 + timedelta(minutes=minutes))
    assert [call.request.method for call in twilio.calls] == ["GET"]


def test_a_message_twilio_never_got_is_sent_once(killed_during_the_call, twilio, time_machine):
    row = killed_during_the_call
    other = {**twilio_message("SM" + "6" * 32), "body": "Another message", "to": row.to}
    twilio.add(responses.GET, MESSAGES_URL, json=twilio_list(other), status=200)
    time_machine.move_to(T0 + timedelta(minutes=4), tick=False)
    services.notifications_sweep(now=timezone.now())
    services.notifications_sweep(now=timezone.now())
    row.refresh_from_db()
    assert (row.state, row.provider_id) == (State.SENT, "SM" + "7" * 32)
    assert [call.request.method for call in twilio.calls] == ["GET", "POST"]


def test_when_twilio_cannot_be_asked_the_row_waits_for_the_next_sweep(
    killed_during_the_call, twilio, time_machine
):
    row = killed_during_the_call
    twilio.add(responses.GET, MESSAGES_URL, json={"code": 20500, "message": "Internal"}, status=500)
    services.notifications_sweep(now=T0 + timedelta(minutes=4))
    row.refresh_from_db()
    assert row.state == State.SENDING
    assert [call.request.method for call in twilio.calls] == ["GET"]


def test_a_twilio_read_timeout_is_asked_about_never_retried_blindly(sms_row, twilio, time_machine):
    # The request went out and no answer came: Twilio may have queued the text.
    time_machine.move_to(T0, tick=False)
    twilio.add(responses.POST, MESSAGES_URL, body=requests.exceptions.ReadTimeout("read timed out"))
    assert send_notification.apply(args=(sms_row.id,)).get() == "uncertain"
    sms_row.refresh_from_db()
    assert (sms_row.state, sms_row.handed_at, sms_row.provider_id) == (State.SENDING, T0, "")
    assert len(twilio.calls) == 1  # no retry
    taken = {
        **twilio_message("SM" + "8" * 32, status="sent"),
        "body": sms_row.body,
        "to": sms_row.to,
        "date_created": "Fri, 20 Nov 2026 10:00:00 +0000",
    }
    twilio.add(responses.GET, MESSAGES_URL, json=twilio_list(taken), status=200)
    services.notifications_sweep(now=T0 + timedelta(minutes=4))
    sms_row.refresh_from_db()
    assert (sms_row.state, sms_row.provider_id) == (State.SENT, "SM" + "8" * 32)
    assert [call.request.method for call in twilio.calls] == ["POST", "GET"]


def test_a_matching_message_of_another_row_is_not_taken_as_ours(killed_during_the_call, twilio, brand):
    row = killed_during_the_call
    resend = Notification.objects.create(
        brand=brand,
        customer=row.customer,
        subject_key=f"{row.subject_key}:resend:1",
        trigger=row.trigger,
        channel=row.channel,
        to=row.to,
        locale=row.locale,
        body=row.body,
        state=State.SENT,
        provider_id="SM" + "9" * 32,
    )
    theirs = {
        **twilio_message(resend.provider_id, status="sent"),
        "body": row.body,
        "to": row.to,
        "date_created": "Fri, 20 Nov 2026 10:00:00 +0000",
    }
    twilio.add(responses.GET, MESSAGES_URL, json=twilio_list(theirs), status=200)
    services.notifications_sweep(now=T0 + timedelta(minutes=4))
    row.refresh_from_db()
    assert (row.state, row.provider_id) == (State.UNCONFIRMED, "")
    assert [call.request.method for call in twilio.calls] == ["GET"]  # never sent a second time


def test_due_rows_are_enqueued_even_when_twilio_cannot_be_asked(
    killed_during_the_call, twilio, brand, order, time_machine
):
    twilio.add(responses.GET, MESSAGES_URL, json={"code": 20500, "message": "Internal"}, status=500)
    due = Notification.objects.create(
        brand=brand,
        customer=order.customer,
        subject_key="order:due",
        trigger="order_confirmed",
        channel="email",
        to="ioana@example.com",
        locale="ro",
        subject="Mulțumim",
        body="…",
    )
    Notification.objects.filter(id=due.id).update(created_at=T0 - timedelta(minutes=5))
    time_machine.move_to(T0 + timedelta(minutes=4), tick=False)
    assert services.notifications_sweep(now=timezone.now()) == 1
    due.refresh_from_db()
    assert due.state == State.SENT  # in-process tasks: enqueued means sent


def test_an_email_cut_off_mid_send_is_left_for_a_person(brand, order, settings, time_machine):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    time_machine.move_to(T0, tick=False)
    row = Notification.objects.create(
        brand=brand,
        customer=order.customer,
        subject_key="order:1",
        trigger="order_confirmed",
        channel="email",
        to="ioana@example.com",
        locale="ro",
        subject="Mulțumim",
        body="…",
    )
    # What a worker killed inside the SMTP conversation leaves behind.
    Notification.objects.filter(id=row.id).update(
        state=State.SENDING, attempts=1, claimed_at=T0, handed_at=T0
    )
    services.notifications_sweep(now=T0 + timedelta(minutes=10))
    row.refresh_from_db()
    assert row.state == State.UNCONFIRMED
    assert "resend only after checking" in row.error


def test_admin_preview_renders_a_real_order(admin_client, brand, shipment):
    from notifications.models import MessageTemplate

    template = MessageTemplate.objects.create(
        brand=brand,
        trigger="shipped",
        channel="sms",
        locale="ro",
        body="{{ first_name }}: {{ tracking_number }} ș",
    )
    page = admin_client.get(f"/admin/notifications/messagetemplate/{template.id}/change/").content.decode()
    assert f"{shipment.order.customer.first_name}: {shipment.tracking_number}" in page
    assert "UCS-2" in page


def test_delivered_message_carries_recommendations(
    daytime, brand, shipment, apply_events, mailoutbox, django_capture_on_commit_callbacks
):
    from offers.models import Recommendation

    customer = shipment.order.customer
    case = factories.ProductFactory(brand=brand, title="Husă din piele", category="phone-cases")
    Recommendation.objects.create(brand=brand, customer=customer, product=case, score=1.0)
    NotificationSettings.objects.filter(brand=brand).update(disabled=["delivered:sms"])
    with django_capture_on_commit_callbacks(execute=True):
        apply_events(shipment, event(S.DELIVERED, 1))
    delivered = [m for m in mailoutbox if "Husă din piele" in m.body]
    assert len(delivered) == 1


def test_other_messages_do_not_carry_them(
    daytime, brand, shipment, apply_events, mailoutbox, django_capture_on_commit_callbacks
):
    from offers.models import Recommendation

    case = factories.ProductFactory(brand=brand, title="Husă din piele")
    Recommendation.objects.create(brand=brand, customer=shipment.order.customer, product=case, score=1.0)
    with django_capture_on_commit_callbacks(execute=True):
        apply_events(shipment, event(S.IN_TRANSIT, 1))
    assert mailoutbox
    assert all("Husă din piele" not in m.body for m in mailoutbox)
