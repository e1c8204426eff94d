from django.apps import AppConfig


class ArchiveCollectionsConfig(AppConfig):
    # The package is `archive_collections` (the standard library owns `collections`); its
    # tables and migrations are the app's own label.
    name = "archive_collections"
    verbose_name = "Collections"
