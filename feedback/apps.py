from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback: delivery ratings, NPS and problem reports"

    def ready(self) -> None:
        from feedback import integration

        integration.connect()
