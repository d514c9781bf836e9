"""The Celery application: one image runs web, worker and beat; queues split by domain."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")

app = Celery("postpurchase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="postpurchase.noop", ignore_result=True)
def noop() -> None:
    """Does nothing: the baseline that benchmarks compare real tasks against."""
