"""Writes for brands, staff memberships, webhook secrets and API keys."""

import secrets
import unicodedata
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from brands.models import ApiKey, Brand, IntegrationSecret, Membership, Provider, Role
from common.tokens import sha256_hex

API_KEY_PREFIX = "pp"

# What each role may do in the admin, in the brands where the user holds it (brands.permissions).
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.OWNER: {
        "brands": (
            "view_brand",
            "change_brand",
            "view_membership",
            "add_membership",
            "change_membership",
            "delete_membership",
            "view_integrationsecret",
        ),
        "orders": (
            "view_customer",
            "change_customer",
            "view_consentrecord",
            "view_product",
            "add_product",
            "change_product",
            "view_order",
            "change_order",
        ),
    },
    Role.RETURNS_MANAGER: {
        "orders": ("view_customer", "view_consentrecord", "view_product", "view_order"),
    },
    Role.SUPPORT_AGENT: {
        "orders": ("view_customer", "view_consentrecord", "view_order", "view_product"),
    },
}


@dataclass(frozen=True)
class IssuedApiKey:
    api_key_id: int
    raw_key: str


def api_key_create(*, brand: Brand, name: str = "") -> IssuedApiKey:
    """Issue a key for one brand; the raw key is returned here and never stored."""
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(brand=brand, name=name, prefix=prefix, key_hash=sha256_hex(raw_key))
    return IssuedApiKey(api_key_id=api_key.id, raw_key=raw_key)


def api_key_revoke(*, api_key_id: int) -> None:
    ApiKey.objects.filter(id=api_key_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use at most once a minute, so hot API paths do not write on every call."""
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(id=api_key.id).update(last_used_at=now)


def webhook_secret_set(*, brand: Brand, provider: str, secret: str) -> IntegrationSecret:
    """Store (or replace) the secret a provider signs this brand's webhooks with."""
    if provider not in Provider.values:
        raise ValueError(f"unknown provider {provider!r}; expected one of {', '.join(Provider.values)}")
    # EasyPost normalizes its secrets with NFKD before signing; others are plain strings.
    cleaned = secret.strip()
    if provider == Provider.EASYPOST:
        cleaned = unicodedata.normalize("NFKD", cleaned)
    if not cleaned:
        raise ValueError("the secret is empty")
    integration, _ = IntegrationSecret.objects.update_or_create(
        brand=brand, provider=provider, defaults={"secret": cleaned}
    )
    return integration


def role_permissions_register(*, role: str, app_label: str, codenames: tuple[str, ...]) -> None:
    """Let another app grant a role permissions on its models (called from its AppConfig.ready)."""
    current = ROLE_PERMISSIONS.setdefault(role, {})
    current[app_label] = tuple(sorted(set(current.get(app_label, ())) | set(codenames)))


@transaction.atomic
def membership_grant(*, user_id: int, brand: Brand, role: str) -> Membership:
    """Make a user staff of a brand with a role; idempotent, the latest role wins."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(id=user_id)
    membership, _ = Membership.objects.update_or_create(user=user, brand=brand, defaults={"role": role})
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    # No group carries the role: brands.permissions reads it from this row, per brand.
    return membership
