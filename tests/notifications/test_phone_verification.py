"""A tracking link cannot change the shopper's number: a code texted to the new number must come back."""

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest
import responses
import time_machine

from notifications.models import ContactVerification, Notification
from notifications.verification import CODE_TTL, MAX_ATTEMPTS, MAX_CODES
from orders.models import ConsentRecord
from orders.services import consent_record
from tests import factories
from tests.notifications.test_delivery import MESSAGES_URL, SID, TOKEN, twilio_message

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
NEW_NUMBER = "+40744555666"


@pytest.fixture(autouse=True)
def twilio(settings):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
        yield mock


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def texts(twilio) -> list[dict[str, str]]:
    """The SMS handed to Twilio: To and Body of each."""
    sent = []
    for call in twilio.calls:
        form = parse_qs(call.request.body)
        sent.append({"to": form["To"][0], "body": form["Body"][0]})
    return sent


def code_in(text: dict[str, str]) -> str:
    return next(word for word in text["body"].replace(".", " ").split() if word.isdigit() and len(word) == 6)


def base(shipment) -> str:
    return f"/{shipment.brand.slug}/track/{shipment.token}/"


def ask(client, shipment, phone: str = "0744 555 666"):
    return client.post(f"{base(shipment)}sms/", {"phone": phone})


def confirm(client, shipment, code: str):
    return client.post(f"{base(shipment)}sms/confirm/", {"code": code})


def on_file(shipment) -> tuple[str, bool]:
    customer = shipment.order.customer
    customer.refresh_from_db()
    return customer.phone, customer.sms_consent


def test_a_link_holder_cannot_replace_the_number_on_file(client, shipment, twilio):
    """The hole: posting a number used to overwrite the customer's phone for all their orders."""
    before = on_file(shipment)
    response = ask(client, shipment)
    assert response.status_code == 302
    assert response["Location"].endswith("?sms=code#sms-optin")
    assert on_file(shipment) == before  # nothing changes until the code comes back
    assert [text["to"] for text in texts(twilio)] == [NEW_NUMBER]  # only the new number hears of it


def test_the_number_changes_once_the_code_texted_to_it_comes_back(client, shipment, twilio):
    ask(client, shipment)
    code = code_in(texts(twilio)[0])
    response = confirm(client, shipment, f" {code[:3]} {code[3:]} ")
    assert response["Location"].endswith("?sms=on#sms-optin")
    assert on_file(shipment) == (NEW_NUMBER, True)
    said = ConsentRecord.objects.filter(customer=shipment.order.customer, channel="sms").first()
    assert said is not None
    assert (said.source, said.granted) == ("shopper_form", True)


def test_adding_a_first_number_needs_the_code_too(client, shipment, twilio):
    customer = shipment.order.customer
    customer.phone = ""
    customer.save(update_fields=["phone"])
    ask(client, shipment)
    assert on_file(shipment)[0] == ""
    html = client.get(f"{base(shipment)}?sms=code&lang=en").content.decode()
    assert 'name="code"' in html
    assert "We texted a 6-digit code" in html
    confirm(client, shipment, code_in(texts(twilio)[0]))
    assert on_file(shipment)[0] == NEW_NUMBER


def test_only_a_hash_of_the_code_is_kept(client, shipment, twilio):
    ask(client, shipment)
    code = code_in(texts(twilio)[0])
    row = ContactVerification.objects.get()
    assert code not in row.code_hash
    assert len(row.code_hash) == 64
    outbox = Notification.objects.get(trigger="verification_code")
    assert (outbox.to, outbox.state, outbox.channel) == (NEW_NUMBER, "sent", "sms")
    assert code not in outbox.body


def test_wrong_code_writes_nothing(client, shipment, twilio):
    before = on_file(shipment)
    ask(client, shipment)
    code = code_in(texts(twilio)[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for junk in (wrong, "abcdef", "", "1" * 12):
        response = confirm(client, shipment, junk)
        assert response.status_code == 302
        assert response["Location"].endswith("?sms=wrong#sms-optin")
    assert on_file(shipment) == before
    assert not ConsentRecord.objects.filter(source="shopper_form").exists()


def test_expired_code_is_refused(client, shipment, twilio, frozen):
    before = on_file(shipment)
    ask(client, shipment)
    code = code_in(texts(twilio)[0])
    frozen.move_to(NOW + CODE_TTL + timedelta(seconds=1))
    assert confirm(client, shipment, code)["Location"].endswith("?sms=expired#sms-optin")
    assert on_file(shipment) == before


def test_too_many_attempts_lock_the_code_even_for_the_right_one(client, shipment, twilio):
    before = on_file(shipment)
    ask(client, shipment)
    code = code_in(texts(twilio)[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    states = [confirm(client, shipment, wrong)["Location"] for _ in range(MAX_ATTEMPTS)]
    assert states[-1].endswith("?sms=too_many#sms-optin")
    assert confirm(client, shipment, code)["Location"].endswith("?sms=too_many#sms-optin")
    assert on_file(shipment) == before


def test_a_used_code_cannot_be_replayed(client, shipment, twilio):
    ask(client, shipment)
    code = code_in(texts(twilio)[0])
    confirm(client, shipment, code)
    records = ConsentRecord.objects.count()
    customer = shipment.order.customer
    customer.phone = "+40721234567"
    customer.save(update_fields=["phone"])
    assert confirm(client, shipment, code)["Location"].endswith("?sms=used#sms-optin")
    assert on_file(shipment)[0] == "+40721234567"
    assert ConsentRecord.objects.count() == records


def test_a_new_code_replaces_the_old_one(client, shipment, twilio):
    ask(client, shipment)
    first = code_in(texts(twilio)[0])
    ask(client, shipment, "0755 111 222")
    second = code_in(texts(twilio)[1])
    if first != second:
        assert confirm(client, shipment, first)["Location"].endswith("?sms=wrong#sms-optin")
    confirm(client, shipment, second)
    assert on_file(shipment)[0] == "+40755111222"


def test_codes_are_rate_limited_per_shopper(client, shipment, twilio, frozen):
    for _ in range(MAX_CODES):
        assert ask(client, shipment)["Location"].endswith("?sms=code#sms-optin")
    assert ask(client, shipment)["Location"].endswith("?sms=limited#sms-optin")
    assert len(texts(twilio)) == MAX_CODES
    assert ContactVerification.objects.count() == MAX_CODES
    frozen.move_to(NOW + timedelta(minutes=31))
    assert ask(client, shipment)["Location"].endswith("?sms=code#sms-optin")


def test_another_brands_token_is_404_and_sends_nothing(client, shipment, other_brand, twilio):
    before = on_file(shipment)
    factories.OrderFactory(brand=other_brand)
    assert (
        client.post(f"/{other_brand.slug}/track/{shipment.token}/sms/", {"phone": "0744555666"}).status_code
        == 404
    )
    assert (
        client.post(
            f"/{other_brand.slug}/track/{shipment.token}/sms/confirm/", {"code": "123456"}
        ).status_code
        == 404
    )
    assert texts(twilio) == []
    assert on_file(shipment) == before


def test_a_code_for_one_shopper_does_not_work_on_another_shoppers_link(client, shipment, brand, twilio):
    ask(client, shipment)
    code = code_in(texts(twilio)[0])
    stranger_order = factories.OrderFactory(brand=brand, customer=factories.CustomerFactory(brand=brand))
    stranger_url = f"/{brand.slug}/track/{stranger_order.tracking_token}/sms/confirm/"
    assert client.post(stranger_url, {"code": code})["Location"].endswith("?sms=used#sms-optin")
    stranger_order.customer.refresh_from_db()
    assert stranger_order.customer.phone != NEW_NUMBER


def test_provider_refusal_is_a_clear_message_and_no_open_code(client, shipment, twilio):
    twilio.replace(
        responses.POST,
        MESSAGES_URL,
        json={"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400},
        status=400,
    )
    assert ask(client, shipment)["Location"].endswith("?sms=unsent#sms-optin")
    row = ContactVerification.objects.get()
    assert row.expires_at <= NOW


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "We texted a 6-digit code"),
        ("ro", "Am trimis prin SMS un cod"),
        ("pl", "Wysłaliśmy SMS-em 6-cyfrowy kod"),
        ("ru", "Мы отправили по SMS 6-значный код"),
    ],
)
def test_the_code_form_speaks_the_shoppers_language(client, shipment, lang, words):
    consent_record(customer_id=shipment.order.customer_id, channel="sms", granted=False, source="sms_reply")
    html = client.get(f"{base(shipment)}?sms=code&lang={lang}").content.decode()
    assert words in html


def test_the_code_sms_is_in_the_shoppers_language(client, shipment, twilio):
    customer = shipment.order.customer
    customer.locale = "ro"
    customer.save(update_fields=["locale"])
    ask(client, shipment)
    assert "codul tău este" in texts(twilio)[0]["body"]
