"""Reads of a reader's history and Marked for Later list: theirs alone, and only of works they
can still list (a work since deleted, made a draft or by someone they muted drops out)."""

from __future__ import annotations

from django.db.models import F, QuerySet

from access.getters import visible_works
from access.visibility import listable_works_q, released_q
from people.models import User
from works.queries import listing

from ..models import Reading

HISTORY = "history"
TO_READ = "to-read"


CONTINUE_MAX = 3
# Read this far into a work's last chapter (thousandths), it counts as finished.
FINISHED = 950


def to_continue(owner: User) -> list[Reading]:
    """The few works `owner` was last reading and has not finished, with the chapter and the
    place in it: the home page's "Continue reading". Works they can no longer list, and
    chapters no longer out, drop out. One query."""
    rows = (
        readings_of(owner)
        .filter(released_q("chapter__"))
        .select_related("work", "chapter")
        .only(
            "position",
            "last_visited_at",
            "work__id",
            "work__title",
            "work__chapter_count",
            "chapter__id",
            "chapter__position",
            "chapter__title",
        )
    )
    found = []
    for reading in rows[: CONTINUE_MAX * 3]:
        chapter = reading.chapter
        last = chapter is not None and chapter.position >= reading.work.chapter_count
        if last and (reading.position or 0) >= FINISHED:
            continue
        found.append(reading)
        if len(found) == CONTINUE_MAX:
            break
    return found


def readings_of(owner: User, show: str = HISTORY) -> QuerySet[Reading]:
    """The owner's visited works (latest visit first), or with `TO_READ` the ones they marked
    for later. Only ever called for the owner themself."""
    rows = Reading.objects.filter(user=owner).filter(listable_works_q(owner, prefix="work__"))
    if show == TO_READ:
        rows = rows.filter(marked_for_later=True)
    else:
        rows = rows.filter(last_visited_at__isnull=False)
    return rows.order_by(F("last_visited_at").desc(nulls_last=True), "-id")


def with_works(owner: User, readings: list[Reading]) -> list[Reading]:
    """`readings` with their works loaded for blurbs, in a fixed number of queries; a
    reading whose work the owner can no longer list is left out."""
    works = {
        work.pk: work
        for work in listing(
            visible_works(owner).filter(pk__in=[r.work_id for r in readings]), owner
        )
    }
    shown = []
    for reading in readings:
        work = works.get(reading.work_id)
        if work is not None:
            reading.work = work
            shown.append(reading)
    return shown
