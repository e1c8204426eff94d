"""`manage.py import_efiction --dump DUMP.sql [--stories DIR] [--prefix fanfiction_]
[--tag-map MAP.csv] [--dry-run]`: bring a whole eFiction 3.x archive over."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.efiction import tagmap
from imports.efiction.importer import Importer, Options, Report, dry_run
from imports.efiction.mariadb import DumpRefused, DumpServer, MariaDBMissing
from imports.efiction.source import Archive, SourceRefused
from lifestream.core.errors import InvalidInput


class Command(BaseCommand):
    help = (
        "Import an eFiction 3.x archive from its MySQL dump: authors (as accounts they claim by "
        "email), stories with chapters, categories, characters, ratings, warnings and genres "
        "as tags, co-authors, series, reviews with the authors' replies, and favourites as "
        "bookmarks and subscriptions; old addresses redirect. Run it first with --dry-run to "
        "get the tag map to fill in. Safe to run again: what was imported is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dump", required=True, help="The mysqldump of the archive.")
        parser.add_argument(
            "--stories", help="The archive's stories/ folder (where settings.store is “files”)."
        )
        parser.add_argument("--prefix", default="fanfiction_", help="The tables' prefix.")
        parser.add_argument(
            "--tag-map",
            help="The tag map CSV: written by --dry-run, read by the real run.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Write nothing to the archive: report what would be imported, write the tag map.",
        )
        parser.add_argument(
            "--charset",
            default="utf8mb4",
            help="The dump's character set when it names none (latin1 for old dumps).",
        )
        parser.add_argument(
            "--no-claim-emails",
            action="store_true",
            help="Don't email the authors yet (a later run without it sends the ones not sent).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dump = Path(options["dump"])
        if not dump.is_file():
            raise CommandError(f"There is no file {dump}.")
        stories = Path(options["stories"]) if options["stories"] else None
        if stories is not None and not stories.is_dir():
            raise CommandError(f"There is no folder {stories}.")
        tag_map = Path(options["tag_map"]) if options["tag_map"] else None
        if options["dry_run"] and tag_map is None:
            tag_map = Path("efiction-tags.csv")
        run_options = Options(
            stories_dir=stories, tag_map=tag_map, send_claims=not options["no_claim_emails"]
        )
        if not options["dry_run"] and tag_map is not None and not tag_map.is_file():
            raise CommandError(f"There is no tag map {tag_map} (a --dry-run writes one).")
        report = Report()
        started = time.monotonic()
        try:
            with DumpServer() as server:
                self.stdout.write(f"Reading {dump} with MariaDB…")
                server.load(dump, options["charset"])
                for error in server.load_errors[:20]:
                    report.notes.append(f"the dump has a statement MariaDB refused: {error}")
                archive = Archive(server, options["prefix"])
                self.stdout.write(
                    f"eFiction {archive.version or '(version not recorded)'} archive "
                    f"“{archive.site_name or archive.site_key}”, chapters stored in "
                    f"{archive.store}."
                )
                if options["dry_run"]:
                    assert tag_map is not None
                    tags = dry_run(archive, run_options, report)
                    tagmap.write_map(tag_map, tags)
                    report.notes.append(f"tag map with {len(tags)} tags written to {tag_map}")
                else:
                    importer = Importer(archive, run_options, report)
                    importer.run(progress=self._progress(started))
        except (MariaDBMissing, DumpRefused, SourceRefused, tagmap.TagMapError) as error:
            raise CommandError(str(error)) from None
        except InvalidInput as error:
            raise CommandError(error.errors[0].message) from None
        self._report(report, time.monotonic() - started, dry=options["dry_run"])

    def _progress(self, started: float) -> Any:
        def show(what: str, done: int) -> None:
            seconds = time.monotonic() - started
            self.stdout.write(f"  {done:>8,} {what}  {seconds:7.1f} s")

        return show

    def _report(self, report: Report, seconds: float, *, dry: bool) -> None:
        write = self.stdout.write
        write("Would import:" if dry else "Imported:")
        for what, count in sorted(report.imported.items()):
            write(f"  {what}: {count:,}")
        if report.already:
            write("Already imported by an earlier run (left as they are):")
            for what, count in sorted(report.already.items()):
                write(f"  {what}: {count:,}")
        if report.skipped:
            write("Skipped:")
            for what, count in sorted(report.skipped_counts().items()):
                write(f"  {what}: {count:,}")
            for what, legacy_id, why in report.skipped:
                write(f"  - {what} {legacy_id}: {why}")
        for note in report.notes:
            write(f"Note: {note}")
        self.stdout.write(self.style.SUCCESS(f"Done in {seconds:.1f} s."))
