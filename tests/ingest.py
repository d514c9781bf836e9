"""Webhook workers in tests: what the `ingest` queue does after a webhook's request commits.

The endpoint only stores a call and enqueues its processing on commit. Inside the `db` fixture's
transaction nothing commits, so the client below runs the on-commit callbacks of a webhook request
as soon as the request ends — the real task (Celery runs eagerly in tests), after the real
response — which is what the `ingest` workers do in production a moment later. Further on-commit
work (the notifications the processing enqueues) stays queued on the test's transaction, exactly
as when processing ran in the request: tests that send messages capture it themselves.
"""

from typing import Any

from django.test import Client, TestCase

# The carrier and store endpoints (tracking.webhook_urls); Twilio's callbacks are not stored calls.
WEBHOOK_PATHS = tuple(f"/webhooks/{provider}/" for provider in ("shopify", "easypost", "aftership", "shippo"))


def run_after_commit(request: Any) -> Any:
    """Call `request()`, then run the on-commit callbacks it left (the enqueued ingest task)."""
    with TestCase.captureOnCommitCallbacks() as callbacks:
        response = request()
    for callback in callbacks:
        callback()
    return response


class IngestingClient(Client):
    """A test client whose webhook calls are processed by the (eager) ingest task after they commit."""

    def request(self, **request: Any) -> Any:
        if not str(request.get("PATH_INFO", "")).startswith(WEBHOOK_PATHS):
            return super().request(**request)
        return run_after_commit(lambda: super(IngestingClient, self).request(**request))


def latest_webhook() -> Any:
    """The last stored call, as the worker left it."""
    from tracking.models import InboundWebhook

    return InboundWebhook.objects.latest("id")
