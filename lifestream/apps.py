from django.apps import AppConfig


class LifestreamConfig(AppConfig):
    name = "lifestream"
