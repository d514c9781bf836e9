"""What a provider's refusal or outage leaves on the outbox row: permanent errors fail at once with
their code, transient ones are retried by the task and fail after the last attempt."""

import socket
import threading

import pytest
import requests
import responses
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from notifications import services
from notifications.models import Notification, NotificationSettings, State
from notifications.tasks import send_notification
from tests.notifications.test_delivery import MESSAGES_URL, SID, TOKEN, twilio_message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """An SMTP server's handler: accepts, refuses the recipient, or answers DATA with a 421."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.delivered: list[Envelope] = []

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options):
        if self.mode == "refuse":
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.mode == "unavailable":
            return "421 4.3.2 Service not available, closing transmission channel"
        self.delivered.append(envelope)
        return "250 2.0.0 Ok: queued"


@pytest.fixture
def smtp(settings):
    """A real SMTP server on loopback; `smtp(mode)` starts it and points the email backend at it."""
    started: list[Controller] = []

    def start(mode: str) -> Mailbox:
        mailbox = Mailbox(mode)
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        started.append(controller)
        settings.EMAIL_PORT = controller.port
        return mailbox

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL = "127.0.0.1", False, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def hangs_up(settings):
    """A server that takes the connection and closes it without a word, as a crashing relay does."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", listener.getsockname()[1]
    settings.EMAIL_USE_TLS, settings.EMAIL_USE_SSL, settings.EMAIL_TIMEOUT = False, False, 10
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield
    stop.set()
    thread.join(timeout=5)
    listener.close()


def outbox_row(brand, order, channel: str) -> Notification:
    customer = order.customer
    return Notification.objects.create(
        brand=brand,
        customer=customer,
        subject_key=f"order:{order.id}",
        trigger="order_confirmed",
        channel=channel,
        to=customer.email if channel == "email" else "+40721234567",
        locale="ro",
        subject="Mulțumim pentru comandă",
        body="Comanda #1001 a fost primită.",
    )


@pytest.mark.django_db
def test_an_accepted_email_is_recorded_as_sent(smtp, brand, order):
    mailbox = smtp("accept")
    row = outbox_row(brand, order, "email")
    assert services.notification_deliver(notification_id=row.id) == "sent"
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.SENT, 1)
    assert mailbox.delivered[0].rcpt_tos == ["ioana@example.com"]
    assert row.provider_id in mailbox.delivered[0].content.decode()


@pytest.mark.django_db
def test_a_refused_recipient_fails_at_once_with_its_reason(smtp, brand, order):
    smtp("refuse")
    row = outbox_row(brand, order, "email")
    send_notification.apply(args=(row.id,))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error_code) == (State.FAILED, 1, "recipient_refused")
    assert row.error == "Recipient refused"


@pytest.mark.django_db
def test_an_smtp_server_that_is_unavailable_is_retried_then_given_up(smtp, brand, order):
    smtp("unavailable")
    row = outbox_row(brand, order, "email")
    send_notification.apply(args=(row.id,))  # in-process: every retry runs at once
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, services.MAX_ATTEMPTS)
    assert row.error == f"Gave up after {services.MAX_ATTEMPTS} attempts: Email backend failed: SMTPDataError"


@pytest.mark.django_db
def test_an_smtp_server_that_hangs_up_is_a_transient_failure(hangs_up, brand, order):
    row = outbox_row(brand, order, "email")
    with pytest.raises(services.ChannelUnavailable):
        services.notification_deliver(notification_id=row.id)
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.PENDING, 1)
    assert row.error == "Email backend failed: SMTPServerDisconnected"


@pytest.mark.django_db
def test_no_smtp_server_at_all_is_a_transient_failure(settings, brand, order):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    row = outbox_row(brand, order, "email")
    with pytest.raises(services.ChannelUnavailable):
        services.notification_deliver(notification_id=row.id)
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error) == (
        State.PENDING,
        1,
        "Email backend failed: ConnectionRefusedError",
    )


@pytest.fixture
def twilio(settings, brand):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    brand.sms_from_number = "+40212345678"
    brand.save()
    NotificationSettings.objects.create(
        brand=brand, quiet_hours_start=0, quiet_hours_end=0, sms_per_second=100
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "message"),
    [
        (21211, "The 'To' number +4072 is not a valid phone number."),
        (21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number"),
        (21610, "Attempt to send to unsubscribed recipient"),
    ],
)
def test_a_twilio_4xx_fails_at_once_with_its_code(twilio, brand, order, code, message):
    error = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": 400,
    }
    twilio.add(responses.POST, MESSAGES_URL, json=error, status=400)
    row = outbox_row(brand, order, "sms")
    send_notification.apply(args=(row.id,))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.error_code) == (State.FAILED, 1, str(code))
    assert row.error == f"Twilio 400: Unable to create record: {message}"
    assert len(twilio.calls) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answer", "recorded"),
    [
        (
            {"status": 500, "json": {"code": 20500, "message": "Internal Server Error", "status": 500}},
            "Twilio 500 20500",
        ),
        (
            {"status": 503, "json": {"code": 20503, "message": "Service Unavailable", "status": 503}},
            "Twilio 503 20503",
        ),
        (
            {"status": 429, "json": {"code": 20429, "message": "Too Many Requests", "status": 429}},
            "Twilio 429 20429",
        ),
        (
            {"body": requests.exceptions.ConnectTimeout("connect timed out")},
            "Twilio unreachable: ConnectTimeout",
        ),
        ({"body": requests.exceptions.ConnectionError("refused")}, "Twilio unreachable: ConnectionError"),
    ],
)
def test_a_twilio_5xx_or_timeout_is_retried_then_given_up(twilio, brand, order, answer, recorded):
    twilio.add(responses.POST, MESSAGES_URL, **answer)
    row = outbox_row(brand, order, "sms")
    send_notification.apply(args=(row.id,))  # in-process: every retry runs at once
    row.refresh_from_db()
    assert (row.state, row.attempts) == (State.FAILED, services.MAX_ATTEMPTS)
    assert row.error.startswith(f"Gave up after {services.MAX_ATTEMPTS} attempts: {recorded}")
    assert len(twilio.calls) == services.MAX_ATTEMPTS


@pytest.mark.django_db
def test_a_transient_twilio_failure_then_success_is_sent_once(twilio, brand, order):
    twilio.add(responses.POST, MESSAGES_URL, json={"code": 20503, "message": "Unavailable"}, status=503)
    twilio.add(responses.POST, MESSAGES_URL, json=twilio_message("SM" + "4" * 32), status=201)
    row = outbox_row(brand, order, "sms")
    send_notification.apply(args=(row.id,))
    row.refresh_from_db()
    assert (row.state, row.attempts, row.provider_id, row.error) == (State.SENT, 2, "SM" + "4" * 32, "")
