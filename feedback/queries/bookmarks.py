"""Reading bookmarks. Every read takes the viewer and goes through `access.visibility`:
listings and counts use `listable_bookmarks_q`, one bookmark by id uses `bookmark_access`.

A bookmark is of a work or of a series. A series bookmark's tags, for the tag listings and
filters, are the bookmarker's own (a series carries no tags of its own); work tags and the
work-tag facets concern work bookmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from access.getters import findable_tag, numbered_series_parts
from access.visibility import Access, bookmark_access, listable_bookmarks_q
from lifestream.core.errors import LoginRequired
from tags import queries as tag_queries
from tags.models import Tag, tags_named
from works.models import Creatorship, Gift, Series, Work
from works.series_queries import with_series_blurb_data

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


def bookmarks_of_series(viewer: Viewer, series: Series) -> QuerySet[Bookmark]:
    """A series' bookmarks as `viewer` may list them (none when it has no part they may list)."""
    return visible_bookmarks(viewer).filter(series=series)


def _on_family(tag_ids: set[int]) -> Q:
    """The bookmark's work carries one of `tag_ids`, or the bookmarker tagged it with one (a
    series bookmark: the latter only)."""
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
    name = " ".join(name.split())
    on_bookmark = Exists(
        Bookmark.tags.through.objects.filter(
            tag_id=OuterRef("pk"),
            bookmark__in=Bookmark.objects.filter(listable_bookmarks_q(viewer)),
        )
    )
    return (
        findable_tag(viewer, name)
        or tags_named(name).select_related("merger").filter(on_bookmark).first()
    )


def listing(
    viewer: Viewer, bookmarks: QuerySet[Bookmark], *, blurbs: bool = True
) -> QuerySet[Bookmark]:
    """What a bookmark blurb shows (the work's blurb, or the series' with the numbers of the
    parts `viewer` may list; the bookmarker, their tags), in a fixed number of queries for any
    number of bookmarks. With `blurbs`, a work's series ("Part N of") and gifts too."""
    shown = bookmarks.select_related("pseud__user", "work__stats").prefetch_related(
        "work__hit_counts",
        Prefetch("work__tags", queryset=Tag.objects.order_by("name")),
        Prefetch(
            "work__creatorships",
            queryset=Creatorship.objects.select_related("pseud__user").order_by("position", "id"),
        ),
        Prefetch("series", queryset=with_series_blurb_data(viewer, Series.objects.all())),
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
    )
    if not blurbs:
        return shown
    return shown.prefetch_related(
        Prefetch(
            "work__series_parts", queryset=numbered_series_parts(viewer), to_attr="blurb_series"
        ),
        Prefetch(
            "work__gifts",
            queryset=Gift.objects.filter(rejected=False).select_related("pseud__user"),
            to_attr="blurb_gifts",
        ),
    )


def get_bookmark_for_viewer(viewer: Viewer, bookmark_id: int) -> Bookmark:
    """One bookmark, if `viewer` may see it (404, or LoginRequired for a guest when the work is
    restricted, or the series' parts are)."""
    bookmark = listing(viewer, Bookmark.objects.filter(pk=bookmark_id)).first()
    if bookmark is None:
        raise Http404(gettext("No such bookmark."))
    access = bookmark_access(viewer, bookmark)
    if access is Access.HIDDEN:
        raise Http404(gettext("No such bookmark."))
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    return bookmark


def get_bookmark_for_owner(viewer: Viewer, bookmark_id: int) -> Bookmark:
    """One bookmark to change or delete: the bookmarker's alone. Others who may see it are
    refused (403); those who may not get a 404."""
    bookmark = get_bookmark_for_viewer(viewer, bookmark_id)
    if not viewer.is_authenticated or bookmark.user_id != viewer.pk:
        raise PermissionDenied(gettext("Only the bookmarker can change a bookmark."))
    return bookmark


def own_bookmark_id(user: Viewer, work: Work) -> int | None:
    """The id of `user`'s bookmark of `work`, if they have one."""
    if not user.is_authenticated:
        return None
    return Bookmark.objects.filter(user_id=user.pk, work=work).values_list("pk", flat=True).first()


def own_series_bookmark_id(user: Viewer, series: Series) -> int | None:
    """The id of `user`'s bookmark of `series`, if they have one."""
    if not user.is_authenticated:
        return None
    mine = Bookmark.objects.filter(user_id=user.pk, series=series)
    return mine.values_list("pk", flat=True).first()


def series_bookmark_count(viewer: Viewer, series: Series) -> int:
    """The series page's "Bookmarks:": the series' bookmarks `viewer` may list."""
    return bookmarks_of_series(viewer, series).count()
