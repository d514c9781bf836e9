"""`manage.py demo` with the embedded defaults: every message ends up sent, and only the summary shows."""

import io
import logging

import pytest
from django.core.management import call_command

from notifications.models import Notification, State


@pytest.fixture
def embedded(settings):
    """What `make run` has: no broker (tasks in-process), an in-process cache, console SMS and email."""
    settings.CELERY_BROKER_URL = "memory://localhost/"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.TWILIO_ACCOUNT_SID = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


@pytest.mark.django_db
def test_the_demo_sends_every_message_and_prints_only_where_to_click(
    embedded, caplog, capfd, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.INFO)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=out)
    summary = out.getvalue()
    assert summary.startswith("Demo data is ready.\nAdmin:    http://127.0.0.1:8000/admin/\n")
    assert "Tracking pages of the demo orders:" in summary
    assert len(summary.splitlines()) < 80
    states = set(Notification.objects.values_list("state", flat=True))
    assert Notification.objects.filter(channel="sms").count() >= 30
    assert states <= {State.SENT, State.SKIPPED}, states
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Traceback" not in capfd.readouterr().err

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", stdout=io.StringIO())  # run again: refreshed, nothing left behind
    assert not Notification.objects.exclude(state__in=[State.SENT, State.SKIPPED]).exists()
