"""Template tags for templates/base_shopper.html: the brand's theme and its languages."""

from datetime import date, datetime
from typing import Final

import phonenumbers
from babel.dates import format_date
from django import template
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from brands.models import Brand
from common.shopper import BrandTheme, brand_theme, language_choices

register = template.Library()


@register.simple_tag
def shopper_theme(brand: Brand | None) -> BrandTheme:
    """The brand's colours, each with a readable companion: `{% shopper_theme brand as theme %}`."""
    return brand_theme(brand)


@register.simple_tag
def shopper_languages(brand: Brand | None) -> list[tuple[str, str]]:
    """(code, native name) of the brand's languages: `{% shopper_languages brand as languages %}`."""
    return language_choices(brand)


@register.filter
def theme_css(theme: BrandTheme) -> SafeString:
    return theme.css()


@register.filter
def phone_display(value: str) -> str:
    """An E.164 number grouped for reading: +40212345678 → +40 21 234 5678."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


# CLDR patterns: Django's own Romanian catalogue capitalises month names ("20 Noiembrie"), CLDR does not.
DATE_PATTERNS: Final[dict[str, str]] = {
    "weekday": "EEEE, d MMMM",  # Thursday, 26 November · четверг, 26 ноября
    "day": "d MMMM",  # 26 November · 26 listopada
    "full": "d MMMM y",  # 26 November 2026 · 26 noiembrie 2026
}


@register.filter
def shopper_date(value: date | datetime | None, style: str = "weekday") -> str:
    """A date in the active language, in the active time zone for datetimes (see {% timezone %})."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    language = (translation.get_language() or "en").split("-")[0]
    return format_date(value, DATE_PATTERNS.get(style, DATE_PATTERNS["weekday"]), locale=language)
