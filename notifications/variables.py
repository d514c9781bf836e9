"""What a merchant's template may use: each variable's meaning, a sample and its longest realistic value.

A trigger may use the values every message gets (the brand's name and contacts, the shopper's
first name), the keys its caller declares (`Trigger.variables`), the keys of its sample, and any
name its default texts use. Samples fill the live preview; the longest values are what the save
check renders with, so a text that fits the segment limit fits it for real shoppers too.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common.urls import absolute_url
from notifications import messages
from notifications.triggers import TRIGGERS, Trigger

# Every message's context has these (notifications.services.message_context).
COMMON_VARIABLES: Final = ("brand_name", "first_name", "support_email", "support_phone")
# Shaped like token_urlsafe(18), the token of every link sent to shoppers: same length, same look.
SAMPLE_TOKEN: Final = "kR3vX9pQ2mT7wL5nB8cF1hJd"  # noqa: S105 - a made-up link token, not a secret


@dataclass(frozen=True)
class BrandFacts:
    """The brand's own values: a template shows exactly these, so they are their own longest."""

    slug: str
    name: str
    support_email: str
    support_phone: str
    promo_code: str = ""


@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str
    sample: str


def _link(url_name: str, fallback_path: str) -> Callable[[BrandFacts], str]:
    def build(brand: BrandFacts) -> str:
        try:
            path = reverse(url_name, kwargs={"brand_slug": brand.slug, "token": SAMPLE_TOKEN})
        except NoReverseMatch:
            path = f"/{brand.slug}/{fallback_path}/{SAMPLE_TOKEN}/"
        return absolute_url(path)

    return build


@dataclass(frozen=True)
class Entry:
    meaning: Promise
    sample: str | Callable[[BrandFacts], str]
    # By shopper language ("" for any): a Romanian first name may carry a "ș" and turn the SMS to UCS-2.
    longest: dict[str, str] | Callable[[BrandFacts], str] | None = None


def _brand(attribute: str) -> Callable[[BrandFacts], str]:
    return lambda brand: str(getattr(brand, attribute))


GLOSSARY: Final[dict[str, Entry]] = {
    "brand_name": Entry(_("Your brand's name"), _brand("name")),
    "first_name": Entry(
        _("The shopper's first name (empty when the store did not send one)"),
        "Ioana",
        {
            "": "Maximilian-Alexander",
            "ro": "Ștefania-Mădălina",
            "pl": "Małgorzata-Katarzyna",
            "ru": "Александра-Валентина",
        },
    ),
    "support_email": Entry(_("Your support email address"), _brand("support_email")),
    "support_phone": Entry(_("Your support phone number"), _brand("support_phone")),
    "order_number": Entry(_("The order number, as your store shows it"), "1007", {"": "2026-00481729"}),
    "carrier": Entry(_("The carrier's name"), "DPD", {"": "DHL Parcel Polska"}),
    "tracking_number": Entry(_("The carrier's tracking number"), "DEMO0001", {"": "9400111202555842761234"}),
    "tracking_url": Entry(
        _("The link to the parcel's page on your tracking site"),
        _link("tracking-page", "track"),
    ),
    "eta": Entry(
        _("Expected delivery date or range (empty when the carrier gives none)"),
        "2026-11-26",
        {"": "2026-11-26 – 2026-11-28"},
    ),
    "promo_code": Entry(
        _("A discount code for the shopper (empty when there is none)"),
        lambda brand: brand.promo_code or "THANKS10",
        {"": "THANKS-7KQ2M9XA"},
    ),
    "recommendations": Entry(
        _("Up to three products the shopper may like, separated by commas"),
        "Leather phone case",
        {"": "Leather phone case, Wireless earbuds, Tempered glass screen protector"},
    ),
    "rma": Entry(_("The return's number"), "RMA-1042", {"": "R-7KQ2M9XA"}),
    "return_url": Entry(_("The link to the return's page"), _link("returns-detail", "returns/r")),
    "amount": Entry(_("The amount refunded or credited"), "49.90", {"": "12499.90"}),
    "currency": Entry(_("The currency of that amount"), "RON"),
    "case_reference": Entry(_("The support case's reference"), "C-1042", {"": "C-1042817"}),
    "case_subject": Entry(
        _("The subject the shopper wrote (free text)"), "Can I change the delivery address?"
    ),
    "case_url": Entry(_("The link to the support conversation"), _link("support-case", "help/case")),
    "reply": Entry(
        _("Your team's answer (free text: its length varies)"), "Yes: the parcel leaves tomorrow."
    ),
    "confirm_url": Entry(
        _("The link that confirms the shopper's email address"), _link("support-case", "help/case")
    ),
    "nps_url": Entry(_("The link to the one-question survey"), _link("feedback-nps", "nps")),
    "percent": Entry(_("The discount in percent"), "15", {"": "50"}),
}
# Values the shopper writes or the team types: no longest value can be promised for them.
FREE_TEXT: Final = frozenset({"case_subject", "reply"})


def allowed_names(trigger: Trigger) -> tuple[str, ...]:
    """The variables a template of this trigger may use, common ones first."""
    return _allowed_names(trigger.name, id(trigger))


@lru_cache(maxsize=256)
def _allowed_names(name: str, trigger_id: int) -> tuple[str, ...]:
    # Keyed by the registered object too: a trigger registered again is read afresh.
    trigger = TRIGGERS[name]
    names = [*COMMON_VARIABLES, *trigger.variables, *trigger.sample]
    for text in trigger.texts.values():
        names += sorted(messages.used_names(text.subject) | messages.used_names(text.body))
    return tuple(dict.fromkeys(names))


def _resolve(value: str | Callable[[BrandFacts], str], brand: BrandFacts) -> str:
    return value(brand) if callable(value) else value


def sample_value(*, trigger: Trigger, name: str, brand: BrandFacts) -> str:
    if name in trigger.sample:
        return trigger.sample[name]
    entry = GLOSSARY.get(name)
    return _resolve(entry.sample, brand) if entry else name.replace("_", " ")


def longest_value(*, trigger: Trigger, name: str, brand: BrandFacts, locale: str) -> str:
    entry = GLOSSARY.get(name)
    if entry is None or entry.longest is None:
        return sample_value(trigger=trigger, name=name, brand=brand)
    if callable(entry.longest):
        return entry.longest(brand)
    return entry.longest.get(locale) or entry.longest[""]


def trigger_variables(*, trigger_name: str, brand: BrandFacts) -> list[Variable]:
    """The variables a trigger offers, each with its meaning and sample value, for the editor."""
    trigger = TRIGGERS[trigger_name]
    return [
        Variable(
            name=name,
            meaning=str(GLOSSARY[name].meaning) if name in GLOSSARY else name.replace("_", " ").capitalize(),
            sample=sample_value(trigger=trigger, name=name, brand=brand),
        )
        for name in allowed_names(trigger)
    ]


def sample_context(*, trigger_name: str, brand: BrandFacts) -> dict[str, object]:
    trigger = TRIGGERS[trigger_name]
    return {name: sample_value(trigger=trigger, name=name, brand=brand) for name in allowed_names(trigger)}


def longest_context(*, trigger_name: str, brand: BrandFacts, locale: str) -> dict[str, object]:
    trigger = TRIGGERS[trigger_name]
    return {
        name: longest_value(trigger=trigger, name=name, brand=brand, locale=locale)
        for name in allowed_names(trigger)
    }
