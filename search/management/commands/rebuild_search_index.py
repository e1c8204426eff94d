from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from search.text import get_backend, timed_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the database."

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]

        def progress(done: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"  {done:,} works")

        backend = get_backend()
        count, seconds = timed_rebuild(progress)
        self.stdout.write(
            f"Indexed {count:,} works in {seconds:.1f} s ({backend.vendor} text backend)."
        )
