"""Build a synthetic archive for benchmarks: `manage.py generate_archive --works 1000000`.

The data and how it is written are described in `bench/generator.py`. The command refuses to
add to an archive that already has works unless given `--append`.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import generator
from bench.generator import Summary
from tags.models import TagKind


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Generate a synthetic archive for benchmarks: N works with Zipf-distributed fandoms, "
        "characters, relationships and freeforms (with synonyms and metatags), prose-like "
        "chapters with realistic word counts, users and pseuds. Written with bulk inserts, one "
        "transaction per batch; nothing else should write to the database meanwhile."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--works", type=_positive, required=True, help="How many works.")
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same archive."
        )
        parser.add_argument(
            "--chapters-text",
            choices=("short", "full"),
            default=None,
            help=(
                "full: every chapter's whole text; short: only its first 200 words (word counts "
                "stay realistic). Default: full up to 100,000 works, short beyond."
            ),
        )
        parser.add_argument(
            "--batch", type=_positive, default=5000, help="Works per transaction (5000)."
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already has works.",
        )
        parser.add_argument(
            "--no-analyze",
            action="store_true",
            help="Skip refreshing the query planner's statistics at the end.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        works: int = options["works"]
        if generator.archive_has_works() and not options["append"]:
            raise CommandError(
                "This database already has works. Use an empty one (LIFESTREAM_DATA_DIR or "
                "DATABASE_URL pointing at a fresh database, then `manage.py migrate`), or pass "
                "--append to add to it."
            )
        text = options["chapters_text"] or generator.default_text_mode(works)
        verbosity = options["verbosity"]
        self.stdout.write(
            f"Generating {works:,} works (seed {options['seed']}, {text} chapter text, "
            f"batches of {options['batch']:,})…"
        )
        step = max(1, works // 20)
        last_shown = [0]

        def progress(done: int, total: int, seconds: float) -> None:
            if verbosity < 1:
                return
            if verbosity < 2 and done < total and done - last_shown[0] < step:
                return
            last_shown[0] = done
            rate = done / seconds if seconds else 0.0
            self.stdout.write(
                f"  {done:>10,} / {total:,} works  {seconds:8.1f} s  {rate:8,.0f} works/s"
            )

        started = time.monotonic()
        summary = generator.generate_archive(
            works,
            seed=options["seed"],
            text=text,
            batch=options["batch"],
            progress=progress,
            analyze=not options["no_analyze"],
        )
        self._report(summary, time.monotonic() - started)

    def _report(self, summary: Summary, seconds: float) -> None:
        write = self.stdout.write
        posted = summary.works - summary.drafts
        write(
            f"Works:      {summary.works:,} ({posted:,} posted, {summary.drafts:,} drafts, "
            f"{summary.restricted:,} restricted)"
        )
        write(
            f"Chapters:   {summary.chapters:,}; {summary.words:,} words counted, "
            f"{summary.stored_words:,} stored ({summary.text} text)"
        )
        kinds = ", ".join(
            f"{TagKind(kind).label.lower()} {count:,}" for kind, count in summary.tags.items()
        )
        total = sum(summary.tags.values())
        write(f"Tags:       {total:,} new ({kinds})")
        share = summary.synonyms / total if total else 0.0
        write(
            f"Wrangling:  {summary.synonyms:,} synonyms ({share:.0%}), "
            f"{summary.unwrangled:,} unwrangled ({summary.unwrangleable:,} unwrangleable), "
            f"{summary.tag_parents:,} parent links"
        )
        metatags = ", ".join(
            f"{TagKind(kind).label.lower()} {count:,}" for kind, count in summary.metatags.items()
        )
        write(f"Metatags:   {sum(summary.metatags.values()):,} ({metatags})")
        write(f"Work tags:  {summary.work_tags:,} links")
        write(f"People:     {summary.users:,} users, {summary.pseuds:,} pseuds")
        phases = ", ".join(f"{name} {value:.1f} s" for name, value in summary.phases.items())
        write(f"Phases:     {phases}")
        self.stdout.write(self.style.SUCCESS(f"Done in {seconds:.1f} s."))
