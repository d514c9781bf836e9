"""EasyPost adapter: signature scheme, status tables row by row, tracker parsing, bad input."""

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tests.tracking.payloads import dump, load, load_json, sign
from tracking.carriers import easypost
from tracking.carriers.base import SAFE_FALLBACK_STATUS, PayloadError
from tracking.statuses import ShipmentStatus as S

SECRET = "sécret"  # the secret of EasyPost's official webhook vector (client-library-fixtures.json)
# The official vector's expected header value for EasyPost's recorded event body (checked against that
# body by scripts/check_provider_samples.py, which reads the provider's file at run time).
OFFICIAL_SIGNATURE = "hmac-sha256-hex=38f3f53c103713df81616a0a186d77141957323ec21d5fe9363db93840f527db"
# Known answer for our own body, computed with `openssl dgst -sha256 -mac HMAC` over the NFKD key.
OWN_BODY = b'{"object":"Event","description":"tracker.updated"}'
OWN_SIGNATURE = "hmac-sha256-hex=a0f91ecff08bb5f5d6efa488593ddf38ca5157d58a591feff9fb2845789319b6"


# --- signature -------------------------------------------------------------------------------


def test_known_answer_for_our_body():
    assert easypost.signature(secret=SECRET, body=OWN_BODY) == OWN_SIGNATURE
    assert easypost.verify_signature(
        secret=SECRET, body=OWN_BODY, headers={"X-Hmac-Signature": OWN_SIGNATURE}
    )


def test_the_official_vector_secret_is_normalized_nfkd():
    nfc, nfkd = unicodedata.normalize("NFC", SECRET), unicodedata.normalize("NFKD", SECRET)
    assert nfc != nfkd  # "é" is one code point in NFC, two in NFKD: the key bytes differ
    headers = {"X-Hmac-Signature": OWN_SIGNATURE}
    assert easypost.verify_signature(secret=nfc, body=OWN_BODY, headers=headers)
    assert easypost.verify_signature(secret=nfkd, body=OWN_BODY, headers=headers)
    assert OFFICIAL_SIGNATURE != OWN_SIGNATURE


def test_fixture_signed_by_the_documented_algorithm_verifies():
    body = load("easypost", "tracker_updated_delivered")
    headers = sign("easypost", "ﬁle secret", body)  # a ligature NFKD turns into "fi"
    assert easypost.verify_signature(secret="ﬁle secret", body=body, headers=headers)
    assert easypost.verify_signature(secret="file secret", body=body, headers=headers)


@pytest.mark.parametrize(
    "header_name", ["X-Hmac-Signature", "x-hmac-signature", "X-HMAC-SIGNATURE", "HTTP_X_HMAC_SIGNATURE"]
)
def test_header_name_is_case_insensitive(header_name):
    assert easypost.verify_signature(secret=SECRET, body=OWN_BODY, headers={header_name: OWN_SIGNATURE})


def test_upper_case_hex_and_surrounding_spaces_are_accepted():
    value = "HMAC-SHA256-HEX=" + OWN_SIGNATURE.split("=", 1)[1].upper() + " "
    assert easypost.verify_signature(secret=SECRET, body=OWN_BODY, headers={"X-Hmac-Signature": value})


@pytest.mark.parametrize(
    ("secret", "body", "headers"),
    [
        ("another secret", OWN_BODY, {"X-Hmac-Signature": OWN_SIGNATURE}),
        (SECRET, OWN_BODY + b" ", {"X-Hmac-Signature": OWN_SIGNATURE}),
        (SECRET, OWN_BODY.replace(b"updated", b"created"), {"X-Hmac-Signature": OWN_SIGNATURE}),
        (SECRET, OWN_BODY, {}),
        (SECRET, OWN_BODY, {"X-Hmac-Signature": ""}),
        (SECRET, OWN_BODY, {"X-Hmac-Signature": "garbage"}),
        (SECRET, OWN_BODY, {"X-Hmac-Signature": "hmac-sha256-hex=zz"}),
        (SECRET, OWN_BODY, {"X-Hmac-Signature": "hmac-sha256-hex=00"}),
        (SECRET, OWN_BODY, {"X-Hmac-Signature": "hmac-sha256-hex=ünïcode"}),
        (SECRET, OWN_BODY, {"X-Hmac-Signature": OWN_SIGNATURE.split("=", 1)[1]}),  # no prefix
        (SECRET, OWN_BODY, {"X-Hmac-Signature": "hmac-sha1-hex=" + OWN_SIGNATURE.split("=", 1)[1]}),
        (SECRET, OWN_BODY, {"X-Other-Signature": OWN_SIGNATURE}),
        ("", OWN_BODY, {"X-Hmac-Signature": OWN_SIGNATURE}),
    ],
    ids=[
        "wrong-secret",
        "trailing-space",
        "tampered",
        "missing",
        "empty",
        "garbled",
        "not-hex",
        "short",
        "non-ascii",
        "no-prefix",
        "wrong-prefix",
        "other-header",
        "no-secret",
    ],
)
def test_bad_signatures_are_refused(secret, body, headers):
    assert easypost.verify_signature(secret=secret, body=body, headers=headers) is False


# --- status tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("unknown", S.PENDING),
        ("pre_transit", S.INFO_RECEIVED),
        ("in_transit", S.IN_TRANSIT),
        ("out_for_delivery", S.OUT_FOR_DELIVERY),
        ("delivered", S.DELIVERED),
        ("available_for_pickup", S.AVAILABLE_FOR_PICKUP),
        ("return_to_sender", S.RETURNED_TO_SENDER),
        ("failure", S.EXCEPTION),
        ("cancelled", S.EXCEPTION),
        ("error", S.EXCEPTION),
    ],
)
def test_every_documented_status(raw, expected):
    assert easypost.STATUS_BY_EASYPOST[raw] == expected
    assert easypost.status_of(raw) == expected
    assert easypost.status_of(f" {raw.upper()} ") == expected


def test_the_status_table_covers_exactly_the_documented_statuses():
    documented = {"unknown", "pre_transit", "in_transit", "out_for_delivery", "delivered"}
    documented |= {"available_for_pickup", "return_to_sender", "failure", "cancelled", "error"}
    assert set(easypost.STATUS_BY_EASYPOST) == documented


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [
        ("in_transit", "delivery_attempted", S.FAILED_ATTEMPT),
        ("out_for_delivery", "not_home", S.FAILED_ATTEMPT),
        ("in_transit", "arrived_at_pickup_location", S.AVAILABLE_FOR_PICKUP),
        ("in_transit", "out_for_delivery", S.OUT_FOR_DELIVERY),
        ("in_transit", "return", S.RETURNED_TO_SENDER),
        ("failure", "return_to_sender", S.RETURNED_TO_SENDER),
        ("in_transit", "expired", S.EXPIRED),
        ("in_transit", "address_correction", S.EXCEPTION),
        ("in_transit", "awaiting_information", S.EXCEPTION),
        ("pre_transit", "cancelled", S.EXCEPTION),
        ("in_transit", "damaged", S.EXCEPTION),
        ("in_transit", "delayed", S.EXCEPTION),
        ("out_for_delivery", "delivery_exception", S.EXCEPTION),
        ("in_transit", "failure", S.EXCEPTION),
        ("in_transit", "held", S.EXCEPTION),
        ("in_transit", "lost", S.EXCEPTION),
        ("in_transit", "missorted", S.EXCEPTION),
        ("out_for_delivery", "refused", S.EXCEPTION),
        ("in_transit", "transit_exception", S.EXCEPTION),
        ("in_transit", "weather_delay", S.EXCEPTION),
    ],
)
def test_details_that_change_the_meaning(status, detail, expected):
    assert easypost.STATUS_BY_EASYPOST_DETAIL[detail] == expected
    assert easypost.status_of(status, detail) == expected


@pytest.mark.parametrize("detail", sorted(easypost.EASYPOST_INFORMATIONAL_DETAILS))
@pytest.mark.parametrize("status", ["pre_transit", "in_transit", "out_for_delivery"])
def test_informational_details_leave_the_status(status, detail):
    assert easypost.status_of(status, detail) == easypost.STATUS_BY_EASYPOST[status]


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [
        ("delivered", "damaged", S.DELIVERED),
        ("delivered", "refused", S.DELIVERED),
        ("return_to_sender", "refused", S.RETURNED_TO_SENDER),
        ("return_to_sender", "delivery_attempted", S.RETURNED_TO_SENDER),
    ],
)
def test_a_final_status_is_not_overridden_by_its_detail(status, detail, expected):
    assert easypost.status_of(status, detail) == expected


@pytest.mark.parametrize(
    ("status", "detail", "expected"),
    [
        ("teleported", "", SAFE_FALLBACK_STATUS),
        ("teleported", "beamed_up", SAFE_FALLBACK_STATUS),
        ("", "", SAFE_FALLBACK_STATUS),
        ("in_transit", "beamed_up", S.IN_TRANSIT),
        ("teleported", "delivery_attempted", S.FAILED_ATTEMPT),
    ],
)
def test_unknown_values_map_to_the_safe_status(status, detail, expected):
    assert easypost.status_of(status, detail) == expected


def test_unknown_scan_status_keeps_the_raw_values():
    payload = load_json("easypost", "tracker_updated_in_transit")
    payload["result"]["tracking_details"][0].update(status="teleported", status_detail="beamed_up")
    update = easypost.parse_webhook(payload)
    odd = next(e for e in update.events if e.raw_status == "teleported")
    assert (odd.status, odd.detail) == (SAFE_FALLBACK_STATUS, "beamed_up")


# --- parsing ---------------------------------------------------------------------------------


def test_tracker_updated_in_transit():
    update = easypost.parse_webhook(load_json("easypost", "tracker_updated_in_transit"))
    assert update.tracking_number == "1Z4F82E30391846127"
    assert (update.carrier_code, update.carrier_name) == ("ups", "UPS")
    assert (update.status, update.status_detail) == (S.IN_TRANSIT, "departed_facility")
    assert update.estimated_delivery == date(2026, 11, 5)
    assert update.external_id == "trk_7c1e0a9d2b5f4c63"
    assert update.carrier_tracking_url == "https://track.easypost.com/djE67c1e0a9d2b5f4c63"
    # The fixture lists its scans out of order and with "Z", an offset, and no offset at all.
    assert [e.occurred_at for e in update.events] == [
        datetime(2026, 11, 2, 8, 14, tzinfo=UTC),
        datetime(2026, 11, 2, 21, 40, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 11, 3, 5, 12, tzinfo=UTC),  # no offset: read as UTC
    ]
    assert all(e.occurred_at.utcoffset() is not None for e in update.events)
    assert [(e.status, e.raw_status, e.detail) for e in update.events] == [
        (S.INFO_RECEIVED, "pre_transit", "label_created"),
        (S.IN_TRANSIT, "in_transit", "arrived_at_facility"),
        (S.IN_TRANSIT, "in_transit", "departed_facility"),
    ]
    assert [e.location for e in update.events] == ["", "Bucuresti, B, RO", "Cluj-Napoca, RO"]
    assert update.events[1].message == "Arrived at Facility"


def test_tracker_updated_delivered():
    update = easypost.parse_webhook(load_json("easypost", "tracker_updated_delivered"))
    assert update.status == S.DELIVERED
    assert [e.status for e in update.events] == [
        S.INFO_RECEIVED,
        S.IN_TRANSIT,
        S.IN_TRANSIT,
        S.OUT_FOR_DELIVERY,
        S.DELIVERED,
    ]
    delivered = update.events[-1]
    assert (delivered.message, delivered.location) == ("DELIVERED - Front door", "Cluj-Napoca, CJ, RO")
    assert delivered.occurred_at == datetime(2026, 11, 4, 10, 58, tzinfo=UTC)


def test_tracker_created():
    update = easypost.parse_webhook(load_json("easypost", "tracker_created"))
    assert (update.status, update.estimated_delivery) == (S.INFO_RECEIVED, None)
    assert len(update.events) == 1


def test_events_we_do_not_use_are_ignored():
    assert easypost.parse_webhook(load_json("easypost", "batch_updated")) is None
    assert (
        easypost.parse_webhook({"object": "Event", "description": "refund.successful", "result": None})
        is None
    )


def test_a_bare_tracker_is_accepted():
    tracker = load_json("easypost", "tracker_updated_delivered")["result"]
    assert easypost.parse_webhook(tracker).status == S.DELIVERED


def test_messy_input_is_accepted():
    payload = load_json("easypost", "tracker_updated_delivered")
    tracker = payload["result"]
    payload["description"] = " Tracker.Updated "
    tracker.update(
        tracking_code=" 1Z4F82E30391846127 ",
        carrier=" FedEx ",
        status="DELIVERED",
        status_detail=None,
        est_delivery_date="2026-11-05",
        public_url=None,
        id=None,
        extra_key_from_a_newer_api={"nested": [1, 2]},
    )
    tracker["tracking_details"][0].update(tracking_location=None, message=None, description="Label")
    tracker["tracking_details"][1]["datetime"] = "2026-11-02 21:40:00.123456789+02:00"
    update = easypost.parse_webhook(payload)
    assert (update.tracking_number, update.carrier_code, update.carrier_name) == (
        "1Z4F82E30391846127",
        "fedex",
        "FedEx",
    )
    assert (update.status, update.status_detail, update.external_id) == (S.DELIVERED, "", "")
    assert update.estimated_delivery == date(2026, 11, 5)
    assert (update.events[0].location, update.events[0].message) == ("", "Label")
    assert update.events[1].occurred_at == datetime(2026, 11, 2, 19, 40, 0, 123456, tzinfo=UTC)


def test_unreadable_estimate_is_dropped_not_fatal():
    payload = load_json("easypost", "tracker_updated_in_transit")
    payload["result"]["est_delivery_date"] = "soon"
    assert easypost.parse_webhook(payload).estimated_delivery is None


def test_no_tracking_details():
    payload = load_json("easypost", "tracker_created")
    payload["result"]["tracking_details"] = None
    update = easypost.parse_webhook(payload)
    assert (update.events, update.status) == ((), S.INFO_RECEIVED)


def test_compact_body_round_trip():
    body = dump(load_json("easypost", "tracker_updated_delivered"))
    assert easypost.verify_signature(secret=SECRET, body=body, headers=sign("easypost", SECRET, body))


def _without(path: list[str]):
    payload = load_json("easypost", "tracker_updated_delivered")
    target = payload
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return payload


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([1, 2], "must be a JSON object"),
        ("tracker.updated", "must be a JSON object"),
        (None, "must be a JSON object"),
        ({}, "no description"),
        ({"object": "Event", "description": "tracker.updated"}, "result"),
        ({"object": "Event", "description": "tracker.updated", "result": []}, "result"),
        (_without(["result", "tracking_code"]), "tracking_code"),
        (
            {"object": "Event", "description": "tracker.updated", "result": {"tracking_code": "  "}},
            "tracking_code",
        ),
    ],
)
def test_malformed_payloads_raise(payload, message):
    with pytest.raises(PayloadError, match=message):
        easypost.parse_webhook(payload)


@pytest.mark.parametrize("value", ["the day before yesterday", "2026-13-45T00:00:00Z", None, "", [2026]])
def test_a_scan_without_a_readable_time_raises(value):
    payload = load_json("easypost", "tracker_updated_delivered")
    payload["result"]["tracking_details"][2]["datetime"] = value
    with pytest.raises(PayloadError, match="datetime"):
        easypost.parse_webhook(payload)


def test_tracking_details_of_the_wrong_type_raise():
    payload = load_json("easypost", "tracker_updated_delivered")
    payload["result"]["tracking_details"] = {"status": "delivered"}
    with pytest.raises(PayloadError, match="tracking_details"):
        easypost.parse_webhook(payload)
    payload["result"]["tracking_details"] = ["delivered"]
    with pytest.raises(PayloadError, match="tracking_details"):
        easypost.parse_webhook(payload)
