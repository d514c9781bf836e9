from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brands import selectors
from tracking import delivery_estimates


class Command(BaseCommand):
    help = (
        "Recompute the delivered history behind our own delivery estimates, lane by lane, from the "
        "shipments (after a data fix or an import that bypassed the services). Idempotent; safe while "
        "scans come in."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--brand", default="", help="only this brand (its slug)")

    def handle(self, *args: Any, brand: str, **options: Any) -> None:
        brand_id = None
        if brand:
            found = selectors.brand_by_slug(slug=brand)
            if found is None:
                raise CommandError(f"No brand with slug {brand!r}.")
            brand_id = found.id
        result = delivery_estimates.delivery_lanes_rebuild(brand_id=brand_id)
        self.stdout.write(
            f"{result.lanes} lanes with delivered history: {result.written} rewritten, "
            f"{result.removed} emptied lanes removed."
        )
