"""Thin Celery entry points: ids in, one service call."""

from celery import shared_task

from notifications import services
from notifications.channels import ChannelUnavailable


@shared_task(
    name="notifications.send",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(ChannelUnavailable,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=services.MAX_ATTEMPTS,
    ignore_result=True,
)
def send_notification(notification_id: int) -> str:
    """Sends at most once: the service claims the row before calling the provider.

    A busy sender is not an error: the service puts the row back for its reserved slot and enqueues
    it for then, so only provider failures use up retries.
    """
    return services.notification_deliver(notification_id=notification_id)


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep_notifications() -> int:
    """Re-enqueues due pending rows (lost tasks, broker outages, quiet hours over) and dead claims."""
    return services.notifications_sweep()
