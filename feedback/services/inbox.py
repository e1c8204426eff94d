"""Changes to a user's own inbox: marking notices read or unread, deleting them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from people.models import User

from ..models import Notification


@transaction.atomic
def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark `ids` (all of the inbox when None) read; ids of others' notices are ignored, so
    nobody learns whether they exist. Returns how many changed."""
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        notices = notices.filter(pk__in=list(ids))
    return notices.update(read_at=timezone.now())


@transaction.atomic
def mark_unread(user: User, ids: Iterable[int]) -> int:
    return Notification.objects.filter(user=user, pk__in=list(ids)).update(read_at=None)


@transaction.atomic
def delete_notices(user: User, ids: Iterable[int]) -> int:
    """Delete some of `user`'s notices (never all at once by accident: ids are required)."""
    deleted, _ = Notification.objects.filter(user=user, pk__in=list(ids)).delete()
    return deleted
