"""Reading history and "Mark for Later": private to their reader. A visit is recorded when a
logged-in reader with history switched on opens a work or one of its chapters; marking for
later works whether history is on or not."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Case, F, When
from django.utils import timezone
from django.utils.translation import gettext

from access.visibility import is_creator
from lifestream.core.errors import FieldError, InvalidInput
from people.models import User
from works.models import Chapter, Work

from ..models import Reading


def _upsert(user: User, work: Work, **changes: object) -> None:
    """Change the reader's row for `work`, creating it first if this is the first time: one
    UPDATE on every visit but the first."""
    if Reading.objects.filter(user=user, work=work).update(**changes):
        return
    created = {
        key: value
        for key, value in changes.items()
        if not isinstance(value, F) and not hasattr(value, "resolve_expression")
    }
    if "visit_count" in changes:
        created["visit_count"] = 1
        created["first_visited_at"] = changes["last_visited_at"]
    try:
        with transaction.atomic():
            Reading.objects.create(user=user, work=work, **created)
    except IntegrityError:  # the same reader in another tab got there first
        Reading.objects.filter(user=user, work=work).update(**changes)


def record_visit(user: object, work: Work, chapter: Chapter | None = None) -> bool:
    """Note that `user` opened `work` (at `chapter`), which they were allowed to read. Only
    for logged-in readers with history on, never for the work's own creators, never drafts."""
    if not isinstance(user, User) or not user.history_enabled or not work.posted:
        return False
    if is_creator(user, work):
        return False
    now = timezone.now()
    _upsert(
        user,
        work,
        last_visited_at=now,
        visit_count=F("visit_count") + 1,
        chapter=chapter,
        # The place read in a chapter stays while the reader comes back to that chapter.
        position=Case(When(chapter=chapter, then=F("position")), default=None),
    )
    return True


POSITION_MAX = 1000


def record_position(user: object, work: Work, chapter_id: int, position: int) -> bool:
    """Note how far (in thousandths) `user` got into the chapter of `work` they last opened,
    for "Continue reading". Only where that visit was recorded: a reader with history off, a
    creator, another chapter change nothing."""
    if not isinstance(user, User) or not user.history_enabled:
        return False
    position = min(max(position, 0), POSITION_MAX)
    updated = Reading.objects.filter(user=user, work=work, chapter_id=chapter_id).update(
        position=position
    )
    return bool(updated)


@transaction.atomic
def mark_for_later(user: User, work: Work) -> None:
    """Put `work` (which `user` may read) on their Marked for Later list."""
    if not work.posted:
        raise InvalidInput(
            [
                FieldError(
                    "work", "not_posted", gettext("Only posted works can be marked for later.")
                )
            ]
        )
    _upsert(user, work, marked_for_later=True)


@transaction.atomic
def mark_as_read(user: User, work: Work) -> None:
    """Take `work` off the Marked for Later list (its history stays)."""
    reading = Reading.objects.filter(user=user, work=work).first()
    if reading is None:
        return
    if reading.visit_count or reading.last_visited_at:
        Reading.objects.filter(pk=reading.pk).update(marked_for_later=False)
    else:  # it was only ever a mark: nothing of it stays
        reading.delete()


@transaction.atomic
def delete_reading(user: User, reading_id: int) -> bool:
    """Remove one work from the user's history (and its mark). False if it isn't theirs."""
    deleted, _ = Reading.objects.filter(user=user, pk=reading_id).delete()
    return bool(deleted)


@transaction.atomic
def clear_history(user: User) -> int:
    """Forget every visit; works marked for later stay marked (as unvisited)."""
    Reading.objects.filter(user=user, marked_for_later=True).update(
        last_visited_at=None, first_visited_at=None, visit_count=0, chapter=None
    )
    deleted, _ = Reading.objects.filter(user=user, marked_for_later=False).delete()
    return deleted
