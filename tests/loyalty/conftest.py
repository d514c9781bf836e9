"""Loyalty fixtures: a programme with tiers, and orders delivered through tracking."""

from decimal import Decimal
from typing import Any

import pytest

from loyalty.models import LoyaltyProgramme, LoyaltyTier
from tests import factories
from tests.returns.conftest import DELIVERED_AT, deliver, make_order, policy_rules, reasons  # noqa: F401 - shared builder  # noqa: F401 - fixtures


@pytest.fixture
def programme(brand: Any) -> LoyaltyProgramme:
    """1 point per RON, rounded down; 100 points = 5 RON; tiers at 0, 500 and 2000 points."""
    for min_points, name, perks in (
        (0, "Member", "Points"),
        (500, "Silver", "Free shipping"),
        (2000, "Gold", "Gifts"),
    ):
        LoyaltyTier.objects.create(
            brand=brand,
            min_points=min_points,
            name=name,
            perks=perks,
            translations={"ro": {"name": f"{name}-ro", "perks": f"{perks}-ro"}},
        )
    return LoyaltyProgramme.objects.create(
        brand=brand,
        currency="RON",
        points_per_unit=Decimal("1"),
        point_value=Decimal("0.05"),
        redeem_step=100,
        referrer_reward_points=500,
        friend_reward_points=250,
        store_url="https://magazin.casaverde.example/",
    )


@pytest.fixture
def member(brand: Any, customer: Any, programme: Any) -> Any:
    from loyalty import services

    services.account_ensure(customer_id=customer.id)
    return customer


def give(customer: Any, points: int, key: str = "") -> None:
    from loyalty import services
    from loyalty.models import EntryKind

    services.ledger_record(
        customer_id=customer.id,
        movement=services.Movement(kind=EntryKind.ADJUST, points=points, reason="test", source_key=key),
    )


@pytest.fixture
def other_customer(brand: Any) -> Any:
    return factories.CustomerFactory(brand=brand, email="andrei@example.com", phone="+40722000111")
