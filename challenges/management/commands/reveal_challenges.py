"""Reveal every challenge whose works or creators reveal date has passed (for a site whose
worker was down, or a task backend that cannot wait)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from challenges.services import reveal_due


class Command(BaseCommand):
    help = "Reveal the challenges whose reveal dates have passed."

    def handle(self, *args: object, **options: object) -> None:
        done = reveal_due()
        self.stdout.write(f"{done} reveals done.")
