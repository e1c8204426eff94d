from django.apps import AppConfig


class LifestreamConfig(AppConfig):
    name = "lifestream"

    def ready(self) -> None:
        # Every app's models are loaded by now, so the consumers can import them.
        from .change_feed import register_consumers

        register_consumers()
