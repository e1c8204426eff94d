"""Reads of subscriptions and of the inbox. Both are private: every function takes the owner,
and the views only ever pass the logged-in user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from access.visibility import visible_notices_q
from people.models import User
from works.models import Series, Work

from ..models import Notification, NotificationKind, Subscription
from ..notify import NOTICE_RELATIONS

if TYPE_CHECKING:
    from access.visibility import Viewer

# The inbox's filters (`?kind=`), by the kinds of notice each shows.
INBOX_FILTERS: dict[str, tuple[str, ...]] = {
    "comments": (NotificationKind.COMMENT, NotificationKind.REPLY),
    "kudos": (NotificationKind.KUDOS,),
    "subscriptions": (NotificationKind.NEW_CHAPTER, NotificationKind.NEW_WORK),
    "gifts": (NotificationKind.COCREATOR, NotificationKind.GIFT),
}
SUBSCRIPTION_FILTERS = ("works", "users", "series")


def inbox(user: User, kind: str = "", unread: bool = False) -> QuerySet[Notification]:
    """`user`'s notices that still show (see `visible_notices_q`), newest first, with what a
    line of the inbox shows in the same query."""
    notices = Notification.objects.filter(user=user).filter(visible_notices_q(user))
    if kind in INBOX_FILTERS:
        notices = notices.filter(kind__in=INBOX_FILTERS[kind])
    if unread:
        notices = notices.filter(read_at__isnull=True)
    return notices.select_related(*NOTICE_RELATIONS, "series").order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    """How many of `user`'s visible notices are unread; read once per request, in one query
    (the header shows it on every page)."""
    cached = getattr(user, "_unread_notices", None)
    if cached is None:
        cached = (
            Notification.objects.filter(user=user, read_at__isnull=True)
            .filter(visible_notices_q(user, mutes_inline=True))
            .count()
        )
        user._unread_notices = cached  # type: ignore[attr-defined]  # a per-request cache on the user
    return cached


def subscriptions_of(user: User, kind: str = "") -> QuerySet[Subscription]:
    """`user`'s subscriptions, newest first, filtered to works or users. Every one is listed,
    so each can be cancelled (a work of a user they since muted too)."""
    subscriptions = Subscription.objects.filter(user=user)
    if kind == "works":
        subscriptions = subscriptions.filter(work__isnull=False)
    elif kind == "users":
        subscriptions = subscriptions.filter(creator__isnull=False)
    elif kind == "series":
        subscriptions = subscriptions.filter(series__isnull=False)
    return subscriptions.select_related("work", "creator", "series").order_by("-created_at", "-id")


def subscription_to(
    viewer: Viewer,
    work: Work | None = None,
    creator: User | None = None,
    series: Series | None = None,
) -> Subscription | None:
    """The viewer's subscription to `work`, `creator` or `series`, for the subscribe buttons."""
    if not viewer.is_authenticated:
        return None
    return Subscription.objects.filter(
        user_id=viewer.pk, work=work, creator=creator, series=series
    ).first()
