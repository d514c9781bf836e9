"""Lenient readers for provider JSON: accept the mess (strings for numbers, nulls, stray spaces,
datetimes with "Z", an offset or none), refuse with PayloadError only what cannot be understood."""

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.core import get_global

from tracking.carriers.base import PayloadError

_ISO3_TO_ISO2: dict[str, str] = {
    alias: targets[0]
    for alias, targets in get_global("territory_aliases").items()
    if len(alias) == 3 and alias.isalpha() and targets and len(targets[0]) == 2
}
# "2026-11-04 09:30:00" and "2026-11-04T09:30:00.123456789+02:00": Python wants a T and at most
# microseconds.
_SPACE_BETWEEN_DATE_AND_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2}) +(\d)")
_LONG_FRACTION = re.compile(r"(\.\d{6})\d+")


def mapping(value: Any, what: str) -> Mapping[str, Any]:
    """The value as a JSON object, or PayloadError naming what was expected."""
    if not isinstance(value, Mapping):
        kind = "nothing" if value is None else type(value).__name__
        raise PayloadError(f"{what} must be a JSON object, got {kind}.")
    return value


def mappings(value: Any, what: str) -> list[Mapping[str, Any]]:
    """A JSON array of objects; null or missing is an empty list."""
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise PayloadError(f"{what} must be a JSON array, got {type(value).__name__}.")
    return [mapping(item, f"Each item of {what}") for item in value]


def text(value: Any) -> str:
    """A trimmed string for any scalar; '' for null, objects and arrays."""
    if value is None or isinstance(value, bool | Mapping | list | tuple):
        return ""
    return str(value).strip()


def required_text(value: Any, what: str) -> str:
    found = text(value)
    if not found:
        raise PayloadError(f"{what} is missing.")
    return found


def identifier(value: Any) -> str:
    """An id as text, exactly: 64-bit integers stay exact, 1.0-style floats lose the '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return text(value)


def timestamp(value: Any, what: str) -> datetime:
    """An aware datetime from ISO 8601 text (or Unix seconds); no offset means UTC."""
    parsed = optional_timestamp(value, what)
    if parsed is None:
        raise PayloadError(f"{what} is missing.")
    return parsed


def optional_timestamp(value: Any, what: str) -> datetime | None:
    """Like timestamp, but null or '' is None. Garbage is still an error: it may hide a real date."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise PayloadError(f"{what} is not a valid time: {value!r}.") from exc
    raw = text(value)
    cleaned = _LONG_FRACTION.sub(r"\1", _SPACE_BETWEEN_DATE_AND_TIME.sub(r"\1T\2", raw))
    try:
        parsed = datetime.fromisoformat(cleaned)
    except ValueError:
        raise PayloadError(f"{what} is not an ISO 8601 date and time: {raw[:40]!r}.") from None
    if parsed.tzinfo is None:
        # A carrier's local time without an offset: read as UTC, the one reading that does not
        # depend on where the server runs. At worst it is off by the scan's UTC offset.
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def calendar_date(value: Any) -> date | None:
    """The date a delivery estimate names, as the provider wrote it (no time-zone shift); None if
    absent or unreadable — an estimate is never worth refusing a whole notification for."""
    raw = text(value)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def midnight_utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def decimal(value: Any, what: str, *, default: Decimal | None = None) -> Decimal | None:
    """A money amount from "19.99", 19.99 or "19,99"; null → default; anything else is an error."""
    raw = text(value)
    if not raw:
        return default
    try:
        amount = Decimal(raw.replace(",", ".") if raw.count(",") == 1 and "." not in raw else raw)
    except InvalidOperation:
        raise PayloadError(f"{what} is not an amount: {raw[:40]!r}.") from None
    if not amount.is_finite():
        raise PayloadError(f"{what} is not an amount: {raw[:40]!r}.")
    return amount


def integer(value: Any, what: str, *, default: int | None = None) -> int | None:
    """An integer from 2, "2", 2.0 or " 2 "; null → default."""
    raw = text(value)
    if not raw:
        return default
    try:
        number = Decimal(raw)
    except InvalidOperation:
        raise PayloadError(f"{what} is not a whole number: {raw[:40]!r}.") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise PayloadError(f"{what} is not a whole number: {raw[:40]!r}.")
    return int(number)


def country_code(value: Any) -> str:
    """ISO 3166 alpha-2 from alpha-2 or alpha-3 ('JPN' → 'JP'); anything else as given."""
    raw = text(value).upper()
    return _ISO3_TO_ISO2.get(raw, raw) if len(raw) == 3 else raw


def place(*, city: Any = None, state: Any = None, country: Any = None, fallback: Any = None) -> str:
    """'Cluj-Napoca, CJ, RO': the parts present, carriers' SHOUTED city names in title case."""
    town = text(city)
    if not town and text(fallback):
        return text(fallback)  # the carrier's own one-line location, e.g. "DONGGUAN CN"
    if town.isupper():
        town = town.title()
    return ", ".join(part for part in (town, text(state), country_code(country)) if part)
