"""Run the provider adapters over the providers' own published samples and signature vectors.

    .venv/bin/python scripts/check_provider_samples.py <samples-dir>

<samples-dir> holds the providers' files (easypost/, shopify/, aftership/, shippo/, vocab/). They are
not part of the project (their licences differ), so this is a hand-run check, not a test. Prints one
line per check and exits 1 if any check fails.
"""

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
django.setup()

from tracking.carriers import aftership, easypost, shippo, shopify  # noqa: E402
from tracking.carriers.base import PayloadError, TrackingUpdate  # noqa: E402

results: list[tuple[bool, str]] = []


def check(ok: bool, label: str) -> None:
    results.append((ok, label))
    print(("ok    " if ok else "FAIL  ") + label)


def summary(update: TrackingUpdate | None) -> str:
    if update is None:
        return "ignored (not a tracking event)"
    statuses = ",".join(str(e.status) for e in update.events)
    return (
        f"{update.carrier_code} {update.tracking_number} status={update.status} "
        f"detail={update.status_detail!r} edd={update.estimated_delivery} events=[{statuses}]"
    )


def parse(label: str, parser: Callable[[Any], Any], payload: Any, *, expect_error: bool = False) -> Any:
    try:
        parsed = parser(payload)
    except PayloadError as exc:
        check(expect_error, f"{label}: PayloadError: {exc}")
        return None
    check(
        not expect_error,
        f"{label}: {summary(parsed) if isinstance(parsed, TrackingUpdate | None) else 'parsed'}",
    )
    return parsed


def easypost_checks(root: Path) -> None:
    vector = json.loads((root / "easypost/webhook_hmac_vector.json").read_text())["webhooks"]
    raw = (root / "easypost/tracker_updated_event_signed_body.json").read_bytes()
    body = raw.rstrip(b"\n")
    headers = {"X-Hmac-Signature": vector["hmac_signature"]}
    check(
        easypost.verify_signature(secret=vector["secret"], body=body, headers=headers),
        "easypost official HMAC vector verifies (NFKD secret, body without trailing newline)",
    )
    check(
        easypost.signature(secret=vector["secret"], body=body) == vector["hmac_signature"],
        "easypost signature() reproduces the official vector",
    )
    check(
        not easypost.verify_signature(secret=vector["secret"], body=body + b"\n", headers=headers),
        "easypost official vector refuses the body with a trailing newline",
    )
    check(
        not easypost.verify_signature(secret=vector["secret"] + "x", body=body, headers=headers),
        "easypost official vector refuses another secret",
    )
    for path in sorted((root / "easypost").glob("*.json")):
        if path.name == "webhook_hmac_vector.json":
            continue
        payload = json.loads(path.read_bytes())
        if isinstance(payload, dict) and isinstance(payload.get("events"), list):
            for index, event in enumerate(payload["events"]):
                parse(
                    f"easypost {path.name}[{index}]",
                    easypost.parse_webhook,
                    event,
                    expect_error=_elided(event),
                )
            continue
        parse(f"easypost {path.name}", easypost.parse_webhook, payload, expect_error=_elided(payload))


def _elided(payload: Any) -> bool:
    """Events as the API lists them (and the webhooks guide shows them) leave out the result: a
    webhook endpoint must refuse those, there is no tracker to read."""
    return isinstance(payload, dict) and payload.get("object") == "Event" and "result" not in payload


def shopify_checks(root: Path) -> None:
    vectors = json.loads((root / "shopify/webhook_hmac_vectors.json").read_text())
    for case in vectors["cases"]:
        body = case["body"].encode("utf-8")
        ok = shopify.verify_signature(
            secret=case["secret"], body=body, headers={"X-Shopify-Hmac-Sha256": case["expected"]}
        )
        check(ok, f"shopify HMAC vector: {case['name'][:60]}")
        check(
            not shopify.verify_signature(
                secret=case["secret"] + "x", body=body, headers={"X-Shopify-Hmac-Sha256": case["expected"]}
            ),
            "shopify HMAC vector refuses another secret",
        )
    for path in sorted((root / "shopify").glob("*.payload.json")):
        payload = json.loads(path.read_bytes())
        if path.name.startswith("orders_"):
            order = parse(f"shopify {path.name}", shopify.parse_order, payload)
            if order is not None:
                print(
                    f"      number={order.number} email={order.customer.email!r} phone={order.customer.phone!r} "
                    f"lines={len(order.lines)} total={order.total} {order.currency} cancelled={order.cancelled_at}"
                )
        elif path.name.startswith("fulfillments_"):
            fulfillment = parse(f"shopify {path.name}", shopify.parse_fulfillment, payload)
            if fulfillment is not None:
                print(
                    f"      {fulfillment.carrier_code} {fulfillment.tracking_number} status={fulfillment.status} "
                    f"lines={len(fulfillment.lines)} updated_at={fulfillment.updated_at}"
                )


def aftership_checks(root: Path) -> None:
    sdk = json.loads((root / "aftership/sdk_java_get_tracking_result_delivered.json").read_bytes())
    envelope = {"event": "tracking_update", "msg": sdk["data"]["tracking"], "ts": 1534482646}
    parse("aftership SDK tracking wrapped as a webhook", aftership.parse_webhook, envelope)
    example = json.loads((root / "aftership/webhook_signature_and_envelope.json").read_bytes())
    parse(
        "aftership documented envelope",
        aftership.parse_webhook,
        example["trimmed_example_third_party"]["body"],
    )
    for code, message in example["subtags_seen"]["values"].items():
        tag = code.split("_")[0]
        known = (
            code in aftership.STATUS_BY_AFTERSHIP_SUBTAG or code in aftership.AFTERSHIP_SUBTAGS_OF_THEIR_TAG
        )
        check(known, f"aftership subtag {code} ({message}) → {aftership.status_of(tag, code)}")


def shippo_checks(root: Path) -> None:
    for name in ("track_get_status_usps_delivered_2016.json", "track_create_response.json"):
        track = json.loads((root / "shippo" / name).read_bytes())
        parse(
            f"shippo {name} wrapped as track_updated",
            shippo.parse_webhook,
            {"event": "track_updated", "test": True, "data": track},
        )


def vocabulary_checks(root: Path) -> None:
    vocab = json.loads((root / "vocab/aggregator_status_enums.json").read_bytes())
    tables: list[tuple[str, list[str], Any]] = [
        ("easypost", vocab["easypost_tracker_status"]["values"], easypost.STATUS_BY_EASYPOST),
        ("shippo", vocab["shippo_tracking_status"]["values"], shippo.STATUS_BY_SHIPPO),
        ("aftership", vocab["aftership_tag"]["values"], aftership.STATUS_BY_AFTERSHIP),
    ]
    shopify_vocab = vocab["shopify_fulfillment_event_status"]
    shopify_values = [
        value.split(" ")[0].lower()
        for key in (
            "admin_graphql_2024-04_to_2025-10",
            "added_2025-07",
            "added_2025-10_admin_and_customer_api",
            "customer_api_unstable_adds",
        )
        for value in shopify_vocab[key]
    ]
    tables.append(("shopify", shopify_values, shopify.STATUS_BY_SHOPIFY))
    for provider, values, table in tables:
        missing = [value for value in values if value not in table]
        check(
            not missing,
            f"{provider}: all {len(values)} documented statuses in the table"
            + (f"; missing {missing}" if missing else ""),
        )
    detail_missing = [
        value
        for value in vocab["easypost_tracker_status"]["status_detail_seen"]
        if value not in easypost.STATUS_BY_EASYPOST_DETAIL
        and value not in easypost.EASYPOST_INFORMATIONAL_DETAILS
    ]
    check(
        not detail_missing,
        f"easypost: status_detail values seen are all classified; missing {detail_missing}",
    )


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not Path(argv[1]).is_dir():
        print(__doc__)
        return 2
    root = Path(argv[1])
    for run in (easypost_checks, shopify_checks, aftership_checks, shippo_checks, vocabulary_checks):
        run(root)
    failed = [label for ok, label in results if not ok]
    print(f"\n{len(results) - len(failed)} of {len(results)} checks passed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
