"""AfterShip adapter: webhook HMAC, tag and subtag tables row by row, Tracking parsing, bad input."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from tests.tracking.payloads import dump, load, load_json, sign
from tracking.carriers import aftership
from tracking.carriers.base import SAFE_FALLBACK_STATUS, PayloadError
from tracking.statuses import ShipmentStatus as S

SECRET = "aftership-secret"
# Known answer computed independently: printf '%s' BODY | openssl dgst -sha256 -hmac aftership-secret -binary | base64
BODY = b'{"event":"tracking_update","msg":{"tracking_number":"RR123456789RO"}}'
EXPECTED = "dyqUnQ2WLEwk5FVkZKwCQy9Qsj1Ta/NkztDdM8HXh/g="
EET = timezone(timedelta(hours=2))


# --- signature -------------------------------------------------------------------------------


def test_known_answer():
    assert aftership.signature(secret=SECRET, body=BODY) == EXPECTED
    assert aftership.verify_signature(secret=SECRET, body=BODY, headers={"aftership-hmac-sha256": EXPECTED})


@pytest.mark.parametrize(
    "name",
    ["aftership-hmac-sha256", "Aftership-Hmac-Sha256", "AFTERSHIP-HMAC-SHA256", "HTTP_AFTERSHIP_HMAC_SHA256"],
)
def test_header_name_is_case_insensitive(name):
    assert aftership.verify_signature(secret=SECRET, body=BODY, headers={name: EXPECTED})


def test_fixtures_signed_by_the_documented_algorithm_verify():
    for name in ("tracking_update_delivered", "exception_returned"):
        body = load("aftership", name)
        assert aftership.verify_signature(secret=SECRET, body=body, headers=sign("aftership", SECRET, body))


@pytest.mark.parametrize(
    ("secret", "body", "headers"),
    [
        ("wrong", BODY, {"aftership-hmac-sha256": EXPECTED}),
        (SECRET, BODY.replace(b"RR", b"RS"), {"aftership-hmac-sha256": EXPECTED}),
        (SECRET, BODY, {}),
        (SECRET, BODY, {"aftership-hmac-sha256": ""}),
        (SECRET, BODY, {"aftership-hmac-sha256": "%%%not-base64%%%"}),
        (SECRET, BODY, {"aftership-hmac-sha256": "hmac-sha256=" + EXPECTED}),  # the Shipping product's form
        (SECRET, BODY, {"as-signature-hmac-sha256": EXPECTED}),  # the Returns product's header
        (SECRET, BODY, {"aftership-hmac-sha256": EXPECTED[:20]}),
        ("", BODY, {"aftership-hmac-sha256": EXPECTED}),
    ],
    ids=[
        "wrong-secret",
        "tampered",
        "missing",
        "empty",
        "garbled",
        "prefixed",
        "other-header",
        "short",
        "no-secret",
    ],
)
def test_bad_signatures_are_refused(secret, body, headers):
    assert aftership.verify_signature(secret=secret, body=body, headers=headers) is False


# --- status tables ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("Pending", S.PENDING),
        ("InfoReceived", S.INFO_RECEIVED),
        ("InTransit", S.IN_TRANSIT),
        ("OutForDelivery", S.OUT_FOR_DELIVERY),
        ("AttemptFail", S.FAILED_ATTEMPT),
        ("AvailableForPickup", S.AVAILABLE_FOR_PICKUP),
        ("Delivered", S.DELIVERED),
        ("Exception", S.EXCEPTION),
        ("Expired", S.EXPIRED),
    ],
)
def test_every_documented_tag(tag, expected):
    assert aftership.STATUS_BY_AFTERSHIP[tag] == expected
    for spelling in (tag, tag.lower(), tag.upper(), f" {tag} "):
        assert aftership.status_of(spelling) == expected


@pytest.mark.parametrize(
    ("subtag", "expected"),
    [("Exception_010", S.RETURNED_TO_SENDER), ("Exception_011", S.RETURNED_TO_SENDER)],
)
def test_returned_to_sender_subtags(subtag, expected):
    assert aftership.STATUS_BY_AFTERSHIP_SUBTAG[subtag] == expected
    assert aftership.status_of("Exception", subtag) == expected
    assert aftership.status_of("exception", subtag.lower()) == expected


@pytest.mark.parametrize("subtag", sorted(aftership.AFTERSHIP_SUBTAGS_OF_THEIR_TAG))
def test_other_documented_subtags_keep_their_tag(subtag):
    tag = subtag.split("_")[0]
    assert aftership.status_of(tag, subtag) == aftership.STATUS_BY_AFTERSHIP[tag]


def test_subtag_lists_cover_every_documented_exception_subtag():
    exceptions = {f"Exception_{n:03}" for n in range(1, 19)} - {"Exception_014", "Exception_015"}
    mapped = set(aftership.STATUS_BY_AFTERSHIP_SUBTAG) | aftership.AFTERSHIP_SUBTAGS_OF_THEIR_TAG
    assert exceptions <= mapped
    assert {f"Delivered_{n:03}" for n in range(1, 6)} <= mapped


@pytest.mark.parametrize(
    ("tag", "subtag", "expected"),
    [
        ("Teleported", "", SAFE_FALLBACK_STATUS),
        ("Teleported", "Teleported_001", SAFE_FALLBACK_STATUS),
        ("", "", SAFE_FALLBACK_STATUS),
        ("InTransit", "InTransit_099", S.IN_TRANSIT),
        ("Delivered", "Exception_011", S.DELIVERED),  # a final tag is not overridden
    ],
)
def test_unknown_values_map_to_the_safe_status(tag, subtag, expected):
    assert aftership.status_of(tag, subtag) == expected


# --- parsing ---------------------------------------------------------------------------------


def test_tracking_update_delivered():
    update = aftership.parse_webhook(load_json("aftership", "tracking_update_delivered"))
    assert (update.tracking_number, update.carrier_code, update.carrier_name) == (
        "05212345678901",
        "dpd-ro",
        "dpd-ro",
    )
    assert (update.status, update.status_detail) == (S.DELIVERED, "Delivered_003")
    assert update.estimated_delivery == date(2026, 11, 5)
    assert update.external_id == "a3f9c2e1d4b5469e8f7a6b5c4d3e2f10"
    assert update.carrier_tracking_url.startswith("https://tracking.dpd.ro/")
    # The fixture sends the checkpoints newest first; they come out oldest first.
    assert [(e.status, e.raw_status, e.detail) for e in update.events] == [
        (S.INFO_RECEIVED, "InfoReceived", "InfoReceived_001"),
        (S.IN_TRANSIT, "InTransit", "InTransit_002"),
        (S.IN_TRANSIT, "InTransit", "InTransit_003"),
        (S.OUT_FOR_DELIVERY, "OutForDelivery", "OutForDelivery_001"),
        (S.DELIVERED, "Delivered", "Delivered_003"),
    ]
    times = [e.occurred_at for e in update.events]
    assert times[0] == datetime(2026, 11, 2, 10, 12, tzinfo=UTC)  # no offset given: read as UTC
    assert times[-1] == datetime(2026, 11, 4, 11, 2, tzinfo=EET)
    assert times == sorted(times)
    assert [e.location for e in update.events] == [
        "Bucuresti",  # only the carrier's one-line location
        "Bucuresti, RO",  # ISO 3166 alpha-3 "ROU" → "RO"
        "Iasi, IS, RO",
        "Iasi, IS, RO",
        "Iasi, IS, RO",
    ]
    assert update.events[-1].message == "Livrat - semnat de destinatar"


def test_exception_returned_to_sender():
    update = aftership.parse_webhook(load_json("aftership", "exception_returned"))
    assert (update.status, update.status_detail) == (S.RETURNED_TO_SENDER, "Exception_011")
    assert update.estimated_delivery == date(2026, 11, 6)  # from expected_delivery
    assert [e.status for e in update.events][-4:] == [
        S.FAILED_ATTEMPT,
        S.EXCEPTION,
        S.RETURNED_TO_SENDER,
        S.RETURNED_TO_SENDER,
    ]


def test_estimate_falls_back_to_aftership_prediction():
    update = aftership.parse_webhook(load_json("aftership", "tracking_update_in_transit"))
    assert update.estimated_delivery == date(2026, 11, 6)
    assert update.status == S.IN_TRANSIT


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("courier_estimated_delivery_date", {"estimated_delivery_date": "2026-11-09"}, date(2026, 11, 9)),
        ("expected_delivery", "2026-11-08T18:00:00+02:00", date(2026, 11, 8)),
        (
            "latest_estimated_delivery",
            {"type": "specific", "datetime": "2026-11-07T12:00:00+01:00"},
            date(2026, 11, 7),
        ),
        ("aftership_estimated_delivery_date", {"estimated_delivery_date": "2026-11-10"}, date(2026, 11, 10)),
    ],
)
def test_each_estimate_field(field, value, expected):
    payload = load_json("aftership", "tracking_update_in_transit")
    msg = payload["msg"]
    for key in ("courier_estimated_delivery_date", "expected_delivery", "latest_estimated_delivery"):
        msg[key] = None
    msg["aftership_estimated_delivery_date"] = None
    msg[field] = value
    assert aftership.parse_webhook(payload).estimated_delivery == expected


def test_other_events_are_ignored():
    assert aftership.parse_webhook(load_json("aftership", "tracking_pending_time")) is None


def test_messy_input_is_accepted():
    payload = load_json("aftership", "tracking_update_delivered")
    msg = payload["msg"]
    payload["event"] = "TRACKING_UPDATE"
    msg.update(
        tracking_number=" 05212345678901 ", slug="DPD RO", tag="delivered", subtag=None, checkpoints=None
    )
    msg["expected_delivery"] = "whenever"
    msg["courier_estimated_delivery_date"] = "not an object"
    update = aftership.parse_webhook(payload)
    assert (update.tracking_number, update.carrier_code, update.status, update.events) == (
        "05212345678901",
        "dpd-ro",
        S.DELIVERED,
        (),
    )
    assert update.estimated_delivery is None


def test_date_only_checkpoint_time_is_midnight_utc():
    payload = load_json("aftership", "tracking_update_in_transit")
    payload["msg"]["checkpoints"][0]["checkpoint_time"] = "2026-11-02"
    assert aftership.parse_webhook(payload).events[0].occurred_at == datetime(2026, 11, 2, tzinfo=UTC)


def test_envelope_without_event_name_is_read():
    payload = load_json("aftership", "tracking_update_delivered")
    del payload["event"]
    assert aftership.parse_webhook(payload).status == S.DELIVERED


def test_compact_body_round_trip():
    body = dump(load_json("aftership", "exception_returned"))
    assert aftership.verify_signature(secret=SECRET, body=body, headers=sign("aftership", SECRET, body))


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ([], "must be a JSON object"),
        ("tracking_update", "must be a JSON object"),
        ({"event": "tracking_update"}, "msg"),
        ({"event": "tracking_update", "msg": "05212345678901"}, "msg"),
        ({"event": "tracking_update", "msg": {"slug": "dpd-ro"}}, "tracking_number"),
        ({"event": "tracking_update", "msg": {"tracking_number": "X", "checkpoints": {}}}, "checkpoints"),
    ],
)
def test_malformed_payloads_raise(payload, message):
    with pytest.raises(PayloadError, match=message):
        aftership.parse_webhook(payload)


@pytest.mark.parametrize("value", ["yesterday evening", "2026-02-30T10:00:00", None, ""])
def test_a_checkpoint_without_a_readable_time_raises(value):
    payload = load_json("aftership", "tracking_update_delivered")
    payload["msg"]["checkpoints"][1]["checkpoint_time"] = value
    with pytest.raises(PayloadError, match="checkpoint_time"):
        aftership.parse_webhook(payload)
