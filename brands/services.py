"""Writes for brands, staff memberships, webhook secrets and API keys."""

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from brands import selectors as brand_selectors
from brands.look import LookValues
from brands.models import ApiKey, Brand, BrandLookDraft, IntegrationSecret, Membership, Provider, Role
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
            "view_apikey",
            "manage_connections",
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


API_KEY_NAME_MAX = 100
WEBHOOK_SECRET_MAX = 255
GENERATED_SECRET_BYTES = 32
# Long enough for a merchant to paste the new secret into the provider's dashboard the next day.
SECRET_ROTATION_GRACE = timedelta(hours=24)


class CredentialRefused(ValueError):
    """A secret or key the console or a command cannot accept; the message is for the staff member."""


@dataclass(frozen=True)
class IssuedApiKey:
    api_key_id: int
    raw_key: str


def api_key_create(*, brand: Brand, name: str = "") -> IssuedApiKey:
    """Issue a key for one brand; the raw key is returned here and never stored."""
    name = name.strip()
    if len(name) > API_KEY_NAME_MAX:
        raise CredentialRefused(
            gettext("A key's name is at most %(limit)d characters.") % {"limit": API_KEY_NAME_MAX}
        )
    prefix = secrets.token_hex(4)
    raw_key = f"{API_KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(brand=brand, name=name, prefix=prefix, key_hash=sha256_hex(raw_key))
    return IssuedApiKey(api_key_id=api_key.id, raw_key=raw_key)


def api_key_revoke(*, api_key_id: int, brand_id: int | None = None) -> bool:
    """Revoke a live key (of this brand, when given); False if there was none to revoke."""
    keys = ApiKey.objects.filter(id=api_key_id, revoked_at__isnull=True)
    if brand_id is not None:
        keys = keys.filter(brand_id=brand_id)
    return keys.update(revoked_at=timezone.now()) > 0


def api_key_touch(*, api_key: ApiKey) -> None:
    """Record use at most once a minute, so hot API paths do not write on every call."""
    now = timezone.now()
    if api_key.last_used_at is None or (now - api_key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(id=api_key.id).update(last_used_at=now)


def _cleaned_secret(*, provider: str, secret: str) -> str:
    if provider not in Provider.values:
        raise CredentialRefused(
            gettext("Unknown provider %(provider)r; expected one of %(known)s.")
            % {"provider": provider, "known": ", ".join(Provider.values)}
        )
    # EasyPost normalizes its secrets with NFKD before signing; others are plain strings.
    cleaned = secret.strip()
    if provider == Provider.EASYPOST:
        cleaned = unicodedata.normalize("NFKD", cleaned)
    if not cleaned:
        raise CredentialRefused(gettext("The secret is empty."))
    if len(cleaned) > WEBHOOK_SECRET_MAX:
        raise CredentialRefused(
            gettext("The secret is longer than %(limit)d characters.") % {"limit": WEBHOOK_SECRET_MAX}
        )
    if any(ord(character) < 32 or ord(character) == 127 for character in cleaned):
        raise CredentialRefused(gettext("The secret contains control characters; paste it again."))
    return cleaned


def _forget_cached_secrets() -> None:
    # Now for this thread, and again at commit: a concurrent call could re-read the old row meanwhile.
    brand_selectors.webhook_credentials_forget()
    transaction.on_commit(brand_selectors.webhook_credentials_forget)


@transaction.atomic
def webhook_secret_set(
    *,
    brand: Brand,
    provider: str,
    secret: str,
    grace: timedelta = SECRET_ROTATION_GRACE,
    now: datetime | None = None,
) -> IntegrationSecret:
    """Store (or rotate) the secret a provider signs this brand's webhooks with.

    A replaced secret stays accepted for `grace`, so calls signed before the provider is updated
    are not lost; setting the same secret again changes nothing.
    """
    cleaned = _cleaned_secret(provider=provider, secret=secret)
    now = now or timezone.now()
    _forget_cached_secrets()
    current = IntegrationSecret.objects.select_for_update().filter(brand=brand, provider=provider).first()
    if current is None:
        return IntegrationSecret.objects.create(brand=brand, provider=provider, secret=cleaned)
    if current.secret != cleaned:
        if grace > timedelta(0):
            current.previous_secret = current.secret
            current.previous_valid_until = now + grace
        else:
            current.previous_secret = ""
            current.previous_valid_until = None
        current.secret = cleaned
        current.save(update_fields=["secret", "previous_secret", "previous_valid_until", "updated_at"])
    return current


def webhook_secret_generate(*, brand: Brand, provider: str, now: datetime | None = None) -> str:
    """A new random secret for providers where the merchant types ours in; returned once, never again."""
    raw = secrets.token_urlsafe(GENERATED_SECRET_BYTES)
    webhook_secret_set(brand=brand, provider=provider, secret=raw, now=now)
    return raw


def webhook_secret_end_grace(*, brand: Brand, provider: str) -> None:
    """Stop accepting the previous secret now (the provider already signs with the new one)."""
    IntegrationSecret.objects.filter(brand=brand, provider=provider).update(
        previous_secret="", previous_valid_until=None
    )
    _forget_cached_secrets()


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


def brand_look_draft(*, brand: Brand) -> BrandLookDraft | None:
    return BrandLookDraft.objects.filter(brand=brand).first()


@transaction.atomic
def brand_look_draft_save(
    *, brand: Brand, look: LookValues, logo: UploadedFile | None = None, user_id: int | None = None
) -> BrandLookDraft:
    """Keep the look being edited; shopper pages go on showing the published one. Idempotent per brand."""
    draft, _ = BrandLookDraft.objects.select_for_update().get_or_create(
        brand=brand,
        defaults={
            "primary_colour": look.primary_colour,
            "accent_colour": look.accent_colour,
            "font": look.font,
        },
    )
    draft.primary_colour = look.primary_colour.lower()
    draft.accent_colour = look.accent_colour.lower()
    draft.font = look.font
    draft.updated_by_id = user_id
    if logo is not None:
        draft.logo.save(logo.name or "logo", logo, save=False)
    else:
        draft.logo.name = look.logo_name
    draft.full_clean(exclude=["logo", "brand"])
    draft.save()
    return draft


@transaction.atomic
def brand_look_publish(*, brand_id: int) -> Brand:
    """Make the draft the look shoppers see, and drop the draft; without a draft nothing changes."""
    brand = Brand.objects.select_for_update().get(id=brand_id)
    draft = BrandLookDraft.objects.filter(brand=brand).first()
    if draft is None:
        return brand
    brand.primary_colour = draft.primary_colour
    brand.accent_colour = draft.accent_colour
    brand.font = draft.font
    brand.logo.name = (
        draft.logo.name
    )  # the file stays: its name is unique, so caches of the old one never lie
    brand.save(update_fields=["primary_colour", "accent_colour", "font", "logo"])
    draft.delete()
    return brand


def brand_look_draft_discard(*, brand_id: int) -> None:
    """Forget the look being edited; the published look is untouched."""
    BrandLookDraft.objects.filter(brand_id=brand_id).delete()
