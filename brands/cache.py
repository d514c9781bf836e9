"""Brands kept in each process's memory: every shopper request starts by finding its brand.

A brand changes rarely (look published, settings saved, admin edit) and is read on every request.
Each process keeps the brands it has served; at most once a second it asks Redis whether any brand
changed since (one GET of a version that every brand save replaces), and reads the brand again from
Postgres when so. A save in this process forgets the brand at once; other processes follow within
CHECK_SECONDS. Callers get their own copy, so nothing they set on it leaks into another request.
"""

import copy
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any, Final

from django.core.cache import cache
from django.db import transaction

from brands.models import Brand

logger = logging.getLogger(__name__)

VERSION_KEY: Final = "brands:version"
CHECK_SECONDS: Final = 1.0
# Read again from Postgres after this long whatever Redis says: a save made while Redis was down
# (so its new version never reached Redis) is picked up within this bound.
MAX_AGE_SECONDS: Final = 300.0
MAX_ENTRIES: Final = 5000  # brands and custom domains; a bound, not a target

_MISSING: Final = object()
_lock = threading.Lock()
# key ("slug:x" / "host:y") -> (brand or None, version seen, monotonic time last checked, time read)
_entries: dict[str, tuple[Brand | None, Any, float, float]] = {}


def _own_copy(brand: Brand | None) -> Brand | None:
    """A shallow copy for the caller (cheaper than copy.copy, which pickles the model's state)."""
    if brand is None:
        return None
    clone = Brand.__new__(Brand)
    clone.__dict__.update(brand.__dict__)
    clone._state = copy.copy(brand._state)
    clone._state.fields_cache = {}
    return clone


def _version() -> Any:
    try:
        return cache.get(VERSION_KEY, _MISSING)
    except Exception as exc:  # Redis down: read the brand from Postgres, as before this cache
        logger.warning("Cache unavailable for brands (%s); reading from the database.", exc)
        return None


def brand_cached(*, key: str, load: Callable[[], Brand | None]) -> Brand | None:
    """The brand under this key, from memory while the brands' version is unchanged, else from `load`."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and now - entry[3] > MAX_AGE_SECONDS:
        entry = None
    if entry is not None and now - entry[2] < CHECK_SECONDS:
        return _own_copy(entry[0])
    version = _version()
    if entry is not None and version is not None and version is not _MISSING and entry[1] == version:
        _entries[key] = (entry[0], version, now, entry[3])
        return _own_copy(entry[0])
    if version is _MISSING:
        version = secrets.token_hex(8)
        try:
            cache.add(VERSION_KEY, version, timeout=None)
            version = cache.get(VERSION_KEY, version)
        except Exception:
            version = None
    brand = load()
    if version is not None:
        with _lock:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[key] = (brand, version, now, now)
    return _own_copy(brand)


def brands_forget() -> None:
    """Forget every brand in this process and tell the other processes to (a brand was saved)."""
    _entries.clear()
    try:
        cache.set(VERSION_KEY, secrets.token_hex(8), timeout=None)
    except Exception as exc:
        logger.warning(
            "Cache unavailable for brands (%s); other processes see the change within %d s.",
            exc,
            MAX_AGE_SECONDS,
        )


def brand_changed(**kwargs: Any) -> None:
    """post_save/post_delete of Brand: forget now, and again once the change is visible to others."""
    brands_forget()
    transaction.on_commit(brands_forget)


def forget_local(**kwargs: Any) -> None:
    """Tests swap the cache (and the database) between tests: start afresh."""
    _entries.clear()
