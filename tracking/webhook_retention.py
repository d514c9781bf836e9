"""Raw webhook bodies are kept only as long as they may need re-processing."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tracking.models import InboundWebhook

logger = logging.getLogger(__name__)

PURGE_BATCH_SIZE = 1000
PURGE_MAX_BATCHES = 20


@dataclass(frozen=True)
class PurgeResult:
    purged: int
    cutoff: datetime
    more_left: bool


def inbound_webhook_bodies_purge(
    *,
    now: datetime | None = None,
    retention_days: int | None = None,
    batch_size: int = PURGE_BATCH_SIZE,
    max_batches: int = PURGE_MAX_BATCHES,
) -> PurgeResult:
    """Blank the bodies of calls received before the retention cutoff; bounded per run, idempotent."""
    now = now or timezone.now()
    days = settings.WEBHOOK_BODY_RETENTION_DAYS if retention_days is None else retention_days
    cutoff = now - timedelta(days=days)
    purged, more_left = 0, False
    for _ in range(max_batches):
        with transaction.atomic():
            ids = list(
                InboundWebhook.objects.filter(received_at__lt=cutoff)
                .exclude(body="")
                .order_by("received_at", "id")  # ties (one second's calls) oldest id first
                .values_list("id", flat=True)[:batch_size]
            )
            if ids:
                purged += (
                    InboundWebhook.objects.filter(id__in=ids)
                    .exclude(body="")
                    .update(body="", body_purged_at=now)
                )
        more_left = len(ids) == batch_size
        if not more_left:
            break
    logger.info(
        "Purged %d webhook bodies received before %s (retention %d days); more left: %s.",
        purged,
        cutoff.isoformat(),
        days,
        more_left,
    )
    return PurgeResult(purged=purged, cutoff=cutoff, more_left=more_left)
