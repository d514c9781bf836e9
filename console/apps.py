from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The merchant console: dashboard, navigation and the staff-facing pages around the admin."""

    name = "console"
    verbose_name = "Console"
