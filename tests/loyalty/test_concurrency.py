"""Two redemptions at the same moment cannot overspend: the account row is locked (real Postgres)."""

import threading
from typing import Any

import pytest
from django.db import connection

from loyalty import codes, services
from loyalty.models import DiscountCode, LoyaltyAccount, LoyaltyProgramme
from tests import factories

pytestmark = pytest.mark.usefixtures("postgres")


def at_once(count: int, action: Any) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait(timeout=10)
            outcomes.append(action())
        except services.LoyaltyError as exc:
            outcomes.append(f"refused: {exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcome.split(":")[0] for outcome in outcomes)


@pytest.mark.django_db(transaction=True)
def test_redeeming_the_whole_balance_twice_at_once_succeeds_once() -> None:
    brand = factories.BrandFactory(slug="race-brand")
    LoyaltyProgramme.objects.create(brand=brand, currency="EUR", redeem_step=100)
    customer = factories.CustomerFactory(brand=brand)
    services.points_adjust(customer_id=customer.id, points=300, reason="start", actor_id=None)

    outcomes = at_once(2, lambda: services.points_redeem(customer_id=customer.id, points=200).code)

    assert outcomes[1] == "refused"
    assert outcomes[0] != "refused"
    assert LoyaltyAccount.objects.get(customer=customer).balance == 100
    assert DiscountCode.objects.filter(customer=customer).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_code_consumed_twice_at_once_is_used_once() -> None:
    brand = factories.BrandFactory(slug="race-code")
    code = codes.discount_code_issue(brand_id=brand.id, customer_id=None, purpose="offer", value=10)

    outcomes = at_once(3, lambda: codes.discount_code_consume(brand_id=brand.id, code=code.code).code)

    assert outcomes.count("refused") == 2
    code.refresh_from_db()
    assert code.status == "redeemed"


@pytest.mark.django_db(transaction=True)
def test_two_first_uses_create_one_account() -> None:
    brand = factories.BrandFactory(slug="race-account")
    customer = factories.CustomerFactory(brand=brand)

    at_once(3, lambda: services.account_ensure(customer_id=customer.id).referral_code)

    assert LoyaltyAccount.objects.filter(customer=customer).count() == 1
