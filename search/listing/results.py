"""A listing's answer: the page of results and the sidebar's facets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page

from tags.models import Tag, TagKind
from works import queries as work_queries
from works.models import Work

if TYPE_CHECKING:
    from access.visibility import Viewer

    from ..text.query import ParsedQuery
    from .form import SearchRequest

FILTER_KINDS = (
    TagKind.RATING,
    TagKind.WARNING,
    TagKind.CATEGORY,
    TagKind.FANDOM,
    TagKind.CHARACTER,
    TagKind.RELATIONSHIP,
    TagKind.FREEFORM,
)
# AO3's parameter names for each kind's ids.


@dataclass
class Facet:
    tag: Tag
    count: int
    included: bool
    excluded: bool


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
    tags = Tag.objects.in_bulk([tag_id for pairs in facets.values() for tag_id, _ in pairs])
    # Tags the URL ticked are named only if the viewer may know them: an id typed for a tag
    # that is only on someone's draft stays nameless.
    chosen = [
        i for values in (*request.include.values(), *request.exclude.values()) for i in values
    ]
    if set(chosen) - set(tags):
        ticked = Tag.objects.filter(pk__in=set(chosen) - set(tags))
        tags.update({tag.pk: tag for tag in work_queries.findable_tags(viewer, ticked)})
    included = {i for values in request.include.values() for i in values}
    excluded = {i for values in request.exclude.values() for i in values}
    result: dict[str, list[Facet]] = {}
    for kind in FILTER_KINDS:
        listed = []
        seen = set()
        for tag_id, count in facets.get(kind, []):
            if tag_id in tags:
                listed.append(Facet(tags[tag_id], count, tag_id in included, tag_id in excluded))
                seen.add(tag_id)
        # A tag the reader chose stays in the list even when no result has it any more.
        for tag_id in [*request.include.get(kind, []), *request.exclude.get(kind, [])]:
            if tag_id in tags and tag_id not in seen:
                listed.append(Facet(tags[tag_id], 0, tag_id in included, tag_id in excluded))
                seen.add(tag_id)
        result[kind] = listed
    return result
