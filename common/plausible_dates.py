"""Bounds no parcel, order or delivery estimate can fall outside.

A carrier's year 1, a store's year 9999 or a scan a month in the future is a bug on their side;
stored, it would sort first or last forever, move a status, or break a date shown in a page. Such
values are refused (API, orders) or dropped (one scan among many), always with a reason.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Final

from django.core.exceptions import ValidationError

EARLIEST: Final[datetime] = datetime(2000, 1, 1, tzinfo=UTC)
# Clocks drift and carriers stamp local time without an offset: a scan may look a little ahead.
SCAN_AHEAD: Final[timedelta] = timedelta(days=3)
ORDER_AHEAD: Final[timedelta] = timedelta(days=1)
ESTIMATE_AHEAD: Final[timedelta] = timedelta(days=366)


def implausible_time(at: datetime, *, now: datetime, ahead: timedelta, what: str) -> str | None:
    """Why `at` cannot be a real time for `what` (before 2000, or more than `ahead` after now), or None."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    # Compared as aware datetimes: no conversion, so year 1 or 9999 with any offset cannot overflow.
    if at < EARLIEST:
        return f"{what} {at.isoformat()} is before {EARLIEST.year}."
    if at > now + ahead:
        return f"{what} {at.isoformat()} is more than {_days(ahead)} ahead of now."
    return None


def implausible_date(day: date, *, today: date, ahead: timedelta, what: str) -> str | None:
    """Why `day` cannot be a real date for `what`, or None."""
    if day < EARLIEST.date():
        return f"{what} {day.isoformat()} is before {EARLIEST.year}."
    if day > today + ahead:
        return f"{what} {day.isoformat()} is more than {_days(ahead)} ahead of today."
    return None


def validate_scan_time(at: datetime, *, now: datetime) -> None:
    """ValidationError unless `at` can be the time of a carrier scan."""
    if reason := implausible_time(at, now=now, ahead=SCAN_AHEAD, what="The time"):
        raise ValidationError(reason)


def validate_estimate(day: date, *, today: date) -> None:
    """ValidationError unless `day` can be a delivery estimate."""
    if reason := implausible_date(day, today=today, ahead=ESTIMATE_AHEAD, what="The date"):
        raise ValidationError(reason)


def _days(delta: timedelta) -> str:
    return f"{delta.days} day{'s' if delta.days != 1 else ''}"
