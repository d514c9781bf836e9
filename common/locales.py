"""The languages shoppers are served in, and ISO codes we accept from stores."""

from typing import Final
from zoneinfo import available_timezones

from babel import Locale
from babel.numbers import list_currencies
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SHOPPER_LOCALES: Final[tuple[str, ...]] = ("en", "ro", "pl", "ru")
LOCALE_CHOICES: Final = [
    ("en", "English"),
    ("ro", "Română"),
    ("pl", "Polski"),
    ("ru", "Русский"),
]
CURRENCIES: Final[frozenset[str]] = frozenset(list_currencies())
COUNTRIES: Final[frozenset[str]] = frozenset(
    code for code in Locale("en").territories if isinstance(code, str) and len(code) == 2 and code.isalpha()
)
TIMEZONES: Final[frozenset[str]] = frozenset(available_timezones())


def closest_shopper_locale(value: str | None, *, default: str = "en") -> str:
    """The supported language nearest to a tag such as 'ro-RO' or 'pl_PL', else the default."""
    if not value:
        return default
    primary = value.replace("_", "-").split("-")[0].lower()
    return primary if primary in SHOPPER_LOCALES else default


def validate_currency(value: str) -> None:
    if value not in CURRENCIES:
        raise ValidationError(_("Unknown currency code “%(code)s”."), params={"code": value})


def validate_country(value: str) -> None:
    if value not in COUNTRIES:
        raise ValidationError(_("Unknown country code “%(code)s”."), params={"code": value})


def validate_timezone(value: str) -> None:
    if value not in TIMEZONES:
        raise ValidationError(_("Unknown time zone “%(zone)s”."), params={"zone": value})


def validate_shopper_locale(value: str) -> None:
    if value not in SHOPPER_LOCALES:
        raise ValidationError(_("Unsupported language “%(code)s”."), params={"code": value})
