"""Reads for brands: tenant lookup, staff scope, API-key authentication, webhook secrets."""

import hmac

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from brands.models import ApiKey, Brand, IntegrationSecret
from common.tokens import sha256_hex


def brand_by_slug(*, slug: str) -> Brand | None:
    return Brand.objects.filter(slug=slug).first()


def brand_by_host(*, host: str) -> Brand | None:
    """The brand whose custom domain this is, if any."""
    name = host.split(":")[0].lower()
    return Brand.objects.filter(custom_domain=name).first() if name else None


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


def timezone_for_staff(*, user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The time zone shared by all of a staff user's brands; None for superusers or mixed zones."""
    ids = brand_ids_for_user(user=user)
    if not ids:
        return None
    zones = set(Brand.objects.filter(id__in=ids).values_list("timezone", flat=True))
    return zones.pop() if len(zones) == 1 else None
