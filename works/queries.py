"""Reads of works and chapters. Every read that could leak takes the viewer."""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from access.visibility import (
    Access,
    download_access,
    is_creator,
    listable_chapters_q,
    listable_works_q,
    work_access,
)
from lifestream.core.errors import LoginRequired
from people.models import Pseud, User
from tags import queries as tag_queries
from tags.models import Tag

from .models import Chapter, Creatorship, Work

if TYPE_CHECKING:
    from access.visibility import Viewer


def _with_blurb_data(works: QuerySet[Work]) -> QuerySet[Work]:
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


def visible_works(viewer: Viewer) -> QuerySet[Work]:
    """Works `viewer` may find in listings and counts, newest update first."""
    return Work.objects.filter(listable_works_q(viewer)).order_by("-revised_at", "-id")


def listing(works: QuerySet[Work]) -> QuerySet[Work]:
    return _with_blurb_data(works)


def works_by_user(viewer: Viewer, user: User) -> QuerySet[Work]:
    return visible_works(viewer).filter(pseuds__user=user).distinct()


def works_by_pseud(viewer: Viewer, pseud: Pseud) -> QuerySet[Work]:
    return visible_works(viewer).filter(pseuds=pseud)


def works_tagged(viewer: Viewer, tag: Tag) -> QuerySet[Work]:
    """Works in the listing of `tag`: tagged with it, a synonym, a subtag or a subtag's synonym."""
    family = tag_queries.family_ids(tag)
    if len(family) == 1:
        return visible_works(viewer).filter(tags=tag)
    on_family = Work.tags.through.objects.filter(work=OuterRef("pk"), tag_id__in=family)
    return visible_works(viewer).filter(Exists(on_family))


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


def unwrangled_tags(kind: str, fandom: Tag | None = None) -> QuerySet[Tag]:
    """The unwrangled bin: tags of `kind` that are neither canonical, synonyms nor marked
    unwrangleable, used on at least one posted work (in `fandom`'s family, if given), with
    how many posted works use each. Tags used only on drafts are not wrangled yet."""
    works = Work.objects.filter(posted=True)
    if fandom is not None:
        works = works.filter(
            Exists(
                Work.tags.through.objects.filter(
                    work=OuterRef("pk"), tag_id__in=tag_queries.family_ids(fandom)
                )
            )
        )
    return (
        Tag.objects.filter(kind=kind, canonical=False, merger__isnull=True, unwrangleable=False)
        .filter(works__in=works)
        .annotate(uses=Count("works", distinct=True))
        .order_by(Lower("name"))
    )


def drafts_of(user: User) -> QuerySet[Work]:
    """A user's own drafts; only ever shown to that user."""
    return _with_blurb_data(
        Work.objects.filter(posted=False, pseuds__user=user).distinct().order_by("-updated_at")
    )


def _get_work(work_id: int) -> Work:
    work = _with_blurb_data(Work.objects.filter(pk=work_id)).first()
    if work is None:
        raise Http404("No such work.")
    return work


def get_work_for_reader(viewer: Viewer, work_id: int) -> Work:
    """The work if `viewer` may read it. Drafts of others are 404, restricted works for
    logged-out visitors raise LoginRequired."""
    work = _get_work(work_id)
    access = work_access(viewer, work)
    if access is Access.HIDDEN:
        raise Http404("No such work.")
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    return work


def get_work_for_download(viewer: Viewer, work_id: int) -> tuple[Work, list[Chapter]]:
    """A posted work `viewer` may read, with its posted chapters in order (never drafts)."""
    work = _get_work(work_id)
    access = download_access(viewer, work)
    if access is Access.HIDDEN:
        raise Http404("No such work.")
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    return work, list(work.chapters.filter(posted=True).order_by("position"))


def get_work_for_editor(viewer: Viewer, work_id: int) -> Work:
    """The work if `viewer` is one of its creators; 404 where they could not even read it."""
    work = get_work_for_reader(viewer, work_id)
    if not is_creator(viewer, work):
        raise PermissionDenied("Only the work's creators can change it.")
    return work


def chapters_for_reader(viewer: Viewer, work: Work) -> list[Chapter]:
    return list(work.chapters.filter(listable_chapters_q(viewer, work)).order_by("position"))


def chapter_index(viewer: Viewer, works: list[Work]) -> dict[int, list[Chapter]]:
    """The chapters each work lists for `viewer`, for any number of works in one query and
    without the chapter texts (an index needs titles, not bodies)."""
    if not works:
        return {}
    visible = functools.reduce(
        operator.or_, (Q(work=work) & listable_chapters_q(viewer, work) for work in works)
    )
    index: dict[int, list[Chapter]] = {work.pk: [] for work in works}
    chapters = (
        Chapter.objects.filter(visible)
        .only("id", "work_id", "position", "title", "word_count", "posted", "published_on")
        .order_by("work_id", "position")
    )
    for chapter in chapters:
        index[chapter.work_id].append(chapter)
    return index


def get_chapter_for_reader(viewer: Viewer, chapter_id: int) -> Chapter:
    chapter = Chapter.objects.filter(pk=chapter_id).first()
    if chapter is None:
        raise Http404("No such chapter.")
    work = get_work_for_reader(viewer, chapter.work_id)
    if not chapter.posted and not is_creator(viewer, work):
        raise Http404("No such chapter.")
    chapter.work = work
    return chapter


def get_chapter_for_editor(viewer: Viewer, chapter_id: int) -> Chapter:
    chapter = get_chapter_for_reader(viewer, chapter_id)
    if not is_creator(viewer, chapter.work):
        raise PermissionDenied("Only the work's creators can change it.")
    return chapter
