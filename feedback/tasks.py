from celery import shared_task

from feedback import services


@shared_task(
    name="feedback.send_nps_requests", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def send_nps_requests() -> int:
    """Hourly: ask every order that is due for its recommendation score; safe to run twice."""
    return services.nps_requests_send()
