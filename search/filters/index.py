"""The filter index: tag filters, facet counts and sorting from memory.

Each process keeps, for every tag, a roaring bitmap of the works that carry it, and numpy arrays
of each work's numbers (words, chapters, dates, language, …) indexed by work id. It is built
from the database on first use and kept current by replaying the change log (`ChangeLog`)
before every query, so answers are exact even right after a post.

Each collection is one more facet: a bitmap of the works it lists (items approved by both
sides; a subcollection's works are its parent's too), kept current by the same change log
(the collections' services announce every work whose items changed).

It never decides visibility on its own: it starts from the set of works the viewer may list
(posted, or scheduled for a moment that has passed, and not hidden by a moderator nor in an
unrevealed collection; not restricted for guests) and the caller
fetches the page's works through `access.getters.visible_works`, so a stale index could only
show fewer works, never more.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import QuerySet, Sum
from django.utils import timezone
from pyroaring import BitMap

from access.visibility import ANONYMOUS, attributed_credits
from archive_collections.models import Collection, CollectionItem, approved_q
from feedback.models import HitCount, WorkStats
from lifestream.core.replica import primary
from lifestream.models import ChangeLog
from tags.models import Tag, TagKind
from works.languages import LANGUAGES
from works.models import Creatorship, Work

LANGUAGE_INDEX = {code: index for index, (code, _) in enumerate(LANGUAGES)}
WORK_FIELDS = (
    "pk",
    "posted",
    "restricted",
    "word_count",
    "chapter_count",
    "expected_chapters",
    "language",
    "revised_at",
    "created_at",
    "scheduled_for",
    "hidden_at",
    "in_unrevealed_collection",
    "unrevealed_until",
)
KIND_INDEX = {kind: index for index, kind in enumerate(TagKind.values)}
# The facets' key for collections (the others are tag kinds).
COLLECTION_FACET = "collection"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Rows loaded per round trip while building.
BATCH = 50_000
# Kudos, comments and bookmarks change through the change log (`feedback.stats.adjust_stats`);
# hits are too many for that, so their sums are re-read for the works hit since the last look,
# at most this often.
HITS_REFRESH_SECONDS = 60
# Re-read hits stamped this long before the last look too: a counter bumped just before the
# look may commit just after it.
HITS_OVERLAP = dt.timedelta(seconds=5)
STAT_COLUMNS = (
    ("kudos", "kudos_count"),
    ("comments", "comments_count"),
    ("bookmarks", "bookmarks_count"),
)


def _sorted_unique(values: np.ndarray) -> bool:
    return bool(len(values) < 2 or (np.diff(values) > 0).all())


def _ids(bitmap: BitMap) -> np.ndarray:
    return np.frombuffer(bitmap.to_array(), dtype=np.uint32).astype(np.int64)


@dataclass
class NumberRange:
    low: int | None = None
    high: int | None = None

    def narrowed(self, low: int | None, high: int | None) -> NumberRange:
        """The part of this range that also lies within `low`..`high` (None: unbounded)."""
        lows = [x for x in (self.low, low) if x is not None]
        highs = [x for x in (self.high, high) if x is not None]
        return NumberRange(max(lows) if lows else None, min(highs) if highs else None)

    def mask(self, values: np.ndarray) -> np.ndarray:
        keep = np.ones(len(values), dtype=bool)
        if self.low is not None:
            keep &= values >= self.low
        if self.high is not None:
            keep &= values <= self.high
        return keep


def _first_authors(creatorships: QuerySet[Creatorship]) -> list[tuple[int, str]]:
    """(work id, first creator's name) for author order; an anonymous work sorts as
    "Anonymous", not next to its creator's other works."""
    rows = creatorships.values_list("work_id", "pseud__name", "work__anonymous")
    return [(work_id, ANONYMOUS if anonymous else name) for work_id, name, anonymous in rows]


@dataclass
class Filters:
    """What a listing asks for, in the index's terms (tag families already expanded)."""

    include: list[set[int]] = field(default_factory=list)  # each set: one family, AND between
    exclude: set[int] = field(default_factory=set)
    user_id: int | None = None
    pseud_id: int | None = None
    language: str | None = None
    complete: bool | None = None
    crossover: bool | None = None
    single_chapter: bool = False
    restricted: bool | None = None
    numbers: dict[str, NumberRange] = field(default_factory=dict)  # column name → range
    only_ids: np.ndarray | None = None  # e.g. the works a text query matched
    muted_user_ids: frozenset[int] = frozenset()  # the viewer's mutes: their works are left out
    collection_id: int | None = None  # the works a collection lists
    # The sidebar's collection facet: works every one of these lists, none of those.
    include_collections: list[int] = field(default_factory=list)
    exclude_collections: list[int] = field(default_factory=list)


@dataclass
class Results:
    count: int
    ids: np.ndarray
    page: int  # the page served (the last one when the one asked for is past the end)
    page_ids: list[int]
    facets: dict[str, list[tuple[int, int]]]  # kind → [(canonical tag id, count)] best first


SORT_COLUMNS = {
    "revised_at": "revised",
    "created_at": "created",
    "word_count": "words",
    "hits": "hits",
    "kudos_count": "kudos",
    "comments_count": "comments",
    "bookmarks_count": "bookmarks",
    "title_to_sort_on": "title_rank",
    "authors_to_sort_on": "author_rank",
}
NUMBER_COLUMNS = (
    "words",
    "chapters",
    "expected",
    "revised",
    "created",
    "hits",
    "kudos",
    "comments",
    "bookmarks",
    "title_rank",
    "author_rank",
    "fandoms",
    "relationships",
    "language",
)


class FilterIndex:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._built_for: str | None = None
        self._reset()

    # --- building and keeping current ------------------------------------------------------

    def _reset(self) -> None:
        self.built_max_id = 0
        self.last_change = 0
        self.last_stamp: dt.datetime | None = None
        self.hits_since: dt.datetime | None = None
        self.hits_checked_at = 0.0
        self.capacity = 0
        self.columns: dict[str, np.ndarray] = {}
        self.posted = BitMap()
        # Scheduled works by id, with their moment (epoch seconds): they join `posted` at the
        # first query after it, without waiting for the task that posts them.
        self.scheduled: dict[int, float] = {}
        self.next_release = float("inf")
        self.restricted = BitMap()
        self.complete = BitMap()
        self.by_tag: dict[int, BitMap] = defaultdict(BitMap)
        self.by_user: dict[int, BitMap] = defaultdict(BitMap)
        self.by_pseud: dict[int, BitMap] = defaultdict(BitMap)
        self.by_collection: dict[int, BitMap] = defaultdict(BitMap)
        self.work_collections: dict[int, set[int]] = defaultdict(set)
        # Each work's tags, users and pseuds as built (flat arrays with offsets by work id) …
        empty = (np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64))
        self.base_tags, self.base_users, self.base_pseuds = empty, empty, empty
        # … and for works changed since: their rows here, the built rows marked stale.
        self.overlay: dict[int, tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]] = {}
        self.stale = BitMap()
        self.tag_canonical = np.zeros(0, dtype=np.int64)
        self.tag_kind = np.zeros(0, dtype=np.int8)
        self._canonical_rows: tuple[np.ndarray, np.ndarray] | None = None
        self._facet_cache: dict[tuple, tuple[int, dict[str, list[tuple[int, int]]]]] = {}

    def _grow(self, max_id: int) -> None:
        if max_id < self.capacity:
            return
        capacity = max(1024, int((max_id + 1) * 1.25))
        for name in NUMBER_COLUMNS:
            old = self.columns.get(name, np.zeros(0, dtype=np.int64))
            grown = np.zeros(capacity, dtype=np.int64)
            grown[: len(old)] = old
            self.columns[name] = grown
        self.capacity = capacity

    def _database_key(self) -> str:
        # One index per database (tests switch databases; a process serves one in production).
        settings = connection.settings_dict
        return f"{connection.vendor}:{settings.get('NAME')}"

    def rebuild(self) -> None:
        """Load everything from the database, in batches, with vectorised bookkeeping. From the
        primary, with a read replica: the change log and the rows it names from one place."""
        with self.lock, primary():
            self._reset()
            self._built_for = self._database_key()
            last = ChangeLog.objects.order_by("-pk").values_list("pk", "created_at").first()
            self.last_change, self.last_stamp = last if last else (0, None)
            self._load_tags()
            self._mark_hits_read()
            max_id = Work.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            self.built_max_id = max_id
            self._grow(max_id)
            pairs: list[np.ndarray] = []
            credits: list[np.ndarray] = []
            for start in range(0, max_id + 1, BATCH):
                window = {"pk__gte": start, "pk__lt": start + BATCH}
                self._store_columns(list(Work.objects.filter(**window).values_list(*WORK_FIELDS)))
                self._store_stats(
                    WorkStats.objects.filter(work_id__gte=start, work_id__lt=start + BATCH),
                    HitCount.objects.filter(work_id__gte=start, work_id__lt=start + BATCH),
                )
                links = Work.tags.through.objects.filter(
                    work_id__gte=start, work_id__lt=start + BATCH
                ).values_list("work_id", "tag_id")
                pairs.append(np.array(list(links), dtype=np.int64).reshape(-1, 2))
                rows = attributed_credits(
                    work_id__gte=start, work_id__lt=start + BATCH
                ).values_list("work_id", "pseud__user_id", "pseud_id")
                credits.append(np.array(list(rows), dtype=np.int64).reshape(-1, 3))
            tag_pairs = np.concatenate(pairs) if pairs else np.zeros((0, 2), dtype=np.int64)
            credit_rows = np.concatenate(credits) if credits else np.zeros((0, 3), dtype=np.int64)
            size = max_id + 1
            self.base_tags = self._group(tag_pairs[:, 0], tag_pairs[:, 1], size, self.by_tag)
            self.base_users = self._group(credit_rows[:, 0], credit_rows[:, 1], size, self.by_user)
            self.base_pseuds = self._group(
                credit_rows[:, 0], credit_rows[:, 2], size, self.by_pseud
            )
            self._count_kinds_from_base()
            self._load_collections(None)
            self._rank_titles()
            # What was just built lives as long as the process: keep the garbage collector
            # from walking it again and again (its full passes were the slowest requests).
            gc.collect()
            gc.freeze()

    @staticmethod
    def _group(
        owners: np.ndarray, values: np.ndarray, size: int, bitmaps: dict[int, BitMap]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Rows of (work, value) → per-work offsets into a flat array, and per-value bitmaps."""
        order = np.lexsort((values, owners))
        owners, values = owners[order], values[order]
        offsets = np.zeros(size + 1, dtype=np.int64)
        offsets[1:] = np.cumsum(np.bincount(owners, minlength=size)[:size])
        by_value = np.argsort(values, kind="stable")
        grouped_values, grouped_owners = values[by_value], owners[by_value]
        cuts = np.flatnonzero(np.diff(grouped_values)) + 1
        for chunk_owners, chunk_values in zip(
            np.split(grouped_owners, cuts), np.split(grouped_values, cuts), strict=True
        ):
            if len(chunk_values):
                bitmaps[int(chunk_values[0])] = BitMap(chunk_owners.astype(np.uint32))
        return offsets, values

    def _store_columns(self, rows: list[tuple]) -> None:
        if not rows:
            return
        (
            pk,
            posted,
            restricted,
            words,
            chapters,
            expected,
            language,
            revised,
            created,
            due,
            hidden,
            unrevealed,
            reveal,
        ) = zip(*rows, strict=True)
        # A work hidden by a moderator, or in an unrevealed collection, is out of every
        # listing, as a draft is; one whose collections reveal it at a known moment comes in
        # then, as a scheduled work does.
        out = tuple(
            bool(at) or (mystery and until is None)
            for at, mystery, until in zip(hidden, unrevealed, reveal, strict=True)
        )
        due = tuple(
            max(moment or until, until)
            if mystery and until is not None and (live or moment)
            else moment
            for moment, mystery, until, live in zip(due, unrevealed, reveal, posted, strict=True)
        )
        posted = tuple(
            live and not (mystery and until is not None)
            for live, mystery, until in zip(posted, unrevealed, reveal, strict=True)
        )
        posted = tuple(is_posted and not gone for is_posted, gone in zip(posted, out, strict=True))
        due = tuple(None if gone else moment for moment, gone in zip(due, out, strict=True))
        ids = np.array(pk, dtype=np.int64)
        self._grow(int(ids.max()))
        columns = self.columns
        chapters_array = np.array(chapters, dtype=np.int64)
        expected_array = np.array([-1 if e is None else e for e in expected], dtype=np.int64)
        columns["words"][ids] = np.array(words, dtype=np.int64)
        columns["chapters"][ids] = chapters_array
        columns["expected"][ids] = expected_array
        columns["language"][ids] = [LANGUAGE_INDEX.get(code, -1) for code in language]
        columns["revised"][ids] = [int(moment.timestamp()) for moment in revised]
        columns["created"][ids] = [int(moment.timestamp()) for moment in created]
        as_bitmap = ids.astype(np.uint32)
        self.posted |= BitMap(as_bitmap[np.array(posted, dtype=bool)])
        for work_id, is_posted, moment in zip(pk, posted, due, strict=True):
            if not is_posted and moment is not None:
                self.scheduled[work_id] = moment.timestamp()
                self.next_release = min(self.next_release, moment.timestamp())
        self.restricted |= BitMap(as_bitmap[np.array(restricted, dtype=bool)])
        done = (expected_array >= 0) & (chapters_array >= expected_array)
        self.complete |= BitMap(as_bitmap[done])

    def _store_stats(self, stats: QuerySet[WorkStats], hits: QuerySet[HitCount]) -> None:
        """The kudos, comments, bookmarks and hits of the works those querysets cover (works
        without a row keep their zeros, or get them back if they had numbers before)."""
        names = [field for _, field in STAT_COLUMNS]
        for work_id, *values in stats.values_list("work_id", *names):
            if work_id < self.capacity:
                for (column, _), value in zip(STAT_COLUMNS, values, strict=True):
                    self.columns[column][work_id] = value
        self._store_hits(hits)

    def _store_hits(self, hits: QuerySet[HitCount]) -> None:
        totals = hits.values("work_id").annotate(total=Sum("count")).values_list("work_id", "total")
        for work_id, total in totals:
            if work_id < self.capacity:
                self.columns["hits"][work_id] = int(total or 0)

    def _mark_hits_read(self) -> None:
        self.hits_since = timezone.now() - HITS_OVERLAP
        self.hits_checked_at = time.monotonic()

    def refresh_hits(self) -> None:
        """Re-read the hit sums of the works hit since the last look (one query)."""
        since = self.hits_since
        self._mark_hits_read()
        if since is None:
            return
        fresh = HitCount.objects.filter(updated_at__gte=since).values("work_id")
        self._store_hits(HitCount.objects.filter(work_id__in=fresh))

    def _count_kinds_from_base(self) -> None:
        offsets, flat = self.base_tags
        owners = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        known = flat < len(self.tag_kind)
        owners, flat = owners[known], flat[known]
        kinds = self.tag_kind[flat] if len(flat) else np.zeros(0, dtype=np.int8)
        for column, kind in (("fandoms", TagKind.FANDOM), ("relationships", TagKind.RELATIONSHIP)):
            counted = np.bincount(owners[kinds == KIND_INDEX[kind]], minlength=len(offsets) - 1)
            self.columns[column][: len(counted)] = counted

    def _load_tags(self) -> None:
        rows = list(Tag.objects.values_list("pk", "kind", "canonical", "merger_id"))
        size = max((row[0] for row in rows), default=0) + 1
        canonical = np.full(size, -1, dtype=np.int64)
        kinds = np.zeros(size, dtype=np.int8)
        for tag_id, kind, is_canonical, merger_id in rows:
            kinds[tag_id] = KIND_INDEX.get(kind, 0)
            if merger_id is not None:
                canonical[tag_id] = merger_id
            elif is_canonical:
                canonical[tag_id] = tag_id
        self.tag_canonical = canonical
        self.tag_kind = kinds
        self._canonical_rows = None

    @staticmethod
    def _row(grouped: tuple[np.ndarray, np.ndarray], work_id: int) -> tuple[int, ...]:
        offsets, flat = grouped
        if work_id + 1 >= len(offsets):
            return ()
        return tuple(int(v) for v in flat[offsets[work_id] : offsets[work_id + 1]])

    def _links(self, work_id: int) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
        """The work's tags, users and pseuds as the index has them."""
        if work_id in self.overlay:
            return self.overlay[work_id]
        if work_id in self.stale:
            return (), (), ()
        return (
            self._row(self.base_tags, work_id),
            self._row(self.base_users, work_id),
            self._row(self.base_pseuds, work_id),
        )

    def _forget(self, work_id: int) -> None:
        tags, users, pseuds = self._links(work_id)
        for tag_id in tags:
            self.by_tag[tag_id].discard(work_id)
        for user_id in users:
            self.by_user[user_id].discard(work_id)
        for pseud_id in pseuds:
            self.by_pseud[pseud_id].discard(work_id)
        for collection_id in self.work_collections.pop(work_id, ()):
            self.by_collection[collection_id].discard(work_id)
        for bitmap in (self.posted, self.restricted, self.complete):
            bitmap.discard(work_id)
        self.scheduled.pop(work_id, None)
        self.overlay.pop(work_id, None)
        self.stale.add(work_id)

    def _load_works(self, ids: list[int]) -> None:
        """Reload changed works from the database; ids with no row are forgotten."""
        for work_id in ids:
            self._forget(work_id)
        rows = list(Work.objects.filter(pk__in=ids).values_list(*WORK_FIELDS))
        found = [row[0] for row in rows]
        self._store_columns(rows)
        if not found:
            return
        self._load_collections(found)
        self._store_stats(
            WorkStats.objects.filter(work_id__in=found), HitCount.objects.filter(work_id__in=found)
        )
        tags: dict[int, list[int]] = defaultdict(list)
        for work_id, tag_id in Work.tags.through.objects.filter(work_id__in=found).values_list(
            "work_id", "tag_id"
        ):
            tags[work_id].append(tag_id)
            self.by_tag[tag_id].add(work_id)
        if any(t >= len(self.tag_kind) for ts in tags.values() for t in ts):
            self._load_tags()  # tags typed since the last load
        users: dict[int, set[int]] = defaultdict(set)
        pseuds: dict[int, set[int]] = defaultdict(set)
        for work_id, pseud_id, user_id in attributed_credits(work_id__in=found).values_list(
            "work_id", "pseud_id", "pseud__user_id"
        ):
            users[work_id].add(user_id)
            pseuds[work_id].add(pseud_id)
            self.by_user[user_id].add(work_id)
            self.by_pseud[pseud_id].add(work_id)
        fandom_kind = KIND_INDEX[TagKind.FANDOM]
        relationship_kind = KIND_INDEX[TagKind.RELATIONSHIP]
        for work_id in found:
            work_tags = tuple(tags.get(work_id, ()))
            self.overlay[work_id] = (
                work_tags,
                tuple(users.get(work_id, ())),
                tuple(pseuds.get(work_id, ())),
            )
            kinds = self.tag_kind[list(work_tags)] if work_tags else np.zeros(0, dtype=np.int8)
            self.columns["fandoms"][work_id] = int((kinds == fandom_kind).sum())
            self.columns["relationships"][work_id] = int((kinds == relationship_kind).sum())
        self._rank_new(found)

    def _load_collections(self, ids: list[int] | None) -> None:
        """The collections listing these works (every work's, with None): approved items,
        and each subcollection's works for its parent too."""
        items = CollectionItem.objects.filter(approved_q(), work__isnull=False)
        if ids is not None:
            items = items.filter(work_id__in=ids)
        parents = dict(
            Collection.objects.filter(parent__isnull=False).values_list("pk", "parent_id")
        )
        for collection_id, work_id in items.values_list("collection_id", "work_id"):
            assert work_id is not None
            for listed in (collection_id, parents.get(collection_id)):
                if listed is not None:
                    self.by_collection[listed].add(work_id)
                    self.work_collections[work_id].add(listed)

    def collection_counts(self, ids: np.ndarray, collection_ids: Iterable[int]) -> dict[int, int]:
        """How many of `ids` (listable works) each of these collections lists: exact."""
        with self.lock:
            chosen = BitMap(ids.astype(np.uint32)) if len(ids) else BitMap()
            return {
                cid: len(self.by_collection.get(cid, BitMap()) & chosen) for cid in collection_ids
            }

    def _rank_titles(self) -> None:
        """Sort keys for title and author order: each work's rank among all works."""
        titles = list(Work.objects.values_list("pk", "title"))
        titles.sort(key=lambda row: (row[1].casefold(), row[0]))
        rank = self.columns.get("title_rank")
        if rank is not None:
            for position, (pk, _) in enumerate(titles):
                rank[pk] = position * 1024
        authors = _first_authors(Creatorship.objects.filter(position=0))
        authors.sort(key=lambda row: (row[1].casefold(), row[0]))
        author_rank = self.columns.get("author_rank")
        if author_rank is not None:
            for position, (pk, _) in enumerate(authors):
                author_rank[pk] = position * 1024
        self._sorted_titles = [(title.casefold(), pk) for pk, title in titles]
        self._sorted_authors = [(name.casefold(), pk) for pk, name in authors]

    def _rank_new(self, ids: list[int]) -> None:
        """Place changed works between their neighbours' ranks (gaps of 1024 leave room)."""
        if not hasattr(self, "_sorted_titles"):
            return
        import bisect

        for pk, title in Work.objects.filter(pk__in=ids).values_list("pk", "title"):
            position = bisect.bisect_left(self._sorted_titles, (title.casefold(), pk))
            self.columns["title_rank"][pk] = position * 1024 - 512
        for pk, name in _first_authors(Creatorship.objects.filter(work_id__in=ids, position=0)):
            position = bisect.bisect_left(self._sorted_authors, (name.casefold(), pk))
            self.columns["author_rank"][pk] = position * 1024 - 512

    def ensure_current(self) -> None:
        """Replay what changed since the last query (one cheap query when nothing did), read
        from the primary as `rebuild` is."""
        with self.lock, primary():
            if self._built_for != self._database_key():
                self.rebuild()
                return
            if time.monotonic() - self.hits_checked_at >= HITS_REFRESH_SECONDS:
                self.refresh_hits()
            rows = list(
                ChangeLog.objects.filter(pk__gte=self.last_change)
                .order_by("pk")
                .values_list("pk", "kind", "object_id", "created_at")[: BATCH + 1]
            )
            # The last change applied must still be there, unchanged: if it is gone, the
            # database was rolled back or replaced under us, and only a rebuild is exact.
            applied = (self.last_change, self.last_stamp)
            if self.last_change and (not rows or (rows[0][0], rows[0][3]) != applied):
                self.rebuild()
                return
            changes = [row[:3] for row in rows if row[0] > self.last_change]
            if not self.last_change and not changes:
                # Built before any change was logged (a fresh or bulk-loaded archive): the
                # newest work id is the only sign that rows came or went without the log.
                newest = Work.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                if newest != self.built_max_id:
                    self.rebuild()
                return
            if not changes:
                return
            if len(changes) >= BATCH:
                self.rebuild()
                return
            self.last_change, self.last_stamp = rows[-1][0], rows[-1][3]
            if any(kind == ChangeLog.Kind.TAG for _, kind, _ in changes):
                self._load_tags()
            work_ids = sorted({obj for _, kind, obj in changes if kind == ChangeLog.Kind.WORK})
            if work_ids:
                self._load_works(work_ids)
            if len(self.overlay) > 50_000:
                self.rebuild()  # fold the changes into the flat arrays again

    # --- querying ---------------------------------------------------------------------------

    def _release_due(self) -> None:
        """Let in the scheduled works whose moment has passed (one comparison when none has)."""
        now = time.time()
        if now < self.next_release:
            return
        due = [work_id for work_id, moment in self.scheduled.items() if moment <= now]
        for work_id in due:
            del self.scheduled[work_id]
        self.posted |= BitMap(due)
        self.next_release = min(self.scheduled.values(), default=float("inf"))
        # Cached facets were counted without them.
        self._facet_cache.clear()

    def listable(self, authenticated: bool) -> BitMap:
        with self.lock:  # other threads' requests replay changes into these bitmaps
            self._release_due()
            return self.posted.copy() if authenticated else self.posted - self.restricted

    def family_bitmap(self, family: Iterable[int]) -> BitMap:
        result = BitMap()
        for tag_id in family:
            bitmap = self.by_tag.get(tag_id)
            if bitmap:
                result |= bitmap
        return result

    def matching(self, authenticated: bool, filters: Filters) -> np.ndarray:
        """Ids (ascending) of the listable works that pass every filter."""
        base = self.listable(authenticated)
        if filters.user_id is not None:
            base = base & self.by_user.get(filters.user_id, BitMap())
        if filters.pseud_id is not None:
            base = base & self.by_pseud.get(filters.pseud_id, BitMap())
        if filters.collection_id is not None:
            base = base & self.by_collection.get(filters.collection_id, BitMap())
        for collection_id in filters.include_collections:
            base = base & self.by_collection.get(collection_id, BitMap())
        for collection_id in filters.exclude_collections:
            base = base - self.by_collection.get(collection_id, BitMap())
        for muted in filters.muted_user_ids:
            base = base - self.by_user.get(muted, BitMap())
        for family in filters.include:
            base = base & self.family_bitmap(family)
        if filters.exclude:
            base = base - self.family_bitmap(filters.exclude)
        if filters.complete is not None:
            base = base & self.complete if filters.complete else base - self.complete
        if filters.restricted is not None:
            base = base & self.restricted if filters.restricted else base - self.restricted
        ids = _ids(base)
        if filters.only_ids is not None:
            ids = np.intersect1d(
                ids,
                np.unique(filters.only_ids)
                if not _sorted_unique(filters.only_ids)
                else filters.only_ids,
                assume_unique=True,
            )
        if not len(ids):
            return ids
        keep = np.ones(len(ids), dtype=bool)
        columns = self.columns
        if filters.language is not None:
            keep &= columns["language"][ids] == LANGUAGE_INDEX.get(filters.language, -2)
        if filters.crossover is not None:
            crossover = columns["fandoms"][ids] > 1
            keep &= crossover if filters.crossover else ~crossover
        if filters.single_chapter:
            keep &= columns["chapters"][ids] == 1
        for name, number_range in filters.numbers.items():
            keep &= number_range.mask(columns[name][ids])
        return ids[keep]

    def sort_page(
        self,
        ids: np.ndarray,
        column: str,
        descending: bool,
        offset: int,
        limit: int,
        scores: dict[int, float] | None = None,
    ) -> list[int]:
        """One page of `ids` in the requested order; ties newest id first. Only the first
        `offset + limit` places are ordered (a partition, then a small sort), so page 4,000
        costs about what page 1 does."""
        if not len(ids) or offset >= len(ids):
            return []
        with self.lock:
            return self._sort_page(ids, column, descending, offset, limit, scores)

    def _sort_page(
        self,
        ids: np.ndarray,
        column: str,
        descending: bool,
        offset: int,
        limit: int,
        scores: dict[int, float] | None,
    ) -> list[int]:
        if scores is not None:
            keys = np.array([scores.get(int(i), 0.0) for i in ids])
            order = np.lexsort((-ids, -keys if descending else keys))
            return [int(i) for i in ids[order[offset : offset + limit]]]
        values = self.columns[SORT_COLUMNS.get(column, "revised")][ids]
        # One int64 key per work: the sort value, then the id (newest first) to break ties.
        span = int(self.capacity) + 1
        composite = (-values if descending else values) * span + (span - 1 - ids)
        wanted = offset + limit
        if wanted < len(composite):
            head = np.argpartition(composite, wanted - 1)[:wanted]
            order = head[np.argsort(composite[head], kind="stable")]
        else:
            order = np.argsort(composite, kind="stable")
        return [int(i) for i in ids[order[offset : offset + limit]]]

    def _canonical_base(self) -> tuple[np.ndarray, np.ndarray]:
        """The built rows mapped to canonical tags, each at most once per work (a work with a
        tag and its synonym counts once). Remade after wrangling changes the mapping."""
        if self._canonical_rows is None:
            offsets, flat = self.base_tags
            owners = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
            inside = flat < len(self.tag_canonical)
            owners, flat = owners[inside], flat[inside]
            canonical = self.tag_canonical[flat]
            keep = canonical >= 0
            width = len(self.tag_canonical)
            keys = np.unique(owners[keep] * width + canonical[keep])
            owners, values = keys // width, keys % width
            size = len(offsets) - 1
            grouped = np.zeros(size + 1, dtype=np.int64)
            grouped[1:] = np.cumsum(np.bincount(owners, minlength=size)[:size])
            self._canonical_rows = (grouped, values)
        return self._canonical_rows

    def facets(self, ids: np.ndarray, per_kind: int = 10) -> dict[str, list[tuple[int, int]]]:
        """For each kind, the canonical tags most common among `ids`, with exact counts (a
        synonym counts for its canonical tag; a work counts once per tag)."""
        offsets, flat = self._canonical_base()
        width = len(self.tag_canonical)
        if len(self.stale):
            changed_mask = np.isin(ids, _ids(self.stale))
            fresh, changed = ids[~changed_mask], ids[changed_mask]
        else:
            fresh, changed = ids, ids[:0]
        fresh = fresh[fresh + 1 < len(offsets)]
        starts = offsets[fresh]
        lengths = offsets[fresh + 1] - starts
        total = int(lengths.sum())
        # Each work's slice of the flat array, gathered in one vectorised step.
        firsts = np.cumsum(lengths) - lengths
        positions = np.repeat(starts - firsts, lengths) + np.arange(total, dtype=np.int64)
        counts = np.bincount(flat[positions], minlength=width)
        for work_id in changed:
            tags = [t for t in self.overlay.get(int(work_id), ((), (), ()))[0] if t < width]
            for tag_id in {int(self.tag_canonical[t]) for t in tags} - {-1}:
                counts[tag_id] += 1
        result: dict[str, list[tuple[int, int]]] = {}
        for kind, kind_index in KIND_INDEX.items():
            of_kind = np.nonzero((self.tag_kind[:width] == kind_index) & (counts[:width] > 0))[0]
            best = of_kind[np.lexsort((of_kind, -counts[of_kind]))][:per_kind]
            result[kind] = [(int(t), int(counts[t])) for t in best]
        result[COLLECTION_FACET] = self._collection_facets(ids, per_kind)
        return result

    def _collection_facets(self, ids: np.ndarray, limit: int) -> list[tuple[int, int]]:
        """The collections listing most of `ids`, with exact counts, best first."""
        if not self.by_collection or not len(ids):
            return []
        chosen = BitMap(ids.astype(np.uint32))
        counts = [
            (collection_id, chosen.intersection_cardinality(bitmap))
            for collection_id, bitmap in self.by_collection.items()
            if bitmap
        ]
        counts = [(cid, count) for cid, count in counts if count]
        counts.sort(key=lambda row: (-row[1], row[0]))
        return counts[:limit]

    def _cache_key(self, authenticated: bool, filters: Filters) -> tuple | None:
        # A text query's matches, or one reader's mutes, make a listing nobody else asks for:
        # caching those would only push out the shared ones.
        if filters.only_ids is not None or filters.muted_user_ids:
            return None
        return (
            authenticated,
            tuple(sorted(tuple(sorted(family)) for family in filters.include)),
            tuple(sorted(filters.exclude)),
            filters.user_id,
            filters.pseud_id,
            filters.collection_id,
            tuple(sorted(filters.include_collections)),
            tuple(sorted(filters.exclude_collections)),
            filters.language,
            filters.complete,
            filters.crossover,
            filters.single_chapter,
            filters.restricted,
            tuple(sorted((k, r.low, r.high) for k, r in filters.numbers.items())),
        )

    def query(
        self,
        authenticated: bool,
        filters: Filters,
        *,
        sort_column: str = "revised_at",
        descending: bool = True,
        page: int = 1,
        per_page: int = 20,
        clamp_page: bool = True,
        with_facets: bool = True,
        scores: dict[int, float] | None = None,
    ) -> Results:
        """The works that pass `filters`: how many, their ids, the ids on page `page` in the
        order asked for, and the facets of them all. With `clamp_page`, a page past the end is
        the last page."""
        with self.lock:
            self.ensure_current()
            ids = self.matching(authenticated, filters)
            if clamp_page:
                page = min(page, max(1, -(-len(ids) // per_page)))
            offset = (page - 1) * per_page
            page_ids = self.sort_page(ids, sort_column, descending, offset, per_page, scores)
            facets: dict[str, list[tuple[int, int]]] = {}
            if with_facets:
                # Facets of a listing only change with the archive: keep the recent ones
                # until the next change (the unfiltered listings are asked for most).
                key = self._cache_key(authenticated, filters)
                cached = self._facet_cache.get(key) if key is not None else None
                if cached is not None and cached[0] == self.last_change:
                    facets = cached[1]
                else:
                    facets = self.facets(ids)
                    if key is not None:
                        if len(self._facet_cache) > 256:
                            self._facet_cache.clear()
                        self._facet_cache[key] = (self.last_change, facets)
        return Results(count=len(ids), ids=ids, page=page, page_ids=page_ids, facets=facets)


_index = FilterIndex()


def get_index() -> FilterIndex:
    """This process's index (built on first use)."""
    return _index
