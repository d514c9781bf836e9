"""Cases: opened once per cause, answered through the outbox by email (and SMS with consent), the
thread kept, the shopper's reply back in the queue, and the workflow as a table."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from notifications.models import Notification, NotificationSettings
from support import services
from support.models import Author, Case, CaseStatus, FaqArticle
from tests import factories
from tests.fakes.twilio_server import FakeTwilio


def open_case(brand, **fields):
    data = {"kind": "problem", "subject": "Damaged mug", "body": "The mug arrived broken.", **fields}
    return services.case_open(brand=brand, data=services.CaseInput(**data))


@pytest.mark.django_db
def test_the_same_cause_opens_one_case(brand, order):
    first, created = open_case(brand, order_id=order.id, source_key="problem:1:damaged")
    again, created_again = open_case(brand, order_id=order.id, source_key="problem:1:damaged")
    assert created
    assert not created_again
    assert first.id == again.id
    assert Case.objects.count() == 1
    assert first.messages.count() == 1


@pytest.mark.django_db
def test_an_order_or_shipment_of_another_brand_is_refused(brand, other_brand):
    foreign = factories.OrderFactory(brand=other_brand, customer=factories.CustomerFactory(brand=other_brand))
    with pytest.raises(ValidationError):
        open_case(brand, order_id=foreign.id)
    with pytest.raises(ValidationError):
        open_case(brand, kind="nonsense", email="a@example.com")
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_an_answer_goes_out_by_email_and_sms_and_stays_in_the_thread(
    settings, brand, order, agent, django_capture_on_commit_callbacks
):
    customer = order.customer
    customer.phone, customer.sms_consent = "+40721234567", True
    customer.save()
    brand.sms_from_number = "+40212345678"
    brand.save()
    NotificationSettings.objects.update_or_create(
        brand=brand, defaults={"quiet_hours_start": 0, "quiet_hours_end": 0}
    )
    case, _ = open_case(brand, order_id=order.id, customer_id=customer.id, locale="ro")
    with FakeTwilio() as twilio:
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "a" * 32, "twilio-auth-token"
        settings.TWILIO_API_BASE_URL = twilio.url
        with django_capture_on_commit_callbacks(execute=True):
            message = services.case_reply(
                case_id=case.id, staff_id=agent.id, body="Ne pare rău! Trimitem altă cană azi."
            )
    assert message.sent_by == "email,sms"
    assert [m.subject for m in mail.outbox] == [f"Re: Damaged mug [{case.reference}]"]
    assert "Ne pare rău! Trimitem altă cană azi." in mail.outbox[0].body
    assert len(twilio.received) == 1
    assert "Trimitem altă cană azi" in twilio.received[0]["Body"]
    assert twilio.received[0]["To"] == "+40721234567"
    case.refresh_from_db()
    assert case.status == CaseStatus.WAITING
    assert case.assignee == agent
    assert case.first_response_at
    assert [m.author for m in case.messages.all()] == [Author.SHOPPER, Author.AGENT]


@pytest.mark.django_db
def test_without_sms_consent_the_answer_goes_by_email_only(brand, order, agent):
    order.customer.phone, order.customer.sms_consent = "+40721234567", False
    order.customer.save()
    case, _ = open_case(brand, order_id=order.id, customer_id=order.customer_id)
    message = services.case_reply(case_id=case.id, staff_id=agent.id, body="We are on it.")
    assert message.sent_by == "email"
    assert Notification.objects.filter(trigger="support_reply", channel="sms").count() == 0


def answer(sms: dict[str, str]) -> str:
    return sms["Body"].split(": ", 1)[1].split("\n")[0]


@pytest.mark.django_db
def test_each_answer_is_sent_once_even_when_the_task_runs_again(
    settings, brand, order, agent, django_capture_on_commit_callbacks, time_machine
):
    from notifications.services import notification_deliver, notifications_sweep

    time_machine.move_to(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=False)  # daytime in Bucharest
    brand.sms_from_number = "+40212345678"
    brand.save()
    NotificationSettings.objects.update_or_create(
        brand=brand, defaults={"quiet_hours_start": 0, "quiet_hours_end": 0, "sms_per_second": 1}
    )
    case, _ = open_case(brand, order_id=order.id, customer_id=order.customer_id)
    with FakeTwilio() as twilio:
        settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC" + "a" * 32, "twilio-auth-token"
        settings.TWILIO_API_BASE_URL = twilio.url
        with django_capture_on_commit_callbacks(execute=True):
            services.case_reply(case_id=case.id, staff_id=agent.id, body="First answer.")
            services.case_reply(
                case_id=case.id, staff_id=agent.id, body="Second answer.", status=CaseStatus.SOLVED
            )
        # The sender takes one SMS a second: the second answer waits for its moment, not retried.
        assert [answer(m) for m in twilio.received] == ["First answer."]
        for notification in Notification.objects.filter(trigger="support_reply"):
            notification_deliver(notification_id=notification.id)  # a redelivered task
        time_machine.shift(timedelta(seconds=1))
        with django_capture_on_commit_callbacks(execute=True):
            notifications_sweep(now=timezone.now() + timedelta(minutes=1))
        for notification in Notification.objects.filter(trigger="support_reply"):
            notification_deliver(notification_id=notification.id)  # and again
    assert len(mail.outbox) == 2
    assert [answer(m) for m in twilio.received] == ["First answer.", "Second answer."]
    assert set(
        Notification.objects.filter(trigger="support_reply").values_list("channel", "state", "attempts")
    ) == {("email", "sent", 1), ("sms", "sent", 1)}


@pytest.mark.django_db
def test_the_shoppers_reply_reopens_the_case(client, brand, order, agent):
    case, _ = open_case(brand, order_id=order.id, customer_id=order.customer_id)
    services.case_reply(
        case_id=case.id, staff_id=agent.id, body="Could you send a photo?", status=CaseStatus.SOLVED
    )
    services.case_note_add(case_id=case.id, staff_id=agent.id, body="Internal: carrier claim 123")
    page = client.get(f"/casa-verde/help/case/{case.token}/").content.decode()
    assert "Could you send a photo?" in page
    assert "carrier claim" not in page
    response = client.post(f"/casa-verde/help/case/{case.token}/", {"message": "Here it is."})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN
    assert case.solved_at is None
    assert case.messages.last().body == "Here it is."
    assert case.messages.last().author == Author.SHOPPER


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["nope", "x" * 65, "../../etc", "%00"])
def test_a_wrong_case_link_is_not_found(client, brand, token):
    assert client.get(f"/casa-verde/help/case/{token}/").status_code == 404


@pytest.mark.django_db
def test_a_case_link_of_another_brand_is_not_found(client, brand, other_brand):
    case, _ = open_case(other_brand, email="x@example.com")
    assert client.get(f"/casa-verde/help/case/{case.token}/").status_code == 404
    assert client.post(f"/casa-verde/help/case/{case.token}/", {"message": "hi"}).status_code == 404
    assert case.messages.count() == 1


@pytest.mark.django_db
def test_an_empty_or_huge_shopper_reply_writes_nothing(client, brand):
    case, _ = open_case(brand, email="x@example.com")
    for body in ("", "x" * 6000):
        assert client.post(f"/casa-verde/help/case/{case.token}/", {"message": body}).status_code == 400
    assert case.messages.count() == 1


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        (CaseStatus.NEW, CaseStatus.OPEN, True),
        (CaseStatus.NEW, CaseStatus.SOLVED, True),
        (CaseStatus.OPEN, CaseStatus.NEW, False),
        (CaseStatus.SOLVED, CaseStatus.OPEN, True),
        (CaseStatus.SOLVED, CaseStatus.WAITING, False),
        (CaseStatus.CLOSED, CaseStatus.SOLVED, False),
        (CaseStatus.CLOSED, CaseStatus.OPEN, True),
    ],
)
@pytest.mark.django_db
def test_status_moves_follow_the_table(brand, start, target, allowed):
    case, _ = open_case(brand, email="x@example.com")
    Case.objects.filter(id=case.id).update(status=start)
    if allowed:
        services.case_status_set(case_id=case.id, status=target)
        assert Case.objects.get(id=case.id).status == target
        assert case.messages.filter(author=Author.SYSTEM).count() == 1
    else:
        with pytest.raises(services.CaseRefused):
            services.case_status_set(case_id=case.id, status=target)
        assert Case.objects.get(id=case.id).status == start


@pytest.mark.django_db
def test_an_answer_becomes_an_unpublished_faq_draft(brand, order, agent):
    case, _ = open_case(
        brand, order_id=order.id, customer_id=order.customer_id, subject="Can I change the address?"
    )
    with pytest.raises(services.CaseRefused):
        services.faq_from_case(case_id=case.id)
    services.case_reply(
        case_id=case.id, staff_id=agent.id, body="Yes, until it ships.\n\nWrite to us <soon>."
    )
    draft = services.faq_from_case(case_id=case.id)
    assert draft.published is False
    assert draft.title == "Can I change the address?"
    assert draft.from_case == case
    assert draft.body == "<p>Yes, until it ships.</p><p>Write to us &lt;soon&gt;.</p>"
    assert draft.locale == case.locale
    assert draft.category.brand == brand
    assert FaqArticle.objects.filter(published=True, title=draft.title).count() == 0


@pytest.mark.django_db
def test_an_answer_with_an_illegal_status_move_writes_and_sends_nothing(brand, order, agent):
    case, _ = open_case(brand, order_id=order.id, customer_id=order.customer_id)
    Case.objects.filter(id=case.id).update(status=CaseStatus.CLOSED)
    with pytest.raises(services.CaseRefused):
        services.case_reply(case_id=case.id, staff_id=agent.id, body="Hi", status=CaseStatus.SOLVED)
    assert case.messages.count() == 1
    assert Notification.objects.filter(trigger="support_reply").count() == 0
