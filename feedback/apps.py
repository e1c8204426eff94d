from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Feedback"

    def ready(self) -> None:
        # Subscribers hear of new works and chapters from works' posting signals, so the works
        # app never imports feedback.
        from . import signals

        signals.connect()
