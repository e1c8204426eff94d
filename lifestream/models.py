"""The change log: one append-only row per change to a work or a tag.

In-memory indexes (the filter bitmaps) read it to stay current without rescanning the archive.
Rows are only ever inserted, never updated, so posting never contends on a shared row."""

from __future__ import annotations

from django.db import models


class ChangeLog(models.Model):
    class Kind(models.TextChoices):
        WORK = "work"
        TAG = "tag"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


def log_work_change(work_id: int) -> None:
    ChangeLog.objects.create(kind=ChangeLog.Kind.WORK, object_id=work_id)


def log_tag_change(tag_id: int) -> None:
    ChangeLog.objects.create(kind=ChangeLog.Kind.TAG, object_id=tag_id)
