"""Render the tracking page once, serve it many times.

The rendered page is kept in Redis per token and host, with one variant per language and loyalty
proof state ("proved" only when the page's loyalty block depends on it). An entry is good while three
versions are the ones it was rendered under: the order's (its lines, shipments, scans, returns,
rating, problem reports), the customer's (consent, phone, language, points, codes, recommendations)
and the brand's (settings, look, content blocks, FAQ, programme, products). A change replaces the
version (a new random value) at once and again after its commit; a page renders only after reading
the versions, so a render that raced a change is stored under the old version and never served.

Every write path reaches a version through the model signals connected in `connect` (services,
admin saves, demo seed and console forms alike), and through explicit calls where rows change
without signals: queryset `.update()`/`bulk_create` in tracking, orders, notifications, loyalty and
offers call `order_changed`/`customer_changed`.

What differs per request never enters the cache: the CSP nonce and the CSRF token are kept as marks
and filled in per response (the marks are derived from SECRET_KEY, so no merchant text can forge
them); the staff preview, the states after a form post (?sms=, ?points=, ?feedback=, ?problem=)
and any other query but ?lang= are rendered fresh.

The page also says things relative to the clock: "arrives today", running late, dates in the
brand's zone, content blocks that start or end on a day. A variant lives at most PAGE_SECONDS and
never past the brand's next local midnight: the day-based words change exactly then, and the
minute-based ones (late and stuck flags, set by a task every 15 minutes) within five minutes.
"""

import functools
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.core.cache import cache, caches
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from common import page_versions
from common.page_versions import brand_changed, customer_changed, order_changed
from tracking import page_counters

logger = logging.getLogger(__name__)

PAGE_SECONDS: Final = 5 * 60
IDS_SECONDS: Final = 3 * 24 * 60 * 60
REDIS_RETRY_SECONDS: Final = 10.0
CACHEABLE_PARAMS: Final = frozenset({"lang"})
MAX_LOCAL_IDS: Final = 50_000

_down_until = 0.0
_local_ids: dict[tuple[int, str], "PageIds"] = {}


@dataclass(frozen=True)
class PageIds:
    """Who a token's page belongs to: what its versions are named after."""

    order_id: int
    customer_id: int
    brand_id: int


@dataclass(frozen=True)
class Variant:
    html: str  # with the nonce and CSRF marks in place of the per-request values
    tag: str  # names this rendering: versions, language, proof state, time rendered
    counted: tuple[tuple[str, int], ...]  # what each view of it counts (page_counters kinds)
    proof_sensitive: bool  # the loyalty block looked at the shopper's proof
    expires_at: float  # epoch seconds


@dataclass
class Entry:
    ids: PageIds
    versions: tuple[Any, Any, Any]
    preferred: tuple[str | None, ...]  # the customer's and the order's languages, for shopper_locale
    variants: dict[str, Variant] = field(default_factory=dict)

    def variant(self, *, locale: str, proved: bool, now: float) -> Variant | None:
        found = self.variants.get(variant_key(locale=locale, proved=proved))
        return found if found is not None and found.expires_at > now else None


def variant_key(*, locale: str, proved: bool) -> str:
    return f"{locale}:{'proved' if proved else 'anyone'}"


# --- marks for the per-request parts ------------------------------------------------------------


def _mark(name: str) -> str:
    return f"pp{name}{salted_hmac('tracking.page_cache.marks', name).hexdigest()[:20]}"


def nonce_mark() -> str:
    return _mark("nonce")


def csrf_mark() -> str:
    return _mark("csrf")


CSRF_INPUT: Final = '<input type="hidden" name="csrfmiddlewaretoken" value="'


def marked(html: str) -> str:
    """The page with every CSRF token replaced by the mark (each form carries its own masked token)."""
    parts = html.split(CSRF_INPUT)
    out = [parts[0]]
    mark = csrf_mark()
    for part in parts[1:]:
        _token, quote, rest = part.partition('"')
        out.append(f"{CSRF_INPUT}{mark}{quote}{rest}")
    return "".join(out)


def filled(html: str, *, nonce: str, csrf_token: str) -> str:
    return html.replace(nonce_mark(), nonce).replace(csrf_mark(), csrf_token)


# --- Redis, never failing the page ----------------------------------------------------------------


def _failed(exc: Exception) -> None:
    global _down_until
    if time.monotonic() >= _down_until:
        logger.warning("Cache unavailable for tracking pages (%s); rendering every view.", exc)
    _down_until = time.monotonic() + REDIS_RETRY_SECONDS


def _available() -> bool:
    return time.monotonic() >= _down_until


def _ids_key(brand_id: int, token: str) -> str:
    return f"trackpage:ids:{brand_id}:{token}"


@functools.cache
def _release() -> str:
    """Names the static files this release links to: a page cached by the previous release links
    hashed names that no longer exist, so it is never served by this one."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    return str(getattr(staticfiles_storage, "manifest_hash", ""))[:16]


def _page_key(brand_id: int, token: str, host: str) -> str:
    digest = hashlib.sha256(host.lower().encode()).hexdigest()[:16]
    return f"trackpage:page:{brand_id}:{token}:{digest}:{_release()}"


def _version_keys(ids: PageIds) -> list[str]:
    return page_versions.version_keys(
        order_id=ids.order_id, customer_id=ids.customer_id, brand_id=ids.brand_id
    )


def cacheable(request: HttpRequest) -> bool:
    """A plain look at the page: GET/HEAD with no query but ?lang= (no post-back state, no staff view)."""
    return request.method in ("GET", "HEAD") and set(request.GET) <= CACHEABLE_PARAMS


@dataclass(frozen=True)
class Lookup:
    entry: Entry | None
    view_counted: bool  # the order's page view was counted in the same round trip


def page_cached(*, brand_id: int, token: str, host: str, count_view: bool) -> Lookup:
    """The cached page when its versions are current, and the view counted, in one Redis round trip
    once this process has seen the token."""
    if not _available():
        return Lookup(entry=None, view_counted=False)
    try:
        ids = _local_ids.get((brand_id, token))
        if ids is None:
            ids = cache.get(_ids_key(brand_id, token))
            if not isinstance(ids, PageIds):
                return Lookup(entry=None, view_counted=False)
            _remember(brand_id, token, ids)
        page_key = _page_key(brand_id, token, host)
        keys = [page_key, *_version_keys(ids)]
        client = page_counters.redis_client()
        if client is None:
            found = cache.get_many(keys)
            values = [found.get(key) for key in keys]
            counted = False
        else:
            pipe = client.pipeline(transaction=False)
            pipe.mget([page_counters.key(key) for key in keys])
            if count_view:
                pipe.hincrby(page_counters.live_key(page_counters.PAGE_VIEWS, _today()), str(ids.order_id), 1)
            replies = pipe.execute()
            loads = caches["default"]._cache._serializer.loads  # type: ignore[attr-defined]
            values = [None if raw is None else loads(raw) for raw in replies[0]]
            counted = count_view
    except Exception as exc:
        _failed(exc)
        return Lookup(entry=None, view_counted=False)
    entry, versions = values[0], tuple(values[1:])
    if not isinstance(entry, Entry) or entry.ids != ids or None in versions or versions != entry.versions:
        return Lookup(entry=None, view_counted=counted)
    return Lookup(entry=entry, view_counted=counted)


def _today() -> date:
    return timezone.now().date()


def _remember(brand_id: int, token: str, ids: PageIds) -> None:
    if len(_local_ids) >= MAX_LOCAL_IDS:
        _local_ids.clear()
    _local_ids[(brand_id, token)] = ids


def page_ids(*, brand_id: int, token: str) -> PageIds | None:
    """Whose page this token opens: from Redis, else one or two indexed queries (then remembered)."""
    if _available():
        try:
            ids = cache.get(_ids_key(brand_id, token))
        except Exception as exc:
            _failed(exc)
            ids = None
        if isinstance(ids, PageIds):
            return ids
    from tracking import selectors

    row = selectors.tracking_page_owner(brand_id=brand_id, token=token)
    if row is None:
        return None
    ids = PageIds(order_id=row[0], customer_id=row[1], brand_id=brand_id)
    if _available():
        try:
            cache.set(_ids_key(brand_id, token), ids, IDS_SECONDS)
        except Exception as exc:
            _failed(exc)
    return ids


def ids_replace(*, token: str, ids: PageIds) -> None:
    """The token's order or customer is not the one remembered (an order moved to a merged customer)."""
    _remember(ids.brand_id, token, ids)
    if _available():
        try:
            cache.set(_ids_key(ids.brand_id, token), ids, IDS_SECONDS)
        except Exception as exc:
            _failed(exc)


def versions_read(ids: PageIds) -> tuple[Any, Any, Any] | None:
    """The current versions, created where missing; read before the page's data, never after."""
    if not _available():
        return None
    keys = _version_keys(ids)
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if found.get(key) is None]
        for key in missing:
            cache.add(key, secrets.token_hex(8), page_versions.VERSION_SECONDS)
        if missing:
            found.update(cache.get_many(missing))
    except Exception as exc:
        _failed(exc)
        return None
    values = tuple(found.get(key) for key in keys)
    if any(value is None for value in values):
        return None
    return values[0], values[1], values[2]


def expires_at(*, now: datetime, time_zone: str) -> float:
    """PAGE_SECONDS from now, or the brand's next local midnight if that comes first."""
    local = now.astimezone(ZoneInfo(time_zone))
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return min(now.timestamp() + PAGE_SECONDS, midnight.timestamp())


def page_store(
    *,
    token: str,
    host: str,
    ids: PageIds,
    versions: tuple[Any, Any, Any],
    preferred: tuple[str | None, ...],
    locale: str,
    proved: bool,
    variant: Variant,
) -> None:
    """Keep this rendering beside the other variants rendered under the same versions."""
    if not _available():
        return
    key = _page_key(ids.brand_id, token, host)
    try:
        entry = cache.get(key)
        if not isinstance(entry, Entry) or entry.versions != versions or entry.ids != ids:
            entry = Entry(ids=ids, versions=versions, preferred=preferred)
        now = time.time()
        entry.variants = {name: kept for name, kept in entry.variants.items() if kept.expires_at > now}
        entry.variants[variant_key(locale=locale, proved=proved)] = variant
        timeout = max(1, int(max(kept.expires_at for kept in entry.variants.values()) - now) + 1)
        cache.set(key, entry, timeout)
    except Exception as exc:
        _failed(exc)
        return
    _remember(ids.brand_id, token, ids)


def variant_tag(*, versions: tuple[Any, Any, Any], locale: str, proved: bool, rendered_at: float) -> str:
    text = "|".join(str(part) for part in (*versions, locale, proved, rendered_at))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def etag(*, variant: Variant, csrf_secret: str) -> str:
    """Weak: names the rendering and the CSRF cookie its forms' tokens were made from (not the secret)."""
    cookie = salted_hmac("tracking.page_cache.etag", csrf_secret).hexdigest()[:12]
    return f'W/"{variant.tag}-{cookie}"'


def on_shipment_flagged(flag: Any) -> None:
    """Late and stuck flags are set with a queryset update: the page's notices change."""
    order_changed(order_id=flag.order_id)


def _shipment_order(shipment_id: int | None) -> int | None:
    if not shipment_id:
        return None
    from tracking.models import Shipment

    return Shipment.objects.filter(id=shipment_id).values_list("order_id", flat=True).first()


def _related_id(instance: models.Model, relation: str, attribute: str) -> int | None:
    """instance.<relation>.<attribute>, from the loaded relation when there is one, else one query."""
    cached = instance._state.fields_cache.get(relation)
    if cached is not None:
        return getattr(cached, attribute, None)
    field_object = instance._meta.get_field(relation)
    related_id = getattr(instance, f"{relation}_id", None)
    if related_id is None:
        return None
    model = field_object.related_model
    value: int | None = model._default_manager.filter(pk=related_id).values_list(attribute, flat=True).first()  # type: ignore[union-attr]
    return value


def _order_of(instance: models.Model) -> None:
    order_changed(order_id=getattr(instance, "order_id", None))


def _order_itself(instance: models.Model) -> None:
    order_changed(order_id=instance.pk)


def _order_of_shipment(instance: models.Model) -> None:
    cached = instance._state.fields_cache.get("shipment")
    order_id = (
        cached.order_id if cached is not None else _shipment_order(getattr(instance, "shipment_id", None))
    )
    order_changed(order_id=order_id)


def _order_of_return(instance: models.Model) -> None:
    order_changed(order_id=_related_id(instance, "return_request", "order_id"))


def _customer_itself(instance: models.Model) -> None:
    customer_changed(customer_id=instance.pk)


def _customer_of(instance: models.Model) -> None:
    customer_changed(customer_id=getattr(instance, "customer_id", None))


def _customer_of_account(instance: models.Model) -> None:
    customer_changed(customer_id=_related_id(instance, "account", "customer_id"))
    order_changed(order_id=getattr(instance, "order_id", None))


def _referral(instance: models.Model) -> None:
    customer_changed(customer_id=getattr(instance, "referrer_id", None))
    customer_changed(customer_id=getattr(instance, "friend_id", None))


def _brand_itself(instance: models.Model) -> None:
    brand_changed(brand_id=instance.pk)


def _brand_of(instance: models.Model) -> None:
    brand_changed(brand_id=getattr(instance, "brand_id", None))


# What each model's rows change on the page. Models not listed never show on it (webhook bodies,
# the outbox, page view counts, staff accounts, audit rows).
WATCHED: Final = {
    "orders.Order": _order_itself,
    "orders.OrderLine": _order_of,
    "orders.Customer": _customer_itself,
    "orders.ConsentRecord": _customer_of,
    "orders.Product": _brand_of,
    "tracking.Shipment": _order_of,
    "tracking.ShipmentLine": _order_of_shipment,
    "tracking.TrackingEvent": _order_of_shipment,
    "tracking.TrackingSettings": _brand_of,
    "returns.Return": _order_of,
    "returns.ReturnLine": _order_of_return,
    "returns.ReturnPolicy": _brand_of,
    "returns.ReturnRule": _brand_of,
    "returns.ReturnReason": _brand_of,
    "notifications.NotificationSettings": _brand_of,
    "loyalty.LoyaltyProgramme": _brand_of,
    "loyalty.LoyaltyTier": _brand_of,
    "loyalty.LoyaltyAccount": _customer_of,
    "loyalty.LedgerEntry": _customer_of_account,
    "loyalty.DiscountCode": _customer_of,
    "loyalty.Referral": _referral,
    "offers.OffersSettings": _brand_of,
    "offers.RecommendationRule": _brand_of,
    "offers.Recommendation": _customer_of,
    "offers.ContentBlock": _brand_of,
    "support.Case": _order_of,
    "support.FaqCategory": _brand_of,
    "support.FaqArticle": _brand_of,
    "feedback.FeedbackSettings": _brand_of,
    "feedback.DeliveryRating": _order_of,
    "brands.Brand": _brand_itself,
}


def _on_change(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return  # fixtures loading: nothing is cached for rows that did not exist
    WATCHED[sender._meta.label](instance)


def connect() -> None:
    """Cache upkeep, not domain flow: every save and delete of a watched model replaces a version."""
    from django.apps import apps
    from django.test.signals import setting_changed

    from tracking import hooks

    for label in WATCHED:
        model = apps.get_model(label)
        post_save.connect(_on_change, sender=model, dispatch_uid=f"trackpage-save-{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"trackpage-delete-{label}")
    hooks.on_flagged(on_shipment_flagged)
    setting_changed.connect(_forget_local, dispatch_uid="trackpage-settings")


def _forget_local(**kwargs: Any) -> None:
    """Tests swap the cache and the database between tests: forget the tokens seen."""
    global _down_until
    _local_ids.clear()
    _down_until = 0.0
    page_versions.forget_outage()
    page_counters.forget_outage()
