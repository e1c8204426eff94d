"""The change log: one append-only row per change to a work or a tag.

In-memory indexes (the filter bitmaps) read it to stay current without rescanning the archive.
Rows are only ever inserted, never updated, so posting never contends on a shared row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.utils import timezone


class ChangeLog(models.Model):
    class Kind(models.TextChoices):
        WORK = "work"
        TAG = "tag"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


# Indexes replay the log from the last change they applied; a week back is far more than any
# running process needs (one that slept longer simply rebuilds).
KEEP = dt.timedelta(days=7)
PRUNE_EVERY = 1000


def _log(kind: str, object_id: int) -> None:
    entry = ChangeLog.objects.create(kind=kind, object_id=object_id)
    if entry.pk % PRUNE_EVERY == 0:
        ChangeLog.objects.filter(created_at__lt=timezone.now() - KEEP).delete()


def log_work_change(work_id: int) -> None:
    _log(ChangeLog.Kind.WORK, work_id)


def log_tag_change(tag_id: int) -> None:
    _log(ChangeLog.Kind.TAG, tag_id)


def log_work_changes(work_ids: Iterable[int]) -> None:
    """One row per work in one statement: a pseud rename touches all of its works."""
    entries = ChangeLog.objects.bulk_create(
        [
            ChangeLog(kind=ChangeLog.Kind.WORK, object_id=work_id)
            for work_id in sorted(set(work_ids))
        ]
    )
    ids = [entry.pk for entry in entries if entry.pk is not None]
    # Pruned as often as one row at a time would be: whenever the ids pass a multiple.
    if ids and (min(ids) - 1) // PRUNE_EVERY != max(ids) // PRUNE_EVERY:
        ChangeLog.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
