"""A backlog of SMS from one sender held to 1 message a second: does it drain at that rate?

Real Celery workers (subprocesses) on Redis send N SMS, all enqueued at once from one brand whose
sender takes 1 SMS/s, to a local Twilio stand-in. Prints the rate at which Twilio received them
and how many rows ended sent or failed.

    .venv/bin/python -m bench.sender_limit      # BENCH_N=30 BENCH_WORKERS=2 by default
"""

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.webhook_ingest import _ensure_database

N = int(os.environ.get("BENCH_N", "30"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench_sender"
)
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
ROOT = Path(os.environ.get("BENCH_ROOT", Path(__file__).resolve().parent.parent))


def main() -> int:
    _ensure_database(DATABASE_URL)
    os.environ.update(
        DATABASE_URL=DATABASE_URL, REDIS_URL=REDIS_URL, DJANGO_SETTINGS_MODULE="postpurchase.settings"
    )
    from tests.fakes.twilio_server import FakeTwilio

    with FakeTwilio() as fake:
        os.environ.update(
            TWILIO_ACCOUNT_SID="AC" + "d" * 32, TWILIO_AUTH_TOKEN="bench", TWILIO_API_BASE_URL=fake.url
        )
        import django

        django.setup()
        from django.core.management import call_command

        from notifications.models import Notification, NotificationSettings
        from notifications.tasks import send_notification
        from postpurchase.celery import app as celery_app
        from tests import factories

        call_command("migrate", verbosity=0)
        with celery_app.connection_for_write() as conn:
            conn.default_channel.client.flushdb()
        brand = factories.BrandFactory(slug="bench-sender", sms_from_number="+40212345678")
        NotificationSettings.objects.create(
            brand=brand, quiet_hours_start=0, quiet_hours_end=0, sms_collapse_seconds=0, sms_per_second=1
        )
        ids = []
        for index in range(N):
            customer = factories.CustomerFactory(brand=brand, phone=f"+4072{index + 1000000:07d}")
            ids.append(
                Notification.objects.create(
                    brand=brand,
                    customer=customer,
                    subject_key=f"bench:{index}",
                    trigger="support_reply",
                    channel="sms",
                    to=customer.phone,
                    locale="ro",
                    body=f"Message {index}",
                ).id
            )
        command = [sys.executable, "-m", "celery", "-A", "postpurchase", "worker", "-Q", "notifications"]
        command += [
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "ERROR",
        ]
        workers = [
            subprocess.Popen(
                command, cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            for _ in range(WORKERS)
        ]
        try:
            time.sleep(4)  # workers connect
            for notification_id in ids:
                send_notification.delay(notification_id)
            deadline = time.monotonic() + 3 * N + 60
            while time.monotonic() < deadline:
                done = Notification.objects.filter(id__in=ids, state__in=["sent", "failed"]).count()
                if done == N:
                    break
                time.sleep(0.5)
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=20)
        states = {
            state: Notification.objects.filter(id__in=ids, state=state).count()
            for state in ("sent", "failed", "pending", "sending")
        }

    received = sorted(fake.received_at)
    rate = (len(received) - 1) / (received[-1] - received[0]) if len(received) > 1 else 0.0
    gaps = [b - a for a, b in itertools.pairwise(received)]
    print(f"SMS: {N} from one sender limited to 1/s, workers: {WORKERS} (solo pool), Redis broker")
    print(f"handed to Twilio: {len(received)} of {N}; rows {states}")
    print(f"rate while draining: {rate:.2f} SMS/s (ideal 1.00); smallest gap {min(gaps, default=0):.2f} s")
    return 0 if states["sent"] == N else 1


if __name__ == "__main__":
    sys.exit(main())
