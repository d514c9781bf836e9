"""Writes for offers: promo codes for thank-yous and occasions, and the yearly occasion run."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from loyalty import codes
from loyalty.models import DiscountKind
from loyalty.rules import occasion_day
from offers import outbound
from offers.models import OccasionSent, OffersSettings
from orders.models import Customer

PERCENT_FIELD = {
    "thank_you": "thank_you_percent",
    "birthday": "birthday_percent",
    "anniversary": "anniversary_percent",
}
OCCASION_CODE_DAYS = 30


def promo_code_issue(*, brand_id: int, customer_id: int, purpose: str) -> str:
    """A single-use percent-off code for this customer, or '' when the brand offers none for `purpose`."""
    field = PERCENT_FIELD.get(purpose)
    settings_row = OffersSettings.objects.filter(brand_id=brand_id).first()
    percent = getattr(settings_row, field, 0) if field and settings_row else 0
    if not percent:
        return ""
    return codes.discount_code_issue(
        brand_id=brand_id,
        customer_id=customer_id,
        purpose=purpose,
        kind=DiscountKind.PERCENT,
        value=Decimal(percent),
        valid_days=OCCASION_CODE_DAYS,
    ).code


def is_occasion_today(*, month: int, day: int, on: date) -> bool:
    """Whether a yearly date falls on `on`; 29 February is kept on 28 February in non-leap years."""
    return occasion_day(month=month, day=day, year=on.year) == on


def _send(*, customer: Customer, occasion: str, year: int, percent: int) -> bool:
    try:
        with transaction.atomic():
            sent = OccasionSent.objects.create(
                brand_id=customer.brand_id, customer=customer, occasion=occasion, year=year
            )
            code = promo_code_issue(brand_id=customer.brand_id, customer_id=customer.id, purpose=occasion)
            sent.code = code
            sent.save(update_fields=["code"])
            outbound.occasion_message_send(
                brand_id=customer.brand_id,
                customer_id=customer.id,
                trigger=f"offer_{occasion}",
                subject_key=f"occasion:{occasion}:{year}",
                context={"promo_code": code, "percent": percent},
            )
    except IntegrityError:
        return False  # sent this year already
    return True


def occasions_send(*, now: datetime | None = None) -> int:
    """Birthday and first-order-anniversary offers due today in each brand's time zone, to customers
    with marketing consent, once a year each. Safe to run every hour."""
    now = now or timezone.now()
    sent = 0
    for settings_row in OffersSettings.objects.select_related("brand").exclude(
        birthday_percent=0, anniversary_percent=0
    ):
        brand = settings_row.brand
        today = now.astimezone(ZoneInfo(brand.timezone)).date()
        customers = Customer.objects.filter(brand=brand, marketing_consent=True).exclude(email="")
        if settings_row.birthday_percent:
            months = {today.month} | ({2} if today.month == 2 else set())
            for customer in customers.filter(birthday__month__in=months):
                birthday = customer.birthday
                if birthday and is_occasion_today(month=birthday.month, day=birthday.day, on=today):
                    sent += _send(
                        customer=customer,
                        occasion="birthday",
                        year=today.year,
                        percent=settings_row.birthday_percent,
                    )
        if settings_row.anniversary_percent:
            zone = ZoneInfo(brand.timezone)
            for customer in customers.annotate(first=Min("orders__placed_at")).filter(first__isnull=False):
                first = customer.first.astimezone(zone).date()  # type: ignore[attr-defined]
                if first.year < today.year and is_occasion_today(month=first.month, day=first.day, on=today):
                    sent += _send(
                        customer=customer,
                        occasion="anniversary",
                        year=today.year,
                        percent=settings_row.anniversary_percent,
                    )
    return sent
