"""The arithmetic of points as pure functions: earning with the brand's rounding, proportional claw-back,
tiers, expiry and the date an occasion falls on."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Final

ROUNDING_MODES: Final[dict[str, str]] = {"down": ROUND_FLOOR, "nearest": ROUND_HALF_UP, "up": ROUND_CEILING}


def points_for_amount(*, amount: Decimal, rate: Decimal, rounding: str) -> int:
    """Points earned on an amount spent; never negative."""
    if amount <= 0 or rate <= 0:
        return 0
    raw = amount * rate
    return int(raw.quantize(Decimal(1), rounding=ROUNDING_MODES.get(rounding, ROUND_FLOOR)))


def claw_back_points(*, earned: int, already_clawed: int, refunded: Decimal, total: Decimal) -> int:
    """Points to take back for a refund, in proportion to the order's total; never more than is left.

    Rounded half up, so refunding every line in several refunds takes back exactly what was earned.
    """
    left = max(earned - already_clawed, 0)
    if left == 0 or refunded <= 0 or total <= 0:
        return 0
    share = min(refunded / total, Decimal(1))
    wanted = int((Decimal(earned) * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return min(wanted, left)


@dataclass(frozen=True)
class TierRule:
    name: str
    min_points: int
    perks: str
    key: str = ""  # the tier's own name, whatever language `name` is in


def tier_for(*, year_points: int, tiers: Sequence[TierRule]) -> TierRule | None:
    """The highest tier whose threshold the points earned in the last year reach."""
    reached = [tier for tier in tiers if year_points >= tier.min_points]
    return max(reached, key=lambda tier: tier.min_points) if reached else None


def next_tier(*, year_points: int, tiers: Sequence[TierRule]) -> TierRule | None:
    ahead = [tier for tier in tiers if tier.min_points > year_points]
    return min(ahead, key=lambda tier: tier.min_points) if ahead else None


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def occasion_day(*, month: int, day: int, year: int) -> date:
    """When a yearly occasion falls in `year`: 29 February is kept on 28 February in non-leap years."""
    try:
        return date(year, month, day)
    except ValueError:
        if (month, day) == (2, 29):
            return date(year, 2, 28)
        raise
