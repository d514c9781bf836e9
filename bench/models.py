"""The baseline's own table: the bare one-INSERT view writes here, never to a product table."""

from django.db import models


class BaselineRow(models.Model):
    """One row per baseline call: the request body, as a webhook acknowledgement stores one."""

    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "bench"
        db_table = "bench_baseline_row"
        # Created by the harness (bench/web.py) in the bench database; no migration, no product schema.
        managed = False

    def __str__(self) -> str:
        return f"baseline row {self.pk}"
