from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self) -> None:
        # Connects the login and logout receivers that record sessions.
        from . import middleware  # noqa: F401
