"""The reasons every brand starts with; brands rename, translate, add and retire their own."""

from dataclasses import dataclass
from typing import Final

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from returns.models import ReturnReason


@dataclass(frozen=True)
class DefaultReason:
    code: str
    label: Promise
    english: str
    brand_fault: bool = False
    requires_photo: bool = False


DEFAULT_REASONS: Final[tuple[DefaultReason, ...]] = (
    DefaultReason("too-small", _("Too small"), "Too small"),
    DefaultReason("too-big", _("Too big"), "Too big"),
    DefaultReason("not-as-described", _("Not as described or pictured"), "Not as described or pictured"),
    DefaultReason("changed-mind", _("Changed my mind"), "Changed my mind"),
    DefaultReason("damaged", _("Arrived damaged or faulty"), "Arrived damaged or faulty", True, True),
    DefaultReason("wrong-item", _("Wrong item sent"), "Wrong item sent", True, True),
    DefaultReason("arrived-late", _("Arrived too late"), "Arrived too late", True),
)
_DEFAULTS_BY_CODE: Final = {reason.code: reason for reason in DEFAULT_REASONS}


def reason_label(reason: ReturnReason, locale: str) -> str:
    """The reason in the shopper's language: the brand's translation, ours for an untouched default, else its label."""
    translated = reason.translations.get(locale) if isinstance(reason.translations, dict) else None
    if isinstance(translated, str) and translated.strip():
        return translated.strip()
    default = _DEFAULTS_BY_CODE.get(reason.code)
    if default is not None and reason.label == default.english:
        return str(default.label)
    return reason.label
