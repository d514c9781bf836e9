"""Recorded provider payloads (tests/fixtures/<provider>/<name>.json) and their real signatures.

    body = load("easypost", "tracker_updated_delivered")
    client.post(url, data=body, content_type="application/json", headers=sign("easypost", secret, body))

Signatures are computed here from each provider's documented algorithm, independently of the
adapters under test, so a verifier that drifts from the provider's scheme fails.
"""

import base64
import hashlib
import hmac
import json
import time
import unicodedata
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PROVIDERS = ("easypost", "aftership", "shippo", "shopify")


def load(provider: str, name: str) -> bytes:
    """The fixture's exact bytes (sign these, post these)."""
    return (FIXTURES / provider / f"{name}.json").read_bytes()


def load_json(provider: str, name: str) -> Any:
    """The fixture parsed the way the webhook endpoint parses it (64-bit ids stay exact)."""
    return json.loads(load(provider, name))


def dump(payload: Any) -> bytes:
    """A payload as the compact JSON body a provider sends."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _hmac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


def sign(provider: str, secret: str, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The headers the provider would send with this body, signed with this secret.

    EasyPost: X-Hmac-Signature = "hmac-sha256-hex=" + hex HMAC-SHA256(NFKD(secret), body).
    AfterShip: aftership-hmac-sha256 = base64 HMAC-SHA256(secret, body).
    Shopify: X-Shopify-Hmac-Sha256 = base64 HMAC-SHA256(secret, body).
    Shippo: Shippo-Auth-Signature = "t=<unix>,v1=" + hex HMAC-SHA256(secret, "<unix>." + body);
    the other Shippo option, a token in the URL, is `shippo_url_query(secret)`.
    """
    if provider == "easypost":
        key = unicodedata.normalize("NFKD", secret).encode("utf-8")
        return {"X-Hmac-Signature": "hmac-sha256-hex=" + _hmac(key, body).hex()}
    if provider == "aftership":
        return {"aftership-hmac-sha256": base64.b64encode(_hmac(secret.encode(), body)).decode()}
    if provider == "shopify":
        return {"X-Shopify-Hmac-Sha256": base64.b64encode(_hmac(secret.encode(), body)).decode()}
    if provider == "shippo":
        stamp = int(time.time()) if timestamp is None else timestamp
        digest = _hmac(secret.encode(), f"{stamp}.".encode() + body).hex()
        return {"Shippo-Auth-Signature": f"t={stamp},v1={digest}"}
    raise ValueError(f"Unknown provider {provider!r}; expected one of {PROVIDERS}.")


def shippo_url_query(secret: str) -> dict[str, str]:
    """Shippo's self-generated token: the merchant appends ?token=<secret> to the webhook URL."""
    return {"token": secret}


def as_meta(headers: dict[str, str]) -> dict[str, str]:
    """Headers in Django test-client keyword form: {"X-Hmac-Signature": v} → {"HTTP_X_HMAC_SIGNATURE": v}."""
    return {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
