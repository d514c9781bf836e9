"""The pure rules behind the return desk: what inspection and a changed resolution pay out, and
which moves staff are offered from each status."""

from decimal import Decimal

import pytest

from returns.policy import Settlement, settle
from returns.statuses import ReturnStatus, staff_moves

D = Decimal
S = ReturnStatus


@pytest.mark.parametrize(
    ("quote", "accepted", "resolution", "percent", "expected"),
    [
        # items, shipping, restocking, bonus — everything accepted gives the quote back
        (
            (D("100"), D("15"), D("4"), D("0")),
            D("100"),
            "refund",
            D("0"),
            Settlement(D("100.00"), D("4.00"), D("0.00"), D("81.00")),
        ),
        # part accepted: restocking follows the share, shipping stays
        (
            (D("100"), D("15"), D("4"), D("0")),
            D("65"),
            "refund",
            D("0"),
            Settlement(D("65.00"), D("2.60"), D("0.00"), D("47.40")),
        ),
        # nothing accepted: never below zero
        (
            (D("100"), D("15"), D("4"), D("0")),
            D("0"),
            "refund",
            D("0"),
            Settlement(D("0.00"), D("0.00"), D("0.00"), D("0.00")),
        ),
        # a credit keeps its bonus in proportion
        (
            (D("100"), D("0"), D("0"), D("10")),
            D("50"),
            "store_credit",
            D("10"),
            Settlement(D("50.00"), D("0.00"), D("5.00"), D("55.00")),
        ),
        # switched from refund to credit: the brand's bonus is added
        (
            (D("100"), D("0"), D("0"), D("0")),
            D("100"),
            "store_credit",
            D("10"),
            Settlement(D("100.00"), D("0.00"), D("10.00"), D("110.00")),
        ),
        # switched from credit to refund: the bonus goes
        (
            (D("100"), D("0"), D("0"), D("10")),
            D("100"),
            "refund",
            D("10"),
            Settlement(D("100.00"), D("0.00"), D("0.00"), D("100.00")),
        ),
        # thirds round half-up to cents
        (
            (D("30"), D("0"), D("1"), D("0")),
            D("10"),
            "refund",
            D("0"),
            Settlement(D("10.00"), D("0.33"), D("0.00"), D("9.67")),
        ),
    ],
)
def test_settle(quote, accepted, resolution, percent, expected):
    items, shipping, restocking, bonus = quote
    assert (
        settle(
            quoted_items_value=items,
            shipping_fee=shipping,
            restocking_fee=restocking,
            bonus=bonus,
            accepted_value=accepted,
            resolution=resolution,
            credit_bonus_percent=percent,
        )
        == expected
    )


@pytest.mark.parametrize(
    ("status", "keep_item", "expected"),
    [
        (S.REQUESTED, False, [S.APPROVED, S.REJECTED]),
        (S.APPROVED, False, [S.RECEIVED]),
        (S.APPROVED, True, [S.REFUNDED, S.CREDITED, S.EXCHANGED]),
        (S.IN_TRANSIT, False, [S.RECEIVED]),
        (S.RECEIVED, False, [S.INSPECTED, S.REFUNDED, S.CREDITED, S.EXCHANGED]),
        (S.INSPECTED, False, [S.REFUNDED, S.CREDITED, S.EXCHANGED]),
        (S.REJECTED, False, []),
        (S.REFUNDED, False, []),
        (S.CLOSED, True, []),
    ],
)
def test_staff_moves(status, keep_item, expected):
    assert staff_moves(status=status, keep_item=keep_item) == expected
