from django.apps import AppConfig


class LoyaltyConfig(AppConfig):
    name = "loyalty"
    verbose_name = "Loyalty and referrals"

    def ready(self) -> None:
        from loyalty import integration

        integration.connect()
