"""`manage.py import_works --user LOGIN PATH…`: import files and folders of stories as drafts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.formats import READERS, ImportRefused
from imports.services import import_work
from lifestream.core.errors import InvalidInput
from people.models import User

EXTENSIONS = {f".{extension}" for reader in READERS for extension in reader.extensions}


def _files(paths: list[str]) -> list[Path]:
    """The files named, and the importable files inside the folders named, in a stable order.
    Symbolic links are not followed out of a folder."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(
                child
                for child in path.rglob("*")
                if child.is_file() and not child.is_symlink() and child.suffix.lower() in EXTENSIONS
            )
        else:
            found.append(path)
    return found


class Command(BaseCommand):
    help = (
        "Import story files (.txt, .md, .html, .docx, .epub) and folders of them as drafts of "
        "one user, each file its own draft, and report what was imported or refused and why."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="Files or folders to import.")
        parser.add_argument("--user", required=True, help="The login the drafts belong to.")

    def handle(self, *args: Any, paths: list[str], user: str, **options: Any) -> None:
        owner = User.objects.filter(username__iexact=user).first()
        if owner is None:
            raise CommandError(f"There is no user called “{user}”.")
        imported = refused = 0
        for path in _files(paths):
            try:
                if not path.is_file():
                    raise OSError("no such file")
                limit = settings.IMPORT_MAX_BYTES
                if path.stat().st_size > limit:
                    raise ImportRefused("too_large", f"larger than {limit / (1024 * 1024):.0f} MB")
                result = import_work(owner, path.read_bytes(), filename=path.name)
            except InvalidInput as error:
                refused += 1
                reasons = "; ".join(f"{e.message} [{e.code}]" for e in error.errors)
                self.stdout.write(f"refused  {path}: {reasons}")
            except OSError as error:
                refused += 1
                self.stdout.write(f"refused  {path}: can't be read ({error.strerror or error})")
            else:
                imported += 1
                work = result.work
                self.stdout.write(
                    f"imported {path}: work {work.pk} “{work.title}”, {work.chapter_count} "
                    f"chapter(s), {len(result.suggestions)} tag suggestion(s)"
                )
        self.stdout.write(f"{imported} imported, {refused} refused.")
        if refused:
            raise CommandError(f"{refused} file(s) could not be imported.", returncode=1)
