"""The policy engine, rule by rule: pure functions, no database."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from returns import policy
from returns.statuses import Resolution

D = Decimal
# Delivered at 22:30 UTC on 1 November: already 2 November in Bucharest (UTC+2).
DELIVERED = datetime(2026, 11, 1, 22, 30, tzinfo=UTC)
ORDERED = datetime(2026, 10, 28, 9, 0, tzinfo=UTC)


def verdict(rule: policy.Rule, now: datetime, *, tz: str = "Europe/Bucharest", delivered=DELIVERED, **kw):
    defaults = {"product_returnable": True, "remaining": 1}
    return policy.verdict(
        rule=rule, delivered_at=delivered, ordered_at=ORDERED, now=now, time_zone=tz, **{**defaults, **kw}
    )


@pytest.mark.parametrize(
    ("now", "tz", "eligible", "closes_on"),
    [
        # 14 days from the local delivery date, 2 November, to 16 November inclusive, in Bucharest time.
        (datetime(2026, 11, 16, 21, 59, tzinfo=UTC), "Europe/Bucharest", True, "2026-11-16"),
        (datetime(2026, 11, 16, 22, 0, tzinfo=UTC), "Europe/Bucharest", False, "2026-11-16"),
        # The same instants for a brand in UTC: delivered on 1 November, window ends on the 15th.
        (datetime(2026, 11, 15, 23, 59, tzinfo=UTC), "UTC", True, "2026-11-15"),
        (datetime(2026, 11, 16, 0, 0, tzinfo=UTC), "UTC", False, "2026-11-15"),
        # West of UTC: 1 November 17:30 in Chicago.
        (datetime(2026, 11, 16, 5, 59, tzinfo=UTC), "America/Chicago", True, "2026-11-15"),
        (datetime(2026, 11, 16, 6, 0, tzinfo=UTC), "America/Chicago", False, "2026-11-15"),
    ],
)
def test_window_edges_in_the_brands_time_zone(now, tz, eligible, closes_on):
    result = verdict(policy.Rule(window_days=14), now, tz=tz)

    assert result.eligible is eligible
    assert result.window_closes_on.isoformat() == closes_on
    assert result.refusal == (None if eligible else policy.Refusal.WINDOW_CLOSED)


def test_an_undelivered_order_counts_from_the_order_date():
    rule = policy.Rule(window_days=3)
    result = verdict(rule, datetime(2026, 10, 31, 12, 0, tzinfo=UTC), delivered=None)
    late = verdict(rule, datetime(2026, 11, 1, 12, 0, tzinfo=UTC), delivered=None)

    assert result.window_closes_on.isoformat() == "2026-10-31"
    assert result.eligible
    assert late.refusal == policy.Refusal.WINDOW_CLOSED


@pytest.mark.parametrize(
    ("rule", "kwargs", "refusal"),
    [
        (policy.Rule(final_sale=True), {}, policy.Refusal.FINAL_SALE),
        (policy.Rule(), {"product_returnable": False}, policy.Refusal.FINAL_SALE),
        (policy.Rule(), {"remaining": 0}, policy.Refusal.NOTHING_LEFT),
        (policy.Rule(), {"cancelled": True}, policy.Refusal.CANCELLED),
        (policy.Rule(final_sale=True, window_days=0), {}, policy.Refusal.FINAL_SALE),  # the first reason wins
        (policy.Rule(), {}, None),
    ],
)
def test_refusals(rule, kwargs, refusal):
    assert verdict(rule, datetime(2026, 11, 5, tzinfo=UTC), **kwargs).refusal == refusal


def test_the_product_rule_beats_the_category_which_beats_the_default():
    default, apparel, special = (
        policy.Rule(window_days=30),
        policy.Rule(window_days=14),
        policy.Rule(window_days=60),
    )
    book = policy.PolicyBook(default=default, by_category={"apparel": apparel}, by_product={7: special})

    assert book.rule_for(product_id=7, category="apparel") is special
    assert book.rule_for(product_id=8, category="apparel") is apparel
    assert book.rule_for(product_id=8, category="home") is default
    assert book.rule_for(product_id=None, category="") is default


FEES = policy.Rule(return_shipping_fee=D("15.00"), restocking_fee_percent=D("10"))
FREE = policy.Rule()


def line(price: str, quantity: int = 1, rule: policy.Rule = FEES) -> policy.QuoteLine:
    return policy.QuoteLine(unit_price=D(price), quantity=quantity, rule=rule)


@pytest.mark.parametrize(
    ("lines", "resolution", "brand_fault", "bonus", "expected"),
    [
        # 2 × 40 = 80; shipping 15; restocking 10% = 8 → 57.
        ([line("40.00", 2)], "refund", False, "0", ("80.00", "15.00", "8.00", "0.00", "57.00")),
        # The brand's fault: no fees.
        ([line("40.00", 2)], "refund", True, "0", ("80.00", "0.00", "0.00", "0.00", "80.00")),
        # Store credit earns the bonus (10% of 80), fees still apply.
        ([line("40.00", 2)], "store_credit", False, "10", ("80.00", "15.00", "8.00", "8.00", "65.00")),
        ([line("40.00", 2)], "exchange", True, "10", ("80.00", "0.00", "0.00", "8.00", "88.00")),
        # A refund never earns the bonus.
        ([line("40.00", 2)], "refund", False, "10", ("80.00", "15.00", "8.00", "0.00", "57.00")),
        # Shipping is charged once, the highest of the lines' rules; restocking per line.
        (
            [line("40.00"), line("10.00", rule=policy.Rule(return_shipping_fee=D("5.00")))],
            "refund",
            False,
            "0",
            ("50.00", "15.00", "4.00", "0.00", "31.00"),
        ),
        # Fees larger than the value: the shopper gets nothing, never a negative amount.
        ([line("9.99")], "refund", False, "0", ("9.99", "15.00", "1.00", "0.00", "0.00")),
        # Half-up rounding of the restocking fee: 10% of 0.05 = 0.005 → 0.01.
        (
            [line("0.05", rule=policy.Rule(restocking_fee_percent=D("10")))],
            "refund",
            False,
            "0",
            ("0.05", "0.00", "0.01", "0.00", "0.04"),
        ),
        ([line("25.00", rule=FREE)], "refund", False, "0", ("25.00", "0.00", "0.00", "0.00", "25.00")),
    ],
)
def test_fees_and_bonus(lines, resolution, brand_fault, bonus, expected):
    quote = policy.quote(
        lines=lines, resolution=resolution, brand_fault=brand_fault, credit_bonus_percent=D(bonus)
    )

    assert (
        str(quote.items_value),
        str(quote.shipping_fee),
        str(quote.restocking_fee),
        str(quote.bonus),
        str(quote.amount),
    ) == expected
    assert quote.keep_item is False


KEEP_20 = policy.Rule(
    return_shipping_fee=D("15.00"), restocking_fee_percent=D("10"), keep_it_threshold=D("20.00")
)


@pytest.mark.parametrize(
    ("lines", "keep"),
    [
        ([line("20.00", rule=KEEP_20)], True),  # at the threshold
        ([line("10.00", 2, rule=KEEP_20)], True),
        ([line("20.01", rule=KEEP_20)], False),  # just above
        ([line("10.00", rule=KEEP_20), line("5.00", rule=FEES)], False),  # a line whose rule has no threshold
        ([], False),
    ],
)
def test_keep_it_threshold(lines, keep):
    quote = policy.quote(lines=lines, resolution="refund", brand_fault=False, credit_bonus_percent=D(0))

    assert quote.keep_item is keep
    if keep:
        # Nothing comes back, so nothing is charged for sending it.
        assert (quote.shipping_fee, quote.restocking_fee, quote.amount) == (
            D("0.00"),
            D("0.00"),
            quote.items_value,
        )


def test_allowed_resolutions_are_what_every_line_allows():
    credit_only = policy.Rule(resolutions=frozenset({Resolution.STORE_CREDIT}))
    no_exchange = policy.Rule(resolutions=frozenset({Resolution.REFUND, Resolution.STORE_CREDIT}))

    assert policy.allowed_resolutions([policy.Rule()]) == frozenset(Resolution.values)
    assert policy.allowed_resolutions([no_exchange, credit_only]) == {"store_credit"}
    assert policy.allowed_resolutions([no_exchange, policy.Rule()]) == {"refund", "store_credit"}
