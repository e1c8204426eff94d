"""`/downloads/ID/TITLE.FORMAT` (AO3's scheme; `?updated_at=` is accepted and ignored), for the
site's session or the API token an e-reader app sends with the catalogue's links."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from access.getters import get_series_for_reader, get_work_for_download
from access.visibility import Access, download_access, released_q
from lifestream.core.errors import LoginRequired
from lifestream.middleware import LOGIN_REQUIRED_MESSAGE
from works.models import Chapter, Work
from works.series_queries import places_of_work, visible_works_of_series

from .access import reader, unauthorized
from .book import Book, make_book, series_lines
from .builds import BuildFailed, wait_for_build
from .formats import Format, available_formats, built_file, built_series_file, cached_file
from .series_epub import (
    SERIES_BOOK_WORDS_MAX,
    SeriesBook,
    build_series_epub,
    series_url,
    series_version,
)
from .tasks import queue_build

logger = logging.getLogger(__name__)

# How long the "being prepared" page waits before asking again, and what a tool is told to.
RETRY_SECONDS = 5


def is_browser(request: HttpRequest) -> bool:
    """A person in a browser, who can be shown a page while the file is made. Download tools,
    e-reader apps and API clients don't ask for HTML, or send an API token: they must be given
    the file itself or an error, never a page saved under the book's name."""
    if "Authorization" in request.headers:
        return False
    return any(
        media.main_type == "text" and media.sub_type == "html" for media in request.accepted_types
    )


def download(request: HttpRequest, work_id: int, filename: str) -> HttpResponseBase:
    _stem, dot, extension = filename.rpartition(".")
    fmt = available_formats().get(extension.lower()) if dot else None
    if fmt is None:
        raise Http404(_("No such download format."))
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    try:
        work, chapters = get_work_for_download(viewer, work_id)
    except LoginRequired:
        messages.info(request, LOGIN_REQUIRED_MESSAGE)
        return redirect_to_login(request.get_full_path())
    places = places_of_work(viewer, work)
    book = make_book(
        work, chapters, series_lines((p.series.pk, p.number, p.series.title) for p in places)
    )
    if not fmt.in_task:
        path = built_file(book, fmt)
    else:
        path = cached_file(book, fmt)
        try:
            if not path.exists():
                queue_build(book, fmt)
            browser = is_browser(request)
            waited = _wait(book, fmt, 0 if browser else settings.DOWNLOAD_WAIT_SECONDS)
        except BuildFailed as error:
            logger.warning("Download of work %s as %s failed: %s", work.pk, fmt.extension, error)
            return _failed(request, work, fmt)
        if waited is None:
            return _not_ready(request, work, fmt, browser)
        path = waited
    file_response = FileResponse(
        path.open("rb"),
        content_type=fmt.media_type,
        as_attachment=True,
        filename=f"{book.filename_stem}.{fmt.extension}",
    )
    # Restricted works are for registered readers: no shared cache may keep a copy.
    file_response["Cache-Control"] = "private, no-cache" if work.restricted else "public, max-age=0"
    return file_response


# A waiting download holds one of the server's threads; only a few may wait at once in each
# process, so that tools fetching unbuilt books can't take every thread from the readers.
_WAITING = threading.BoundedSemaphore(max(settings.DOWNLOAD_WAITERS, 1))


def _wait(book: Book, fmt: Format, seconds: float) -> Path | None:
    """The built file, waiting up to `seconds` if a waiting place is free (else not at all)."""
    if seconds <= 0 or not _WAITING.acquire(blocking=False):
        return wait_for_build(book, fmt, 0)
    try:
        return wait_for_build(book, fmt, seconds)
    finally:
        _WAITING.release()


def _unavailable(
    request: HttpRequest,
    browser: bool,
    template: str,
    context: dict[str, object],
    text: str,
    status: int,
) -> HttpResponse:
    """A download that is not the file: a page for a browser, one line of text for a tool
    (which must not save it as the book), and never kept by a cache."""
    if browser:
        response = render(request, template, context, status=status)
    else:
        response = HttpResponse(
            text + "\n", status=status, content_type="text/plain; charset=utf-8"
        )
    response["Cache-Control"] = "no-store"
    return response


def _not_ready(request: HttpRequest, work: Work, fmt: Format, browser: bool) -> HttpResponse:
    response = _unavailable(
        request,
        browser,
        "downloads/preparing.html",
        {"work": work, "format": fmt, "retry": RETRY_SECONDS},
        _("The %(format)s of this work is still being made; ask again in %(seconds)d seconds.")
        % {"format": fmt.label, "seconds": RETRY_SECONDS},
        status=202 if browser else 503,
    )
    response["Retry-After"] = str(RETRY_SECONDS)
    return response


def _failed(request: HttpRequest, work: Work, fmt: Format) -> HttpResponse:
    message = _(
        "Lifestream could not make the %(format)s of this work: the conversion failed. "
        "The EPUB, HTML and text downloads still work; this one is tried again in a while."
    ) % {"format": fmt.label}
    return _unavailable(
        request,
        is_browser(request),
        "downloads/failed.html",
        {"work": work, "format": fmt, "message": message},
        message,
        status=500,
    )


def series_download(request: HttpRequest, series_id: int, filename: str) -> HttpResponseBase:
    """`/downloads/series/ID/TITLE.epub`: the series' works that the reader may download, in
    series order, as one EPUB, built once per version of the series as this reader sees it."""
    if not filename.lower().endswith(".epub"):
        raise Http404(_("A whole series downloads as EPUB."))
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    try:
        series = get_series_for_reader(viewer, series_id)
    except LoginRequired:
        messages.info(request, LOGIN_REQUIRED_MESSAGE)
        return redirect_to_login(request.get_full_path())
    works = [
        work
        for work in visible_works_of_series(viewer, series)
        if download_access(viewer, work) is Access.READ
    ]
    if not works:
        raise Http404(_("This series has no works you can download yet."))
    chapters: dict[int, list[Chapter]] = {work.pk: [] for work in works}
    released = Chapter.objects.filter(released_q(), work__in=works).order_by("work", "position")
    for chapter in released:
        chapters[chapter.work_id].append(chapter)
    book = SeriesBook(
        series_id=series.pk,
        title=series.title,
        url=series_url(series.pk),
        summary=series.summary,
        notes=series.notes,
        complete=series.complete,
        books=[make_book(work, chapters[work.pk]) for work in works],
    )
    if book.words > SERIES_BOOK_WORDS_MAX:
        message = (
            f"This series is too long for one file ({book.words:,} words; at most "
            f"{SERIES_BOOK_WORDS_MAX:,}). Download its works one by one from their pages."
        )
        return _unavailable(
            request,
            is_browser(request),
            "downloads/failed.html",
            {"work": None, "series": series, "message": message},
            message,
            status=422,
        )
    path = built_series_file(series.pk, series_version(book), lambda: build_series_epub(book))
    response = FileResponse(
        path.open("rb"),
        content_type="application/epub+zip",
        as_attachment=True,
        filename=book.filename,
    )
    restricted = any(work.restricted for work in works)
    response["Cache-Control"] = "private, no-cache" if restricted else "public, max-age=0"
    return response
