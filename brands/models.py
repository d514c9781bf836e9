import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.history import staff_history_user
from common.locales import (
    LOCALE_CHOICES,
    validate_shopper_locale,
    validate_timezone,
)
from common.phones import validate_e164

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use a colour like #1a2b3c."))

# First path segments the product itself answers: a brand with one of these slugs would never be reached.
RESERVED_SLUGS = frozenset({"admin", "api", "webhooks", "healthz", "readyz", "static", "media", "i18n"})


def validate_brand_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is used by the product itself; choose another."), params={"slug": value}
        )


class FontFamily(models.TextChoices):
    """System font stacks only: shopper pages load no third-party assets."""

    SYSTEM = "system", "System UI"
    HUMANIST = "humanist", "Humanist sans"
    GEOMETRIC = "geometric", "Geometric sans"
    SERIF = "serif", "Serif"
    MONO = "mono", "Monospace"


FONT_STACKS: dict[str, str] = {
    FontFamily.SYSTEM: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    FontFamily.HUMANIST: 'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, sans-serif',
    FontFamily.GEOMETRIC: 'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif',
    FontFamily.SERIF: 'Charter, "Bitstream Charter", "Sitka Text", Cambria, Georgia, serif',
    FontFamily.MONO: 'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, monospace',
}


def logo_upload_to(instance: Any, filename: str) -> str:
    """A fresh name per upload: a logo's URL never changes content, so it may be cached for a year."""
    return f"brands/logos/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


LOGO_EXTENSIONS = ["png", "jpg", "jpeg", "webp", "svg"]


def _default_locales() -> list[str]:
    return ["en"]


class Brand(models.Model):
    """A tenant: one retailer's brand, with its look, languages and sender identities."""

    slug = models.SlugField(max_length=50, unique=True, validators=[validate_brand_slug])
    name = models.CharField(max_length=120)
    logo = models.FileField(
        upload_to=logo_upload_to, blank=True, validators=[FileExtensionValidator(LOGO_EXTENSIONS)]
    )
    primary_colour = models.CharField(max_length=7, default="#1f3a5f", validators=[hex_colour])
    accent_colour = models.CharField(max_length=7, default="#e07a1f", validators=[hex_colour])
    font = models.CharField(max_length=20, choices=FontFamily.choices, default=FontFamily.SYSTEM)
    support_email = models.EmailField(blank=True)
    support_phone = models.CharField(max_length=20, blank=True, validators=[validate_e164])
    default_locale = models.CharField(
        max_length=5, choices=LOCALE_CHOICES, default="en", validators=[validate_shopper_locale]
    )
    enabled_locales = models.JSONField(
        default=_default_locales, help_text=_('Languages shoppers may switch to, e.g. ["en", "ro"].')
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    sms_from_number = models.CharField(
        max_length=20, blank=True, validators=[validate_e164], help_text=_("E.164 sender number.")
    )
    sms_messaging_service_sid = models.CharField(
        max_length=34,
        blank=True,
        validators=[RegexValidator(r"^MG[0-9a-fA-F]{32}$", _("A Messaging Service SID starts with MG."))],
        help_text=_("Used instead of the sender number when set."),
    )
    email_from_name = models.CharField(max_length=120, blank=True)
    email_from_address = models.EmailField(blank=True)
    custom_domain = models.CharField(
        max_length=253,
        blank=True,
        null=True,
        unique=True,
        help_text=_("A host such as track.example.com that serves this brand's pages."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(get_user=staff_history_user)

    class Meta:
        ordering: ClassVar = ["name"]
        permissions: ClassVar = [
            ("manage_connections", "Can see and change a brand's webhook secrets and API keys"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def font_stack(self) -> str:
        return FONT_STACKS.get(self.font, FONT_STACKS[FontFamily.SYSTEM])

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        locales = self.enabled_locales
        if not isinstance(locales, list) or not locales:
            raise ValidationError({"enabled_locales": _("List at least one language.")})
        for code in locales:
            validate_shopper_locale(code)
        if self.default_locale not in locales:
            raise ValidationError({"default_locale": _("The default language must be enabled.")})
        if self.custom_domain == "":
            self.custom_domain = None


def refuse_languages_not_enabled(*, brand: Brand, codes: Iterable[str]) -> None:
    """Raise when a text is given in a language the brand does not serve: shoppers would never see it.

    The error names no field: the texts are edited as one input per language, or through the API.
    """
    enabled = set(brand.enabled_locales or [])
    stray = sorted(code for code in codes if code not in enabled)
    if stray:
        raise ValidationError(
            _(
                "%(brand)s does not serve these languages: %(codes)s. Enable them on the brand first, or leave them empty."
            ),
            params={"brand": brand.name, "codes": ", ".join(stray)},
        )


class BrandLookDraft(models.Model):
    """The brand's look as being edited: shopper pages keep the published look until it is published."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="look_draft")
    logo = models.FileField(
        upload_to=logo_upload_to, blank=True, validators=[FileExtensionValidator(LOGO_EXTENSIONS)]
    )
    primary_colour = models.CharField(max_length=7, validators=[hex_colour])
    accent_colour = models.CharField(max_length=7, validators=[hex_colour])
    font = models.CharField(max_length=20, choices=FontFamily.choices)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.brand} · draft look"


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    RETURNS_MANAGER = "returns_manager", _("Returns manager")
    SUPPORT_AGENT = "support_agent", _("Support agent")


class Membership(models.Model):
    """Ties a staff user to a brand with a role; admin access is scoped by these rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "brand"], name="membership_unique_user_brand")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.brand} · {self.get_role_display()}"


class Provider(models.TextChoices):
    SHOPIFY = "shopify", "Shopify"
    EASYPOST = "easypost", "EasyPost"
    AFTERSHIP = "aftership", "AfterShip"
    SHIPPO = "shippo", "Shippo"


class IntegrationSecret(models.Model):
    """The shared secret a provider signs this brand's webhooks with."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="integration_secrets")
    provider = models.CharField(max_length=20, choices=Provider.choices)
    secret = models.CharField(max_length=255)
    # After a rotation the old secret is still accepted for a while, so calls the provider signs
    # before the merchant has pasted the new one are not lost.
    previous_secret = models.CharField(max_length=255, blank=True)
    previous_valid_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["brand", "provider"], name="integration_secret_unique_provider")
        ]

    def __str__(self) -> str:
        return f"{self.brand} · {self.get_provider_display()}"


class ApiKey(models.Model):
    """A per-brand API key; only its SHA-256 is stored, the key itself is shown once."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.brand} · {self.prefix}…"


class Invitation(models.Model):
    """An owner's invitation for someone to join a brand's staff; the link carries a token, we keep its hash."""

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} · {self.brand} · {self.get_role_display()}"


class StaffProfile(models.Model):
    """A staff member's own console settings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    language = models.CharField(max_length=5, choices=settings.LANGUAGES, blank=True)

    def __str__(self) -> str:
        return str(self.user)


class TeamPolicy(models.Model):
    """What a brand's owners ask of everyone on its staff."""

    brand = models.OneToOneField(Brand, on_delete=models.CASCADE, related_name="team_policy")
    two_factor_required = models.BooleanField(default=False)

    def __str__(self) -> str:
        return str(self.brand)
