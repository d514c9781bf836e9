from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The merchant console: dashboard, navigation and the staff-facing pages around the admin."""

    name = "console"
    verbose_name = "Console"

    def ready(self) -> None:
        from django.contrib import admin

        # Unfold's own admin/index.html comes first among app templates: name ours explicitly.
        admin.site.index_template = "console/dashboard.html"
