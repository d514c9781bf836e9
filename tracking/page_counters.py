"""Counts that grow with every tracking page view (page views, content impressions), kept in Redis
per day and added to Postgres in batches by `counters_flush` (Celery beat, queue `scheduled`).

A view costs one pipelined HINCRBY per counter on a hash per kind and day, never an UPDATE. Figures
read from Postgres (the console dashboard, the admin's filters) lag by at most one flush period
(FLUSH_SECONDS); counts not flushed yet are not added to them.

A flush never counts twice: it first renames each live hash to a batch of its own (atomic: new views
go to a new hash), then adds a batch in one transaction that also records the batch's name
(PageCounterBatch, unique); the Redis batch is deleted only after the commit. A flush that dies
between the two finds the name recorded and only deletes the batch.

While Redis cannot be reached the page still serves and counts nothing, saying so once per outage
in the log. Without Redis at all (a laptop with `make run`), counts go straight to Postgres.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Final

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, transaction
from django.utils import timezone
from redis import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

PAGE_VIEWS: Final = "page_views"  # ids are order ids
FLUSH_SECONDS: Final = 60.0
REDIS_RETRY_SECONDS: Final = 10.0
LIVE: Final = "counters:live"
BATCH: Final = "counters:batch"
BATCHES_KEPT: Final = timedelta(days=7)

# kind -> how a day's counts {id: n} are added to Postgres; registered by the app owning the figure.
Apply = Callable[[date, dict[int, int]], None]
APPLIERS: dict[str, Apply] = {}

_state = threading.local()
_down_until = 0.0


def counter_register(*, kind: str, apply: Apply) -> None:
    APPLIERS[kind] = apply


def _redis() -> Redis | None:
    """The default cache's Redis client, or None when the cache is not Redis.

    Kept on the cache object (one per thread): building a client per call costs more CPU than the
    round trip it makes.
    """
    default = caches["default"]
    if not isinstance(default, RedisCache):
        return None
    client: Redis | None = getattr(default, "_page_counters_client", None)
    if client is None:
        client = default._cache.get_client(write=True)  # type: ignore[attr-defined]
        default._page_counters_client = client  # type: ignore[attr-defined]
    return client


def redis_client() -> Redis | None:
    return _redis()


def key(name: str) -> str:
    """The name under the default cache's prefix, as the cache API would store it."""
    return _key(name)


def live_key(kind: str, day: date) -> str:
    return _key(f"{LIVE}:{kind}:{day.isoformat()}")


def _key(name: str) -> str:
    return caches["default"].make_key(name)


def _redis_failed(exc: Exception) -> None:
    global _down_until
    if time.monotonic() >= _down_until:
        logger.warning("Redis unavailable (%s): tracking page counts are not kept until it is back.", exc)
    _down_until = time.monotonic() + REDIS_RETRY_SECONDS


def forget_outage() -> None:
    global _down_until
    _down_until = 0.0


def counts_add(counts: Iterable[tuple[str, int]], *, day: date | None = None) -> None:
    """Count one view of each (kind, id); never raises, never waits on Postgres when Redis is there."""
    items = list(counts)
    if not items:
        return
    day = day or timezone.now().date()
    client = _redis()
    if client is None:
        for kind, item_id in items:
            APPLIERS[kind](day, {item_id: 1})
        return
    if time.monotonic() < _down_until:
        return
    try:
        pipe = client.pipeline(transaction=False)
        for kind, item_id in items:
            pipe.hincrby(live_key(kind, day), str(item_id), 1)
        pipe.execute()
    except (RedisError, OSError) as exc:
        _redis_failed(exc)


def _scan(client: Redis, prefix: str) -> list[str]:
    pattern = _key(f"{prefix}:*")
    return [
        key.decode() if isinstance(key, bytes) else key for key in client.scan_iter(match=pattern, count=500)
    ]


def _parse(key: str, prefix: str) -> tuple[str, date] | None:
    """(kind, day) from a live or batch key name; None for anything else under the prefix."""
    marker = prefix + ":"
    rest = key[key.index(marker) + len(marker) :] if marker in key else ""
    parts = rest.split(":")
    if len(parts) < 2 or parts[0] not in APPLIERS:
        return None
    try:
        return parts[0], date.fromisoformat(parts[1])
    except ValueError:
        return None


def counters_flush() -> dict[str, int]:
    """Add the counts kept in Redis to Postgres; idempotent, safe to run twice at once."""
    from tracking.models import PageCounterBatch

    client = _redis()
    added = {kind: 0 for kind in APPLIERS}
    if client is None:
        return added
    for key in _scan(client, LIVE):
        parsed = _parse(key, LIVE)
        if parsed is None:
            continue
        kind, day = parsed
        try:
            client.rename(key, _key(f"{BATCH}:{kind}:{day.isoformat()}:{uuid.uuid4().hex}"))
        except RedisError:
            continue  # another flush took it first
    for key in _scan(client, BATCH):
        parsed = _parse(key, BATCH)
        if parsed is None:
            continue
        kind, day = parsed
        name = key[key.index(BATCH) :][:200]
        counts = {int(field): int(value) for field, value in client.hgetall(key).items()}
        try:
            with transaction.atomic():
                PageCounterBatch.objects.create(name=name)
                APPLIERS[kind](day, counts)
        except IntegrityError:
            pass  # added by an earlier flush that stopped before deleting the batch
        else:
            added[kind] += sum(counts.values())
        client.delete(key)
    PageCounterBatch.objects.filter(flushed_at__lt=timezone.now() - BATCHES_KEPT).delete()
    return added


def page_views_apply(day: date, counts: dict[int, int]) -> None:
    """Add views per order for a day: one statement for the whole batch."""
    from django.db import connection

    from orders.models import Order
    from tracking.models import TrackingPageView

    if not counts:
        return
    if connection.vendor == "postgresql":
        table = TrackingPageView._meta.db_table
        orders = Order._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {table} (order_id, day, views)
                SELECT o.id, %s, v.n FROM unnest(%s::bigint[], %s::int[]) AS v(order_id, n)
                JOIN {orders} o ON o.id = v.order_id
                ON CONFLICT (order_id, day) DO UPDATE SET views = {table}.views + EXCLUDED.views""",  # noqa: S608 -- table name is ours
                [day, list(counts), list(counts.values())],
            )
        return
    from django.db.models import F

    known = set(Order.objects.filter(id__in=list(counts)).values_list("id", flat=True))
    for order_id, views in counts.items():
        if order_id not in known:
            continue
        if not TrackingPageView.objects.filter(order_id=order_id, day=day).update(views=F("views") + views):
            TrackingPageView.objects.create(order_id=order_id, day=day, views=views)
