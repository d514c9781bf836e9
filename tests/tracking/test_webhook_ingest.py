"""Webhooks are acknowledged after one INSERT and normalized by the ingest workers, once and in order."""

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from brands.models import IntegrationSecret
from brands.services import webhook_secret_set
from tests.ingest import IngestingClient
from tests.tracking.payloads import as_meta, load, sign
from tracking import services, webhooks
from tracking.models import InboundWebhook, Shipment, TrackingEvent, WebhookResult
from tracking.statuses import ShipmentStatus as S

SECRET = "whsec-ingest-tests"
NUMBER = "1Z4F82E30391846127"


def post(client: Any, brand: Any, fixture: str, secret: str = SECRET) -> Any:
    body = load("easypost", fixture)
    return client.post(
        f"/webhooks/easypost/{brand.slug}/",
        data=body,
        content_type="application/json",
        **as_meta(sign("easypost", secret, body)),
    )


@pytest.fixture
def parcel(brand: Any, order: Any) -> Shipment:
    webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)
    shipment, _ = services.shipment_upsert(
        brand=brand, order=order, carrier_code="ups", tracking_number=NUMBER
    )
    return shipment


def test_the_answer_is_202_received_and_the_call_waits_for_a_worker(brand, parcel):
    response = post(Client(), brand, "tracker_updated_in_transit")  # no worker runs after this client
    assert response.status_code == 202
    assert response.json() == {"result": "received", "detail": "Stored; it is processed in a moment."}
    record = InboundWebhook.objects.get()
    assert (record.result, record.signature_valid, record.processed_at) == ("received", True, None)
    assert record.tracking_number == NUMBER  # read at receipt: the parcel the call is ordered by
    assert not TrackingEvent.objects.exists()

    outcome = webhooks.inbound_webhook_ingest(webhook_id=record.id)

    assert outcome is not None
    assert outcome.result == WebhookResult.PROCESSED
    record.refresh_from_db()
    assert record.result == "processed"
    assert record.processed_at is not None
    parcel.refresh_from_db()
    assert parcel.status == S.IN_TRANSIT


def test_the_acknowledgement_is_one_insert(brand, parcel):
    client = Client()
    post(client, brand, "tracker_created")  # the brand and its secret are now cached in this process
    with CaptureQueriesContext(connection) as queries:
        response = post(client, brand, "tracker_updated_in_transit")
    assert response.status_code == 202
    assert len(queries) == 1, [query["sql"] for query in queries]
    assert queries[0]["sql"].startswith('INSERT INTO "tracking_inboundwebhook"')


def test_a_secret_changed_elsewhere_verifies_at_once_and_is_cached_again(brand, parcel):
    client = Client()
    assert post(client, brand, "tracker_created").status_code == 202
    # Another process rotates the secret: this process's cache still holds the old one.
    IntegrationSecret.objects.filter(brand=brand, provider="easypost").update(secret="rotated-elsewhere")
    assert post(client, brand, "tracker_updated_in_transit", secret="rotated-elsewhere").status_code == 202
    with CaptureQueriesContext(connection) as queries:
        assert post(client, brand, "tracker_updated_delivered", secret="rotated-elsewhere").status_code == 202
    assert len(queries) == 1


def test_setting_a_secret_clears_the_cache_so_the_old_one_is_refused(client, brand, parcel):
    assert post(client, brand, "tracker_created").status_code == 202
    webhook_secret_set(brand=brand, provider="easypost", secret="the-new-one", grace=timedelta(0))
    assert post(client, brand, "tracker_updated_in_transit").status_code == 401
    assert post(client, brand, "tracker_updated_in_transit", secret="the-new-one").status_code == 202


def test_a_processed_call_is_never_processed_again(brand, parcel):
    post(Client(), brand, "tracker_updated_in_transit")
    record = InboundWebhook.objects.get()
    assert webhooks.inbound_webhook_ingest(webhook_id=record.id) is not None
    TrackingEvent.objects.all().delete()  # would be written again if the call ran twice

    assert webhooks.inbound_webhook_ingest(webhook_id=record.id) is None
    assert webhooks.inbound_webhooks_relay(now=timezone.now() + timedelta(hours=1)) == {
        "waiting": 0,
        "processed": 0,
    }
    assert not TrackingEvent.objects.exists()


def test_a_replay_waiting_beside_its_original_adds_nothing(brand, parcel):
    client = Client()
    post(client, brand, "tracker_updated_in_transit")
    post(client, brand, "tracker_updated_in_transit")
    first, replay = InboundWebhook.objects.order_by("id")
    # The replay's task arrives first: the original is taken before it, the replay is a duplicate.
    webhooks.inbound_webhook_ingest(webhook_id=replay.id)
    webhooks.inbound_webhook_ingest(webhook_id=first.id)
    assert list(InboundWebhook.objects.order_by("id").values_list("result", flat=True)) == [
        "processed",
        "duplicate",
    ]
    assert TrackingEvent.objects.filter(shipment=parcel).count() == 3


def test_a_later_call_of_the_parcel_takes_the_earlier_one_first(brand, parcel, monkeypatch):
    client = Client()
    post(client, brand, "tracker_updated_in_transit")
    post(client, brand, "tracker_updated_delivered")
    earlier, later = InboundWebhook.objects.order_by("id")
    applied: list[int] = []
    process = webhooks._process
    monkeypatch.setattr(
        webhooks, "_process", lambda record, *a: applied.append(record.id) or process(record, *a)
    )

    webhooks.inbound_webhook_ingest(webhook_id=later.id)

    assert applied == [earlier.id, later.id]
    assert set(InboundWebhook.objects.values_list("result", flat=True)) == {"processed"}
    parcel.refresh_from_db()
    assert parcel.status == S.DELIVERED


def test_broker_down_the_call_is_answered_kept_and_relayed(brand, parcel, monkeypatch):
    from tracking import tasks

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.ingest_webhook, "delay", broker_down)
    response = post(IngestingClient(), brand, "tracker_updated_in_transit")  # the enqueue runs, and fails

    assert response.status_code == 202
    record = InboundWebhook.objects.get()
    assert record.result == "received"
    # Young calls are left to their task; the relay takes those still waiting after RELAY_AFTER.
    assert webhooks.inbound_webhooks_relay() == {"waiting": 0, "processed": 0}
    later = record.received_at + webhooks.RELAY_AFTER + timedelta(seconds=1)
    assert webhooks.inbound_webhooks_relay(now=later) == {"waiting": 1, "processed": 1}
    record.refresh_from_db()
    assert record.result == "processed"
    parcel.refresh_from_db()
    assert parcel.status == S.IN_TRANSIT


def test_the_relay_task_runs_on_the_ingest_queue(settings):
    from postpurchase.celery import app

    assert app.amqp.router.route({}, "tracking.relay_webhooks")["queue"].name == "ingest"
    assert app.amqp.router.route({}, "tracking.ingest_webhook")["queue"].name == "ingest"
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["tracking.relay_webhooks"] <= 10


def test_a_call_that_breaks_processing_is_marked_failed_not_retried_for_ever(brand, parcel, monkeypatch):
    post(Client(), brand, "tracker_updated_in_transit")
    record = InboundWebhook.objects.get()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "shipment_apply_update", broken)
    outcome = webhooks.inbound_webhook_ingest(webhook_id=record.id)

    assert outcome is not None
    assert outcome.result == WebhookResult.FAILED
    record.refresh_from_db()
    assert (record.result, record.error) == ("failed", "RuntimeError: a bug")
    assert not TrackingEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_apply_one_parcels_calls_in_the_order_received(brand, order, monkeypatch):
    """Worker 1 is inside the earlier call when worker 2 takes the later one: worker 2 waits its turn."""
    webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)
    services.shipment_upsert(brand=brand, order=order, carrier_code="ups", tracking_number=NUMBER)
    monkeypatch.setattr(webhooks, "_enqueue", lambda webhook_id: None)  # both tasks still in the broker
    client = Client()
    post(client, brand, "tracker_updated_in_transit")
    post(client, brand, "tracker_updated_delivered")
    earlier, later = InboundWebhook.objects.order_by("id")

    inside_earlier, later_locking, release = threading.Event(), threading.Event(), threading.Event()
    applied: list[int] = []
    process, lock_sequence = webhooks._process, webhooks._lock_sequence

    def observed_process(record: Any, *args: Any) -> Any:
        if record.id == earlier.id:
            inside_earlier.set()
            assert release.wait(30)
        applied.append(record.id)
        return process(record, *args)

    def observed_lock(sequence: Any) -> None:
        if threading.current_thread().name == "worker-2":
            later_locking.set()  # it holds its own call and now waits for the parcel
        lock_sequence(sequence)

    monkeypatch.setattr(webhooks, "_process", observed_process)
    monkeypatch.setattr(webhooks, "_lock_sequence", observed_lock)
    errors: list[BaseException] = []

    def work(webhook_id: int) -> None:
        try:
            webhooks.inbound_webhook_ingest(webhook_id=webhook_id)
        except BaseException as exc:  # surfaced in the test's thread below
            errors.append(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=work, args=(earlier.id,), name="worker-1")
    second = threading.Thread(target=work, args=(later.id,), name="worker-2")
    first.start()
    assert inside_earlier.wait(30)  # worker 1 holds the parcel and the earlier call
    second.start()
    assert later_locking.wait(30)  # worker 2 asks for the parcel while worker 1 holds it
    release.set()
    first.join(30)
    second.join(30)

    assert not errors, errors
    assert applied == [earlier.id, later.id]
    assert list(InboundWebhook.objects.order_by("id").values_list("result", flat=True)) == [
        "processed",
        "processed",
    ]
    shipment = Shipment.objects.get()
    assert shipment.status == S.DELIVERED
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 5


def test_a_waiting_call_whose_body_was_purged_fails_once(brand, parcel):
    post(Client(), brand, "tracker_updated_in_transit")
    InboundWebhook.objects.update(body="", body_purged_at=timezone.now())
    record = InboundWebhook.objects.get()

    outcome = webhooks.inbound_webhook_ingest(webhook_id=record.id)

    assert outcome is not None
    assert outcome.http_status == 410
    record.refresh_from_db()
    assert (record.result, record.error) == ("failed", "The body was purged after the retention period.")
    later = timezone.now() + timedelta(hours=1)
    assert webhooks.inbound_webhooks_relay(now=later) == {"waiting": 0, "processed": 0}
