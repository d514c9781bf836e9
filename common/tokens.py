"""Unguessable public tokens and hashed secrets."""

import hashlib
import secrets


def new_public_token() -> str:
    """A URL-safe token with 128+ bits of entropy, for links sent to shoppers."""
    return secrets.token_urlsafe(18)


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
