"""`manage.py restore FILE [--force]`: put a backup back, on a stopped site
(lifestream/backups.py says what it holds and what it asks)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifestream.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup made by `manage.py backup` into this (empty) archive."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", help="the .tar.gz written by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an archive that already has accounts or works",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = restore(Path(options["backup"]), force=options["force"])
        except BackupError as error:
            raise CommandError(f"Nothing was restored: {error}.") from None
        self.stdout.write(
            f"Restored the archive backed up at {manifest.created_at}; "
            "start the site again (the filter index is rebuilt as it starts)."
        )
