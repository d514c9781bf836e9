"""Raw bodies of verified webhook calls are blanked after the retention period, in bounded batches."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from brands.services import webhook_secret_set
from postpurchase.settings import CELERY_BEAT_SCHEDULE
from tests.tracking.payloads import as_meta, dump, load, sign
from tracking import tasks, webhooks
from tracking.models import InboundWebhook
from tracking.webhook_retention import inbound_webhook_bodies_purge

SECRET = "whsec-retention"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def post_easypost(client, brand):
    webhook_secret_set(brand=brand, provider="easypost", secret=SECRET)

    def post(event_id: str, *, signed: bool = True) -> bytes:
        payload = json.loads(load("easypost", "tracker_updated_in_transit"))
        payload["id"] = event_id
        body = dump(payload)
        response = client.post(
            f"/webhooks/easypost/{brand.slug}/",
            data=body,
            content_type="application/json",
            **as_meta(sign("easypost", SECRET if signed else "wrong", body)),
        )
        assert response.status_code == (202 if signed else 401)
        return body

    return post


def _bodies() -> dict[str, bool]:
    """delivery id (or 'unsigned') → whether its body is still kept."""
    return {
        (row.delivery_id.split(":")[0] or "unsigned"): bool(row.body)
        for row in InboundWebhook.objects.order_by("id")
    }


def test_bodies_past_retention_are_blanked_in_bounded_batches(post_easypost, settings, caplog):
    settings.WEBHOOK_BODY_RETENTION_DAYS = 30
    with time_machine.travel(T0, tick=False):
        for event_id in ("evt_a", "evt_b", "evt_c"):
            post_easypost(event_id)
        post_easypost("evt_forged", signed=False)
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        recent = post_easypost("evt_recent")
    assert _bodies() == {"evt_a": True, "evt_b": True, "evt_c": True, "unsigned": False, "evt_recent": True}

    now = T0 + timedelta(days=30, minutes=1)
    with caplog.at_level(logging.INFO, logger="tracking.webhook_retention"):
        first = inbound_webhook_bodies_purge(now=now, batch_size=2, max_batches=1)
    assert (first.purged, first.more_left, first.cutoff) == (2, True, T0 + timedelta(minutes=1))
    assert "Purged 2 webhook bodies" in caplog.text
    assert _bodies() == {"evt_a": False, "evt_b": False, "evt_c": True, "unsigned": False, "evt_recent": True}

    second = inbound_webhook_bodies_purge(now=now, batch_size=2, max_batches=1)
    assert (second.purged, second.more_left) == (1, False)
    again = inbound_webhook_bodies_purge(now=now, batch_size=2, max_batches=1)
    assert (again.purged, again.more_left) == (0, False)

    kept = InboundWebhook.objects.get(delivery_id__startswith="evt_recent")
    assert kept.body.encode() == recent
    assert kept.body_purged_at is None
    purged = InboundWebhook.objects.get(delivery_id__startswith="evt_a")
    assert purged.body_purged_at == now
    assert purged.body_size > 0
    assert purged.result == "unmatched"


def test_the_beat_task_uses_the_configured_retention(post_easypost, settings):
    with time_machine.travel(T0, tick=False):
        post_easypost("evt_old")
    settings.WEBHOOK_BODY_RETENTION_DAYS = 7
    with time_machine.travel(T0 + timedelta(days=6), tick=False):
        assert tasks.purge_webhook_bodies() == 0
    with time_machine.travel(T0 + timedelta(days=7, seconds=1), tick=False):
        assert tasks.purge_webhook_bodies() == 1
    assert InboundWebhook.objects.get().body == ""
    assert CELERY_BEAT_SCHEDULE["tracking-purge-webhook-bodies"]["task"] == "tracking.purge_webhook_bodies"


def test_a_purged_call_is_not_reprocessed_into_a_failure(post_easypost):
    with time_machine.travel(T0, tick=False):
        post_easypost("evt_old")
    inbound_webhook_bodies_purge(now=T0 + timedelta(days=31))
    record = InboundWebhook.objects.get()
    reason = record.error
    outcome = webhooks.inbound_webhook_process(webhook_id=record.id)
    assert (outcome.http_status, outcome.result) == (410, "unmatched")
    record.refresh_from_db()
    # Unchanged: still unmatched, with the reason it was kept for (not an "invalid body" failure).
    assert (record.result, record.error) == ("unmatched", reason)
    assert "No shipment with tracking number" in reason
