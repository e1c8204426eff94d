"""A work's public numbers (`WorkStats`), changed in the transaction that changes what they
count. Hits live in `HitCount` shards and are summed when read."""

from __future__ import annotations

from django.db.models import F

from lifestream.core.changes import WorkStatsChanged, announce

from .models import WorkStats

STAT_FIELDS = ("kudos_count", "comments_count", "bookmarks_count", "subscriptions_count")


def adjust_stats(work_id: int, **deltas: int) -> None:
    """Add `deltas` (e.g. `kudos_count=1`) to a work's numbers, and announce it: the filter index
    re-reads the work, so sorting by kudos or comments is right at once."""
    unknown = set(deltas) - set(STAT_FIELDS)
    if unknown:
        raise ValueError(f"not a work stat: {sorted(unknown)}")
    WorkStats.objects.get_or_create(work_id=work_id)
    WorkStats.objects.filter(work_id=work_id).update(
        **{name: F(name) + delta for name, delta in deltas.items() if delta}
    )
    announce(WorkStatsChanged(work_id))
