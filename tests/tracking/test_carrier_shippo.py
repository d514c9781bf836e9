"""Shippo adapter: URL token or Shippo-Auth-Signature, status tables row by row, Track parsing."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tests.tracking.payloads import load, load_json, shippo_url_query, sign
from tracking.carriers import shippo
from tracking.carriers.base import SAFE_FALLBACK_STATUS, PayloadError
from tracking.statuses import ShipmentStatus as S

SECRET = "shippo-secret"
# Known answer computed independently:
# printf '%s' '1767225600.{"event":"track_updated","test":true,"data":{}}' | openssl dgst -sha256 -hmac shippo-secret
STAMP = 1767225600
BODY = b'{"event":"track_updated","test":true,"data":{}}'
EXPECTED = "t=1767225600,v1=a073a63c680c3381c9678b25743cebbcad81851ca39c15ab1f61bc10b8383735"
CET = timezone(timedelta(hours=1))


def verify(body=BODY, headers=None, query=None, secret=SECRET, now=STAMP + 10):
    return shippo.verify_signature(secret=secret, body=body, headers=headers or {}, query=query, now=now)


# --- authentication --------------------------------------------------------------------------


def test_known_answer():
    assert shippo.signature(secret=SECRET, body=BODY, timestamp=STAMP) == EXPECTED
    assert verify(headers={"Shippo-Auth-Signature": EXPECTED})


@pytest.mark.parametrize(
    "name", ["Shippo-Auth-Signature", "shippo-auth-signature", "HTTP_SHIPPO_AUTH_SIGNATURE"]
)
def test_header_name_is_case_insensitive(name):
    assert verify(headers={name: EXPECTED})


def test_url_token_alone_authenticates():
    assert verify(query=shippo_url_query(SECRET))
    assert shippo.verify_signature(secret=SECRET, body=b"anything", headers={}, query={"token": SECRET})


def test_fixture_signed_now_verifies_with_the_real_clock():
    body = load("shippo", "track_updated_delivered")
    assert shippo.verify_signature(secret=SECRET, body=body, headers=sign("shippo", SECRET, body))


def test_signature_with_spaces_and_a_second_v1_during_rotation():
    digest = EXPECTED.split("v1=")[1]
    assert verify(headers={"Shippo-Auth-Signature": f" t={STAMP} , v1={'0' * 64}, v1={digest.upper()} "})


@pytest.mark.parametrize(
    ("headers", "query", "now"),
    [
        ({}, None, STAMP),
        ({}, {"token": "guess"}, STAMP),
        ({}, {"token": ""}, STAMP),
        ({}, {"token": SECRET + " "}, STAMP),
        ({}, {"secret": SECRET}, STAMP),
        ({"Shippo-Auth-Signature": EXPECTED.replace("a073", "b073")}, None, STAMP),
        ({"Shippo-Auth-Signature": EXPECTED}, None, STAMP + shippo.SIGNATURE_TOLERANCE_SECONDS + 1),
        ({"Shippo-Auth-Signature": EXPECTED}, None, STAMP - shippo.SIGNATURE_TOLERANCE_SECONDS - 1),
        ({"Shippo-Auth-Signature": EXPECTED.replace(f"t={STAMP}", f"t={STAMP + 1}")}, None, STAMP),
        ({"Shippo-Auth-Signature": EXPECTED.split(",")[1]}, None, STAMP),  # no t=
        ({"Shippo-Auth-Signature": EXPECTED.split(",")[0]}, None, STAMP),  # no v1=
        ({"Shippo-Auth-Signature": f"t={STAMP},t={STAMP},v1=00"}, None, STAMP),
        ({"Shippo-Auth-Signature": "t=soon," + EXPECTED.split(",")[1]}, None, STAMP),
        ({"Shippo-Auth-Signature": "garbage"}, None, STAMP),
        ({"Shippo-Auth-Signature": ""}, None, STAMP),
        ({"Shippo-Auth-Signature": EXPECTED.replace("v1=", "v0=")}, None, STAMP),
        ({"X-Shippo-Signature": EXPECTED}, None, STAMP),
    ],
    ids=[
        "nothing",
        "wrong-token",
        "empty-token",
        "token-with-space",
        "other-parameter",
        "wrong-digest",
        "too-old",
        "from-the-future",
        "timestamp-changed",
        "no-timestamp",
        "no-digest",
        "two-timestamps",
        "timestamp-not-a-number",
        "garbled",
        "empty",
        "wrong-scheme",
        "other-header",
    ],
)
def test_bad_authentication_is_refused(headers, query, now):
    assert verify(headers=headers, query=query, now=now) is False


def test_tampered_body_and_wrong_secret_are_refused():
    assert verify(body=BODY + b" ", headers={"Shippo-Auth-Signature": EXPECTED}) is False
    assert verify(secret="other", headers={"Shippo-Auth-Signature": EXPECTED}) is False
    assert verify(secret="", query={"token": ""}, headers={"Shippo-Auth-Signature": EXPECTED}) is False


# --- status tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("UNKNOWN", S.PENDING),
        ("PRE_TRANSIT", S.INFO_RECEIVED),
        ("TRANSIT", S.IN_TRANSIT),
        ("DELIVERED", S.DELIVERED),
        ("RETURNED", S.RETURNED_TO_SENDER),
        ("FAILURE", S.EXCEPTION),
    ],
)
def test_every_documented_status(raw, expected):
    assert shippo.STATUS_BY_SHIPPO[raw] == expected
    for spelling in (raw, raw.lower(), f" {raw} "):
        assert shippo.status_of(spelling) == expected


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        ("PRE_TRANSIT", "information_received", S.INFO_RECEIVED),
        ("TRANSIT", "out_for_delivery", S.OUT_FOR_DELIVERY),
        ("TRANSIT", "delivery_attempted", S.FAILED_ATTEMPT),
        ("TRANSIT", "notice_left", S.FAILED_ATTEMPT),
        ("TRANSIT", "location_inaccessible", S.FAILED_ATTEMPT),
        ("TRANSIT", "reschedule_delivery", S.FAILED_ATTEMPT),
        ("TRANSIT", "pickup_available", S.AVAILABLE_FOR_PICKUP),
        ("TRANSIT", "address_issue", S.EXCEPTION),
        ("TRANSIT", "contact_carrier", S.EXCEPTION),
        ("TRANSIT", "delayed", S.EXCEPTION),
        ("TRANSIT", "package_damaged", S.EXCEPTION),
        ("TRANSIT", "package_held", S.EXCEPTION),
        ("FAILURE", "package_undeliverable", S.EXCEPTION),
        ("FAILURE", "package_disposed", S.EXCEPTION),
        ("FAILURE", "package_lost", S.EXCEPTION),
        ("RETURNED", "return_to_sender", S.RETURNED_TO_SENDER),
        ("RETURNED", "package_unclaimed", S.RETURNED_TO_SENDER),
        ("DELIVERED", "delivered", S.DELIVERED),
        ("TRANSIT", "return_to_sender", S.RETURNED_TO_SENDER),
    ],
)
def test_substatuses_that_change_the_meaning(status, code, expected):
    assert shippo.STATUS_BY_SHIPPO_SUBSTATUS[code] == expected
    assert shippo.status_of(status, code) == expected


@pytest.mark.parametrize("code", sorted(shippo.SHIPPO_SUBSTATUSES_OF_THEIR_STATUS))
def test_other_substatuses_keep_the_status(code):
    assert shippo.status_of("TRANSIT", code) == S.IN_TRANSIT
    assert shippo.status_of("UNKNOWN", code) == S.PENDING


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        ("TELEPORTED", "", SAFE_FALLBACK_STATUS),
        ("TELEPORTED", "beamed_up", SAFE_FALLBACK_STATUS),
        ("", "", SAFE_FALLBACK_STATUS),
        ("DELIVERED", "package_damaged", S.DELIVERED),  # a final status is not overridden
    ],
)
def test_unknown_values_map_to_the_safe_status(status, code, expected):
    assert shippo.status_of(status, code) == expected


# --- parsing ---------------------------------------------------------------------------------


def test_track_updated_delivered():
    update = shippo.parse_webhook(load_json("shippo", "track_updated_delivered"))
    assert (update.tracking_number, update.carrier_code, update.carrier_name) == (
        "JD014600006281230704",
        "dhl-express",
        "dhl_express",
    )
    assert (update.status, update.status_detail) == (S.DELIVERED, "delivered")
    assert update.estimated_delivery == date(2026, 11, 3)
    # The dateless UNKNOWN entry is skipped; the rest come oldest first.
    assert [(e.status, e.raw_status, e.detail) for e in update.events] == [
        (S.INFO_RECEIVED, "PRE_TRANSIT", "information_received"),
        (S.IN_TRANSIT, "TRANSIT", "package_accepted"),
        (S.IN_TRANSIT, "TRANSIT", "package_arrived"),
        (S.OUT_FOR_DELIVERY, "TRANSIT", "out_for_delivery"),
        (S.DELIVERED, "DELIVERED", "delivered"),
    ]
    assert update.events[0].occurred_at == datetime(2026, 11, 2, 7, 0, tzinfo=UTC)
    assert update.events[-1].occurred_at == datetime(2026, 11, 3, 12, 31, tzinfo=CET)
    assert [e.location for e in update.events][1:3] == ["Warszawa, MZ, PL", "Krakow, MA, PL"]
    assert update.events[-1].message == "Delivered, signed by J. Nowak."


def test_track_updated_failed_attempt_in_reverse_order():
    update = shippo.parse_webhook(load_json("shippo", "track_updated_failed_attempt"))
    assert (update.status, update.status_detail) == (S.FAILED_ATTEMPT, "delivery_attempted")
    assert update.events[-1].status == S.FAILED_ATTEMPT
    times = [e.occurred_at for e in update.events]
    assert times == sorted(times)


def test_track_updated_returned_test_event():
    update = shippo.parse_webhook(load_json("shippo", "track_updated_returned"))
    assert update.status == S.RETURNED_TO_SENDER
    assert update.estimated_delivery is None
    assert [e.status for e in update.events][-2:] == [S.EXCEPTION, S.RETURNED_TO_SENDER]


def test_other_events_are_ignored():
    assert shippo.parse_webhook(load_json("shippo", "transaction_created")) is None
    assert shippo.parse_webhook({"event": "batch_purchased", "data": None}) is None


def test_current_status_alone_is_the_one_checkpoint():
    payload = load_json("shippo", "track_updated_delivered")
    payload["data"]["tracking_history"] = []
    update = shippo.parse_webhook(payload)
    assert [(e.status, e.detail) for e in update.events] == [(S.DELIVERED, "delivered")]


def test_messy_input_is_accepted():
    payload = load_json("shippo", "track_updated_delivered")
    track = payload["data"]
    track.update(tracking_number=" JD014600006281230704 ", carrier="DHL Express", eta="tomorrow")
    track["tracking_status"]["status"] = "delivered"
    track["tracking_status"]["substatus"] = "delivered"  # flattened to its code
    track["tracking_history"][2]["location"] = None
    track["tracking_history"][2]["status_details"] = None
    update = shippo.parse_webhook(payload)
    assert (update.tracking_number, update.carrier_code, update.status, update.estimated_delivery) == (
        "JD014600006281230704",
        "dhl-express",
        S.DELIVERED,
        None,
    )
    accepted = update.events[1]
    assert (accepted.location, accepted.message) == ("", "Parcel accepted at the origin facility.")


def test_no_tracking_status_at_all():
    payload = load_json("shippo", "track_updated_delivered")
    payload["data"]["tracking_status"] = None
    update = shippo.parse_webhook(payload)
    assert (update.status, update.status_detail) == (None, "")
    assert len(update.events) == 5


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "must be a JSON object"),
        ({"event": "track_updated"}, "data"),
        ({"event": "track_updated", "data": ["JD01"]}, "data"),
        ({"event": "track_updated", "data": {"carrier": "usps"}}, "tracking_number"),
        (
            {"event": "track_updated", "data": {"tracking_number": "X", "tracking_status": "DELIVERED"}},
            "tracking_status",
        ),
        (
            {"event": "track_updated", "data": {"tracking_number": "X", "tracking_history": {}}},
            "tracking_history",
        ),
    ],
)
def test_malformed_payloads_raise(payload, message):
    with pytest.raises(PayloadError, match=message):
        shippo.parse_webhook(payload)


def test_an_unreadable_status_date_raises():
    payload = load_json("shippo", "track_updated_delivered")
    payload["data"]["tracking_history"][3]["status_date"] = "last Tuesday"
    with pytest.raises(PayloadError, match="status_date"):
        shippo.parse_webhook(payload)
