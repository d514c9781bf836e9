"""Celery entry points for returns: each body is one service call."""

from celery import shared_task

from returns import webhooks


@shared_task(
    name="returns.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(webhooks.EndpointUnavailable,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=webhooks.MAX_ATTEMPTS,
    ignore_result=True,
)
def deliver_webhook(delivery_id: int) -> None:
    webhooks.delivery_send(delivery_id=delivery_id)


@shared_task(name="returns.requeue_webhooks", ignore_result=True)
def requeue_webhooks() -> None:
    for delivery_id in webhooks.deliveries_requeue_stuck():
        deliver_webhook.delay(delivery_id)
