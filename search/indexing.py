"""Keeping the text index current. It hears of changes from the change feed
(`lifestream.core.changes`), once the writing transaction has committed, so a posted or edited
chapter is searchable at once and a rolled-back change never reaches the index. A work that
became a draft or was deleted is removed.

A change that touches many works at once (a tag renamed or merged, a pseud renamed) is indexed
by a task, so the wrangler's or author's request doesn't wait for thousands of works."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction

from lifestream.core.changes import PseudRenamed, TagsChanged, WorkChanged, WorkDeleted
from works.models import Creatorship, Work

from .text import index_works

logger = logging.getLogger(__name__)

# More works than this are indexed by a task rather than in the request that changed them.
INLINE_MAX = 50


def _reindex(work_ids: list[int]) -> None:
    index_works(work_ids)


def schedule_reindex(work_id: int) -> None:
    """Reindex `work_id` after the current transaction commits (at once outside one)."""
    schedule_reindex_works([work_id])


def schedule_reindex_works(work_ids: Iterable[int]) -> None:
    """The same for many works, for tools and tests that change rows outside the services."""
    ids = sorted(set(work_ids))
    if ids:
        # robust: the user's change is committed already; a failure to index must not turn it
        # into an error page. Django logs it, and `rebuild_search_index` repairs the index.
        transaction.on_commit(partial(_reindex, ids), robust=True)


def works_tagged(tag_ids: Iterable[int]) -> list[int]:
    return sorted(
        set(
            Work.tags.through.objects.filter(tag_id__in=list(tag_ids)).values_list(
                "work_id", flat=True
            )
        )
    )


def works_of_pseud(pseud_id: int) -> list[int]:
    return sorted(
        set(Creatorship.objects.filter(pseud_id=pseud_id).values_list("work_id", flat=True))
    )


# --- consumers of the change feed (after commit) ----------------------------------------------


def work_changed(change: WorkChanged | WorkDeleted) -> None:
    _reindex([change.work_id])


def tags_changed(change: TagsChanged) -> None:
    work_ids = works_tagged(change.tag_ids)
    if len(work_ids) <= INLINE_MAX:
        _reindex(work_ids)
    else:
        from .tasks import reindex_tagged_works

        reindex_tagged_works.enqueue(list(change.tag_ids))


def pseud_renamed(change: PseudRenamed) -> None:
    work_ids = works_of_pseud(change.pseud_id)
    if len(work_ids) <= INLINE_MAX:
        _reindex(work_ids)
    else:
        from .tasks import reindex_pseud_works

        reindex_pseud_works.enqueue(change.pseud_id)
