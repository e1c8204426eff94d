"""Permission-checked getters: the one way to load a work, a chapter or a tag that a viewer
asked for, and the works and tags a viewer may find. Anything the viewer may not see is 404
(`Http404`), a restricted work for a logged-out visitor `LoginRequired`, a change by someone
who is not a creator `PermissionDenied`. The rules themselves are in `access.visibility`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext

from archive_collections.models import Collection, CollectionItem, approved_q
from lifestream.core.errors import LoginRequired
from news.models import AdminPost
from tags.models import Tag, tags_named
from works.models import Chapter, Creatorship, Gift, Series, SeriesCreatorship, SeriesPart, Work

from .visibility import (
    Access,
    download_access,
    is_creator,
    is_mystery,
    is_released,
    is_series_creator,
    listable_series_parts_q,
    listable_works_q,
    released_q,
    series_access,
    work_access,
)

if TYPE_CHECKING:
    from .visibility import Viewer


def with_blurb_data(works: QuerySet[Work]) -> QuerySet[Work]:
    """What a blurb or a work page shows, in a fixed number of queries for any number of works.
    The numbers (`stats`, a row per work) come in the same query; the hit shards in one more."""
    return works.select_related("stats").prefetch_related(
        "hit_counts",
        Prefetch("tags", queryset=Tag.objects.order_by("name")),
        Prefetch(
            "creatorships",
            queryset=Creatorship.objects.select_related("pseud__user").order_by("position", "id"),
        ),
    )


def numbered_series_parts(viewer: Viewer) -> QuerySet[SeriesPart]:
    """Series parts, each with its series and its `number` among the parts of that series
    `viewer` may list (counting itself), as the work page numbers it: a draft, a restricted part
    for a guest or a muted creator's part before it leaves no gap that tells."""
    before = (
        SeriesPart.objects.filter(listable_series_parts_q(viewer), series_id=OuterRef("series_id"))
        .filter(
            Q(position__lt=OuterRef("position"))
            | Q(position=OuterRef("position"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("series_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        SeriesPart.objects.select_related("series")
        .only("work_id", "position", "series__id", "series__title")
        .annotate(number=Coalesce(Subquery(before), 0) + 1)
        .order_by("id")
    )


def with_blurbs_for(viewer: Viewer, works: QuerySet[Work]) -> QuerySet[Work]:
    """What a listing's blurbs show `viewer`: the blurb data, each work's series as "Part N of
    TITLE" (`blurb_series`, numbered for `viewer`) and who it is for (`blurb_gifts`, the gifts
    not refused), in two more queries for any number of works."""
    return with_blurb_data(works).prefetch_related(
        Prefetch("series_parts", queryset=numbered_series_parts(viewer), to_attr="blurb_series"),
        Prefetch(
            "gifts",
            queryset=Gift.objects.filter(rejected=False).select_related("pseud__user"),
            to_attr="blurb_gifts",
        ),
    )


def visible_works(viewer: Viewer) -> QuerySet[Work]:
    """Works `viewer` may find in listings and counts, newest update first."""
    return Work.objects.filter(listable_works_q(viewer)).order_by("-revised_at", "-id")


def _get_work(work_id: int) -> Work:
    work = with_blurb_data(Work.objects.filter(pk=work_id)).first()
    if work is None:
        raise Http404(gettext("No such work."))
    return work


class MysteryWork(Http404):
    """A work in an unrevealed collection, asked for by someone who may not see it yet
    (`access.visibility.is_mystery`): a 404 to every caller but the work page, which shows
    the "Mystery Work" page instead."""

    def __init__(self, work: Work) -> None:
        super().__init__(gettext("No such work."))
        self.work = work


def get_work_for_reader(viewer: Viewer, work_id: int) -> Work:
    """The work if `viewer` may read it. Drafts of others are 404, restricted works for
    logged-out visitors raise LoginRequired, an unrevealed work `MysteryWork` (a 404)."""
    work = _get_work(work_id)
    access = work_access(viewer, work)
    if access is Access.HIDDEN:
        if is_mystery(viewer, work):
            raise MysteryWork(work)
        raise Http404(gettext("No such work."))
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    return work


def listed_collections(work: Work) -> list[Collection]:
    """The collections that list `work` (both sides approved), for its `dd.collections`; the
    caller has let the viewer read the work (an unrevealed one: its creators, moderators)."""
    items = CollectionItem.objects.filter(approved_q(), work=work).values("collection_id")
    return list(Collection.objects.filter(pk__in=items).order_by("title", "id"))


def get_work_for_download(viewer: Viewer, work_id: int) -> tuple[Work, list[Chapter]]:
    """A posted work `viewer` may read, with its posted chapters in order (never drafts, never
    a chapter before its release time)."""
    work = _get_work(work_id)
    access = download_access(viewer, work)
    if access is Access.HIDDEN:
        raise Http404(gettext("No such work."))
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    return work, list(work.chapters.filter(released_q()).order_by("position"))


def get_work_for_editor(viewer: Viewer, work_id: int) -> Work:
    """The work if `viewer` is one of its creators; 404 where they could not even read it."""
    work = get_work_for_reader(viewer, work_id)
    if not is_creator(viewer, work):
        raise PermissionDenied(gettext("Only the work's creators can change it."))
    return work


def get_chapter_for_reader(viewer: Viewer, chapter_id: int) -> Chapter:
    """The chapter, with its work, if `viewer` may read both (a draft chapter: its creators)."""
    chapter = Chapter.objects.filter(pk=chapter_id).first()
    if chapter is None:
        raise Http404(gettext("No such chapter."))
    work = get_work_for_reader(viewer, chapter.work_id)
    if not is_released(chapter) and not is_creator(viewer, work):
        raise Http404(gettext("No such chapter."))
    chapter.work = work
    return chapter


def get_chapter_for_editor(viewer: Viewer, chapter_id: int) -> Chapter:
    chapter = get_chapter_for_reader(viewer, chapter_id)
    if not is_creator(viewer, chapter.work):
        raise PermissionDenied(gettext("Only the work's creators can change it."))
    return chapter


def get_series_for_reader(viewer: Viewer, series_id: int) -> Series:
    """The series, with its creators, if `viewer` may read it (see `series_access`). Its parts
    are read by the caller through `listable_series_parts_q`."""
    series = (
        Series.objects.filter(pk=series_id)
        .prefetch_related(
            Prefetch(
                "creatorships",
                queryset=SeriesCreatorship.objects.select_related("pseud__user"),
            )
        )
        .first()
    )
    if series is None:
        raise Http404(gettext("No such series."))
    access = series_access(viewer, series)
    if access is Access.HIDDEN:
        raise Http404(gettext("No such series."))
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    return series


def get_series_for_editor(viewer: Viewer, series_id: int) -> Series:
    """The series if `viewer` is one of its creators."""
    series = get_series_for_reader(viewer, series_id)
    if not is_series_creator(viewer, series):
        raise PermissionDenied(gettext("Only the series' creators can change it."))
    return series


def on_listable_work(viewer: Viewer) -> Exists:
    """For a Tag queryset: the tag is on at least one work `viewer` could find in a listing."""
    return Exists(
        Work.tags.through.objects.filter(
            tag=OuterRef("pk"), work__in=Work.objects.filter(listable_works_q(viewer))
        )
    )


def findable_tags(viewer: Viewer, tags: QuerySet[Tag]) -> QuerySet[Tag]:
    """Tags `viewer` may know exist: wrangled ones (canonical, synonyms, and the archive's fixed
    tags) and any on a work the viewer can find. A tag typed only on someone's draft, or only
    on restricted works for a logged-out visitor, stays unknown (to wranglers and admins
    too: the unwrangled bin only holds tags on posted works)."""
    return tags.filter(Q(canonical=True) | Q(merger__isnull=False) | on_listable_work(viewer))


def findable_tag(
    viewer: Viewer, name: str | None = None, *, tag_id: int | None = None
) -> Tag | None:
    """The tag called `name` (in any case), or with id `tag_id`, with its canonical tag, if
    `viewer` may know it exists; else None."""
    chosen = Tag.objects.filter(pk=tag_id) if tag_id is not None else tags_named(name or "")
    return findable_tags(viewer, chosen).select_related("merger").first()


def get_admin_post(viewer: Viewer, post_id: int) -> AdminPost:
    """A piece of site news: public to every viewer; 404 when there is no such post."""
    post = AdminPost.objects.select_related("author").filter(pk=post_id).first()
    if post is None:
        raise Http404(gettext("No such news post."))
    return post
