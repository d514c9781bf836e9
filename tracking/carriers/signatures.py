"""Webhook signature checks shared by the adapters: constant-time, and False (never an exception)
for a missing, garbled or foreign header."""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value by case-insensitive name; also finds Django's META spelling (HTTP_X_...)."""
    wanted = name.lower()
    meta = "http_" + wanted.replace("-", "_")
    for key, value in headers.items():
        lowered = key.lower()
        if lowered in (wanted, meta):
            return value if isinstance(value, str) else None
    return None


def hmac_sha256(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


def matches_base64(expected: bytes, presented: str | None) -> bool:
    """Does a base64 header value carry exactly this digest? (Tolerates a trailing newline.)"""
    if not presented:
        return False
    try:
        decoded = base64.b64decode(presented.strip().encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return hmac.compare_digest(decoded, expected)


def matches_hex(expected: bytes, presented: str | None) -> bool:
    """Does a hex header value carry exactly this digest? (Either case.)"""
    if not presented:
        return False
    try:
        decoded = bytes.fromhex(presented.strip())
    except ValueError:
        return False
    return hmac.compare_digest(decoded, expected)


def same_secret(expected: str, presented: str | None) -> bool:
    """Constant-time comparison of two shared-secret strings (any characters)."""
    if not presented or not expected:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))
