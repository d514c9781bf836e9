from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brands import selectors, services


class Command(BaseCommand):
    help = "Issue a new API key for a brand and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("brand", help="the brand's slug")
        parser.add_argument("--name", default="", help="a label to recognise the key by")

    def handle(self, *args: Any, brand: str, name: str, **options: Any) -> None:
        found = selectors.brand_by_slug(slug=brand)
        if found is None:
            raise CommandError(f"No brand with slug {brand!r}.")
        issued = services.api_key_create(brand=found, name=name[:100])
        self.stdout.write(issued.raw_key)
