"""A work as a book: everything a download shows, gathered once and shared by every format."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from access.visibility import ANONYMOUS, public_byline_pseuds
from tags.models import TagKind
from works.models import Chapter, Gift, Work

# The metadata block of a title page, in AO3's order.
TAG_LABELS = (
    (TagKind.RATING, "Rating"),
    (TagKind.WARNING, "Archive Warning"),
    (TagKind.CATEGORY, "Category"),
    (TagKind.FANDOM, "Fandom"),
    (TagKind.RELATIONSHIP, "Relationship"),
    (TagKind.CHARACTER, "Character"),
    (TagKind.FREEFORM, "Additional Tags"),
)


@dataclass
class Part:
    """One chapter as it appears in a book."""

    number: int
    heading: str  # "Chapter 2: The Reactor", or the title of a one-chapter work
    title: str
    body: str
    summary: str = ""
    notes: str = ""
    end_notes: str = ""


@dataclass(frozen=True)
class SeriesLine:
    """One series the work is in, as "Part N of TITLE": numbered among the parts its reader
    may see (so a hidden part leaves no gap that tells)."""

    series_id: int
    number: int
    title: str

    @property
    def url(self) -> str:
        return f"{settings.SITE_URL}/series/{self.series_id}"

    @property
    def text(self) -> str:
        return f"Part {self.number} of {self.title}"


@dataclass
class Book:
    work_id: int
    title: str
    url: str
    language: str
    language_name: str
    creators: list[str]
    tags: list[tuple[str, list[str]]]  # (label, names) for the kinds the work has
    summary: str
    notes: str
    end_notes: str
    published: dt.date
    updated: dt.date | None  # shown as "Updated" or "Completed" when it differs
    completed: bool
    modified: dt.datetime
    words: int
    chapters_display: str
    stats: list[tuple[str, int]] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    gifts: list[str] = field(default_factory=list)  # who the work is for, as AO3's preface says
    series: list[SeriesLine] = field(default_factory=list)

    @property
    def byline(self) -> str:
        return ", ".join(self.creators)

    @property
    def filename_stem(self) -> str:
        return slugify_title(self.title)


def slugify_title(title: str) -> str:
    """A file name from a title, as AO3 makes one: ASCII letters, digits and underscores."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "_", ascii_title).strip("_")[:60].strip("_")
    return stem or "Work"


def _stats(work: Work) -> list[tuple[str, int]]:
    from feedback.models import HitCount, WorkStats

    numbers = WorkStats.objects.filter(work=work).first()
    hits = HitCount.objects.filter(work=work).aggregate(total=Sum("count"))["total"] or 0
    stats = [
        ("Comments", numbers.comments_count if numbers else 0),
        ("Kudos", numbers.kudos_count if numbers else 0),
        ("Bookmarks", numbers.bookmarks_count if numbers else 0),
        ("Hits", hits),
    ]
    return [(label, value) for label, value in stats if value]


def series_lines(places: Iterable[tuple[int, int, str]]) -> list[SeriesLine]:
    """The series lines of a book from (series id, number, title) triples."""
    return [SeriesLine(*place) for place in places]


def make_book(work: Work, chapters: list[Chapter], series: list[SeriesLine] | None = None) -> Book:
    """The book of `work` (its tags and creators prefetched) with `chapters`, its posted ones,
    and the `series` lines its reader sees (none inside a series book)."""
    multi = len(chapters) > 1
    parts = []
    for number, chapter in enumerate(chapters, start=1):
        if multi:
            heading = f"Chapter {number}" + (f": {chapter.title}" if chapter.title else "")
        else:
            heading = chapter.title or work.title
        parts.append(
            Part(
                number=number,
                heading=heading,
                title=chapter.title,
                body=chapter.body,
                summary=chapter.summary,
                notes=chapter.notes,
                end_notes=chapter.end_notes,
            )
        )
    tags = [
        (label, [tag.name for tag in work.tags_of(kind)])
        for kind, label in TAG_LABELS
        if work.tags_of(kind)
    ]
    revised = timezone.localdate(work.revised_at)
    return Book(
        work_id=work.pk,
        title=work.title,
        url=f"{settings.SITE_URL}{work.get_absolute_url()}",
        language=work.language,
        language_name=work.get_language_display(),
        creators=[pseud.byline for pseud in public_byline_pseuds(work)] or [ANONYMOUS],
        tags=tags,
        summary=work.summary,
        notes=work.notes,
        end_notes=work.end_notes,
        published=work.published_on,
        updated=revised if revised != work.published_on or multi else None,
        completed=work.is_complete,
        modified=max([work.updated_at, *(chapter.updated_at for chapter in chapters)]),
        words=work.word_count,
        chapters_display=work.chapters_display,
        stats=_stats(work),
        parts=parts,
        gifts=[
            gift.recipient
            for gift in Gift.objects.filter(work=work, rejected=False).select_related("pseud__user")
        ],
        series=series or [],
    )


def book_version(book: Book) -> str:
    """Changes whenever anything a download shows changes: the key of the cached files."""
    digest = hashlib.sha256()
    for value in (
        book.title,
        book.byline,
        repr(book.gifts),
        repr(book.series),
        repr(book.tags),
        book.summary,
        book.notes,
        book.end_notes,
        book.language,
        book.published.isoformat(),
        book.modified.isoformat(),
        book.chapters_display,
        repr(book.stats),
        *(f"{part.heading}\x00{len(part.body)}" for part in book.parts),
    ):
        digest.update(value.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:20]
