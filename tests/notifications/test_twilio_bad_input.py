"""Twilio status callbacks and inbound SMS: bad input is a short 4xx, never a 500, and writes nothing.

X-Twilio-Signature is computed here from Twilio's documented algorithm, not with the library the
endpoint uses: base64(HMAC-SHA1(auth token, URL + every parameter name followed by its value, names
sorted, and for a repeated name its values sorted)).
"""

import base64
import hashlib
import hmac
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode

import pytest
import responses
from django.core.files.uploadedfile import SimpleUploadedFile

from notifications.models import Notification, NotificationSettings, State
from orders.models import Customer
from tests.notifications.test_delivery import MESSAGES_URL, SID, TOKEN, twilio_message
from tests.tracking.conftest import event
from tracking.statuses import ShipmentStatus as S

SITE = "https://pp.example.com"
STATUS = "/webhooks/twilio/status/"
INBOUND = "/webhooks/twilio/inbound/"
FORM = "application/x-www-form-urlencoded"
MAX_BODY = 16 * 1024
BRAND_NUMBER = "+40212345678"


def twilio_signature(url: str, pairs: list[tuple[str, str]]) -> str:
    data = url
    for name in sorted({name for name, _ in pairs}):
        for value in sorted({value for key, value in pairs if key == name}):
            data += name + value
    return base64.b64encode(hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()).decode()


@pytest.fixture
def sent_sms(settings, brand, shipment, apply_events, django_capture_on_commit_callbacks):
    """An SMS Twilio accepted (state sent, with its MessageSid), to a customer who consents."""
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    settings.SITE_URL = SITE
    settings.WEBHOOK_MAX_BODY_BYTES = MAX_BODY
    brand.sms_from_number = BRAND_NUMBER
    brand.save()
    NotificationSettings.objects.create(
        brand=brand, quiet_hours_start=0, quiet_hours_end=0, sms_per_second=100, sms_collapse_seconds=0
    )
    with responses.RequestsMock(assert_all_requests_are_fired=False) as twilio:
        twilio.add(responses.POST, MESSAGES_URL, json=twilio_message(), status=201)
        with django_capture_on_commit_callbacks(execute=True):
            apply_events(shipment, event(S.OUT_FOR_DELIVERY, 1))
    sms = Notification.objects.get(channel="sms")
    assert sms.state == State.SENT
    assert sms.provider_id
    return sms


def state() -> list[tuple]:
    return sorted(
        [
            *Notification.objects.values_list("id", "state", "provider_id", "error_code", "error"),
            *Customer.objects.values_list("id", "sms_consent", "phone"),
        ],
        key=str,
    )


def status_params(sms: Notification) -> str:
    return urlencode({"MessageSid": sms.provider_id, "MessageStatus": "undelivered", "AccountSid": SID})


def inbound_params(sms: Notification) -> str:
    phone = sms.customer.phone
    return urlencode({"From": phone, "To": BRAND_NUMBER, "Body": "STOP", "AccountSid": SID})


# name → builder(valid form text) → (body, content type or None)
BadInput = Callable[[str], tuple[bytes, str | None]]
BAD_INPUTS: dict[str, BadInput] = {
    "empty body": lambda form: (b"", FORM),
    "raw NUL byte": lambda form: (form.encode() + b"&ErrorCode=3\x00", FORM),
    "percent-encoded NUL": lambda form: (form.encode() + b"&ErrorCode=30003%00&Note=%00", FORM),
    "NUL in the first value": lambda form: (form.replace("=", "=%00", 1).encode(), FORM),
    "raw invalid UTF-8": lambda form: (form.encode() + b"&Body=\xff\xfe", FORM),
    "percent-encoded invalid UTF-8": lambda form: (form.encode() + b"&Body=%FF%FE", FORM),
    "malformed form": lambda form: (form.encode() + b"&&=&novalue", FORM),
    "too many fields": lambda form: (form.encode() + b"".join(b"&f%d=1" % i for i in range(1100)), FORM),
    "oversized body": lambda form: (form.encode() + b"&Body=" + b"a" * MAX_BODY, FORM),
    "JSON body": lambda form: (b'{"MessageSid": "SM1", "MessageStatus": "delivered"}', "application/json"),
    "form without a content type": lambda form: (form.encode(), None),
    "form sent as text/plain": lambda form: (form.encode(), "text/plain"),
    "multipart body": lambda form: (
        b'--b\r\nContent-Disposition: form-data; name="MessageSid"\r\n\r\nSM1\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
    ),
    "multipart without a boundary": lambda form: (b"--b\r\n\r\n", "multipart/form-data"),
    "missing every parameter": lambda form: (b"AccountSid=" + SID.encode(), FORM),
}


def post(client, path: str, body: bytes, content_type: str | None, *, signed: bool):
    try:
        pairs = parse_qsl(body.decode("latin-1"), keep_blank_values=True)
    except ValueError:
        pairs = []
    signature = twilio_signature(f"{SITE}{path}", pairs) if signed else "bm90IGEgc2lnbmF0dXJl"
    meta = {"HTTP_X_TWILIO_SIGNATURE": signature}
    if content_type is not None:
        meta["CONTENT_TYPE"] = content_type
    return client.generic("POST", path, body, **meta)


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize("bad", list(BAD_INPUTS), ids=list(BAD_INPUTS))
@pytest.mark.parametrize("path", [STATUS, INBOUND], ids=["status", "inbound"])
def test_bad_input_is_a_short_4xx_and_writes_nothing(client, sent_sms, path, bad, signed):
    form = status_params(sent_sms) if path == STATUS else inbound_params(sent_sms)
    body, content_type = BAD_INPUTS[bad](form)
    before = state()
    response = post(client, path, body, content_type, signed=signed)
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:200])
    assert 0 < len(response.json()["detail"]) <= 200
    assert state() == before


@pytest.mark.parametrize("path", [STATUS, INBOUND], ids=["status", "inbound"])
def test_the_valid_form_behind_the_table_is_applied(client, sent_sms, path):
    form = status_params(sent_sms) if path == STATUS else inbound_params(sent_sms)
    response = post(client, path, form.encode(), FORM, signed=True)
    assert response.status_code == 200, response.content
    sent_sms.refresh_from_db()
    if path == STATUS:
        assert sent_sms.state == State.UNDELIVERED
    else:
        assert sent_sms.customer.sms_consent is False


def test_repeated_parameters_are_signed_as_twilio_signs_them(client, sent_sms):
    """Twilio signs every value of a repeated name; keeping only the last would refuse a real call."""
    pairs = [
        ("MessageSid", sent_sms.provider_id),
        ("MessageStatus", "delivered"),
        ("AccountSid", SID),
        ("ChannelPrefix", "sms"),
        ("ChannelPrefix", "messaging"),
    ]
    response = client.post(
        STATUS,
        urlencode(pairs),
        content_type=FORM,
        HTTP_X_TWILIO_SIGNATURE=twilio_signature(f"{SITE}{STATUS}", pairs),
    )
    assert response.status_code == 200, response.content
    sent_sms.refresh_from_db()
    assert sent_sms.state == State.DELIVERED


@pytest.mark.parametrize(
    ("extra", "detail"),
    [
        ({"Media": SimpleUploadedFile("a.txt", b"x" * 100)}, "Files are not accepted."),
        ({"ErrorCode": "30003\x00"}, "Parameters must not contain NUL characters."),
    ],
    ids=["file", "NUL value"],
)
def test_signed_multipart_form_is_checked_like_a_url_encoded_one(client, sent_sms, extra, detail):
    """Twilio posts url-encoded forms; a multipart form of the same fields is held to the same rules."""
    fields = {"MessageSid": sent_sms.provider_id, "MessageStatus": "undelivered", "AccountSid": SID}
    signed_fields = {**fields, **{k: v for k, v in extra.items() if isinstance(v, str)}}
    before = state()
    response = client.post(
        STATUS,
        {**fields, **extra},
        HTTP_X_TWILIO_SIGNATURE=twilio_signature(f"{SITE}{STATUS}", list(signed_fields.items())),
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"detail": detail}
    assert state() == before


def test_unknown_message_sid_is_404_and_writes_nothing(client, sent_sms):
    pairs = [("MessageSid", "SM" + "9" * 32), ("MessageStatus", "delivered")]
    before = state()
    response = post(client, STATUS, urlencode(pairs).encode(), FORM, signed=True)
    assert response.status_code == 404
    assert response.json() == {"detail": "Unknown MessageSid."}
    assert state() == before


@pytest.mark.parametrize(
    "hint",
    ["%C2%B2", "9" * 25, "9" * 5000, "-1", "1e3"],
    ids=["superscript", "25 digits", "5000 digits", "negative", "exponent"],
)
def test_odd_notification_hint_in_the_callback_url_is_ignored(client, sent_sms, hint):
    """`?n=` is our own hint; whatever it holds, an unknown MessageSid stays a plain 404."""
    path = f"{STATUS}?n={hint}"
    pairs = [("MessageSid", "SM" + "8" * 32), ("MessageStatus", "delivered")]
    before = state()
    response = post(client, path, urlencode(pairs).encode(), FORM, signed=True)
    assert response.status_code == 404, response.content[:200]
    assert state() == before


def test_inbound_without_a_sender_is_refused(client, sent_sms):
    """An empty From must not reach the consent rules (it would match customers without a phone)."""
    pairs = [("From", ""), ("To", BRAND_NUMBER), ("Body", "STOP")]
    before = state()
    response = post(client, INBOUND, urlencode(pairs).encode(), FORM, signed=True)
    assert response.status_code == 400
    assert response.json() == {"detail": "From and To are required."}
    assert state() == before
