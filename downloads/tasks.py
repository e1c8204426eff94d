"""Background jobs of downloads: building the formats too slow for a request."""

from __future__ import annotations

import logging

from django_tasks import task

from works.models import Work
from works.queries import listing

from .book import make_book
from .formats import CONVERTED, ConversionFailed, built_file

logger = logging.getLogger(__name__)


@task()
def build_download(work_id: int, extension: str) -> None:
    """Build and cache a posted work in a Calibre format. The page that queued it checked the
    reader's access; a work deleted or unposted since is skipped."""
    work = listing(Work.objects.filter(pk=work_id, posted=True)).first()
    fmt = CONVERTED.get(extension)
    if work is None or fmt is None:
        return
    chapters = list(work.chapters.filter(posted=True).order_by("position"))
    try:
        built_file(make_book(work, chapters), fmt)
    except ConversionFailed:
        logger.exception("Could not build %s of work %s", extension, work_id)
