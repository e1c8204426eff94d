"""A work's public numbers as pages and the API show them, read from what `works.queries`
prefetched (the `stats` row and the hit shards), so a listing never asks once per work."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Lower

from people.models import User
from works.models import Creatorship, Work

from ..models import HitCount


@dataclass(frozen=True)
class Numbers:
    kudos: int = 0
    comments: int = 0
    bookmarks: int = 0
    subscriptions: int = 0
    hits: int = 0


def hit_totals(work_ids: Iterable[int]) -> dict[int, int]:
    """Each work's hits (the sum of its shards), in one query."""
    rows = (
        HitCount.objects.filter(work_id__in=list(work_ids))
        .values("work_id")
        .annotate(total=Sum("count"))
        .values_list("work_id", "total")
    )
    return {work_id: int(total or 0) for work_id, total in rows}


def numbers_of(work: Work) -> Numbers:
    """`work`'s numbers, from what its query loaded (the stats row joined, the hit shards
    prefetched: `access.getters.with_blurb_data`, which every listing and work page uses). It
    never queries, so the template tag that shows them only formats; a work loaded without
    them is a mistake in the view, and says so."""
    prefetched = getattr(work, "_prefetched_objects_cache", {}).get("hit_counts")
    if "stats" not in work._state.fields_cache or prefetched is None:
        raise ValueError(
            f"Work {work.pk} was loaded without its numbers: load it with with_blurb_data."
        )
    stats = work._state.fields_cache["stats"]
    hits = sum(row.count for row in prefetched)
    if stats is None:
        return Numbers(hits=hits)
    return Numbers(
        kudos=stats.kudos_count,
        comments=stats.comments_count,
        bookmarks=stats.bookmarks_count,
        subscriptions=stats.subscriptions_count,
        hits=hits,
    )


# Columns of the creator statistics page: the name in `?sort=` and what it orders by.
STATS_SORTS = {
    "title": "title_key",
    "date": "published_on",
    "words": "word_count",
    "hits": "hits_total",
    "kudos": "kudos_total",
    "comments": "comments_total",
    "bookmarks": "bookmarks_total",
    "subscriptions": "subscriptions_total",
}


@dataclass
class CreatorStats:
    works: Sequence[Work]
    totals: Numbers
    words: int


def creator_stats(owner: User, sort: str = "hits", descending: bool = True) -> CreatorStats:
    """The numbers of each posted work `owner` is credited on, and their totals, sorted by
    one column, in one query. Only ever shown to the owner."""
    hits = (
        HitCount.objects.filter(work_id=OuterRef("pk"))
        .values("work_id")
        .annotate(total=Sum("count"))
        .values("total")
    )
    zero = Value(0)
    works = (
        Work.objects.filter(
            posted=True, pk__in=Creatorship.objects.filter(pseud__user=owner).values("work_id")
        )
        .annotate(
            hits_total=Coalesce(Subquery(hits), zero),
            kudos_total=Coalesce(F("stats__kudos_count"), zero),
            comments_total=Coalesce(F("stats__comments_count"), zero),
            bookmarks_total=Coalesce(F("stats__bookmarks_count"), zero),
            subscriptions_total=Coalesce(F("stats__subscriptions_count"), zero),
            title_key=Lower("title"),
        )
        .only("id", "title", "word_count", "published_on", "restricted")
    )
    column = STATS_SORTS.get(sort, "hits")
    key = F(column).desc() if descending else F(column).asc()
    rows = list(works.order_by(key, "-id"))
    totals = Numbers(
        kudos=sum(w.kudos_total for w in rows),
        comments=sum(w.comments_total for w in rows),
        bookmarks=sum(w.bookmarks_total for w in rows),
        subscriptions=sum(w.subscriptions_total for w in rows),
        hits=sum(w.hits_total for w in rows),
    )
    return CreatorStats(works=rows, totals=totals, words=sum(w.word_count for w in rows))
