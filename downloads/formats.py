"""The download formats, each a small class: its extension, media type and how to build it.

Built files are cached in <data dir>/downloads by the book's version, so a work is packaged
again only after something shown in it changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_properties import Display
from inscriptis.model.config import ParserConfig
from inscriptis.model.html_document_state import HtmlDocumentState
from inscriptis.model.html_element import HtmlElement
from inscriptis.model.tag import CustomHtmlTagHandlerMapping

from .book import Book, book_version
from .epub import build_epub


class Format:
    extension: ClassVar[str]
    media_type: ClassVar[str]
    label: ClassVar[str]
    # Too slow to build while a reader waits: built by a task (downloads.tasks).
    in_task: ClassVar[bool] = False

    def build(self, book: Book) -> bytes:
        raise NotImplementedError

    def write(self, book: Book, target: Path) -> None:
        """Write the file to `target`, a path in a scratch folder of its own."""
        target.write_bytes(self.build(book))


class Epub(Format):
    extension = "epub"
    media_type = "application/epub+zip"
    label = "EPUB"

    def build(self, book: Book) -> bytes:
        return build_epub(book)


class Html(Format):
    """One self-contained page: the styles inline, nothing loaded from elsewhere."""

    extension = "html"
    media_type = "text/html; charset=utf-8"
    label = "HTML"

    def build(self, book: Book) -> bytes:
        return render_to_string("downloads/work.html", {"book": book}).encode("utf-8")


def _scene_break(state: HtmlDocumentState, _attributes: dict) -> None:
    # A rule is how authors mark a scene break; a reader of the text still needs to see one.
    state.tags[-1].canvas.write(state.tags[-1], "* * *")


def _block(tag: str, **layout: int) -> HtmlElement:
    return HtmlElement(tag, display=Display.block, margin_before=1, margin_after=1, **layout)


_TEXT_CSS = dict(CSS_PROFILES["strict"])
_TEXT_CSS.update(
    blockquote=_block("blockquote", padding_inline=4),
    hr=_block("hr"),
    pre=HtmlElement(
        "pre",
        display=Display.block,
        margin_before=1,
        margin_after=1,
        whitespace=CSS_PROFILES["strict"]["pre"].whitespace,
    ),
    table=_block("table"),
)
_TEXT_CONFIG = ParserConfig(
    css=_TEXT_CSS,
    display_images=True,
    custom_html_tag_handler_mapping=CustomHtmlTagHandlerMapping(
        start_tag_mapping={"hr": _scene_break}, end_tag_mapping={}
    ),
)


def html_to_plain_text(markup: str) -> str:
    """Stored HTML laid out as text: paragraphs apart by a blank line, line breaks kept, list
    items bulleted or numbered, quotes indented, scene breaks shown, images by their description."""
    if not markup.strip():
        return ""
    return get_text(markup, _TEXT_CONFIG).strip("\n")


class Text(Format):
    extension = "txt"
    media_type = "text/plain; charset=utf-8"
    label = "Plain text"

    def build(self, book: Book) -> bytes:
        rule = "=" * 60

        def section(heading: str, stored_html: str) -> list[str]:
            text = html_to_plain_text(stored_html)
            return [f"{heading}:", "", text, ""] if text else []

        lines = [book.title, f"by {book.byline}"]
        if book.gifts:
            lines.append(f"For {', '.join(book.gifts)}.")
        lines += ["", book.url, ""]
        lines += [f"{label}: {', '.join(names)}" for label, names in book.tags]
        lines.append(f"Language: {book.language_name}")
        if book.series:
            lines.append(f"Series: {', '.join(line.text for line in book.series)}")
        lines.append(f"Published: {book.published.isoformat()}")
        if book.updated:
            lines.append(
                f"{'Completed' if book.completed else 'Updated'}: {book.updated.isoformat()}"
            )
        lines += [f"Words: {book.words:,}", f"Chapters: {book.chapters_display}"]
        lines += [f"{label}: {value:,}" for label, value in book.stats]
        lines.append("")
        lines += section("Summary", book.summary) + section("Notes", book.notes)
        for part in book.parts:
            lines += [rule, part.heading, rule, ""]
            lines += section("Chapter Summary", part.summary)
            lines += section("Chapter Notes", part.notes)
            lines += [html_to_plain_text(part.body), ""]
            lines += section("Chapter End Notes", part.end_notes)
        if book.end_notes.strip():
            lines += [rule, "", *section("End Notes", book.end_notes)]
        return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


class ConversionFailed(Exception):
    pass


# A conversion still running after this is stuck; Calibre takes seconds for a long work.
CONVERSION_TIMEOUT = 300


class Converted(Format):
    """Made from the work's EPUB by Calibre's `ebook-convert`, when the archive has Calibre.
    A conversion takes a second or more, so it runs in a task (`downloads.builds`)."""

    in_task = True

    def build(self, book: Book) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / f"book.{self.extension}"
            self.write(book, target)
            return target.read_bytes()

    def write(self, book: Book, target: Path) -> None:
        converter = shutil.which("ebook-convert")
        if converter is None:
            raise ConversionFailed("Calibre's ebook-convert is not installed.")
        environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        if os.geteuid() == 0:
            # Calibre's PDF engine (Chromium) refuses to run as root inside its sandbox.
            environment["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        # ebook-convert picks the output format by the target's extension.
        source = target.with_name("book.epub")
        source.write_bytes(build_epub(book))
        try:
            subprocess.run(  # noqa: S603  # Calibre from PATH on files we wrote
                [converter, str(source), str(target)],
                env=environment,
                capture_output=True,
                timeout=CONVERSION_TIMEOUT,
                check=True,
            )
        except subprocess.CalledProcessError as error:
            detail = error.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise ConversionFailed(
                f"ebook-convert exited with status {error.returncode}"
                + (f": {detail[0][:300]}" if detail else "")
            ) from error
        except subprocess.TimeoutExpired as error:
            raise ConversionFailed(
                f"ebook-convert took longer than {CONVERSION_TIMEOUT} seconds"
            ) from error
        except OSError as error:
            raise ConversionFailed(f"ebook-convert could not run: {error}") from error
        if not target.is_file():
            raise ConversionFailed("ebook-convert finished without writing the file")


class Azw3(Converted):
    extension = "azw3"
    media_type = "application/vnd.amazon.ebook"
    label = "AZW3"


class Mobi(Converted):
    extension = "mobi"
    media_type = "application/x-mobipocket-ebook"
    label = "MOBI"


class Pdf(Converted):
    extension = "pdf"
    media_type = "application/pdf"
    label = "PDF"


FORMATS: dict[str, Format] = {fmt.extension: fmt for fmt in (Epub(), Html(), Text())}
CONVERTED: dict[str, Format] = {fmt.extension: fmt for fmt in (Azw3(), Mobi(), Pdf())}


def available_formats() -> dict[str, Format]:
    """The formats this archive offers: its own, and Calibre's where Calibre is installed."""
    if shutil.which("ebook-convert"):
        return FORMATS | CONVERTED
    return FORMATS


def cache_dir() -> Path:
    return Path(settings.DATA_DIR) / "downloads"


def cached_file(book: Book, fmt: Format) -> Path:
    """Where this version of `book` in `fmt` is (or will be) kept."""
    return cache_dir() / str(book.work_id) / f"{book_version(book)}.{fmt.extension}"


def scratch_prefix(fmt: Format) -> str:
    return f"{fmt.extension}-"


def built_file(book: Book, fmt: Format) -> Path:
    """The path of `book` in `fmt`, built now unless this version is already cached."""
    path = cached_file(book, fmt)
    if not path.exists():
        _build_into(path, lambda target: fmt.write(book, target), scratch_prefix(fmt))
    return path


def _build_into(path: Path, write: Callable[[Path], object], prefix: str) -> None:
    """Write a file to `path` with `write`, keeping only the few newest other versions beside
    it. Built in a scratch folder beside the cache and renamed into place, so a reader never
    gets half a file; the folder goes whether the build worked or not."""
    folder = path.parent
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=prefix, suffix=".part") as scratch:
        target = Path(scratch) / f"book{path.suffix}"
        # One file serves every reader: it is written in AO3's English (its numbers too),
        # whatever language the request that built it was in.
        with translation.override("en"):
            write(target)
        os.replace(target, path)
    others = [old for old in folder.glob(f"*{path.suffix}") if old != path and old.is_file()]
    others.sort(key=_modified, reverse=True)
    for old in others[VERSIONS_KEPT - 1 :]:
        old.unlink(missing_ok=True)


# Versions of one book kept side by side: readers may see it differently (a guest's "Part 2"
# is a member's "Part 3" when a restricted part comes first; a series book holds the parts its
# reader may see), and each should stay cached rather than replace the others'. A change to
# the work itself drops them all (`drop_built_files`).
VERSIONS_KEPT = 4


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def series_cache_dir() -> Path:
    return cache_dir() / "series"


def built_series_file(series_id: int, version: str, build: Callable[[], bytes]) -> Path:
    """The whole-series EPUB of this version, built now with `build` unless it is cached.
    The version names the works in it, so readers who may see different parts get different
    files, and a change to any part makes a new one."""
    path = series_cache_dir() / str(series_id) / f"{version}.epub"
    if not path.exists():
        _build_into(path, lambda target: target.write_bytes(build()), "epub-")
    return path


def cached_series_ids() -> list[int]:
    try:
        return [
            int(entry.name) for entry in os.scandir(series_cache_dir()) if entry.name.isdecimal()
        ]
    except FileNotFoundError:
        return []


def forget_series(series_id: int) -> None:
    shutil.rmtree(series_cache_dir() / str(series_id), ignore_errors=True)


def forget_work(work_id: int) -> None:
    """Remove a work's cached files (when it is deleted)."""
    folder = cache_dir() / str(work_id)
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)


def drop_built_files(work_id: int) -> None:
    """Remove a changed work's finished files and failure records: they are of a version no
    reader will ask for again. A build under way (its scratch folder, its lock) is left to
    finish, since the worker running it holds them."""
    folder = cache_dir() / str(work_id)
    if not folder.is_dir():
        return
    extensions = {fmt.extension for fmt in (*FORMATS.values(), *CONVERTED.values())}
    for path in folder.iterdir():
        suffix = path.name.removesuffix(".failed").rpartition(".")[2]
        if path.is_file() and not path.name.startswith(".") and suffix in extensions:
            path.unlink(missing_ok=True)


def cached_work_ids() -> list[int]:
    """The works with a cache folder: those ever downloaded since they last changed."""
    try:
        return [int(entry.name) for entry in os.scandir(cache_dir()) if entry.name.isdecimal()]
    except FileNotFoundError:
        return []
