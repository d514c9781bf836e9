"""The return policy as data: one set of rule objects decides eligibility, prices a return and
explains itself on the public policy page. Pure functions, no database."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from returns.statuses import Resolution

CENT: Final = Decimal("0.01")
ZERO: Final = Decimal("0.00")
ALL_RESOLUTIONS: Final = frozenset(Resolution.values)


def cents(value: Decimal) -> Decimal:
    """Money rounded half-up to cents, the way a receipt shows it."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    """One category's (or one product's) return terms."""

    window_days: int = 30
    final_sale: bool = False
    resolutions: frozenset[str] = ALL_RESOLUTIONS
    return_shipping_fee: Decimal = ZERO
    restocking_fee_percent: Decimal = ZERO
    keep_it_threshold: Decimal = ZERO
    must_be_unused: bool = True
    tags_required: bool = False
    category: str = ""
    product_id: int | None = None


# What holds when a brand has written no rule at all.
DEFAULT_RULE: Final = Rule()


@dataclass(frozen=True)
class PolicyBook:
    """A brand's whole policy: its rules and the settings that hold for every category."""

    time_zone: str = "UTC"
    default: Rule = DEFAULT_RULE
    by_category: Mapping[str, Rule] = field(default_factory=dict)
    by_product: Mapping[int, Rule] = field(default_factory=dict)
    credit_bonus_percent: Decimal = ZERO
    auto_approve: bool = True
    return_method: str = "drop_off"
    processing_days: int = 5

    def rule_for(self, *, product_id: int | None, category: str) -> Rule:
        """The product's own rule, else its category's, else the brand's default."""
        if product_id is not None and product_id in self.by_product:
            return self.by_product[product_id]
        return self.by_category.get(category, self.default)

    def sections(self) -> list[Rule]:
        """The rules the policy page explains: each category, then everything else."""
        return [self.by_category[name] for name in sorted(self.by_category)] + [self.default]


class Refusal(StrEnum):
    FINAL_SALE = "final_sale"
    WINDOW_CLOSED = "window_closed"
    NOTHING_LEFT = "nothing_left"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Verdict:
    refusal: Refusal | None
    window_closes_on: date

    @property
    def eligible(self) -> bool:
        return self.refusal is None


def local_date(moment: datetime, time_zone: str) -> date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


def window_closes_on(
    *, rule: Rule, delivered_at: datetime | None, ordered_at: datetime, time_zone: str
) -> date:
    """The last day, in the brand's time zone, on which the item may be sent back."""
    start = local_date(delivered_at or ordered_at, time_zone)
    return start + timedelta(days=rule.window_days)


def verdict(
    *,
    rule: Rule,
    product_returnable: bool,
    delivered_at: datetime | None,
    ordered_at: datetime,
    now: datetime,
    time_zone: str,
    remaining: int,
    cancelled: bool = False,
) -> Verdict:
    """Whether a line can be returned now, and if not, the first reason why."""
    closes_on = window_closes_on(
        rule=rule, delivered_at=delivered_at, ordered_at=ordered_at, time_zone=time_zone
    )
    refusal: Refusal | None = None
    if cancelled:
        refusal = Refusal.CANCELLED
    elif rule.final_sale or not product_returnable:
        refusal = Refusal.FINAL_SALE
    elif local_date(now, time_zone) > closes_on:
        refusal = Refusal.WINDOW_CLOSED
    elif remaining < 1:
        refusal = Refusal.NOTHING_LEFT
    return Verdict(refusal=refusal, window_closes_on=closes_on)


def allowed_resolutions(rules: Sequence[Rule]) -> frozenset[str]:
    """The resolutions every chosen line's rule allows."""
    allowed = set(ALL_RESOLUTIONS)
    for rule in rules:
        allowed &= rule.resolutions
    return frozenset(allowed)


@dataclass(frozen=True)
class QuoteLine:
    unit_price: Decimal
    quantity: int
    rule: Rule


@dataclass(frozen=True)
class Quote:
    items_value: Decimal
    shipping_fee: Decimal
    restocking_fee: Decimal
    bonus: Decimal
    amount: Decimal
    keep_item: bool


def keeps_item(*, lines: Sequence[QuoteLine], items_value: Decimal) -> bool:
    """Whether sending back costs more than it is worth: every rule sets a threshold the items stay under."""
    thresholds = [line.rule.keep_it_threshold for line in lines]
    return bool(lines) and all(threshold > 0 for threshold in thresholds) and items_value <= min(thresholds)


def quote(
    *, lines: Sequence[QuoteLine], resolution: str, brand_fault: bool, credit_bonus_percent: Decimal
) -> Quote:
    """What the shopper gets back: the items' value, less fees the shopper owes, plus any credit bonus.

    The return shipping fee is charged once per return (the highest among the lines' rules); the
    restocking fee is a share of each line. Neither is charged when the brand is at fault or when the
    shopper keeps the items. The bonus rewards store credit and exchanges. Never below zero.
    """
    items_value = cents(sum((line.unit_price * line.quantity for line in lines), ZERO))
    keep_item = keeps_item(lines=lines, items_value=items_value)
    waived = brand_fault or keep_item
    shipping_fee = ZERO if waived else max((line.rule.return_shipping_fee for line in lines), default=ZERO)
    restocking_fee = (
        ZERO
        if waived
        else cents(
            sum(
                (line.unit_price * line.quantity * line.rule.restocking_fee_percent / 100 for line in lines),
                ZERO,
            )
        )
    )
    bonus = (
        cents(items_value * credit_bonus_percent / 100)
        if resolution in (Resolution.STORE_CREDIT, Resolution.EXCHANGE)
        else ZERO
    )
    amount = max(ZERO, items_value - cents(shipping_fee) - restocking_fee + bonus)
    return Quote(
        items_value=items_value,
        shipping_fee=cents(shipping_fee),
        restocking_fee=restocking_fee,
        bonus=bonus,
        amount=cents(amount),
        keep_item=keep_item,
    )


@dataclass(frozen=True)
class Settlement:
    """What a return pays out once its items were looked at, and the resolution it ends in."""

    items_value: Decimal
    restocking_fee: Decimal
    bonus: Decimal
    amount: Decimal


def settle(
    *,
    quoted_items_value: Decimal,
    shipping_fee: Decimal,
    restocking_fee: Decimal,
    bonus: Decimal,
    accepted_value: Decimal,
    resolution: str,
    credit_bonus_percent: Decimal,
) -> Settlement:
    """The quote recomputed for what was accepted: the restocking fee and the bonus follow the share
    of the items' value kept; the return shipping fee stays (it was paid once, whatever came back).

    Refunds carry no bonus; a return switched to store credit or an exchange gets the brand's bonus
    when it had none. Never below zero.
    """
    share = accepted_value / quoted_items_value if quoted_items_value > 0 else ZERO
    settled_restocking = cents(restocking_fee * share)
    if resolution == Resolution.REFUND:
        settled_bonus = ZERO
    elif bonus > 0:
        settled_bonus = cents(bonus * share)
    else:
        settled_bonus = cents(accepted_value * credit_bonus_percent / 100)
    amount = max(ZERO, accepted_value - cents(shipping_fee) - settled_restocking + settled_bonus)
    return Settlement(
        items_value=cents(accepted_value),
        restocking_fee=settled_restocking,
        bonus=settled_bonus,
        amount=cents(amount),
    )
