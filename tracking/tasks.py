"""Thin Celery entry points for tracking's periodic work."""

from celery import shared_task

from tracking import services, webhook_retention


@shared_task(name="tracking.flag_late_and_stuck", ignore_result=True, acks_late=True)
def flag_late_and_stuck() -> dict[str, int]:
    """Idempotent: each shipment is flagged late or stuck once."""
    return services.shipments_flag_late_and_stuck()


@shared_task(name="tracking.purge_webhook_bodies", ignore_result=True, acks_late=True)
def purge_webhook_bodies() -> int:
    """Idempotent: blanks raw webhook bodies past WEBHOOK_BODY_RETENTION_DAYS, a bounded batch per run."""
    return webhook_retention.inbound_webhook_bodies_purge().purged
