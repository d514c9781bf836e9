"""Every carrier and store webhook answers malformed input with a short 4xx and writes nothing.

Each bad body is sent twice: unsigned (stopped at the door, only a small record of the call is
kept) and correctly signed with the provider's real scheme, so the parser itself is reached.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from brands.services import webhook_secret_set
from notifications.models import Notification
from orders.models import Customer, Order
from tests.tracking.payloads import as_meta, load, shippo_url_query, sign
from tracking.models import InboundWebhook, Shipment, TrackingEvent

SECRET = "whsec-bad-input-3f9a"
MAX_BODY = 64 * 1024
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Endpoint:
    provider: str
    fixture: str
    needle: bytes  # a JSON string literal in the fixture that the endpoint stores when it succeeds
    extra_headers: tuple[tuple[str, str], ...] = ()


ENDPOINTS = [
    Endpoint("easypost", "tracker_updated_in_transit", b'"1Z4F82E30391846127"'),
    Endpoint("aftership", "tracking_update_in_transit", b'"05212345678901"'),
    Endpoint("shippo", "track_updated_delivered", b'"JD014600006281230704"'),
    Endpoint("shopify", "orders_create", b'"Ioana Pop"', (("X-Shopify-Topic", "orders/create"),)),
]


def _inject(endpoint: Endpoint, suffix: bytes) -> bytes:
    """The endpoint's valid payload with `suffix` written inside its stored string."""
    body = load(endpoint.provider, endpoint.fixture)
    assert endpoint.needle in body
    return body.replace(endpoint.needle, endpoint.needle[:-1] + suffix + b'"', 1)


def _with_extra_key(endpoint: Endpoint, member: bytes) -> bytes:
    """The endpoint's valid payload with one more member in front of its top-level object."""
    body = load(endpoint.provider, endpoint.fixture).lstrip()
    assert body.startswith(b"{")
    return b"{" + member + b"," + body[1:]


# name → (body builder, content type); None as content type sends none at all.
BAD_INPUTS: dict[str, tuple[Callable[[Endpoint], bytes], str | None]] = {
    "empty body": (lambda e: b"", JSON),
    "whitespace only": (lambda e: b"  \n ", JSON),
    "raw NUL byte": (lambda e: b'{"event":"\x00"}', JSON),
    "NUL byte inside a stored string": (lambda e: _inject(e, b"\x00"), JSON),
    "escaped NUL inside a stored string": (lambda e: _inject(e, b"\\u0000"), JSON),
    "lone surrogate inside a stored string": (lambda e: _inject(e, b"\\ud800"), JSON),
    "100k opening brackets": (lambda e: b"[" * 100_000, JSON),
    "100k nested objects": (lambda e: b'{"a":' * 100_000 + b"1" + b"}" * 100_000, JSON),
    "nested deeper than any provider": (
        lambda e: _with_extra_key(e, b'"x":' + b"[" * 200 + b"]" * 200),
        JSON,
    ),
    "huge exponent": (lambda e: _with_extra_key(e, b'"x":1e999999'), JSON),
    "100k-digit integer": (lambda e: _with_extra_key(e, b'"x":' + b"7" * 100_000), JSON),
    "NaN literal": (lambda e: _with_extra_key(e, b'"x":NaN'), JSON),
    "Infinity literal": (lambda e: _with_extra_key(e, b'"x":-Infinity'), JSON),
    "invalid UTF-8": (lambda e: _inject(e, b"\xff\xfe\xc3"), JSON),
    "UTF-16 instead of UTF-8": (lambda e: load(e.provider, e.fixture).decode().encode("utf-16"), JSON),
    "duplicate keys": (lambda e: _with_extra_key(e, b'"dup":1,"dup":2'), JSON),
    "array instead of object": (lambda e: b"[]", JSON),
    "bare string": (lambda e: b'"hello"', JSON),
    "truncated JSON": (lambda e: load(e.provider, e.fixture)[:-10], JSON),
    "form-encoded body": (lambda e: b"event=tracking_update&tracking_number=1Z", FORM),
    "JSON sent as form": (lambda e: load(e.provider, e.fixture), FORM),
    "JSON sent as text/plain": (lambda e: load(e.provider, e.fixture), "text/plain"),
    "JSON without a content type": (lambda e: load(e.provider, e.fixture), None),
    "multipart body": (
        lambda e: b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n',
        "multipart/form-data; boundary=b",
    ),
    "oversized body": (lambda e: b'{"x":"' + b"a" * MAX_BODY + b'"}', JSON),
}


@pytest.fixture
def brand_with_secrets(brand: Any, settings: Any) -> Any:
    settings.WEBHOOK_MAX_BODY_BYTES = MAX_BODY
    for endpoint in ENDPOINTS:
        webhook_secret_set(brand=brand, provider=endpoint.provider, secret=SECRET)
    return brand


def _domain_counts() -> dict[str, int]:
    return {
        "orders": Order.objects.count(),
        "customers": Customer.objects.count(),
        "shipments": Shipment.objects.count(),
        "events": TrackingEvent.objects.count(),
        "notifications": Notification.objects.count(),
    }


def _post(
    client: Any, brand: Any, endpoint: Endpoint, body: bytes, content_type: str | None, *, signed: bool
):
    url = f"/webhooks/{endpoint.provider}/{brand.slug}/"
    headers = dict(endpoint.extra_headers)
    if signed and endpoint.provider == "shippo":
        url += "?" + "&".join(f"{k}={v}" for k, v in shippo_url_query(SECRET).items())
    elif signed:
        headers.update(sign(endpoint.provider, SECRET, body))
    else:
        headers.update(sign(endpoint.provider, "not-the-secret", body, timestamp=0))
    meta = as_meta(headers)
    if content_type is not None:
        meta["CONTENT_TYPE"] = content_type
    return client.generic("POST", url, body, **meta)


@pytest.mark.parametrize("signed", [False, True], ids=["unsigned", "signed"])
@pytest.mark.parametrize("bad", list(BAD_INPUTS), ids=list(BAD_INPUTS))
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.provider for e in ENDPOINTS])
def test_bad_input_is_a_short_4xx_and_writes_nothing(client, brand_with_secrets, endpoint, bad, signed):
    build, content_type = BAD_INPUTS[bad]
    body = build(endpoint)
    before = _domain_counts()

    response = _post(client, brand_with_secrets, endpoint, body, content_type, signed=signed)

    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    answer = response.json()
    assert answer["result"] in {"rejected", "invalid"}
    assert 0 < len(answer["detail"]) <= 200
    assert _domain_counts() == before
    record = InboundWebhook.objects.get()
    assert record.result in {"rejected", "invalid"}
    assert record.error
    if not signed:
        assert record.body == ""
        assert record.signature_valid is not True  # refused before or at the signature
    assert record.body_size == min(len(body), MAX_BODY + 1)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.provider for e in ENDPOINTS])
def test_the_valid_payload_behind_the_table_is_accepted(client, brand_with_secrets, endpoint):
    """The table's bodies are broken copies of a payload the endpoint takes as it is."""
    body = load(endpoint.provider, endpoint.fixture)
    response = _post(client, brand_with_secrets, endpoint, body, JSON, signed=True)
    assert response.status_code == 202, response.content
    assert response.json()["result"] == "received"
    record = InboundWebhook.objects.get()
    assert record.signature_valid is True
    # Understood by the worker: the store's order is created; the carriers' parcels are not known here.
    assert record.result == ("processed" if endpoint.provider == "shopify" else "unmatched")
    assert record.body.encode() == body


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[e.provider for e in ENDPOINTS])
def test_unsigned_call_keeps_no_body_and_no_signature(client, brand_with_secrets, endpoint):
    body = load(endpoint.provider, endpoint.fixture)
    response = _post(client, brand_with_secrets, endpoint, body, JSON, signed=False)
    assert response.status_code == 401
    record = InboundWebhook.objects.get()
    assert (record.body, record.signature_valid, record.result) == ("", False, "rejected")
    assert record.body_size == len(body)
    presented = next(iter(sign(endpoint.provider, "not-the-secret", body, timestamp=0).values()))
    assert presented not in str(record.headers)
    assert record.headers.get("content-type") == JSON


@pytest.mark.parametrize("value", ["nul\x00here", "surrogate\ud800"], ids=["nul", "surrogate"])
def test_garbled_headers_are_kept_readable(client, brand_with_secrets, value):
    endpoint = ENDPOINTS[3]
    body = load(endpoint.provider, endpoint.fixture)
    response = client.post(
        f"/webhooks/shopify/{brand_with_secrets.slug}/",
        data=body,
        content_type=JSON,
        HTTP_USER_AGENT=value,
        HTTP_X_SHOPIFY_TOPIC=value,
        **as_meta(sign("shopify", SECRET, body)),
    )
    assert response.status_code == 202
    record = InboundWebhook.objects.get()
    assert record.topic.startswith(value[:3])
    assert "\x00" not in record.topic
    assert "\x00" not in record.headers["user-agent"]


@pytest.mark.parametrize(
    "bad", ["escaped NUL inside a stored string", "lone surrogate inside a stored string", "duplicate keys"]
)
def test_stored_bad_body_reprocessed_from_the_admin_stays_invalid(admin_client, brand_with_secrets, bad):
    """A verified but refused body is kept for inspection; re-processing it refuses it again."""
    endpoint = ENDPOINTS[0]
    body = BAD_INPUTS[bad][0](endpoint)
    assert _post(admin_client, brand_with_secrets, endpoint, body, JSON, signed=True).status_code == 400
    record = InboundWebhook.objects.get()
    assert record.body.encode() == body
    before = _domain_counts()
    response = admin_client.post(
        "/admin/tracking/inboundwebhook/",
        {"action": "reprocess", "_selected_action": [record.id]},
        follow=True,
    )
    assert response.status_code == 200
    record.refresh_from_db()
    assert record.result == "invalid"
    assert _domain_counts() == before
