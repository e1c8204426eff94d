"""Keeping the text index current. Services call `schedule_reindex` inside their transaction;
the work is indexed (or removed, if it became a draft or was deleted) when the transaction
commits, so a posted or edited chapter is searchable at once, and a rolled-back change never
reaches the index."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction

logger = logging.getLogger(__name__)


def _reindex(work_ids: list[int]) -> None:
    from .text import index_works

    index_works(work_ids)


def schedule_reindex(work_id: int) -> None:
    """Reindex `work_id` after the current transaction commits (at once outside one)."""
    schedule_reindex_works([work_id])


def schedule_reindex_works(work_ids: Iterable[int]) -> None:
    """The same for many works: after a tag rename or synonym change, a pseud rename."""
    ids = sorted(set(work_ids))
    if ids:
        # robust: the user's change is committed already; a failure to index must not turn it
        # into an error page. Django logs it, and `rebuild_search_index` repairs the index.
        transaction.on_commit(partial(_reindex, ids), robust=True)
