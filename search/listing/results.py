"""A listing's answer: the page of results and the sidebar's facets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page
from django.db.models import Count, QuerySet

from access.getters import findable_tags
from access.visibility import listable_bookmarks_q
from archive_collections.models import Collection
from feedback.models import Bookmark
from tags.models import Tag
from works.languages import LANGUAGES
from works.models import Work

from ..filters.index import COLLECTION_FACET
from .form import (
    BOOKMARK_SORT_OPTIONS,
    COLLECTION_GROUP,
    SORT_OPTIONS,
    TAG_GROUPS,
    BookmarkFilters,
    SearchRequest,
)

if TYPE_CHECKING:
    from access.visibility import Viewer

    from ..text.query import ParsedQuery

FILTER_KINDS = tuple(kind for kind, _, _, _ in TAG_GROUPS)
# Tags shown in each group before the ticked ones.
FACETS_PER_GROUP = 10


@dataclass
class Facet:
    """One tag in a sidebar group: how many results carry it, and whether the URL ticked it."""

    tag: Tag
    count: int
    included: bool
    excluded: bool


def facet_list(
    ranked: list[tuple[Tag, int]], included: set[int], excluded: set[int], ticked: set[int]
) -> list[Facet]:
    """The first of `ranked` (tags with their counts, best first), then the `ticked` ones that
    fell below, so a ticked box can always be unticked."""
    shown = ranked[:FACETS_PER_GROUP]
    shown += [(tag, count) for tag, count in ranked[FACETS_PER_GROUP:] if tag.pk in ticked]
    return [Facet(tag, count, tag.pk in included, tag.pk in excluded) for tag, count in shown]


def sidebar_groups(facets: dict[str, list[Facet]]) -> list[dict[str, Any]]:
    """The sidebar's tag groups in AO3's order, then the collections, each with its facets
    (`_facet_group.html`)."""
    return [
        {"kind": kind, "label": label, "stem": stem, "param": param, "facets": facets.get(kind, [])}
        for kind, label, stem, param in (*TAG_GROUPS, COLLECTION_GROUP)
    ]


@dataclass
class SearchResults:
    page: Page
    facets: dict[str, list[Facet]]
    snippets: dict[int, Any]
    query: ParsedQuery | None
    request: SearchRequest
    sort_column: str
    descending: bool
    unranked: bool = False  # relevance asked for, but the words are too common to rank by

    def context(self) -> dict[str, Any]:
        """What a work listing's template needs: the page and the filter sidebar."""
        return {
            "page": self.page,
            "results": self,
            "filter_groups": sidebar_groups(self.facets),
            "sort_options": SORT_OPTIONS,
            "languages": LANGUAGES,
            "params": self.request.params,
            "search_errors": self.request.errors,
        }


@dataclass
class BookmarkResults:
    page: Page
    filters: BookmarkFilters
    filter_groups: list[dict[str, Any]]
    bookmarker_facets: list[Facet]

    def context(self) -> dict[str, Any]:
        """What a bookmark listing's template needs: the page and the filter sidebar."""
        return {
            "page": self.page,
            "filters": self.filters,
            "params": self.filters.params,
            "filter_groups": self.filter_groups,
            "bookmarker_facets": self.bookmarker_facets,
            "sort_options": BOOKMARK_SORT_OPTIONS,
        }


class ResultList:
    """What Paginator pages over: the count from the index, the page's works loaded lazily."""

    def __init__(self, count: int, works: list[Work], offset: int) -> None:
        self.count_value, self.works, self.offset = count, works, offset

    def count(self) -> int:
        return self.count_value

    def __len__(self) -> int:
        return self.count_value

    def __getitem__(self, item: slice) -> list[Work]:
        start = (item.start or 0) - self.offset
        stop = (item.stop or self.count_value) - self.offset
        return self.works[max(start, 0) : max(stop, 0)]


def facets_for(
    viewer: Viewer, facets: dict[str, list[tuple[int, int]]], request: SearchRequest
) -> dict[str, list[Facet]]:
    tag_facets = [pairs for kind, pairs in facets.items() if kind != COLLECTION_FACET]
    tags = Tag.objects.in_bulk([tag_id for pairs in tag_facets for tag_id, _ in pairs])
    # Tags the URL ticked are named only if the viewer may know them: an id typed for a tag
    # that is only on someone's draft stays nameless.
    chosen = [
        i for values in (*request.include.values(), *request.exclude.values()) for i in values
    ]
    if set(chosen) - set(tags):
        ticked = Tag.objects.filter(pk__in=set(chosen) - set(tags))
        tags.update({tag.pk: tag for tag in findable_tags(viewer, ticked)})
    included = {i for values in request.include.values() for i in values}
    excluded = {i for values in request.exclude.values() for i in values}
    result: dict[str, list[Facet]] = {}
    for kind in FILTER_KINDS:
        ranked = [(tags[tag_id], count) for tag_id, count in facets.get(kind, []) if tag_id in tags]
        seen = {tag.pk for tag, _ in ranked}
        # A tag the reader chose stays in the list even when no result has it any more.
        for tag_id in [*request.include.get(kind, []), *request.exclude.get(kind, [])]:
            if tag_id in tags and tag_id not in seen:
                ranked.append((tags[tag_id], 0))
                seen.add(tag_id)
        result[kind] = facet_list(ranked, included, excluded, included | excluded)
    result[COLLECTION_FACET] = _collection_facets(facets.get(COLLECTION_FACET, []), request)
    return result


def _collection_facets(pairs: list[tuple[int, int]], request: SearchRequest) -> list[Facet]:
    """The collection group: each collection (in a facet's `tag` place: its name, its id) with
    how many results it lists; the ones ticked stay. Collections are public, so an id typed
    names one only if it exists."""
    included, excluded = set(request.include_collections), set(request.exclude_collections)
    wanted = {cid for cid, _ in pairs} | included | excluded
    if not wanted:
        return []
    found = Collection.objects.in_bulk(list(wanted))
    counts = dict(pairs)
    ranked = [(found[cid], count) for cid, count in pairs if cid in found]
    ranked += [
        (found[cid], counts.get(cid, 0))
        for cid in sorted((included | excluded) - set(counts))
        if cid in found
    ]
    return facet_list(ranked, included, excluded, included | excluded)  # type: ignore[arg-type]


# --- bookmarks ------------------------------------------------------------------------------


def _ranked(
    tags: dict[int, Tag], counts: Counter[int], candidates: set[int]
) -> list[tuple[Tag, int]]:
    """`candidates` most common first, then by name."""
    ranked = sorted(
        (tags[tag_id] for tag_id in candidates if tag_id in tags),
        key=lambda tag: (-counts[tag.pk], tag.name.casefold()),
    )
    return [(tag, counts[tag.pk]) for tag in ranked]


def _known_tag_ids(viewer: Viewer, work_ids: set[int], own_ids: set[int]) -> set[int]:
    """Of the tag ids a URL ticked, those `viewer` may know exist: a work tag the tag pages
    would show them, or a bookmarker's tag on a bookmark they may list. An id typed for a tag
    that is only on someone's draft or private bookmark stays nameless."""
    if not work_ids and not own_ids:
        return set()
    known = set(
        findable_tags(viewer, Tag.objects.filter(pk__in=work_ids | own_ids)).values_list(
            "pk", flat=True
        )
    )
    if own_ids - known:
        known |= set(
            Bookmark.tags.through.objects.filter(
                tag_id__in=own_ids - known,
                bookmark__in=Bookmark.objects.filter(listable_bookmarks_q(viewer)),
            ).values_list("tag_id", flat=True)
        )
    return known


def bookmark_facets(
    viewer: Viewer, bookmarks: QuerySet[Bookmark], filters: BookmarkFilters
) -> tuple[list[dict], list[Facet]]:
    """The tags most common among `bookmarks` (all pages), counted in bookmarks: the works'
    tags by kind, and the bookmarkers' own tags. Three queries for any number of bookmarks
    (and one or two more to check tags the URL ticked)."""
    matched = bookmarks.order_by().values("pk")
    work_counts: Counter[int] = Counter(
        {
            row["tag_id"]: row["n"]
            for row in Work.tags.through.objects.filter(work__bookmarks__in=matched)
            .values("tag_id")
            .annotate(n=Count("id"))
        }
    )
    bookmark_counts: Counter[int] = Counter(
        {
            row["tag_id"]: row["n"]
            for row in Bookmark.tags.through.objects.filter(bookmark_id__in=matched)
            .values("tag_id")
            .annotate(n=Count("id"))
        }
    )
    ticked_work = filters.include_work_tag_ids | filters.exclude_work_tag_ids
    ticked_own = filters.include_bookmark_tag_ids | filters.exclude_bookmark_tag_ids
    known = _known_tag_ids(viewer, ticked_work, ticked_own)
    ticked_work &= known
    ticked_own &= known
    wanted = set(work_counts) | set(bookmark_counts) | ticked_work | ticked_own
    tags = {tag.pk: tag for tag in Tag.objects.filter(pk__in=wanted)} if wanted else {}
    include, exclude = filters.include_work_tag_ids, filters.exclude_work_tag_ids
    by_kind: dict[str, list[Facet]] = {}
    for kind in FILTER_KINDS:
        of_kind = {tag_id for tag_id in set(work_counts) | ticked_work if tag_id in tags}
        of_kind = {tag_id for tag_id in of_kind if tags[tag_id].kind == kind}
        ranked = _ranked(tags, work_counts, of_kind)
        by_kind[kind] = facet_list(ranked, include, exclude, ticked_work)
    own = _ranked(tags, bookmark_counts, set(bookmark_counts) | ticked_own)
    bookmarker = facet_list(
        own, filters.include_bookmark_tag_ids, filters.exclude_bookmark_tag_ids, ticked_own
    )
    return sidebar_groups(by_kind), bookmarker
