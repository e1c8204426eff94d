"""`manage.py backup [--output FILE]`: the whole archive in one file, while the site runs
(lifestream/backups.py says what it holds)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from lifestream.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write the database, uploaded media and secret key to one .tar.gz, while the site runs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            help="the file to write (default: backups/lifestream-DATE-TIME.tar.gz in the data dir)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["output"]:
            output = Path(options["output"])
        else:
            stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
            output = Path(settings.DATA_DIR) / "backups" / f"lifestream-{stamp}.tar.gz"
        try:
            manifest = backup(output.resolve())
        except BackupError as error:
            raise CommandError(f"No backup was written: {error}.") from None
        size = output.stat().st_size
        self.stdout.write(
            f"Backed up the {manifest.engine} archive to {output} ({size:,} bytes) "
            f"at {manifest.created_at}."
        )
