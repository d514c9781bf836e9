"""Thin Celery entry points for tracking's periodic work."""

from celery import shared_task

from tracking import services


@shared_task(name="tracking.flag_late_and_stuck", ignore_result=True, acks_late=True)
def flag_late_and_stuck() -> dict[str, int]:
    """Idempotent: each shipment is flagged late or stuck once."""
    return services.shipments_flag_late_and_stuck()
