"""A whole series as one EPUB: a title page for the series, then each work in series order as
its own section (its title page with its metadata, its chapters, its end notes), with a
contents page nested by work. Only the works the reader may download are in it; the file
passes W3C epubcheck like a single work's (tests/test_series_download.py runs it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import Counter
from dataclasses import dataclass, replace
from html import escape

from django.conf import settings
from django.urls import reverse

from lifestream.core.text import html_to_text

from .book import Book, book_version, slugify_title
from .epub import _Documents, _package, _stamp, book_files, zip_epub

# A series book is built while the reader waits: past this many words, read the works one by
# one (each has its own download).
SERIES_BOOK_WORDS_MAX = 2_000_000


@dataclass
class SeriesBook:
    series_id: int
    title: str
    url: str
    summary: str
    notes: str
    complete: bool
    books: list[Book]

    @property
    def creators(self) -> list[str]:
        """Every work's creators, each once, in the order they first appear."""
        return list(dict.fromkeys(name for book in self.books for name in book.creators))

    @property
    def language(self) -> str:
        """The language most of its works are in."""
        return Counter(book.language for book in self.books).most_common(1)[0][0]

    @property
    def modified(self) -> dt.datetime:
        return max(book.modified for book in self.books)

    @property
    def words(self) -> int:
        return sum(book.words for book in self.books)

    @property
    def filename(self) -> str:
        return f"{slugify_title(self.title)}.epub"


def _x(text: str) -> str:
    return escape(text, quote=True)


def _title_page(series: SeriesBook, documents: _Documents) -> str:
    works = "".join(
        f"<li>{_x(book.title)} <span>by {_x(book.byline)}</span></li>" for book in series.books
    )
    stats = (
        f"Works: {len(series.books):,} · Words: {series.words:,} · "
        f"Complete: {'Yes' if series.complete else 'No'}"
    )
    body = (
        f'<section epub:type="titlepage">\n<h1 class="title">{_x(series.title)}</h1>\n'
        f'<p class="byline">by {_x(", ".join(series.creators))}</p>\n'
        f"{documents.module('summary', 'Description', series.summary)}"
        f"{documents.module('notes', 'Notes', series.notes)}"
        f'<dl class="meta"><dt>Stats:</dt><dd>{_x(stats)}</dd></dl>\n'
        f"<ol>{works}</ol>\n"
        f'<p class="source">Series at <a href="{_x(series.url)}">{_x(series.url)}</a>.</p>\n'
        "</section>"
    )
    return documents.page(series.title, body)


def _nav(series: SeriesBook, documents: _Documents, sections: list[list[tuple[str, str]]]) -> str:
    items = []
    for book, entries in zip(series.books, sections, strict=True):
        chapters = "".join(f'<li><a href="{href}">{_x(label)}</a></li>' for href, label in entries)
        items.append(f'<li><a href="{entries[0][0]}">{_x(book.title)}</a><ol>{chapters}</ol></li>')
    body = (
        '<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>'
        f'<li><a href="series.xhtml">{_x(series.title)}</a></li>{"".join(items)}</ol></nav>\n'
        '<nav epub:type="landmarks" hidden=""><h1>Landmarks</h1><ol>'
        '<li><a epub:type="titlepage" href="series.xhtml">Title Page</a></li>'
        f'<li><a epub:type="bodymatter" href="{sections[0][0][0]}">Start</a></li>'
        "</ol></nav>"
    )
    return documents.page("Contents", body)


def _metadata(series: SeriesBook, identifier: str) -> list[str]:
    subjects = dict.fromkeys(
        name for book in series.books for _, names in book.tags for name in names
    )
    meta = [
        f'<dc:identifier id="uid">{identifier}</dc:identifier>',
        f"<dc:title>{_x(series.title)}</dc:title>",
        f"<dc:language>{_x(series.language)}</dc:language>",
        *(f"<dc:creator>{_x(name)}</dc:creator>" for name in series.creators),
        f"<dc:date>{min(book.published for book in series.books).isoformat()}</dc:date>",
        f"<dc:source>{_x(series.url)}</dc:source>",
        *(f"<dc:subject>{_x(name)}</dc:subject>" for name in subjects),
        f'<meta property="dcterms:modified">{_stamp(series.modified)}</meta>',
    ]
    if series.summary.strip():
        meta.append(f"<dc:description>{_x(html_to_text(series.summary))}</dc:description>")
    return meta


def build_series_epub(series: SeriesBook) -> bytes:
    """The series' EPUB; `series.books` holds at least one work."""
    # The series' own pages are written in its main language; each work's in its own.
    lead = _Documents(replace(series.books[0], language=series.language))
    files: list[tuple[str, str]] = [("series.xhtml", _title_page(series, lead))]
    sections = []
    for number, book in enumerate(series.books, start=1):
        work_files, entries = book_files(_Documents(book), prefix=f"work-{number:03d}-")
        files += work_files
        sections.append(entries)
    identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, series.url)}"
    package = _package(series.language, _metadata(series, identifier), files)
    return zip_epub(package, _nav(series, lead, sections), files, series.modified)


def series_version(series: SeriesBook) -> str:
    """Changes whenever anything the series' file shows changes: which works are in it (as
    the reader may see them), any of their versions, the series' own fields."""
    digest = hashlib.sha256()
    for value in (
        str(series.series_id),
        series.title,
        series.summary,
        series.notes,
        repr(series.complete),
        *(f"{book.work_id}:{book_version(book)}" for book in series.books),
    ):
        digest.update(value.encode("utf-8"))
        digest.update(b"\x1f")
    return digest.hexdigest()[:20]


def series_url(series_id: int) -> str:
    return f"{settings.SITE_URL}{reverse('works:series', args=[series_id])}"
