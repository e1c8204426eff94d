"""Reads of works and chapters. Every read that could leak takes the viewer."""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from access.getters import visible_works, with_blurb_data
from access.visibility import listable_chapters_q
from people.models import Pseud, User
from tags import queries as tag_queries
from tags.models import Tag

from .models import Chapter, Work

if TYPE_CHECKING:
    from access.visibility import Viewer


def listing(works: QuerySet[Work]) -> QuerySet[Work]:
    return with_blurb_data(works)


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
    return with_blurb_data(
        Work.objects.filter(posted=False, pseuds__user=user).distinct().order_by("-updated_at")
    )


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
        .only(
            "id",
            "work_id",
            "position",
            "title",
            "word_count",
            "posted",
            "scheduled_for",
            "published_on",
        )
        .order_by("work_id", "position")
    )
    for chapter in chapters:
        index[chapter.work_id].append(chapter)
    return index
