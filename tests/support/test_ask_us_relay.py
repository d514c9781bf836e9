"""Ask us is not a mail relay: a stranger's words never reach an address nobody proved, and no
address gets more than a few acknowledgements a day, however many clients ask."""

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client

from support.models import Case
from support.services import ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY
from tests import factories

pytestmark = pytest.mark.django_db

ASK = "/casa-verde/help/ask/"
VICTIM = "victim@example.com"
SPAM_SUBJECT = "Cheap watches at spam.example"
SPAM_BODY = "Visit https://spam.example/buy now, best prices!"
SPAM_NAME = "Spam Example Shop"


def spam(n: int) -> dict[str, str]:
    return {
        "name": f"{SPAM_NAME} {n}",
        "email": VICTIM,
        "subject": f"{SPAM_SUBJECT} #{n}",
        "message": SPAM_BODY,
        "website": "",
        "tracking": "",
    }


def post_from_many_addresses(brand: Any, captured: Any, times: int) -> list[int]:
    answers = []
    for n in range(times):
        with captured(execute=True):
            answers.append(Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post(ASK, spam(n)).status_code)
    return answers


def assert_no_spam_in(messages: list[Any]) -> None:
    for message in messages:
        text = f"{message.subject}\n{message.body}"
        for alternative, _mime in getattr(message, "alternatives", []):
            text += str(alternative)
        assert "spam.example" not in text
        assert SPAM_SUBJECT not in text
        assert SPAM_NAME not in text


def test_forty_posts_to_one_victim_send_at_most_the_days_share_quoting_nothing(
    brand: Any, django_capture_on_commit_callbacks: Any
) -> None:
    answers = post_from_many_addresses(brand, django_capture_on_commit_callbacks, 40)

    to_victim = [m for m in mail.outbox if VICTIM in m.to]
    assert 0 < len(to_victim) <= ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY
    assert_no_spam_in(to_victim)
    # Every question that was accepted is there for the agents, words and all.
    accepted = answers.count(200)
    assert accepted >= ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY
    assert Case.objects.filter(email=VICTIM).count() == accepted
    assert Case.objects.filter(email=VICTIM, subject__startswith=SPAM_SUBJECT).count() == accepted


def test_the_daily_share_is_counted_in_the_database_not_by_the_limiter(
    settings: Any, brand: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # As when the shared limiter is gone and every web process counts on its own.
    settings.RATELIMIT_ENABLE = False

    answers = post_from_many_addresses(brand, django_capture_on_commit_callbacks, 40)

    assert answers == [200] * 40
    assert Case.objects.filter(email=VICTIM).count() == 40
    to_victim = [m for m in mail.outbox if VICTIM in m.to]
    assert len(to_victim) == ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY
    assert_no_spam_in(to_victim)


def test_the_share_is_per_address_across_brands(
    settings: Any, brand: Any, other_brand: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.RATELIMIT_ENABLE = False
    for n, slug in enumerate(["casa-verde", "northwind"] * 3):
        with django_capture_on_commit_callbacks(execute=True):
            Client().post(f"/{slug}/help/ask/", spam(n))

    assert len([m for m in mail.outbox if VICTIM in m.to]) == ACKNOWLEDGEMENTS_PER_ADDRESS_PER_DAY


def test_an_unproven_address_gets_a_link_that_confirms_it(
    client: Any, brand: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK + "?lang=en", spam(1))
    case = Case.objects.get()
    [sent] = mail.outbox
    link = re.search(r"http://\S+/confirm/\S+/", sent.body)
    assert case.reference in sent.subject
    assert link is not None
    assert case.email_confirmed_at is None

    opened = Client().get(urlsplit(link.group(0)).path)

    assert opened.status_code == 302
    assert opened["Location"] == f"/casa-verde/help/case/{case.token}/"
    case.refresh_from_db()
    assert case.email_confirmed_at is not None


@pytest.mark.parametrize("code", ["x", "a" * 400, ".eJxTKlYqzs9NLcnMz1OyUjI0M1DSUcrNT0rNAQBjOwdj:bad:sig"])
def test_a_forged_confirmation_link_is_not_found(client: Any, brand: Any, code: str) -> None:
    case = Case.objects.create(brand=brand, kind="question", subject="s", email=VICTIM)

    response = client.get(f"/casa-verde/help/case/{case.token}/confirm/{code}/")

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.email_confirmed_at is None


def test_the_address_on_file_for_the_tracked_order_gets_the_message_quoted(
    client: Any, brand: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.CustomerFactory(brand=brand, email="ioana@example.com", locale="en")
    order = factories.OrderFactory(brand=brand, customer=customer)
    data = {
        **spam(1),
        "email": "Ioana@Example.com",
        "subject": "Change my address?",
        "tracking": order.tracking_token,
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, data)

    [sent] = mail.outbox
    assert sent.to == ["ioana@example.com"]
    assert "Change my address?" in sent.body


def test_a_tracking_token_does_not_vouch_for_another_address(
    client: Any, brand: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer = factories.CustomerFactory(brand=brand, email="ioana@example.com", locale="en")
    order = factories.OrderFactory(brand=brand, customer=customer)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(ASK, {**spam(1), "tracking": order.tracking_token})

    [sent] = mail.outbox
    assert sent.to == [VICTIM]
    assert_no_spam_in([sent])
