"""Reading a listing's parameters, kept in the reader's words so the form can show them again:

- `work_search[…]` (AO3's `WorkSearchForm` attributes): query, title, creators, complete,
  crossover, single_chapter, word_count, words_from/words_to, date_from/date_to, hits,
  kudos_count, comments_count, bookmarks_count, language_id, fandom_names, character_names,
  relationship_names, freeform_names, rating_ids, archive_warning_ids[], category_ids[],
  other_tag_names, excluded_tag_names, sort_column, sort_direction;
- `include_work_search[<kind>_ids][]` and `exclude_work_search[<kind>_ids][]` from the sidebar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy

from lifestream.core.ids import parse_ids
from tags.models import TagKind
from tags.services import split_tag_names

# The sidebar's groups of the works' tags, for every listing: kind, label, the id stem of AO3's
# `#include_<stem>_tags`, and the parameter (`include_work_search[<param>][]`,
# `include_bookmark_search[<param>][]`).
TAG_GROUPS = (
    (TagKind.RATING, gettext_lazy("Ratings"), "rating", "rating_ids"),
    (TagKind.WARNING, gettext_lazy("Warnings"), "archive_warning", "archive_warning_ids"),
    (TagKind.CATEGORY, gettext_lazy("Categories"), "category", "category_ids"),
    (TagKind.FANDOM, gettext_lazy("Fandoms"), "fandom", "fandom_ids"),
    (TagKind.CHARACTER, gettext_lazy("Characters"), "character", "character_ids"),
    (TagKind.RELATIONSHIP, gettext_lazy("Relationships"), "relationship", "relationship_ids"),
    (TagKind.FREEFORM, gettext_lazy("Additional Tags"), "freeform", "freeform_ids"),
)
MAX_PAGE = 10_000_000
# AO3's parameter names for each kind's ids.
KIND_PARAMS = {kind: param for kind, _, _, param in TAG_GROUPS}
# The collections facet: one more group in the sidebar, after the tags'.
COLLECTION_GROUP = ("collection", gettext_lazy("Collections"), "collection", "collection_ids")
SORT_OPTIONS = (
    ("_score", gettext_lazy("Best Match")),
    ("authors_to_sort_on", gettext_lazy("Creator")),
    ("title_to_sort_on", gettext_lazy("Title")),
    ("created_at", gettext_lazy("Date Posted")),
    ("revised_at", gettext_lazy("Date Updated")),
    ("word_count", gettext_lazy("Word Count")),
    ("hits", gettext_lazy("Hits")),
    ("kudos_count", gettext_lazy("Kudos")),
    ("comments_count", gettext_lazy("Comments")),
    ("bookmarks_count", gettext_lazy("Bookmarks")),
)


def read_number(text_value: str) -> int | None:
    digits = text_value.replace(",", "").strip()
    if not digits.isdecimal() or len(digits) > 15:
        return None
    return int(digits)


@dataclass
class SearchRequest:
    """Parsed parameters, kept in the user's words so forms can show them again."""

    params: dict[str, Any] = field(default_factory=dict)  # work_search[...] values
    include: dict[str, list[int]] = field(default_factory=dict)  # kind → tag ids
    exclude: dict[str, list[int]] = field(default_factory=dict)
    include_collections: list[int] = field(default_factory=list)  # the collection facet's ids
    exclude_collections: list[int] = field(default_factory=list)
    page: int = 1
    errors: list[str] = field(default_factory=list)

    def get(self, name: str, default: Any = "") -> Any:
        value = self.params.get(name, default)
        return default if value is None else value


def _ids(values: list[str]) -> list[int]:
    return parse_ids(values)


def _fields(query: QueryDict, search: str) -> dict[str, list[str]]:
    """The values of `<search>[<name>]` (and `<search>[<name>][]`) by name."""
    prefix = f"{search}["
    fields = {}
    for key in query:
        if key.startswith(prefix) and (key.endswith("]") or "][" in key):
            fields[key[len(prefix) :].split("]", 1)[0]] = query.getlist(key)
    return fields


def _scoped_ids(query: QueryDict, scope: str, param: str) -> list[int]:
    """The ids a sidebar ticked: `<scope>[<param>][]`, or without the brackets as some
    clients send them."""
    return _ids(query.getlist(f"{scope}[{param}][]") + query.getlist(f"{scope}[{param}]"))


def read_request(query: QueryDict) -> SearchRequest:
    """Pick AO3's parameters out of a query string; unknown ones are ignored."""
    request = SearchRequest()
    for name, values in _fields(query, "work_search").items():
        if name in {"archive_warning_ids", "category_ids", "rating_ids"}:
            request.params[name] = _ids(values)
        else:
            request.params[name] = values[-1][:2000]
    for scope, target in (
        ("include_work_search", request.include),
        ("exclude_work_search", request.exclude),
    ):
        for kind, param in KIND_PARAMS.items():
            ids = _scoped_ids(query, scope, param)
            if ids:
                target[kind] = ids
    request.include_collections = _scoped_ids(query, "include_work_search", COLLECTION_GROUP[3])
    request.exclude_collections = _scoped_ids(query, "exclude_work_search", COLLECTION_GROUP[3])
    page_text = query.get("page", "1").strip()
    page = (
        MAX_PAGE if page_text.isdecimal() and len(page_text) > 15 else read_number(page_text) or 1
    )
    request.page = max(1, min(page, MAX_PAGE))
    return request


# --- bookmarks ------------------------------------------------------------------------------

BOOKMARKER_TAG_PARAM = "tag_ids"  # the bookmarkers' own tags
# AO3's "Type" choices (`bookmarkable_type`); this archive has no external works.
BOOKMARKABLE_TYPES = (
    ("Work", gettext_lazy("Works")),
    ("Series", gettext_lazy("Series")),
)
BOOKMARK_SORT_OPTIONS = (
    ("created_at", gettext_lazy("Date Bookmarked")),
    ("bookmarkable_date", gettext_lazy("Date Updated")),
)
QUERY_MAX = 200


@dataclass
class BookmarkFilters:
    """A listing's filters, read from AO3's parameter names (`bookmark_search[...]`,
    `include_bookmark_search[...][]`, `exclude_bookmark_search[...][]`)."""

    rec: bool = False
    query: str = ""
    work_tag_names: list[str] = field(default_factory=list)
    bookmark_tag_names: list[str] = field(default_factory=list)
    excluded_tag_names: list[str] = field(default_factory=list)
    excluded_bookmark_tag_names: list[str] = field(default_factory=list)
    include_work_tag_ids: set[int] = field(default_factory=set)
    exclude_work_tag_ids: set[int] = field(default_factory=set)
    include_bookmark_tag_ids: set[int] = field(default_factory=set)
    exclude_bookmark_tag_ids: set[int] = field(default_factory=set)
    sort_column: str = "created_at"
    # The search page's fields (`/bookmarks/search`), AO3's names; kept as typed.
    bookmarkable_query: str = ""
    bookmarkable_type: str = ""
    language_id: str = ""
    bookmarkable_date: str = ""
    bookmarker: str = ""
    bookmark_notes: str = ""
    with_notes: bool = False
    date: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def asked(self) -> bool:
        """Whether anything narrows the bookmarks (the search page shows results only then)."""
        return bool(
            self.rec
            or self.with_notes
            or any(value.strip() for key, value in self.params.items() if key != "sort_column")
            or self.include_work_tag_ids
            or self.exclude_work_tag_ids
            or self.include_bookmark_tag_ids
            or self.exclude_bookmark_tag_ids
        )

    @property
    def params(self) -> dict[str, str]:
        """The text fields as the sidebar and the search form show them back."""
        return {
            "bookmarkable_query": self.bookmarkable_query,
            "bookmarkable_type": self.bookmarkable_type,
            "language_id": self.language_id,
            "bookmarkable_date": self.bookmarkable_date,
            "bookmarker": self.bookmarker,
            "bookmark_notes": self.bookmark_notes,
            "date": self.date,
            "bookmark_query": self.query,
            "other_tag_names": ", ".join(self.work_tag_names),
            "other_bookmark_tag_names": ", ".join(self.bookmark_tag_names),
            "excluded_tag_names": ", ".join(self.excluded_tag_names),
            "excluded_bookmark_tag_names": ", ".join(self.excluded_bookmark_tag_names),
            "sort_column": self.sort_column,
        }


def read_bookmark_filters(query: QueryDict) -> BookmarkFilters:
    """The filters in a listing's URL; anything unreadable is ignored, never an error page."""

    fields = _fields(query, "bookmark_search")

    def text(name: str) -> str:
        return (fields.get(name) or [""])[-1].strip()[: QUERY_MAX * 5]

    def many(scope: str, param: str) -> set[int]:
        return set(_scoped_ids(query, scope, param))

    include_work: set[int] = set()
    exclude_work: set[int] = set()
    for _, _, _, param in TAG_GROUPS:
        include_work |= many("include_bookmark_search", param)
        exclude_work |= many("exclude_bookmark_search", param)
    sort = text("sort_column")

    def short(name: str) -> str:
        return " ".join(text(name).split())[:QUERY_MAX]

    def ticked(name: str) -> bool:
        return text(name).lower() in {"1", "t", "true", "on"}

    return BookmarkFilters(
        bookmarkable_query=short("bookmarkable_query"),
        bookmarkable_type=short("bookmarkable_type"),
        language_id=short("language_id"),
        bookmarkable_date=short("bookmarkable_date"),
        bookmarker=short("bookmarker"),
        bookmark_notes=short("bookmark_notes"),
        with_notes=ticked("with_notes"),
        date=short("date"),
        rec=ticked("rec"),
        query=" ".join(text("bookmark_query").split())[:QUERY_MAX],
        work_tag_names=split_tag_names(text("other_tag_names")),
        bookmark_tag_names=split_tag_names(text("other_bookmark_tag_names")),
        excluded_tag_names=split_tag_names(text("excluded_tag_names")),
        excluded_bookmark_tag_names=split_tag_names(text("excluded_bookmark_tag_names")),
        include_work_tag_ids=include_work,
        exclude_work_tag_ids=exclude_work,
        include_bookmark_tag_ids=many("include_bookmark_search", BOOKMARKER_TAG_PARAM),
        exclude_bookmark_tag_ids=many("exclude_bookmark_search", BOOKMARKER_TAG_PARAM),
        sort_column=sort if sort in dict(BOOKMARK_SORT_OPTIONS) else "created_at",
    )
