"""Thin Celery entry points for tracking's periodic work."""

from celery import shared_task

from tracking import services, webhook_retention


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
