from celery import shared_task

from loyalty import services


@shared_task(name="loyalty.expire_points", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def expire_points() -> int:
    """Expire the balances of members inactive for their programme's months; safe to run twice."""
    return services.points_expire_inactive()
