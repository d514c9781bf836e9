from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = "Offers and recommendations"

    def ready(self) -> None:
        from offers import integration

        integration.connect()
