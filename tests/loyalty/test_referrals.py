"""Referrals: the reward waits for the friend's first order to be delivered and not returned;
self-referrals and loops are refused."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from loyalty import referrals, services
from loyalty.models import LoyaltyAccount, Referral, ReferralStatus
from orders import services as order_services
from returns import services as returns_services
from returns.services import Actor
from tests import factories
from tests.loyalty.conftest import deliver
from tests.returns.conftest import lines_of

pytestmark = pytest.mark.django_db


def balance(customer: Any) -> int:
    account = LoyaltyAccount.objects.filter(customer=customer).first()
    return account.balance if account else 0


@pytest.fixture
def referrer(member: Any) -> Any:
    factories.OrderFactory(
        brand=member.brand, customer=member, shipping_line1="Str. Lalelelor 5", shipping_postal_code="010011"
    )
    return member


def code_of(customer: Any) -> str:
    return services.account_ensure(customer_id=customer.id).referral_code


def friend_order(
    brand: Any,
    email: str,
    *,
    phone: str = "+40733000999",
    line1: str = "Bd. Unirii 1",
    postal: str = "030167",
    total: str = "80.00",
) -> Any:
    friend = factories.CustomerFactory(brand=brand, email=email, phone=phone)
    order = factories.OrderFactory(
        brand=brand,
        customer=friend,
        total=Decimal(total),
        currency="RON",
        shipping_line1=line1,
        shipping_postal_code=postal,
    )
    factories.OrderLineFactory(order=order, unit_price=Decimal(total))
    for hook in order_services.ORDER_CREATED_HOOKS:
        if hook is referrals.on_order_created:
            hook(order)
    return order


def test_the_reward_waits_for_delivery_then_both_sides_earn(brand: Any, referrer: Any) -> None:
    referral = referrals.referral_join(brand_id=brand.id, code=code_of(referrer), email="Mara@Example.com")
    order = friend_order(brand, "mara@example.com")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ORDERED
    assert balance(referrer) == 0  # placed is not enough

    deliver(brand=brand, order=order, at=datetime(2026, 11, 3, tzinfo=UTC))

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REWARDED
    assert balance(referrer) == 500
    assert balance(order.customer) == 250 + 80  # the welcome reward and the order's own points


def test_a_refunded_first_order_reverses_the_reward(
    brand: Any, referrer: Any, reasons: Any, policy_rules: Any
) -> None:
    referrals.referral_join(brand_id=brand.id, code=code_of(referrer), email="mara@example.com")
    order = friend_order(brand, "mara@example.com")
    deliver(brand=brand, order=order, at=datetime(2026, 11, 3, tzinfo=UTC))
    assert balance(referrer) == 500

    ret = returns_services.return_request(
        brand=brand,
        order_id=order.id,
        lines=lines_of(order, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )
    staff = Actor("staff")
    returns_services.return_transition(return_id=ret.id, to_status="approved", actor=staff)
    returns_services.return_transition(return_id=ret.id, to_status="received", actor=staff)
    returns_services.return_resolve(return_id=ret.id, actor=staff)

    assert Referral.objects.get().status == ReferralStatus.REVERSED
    assert balance(referrer) == 0
    assert balance(order.customer) == 0  # order points and reward both taken back


def test_a_first_order_being_returned_at_delivery_holds_the_reward(
    brand: Any, referrer: Any, reasons: Any, policy_rules: Any
) -> None:
    referrals.referral_join(brand_id=brand.id, code=code_of(referrer), email="mara@example.com")
    order = friend_order(brand, "mara@example.com")
    returns_services.return_request(
        brand=brand,
        order_id=order.id,
        lines=lines_of(order, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 2, tzinfo=UTC),
    )

    deliver(brand=brand, order=order, at=datetime(2026, 11, 3, tzinfo=UTC))

    assert Referral.objects.get().status == ReferralStatus.ORDERED
    assert balance(referrer) == 0


@pytest.mark.parametrize("email", ["ioana@example.com", "IOANA@example.com "])
def test_referring_oneself_by_email_is_refused(brand: Any, referrer: Any, email: str) -> None:
    with pytest.raises(referrals.ReferralRefused) as refused:
        referrals.referral_join(brand_id=brand.id, code=code_of(referrer), email=email)
    assert refused.value.reason == "self"
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("phone", "line1", "postal", "reason"),
    [
        ("+40721234567", "Bd. Unirii 1", "030167", "same_phone"),
        ("+40733000999", "str. lalelelor 5", "010 011", "same_address"),
    ],
)
def test_the_referrer_in_disguise_is_refused_and_earns_nothing(
    brand: Any, referrer: Any, phone: str, line1: str, postal: str, reason: str
) -> None:
    referrals.referral_join(brand_id=brand.id, code=code_of(referrer), email="alias@example.com")
    order = friend_order(brand, "alias@example.com", phone=phone, line1=line1, postal=postal)
    deliver(brand=brand, order=order, at=datetime(2026, 11, 3, tzinfo=UTC))

    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.REFUSED
    assert referral.refusal == reason
    assert balance(referrer) == 0


def test_a_loop_is_refused(brand: Any, referrer: Any) -> None:
    referrals.referral_join(brand_id=brand.id, code=code_of(referrer), email="mara@example.com")
    order = friend_order(brand, "mara@example.com")
    with pytest.raises(referrals.ReferralRefused) as refused:
        referrals.referral_join(brand_id=brand.id, code=code_of(order.customer), email=referrer.email)
    assert refused.value.reason in ("loop", "existing_customer")
    assert Referral.objects.count() == 1


def test_existing_customers_and_unknown_codes_are_refused(
    brand: Any, referrer: Any, other_customer: Any
) -> None:
    factories.OrderFactory(brand=brand, customer=other_customer)
    with pytest.raises(referrals.ReferralRefused) as refused:
        referrals.referral_join(brand_id=brand.id, code=code_of(referrer), email=other_customer.email)
    assert refused.value.reason == "existing_customer"
    with pytest.raises(referrals.ReferralRefused):
        referrals.referral_join(brand_id=brand.id, code="NOPE", email="new@example.com")


def test_the_landing_page_records_a_friend_and_refuses_oneself(
    client: Any, brand: Any, referrer: Any
) -> None:
    url = f"/{brand.slug}/r/{code_of(referrer)}/?lang=en"
    assert client.get(url).status_code == 200

    own = client.post(url, {"email": referrer.email})
    assert own.status_code == 400
    assert "your own invitation link" in own.content.decode()
    assert client.post(url, {"email": "not-an-email"}).status_code == 400
    assert not Referral.objects.exists()

    joined = client.post(url, {"email": "mara@example.com"})
    assert joined.status_code == 200
    assert "https://magazin.casaverde.example/" in joined.content.decode()
    assert Referral.objects.get().friend_email == "mara@example.com"
    assert client.get(f"/{brand.slug}/r/NOPE/").status_code == 404
