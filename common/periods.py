"""Reporting periods: a local date range in a brand's time zone, and the period of the same length before it."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Period:
    """Whole local days [first_day, last_day] in one time zone, as aware datetimes for queries."""

    first_day: date
    last_day: date
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=self.zone)

    @property
    def end(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.last_day + timedelta(days=1), time.min, tzinfo=self.zone)

    @property
    def previous(self) -> "Period":
        """The period of the same length that ends the day before this one starts."""
        last = self.first_day - timedelta(days=1)
        return Period(first_day=last - timedelta(days=self.days - 1), last_day=last, time_zone=self.time_zone)


def period_ending(*, today: date, days: int, time_zone: str) -> Period:
    """The last `days` local days up to and including today."""
    return Period(first_day=today - timedelta(days=days - 1), last_day=today, time_zone=time_zone)


@dataclass(frozen=True)
class Compared:
    """A figure for the period and for the one before it."""

    current: int | float | Decimal | None
    previous: int | float | Decimal | None

    @property
    def change(self) -> float | None:
        """Relative change in percent; None when there is nothing to compare with."""
        if self.current is None or self.previous in (None, 0):
            return None
        return round(100 * (float(self.current) - float(self.previous)) / float(self.previous), 1)  # type: ignore[arg-type]

    @property
    def delta(self) -> float | None:
        """Absolute difference (for rates and scores, where a relative change misleads)."""
        if self.current is None or self.previous is None:
            return None
        return round(float(self.current) - float(self.previous), 1)
