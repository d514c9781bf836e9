"""Checking and previewing a merchant's draft of a template; nothing here writes.

One function answers the live preview, the save check and the test send, so what the merchant
sees while typing is what saving accepts and what a test delivers.
"""

from dataclasses import dataclass, field, replace
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from brands.models import Brand
from notifications import messages
from notifications.models import Channel
from notifications.segments import SmsLength, sms_length
from notifications.triggers import TRIGGERS
from notifications.variables import (
    FREE_TEXT,
    BrandFacts,
    allowed_names,
    longest_context,
    sample_context,
)

BODY_MAX_LENGTH = 10_000


@dataclass(frozen=True)
class Draft:
    trigger: str
    channel: str
    locale: str
    subject: str
    body: str


@dataclass(frozen=True)
class DraftCheck:
    """A draft rendered with sample values, and what stands in the way of saving it."""

    errors: tuple[str, ...]
    subject: str = ""
    body: str = ""
    html_body: str = ""
    sms: SmsLength | None = None  # with the sample values
    longest_sms: SmsLength | None = None  # with the longest realistic values
    max_segments: int = 0
    unicode_in_text: tuple[str, ...] = ()  # characters of the merchant's own words that force UCS-2
    free_text: tuple[str, ...] = ()  # variables whose length nobody can promise
    sample: dict[str, object] = field(default_factory=dict)  # the values it was rendered with

    @property
    def over_limit(self) -> bool:
        return self.longest_sms is not None and self.longest_sms.segments > self.max_segments

    @property
    def renders(self) -> bool:
        """Rendered with the samples: a test may be sent even when it is over the segment limit."""
        return not self.errors or (self.over_limit and len(self.errors) == 1)


def brand_facts(*, brand: Brand, promo_code: str = "") -> BrandFacts:
    return BrandFacts(
        slug=brand.slug,
        name=brand.name,
        support_email=brand.support_email,
        support_phone=brand.support_phone,
        promo_code=promo_code,
    )


def _render(draft: Draft, context: dict[str, object]) -> messages.RenderedMessage:
    try:
        return messages.render(
            subject=draft.subject, body=draft.body, context=context, with_html=draft.channel != Channel.SMS
        )
    except messages.TemplateInvalid:
        raise
    except Exception as exc:  # a merchant's expression (a division by zero, adding text to a number)
        raise messages.TemplateInvalid(str(exc)) from exc


def draft_check(*, draft: Draft, facts: BrandFacts, max_segments: int) -> DraftCheck:
    """Render a draft with sample values; list every reason it cannot be saved."""
    return _draft_check(draft, facts, max_segments, get_language())


@lru_cache(maxsize=2048)
def _draft_check(draft: Draft, facts: BrandFacts, max_segments: int, language: str | None) -> DraftCheck:
    # Pure in its arguments (the language is the errors'): the list page checks the same texts each visit.
    trigger = TRIGGERS[draft.trigger]
    allowed = allowed_names(trigger)
    is_sms = draft.channel == Channel.SMS
    errors: list[str] = []
    if not draft.body.strip():
        errors.append(_("Write the message text."))
    if len(draft.body) > BODY_MAX_LENGTH:
        errors.append(_("The message is longer than %(max)s characters.") % {"max": BODY_MAX_LENGTH})
    if not is_sms and not draft.subject.strip():
        errors.append(_("Write the email's subject."))
    if not is_sms:
        errors += messages.template_errors(source=draft.subject, allowed=allowed, field=_("The subject"))
    errors += messages.template_errors(source=draft.body, allowed=allowed, field=_("The text"))
    if errors:
        return DraftCheck(errors=tuple(errors), max_segments=max_segments)
    if is_sms:
        draft = Draft(draft.trigger, draft.channel, draft.locale, "", draft.body)
    sample = sample_context(trigger_name=draft.trigger, brand=facts)
    try:
        rendered = _render(draft, sample)
        longest = _render(
            draft, longest_context(trigger_name=draft.trigger, brand=facts, locale=draft.locale)
        )
    except messages.TemplateInvalid as exc:
        return DraftCheck(
            errors=(_("The text cannot be rendered: %(reason)s") % {"reason": exc},),
            max_segments=max_segments,
        )
    used = set(messages.used_names(draft.subject) | messages.used_names(draft.body))
    check = DraftCheck(
        errors=(),
        subject=rendered.subject,
        body=rendered.body,
        html_body=rendered.html_body,
        sms=sms_length(rendered.body) if is_sms else None,
        longest_sms=sms_length(longest.body) if is_sms else None,
        max_segments=max_segments,
        free_text=tuple(sorted(used & FREE_TEXT)),
        sample=sample,
    )
    if check.sms is not None:
        check = replace(
            check, unicode_in_text=tuple(ch for ch in check.sms.unicode_characters if ch in draft.body)
        )
    if check.over_limit and check.longest_sms is not None:
        reason = _("This SMS can take %(segments)s segments with long names and links (%(encoding)s)")
        reason %= {"segments": check.longest_sms.segments, "encoding": check.longest_sms.encoding}
        if check.longest_sms.unicode_characters:
            reason += _(", because of %(chars)s") % {
                "chars": " ".join(f"“{ch}”" for ch in check.longest_sms.unicode_characters[:8])
            }
        reason += _("; this brand allows %(max)s. Shorten it or replace those characters.") % {
            "max": max_segments
        }
        check = replace(check, errors=(reason,))
    return check
