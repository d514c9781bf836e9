"""Reads for brands: tenant lookup, staff scope, API-key authentication, webhook secrets."""

import hmac
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet
from django.utils import timezone

from brands import cache as brand_cache
from brands.models import ApiKey, Brand, IntegrationSecret
from common.tokens import sha256_hex


def brand_by_slug(*, slug: str) -> Brand | None:
    """The brand with this slug; read on every shopper request, so served from this process's memory
    (brands/cache.py), checked against the brands' version in Redis at most once a second."""
    return brand_cache.brand_cached(key=f"slug:{slug}", load=lambda: Brand.objects.filter(slug=slug).first())


def brand_by_host(*, host: str) -> Brand | None:
    """The brand whose custom domain this is, if any; cached like brand_by_slug."""
    name = host.split(":")[0].lower()
    if not name:
        return None
    return brand_cache.brand_cached(
        key=f"host:{name}", load=lambda: Brand.objects.filter(custom_domain=name).first()
    )


def brand_ids_for_user(*, user: AbstractBaseUser | AnonymousUser) -> set[int] | None:
    """The brands a staff user may see; None means every brand (superuser)."""
    if not getattr(user, "is_active", False):
        return set()
    if getattr(user, "is_superuser", False):
        return None
    if user.pk is None:
        return set()
    cached = getattr(user, "_brand_ids_cache", None)
    if cached is None:
        # One read serves both the scope and the per-brand roles (brands.permissions).
        from brands.permissions import roles_by_brand

        cached = set(roles_by_brand(user))
        user._brand_ids_cache = cached  # type: ignore[union-attr]
    return cached


def brands_for_user(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Brand]:
    ids = brand_ids_for_user(user=user)
    return Brand.objects.all() if ids is None else Brand.objects.filter(id__in=ids)


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The live key matching this raw key, with its brand, or None; constant-time on the hash."""
    parts = raw_key.split("_", 2)
    if len(parts) != 3 or not parts[1]:
        return None
    api_key = ApiKey.objects.select_related("brand").filter(prefix=parts[1], revoked_at__isnull=True).first()
    if api_key is None or not hmac.compare_digest(api_key.key_hash, sha256_hex(raw_key)):
        return None
    return api_key


def webhook_secret(*, brand: Brand, provider: str) -> str | None:
    return (
        IntegrationSecret.objects.filter(brand=brand, provider=provider)
        .values_list("secret", flat=True)
        .first()
    )


def webhook_secrets_accepted(*, brand: Brand, provider: str, now: datetime | None = None) -> list[str]:
    """The secrets a call may be signed with: the current one, and the replaced one during its grace."""
    row = (
        IntegrationSecret.objects.filter(brand=brand, provider=provider)
        .values("secret", "previous_secret", "previous_valid_until")
        .first()
    )
    if row is None:
        return []
    return _accepted(row["secret"], row["previous_secret"], row["previous_valid_until"], now)


def _accepted(secret: str, previous: str, until: datetime | None, now: datetime | None) -> list[str]:
    accepted = [secret] if secret else []
    if previous and until is not None and (now or timezone.now()) < until:
        accepted.append(previous)
    return accepted


@dataclass(frozen=True)
class WebhookCredentials:
    """A brand's id and the secrets of one provider, as the webhook endpoint checks a call against."""

    brand_id: int
    secret: str
    previous_secret: str
    previous_valid_until: datetime | None

    def accepted(self, now: datetime | None = None) -> list[str]:
        # The grace period is checked at each call, so a cached entry never stretches it.
        return _accepted(self.secret, self.previous_secret, self.previous_valid_until, now)


# Per process: the endpoint answers carriers' bursts without reading the brand and its secret on
# every call. Short-lived, cleared in this process when a secret is set or rotated, and never
# trusted to refuse: a call the cached secrets do not verify is checked again against the database.
WEBHOOK_CREDENTIALS_TTL = 10.0
_credentials: dict[tuple[str, str], tuple[float, WebhookCredentials]] = {}
_credentials_lock = threading.Lock()


def webhook_credentials(*, brand_slug: str, provider: str, fresh: bool = False) -> WebhookCredentials | None:
    """The brand and its accepted secrets for `provider`; None for an unknown brand (never cached)."""
    key = (brand_slug, provider)
    if not fresh:
        cached = _credentials.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
    brand = brand_by_slug(slug=brand_slug)
    if brand is None:
        return None
    row = (
        IntegrationSecret.objects.filter(brand=brand, provider=provider)
        .values("secret", "previous_secret", "previous_valid_until")
        .first()
    ) or {"secret": "", "previous_secret": "", "previous_valid_until": None}
    credentials = WebhookCredentials(
        brand_id=brand.id,
        secret=row["secret"],
        previous_secret=row["previous_secret"],
        previous_valid_until=row["previous_valid_until"],
    )
    with _credentials_lock:
        _credentials[key] = (time.monotonic() + WEBHOOK_CREDENTIALS_TTL, credentials)
    return credentials


def webhook_credentials_forget() -> None:
    """Drop this process's cached secrets (a secret changed); other processes age out within the TTL."""
    with _credentials_lock:
        _credentials.clear()


def may_manage_connections(*, user: AbstractBaseUser | AnonymousUser, brand_id: int) -> bool:
    """Whether this staff member may see and change this brand's secrets and keys.

    The permission alone is not enough: the role held in this very brand must carry it, so an owner
    of one brand who is an agent in another cannot rotate the other's secrets.
    """
    if not getattr(user, "is_active", False) or not getattr(user, "is_staff", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    from brands.permissions import brand_ids_granting

    granting = brand_ids_granting(user, "brands.manage_connections")
    return granting is None or brand_id in granting


def timezone_for_staff(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The time zone shared by all of a staff user's brands; None for superusers or mixed zones."""
    ids = brand_ids_for_user(user=user)
    if not ids:
        return None
    zones = set(Brand.objects.filter(id__in=ids).values_list("timezone", flat=True))
    return zones.pop() if len(zones) == 1 else None
