from celery import shared_task

from offers import recommendations, services


@shared_task(
    name="offers.recompute_recommendations", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def recompute_recommendations() -> int:
    """Recompute every brand's recommendations; idempotent (each customer's picks are replaced)."""
    return recommendations.recommendations_compute_all()


@shared_task(name="offers.send_occasions", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_occasions() -> int:
    """Birthday and anniversary offers due today in each brand's time zone; once a year each."""
    return services.occasions_send()
