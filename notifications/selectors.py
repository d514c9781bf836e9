"""Reads for notifications: a brand's templates next to the product's defaults, and draft checks."""

from dataclasses import dataclass
from datetime import datetime

from brands.models import Brand
from common.locales import LOCALE_CHOICES, SHOPPER_LOCALES
from notifications import messages
from notifications.editor import Draft, DraftCheck, brand_facts, draft_check
from notifications.models import Channel, MessageTemplate, NotificationSettings
from notifications.triggers import TRIGGERS
from notifications.variables import BrandFacts

LANGUAGE_NAMES = dict(LOCALE_CHOICES)
DEFAULT_MAX_SEGMENTS = NotificationSettings._meta.get_field("sms_max_segments").get_default()


@dataclass(frozen=True)
class TemplateRow:
    trigger: str
    label: str
    channel: str
    locale: str
    language: str
    own: bool  # the brand wrote its own text; otherwise the product's default goes out
    updated_at: datetime | None
    worst_segments: int | None  # SMS only: with the longest realistic values


@dataclass(frozen=True)
class BrandTemplateSettings:
    facts: BrandFacts
    max_segments: int


def brand_languages(*, brand: Brand) -> list[str]:
    """The shopper languages the brand writes in; all of them when it named none."""
    chosen = [code for code in SHOPPER_LOCALES if code in (brand.enabled_locales or [])]
    return chosen or list(SHOPPER_LOCALES)


def template_settings(*, brand: Brand) -> BrandTemplateSettings:
    """The brand's segment limit and values; a read, even when its settings row does not exist yet."""
    row = (
        NotificationSettings.objects.filter(brand_id=brand.id)
        .values_list("sms_max_segments", "promo_code")
        .first()
    )
    max_segments, promo_code = row or (DEFAULT_MAX_SEGMENTS, "")
    return BrandTemplateSettings(
        facts=brand_facts(brand=brand, promo_code=promo_code), max_segments=max_segments
    )


def template_key_valid(*, trigger: str, channel: str, locale: str) -> bool:
    found = TRIGGERS.get(trigger)
    return found is not None and channel in found.channels and locale in SHOPPER_LOCALES


def template_current(
    *, brand_id: int, trigger: str, channel: str, locale: str
) -> tuple[Draft, MessageTemplate | None]:
    """The text that goes out today: the brand's own if it has one, else the product's default."""
    own = MessageTemplate.objects.filter(
        brand_id=brand_id, trigger=trigger, channel=channel, locale=locale
    ).first()
    if own is not None:
        return Draft(trigger, channel, locale, own.subject, own.body), own
    default = messages.default_text(trigger=trigger, locale=locale)
    subject = "" if channel == Channel.SMS else default.subject
    return Draft(trigger, channel, locale, subject, default.body), None


def template_default(*, trigger: str, channel: str, locale: str) -> Draft:
    default = messages.default_text(trigger=trigger, locale=locale)
    return Draft(trigger, channel, locale, "" if channel == Channel.SMS else default.subject, default.body)


def template_overview(*, brand: Brand) -> list[TemplateRow]:
    """Every trigger × language × channel of the brand, own text or default, in two queries."""
    settings_row = template_settings(brand=brand)
    own = {
        (row.trigger, row.channel, row.locale): row
        for row in MessageTemplate.objects.filter(brand_id=brand.id).only(
            "trigger", "channel", "locale", "subject", "body", "updated_at"
        )
    }
    rows = []
    for name, trigger in sorted(TRIGGERS.items(), key=lambda item: str(item[1].label)):
        for locale in brand_languages(brand=brand):
            for channel in trigger.channels:
                template = own.get((name, channel, locale))
                worst = None
                if channel == Channel.SMS:
                    draft = (
                        Draft(name, channel, locale, "", template.body)
                        if template
                        else template_default(trigger=name, channel=channel, locale=locale)
                    )
                    check = draft_check(
                        draft=draft, facts=settings_row.facts, max_segments=settings_row.max_segments
                    )
                    worst = check.longest_sms.segments if check.longest_sms else None
                rows.append(
                    TemplateRow(
                        trigger=name,
                        label=str(trigger.label),
                        channel=channel,
                        locale=locale,
                        language=LANGUAGE_NAMES.get(locale, locale),
                        own=template is not None,
                        updated_at=template.updated_at if template else None,
                        worst_segments=worst,
                    )
                )
    return rows


def template_draft_check(*, brand: Brand, draft: Draft) -> DraftCheck:
    settings_row = template_settings(brand=brand)
    return draft_check(draft=draft, facts=settings_row.facts, max_segments=settings_row.max_segments)
