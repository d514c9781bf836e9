"""Versions of what shopper pages show, replaced by every change (see tracking/page_cache.py).

Three versions name what a tracking page was rendered from: the order's, the customer's and the
brand's. Any app whose writes show on the page calls one of these after writes that send no model
signal (queryset `.update()`, `bulk_create`); saves and deletes of the watched models reach them
through tracking/page_cache.py's signal receivers.
"""

import logging
import secrets
import time
from typing import Final

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_SECONDS: Final = 3 * 24 * 60 * 60  # a missing version is a miss: this only bounds memory
REDIS_RETRY_SECONDS: Final = 10.0
_down_until = 0.0


def version_keys(*, order_id: int, customer_id: int, brand_id: int) -> list[str]:
    return [
        f"trackpage:v:order:{order_id}",
        f"trackpage:v:customer:{customer_id}",
        f"trackpage:v:brand:{brand_id}",
    ]


def _replace(keys: list[str]) -> None:
    global _down_until
    if not keys or time.monotonic() < _down_until:
        return
    try:
        cache.set_many({key: secrets.token_hex(8) for key in keys}, VERSION_SECONDS)
    except Exception as exc:
        if time.monotonic() >= _down_until:
            logger.warning("Cache unavailable for page versions (%s); pages expire on their own.", exc)
        _down_until = time.monotonic() + REDIS_RETRY_SECONDS


def _changed(keys: list[str]) -> None:
    # Now, for this process's own next read (and tests inside one transaction), and after the
    # commit, for renders that read the old rows while the change was not yet visible.
    _replace(keys)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _replace(keys))


def order_changed(*, order_id: int | None) -> None:
    """The order's page shows something new: its cached renderings are not served again."""
    if order_id:
        _changed([f"trackpage:v:order:{order_id}"])


def customer_changed(*, customer_id: int | None) -> None:
    """Every page of this customer's orders shows something new."""
    if customer_id:
        _changed([f"trackpage:v:customer:{customer_id}"])


def brand_changed(*, brand_id: int | None) -> None:
    """Every page of this brand shows something new (settings, look, content, products)."""
    if brand_id:
        _changed([f"trackpage:v:brand:{brand_id}"])


def forget_outage() -> None:
    global _down_until
    _down_until = 0.0
