"""Phone numbers as stores send them, stored as E.164."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw: str, *, region: str | None = None) -> str:
    """E.164 for a number a store or shopper typed ("+40 721 234 567", "(0721) 234-567" with region RO).

    Raises ValidationError for anything that is not a possible, valid number, such as Shopify's
    sample "555-555-SHIP".
    """
    text = (raw or "").strip()
    if not text:
        return ""
    try:
        parsed = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a valid phone number.")) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise ValidationError(_("Enter a valid phone number."))
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def validate_e164(value: str) -> None:
    if value and normalize_phone(value) != value:
        raise ValidationError(_("Phone numbers are stored in E.164 form, like +40721234567."))
