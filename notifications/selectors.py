"""Reads for notifications: a brand's templates next to the product's defaults, draft checks, and the
console's message figures."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.db.models import Count, Q

from brands.models import Brand
from common.locales import LOCALE_CHOICES, SHOPPER_LOCALES
from common.periods import Period
from notifications import messages
from notifications.editor import Draft, DraftCheck, brand_facts, draft_check
from notifications.models import Channel, MessageTemplate, Notification, NotificationSettings, State
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


# Handed to the provider, whatever it answered later: a Twilio "failed" callback still went out.
SENT_Q: Final = Q(sent_at__isnull=False)
DELIVERED_STATES: Final = (State.DELIVERED,)
FAILED_STATES: Final = (State.FAILED, State.UNDELIVERED)


@dataclass(frozen=True)
class MessageFigures:
    """Messages created in a period for one trigger and channel; `_prev` for the period before.

    Nothing in the product records a click on a message's link, so there is no click figure.
    """

    trigger: str
    channel: str
    created: int
    sent: int
    sent_prev: int
    delivered: int
    delivered_prev: int
    failed: int
    failed_prev: int


def message_figures(*, brand_ids: Sequence[int], period: Period) -> list[MessageFigures]:
    """Messages of the period and the one before by trigger and channel; one query."""
    previous = period.previous
    current_q, previous_q = Q(created_at__gte=period.start), Q(created_at__lt=previous.end)
    counts: dict[str, Any] = {"created": Count("id", filter=current_q)}
    for name, condition in (
        ("sent", SENT_Q),
        ("delivered", Q(state__in=DELIVERED_STATES)),
        ("failed", Q(state__in=FAILED_STATES)),
    ):
        counts[name] = Count("id", filter=current_q & condition)
        counts[f"{name}_prev"] = Count("id", filter=previous_q & condition)
    rows = (
        Notification.objects.filter(
            brand_id__in=brand_ids,
            created_at__gte=previous.start,
            created_at__lt=period.end,
            is_test=False,  # a staff member's test of a template is not a message to a shopper
        )
        .values("trigger", "channel")
        .annotate(**counts)
        .order_by("-sent", "trigger", "channel")
    )
    return [MessageFigures(**row) for row in rows]
