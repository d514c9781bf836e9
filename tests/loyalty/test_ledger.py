"""The ledger: earning with the brand's rounding, redemption into codes, adjustments, expiry."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.utils import timezone

from loyalty import rules, services
from loyalty.models import CodeStatus, EntryKind, LedgerEntry, LoyaltyAccount
from tests.loyalty.conftest import give

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "rate", "rounding", "points"),
    [
        ("99.99", "1", "down", 99),
        ("99.99", "1", "nearest", 100),
        ("99.49", "1", "nearest", 99),
        ("99.01", "1", "up", 100),
        ("10.00", "2.5", "down", 25),
        ("0.00", "1", "up", 0),
        ("-5.00", "1", "up", 0),
        ("100.00", "0", "up", 0),
    ],
)
def test_points_for_amount_follows_the_brands_rounding(
    amount: str, rate: str, rounding: str, points: int
) -> None:
    assert rules.points_for_amount(amount=Decimal(amount), rate=Decimal(rate), rounding=rounding) == points


@pytest.mark.parametrize(
    ("earned", "clawed", "refunded", "total", "expected"),
    [
        (100, 0, "50.00", "100.00", 50),
        (100, 50, "50.00", "100.00", 50),
        (100, 0, "150.00", "100.00", 100),  # never more than the order
        (100, 90, "50.00", "100.00", 10),  # never more than is left
        (99, 0, "33.33", "99.99", 33),
        (0, 0, "10.00", "100.00", 0),
        (100, 0, "0.00", "100.00", 0),
    ],
)
def test_claw_back_is_proportional_and_bounded(
    earned: int, clawed: int, refunded: str, total: str, expected: int
) -> None:
    got = rules.claw_back_points(
        earned=earned, already_clawed=clawed, refunded=Decimal(refunded), total=Decimal(total)
    )
    assert got == expected


def test_redeem_turns_points_into_a_single_use_code(member: Any) -> None:
    give(member, 350)

    code = services.points_redeem(customer_id=member.id, points=300)

    account = LoyaltyAccount.objects.get(customer=member)
    assert account.balance == 50
    assert code.value == Decimal("15.00")
    assert code.currency == "RON"
    assert code.status == CodeStatus.ISSUED
    assert LedgerEntry.objects.get(kind=EntryKind.REDEEM).points == -300


def test_redeeming_more_than_the_balance_is_refused_and_writes_nothing(member: Any) -> None:
    give(member, 150)

    with pytest.raises(services.InsufficientPoints):
        services.points_redeem(customer_id=member.id, points=200)

    assert LoyaltyAccount.objects.get(customer=member).balance == 150
    assert not member.discount_codes.exists()
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEM).count() == 0


@pytest.mark.parametrize("points", [0, -100, 150])
def test_redeeming_off_the_step_is_refused(member: Any, points: int) -> None:
    give(member, 1000)
    with pytest.raises(services.LoyaltyError):
        services.points_redeem(customer_id=member.id, points=points)
    assert LoyaltyAccount.objects.get(customer=member).balance == 1000


def test_an_adjustment_needs_a_reason_and_cannot_go_below_zero(member: Any) -> None:
    give(member, 100)
    with pytest.raises(services.LoyaltyError):
        services.points_adjust(customer_id=member.id, points=10, reason="  ", actor_id=None)
    with pytest.raises(services.InsufficientPoints):
        services.points_adjust(customer_id=member.id, points=-101, reason="typo", actor_id=None)
    entry = services.points_adjust(
        customer_id=member.id, points=-40, reason="Goodwill mistake", actor_id=None
    )
    assert entry.balance_after == 60
    assert entry.reason == "Goodwill mistake"


def test_the_same_source_key_moves_points_once(member: Any) -> None:
    give(member, 100, key="promo:1")
    give(member, 100, key="promo:1")
    assert LoyaltyAccount.objects.get(customer=member).balance == 100
    assert LedgerEntry.objects.count() == 1


def test_points_expire_after_months_of_inactivity_and_only_then(member: Any, programme: Any) -> None:
    programme.expiry_months = 12
    programme.save()
    give(member, 400)
    services.points_redeem(customer_id=member.id, points=100)  # activity now
    now = timezone.now()

    assert services.points_expire_inactive(now=now + timedelta(days=300)) == 0
    assert services.points_expire_inactive(now=now + timedelta(days=400)) == 1
    assert services.points_expire_inactive(now=now + timedelta(days=401)) == 0

    account = LoyaltyAccount.objects.get(customer=member)
    assert account.balance == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).get().points == -300
    assert LedgerEntry.objects.aggregate(s=Sum("points"))["s"] == 0


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2026-03-31", 1, "2026-02-28"),
        ("2028-03-31", 1, "2028-02-29"),
        ("2026-01-15", 13, "2024-12-15"),
    ],
)
def test_months_before_clamps_to_the_month_end(day: str, months: int, expected: str) -> None:
    from datetime import date

    assert rules.months_before(date.fromisoformat(day), months) == date.fromisoformat(expected)


def test_tiers_follow_points_earned_in_the_last_year() -> None:
    tiers = [
        rules.TierRule("Member", 0, ""),
        rules.TierRule("Silver", 500, ""),
        rules.TierRule("Gold", 2000, ""),
    ]
    assert rules.tier_for(year_points=499, tiers=tiers).name == "Member"  # type: ignore[union-attr]
    assert rules.tier_for(year_points=500, tiers=tiers).name == "Silver"  # type: ignore[union-attr]
    assert rules.next_tier(year_points=500, tiers=tiers).name == "Gold"  # type: ignore[union-attr]
    assert rules.next_tier(year_points=5000, tiers=tiers) is None
