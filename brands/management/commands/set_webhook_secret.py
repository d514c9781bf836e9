from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from brands import selectors, services
from brands.models import Provider


class Command(BaseCommand):
    help = "Store the secret a provider signs a brand's webhooks with."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("brand", help="the brand's slug")
        parser.add_argument("provider", choices=Provider.values)
        parser.add_argument("secret")

    def handle(self, *args: Any, brand: str, provider: str, secret: str, **options: Any) -> None:
        found = selectors.brand_by_slug(slug=brand)
        if found is None:
            raise CommandError(f"No brand with slug {brand!r}.")
        try:
            services.webhook_secret_set(brand=found, provider=provider, secret=secret)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{provider} webhook secret set for {found.slug}.")
