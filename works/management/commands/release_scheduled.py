from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from works.services import release_due


class Command(BaseCommand):
    help = (
        "Post every scheduled work and chapter whose moment has come and tell their "
        "subscribers (once). Readers see them on time anyway; run this from cron where the "
        "task worker may be down."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        works, chapters = release_due()
        self.stdout.write(f"Posted {works} scheduled works and {chapters} scheduled chapters.")
