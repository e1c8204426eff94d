"""What the downloads cache does when works change (consumers of the change feed, run after the
commit): a deleted work's files go, and a changed work's files, which are of a version no reader
will be served again. Files are named by the book's version, so a file left behind is never
served stale; dropping them keeps the data dir from growing with every edit, kudos and rename."""

from __future__ import annotations

from lifestream.core.changes import (
    PseudRenamed,
    TagsChanged,
    WorkChanged,
    WorkDeleted,
    WorkStatsChanged,
)
from works.models import Creatorship, Series, Work

from .formats import (
    cached_series_ids,
    cached_work_ids,
    drop_built_files,
    forget_series,
    forget_work,
)

# Ids per query: the cache may hold more works than a database takes parameters at once.
CHUNK = 500


def work_changed(change: WorkChanged | WorkStatsChanged) -> None:
    drop_built_files(change.work_id)
    forget_deleted_series()


def work_deleted(change: WorkDeleted) -> None:
    forget_work(change.work_id)
    forget_deleted_series()


def forget_deleted_series() -> None:
    """Drop the whole-series files of series deleted since (deleting one changes its works).
    A changed series' old file goes when its new version is built; none is served stale."""
    cached = cached_series_ids()
    for start in range(0, len(cached), CHUNK):
        chunk = cached[start : start + CHUNK]
        alive = set(Series.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        for series_id in set(chunk) - alive:
            forget_series(series_id)


# Only works with files in the cache are asked about, so a tag on every work costs what the
# cache holds, not what the archive does.


def tags_changed(change: TagsChanged) -> None:
    cached = cached_work_ids()
    for start in range(0, len(cached), CHUNK):
        links = Work.tags.through.objects.filter(
            tag_id__in=change.tag_ids, work_id__in=cached[start : start + CHUNK]
        )
        for work_id in set(links.values_list("work_id", flat=True)):
            drop_built_files(work_id)


def pseud_renamed(change: PseudRenamed) -> None:
    cached = cached_work_ids()
    for start in range(0, len(cached), CHUNK):
        credits = Creatorship.objects.filter(
            pseud_id=change.pseud_id, work_id__in=cached[start : start + CHUNK]
        )
        for work_id in set(credits.values_list("work_id", flat=True)):
            drop_built_files(work_id)
