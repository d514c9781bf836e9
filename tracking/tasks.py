"""Thin Celery entry points for tracking's periodic work."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from tracking import services, webhook_retention

# The database went away or a lock timed out: worth the same call again, a little later.
TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(name="tracking.flag_late_and_stuck", ignore_result=True, acks_late=True)
def flag_late_and_stuck() -> dict[str, int]:
    """Idempotent: each shipment is flagged late or stuck once."""
    return services.shipments_flag_late_and_stuck()


@shared_task(name="tracking.sweep_unmatched_webhooks", ignore_result=True, acks_late=True)
def sweep_unmatched_webhooks() -> dict[str, int]:
    """Idempotent: retries unmatched webhooks within retention, expires the older ones."""
    from tracking import webhooks

    return webhooks.unmatched_webhooks_sweep()


@shared_task(name="tracking.retry_failed_reactions", ignore_result=True, acks_late=True)
def retry_failed_reactions() -> dict[str, int]:
    """Idempotent: each due failure is claimed with SKIP LOCKED and resolved once."""
    return services.reaction_failures_retry_due()


@shared_task(name="tracking.flush_page_counters", ignore_result=True, acks_late=True)
def flush_page_counters() -> dict[str, int]:
    """Idempotent: each batch of page views and impressions is added to Postgres once."""
    from tracking import page_counters

    return page_counters.counters_flush()


@shared_task(name="tracking.purge_webhook_bodies", ignore_result=True, acks_late=True)
def purge_webhook_bodies() -> int:
    """Idempotent: blanks raw webhook bodies past WEBHOOK_BODY_RETENTION_DAYS, a bounded batch per run."""
    return webhook_retention.inbound_webhook_bodies_purge().purged


@shared_task(name="tracking.rebuild_delivery_lanes", ignore_result=True, acks_late=True)
def rebuild_delivery_lanes(brand_id: int | None = None) -> int:
    """Idempotent: recomputes each lane from the shipments under the lane's row lock."""
    from tracking import delivery_estimates

    return delivery_estimates.delivery_lanes_rebuild(brand_id=brand_id).written


@shared_task(
    name="tracking.ingest_webhook",
    ignore_result=True,
    acks_late=True,
    autoretry_for=TRANSIENT_DB_ERRORS,
    retry_backoff=1,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def ingest_webhook(webhook_id: int) -> None:
    """Idempotent: the stored call is claimed with SKIP LOCKED and processed once, in its parcel's order."""
    from tracking import webhooks

    webhooks.inbound_webhook_ingest(webhook_id=webhook_id)


@shared_task(name="tracking.relay_webhooks", ignore_result=True, acks_late=True)
def relay_webhooks() -> dict[str, int]:
    """Idempotent: takes stored calls whose task was lost (broker down), each claimed once."""
    from tracking import webhooks

    return webhooks.inbound_webhooks_relay()
