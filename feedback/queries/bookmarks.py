"""Reading bookmarks. Every read takes the viewer and goes through `access.visibility`:
listings and counts use `listable_bookmarks_q`, one bookmark by id uses `bookmark_access`."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, QueryDict

from access.visibility import Access, bookmark_access, listable_bookmarks_q
from lifestream.core.errors import LoginRequired
from lifestream.core.forms import submitted_ids
from tags import queries as tag_queries
from tags.models import Tag, TagKind
from tags.services import split_tag_names
from works import queries as work_queries
from works.models import Creatorship, Work

from ..models import Bookmark

if TYPE_CHECKING:
    from access.visibility import Viewer
    from people.models import Pseud, User


def visible_bookmarks(viewer: Viewer) -> QuerySet[Bookmark]:
    """Bookmarks `viewer` may find in listings and counts, newest first."""
    return Bookmark.objects.filter(listable_bookmarks_q(viewer)).order_by("-created_at", "-id")


def bookmarks_of_user(viewer: Viewer, user: User) -> QuerySet[Bookmark]:
    return visible_bookmarks(viewer).filter(user=user)


def bookmarks_of_pseud(viewer: Viewer, pseud: Pseud) -> QuerySet[Bookmark]:
    return visible_bookmarks(viewer).filter(pseud=pseud)


def bookmarks_of_work(viewer: Viewer, work: Work) -> QuerySet[Bookmark]:
    """A work's bookmarks as `viewer` may list them: public ones, and the viewer's own."""
    return visible_bookmarks(viewer).filter(work=work)


def _on_family(tag_ids: set[int]) -> Q:
    """The bookmark's work carries one of `tag_ids`, or the bookmarker tagged it with one."""
    on_work = Work.tags.through.objects.filter(work_id=OuterRef("work_id"), tag_id__in=tag_ids)
    on_bookmark = Bookmark.tags.through.objects.filter(
        bookmark_id=OuterRef("pk"), tag_id__in=tag_ids
    )
    return Q(Exists(on_work)) | Q(Exists(on_bookmark))


def tagged(bookmarks: QuerySet[Bookmark], tag: Tag) -> QuerySet[Bookmark]:
    """Those of `bookmarks` of works in the tag's family (synonyms, subtags), or tagged with
    one of them by the bookmarker."""
    return bookmarks.filter(_on_family(tag_queries.family_ids(tag)))


def bookmarks_tagged(viewer: Viewer, tag: Tag) -> QuerySet[Bookmark]:
    """Bookmarks in the listing of `tag`."""
    return tagged(visible_bookmarks(viewer), tag)


def findable_bookmark_tag(viewer: Viewer, name: str) -> Tag | None:
    """A tag by name if `viewer` may know it exists: one the tag pages show them, or one on a
    bookmark they may list (a bookmarker's own tag may be on no work at all)."""
    tags = tag_queries.tags_named(" ".join(name.split())).select_related("merger")
    on_bookmark = Exists(
        Bookmark.tags.through.objects.filter(
            tag_id=OuterRef("pk"),
            bookmark__in=Bookmark.objects.filter(listable_bookmarks_q(viewer)),
        )
    )
    findable = work_queries.findable_tags(viewer, tags)
    return findable.first() or tags.filter(on_bookmark).first()


def listing(bookmarks: QuerySet[Bookmark]) -> QuerySet[Bookmark]:
    """What a bookmark blurb shows (the work's blurb, the bookmarker, their tags), in a fixed
    number of queries for any number of bookmarks."""
    return bookmarks.select_related("pseud__user", "work__stats").prefetch_related(
        "work__hit_counts",
        Prefetch("work__tags", queryset=Tag.objects.order_by("name")),
        Prefetch(
            "work__creatorships",
            queryset=Creatorship.objects.select_related("pseud__user").order_by("position", "id"),
        ),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )


def get_bookmark_for_viewer(viewer: Viewer, bookmark_id: int) -> Bookmark:
    """One bookmark, if `viewer` may see it (404, or LoginRequired for a guest when the work is
    restricted)."""
    bookmark = listing(Bookmark.objects.filter(pk=bookmark_id)).first()
    if bookmark is None:
        raise Http404("No such bookmark.")
    access = bookmark_access(viewer, bookmark)
    if access is Access.HIDDEN:
        raise Http404("No such bookmark.")
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    return bookmark


def get_bookmark_for_owner(viewer: Viewer, bookmark_id: int) -> Bookmark:
    """One bookmark to change or delete: the bookmarker's alone. Others who may see it are
    refused (403); those who may not get a 404."""
    bookmark = get_bookmark_for_viewer(viewer, bookmark_id)
    if not viewer.is_authenticated or bookmark.user_id != viewer.pk:
        raise PermissionDenied("Only the bookmarker can change a bookmark.")
    return bookmark


def own_bookmark_id(user: Viewer, work: Work) -> int | None:
    """The id of `user`'s bookmark of `work`, if they have one."""
    if not user.is_authenticated:
        return None
    return Bookmark.objects.filter(user_id=user.pk, work=work).values_list("pk", flat=True).first()


# --- filtering --------------------------------------------------------------------------------

# The sidebar's groups of the works' tags: kind, label, the id stem of AO3's `#include_<stem>_tags`
# and the parameter (`include_bookmark_search[<param>][]`).
WORK_TAG_GROUPS = (
    (TagKind.RATING, "Ratings", "rating", "rating_ids"),
    (TagKind.WARNING, "Warnings", "archive_warning", "archive_warning_ids"),
    (TagKind.CATEGORY, "Categories", "category", "category_ids"),
    (TagKind.FANDOM, "Fandoms", "fandom", "fandom_ids"),
    (TagKind.CHARACTER, "Characters", "character", "character_ids"),
    (TagKind.RELATIONSHIP, "Relationships", "relationship", "relationship_ids"),
    (TagKind.FREEFORM, "Additional Tags", "freeform", "freeform_ids"),
)
BOOKMARKER_TAG_PARAM = "tag_ids"  # the bookmarkers' own tags
FACETS_PER_GROUP = 10
SORT_OPTIONS = (("created_at", "Date Bookmarked"), ("bookmarkable_date", "Date Updated"))
QUERY_MAX = 200


@dataclasses.dataclass
class BookmarkFilters:
    """A listing's filters, read from AO3's parameter names (`bookmark_search[...]`,
    `include_bookmark_search[...][]`, `exclude_bookmark_search[...][]`)."""

    rec: bool = False
    query: str = ""
    work_tag_names: list[str] = dataclasses.field(default_factory=list)
    bookmark_tag_names: list[str] = dataclasses.field(default_factory=list)
    excluded_tag_names: list[str] = dataclasses.field(default_factory=list)
    excluded_bookmark_tag_names: list[str] = dataclasses.field(default_factory=list)
    include_work_tag_ids: set[int] = dataclasses.field(default_factory=set)
    exclude_work_tag_ids: set[int] = dataclasses.field(default_factory=set)
    include_bookmark_tag_ids: set[int] = dataclasses.field(default_factory=set)
    exclude_bookmark_tag_ids: set[int] = dataclasses.field(default_factory=set)
    sort_column: str = "created_at"

    @property
    def params(self) -> dict[str, str]:
        """The text fields as the sidebar shows them back."""
        return {
            "bookmark_query": self.query,
            "other_tag_names": ", ".join(self.work_tag_names),
            "other_bookmark_tag_names": ", ".join(self.bookmark_tag_names),
            "excluded_tag_names": ", ".join(self.excluded_tag_names),
            "excluded_bookmark_tag_names": ", ".join(self.excluded_bookmark_tag_names),
            "sort_column": self.sort_column,
        }


def read_filters(query: QueryDict) -> BookmarkFilters:
    """The filters in a listing's URL; anything unreadable is ignored, never an error page."""

    def text(name: str) -> str:
        return query.get(f"bookmark_search[{name}]", "").strip()[: QUERY_MAX * 5]

    def many(scope: str, param: str) -> set[int]:
        values = query.getlist(f"{scope}[{param}][]") + query.getlist(f"{scope}[{param}]")
        return set(submitted_ids([value.strip() for value in values]))

    include_work: set[int] = set()
    exclude_work: set[int] = set()
    for _, _, _, param in WORK_TAG_GROUPS:
        include_work |= many("include_bookmark_search", param)
        exclude_work |= many("exclude_bookmark_search", param)
    sort = text("sort_column")
    return BookmarkFilters(
        rec=text("rec").lower() in {"1", "t", "true", "on"},
        query=" ".join(text("bookmark_query").split())[:QUERY_MAX],
        work_tag_names=split_tag_names(text("other_tag_names")),
        bookmark_tag_names=split_tag_names(text("other_bookmark_tag_names")),
        excluded_tag_names=split_tag_names(text("excluded_tag_names")),
        excluded_bookmark_tag_names=split_tag_names(text("excluded_bookmark_tag_names")),
        include_work_tag_ids=include_work,
        exclude_work_tag_ids=exclude_work,
        include_bookmark_tag_ids=many("include_bookmark_search", BOOKMARKER_TAG_PARAM),
        exclude_bookmark_tag_ids=many("exclude_bookmark_search", BOOKMARKER_TAG_PARAM),
        sort_column=sort if sort in dict(SORT_OPTIONS) else "created_at",
    )


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


def apply_filters(bookmarks: QuerySet[Bookmark], filters: BookmarkFilters) -> QuerySet[Bookmark]:
    """`bookmarks` narrowed by `filters`. Named tags stand for their family (synonyms and
    subtags); a tag named to include that does not exist matches nothing."""
    if filters.rec:
        bookmarks = bookmarks.filter(rec=True)
    for word in filters.query.split():
        bookmarks = bookmarks.filter(notes__icontains=word)
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
        bookmarks = bookmarks.order_by("-work__revised_at", "-id")
    return bookmarks


@dataclasses.dataclass
class Facet:
    tag: Tag
    count: int
    included: bool
    excluded: bool


def _top(
    tags: dict[int, Tag], counts: Counter[int], candidates: set[int], chosen: set[int]
) -> list[Tag]:
    """The most common of `candidates`, then any `chosen` (ticked) ones that fell out, so a
    ticked box can always be unticked."""
    ranked = sorted(
        (tags[tag_id] for tag_id in candidates if tag_id in tags),
        key=lambda tag: (-counts[tag.pk], tag.name.casefold()),
    )
    top = ranked[:FACETS_PER_GROUP]
    top += [tag for tag in ranked[FACETS_PER_GROUP:] if tag.pk in chosen]
    return top


def _known_tag_ids(viewer: Viewer, work_ids: set[int], own_ids: set[int]) -> set[int]:
    """Of the tag ids a URL ticked, those `viewer` may know exist: a work tag the tag pages
    would show them, or a bookmarker's tag on a bookmark they may list. An id typed for a tag
    that is only on someone's draft or private bookmark stays nameless."""
    if not work_ids and not own_ids:
        return set()
    known = set(
        work_queries.findable_tags(
            viewer, Tag.objects.filter(pk__in=work_ids | own_ids)
        ).values_list("pk", flat=True)
    )
    if own_ids - known:
        known |= set(
            Bookmark.tags.through.objects.filter(
                tag_id__in=own_ids - known,
                bookmark__in=Bookmark.objects.filter(listable_bookmarks_q(viewer)),
            ).values_list("tag_id", flat=True)
        )
    return known


def facets(
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
    groups = []
    for kind, label, stem, param in WORK_TAG_GROUPS:
        of_kind = {tag_id for tag_id in set(work_counts) | ticked_work if tag_id in tags}
        of_kind = {tag_id for tag_id in of_kind if tags[tag_id].kind == kind}
        shown = _top(tags, work_counts, of_kind, ticked_work)
        groups.append(
            {
                "label": label,
                "stem": stem,
                "param": param,
                "facets": [
                    Facet(
                        tag,
                        work_counts[tag.pk],
                        tag.pk in filters.include_work_tag_ids,
                        tag.pk in filters.exclude_work_tag_ids,
                    )
                    for tag in shown
                ],
            }
        )
    own = _top(tags, bookmark_counts, set(bookmark_counts) | ticked_own, ticked_own)
    bookmarker = [
        Facet(
            tag,
            bookmark_counts[tag.pk],
            tag.pk in filters.include_bookmark_tag_ids,
            tag.pk in filters.exclude_bookmark_tag_ids,
        )
        for tag in own
    ]
    return groups, bookmarker
