"""Never more than was bought: two requests racing for the last unit, against real Postgres."""

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from returns import services
from returns.models import Return, ReturnLine

pytestmark = pytest.mark.usefixtures("postgres")


@pytest.mark.django_db(transaction=True)
def test_two_requests_racing_for_the_last_unit(make_order, reasons, policy_rules):
    order = make_order(("home", 1, "30.00"))
    line_id = order.lines.get().id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ask() -> None:
        try:
            barrier.wait(timeout=10)
            services.return_request(
                brand=order.brand,
                order_id=order.id,
                lines=[services.RequestedLine(order_line_id=line_id, quantity=1)],
                reason_id=reasons["too-big"].id,
                resolution="refund",
                now=datetime(2026, 11, 10, tzinfo=UTC),
            )
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append("refused: " + " ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["created", "refused"]
    assert Return.objects.filter(order=order).count() == 1
    assert sum(ReturnLine.objects.filter(order_line_id=line_id).values_list("quantity", flat=True)) == 1


@pytest.mark.django_db(transaction=True)
def test_racing_partial_returns_never_exceed_the_quantity(make_order, reasons, policy_rules: Any):
    order = make_order(("home", 3, "10.00"))
    line_id = order.lines.get().id
    barrier = threading.Barrier(4)

    def ask() -> None:
        try:
            barrier.wait(timeout=10)
            services.return_request(
                brand=order.brand,
                order_id=order.id,
                lines=[services.RequestedLine(order_line_id=line_id, quantity=1)],
                reason_id=reasons["too-big"].id,
                resolution="refund",
                now=datetime(2026, 11, 10, tzinfo=UTC),
            )
        except ValidationError:
            pass
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sum(ReturnLine.objects.filter(order_line_id=line_id).values_list("quantity", flat=True)) == 3
    assert Return.objects.filter(order=order).count() == 3
