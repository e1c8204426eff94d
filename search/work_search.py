"""Finding works: AO3's search and filter parameters → a query → a page of results.

The same parameters drive every listing's filter sidebar (`/works`, a tag's, a user's, a
pseud's works), the search page (`/works/search`) and `GET /api/v1/works`:

- `work_search[…]` (AO3's `WorkSearchForm` attributes): query, title, creators, complete,
  crossover, single_chapter, word_count, words_from/words_to, date_from/date_to, hits,
  kudos_count, comments_count, bookmarks_count, language_id, fandom_names, character_names,
  relationship_names, freeform_names, rating_ids, archive_warning_ids[], category_ids[],
  other_tag_names, excluded_tag_names, sort_column, sort_direction;
- `include_work_search[<kind>_ids][]` and `exclude_work_search[<kind>_ids][]` from the sidebar.

Tag filters stand for whole families (a canonical tag, its synonyms, its subtags and theirs).
Visibility is the viewer's: the index starts from the works they may list, and the page's works
are loaded through `access.getters.visible_works`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models.functions import Lower
from django.http import QueryDict
from django.utils import timezone

from access.getters import findable_tags, visible_works
from access.visibility import muted_user_ids
from lifestream.core.ids import parse_ids
from tags.models import Tag, TagKind
from tags.queries import family_ids
from tags.services import split_tag_names
from works import queries as work_queries
from works.models import Work

from . import text
from .filter_index import EPOCH, Filters, NumberRange, get_index
from .query import ParsedQuery, parse

if TYPE_CHECKING:
    from access.visibility import Viewer

MAX_PAGE = 10_000_000
# Below this many matches ranking is cheap enough whatever the words.
COMMON_MATCHES = 5_000
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
KIND_PARAMS = {
    TagKind.RATING: "rating_ids",
    TagKind.WARNING: "archive_warning_ids",
    TagKind.CATEGORY: "category_ids",
    TagKind.FANDOM: "fandom_ids",
    TagKind.CHARACTER: "character_ids",
    TagKind.RELATIONSHIP: "relationship_ids",
    TagKind.FREEFORM: "freeform_ids",
}
NAME_PARAMS = {
    "fandom_names": TagKind.FANDOM,
    "character_names": TagKind.CHARACTER,
    "relationship_names": TagKind.RELATIONSHIP,
    "freeform_names": TagKind.FREEFORM,
}
SORT_OPTIONS = (
    ("_score", "Best Match"),
    ("authors_to_sort_on", "Creator"),
    ("title_to_sort_on", "Title"),
    ("created_at", "Date Posted"),
    ("revised_at", "Date Updated"),
    ("word_count", "Word Count"),
    ("hits", "Hits"),
    ("kudos_count", "Kudos"),
    ("comments_count", "Comments"),
    ("bookmarks_count", "Bookmarks"),
)
# Title and creator read A to Z; everything else newest or biggest first.
ASCENDING_BY_DEFAULT = {"title_to_sort_on", "authors_to_sort_on"}
RANGE_FIELDS = {
    "word_count": "words",
    "hits": "hits",
    "kudos_count": "kudos",
    "comments_count": "comments",
    "bookmarks_count": "bookmarks",
}
QUERY_NUMBER_FIELDS = {
    "words": "words",
    "chapters": "chapters",
    "kudos": "kudos",
    "hits": "hits",
    "comments": "comments",
    "bookmarks": "bookmarks",
    "expected_number_of_chapters": "expected",
}
_RANGE = re.compile(r"^\s*([<>]=?|=)?\s*([\d,]+)\s*(?:-\s*([\d,]+))?\s*$")


def _number(text_value: str) -> int | None:
    digits = text_value.replace(",", "").strip()
    if not digits.isdecimal() or len(digits) > 15:
        return None
    return int(digits)


def parse_range(value: str) -> NumberRange | None:
    """AO3's range syntax: `>100`, `<5`, `10-20`, `100` (exact); None if it doesn't parse."""
    match = _RANGE.match(value or "")
    if not match:
        return None
    op, first, second = match.groups()
    low, high = _number(first), _number(second) if second else None
    if low is None:
        return None
    if second:
        if high is None:
            return None
        return NumberRange(min(low, high), max(low, high))
    return {
        ">": NumberRange(low + 1, None),
        ">=": NumberRange(low, None),
        "<": NumberRange(None, low - 1),
        "<=": NumberRange(None, low),
    }.get(op or "=", NumberRange(low, low))


def _bool(value: str | None) -> bool | None:
    return {"T": True, "true": True, "1": True, "F": False, "false": False, "0": False}.get(
        (value or "").strip()
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _epoch(day: dt.date, end: bool = False) -> int:
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min, tzinfo=dt.UTC)
    return int((moment - EPOCH).total_seconds())


@dataclass
class SearchRequest:
    """Parsed parameters, kept in the user's words so forms can show them again."""

    params: dict[str, Any] = field(default_factory=dict)  # work_search[...] values
    include: dict[str, list[int]] = field(default_factory=dict)  # kind → tag ids
    exclude: dict[str, list[int]] = field(default_factory=dict)
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def get(self, name: str, default: Any = "") -> Any:
        value = self.params.get(name, default)
        return default if value is None else value


def read_request(query: QueryDict) -> SearchRequest:
    """Pick AO3's parameters out of a query string; unknown ones are ignored."""
    request = SearchRequest()
    prefix = "work_search["
    for key in query:
        if (key.startswith(prefix) and key.endswith("]")) or (
            key.startswith(prefix) and "][" in key
        ):
            name = key[len(prefix) :].split("]", 1)[0]
            values = query.getlist(key)
            if name in {"archive_warning_ids", "category_ids", "rating_ids"}:
                request.params[name] = parse_ids(values)
            else:
                request.params[name] = values[-1][:2000]
    for scope, target in (
        ("include_work_search", request.include),
        ("exclude_work_search", request.exclude),
    ):
        for kind, param in KIND_PARAMS.items():
            values = query.getlist(f"{scope}[{param}][]") + query.getlist(f"{scope}[{param}]")
            if values:
                target[kind] = parse_ids(values)
    page_text = query.get("page", "1").strip()
    page = MAX_PAGE if page_text.isdecimal() and len(page_text) > 15 else _number(page_text) or 1
    request.page = max(1, min(page, MAX_PAGE))
    return request


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


class _ResultList:
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


def _tags_by_names(names: list[str], kind: str | None = None) -> list[Tag]:
    tags = Tag.objects.annotate(lname=Lower("name")).filter(lname__in=[n.lower() for n in names])
    if kind:
        tags = tags.filter(kind=kind)
    return list(tags.select_related("merger"))


def build_filters(viewer: Viewer, request: SearchRequest, parsed: ParsedQuery | None) -> Filters:
    """The index's filters from the request and the query box's operators."""
    filters = Filters(muted_user_ids=muted_user_ids(viewer))
    unknown: list[str] = []

    def include_names(names: list[str], kind: str | None) -> None:
        found = _tags_by_names(names, kind)
        known = {tag.name.casefold() for tag in found}
        for name in names:
            if name.casefold() not in known:
                unknown.append(name)
        for tag in found:
            filters.include.append(family_ids(tag))
        if len(found) < len(names):
            filters.include.append(set())  # a tag that doesn't exist matches nothing

    include_ids = [i for ids in request.include.values() for i in ids]
    include_ids += request.get("rating_ids", []) + request.get("archive_warning_ids", [])
    include_ids += request.get("category_ids", [])
    included = list(Tag.objects.filter(pk__in=include_ids).select_related("merger"))
    filters.include += [family_ids(tag) for tag in included]
    if len({*include_ids}) > len(included):
        filters.include.append(set())  # an id that names no tag matches nothing
    exclude_ids = [i for ids in request.exclude.values() for i in ids]
    for tag in Tag.objects.filter(pk__in=exclude_ids).select_related("merger"):
        filters.exclude |= family_ids(tag)

    for param, kind in NAME_PARAMS.items():
        names = split_tag_names(request.get(param))
        if names:
            include_names(names, kind)
    other = split_tag_names(request.get("other_tag_names"))
    if other:
        include_names(other, None)
    excluded = split_tag_names(request.get("excluded_tag_names"))
    for tag in _tags_by_names(excluded):
        filters.exclude |= family_ids(tag)

    filters.complete = _bool(request.get("complete"))
    filters.crossover = _bool(request.get("crossover"))
    filters.single_chapter = _bool(request.get("single_chapter")) is True
    language = request.get("language_id")
    if language:
        filters.language = language
    for param, column in RANGE_FIELDS.items():
        value = request.get(param)
        if value:
            number_range = parse_range(value)
            if number_range is None:
                request.errors.append(f"“{value}” is not a number or a range like 10-20, >100.")
                filters.numbers[column] = NumberRange(1, 0)
            else:
                filters.numbers[column] = number_range
    words_from, words_to = _number(request.get("words_from")), _number(request.get("words_to"))
    if words_from is not None or words_to is not None:
        current = filters.numbers.get("words", NumberRange())
        filters.numbers["words"] = current.narrowed(words_from, words_to)
    date_from, date_to = _date(request.get("date_from")), _date(request.get("date_to"))
    if date_from or date_to:
        filters.numbers["revised"] = NumberRange(
            _epoch(date_from) if date_from else None, _epoch(date_to, end=True) if date_to else None
        )
    revised = request.get("revised_at")
    if revised:
        since = _relative_date(revised)
        if since is None:
            request.errors.append(f"“{revised}” is not a time like “<2 weeks” or “>1 year”.")
        else:
            filters.numbers["revised"] = since

    if parsed is not None:
        for item in parsed.filters:
            _apply_query_filter(filters, item, include_names)
    if unknown:
        request.errors.append("No tag is called " + ", ".join(f"“{n}”" for n in unknown) + ".")
    return filters


_RELATIVE = re.compile(r"^\s*([<>])?\s*(\d{1,5})\s*(hour|day|week|month|year)s?(\s+ago)?\s*$")


def _relative_date(value: str) -> NumberRange | None:
    """AO3's `revised_at` syntax: `<2 weeks` (within the last two weeks), `>1 year` (older)."""
    match = _RELATIVE.match(value.lower())
    if not match:
        return None
    op, amount, unit = match.group(1) or "<", int(match.group(2)), match.group(3)
    days = {"hour": 1 / 24, "day": 1, "week": 7, "month": 30, "year": 365}[unit] * amount
    moment = timezone.now() - dt.timedelta(days=days)
    seconds = int((moment - EPOCH).total_seconds())
    return NumberRange(seconds, None) if op == "<" else NumberRange(None, seconds)


def _apply_query_filter(filters: Filters, item: Any, include_names: Any) -> None:
    if item.field in QUERY_NUMBER_FIELDS:
        column = QUERY_NUMBER_FIELDS[item.field]
        value = item.value
        number_range = {
            "eq": NumberRange(value, value) if isinstance(value, int) else None,
            "gt": NumberRange(value + 1, None) if isinstance(value, int) else None,
            "gte": NumberRange(value, None) if isinstance(value, int) else None,
            "lt": NumberRange(None, value - 1) if isinstance(value, int) else None,
            "lte": NumberRange(None, value) if isinstance(value, int) else None,
            "range": NumberRange(*value) if isinstance(value, tuple) else None,
        }.get(item.op)
        if number_range is not None:
            filters.numbers[column] = number_range
    elif item.field == "complete":
        filters.complete = bool(item.value)
    elif item.field == "restricted":
        filters.restricted = bool(item.value)
    elif item.field == "crossover":
        filters.crossover = bool(item.value)
    elif item.field == "single_chapter":
        filters.single_chapter = bool(item.value)
    elif item.field == "otp":
        # One relationship tag and no other.
        filters.numbers["relationships"] = NumberRange(1, 1)
    elif item.field == "language":
        filters.language = str(item.value)
    elif isinstance(item.value, str):
        kind = {"warning": TagKind.WARNING, "category": TagKind.CATEGORY}.get(
            item.field, item.field
        )
        if item.exclude:
            for tag in _tags_by_names([item.value], kind):
                filters.exclude |= family_ids(tag)
        else:
            include_names([item.value], kind)


def search(
    viewer: Viewer,
    request: SearchRequest,
    *,
    user_id: int | None = None,
    pseud_id: int | None = None,
    tag: Tag | None = None,
    per_page: int | None = None,
    with_facets: bool = True,
    clamp_page: bool = True,
) -> SearchResults:
    """Run a search for `viewer` and return a page of works with facets and snippets."""
    raw_query = " ".join(
        part
        for part in (
            request.get("query"),
            *(f'title:"{w}"' for w in [request.get("title")] if w),
            *(f'creators:"{w}"' for w in [request.get("creators")] if w),
        )
        if part
    )
    parsed = parse(raw_query) if raw_query else None
    filters = build_filters(viewer, request, parsed)
    filters.user_id, filters.pseud_id = user_id, pseud_id
    if tag is not None:
        filters.include.append(family_ids(tag))
    if parsed is not None and parsed.text is not None:
        filters.only_ids = text.matching_work_ids(parsed.text)

    sort_column = request.get("sort_column") or (
        "_score" if parsed and parsed.text else "revised_at"
    )
    valid = {value for value, _ in SORT_OPTIONS}
    if sort_column not in valid or (sort_column == "_score" and not (parsed and parsed.text)):
        sort_column = "revised_at"
    direction = request.get("sort_direction")
    descending = (
        direction != "asc"
        if direction in {"asc", "desc"}
        else (sort_column not in ASCENDING_BY_DEFAULT)
    )

    per_page = per_page or settings.WORKS_PER_PAGE
    authenticated = bool(viewer.is_authenticated)
    # Everything that matches, with facets; the page is cut below.
    found = get_index().query(authenticated, filters, limit=0, with_facets=with_facets)
    results_count, facets = found.count, found.facets
    if clamp_page:
        # A page past the end shows the last page, as the site's other listings do.
        request.page = min(request.page, max(1, -(-results_count // per_page)))
    offset = (request.page - 1) * per_page
    unranked = False
    if sort_column == "_score" and parsed is not None:
        # Words found in most of the archive carry no relevance signal (their weight in BM25
        # is nil), and ranking every match would be the slowest thing the archive does: such
        # results are listed newest first instead, and the page says so.
        listable = len(get_index().listable(authenticated))
        if results_count >= COMMON_MATCHES and results_count * 2 >= listable:
            unranked = True
            page_ids = get_index().sort_page(found.ids, "revised_at", True, offset, per_page)
        else:
            ranked = text.ranked(parsed.text, found.ids, limit=per_page, offset=offset)
            page_ids = [work_id for work_id, _ in ranked]
    else:
        page_ids = get_index().sort_page(found.ids, sort_column, descending, offset, per_page)

    # The page's works come from the database through the visibility rules, in index order.
    loaded = {
        work.pk: work
        for work in work_queries.listing(visible_works(viewer).filter(pk__in=page_ids))
    }
    works = [loaded[i] for i in page_ids if i in loaded]
    # The index already counted and sliced; the paginator only does the page arithmetic.
    paginator: Paginator[Work] = Paginator(
        _ResultList(results_count, works, offset),  # type: ignore[arg-type]
        per_page,
    )
    page_number = min(request.page, max(paginator.num_pages, 1))
    page = paginator.page(page_number) if results_count else paginator.page(1)
    snippets = text.snippets(parsed.text, [w.pk for w in works]) if parsed and parsed.text else {}
    return SearchResults(
        page=page,
        facets=_facet_tags(viewer, facets, request) if with_facets else {},
        snippets=snippets,
        query=parsed,
        request=request,
        sort_column=sort_column,
        descending=descending,
        unranked=unranked,
    )


def _facet_tags(
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
        tags.update({tag.pk: tag for tag in findable_tags(viewer, ticked)})
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
