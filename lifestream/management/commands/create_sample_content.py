"""Fill an empty archive with original sample content. `make run` calls it on every start, so it
does nothing once the archive has any work or any account other than a superuser. Nothing else
calls it: a real archive gets sample content only by running this command."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from lifestream import sample_text
from lifestream.sample_challenges import add_sample_challenges
from lifestream.sample_collections import add_sample_collections
from lifestream.sample_credits import add_sample_anonymous_work, add_sample_credits
from lifestream.sample_feedback import add_sample_feedback
from lifestream.sample_news import add_sample_news
from lifestream.sample_related import add_sample_translation
from lifestream.sample_series import add_sample_series
from lifestream.sample_skins import add_sample_skins
from lifestream.sample_text import SAMPLE_PASSWORD, SampleWork
from people.models import Pseud, User
from people.services import add_pseud, create_user
from works.models import Work
from works.services import WorkData, add_chapter, chapter_data_from, create_work, post_draft

GENERATED_WORKS = 40
SEED = 20240314
ALREADY_FILLED = "Archive already has content; leaving it as it is."
NOT_A_DEMO = (
    "This archive is not a demo, so the sample accounts can't log in: set LIFESTREAM_DEMO=1 "
    "(`make run` does) to let them."
)


@dataclass
class Summary:
    authors: list[str]
    posted: int = 0
    drafts: int = 0
    chapters: int = 0
    feedback: dict[str, int] = field(default_factory=dict)
    series: int = 0


def archive_has_content() -> bool:
    return Work.objects.exists() or User.objects.filter(is_superuser=False).exists()


def _published_on(sample: SampleWork, today: dt.date) -> dt.date | None:
    if sample.published_on is not None:
        return sample.published_on
    if sample.days_ago:
        return today - dt.timedelta(days=sample.days_ago)
    return None


def create_sample_work(
    sample: SampleWork, users: dict[str, User], pseuds: dict[str, Pseud], today: dt.date
) -> Work:
    """One sample work through the services. It is built as a draft and posted at the end, so a
    backdated work with several chapters keeps its date (adding a chapter to a posted work would
    date the update today)."""
    user = users[sample.author]
    pseud = pseuds[sample.pseud or sample.author]
    data = WorkData(
        title=sample.title,
        pseuds=[pseud],
        summary=sample.summary,
        notes=sample.notes,
        end_notes=sample.end_notes,
        rating=sample.rating,
        warnings=list(sample.warnings),
        categories=list(sample.categories),
        fandoms=list(sample.fandoms),
        relationships=list(sample.relationships),
        characters=list(sample.characters),
        freeforms=list(sample.freeforms),
        language=sample.language,
        restricted=sample.restricted,
        expected_chapters=sample.expected_chapters,
        complete=sample.complete,
        published_on=_published_on(sample, today),
    )
    first, *rest = sample.chapters
    work = create_work(user, data, chapter_data_from(first), post=False)
    for chapter in rest:
        add_chapter(work, chapter_data_from(chapter), post=True)
    if sample.post:
        work = post_draft(work)
    return work


def create_sample_archive(generated: int = GENERATED_WORKS, seed: int = SEED) -> Summary:
    """The sample authors and works, in the caller's transaction."""
    today = timezone.localdate()
    # One hash for every sample account: hashing is the slow part, and the password is public.
    password = make_password(SAMPLE_PASSWORD)
    users: dict[str, User] = {}
    pseuds: dict[str, Pseud] = {}
    for author in sample_text.AUTHORS:
        user = create_user(author.login, f"{author.login}@example.org", None, is_sample=True)
        user.password = password
        user.save(update_fields=["password"])
        users[author.login] = user
        pseuds[author.login] = user.default_pseud
        if author.extra_pseud:
            pseuds[author.extra_pseud] = add_pseud(
                user, author.extra_pseud, author.pseud_description
            )

    summary = Summary(authors=list(users))
    samples = [*sample_text.HAND_WRITTEN_WORKS, *sample_text.generated_works(generated, seed)]
    for sample in samples:
        work = create_sample_work(sample, users, pseuds, today)
        if work.posted:
            summary.posted += 1
        else:
            summary.drafts += 1
        summary.chapters += len(sample.chapters)
    wrangle_sample_tags()
    summary.feedback = add_sample_feedback(users, seed)
    summary.feedback |= add_sample_credits(users)
    summary.chapters += schedule_sample_chapter()
    summary.series = add_sample_series(users)
    add_sample_translation(users)
    add_sample_anonymous_work()
    add_sample_skins(users)
    add_sample_news(users)
    add_sample_collections(users)
    add_sample_challenges(users)
    return summary


def schedule_sample_chapter() -> int:
    """The next chapter of a sample work in progress, scheduled a few days ahead."""
    work = Work.objects.filter(title=sample_text.SCHEDULED_CHAPTER_WORK, posted=True).first()
    if work is None:
        return 0
    moment = timezone.now() + dt.timedelta(days=sample_text.SCHEDULED_CHAPTER_DAYS)
    data = chapter_data_from(sample_text.SCHEDULED_CHAPTER, scheduled_for=moment)
    add_chapter(work, data, post=True)
    return 1


def wrangle_sample_tags() -> None:
    """Do what an archive's wranglers would have done, so the sample's filters have canonical
    tags to offer: fandoms canonical, each under its media category (so `/media` lists it);
    characters and relationships canonical under the fandom they are written in; additional
    tags used more than once canonical. The rest stay in the unwrangled bins for a new wrangler
    to try."""
    from collections import Counter

    from tags.models import Tag, TagKind
    from tags.services import WrangleData, wrangle_tag

    posted = Work.objects.filter(posted=True)
    media = {canon.fandom: canon.media for canon in sample_text.CANONS}
    for fandom in Tag.objects.filter(kind=TagKind.FANDOM, works__in=posted).distinct():
        parents = [media[fandom.name]] if fandom.name in media else []
        wrangle_tag(fandom, WrangleData(canonical=True, parents=parents))
    for kind in (TagKind.CHARACTER, TagKind.RELATIONSHIP):
        for tag in Tag.objects.filter(kind=kind, works__in=posted).distinct():
            fandoms = Counter(
                Tag.objects.filter(kind=TagKind.FANDOM, works__tags=tag).values_list(
                    "name", flat=True
                )
            )
            parents = [fandoms.most_common(1)[0][0]] if fandoms else []
            wrangle_tag(tag, WrangleData(canonical=True, parents=parents))
    uses = Counter(
        Work.tags.through.objects.filter(work__posted=True, tag__kind=TagKind.FREEFORM).values_list(
            "tag_id", flat=True
        )
    )
    for tag in Tag.objects.filter(pk__in=[tag_id for tag_id, n in uses.items() if n > 1]):
        wrangle_tag(tag, WrangleData(canonical=True))


class Command(BaseCommand):
    help = (
        "Fill an empty archive with original sample authors, fandoms and works (all invented "
        "for Lifestream). Does nothing if any work, or any account other than a superuser, "
        f"already exists. The sample accounts ({', '.join(a.login for a in sample_text.AUTHORS)}) "
        f'all have the password "{SAMPLE_PASSWORD}", and log in only on a demo archive '
        "(LIFESTREAM_DEMO=1, as `make run` sets) or with LIFESTREAM_DEBUG on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        quiet = options["quiet"] or options["verbosity"] == 0
        started = time.monotonic()
        with transaction.atomic():
            if archive_has_content():
                if not quiet:
                    self.stdout.write(ALREADY_FILLED)
                return
            summary = create_sample_archive()
        if quiet:
            return
        seconds = time.monotonic() - started
        drafts = f"{summary.drafts} draft{'' if summary.drafts == 1 else 's'}"
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {len(summary.authors)} sample authors, {summary.posted} posted works "
                f"and {drafts} ({summary.chapters} chapters) in {seconds:.1f} s."
            )
        )
        feedback = ", ".join(f"{count} {name}" for name, count in summary.feedback.items())
        self.stdout.write(f"Readers' answers: {feedback}.")
        self.stdout.write(
            f"Sample logins: {', '.join(summary.authors)}; password: {SAMPLE_PASSWORD}"
        )
        if not (settings.DEMO or settings.DEBUG):
            self.stdout.write(self.style.WARNING(NOT_A_DEMO))
