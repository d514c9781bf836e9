"""Real Celery workers against real Postgres and Redis, and a worker killed in the middle of a send."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from twilio.request_validator import RequestValidator

from notifications import services
from notifications.models import Notification, State
from notifications.tasks import send_notification
from postpurchase.celery import app as celery_app
from tests.fakes.twilio_server import FakeTwilio

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SID, TOKEN = "AC" + "b" * 32, "crash-test-token"
ROOT = Path(settings.BASE_DIR)


def start_worker(fake: FakeTwilio, queue: str) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "TWILIO_ACCOUNT_SID": SID,
        "TWILIO_AUTH_TOKEN": TOKEN,
        "TWILIO_API_BASE_URL": fake.url,
        "CONN_MAX_AGE": "0",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "postpurchase",
        "worker",
        "-Q",
        queue,
        "--pool=solo",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "-l",
        "WARNING",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def queue_length(queue: str) -> int:
    with celery_app.connection_for_write() as conn:
        return int(conn.default_channel.client.llen(queue))


def wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def pending_sms(settings, brand, order):
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    brand.sms_from_number = "+40212345678"
    brand.save()
    # The row exactly as notification_request writes it for an "out for delivery" change.
    return Notification.objects.create(
        brand=brand,
        customer=order.customer,
        order_id=order.id,
        subject_key=f"shipment:{order.id}",
        trigger="out_for_delivery",
        channel="sms",
        to="+40721234567",
        locale="ro",
        body="Comanda este în livrare azi.",
    )


@pytest.fixture
def broker_queue():
    celery_app.conf.task_always_eager = False
    queue = f"test-crash-{uuid.uuid4().hex[:8]}"
    yield queue
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_delete(queue)


def test_worker_killed_after_twilio_accepted_sends_once(client, pending_sms, broker_queue):
    with FakeTwilio() as fake:
        fake.release.clear()  # Twilio takes the message and does not answer yet
        first = start_worker(fake, broker_queue)
        try:
            send_notification.apply_async((pending_sms.id,), queue=broker_queue)
            assert fake.accepted.wait(timeout=60), "the worker never called Twilio"
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=10)
        finally:
            if first.poll() is None:
                first.kill()
        pending_sms.refresh_from_db()
        assert (pending_sms.state, pending_sms.provider_id) == (State.SENDING, "")
        accepted_sid = fake.received[0]["_sid"]
        assert f"?n={pending_sms.id}" in fake.received[0]["StatusCallback"]

        # Twilio's first status callback names our row and reconciles it.
        path = f"/webhooks/twilio/status/?n={pending_sms.id}"
        params = {"MessageSid": accepted_sid, "MessageStatus": "sent", "AccountSid": SID}
        signature = RequestValidator(TOKEN).compute_signature(f"{settings.SITE_URL}{path}", params)
        assert client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature).status_code == 200
        pending_sms.refresh_from_db()
        assert (pending_sms.state, pending_sms.provider_id) == (State.SENT, accepted_sid)

        # The broker redelivers the unacknowledged task to a new worker; the sweeper runs too.
        fake.release.set()
        second = start_worker(fake, broker_queue)
        try:
            send_notification.apply_async((pending_sms.id,), queue=broker_queue)
            assert services.notifications_sweep() == 0
            assert wait_for(lambda: queue_length(broker_queue) == 0, seconds=30), (
                "the new worker took nothing"
            )
            time.sleep(1.5)
        finally:
            second.terminate()
            second.wait(timeout=10)
        assert len(fake.received) == 1


def test_two_real_workers_send_once(pending_sms, broker_queue):
    with FakeTwilio() as fake:
        workers = [start_worker(fake, broker_queue) for _ in range(2)]
        try:
            for _ in range(4):
                send_notification.apply_async((pending_sms.id,), queue=broker_queue)
            assert wait_for(
                lambda: Notification.objects.get(id=pending_sms.id).state == State.SENT, seconds=60
            )
            time.sleep(2)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=10)
        assert len(fake.received) == 1
        assert fake.received[0]["To"] == "+40721234567"
        assert fake.received[0]["Body"] == "Comanda este în livrare azi."
