"""Limits on the shopper forms: keyed on the real client and on what is being tried, never failing shut.

Two limits guard a form. One counts the client's posts, so a shopper behind the same proxy as an
attacker is not locked out with them; the other counts posts about one target (an order number, a
tracking token, an email address) from every client, so guessing one order from many addresses hits
a cap too. The client is the address the trusted proxies saw (`TRUSTED_PROXY_COUNT`,
`TRUSTED_PROXIES`); with none configured, X-Forwarded-For is ignored and the socket address is used.

The counters live in Redis. While Redis cannot be reached, each process counts in its own memory and
says so in the log: the forms keep answering, limited a little more loosely across processes.
"""

import hashlib
import ipaddress
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Final

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django_ratelimit.decorators import ratelimit
from python_ipware import IpWare
from redis.exceptions import RedisError

from brands.models import Brand
from common.shopper import render_shopper, shopper_locale

logger = logging.getLogger(__name__)

# Posts about one target from all clients together: enough for a shopper's typos, not for guessing.
TARGET_RATE: Final = "20/h"
# After Redis failed, try it again at most this often; in between, count locally without waiting on it.
REDIS_RETRY_SECONDS: Final = 10.0
RETRY_AFTER_SECONDS: Final = 60

Target = Callable[[HttpRequest], str]


# --- the client's address ---------------------------------------------------------------------------


def _resolver(count: int, proxies: tuple[str, ...]) -> IpWare:
    # The chain is X-Forwarded-For followed by the socket address (the nearest proxy), so the
    # proxies counted or listed are exactly the ones in front of us, nearest last.
    return IpWare(
        precedence=("HTTP_X_FORWARDED_FOR",),
        proxy_count=count or None,
        proxy_list=list(proxies) or None,
    )


def client_ip(request: HttpRequest) -> str:
    """The shopper's address: from X-Forwarded-For only as far as trusted proxies vouch for it."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    count: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    proxies: tuple[str, ...] = tuple(getattr(settings, "TRUSTED_PROXIES", ()))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "").strip()
    if (count or proxies) and forwarded and remote:
        chain = {"HTTP_X_FORWARDED_FOR": f"{forwarded}, {remote}"}
        found, _trusted = _resolver(count, proxies).get_client_ip(chain, strict=False)
        if found is not None:
            return str(found)
    return remote


def _client_part(request: HttpRequest) -> str:
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        # One IPv6 subscriber holds a whole /64: counting single addresses would not count them.
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def client_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key: the client's address (an IPv6 client's /64)."""
    return f"client:{_client_part(request)}"


# --- the target being tried -------------------------------------------------------------------------


def _brand_part(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return str(match.kwargs.get("brand_slug", "")) if match is not None else ""


def post_field(name: str) -> Target:
    """The target is a posted field (an order number, an email), compared without case or spaces."""

    def target(request: HttpRequest) -> str:
        value = str(request.POST.get(name, ""))
        return "".join(value.split()).lower().lstrip("#")[:254]

    return target


def url_kwarg(name: str) -> Target:
    """The target is part of the address (a tracking token, a referral code)."""

    def target(request: HttpRequest) -> str:
        match = getattr(request, "resolver_match", None)
        return str(match.kwargs.get(name, ""))[:254] if match is not None else ""

    return target


def _target_key(target: Target) -> Callable[[str, HttpRequest], str]:
    def key(group: str, request: HttpRequest) -> str:
        digest = hashlib.sha256(target(request).encode()).hexdigest()
        return f"target:{_brand_part(request)}:{digest}"

    return key


def _target_rate(target: Target, rate: str) -> Callable[[str, HttpRequest], str | None]:
    def for_request(group: str, request: HttpRequest) -> str | None:
        # An empty target is no one's: counting it would make every empty post share one bucket.
        return rate if target(request) else None

    return for_request


def shopper_ratelimit(
    *, rate: str, target: Target | None = None, target_rate: str = TARGET_RATE
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Count POSTs per client (`rate`) and, with `target`, per target from all clients (`target_rate`);
    the view sees `request.limited` when either is over, and answers with `rate_limited_page`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        group = f"{view.__module__}.{view.__qualname__}"
        limited = ratelimit(group=group, key=client_key, rate=rate, method="POST", block=False)(view)
        if target is not None:
            limited = ratelimit(
                group=f"{group}:target",
                key=_target_key(target),
                rate=_target_rate(target, target_rate),
                method="POST",
                block=False,
            )(limited)
        return limited

    return decorate


# --- the answer when limited ------------------------------------------------------------------------


def rate_limited_page(
    request: HttpRequest,
    *,
    brand: Brand | None,
    locale: str = "",
    back_url: str = "",
    preferred: Iterable[str | None] = (),
) -> HttpResponse:
    """429 as a page in the shopper's language and the brand's frame, with when to try again."""
    locale = locale or shopper_locale(request=request, brand=brand, preferred=preferred)
    response = render_shopper(
        request,
        "shopper/rate_limited.html",
        brand=brand,
        locale=locale,
        context={"back_url": back_url},
        status=429,
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


# --- the counters -----------------------------------------------------------------------------------


class FailoverRedisCache(RedisCache):
    """Redis for the limit counters; while Redis cannot be reached, this process's memory instead.

    Only the calls django-ratelimit makes (add, incr, get) fall over: the limiter must not turn a
    Redis outage into an outage of the shopper forms.
    """

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._local = LocMemCache(
            "ratelimit-fallback",
            {
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            },
        )
        self._lock = threading.Lock()
        self._down = False
        self._retry_at = 0.0

    def _shared_available(self) -> bool:
        return not self._down or time.monotonic() >= self._retry_at

    def _failed(self, error: RedisError) -> None:
        with self._lock:
            if not self._down:
                logger.warning(
                    "Shared rate limiter unavailable (%s: %s); counting in this process until Redis answers.",
                    type(error).__name__,
                    error,
                )
            self._down = True
            self._retry_at = time.monotonic() + REDIS_RETRY_SECONDS

    def _recovered(self) -> None:
        if self._down:
            with self._lock:
                self._down = False
            logger.info("Shared rate limiter available again.")

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if self._shared_available():
            try:
                result = getattr(super(), method)(*args, **kwargs)
            except RedisError as error:
                self._failed(error)
            else:
                self._recovered()
                return result
        return getattr(self._local, method)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return bool(self._call("add", key, value, timeout, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)
