"""Ledger invariants as properties, against real Postgres: the balance always equals the sum of the
entries and never goes below zero, whatever mix of earn, redeem, claw-back, adjust and expire, in
sequence (a stateful machine) or at the same time from several connections."""

import threading
import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from loyalty import services
from loyalty.models import EntryKind, LedgerEntry, LoyaltyAccount, LoyaltyProgramme
from tests import factories

pytestmark = pytest.mark.usefixtures("postgres")


def ledger_sum(customer_id: int) -> int:
    return LedgerEntry.objects.filter(account__customer_id=customer_id).aggregate(s=Sum("points"))["s"] or 0


def balance(customer_id: int) -> int:
    return LoyaltyAccount.objects.get(customer_id=customer_id).balance


def new_member() -> tuple[Any, Any]:
    brand = factories.BrandFactory(slug=f"b-{uuid.uuid4().hex[:10]}")
    LoyaltyProgramme.objects.create(brand=brand, currency="EUR", redeem_step=10, expiry_months=1)
    customer = factories.CustomerFactory(brand=brand)
    services.account_ensure(customer_id=customer.id)
    return brand, customer


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.brand, self.customer = new_member()
        self.expected = 0
        self.orders: list[tuple[int, int]] = []  # (order id, points earned)

    @rule(total=st.integers(min_value=1, max_value=500))
    def earn_on_delivery(self, total: int) -> None:
        order = factories.OrderFactory(brand=self.brand, customer=self.customer, total=Decimal(total))
        entry = services.points_credit_for_order(order_id=order.id)
        assert entry is not None
        self.expected += entry.points
        self.orders.append((order.id, entry.points))
        assert services.points_credit_for_order(order_id=order.id) is None  # once per order

    @rule(steps=st.integers(min_value=1, max_value=30))
    def redeem(self, steps: int) -> None:
        try:
            code = services.points_redeem(customer_id=self.customer.id, points=steps * 10)
        except services.InsufficientPoints:
            assert steps * 10 > self.expected
            return
        self.expected -= code.points

    @rule(data=st.data(), share=st.decimals(min_value=0, max_value=2, places=2))
    def claw_back(self, data: Any, share: Decimal) -> None:
        if not self.orders:
            return
        order_id, _earned = data.draw(st.sampled_from(self.orders))
        order = factories.OrderFactory._meta.model.objects.get(id=order_id)
        taken = services.points_claw_back_for_refund(
            order_id=order_id,
            refunded_amount=order.total * share,
            currency=order.currency,
            source_key=uuid.uuid4().hex,
        )
        assert taken >= 0
        self.expected -= taken

    @rule(points=st.integers(min_value=-300, max_value=300).filter(bool))
    def adjust(self, points: int) -> None:
        try:
            services.points_adjust(
                customer_id=self.customer.id, points=points, reason="property", actor_id=None
            )
        except services.InsufficientPoints:
            assert self.expected + points < 0
            return
        self.expected += points

    @rule()
    def expire_later(self) -> None:
        from datetime import timedelta

        from django.utils import timezone

        if services.points_expire_inactive(now=timezone.now() + timedelta(days=62), brand_id=self.brand.id):
            self.expected = 0

    @invariant()
    def balance_is_the_sum_of_entries_and_never_negative(self) -> None:
        stored = balance(self.customer.id)
        assert stored == ledger_sum(self.customer.id) == self.expected
        assert stored >= 0
        last = LedgerEntry.objects.filter(account__customer_id=self.customer.id).order_by("-id").first()
        assert last is None or last.balance_after == stored


@pytest.mark.django_db
def test_ledger_invariants_hold_for_any_sequence_of_movements() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )


OPERATION = st.one_of(
    st.tuples(st.just("earn"), st.integers(min_value=1, max_value=200)),
    st.tuples(st.just("redeem"), st.integers(min_value=1, max_value=20)),
    st.tuples(st.just("claw"), st.integers(min_value=1, max_value=100)),
    st.tuples(st.just("take"), st.integers(min_value=1, max_value=200)),
)


@pytest.mark.django_db(transaction=True)
def test_ledger_invariants_hold_under_concurrent_writes() -> None:
    from hypothesis import given

    @given(work=st.lists(st.lists(OPERATION, min_size=1, max_size=5), min_size=4, max_size=4))
    @settings(max_examples=8, deadline=None)
    def run(work: list[list[tuple[str, int]]]) -> None:
        brand, customer = new_member()
        orders = [
            factories.OrderFactory(brand=brand, customer=customer, total=Decimal(100)) for _ in range(2)
        ]
        services.points_credit_for_order(order_id=orders[0].id)
        barrier = threading.Barrier(len(work))
        errors: list[BaseException] = []

        def worker(ops: list[tuple[str, int]]) -> None:
            try:
                barrier.wait(timeout=10)
                for op, amount in ops:
                    try:
                        if op == "earn":
                            services.ledger_record(
                                customer_id=customer.id,
                                movement=services.Movement(kind=EntryKind.EARN, points=amount, reason="c"),
                            )
                        elif op == "redeem":
                            services.points_redeem(customer_id=customer.id, points=amount * 10)
                        elif op == "claw":
                            services.points_claw_back_for_refund(
                                order_id=orders[0].id,
                                refunded_amount=Decimal(amount),
                                currency="EUR",
                                source_key=uuid.uuid4().hex,
                            )
                        else:
                            services.points_adjust(
                                customer_id=customer.id, points=-amount, reason="c", actor_id=None
                            )
                    except services.InsufficientPoints:
                        pass
            except BaseException as exc:  # surfaced below, with the thread's own traceback
                errors.append(exc)
            finally:
                connection.close()

        pool = [threading.Thread(target=worker, args=(ops,)) for ops in work]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join(timeout=60)
        assert not errors, errors
        stored = balance(customer.id)
        assert stored == ledger_sum(customer.id)
        assert stored >= 0
        assert not LedgerEntry.objects.filter(account__customer_id=customer.id, balance_after__lt=0).exists()

    run()
