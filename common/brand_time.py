"""Stored UTC times written as the brand reads them, with the zone named."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import formats


def brand_datetime(value: datetime, zone: str) -> str:
    """e.g. "12/01/2026 4:05 p.m. EET" in English, "01.12.2026, 16:05 EET" in Romanian."""
    return formats.date_format(value.astimezone(ZoneInfo(zone)), "SHORT_DATETIME_FORMAT")


def brand_date(value: datetime, zone: str) -> str:
    """The brand's calendar day of a stored time (an order placed at 23:30 UTC is the next day in Bucharest)."""
    return formats.date_format(value.astimezone(ZoneInfo(zone)).date(), "SHORT_DATE_FORMAT")
