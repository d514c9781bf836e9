"""Thin Celery entry points: ids in, one service call."""

from celery import Task, shared_task

from notifications import services
from notifications.channels import ChannelUnavailable, SenderThrottled


@shared_task(
    bind=True,
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
def send_notification(self: Task, notification_id: int) -> str:
    """Sends at most once: the service claims the row before calling the provider."""
    try:
        return services.notification_deliver(notification_id=notification_id)
    except SenderThrottled as exc:
        # Not a failure: wait for the sender's next second, without using up a retry.
        raise self.retry(exc=exc, countdown=1, max_retries=None) from exc


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep_notifications() -> int:
    """Re-enqueues due pending rows (lost tasks, broker outages, quiet hours over)."""
    return services.notifications_sweep()
