import contextlib
import io
import logging
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from demo import seed


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """The demo's history sends its messages to the console backends and logs each task; keep both
    out of the summary (every message is in the admin under Notifications). Warnings still show."""
    logging.disable(logging.INFO)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    finally:
        logging.disable(logging.NOTSET)


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent) and print where to click."

    def handle(self, *args: Any, **options: Any) -> None:
        with _quiet():
            lines = seed.seed_all()
        base = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Admin:    {base}/admin/")
        self.stdout.write(f"API docs: {base}/api/docs/")
        self.stdout.write(f"Health:   {base}/healthz")
        for line in lines:
            self.stdout.write(line)
