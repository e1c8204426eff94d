"""EPUB 3 written directly (no converter on the request path): a title page with the work's
metadata, one document per chapter with its notes, the end notes, and a navigation document.
Every book passes W3C epubcheck (tests/test_downloads.py runs it)."""

from __future__ import annotations

import datetime as dt
import io
import uuid
import zipfile
from html import escape

from django.conf import settings

from lifestream.core.text import html_to_text, without_controls

from .book import Book, Part
from .xhtml import to_xhtml

STYLESHEET = """\
body { font-family: serif; line-height: 1.4; margin: 0 0.5em; }
h1, h2, h3 { font-family: sans-serif; line-height: 1.2; }
h1.title { text-align: center; margin-top: 2em; }
p.byline { text-align: center; font-style: italic; }
dl.meta dt { font-weight: bold; margin-top: 0.4em; }
dl.meta dd { margin-left: 1.5em; }
div.notes, div.summary { border-left: 2px solid #999; margin: 1em 0; padding-left: 0.8em; }
div.userstuff p { margin: 0 0 0.8em 0; }
.center, .align-center { text-align: center; }
.align-right { text-align: right; }
.align-justify { text-align: justify; }
.big { font-size: larger; }
p.source { font-size: smaller; }
"""


def _x(text: str) -> str:
    return escape(text, quote=True)


class _Documents:
    """The XHTML documents of one book, written with the book's language."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self.base = settings.SITE_URL

    def page(self, title: str, body: str) -> str:
        lang = _x(self.book.language)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml" '
            'xmlns:epub="http://www.idpf.org/2007/ops" '
            f'xml:lang="{lang}" lang="{lang}">\n<head>\n<meta charset="UTF-8"/>\n'
            f"<title>{_x(title)}</title>\n"
            '<link rel="stylesheet" type="text/css" href="style.css"/>\n</head>\n'
            f"<body>\n{body}\n</body>\n</html>\n"
        )

    def userstuff(self, stored_html: str) -> str:
        return f'<div class="userstuff">{to_xhtml(stored_html, base_url=self.base)}</div>'

    def module(self, css_class: str, heading: str, stored_html: str) -> str:
        if not stored_html.strip():
            return ""
        return (
            f'<div class="{css_class}"><h3>{_x(heading)}</h3>{self.userstuff(stored_html)}</div>\n'
        )

    def title_page(self) -> str:
        book = self.book
        rows = [
            f"<dt>{_x(label)}:</dt><dd>{_x(', '.join(names))}</dd>" for label, names in book.tags
        ]
        rows.append(f"<dt>Language:</dt><dd>{_x(book.language_name)}</dd>")
        if book.series:
            places = ", ".join(
                f'Part {line.number} of <a href="{_x(line.url)}">{_x(line.title)}</a>'
                for line in book.series
            )
            rows.append(f"<dt>Series:</dt><dd>{places}</dd>")
        stats = [f"Published: {book.published.isoformat()}"]
        if book.updated:
            stats.append(
                f"{'Completed' if book.completed else 'Updated'}: {book.updated.isoformat()}"
            )
        stats += [f"Words: {book.words:,}", f"Chapters: {book.chapters_display}"]
        stats += [f"{label}: {value:,}" for label, value in book.stats]
        rows.append(f"<dt>Stats:</dt><dd>{_x(' · '.join(stats))}</dd>")
        gifts = f'<p class="gifts">For {_x(", ".join(book.gifts))}.</p>\n' if book.gifts else ""
        body = (
            f'<section epub:type="titlepage">\n<h1 class="title">{_x(book.title)}</h1>\n'
            f'<p class="byline">by {_x(book.byline)}</p>\n'
            f"{gifts}"
            f'<dl class="meta">{"".join(rows)}</dl>\n'
            f"{self.module('summary', 'Summary', book.summary)}"
            f"{self.module('notes', 'Notes', book.notes)}"
            f'<p class="source">Posted originally at <a href="{_x(book.url)}">{_x(book.url)}</a>.'
            "</p>\n</section>"
        )
        return self.page(book.title, body)

    def chapter(self, part: Part) -> str:
        body = (
            f'<section epub:type="chapter">\n<h2>{_x(part.heading)}</h2>\n'
            f"{self.module('summary', 'Summary', part.summary)}"
            f"{self.module('notes', 'Notes', part.notes)}"
            f"{self.userstuff(part.body)}\n"
            f"{self.module('notes end', 'Notes', part.end_notes)}"
            "</section>"
        )
        return self.page(part.heading, body)

    def afterword(self) -> str:
        body = (
            '<section epub:type="afterword">\n<h2>End Notes</h2>\n'
            f"{self.userstuff(self.book.end_notes)}\n</section>"
        )
        return self.page("End Notes", body)

    def nav(self, entries: list[tuple[str, str]]) -> str:
        items = "".join(f'<li><a href="{href}">{_x(label)}</a></li>' for href, label in entries)
        body = (
            f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>{items}</ol></nav>\n'
            '<nav epub:type="landmarks" hidden=""><h1>Landmarks</h1><ol>'
            '<li><a epub:type="titlepage" href="title.xhtml">Title Page</a></li>'
            f'<li><a epub:type="bodymatter" href="{entries[1][0]}">Start</a></li>'
            "</ol></nav>"
        )
        return self.page("Contents", body)


def book_metadata(book: Book, identifier: str) -> list[str]:
    """The package's metadata for one work."""
    meta = [
        f'<dc:identifier id="uid">{identifier}</dc:identifier>',
        f"<dc:title>{_x(book.title)}</dc:title>",
        f"<dc:language>{_x(book.language)}</dc:language>",
        *(f"<dc:creator>{_x(name)}</dc:creator>" for name in book.creators),
        f"<dc:date>{book.published.isoformat()}</dc:date>",
        f"<dc:source>{_x(book.url)}</dc:source>",
        *(f"<dc:subject>{_x(name)}</dc:subject>" for _, names in book.tags for name in names),
        f'<meta property="dcterms:modified">{_stamp(book.modified)}</meta>',
    ]
    if book.summary.strip():
        meta.append(f"<dc:description>{_x(html_to_text(book.summary))}</dc:description>")
    for index, line in enumerate(book.series, start=1):
        # EPUB 3's collection, which Apple Books, Thorium and KOReader read as the series.
        meta += [
            f'<meta property="belongs-to-collection" id="series-{index}">{_x(line.title)}</meta>',
            f'<meta refines="#series-{index}" property="collection-type">series</meta>',
            f'<meta refines="#series-{index}" property="group-position">{line.number}</meta>',
        ]
    if book.series:
        # Calibre (and the Kindle and Kobo books it makes) reads its own two fields, one series.
        first = book.series[0]
        meta += [
            f'<meta name="calibre:series" content="{_x(first.title)}"/>',
            f'<meta name="calibre:series_index" content="{first.number}"/>',
        ]
    return meta


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _package(language: str, meta: list[str], files: list[tuple[str, str]]) -> str:
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="style.css" media-type="text/css"/>',
        *(
            f'<item id="{name.removesuffix(".xhtml")}" href="{name}" '
            'media-type="application/xhtml+xml"/>'
            for name, _ in files
        ),
    ]
    spine = [f'<itemref idref="{name.removesuffix(".xhtml")}"/>' for name, _ in files]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" '
        f'xml:lang="{_x(language)}">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        + "\n".join(meta)
        + "\n</metadata>\n<manifest>\n"
        + "\n".join(manifest)
        + "\n</manifest>\n<spine>\n"
        + "\n".join(spine)
        + "\n</spine>\n</package>\n"
    )


CONTAINER = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
    '<rootfiles><rootfile full-path="EPUB/package.opf" '
    'media-type="application/oebps-package+xml"/></rootfiles>\n</container>\n'
)


def zip_epub(package: str, nav: str, files: list[tuple[str, str]], modified: dt.datetime) -> bytes:
    """The EPUB container: the package document, the navigation document and the XHTML
    `files`, dated `modified` (so the same book is the same bytes)."""
    stamp = modified.astimezone(dt.UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:

        def add(name: str, content: str, compress: bool = True) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            # Every file is XML: none may carry a control character an old text still holds.
            archive.writestr(info, without_controls(content).encode("utf-8"), compresslevel=6)

        # The mimetype comes first and uncompressed, so readers can recognise the file.
        add("mimetype", "application/epub+zip", compress=False)
        add("META-INF/container.xml", CONTAINER)
        add("EPUB/package.opf", package)
        add("EPUB/nav.xhtml", nav)
        add("EPUB/style.css", STYLESHEET)
        for name, content in files:
            add(f"EPUB/{name}", content)
    return buffer.getvalue()


def book_files(
    documents: _Documents, prefix: str = ""
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """One work's documents (title page, chapters, end notes) and their contents entries,
    their names starting with `prefix` (a series book holds several works)."""
    book = documents.book
    files: list[tuple[str, str]] = [(f"{prefix}title.xhtml", documents.title_page())]
    entries = [(f"{prefix}title.xhtml", "Title Page")]
    for part in book.parts:
        name = f"{prefix}chapter-{part.number:04d}.xhtml"
        files.append((name, documents.chapter(part)))
        entries.append((name, part.heading))
    if book.end_notes.strip():
        files.append((f"{prefix}afterword.xhtml", documents.afterword()))
        entries.append((f"{prefix}afterword.xhtml", "End Notes"))
    return files, entries


def build_epub(book: Book) -> bytes:
    documents = _Documents(book)
    files, entries = book_files(documents)
    identifier = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, book.url)}"
    package = _package(book.language, book_metadata(book, identifier), files)
    return zip_epub(package, documents.nav(entries), files, book.modified)
