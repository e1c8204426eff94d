"""Finding works: a listing's form → the index's filters and sort for the viewer → a page.

The same parameters drive every work listing's filter sidebar (`/works`, a tag's, a user's, a
pseud's works), the search page (`/works/search`), OPDS and `GET /api/v1/works`. Tag filters
stand for whole families (a canonical tag, its synonyms, its subtags and theirs). Visibility is
the viewer's: the index starts from the works they may list, and the page's works are loaded
through `access.getters.visible_works`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from access.getters import visible_works
from access.visibility import muted_user_ids
from feedback.models import Bookmark
from feedback.queries import bookmarks as bookmark_queries
from lifestream.core.replica import has_replica, primary
from tags import queries as tag_queries
from tags.models import Tag, TagKind
from tags.queries import family_ids
from tags.services import split_tag_names
from works import queries as work_queries
from works.languages import LANGUAGES
from works.models import Work

from .. import text
from ..filters.index import EPOCH, Filters, NumberRange, get_index
from ..text.query import ParsedQuery, parse
from .form import SORT_OPTIONS, BookmarkFilters, SearchRequest, read_number
from .results import BookmarkResults, ResultList, SearchResults, bookmark_facets, facets_for

if TYPE_CHECKING:
    from access.visibility import Viewer

# Below this many matches ranking is cheap enough whatever the words.
COMMON_MATCHES = 5_000
NAME_PARAMS = {
    "fandom_names": TagKind.FANDOM,
    "character_names": TagKind.CHARACTER,
    "relationship_names": TagKind.RELATIONSHIP,
    "freeform_names": TagKind.FREEFORM,
}
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


def parse_range(value: str) -> NumberRange | None:
    """AO3's range syntax: `>100`, `<5`, `10-20`, `100` (exact); None if it doesn't parse."""
    match = _RANGE.match(value or "")
    if not match:
        return None
    op, first, second = match.groups()
    low, high = read_number(first), read_number(second) if second else None
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
                request.errors.append(
                    _("“%(value)s” is not a number or a range like 10-20, >100.") % {"value": value}
                )
                filters.numbers[column] = NumberRange(1, 0)
            else:
                filters.numbers[column] = number_range
    words_from, words_to = (
        read_number(request.get("words_from")),
        read_number(request.get("words_to")),
    )
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
            request.errors.append(
                _("“%(value)s” is not a time like “<2 weeks” or “>1 year”.") % {"value": revised}
            )
        else:
            filters.numbers["revised"] = since

    if parsed is not None:
        for item in parsed.filters:
            _apply_query_filter(filters, item, include_names)
    if unknown:
        request.errors.append(
            _("No tag is called %(names)s.") % {"names": ", ".join(f"“{n}”" for n in unknown)}
        )
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
    collection_id: int | None = None,
    per_page: int | None = None,
    with_facets: bool = True,
    clamp_page: bool = True,
    blurbs: bool = True,
) -> SearchResults:
    """Run a search for `viewer` and return a page of works with facets and snippets; with
    `blurbs`, the works carry what a page's blurbs show besides (their series and gifts)."""
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
    filters.collection_id = collection_id
    filters.include_collections = request.include_collections[:20]
    filters.exclude_collections = request.exclude_collections[:20]
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
    ranking = sort_column == "_score" and parsed is not None
    # Relevance is the text engine's to rank; the index's own page for it is the newest first,
    # which is what a search for too common words lists.
    index_sort = ("revised_at", True) if ranking else (sort_column, descending)
    found = get_index().query(
        authenticated,
        filters,
        sort_column=index_sort[0],
        descending=index_sort[1],
        page=request.page,
        per_page=per_page,
        clamp_page=clamp_page,
        with_facets=with_facets,
    )
    results_count, facets, page_ids = found.count, found.facets, found.page_ids
    request.page = found.page
    offset = (request.page - 1) * per_page
    unranked = False
    if ranking and parsed is not None:
        # Words found in most of the archive carry no relevance signal (their weight in BM25
        # is nil), and ranking every match would be the slowest thing the archive does: such
        # results are listed newest first instead, and the page says so.
        listable = len(get_index().listable(authenticated))
        if results_count >= COMMON_MATCHES and results_count * 2 >= listable:
            unranked = True
        else:
            ranked = text.ranked(parsed.text, found.ids, limit=per_page, offset=offset)
            page_ids = [work_id for work_id, _ in ranked]

    # The page's works come from the database through the visibility rules, in index order.
    loaded = {
        work.pk: work
        for work in work_queries.listing(
            visible_works(viewer).filter(pk__in=page_ids), viewer if blurbs else None
        )
    }
    missing = [work_id for work_id in page_ids if work_id not in loaded]
    if missing and has_replica():
        # The index reads the primary; a replica a moment behind may not have a new work yet.
        with primary():
            loaded |= {
                work.pk: work
                for work in work_queries.listing(
                    visible_works(viewer).filter(pk__in=missing), viewer if blurbs else None
                )
            }
    works = [loaded[i] for i in page_ids if i in loaded]
    # The index already counted and sliced; the paginator only does the page arithmetic.
    paginator: Paginator[Work] = Paginator(
        ResultList(results_count, works, offset),  # type: ignore[arg-type]  # sliced only, as Paginator does
        per_page,
    )
    page_number = min(request.page, max(paginator.num_pages, 1))
    page = paginator.page(page_number) if results_count else paginator.page(1)
    snippets = text.snippets(parsed.text, [w.pk for w in works]) if parsed and parsed.text else {}
    return SearchResults(
        page=page,
        facets=facets_for(viewer, facets, request) if with_facets else {},
        snippets=snippets,
        query=parsed,
        request=request,
        sort_column=sort_column,
        descending=descending,
        unranked=unranked,
    )


# --- bookmarks ------------------------------------------------------------------------------


def _families(tags: list[Tag]) -> list[set[int]]:
    return [tag_queries.family_ids(tag) for tag in tags]


def _families_by_id(tag_ids: set[int]) -> dict[int, set[int]]:
    """Each ticked tag's family (a canonical tag's synonyms and subtags count as it does)."""
    if not tag_ids:
        return {}
    tags = Tag.objects.filter(pk__in=tag_ids).select_related("merger")
    return {tag.pk: tag_queries.family_ids(tag) for tag in tags}


def _tags_named(names: list[str]) -> list[Tag]:
    """Tags by name (case-insensitive) in one query; an unknown name matches no tag."""
    if not names:
        return []
    wanted = {name.casefold() for name in names}
    q = Q()
    for name in names:
        q |= Q(name__iexact=name)
    found = list(Tag.objects.filter(q).select_related("merger"))
    return [tag for tag in found if tag.name.casefold() in wanted]


def _work_has(ids: set[int]) -> Exists:
    return Exists(Work.tags.through.objects.filter(work_id=OuterRef("work_id"), tag_id__in=ids))


def _bookmark_has(ids: set[int]) -> Exists:
    return Exists(Bookmark.tags.through.objects.filter(bookmark_id=OuterRef("pk"), tag_id__in=ids))


def _moment(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else EPOCH + dt.timedelta(seconds=seconds)


def _when(value: str) -> tuple[dt.datetime | None, dt.datetime | None] | None:
    """A date field's range: AO3's relative syntax (`<2 weeks`, `>1 year`) or one day
    (`2024-05-01`); None when it reads as neither."""
    relative = _relative_date(value)
    if relative is not None:
        return _moment(relative.low), _moment(relative.high)
    day = _date(value)
    if day is None:
        return None
    start = dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def _in_range(columns: tuple[str, ...], span: tuple[dt.datetime | None, dt.datetime | None]) -> Q:
    """Any of `columns` within `span`."""
    low, high = span
    either = Q()
    for column in columns:
        one = Q()
        if low is not None:
            one &= Q(**{f"{column}__gte": low})
        if high is not None:
            one &= Q(**{f"{column}__lt": high})
        either |= one
    return either


def _search_fields(bookmarks: QuerySet[Bookmark], filters: BookmarkFilters) -> QuerySet[Bookmark]:
    """The search page's fields (`/bookmarks/search`). What cannot be read is told in
    `filters.errors` and matches nothing, so no result pretends to answer it."""
    for word in filters.bookmarkable_query.split():
        # The work's title, summary and tags, or the series' title and summary: never its
        # creators, who may be anonymous.
        on_tag = Work.tags.through.objects.filter(
            work_id=OuterRef("work_id"), tag__name__icontains=word
        )
        bookmarks = bookmarks.filter(
            Q(work__title__icontains=word)
            | Q(work__summary__icontains=word)
            | Q(Exists(on_tag))
            | Q(series__title__icontains=word)
            | Q(series__summary__icontains=word)
        )
    if filters.bookmarkable_type == "Work":
        bookmarks = bookmarks.filter(work__isnull=False)
    elif filters.bookmarkable_type == "Series":
        bookmarks = bookmarks.filter(series__isnull=False)
    elif filters.bookmarkable_type:
        filters.errors.append(
            _("“%(value)s” is not a type of bookmark; choose Works or Series.")
            % {"value": filters.bookmarkable_type}
        )
        return bookmarks.none()
    if filters.language_id:
        if filters.language_id not in dict(LANGUAGES):
            filters.errors.append(
                _("No language has the code “%(value)s”.") % {"value": filters.language_id}
            )
            return bookmarks.none()
        bookmarks = bookmarks.filter(work__language=filters.language_id)
    if filters.bookmarker:
        name = filters.bookmarker
        bookmarks = bookmarks.filter(Q(pseud__name__iexact=name) | Q(user__username__iexact=name))
    for word in filters.bookmark_notes.split():
        bookmarks = bookmarks.filter(notes__icontains=word)
    if filters.with_notes:
        bookmarks = bookmarks.exclude(notes="")
    for value, columns, label in (
        (filters.date, ("created_at",), _("Date Bookmarked")),
        # A series bookmark's bookmarkable is updated when its series is.
        (filters.bookmarkable_date, ("work__revised_at", "series__updated_at"), _("Date Updated")),
    ):
        if not value:
            continue
        span = _when(value)
        if span is None:
            filters.errors.append(
                _(
                    "%(field)s: “%(value)s” is not a date we can read; try “<2 weeks”, "
                    "“>1 year” or 2024-05-01."
                )
                % {"field": label, "value": value}
            )
            return bookmarks.none()
        bookmarks = bookmarks.filter(_in_range(columns, span))
    return bookmarks


def apply_bookmark_filters(
    bookmarks: QuerySet[Bookmark], filters: BookmarkFilters
) -> QuerySet[Bookmark]:
    """`bookmarks` narrowed by `filters`. Named tags stand for their family (synonyms and
    subtags); a tag named to include that does not exist matches nothing. Work tags are a
    work bookmark's; a series bookmark has only its bookmarker's tags."""
    if filters.rec:
        bookmarks = bookmarks.filter(rec=True)
    for word in filters.query.split():
        bookmarks = bookmarks.filter(notes__icontains=word)
    bookmarks = _search_fields(bookmarks, filters)
    ticked = filters.include_work_tag_ids | filters.include_bookmark_tag_ids
    ticked |= filters.exclude_work_tag_ids | filters.exclude_bookmark_tag_ids
    families = _families_by_id(ticked)
    for tag_id in filters.include_work_tag_ids:
        bookmarks = bookmarks.filter(_work_has(families.get(tag_id, {tag_id})))
    for tag_id in filters.include_bookmark_tag_ids:
        bookmarks = bookmarks.filter(_bookmark_has(families.get(tag_id, {tag_id})))
    for tag_id in filters.exclude_work_tag_ids:
        bookmarks = bookmarks.exclude(_work_has(families.get(tag_id, {tag_id})))
    for tag_id in filters.exclude_bookmark_tag_ids:
        bookmarks = bookmarks.exclude(_bookmark_has(families.get(tag_id, {tag_id})))
    for names, has in (
        (filters.work_tag_names, _work_has),
        (filters.bookmark_tag_names, _bookmark_has),
    ):
        tags = _tags_named(names)
        if len(tags) < len(names):
            return bookmarks.none()
        for family in _families(tags):
            bookmarks = bookmarks.filter(has(family))
    excluded = _tags_named(filters.excluded_tag_names)
    for family in _families(excluded):
        # AO3's "Other tags to exclude" leaves out the work's tags and the bookmarker's alike.
        bookmarks = bookmarks.exclude(_work_has(family)).exclude(_bookmark_has(family))
    for family in _families(_tags_named(filters.excluded_bookmark_tag_names)):
        bookmarks = bookmarks.exclude(_bookmark_has(family))
    if filters.sort_column == "bookmarkable_date":
        # A series bookmark sorts by when its series last changed.
        updated = Coalesce("work__revised_at", "series__updated_at")
        bookmarks = bookmarks.order_by(updated.desc(), "-id")
    return bookmarks


def find_bookmarks(
    viewer: Viewer, bookmarks: QuerySet[Bookmark], filters: BookmarkFilters, page: str | None
) -> BookmarkResults:
    """A page of `bookmarks` (already the viewer's to list) narrowed by `filters`, with the
    sidebar's facets over every page; a fixed number of queries. A bad or out-of-range `page`
    gives the nearest real page."""
    filtered = apply_bookmark_filters(bookmarks, filters)
    paginator = Paginator(
        bookmark_queries.listing(viewer, filtered),
        settings.WORKS_PER_PAGE,
        allow_empty_first_page=True,
    )
    shown = paginator.get_page(page)
    groups, own_tags = bookmark_facets(viewer, filtered, filters)
    return BookmarkResults(shown, filters, groups, own_tags)
