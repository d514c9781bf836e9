"""What the dashboard shows: which of the staff member's brands, and which local days."""

from dataclasses import dataclass
from datetime import date
from typing import Final
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from brands.models import Brand
from brands.selectors import brands_for_user
from common.periods import Period, period_ending

PRESETS: Final = (7, 30, 90)
DEFAULT_DAYS: Final = 30
MAX_DAYS: Final = 366
ALL_BRANDS: Final = "all"


@dataclass(frozen=True)
class Selection:
    """Which brands and which local days the dashboard shows, and what of the request was refused."""

    brands: list[Brand]  # every brand the staff member may pick
    brand: Brand | None  # None: all brands (superusers only)
    brand_ids: list[int]
    period: Period
    preset: str  # "7", "30", "90" or "custom"
    errors: list[str]


def _parse_day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value and len(value) <= 10 else None
    except ValueError:
        return None


def selection_from(*, request: HttpRequest, strict: bool = False) -> Selection:
    """The brands and period asked for in the query string, limited to what this staff member may see.

    A brand of someone else is never shown: refused (404) when `strict`, else replaced by the
    staff member's own first brand.
    """
    params: QueryDict = request.GET
    user = request.user
    brands = list(brands_for_user(user=user).order_by("name", "id"))
    errors: list[str] = []
    asked = params.get("brand", "").strip()
    superuser = bool(getattr(user, "is_superuser", False))
    by_id = {str(brand.id): brand for brand in brands}
    brand: Brand | None
    if asked in by_id:
        brand = by_id[asked]
    elif superuser and asked in ("", ALL_BRANDS):
        brand = None
    else:
        if asked and strict:
            raise Http404("No such brand.")
        if asked:
            errors.append(_("That brand is not one of yours; showing your own."))
        brand = brands[0] if brands else None
    brand_ids = [brand.id] if brand else ([b.id for b in brands] if superuser else [])
    time_zone = brand.timezone if brand else settings.TIME_ZONE
    today = timezone.now().astimezone(ZoneInfo(time_zone)).date()

    preset = params.get("range", str(DEFAULT_DAYS)).strip()
    period = period_ending(today=today, days=DEFAULT_DAYS, time_zone=time_zone)
    if preset == "custom":
        first, last = _parse_day(params.get("from", "")), _parse_day(params.get("to", ""))
        if first is None or last is None:
            errors.append(_("Give both dates as YYYY-MM-DD."))
        elif first > last:
            errors.append(_("The start date is after the end date."))
        elif (last - first).days + 1 > MAX_DAYS:
            errors.append(_("Choose at most %(days)d days.") % {"days": MAX_DAYS})
        else:
            period = Period(first_day=first, last_day=last, time_zone=time_zone)
        if errors and strict:
            raise Http404(" ".join(errors))
    elif preset in {str(days) for days in PRESETS}:
        period = period_ending(today=today, days=int(preset), time_zone=time_zone)
    else:
        preset = str(DEFAULT_DAYS)
    return Selection(
        brands=brands, brand=brand, brand_ids=brand_ids, period=period, preset=preset, errors=errors
    )
