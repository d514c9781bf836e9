"""Real Celery workers against real Postgres and a real broker (Redis, and RabbitMQ): a worker killed
in the middle of a send, two workers racing, and a broker that goes away and comes back."""

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from django.conf import settings
from django.db import connection
from kombu import Connection as KombuConnection
from kombu import Exchange, Queue
from twilio.request_validator import RequestValidator

from notifications import services
from notifications.models import Notification, NotificationSettings, State
from postpurchase.celery import app as celery_app
from tests.fakes.twilio_server import FakeTwilio

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SID, TOKEN = "AC" + "b" * 32, "crash-test-token"
ROOT = Path(settings.BASE_DIR)
RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


@dataclass
class Broker:
    """One broker and a queue of this test's own, so parallel runs never take each other's tasks."""

    url: str
    queue: str

    def _queue(self) -> Queue:
        return Queue(self.queue, Exchange(self.queue, type="direct"), routing_key=self.queue)

    def send(self, notification_id: int) -> None:
        with KombuConnection(self.url) as conn:
            self._queue()(conn).declare()
            celery_app.send_task(
                "notifications.send", args=(notification_id,), queue=self.queue, connection=conn
            )

    def waiting(self) -> int:
        with KombuConnection(self.url) as conn:
            try:
                return int(conn.default_channel.queue_declare(queue=self.queue, passive=True).message_count)
            except conn.channel_errors:
                return 0  # Redis keeps no empty list: a queue with nothing waiting is not found

    def delete(self) -> None:
        with KombuConnection(self.url) as conn:
            conn.default_channel.queue_delete(self.queue)


def reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout=5):
            return True
    except OSError:
        return False


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request) -> Iterator[Broker]:
    url = os.environ["REDIS_URL"] if request.param == "redis" else RABBITMQ_URL
    if request.param == "rabbitmq" and not reachable(url):
        pytest.fail(
            f"RabbitMQ is not reachable at {url} (set RABBITMQ_URL, or start it: `rabbitmq-server -detached`; "
            ".ci/run does)",
            pytrace=False,
        )
    found = Broker(url=url, queue=f"test-crash-{uuid.uuid4().hex[:8]}")
    celery_app.conf.task_always_eager = False
    yield found
    found.delete()


class Worker:
    """`celery worker` in its own process, its log in a file the test can wait on."""

    def __init__(self, *, fake: FakeTwilio, broker: Broker, log: Path) -> None:
        db = connection.settings_dict
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker.url,
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
            broker.queue,
            "-n",
            f"{broker.queue}-{uuid.uuid4().hex[:6]}@%h",
            f"--pool={os.environ.get('TEST_WORKER_POOL', 'solo')}",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            os.environ.get("TEST_WORKER_LOG_LEVEL", "WARNING"),
        ]
        self.log = log
        self._out = log.open("wb")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT
        )

    def said(self, text: str) -> bool:
        return text in self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._out.close()


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def start(fake: FakeTwilio, broker: Broker) -> Worker:
        worker = Worker(fake=fake, broker=broker, log=tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(predicate: Callable[[], bool], seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def state_of(notification_id: int) -> str:
    return Notification.objects.get(id=notification_id).state


@pytest.fixture
def sms_rows(settings, brand, order):
    """Outbox rows exactly as notification_request writes them for "out for delivery" changes."""
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    brand.sms_from_number = "+40212345678"
    brand.save()
    # A sender with room for every message here: a deferred one would be enqueued on the
    # production queue, which no worker of these tests consumes.
    NotificationSettings.objects.update_or_create(brand=brand, defaults={"sms_per_second": 100})

    def make(count: int = 1) -> list[Notification]:
        return [
            Notification.objects.create(
                brand=brand,
                customer=order.customer,
                order_id=order.id,
                subject_key=f"shipment:{order.id}:{uuid.uuid4().hex[:6]}",
                trigger="out_for_delivery",
                channel="sms",
                to="+40721234567",
                locale="ro",
                body="Comanda este în livrare azi.",
            )
            for _ in range(count)
        ]

    return make


def test_worker_killed_after_twilio_accepted_sends_once(client, sms_rows, broker, workers):
    (pending_sms,) = sms_rows(1)
    with FakeTwilio() as fake:
        fake.release.clear()  # Twilio takes the message and does not answer yet
        first = workers(fake, broker)
        broker.send(pending_sms.id)
        assert fake.accepted.wait(timeout=90), "the worker never called Twilio"
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        pending_sms.refresh_from_db()
        assert (pending_sms.state, pending_sms.provider_id) == (State.SENDING, "")
        assert pending_sms.handed_at is not None
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
        second = workers(fake, broker)
        broker.send(pending_sms.id)
        assert services.notifications_sweep() == 0
        assert wait_for(lambda: broker.waiting() == 0, seconds=90), "the new worker took nothing"
        # A marker task behind it: once it is sent, the worker is past the redelivered one.
        (marker,) = sms_rows(1)
        broker.send(marker.id)
        assert wait_for(lambda: state_of(marker.id) == State.SENT, seconds=90)
        assert second.process.poll() is None
        assert [m["_sid"] for m in fake.received].count(accepted_sid) == 1
        assert len(fake.received) == 2


def test_two_real_workers_send_once(sms_rows, broker, workers):
    (pending_sms,) = sms_rows(1)
    with FakeTwilio() as fake:
        racing = [workers(fake, broker) for _ in range(2)]
        for _ in range(4):
            broker.send(pending_sms.id)
        assert wait_for(lambda: state_of(pending_sms.id) == State.SENT, seconds=90)
        assert wait_for(lambda: broker.waiting() == 0, seconds=60)
        (marker,) = sms_rows(1)
        for _ in racing:
            broker.send(marker.id)
        assert wait_for(lambda: state_of(marker.id) == State.SENT, seconds=90)
        assert [worker.process.poll() for worker in racing] == [None, None]
        bodies = [(m["To"], m["Body"]) for m in fake.received]
        assert bodies == [("+40721234567", "Comanda este în livrare azi.")] * 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateRedis:
    """A redis-server of this test's own on a free port, to be killed and started again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        assert wait_for(lambda: self._pings(client), seconds=30), "redis-server did not start"

    def _pings(self, client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.kill()


def test_sending_resumes_after_the_redis_broker_comes_back(sms_rows, private_redis, workers):
    broker = Broker(url=private_redis.url, queue=f"test-outage-{uuid.uuid4().hex[:8]}")
    celery_app.conf.task_always_eager = False
    before, during, after = sms_rows(3)
    with FakeTwilio() as fake:
        worker = workers(fake, broker)
        broker.send(before.id)
        assert wait_for(lambda: state_of(before.id) == State.SENT, seconds=90), worker.log.read_text()

        # The broker dies while a task is in the middle of its Twilio call (unacknowledged).
        fake.accepted.clear()
        fake.release.clear()
        broker.send(during.id)
        assert fake.accepted.wait(timeout=90), worker.log.read_text()
        private_redis.kill()
        fake.release.set()
        assert wait_for(lambda: state_of(during.id) == State.SENT, seconds=60), worker.log.read_text()
        assert wait_for(lambda: worker.said("Connection to broker lost"), seconds=60), worker.log.read_text()
        # Down long enough for the worker to try and fail to reconnect more than once.
        assert wait_for(lambda: worker.log.read_text().count("Cannot connect to") >= 2, seconds=60)

        private_redis.start()  # empty: whatever the broker held is gone, the outbox rows are not
        broker.send(after.id)
        assert wait_for(lambda: state_of(after.id) == State.SENT, seconds=120), worker.log.read_text()
        assert worker.process.poll() is None, worker.log.read_text()
        broker.send(during.id)  # a redelivery of the interrupted task changes nothing
        (marker,) = sms_rows(1)
        broker.send(marker.id)
        assert wait_for(lambda: state_of(marker.id) == State.SENT, seconds=90), worker.log.read_text()
    sent = sorted(
        Notification.objects.filter(id__in=[before.id, during.id, after.id, marker.id]).values_list(
            "provider_id", flat=True
        )
    )
    assert sorted(m["_sid"] for m in fake.received) == sent
