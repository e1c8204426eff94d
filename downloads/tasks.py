"""Background jobs of downloads: building the formats too slow for a request."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django_tasks import task

from access.visibility import released_q
from works.models import Work
from works.queries import listing

from .book import Book, book_version, make_book, series_lines
from .builds import BuildFailed, build_once, failure
from .formats import CONVERSION_TIMEOUT, CONVERTED, Format, cached_file

logger = logging.getLogger(__name__)


@task()
def build_download(
    work_id: int, extension: str, series: list[tuple[int, int, str]] | None = None
) -> None:
    """Build and cache a posted work in a Calibre format, with the `series` lines (id, number,
    title) its reader saw. The page that queued it checked the reader's access; a work deleted
    or unposted since is skipped, and a chapter not yet released is left out as it was there."""
    work = listing(Work.objects.filter(pk=work_id, posted=True)).first()
    fmt = CONVERTED.get(extension)
    if work is None or fmt is None:
        return
    chapters = list(work.chapters.filter(released_q()).order_by("position"))
    try:
        build_once(make_book(work, chapters, series_lines(series or [])), fmt)
    except BuildFailed:
        logger.exception("Could not build %s of work %s", extension, work_id)


def queue_build(book: Book, fmt: Format) -> None:
    """Ask a worker to build this version of `book`, unless it is built, failed recently, or was
    asked for already (a reader's page asks again every few seconds while it waits)."""
    if cached_file(book, fmt).exists() or failure(book, fmt) is not None:
        return
    key = f"downloads:queued:{book.work_id}:{book_version(book)}:{fmt.extension}"
    # As long as a queued build may take to run or time out; then it is asked for again, in
    # case the worker lost it.
    if cache.add(key, True, timeout=CONVERSION_TIMEOUT):
        places = [(line.series_id, line.number, line.title) for line in book.series]
        build_download.enqueue(book.work_id, fmt.extension, places)


@task()
def build_account_export(export_id: int) -> None:
    """Make one account's "Download my data" zip (`downloads.account_export`)."""
    from .account_export import build, mark_failed

    try:
        build(export_id)
    except Exception:
        logger.exception("Could not make data export %s", export_id)
        mark_failed(export_id)
        raise
