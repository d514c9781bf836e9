from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"
    verbose_name = "Customer care"

    def ready(self) -> None:
        from support import integration

        integration.connect()
