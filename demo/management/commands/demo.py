import contextlib
import io
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from demo import seed


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent) and print where to click."

    def handle(self, *args: Any, **options: Any) -> None:
        # The demo's history sends its messages to the console backends; keep them out of the
        # summary (they are all in the admin under Notifications).
        with contextlib.redirect_stdout(io.StringIO()):
            lines = seed.seed_all()
        base = settings.SITE_URL
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Admin:    {base}/admin/")
        self.stdout.write(f"API docs: {base}/api/docs/")
        self.stdout.write(f"Health:   {base}/healthz")
        for line in lines:
            self.stdout.write(line)
