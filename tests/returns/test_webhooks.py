"""Signed webhooks to the store: one per transition, row first, sent after commit, retried on 5xx."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import responses

from returns import services, webhooks
from returns.models import DeliveryState, WebhookDelivery, WebhookEndpoint
from tests.returns.conftest import lines_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_rules")]
STORE = "https://store.example/hooks/returns"


@pytest.fixture
def endpoint(brand: Any) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(brand=brand, url=STORE, secret="whsec_test_123")


def make_return(make_order: Any, reasons: Any) -> Any:
    order = make_order(("home", 1, "30.00"))
    return services.return_request(
        brand=order.brand,
        order_id=order.id,
        lines=lines_of(order, 1),
        reason_id=reasons["too-big"].id,
        resolution="refund",
        now=datetime(2026, 11, 10, tzinfo=UTC),
    )


@responses.activate
def test_each_transition_reaches_the_store_signed(
    make_order, reasons, endpoint, django_capture_on_commit_callbacks
):
    responses.post(STORE, status=204)

    with django_capture_on_commit_callbacks(execute=True):
        ret = make_return(make_order, reasons)
    with django_capture_on_commit_callbacks(execute=True):
        services.return_transition(return_id=ret.id, to_status="received", actor=services.SYSTEM)

    sent = [call.request for call in responses.calls]
    assert [r.headers["X-Postpurchase-Event"] for r in sent] == [
        "return.requested",
        "return.approved",
        "return.received",
    ]
    for request in sent:
        assert webhooks.verify(
            secret="whsec_test_123", header=request.headers["X-Postpurchase-Signature"], body=request.body
        )
        assert not webhooks.verify(
            secret="wrong", header=request.headers["X-Postpurchase-Signature"], body=request.body
        )
        assert not webhooks.verify(
            secret="whsec_test_123",
            header=request.headers["X-Postpurchase-Signature"],
            body=request.body + b" ",
        )
    body = json.loads(sent[-1].body)
    assert body["type"] == "return.received"
    assert body["data"]["rma"] == ret.rma
    assert body["data"]["amount"] == "30.00"
    assert body["data"]["lines"][0]["quantity"] == 1
    assert body["id"] == sent[-1].headers["X-Postpurchase-Delivery"]
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}


def test_stale_signatures_are_refused():
    body = b'{"a":1}'
    header = webhooks.sign(secret="s", timestamp=1_000_000, body=body)

    assert webhooks.verify(secret="s", header=header, body=body, now=1_000_100)
    assert not webhooks.verify(secret="s", header=header, body=body, now=1_000_400)
    assert not webhooks.verify(secret="s", header="garbage", body=body)


@responses.activate
def test_a_failing_store_is_retried_then_given_up(
    make_order, reasons, endpoint, django_capture_on_commit_callbacks
):
    responses.post(STORE, status=503)

    with django_capture_on_commit_callbacks(execute=True):
        make_return(make_order, reasons)

    deliveries = list(WebhookDelivery.objects.all())
    assert len(deliveries) == 2
    assert all(d.state == DeliveryState.FAILED and d.attempts == webhooks.MAX_ATTEMPTS for d in deliveries)
    assert all(d.last_status_code == 503 for d in deliveries)


@responses.activate
def test_a_refusing_store_is_not_retried(make_order, reasons, endpoint, django_capture_on_commit_callbacks):
    responses.post(STORE, status=400, body="unknown order")

    with django_capture_on_commit_callbacks(execute=True):
        make_return(make_order, reasons)

    assert {(d.state, d.attempts, d.last_error) for d in WebhookDelivery.objects.all()} == {
        (DeliveryState.FAILED, 1, "unknown order")
    }


@responses.activate
def test_rows_are_written_even_when_the_task_never_runs(make_order, reasons, endpoint):
    ret = make_return(make_order, reasons)  # on_commit callbacks are not run here: Redis "down"

    assert WebhookDelivery.objects.filter(return_request=ret, state=DeliveryState.PENDING).count() == 2
    assert len(responses.calls) == 0
    WebhookDelivery.objects.update(created_at=datetime(2020, 1, 1, tzinfo=UTC))
    responses.post(STORE, status=200)

    from returns.tasks import requeue_webhooks

    requeue_webhooks.delay()

    assert len(responses.calls) == 2
    assert set(WebhookDelivery.objects.values_list("state", flat=True)) == {DeliveryState.DELIVERED}


def test_other_brands_endpoints_hear_nothing(make_order, reasons, other_brand):
    WebhookEndpoint.objects.create(brand=other_brand, url=STORE)

    make_return(make_order, reasons)

    assert not WebhookDelivery.objects.exists()
