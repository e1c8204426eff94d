"""Raising notifications: one row per recipient in their inbox, and a digest email scheduled
after the transaction commits. Every service that tells someone something calls `notify`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from people.models import User
from works.models import Chapter, Work

from .models import Comment, Notification, NotificationKind

# Which preference lets a notice of each kind reach the mailbox.
EMAIL_PREFERENCE = {
    NotificationKind.NEW_CHAPTER: "email_subscriptions",
    NotificationKind.NEW_WORK: "email_subscriptions",
    NotificationKind.COMMENT: "email_comments",
    NotificationKind.REPLY: "email_comments",
    NotificationKind.KUDOS: "email_kudos",
}
DIGEST_INTERVALS = {
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(days=7),
}
# Kudos are batched daily whatever the interval (as AO3 does).
KUDOS_INTERVAL = dt.timedelta(days=1)


def notify(
    user_ids: Iterable[int],
    kind: NotificationKind,
    *,
    work: Work | None = None,
    chapter: Chapter | None = None,
    comment: Comment | None = None,
    actor: User | None = None,
) -> list[Notification]:
    """Put a notice in each user's inbox (never the actor's own) and schedule their digests.
    Call inside the transaction that made the news, so both commit or neither does."""
    actor_id = actor.pk if actor is not None else None
    recipients = list(
        User.objects.filter(pk__in=set(user_ids) - {actor_id}, is_active=True).only(
            "pk", *set(EMAIL_PREFERENCE.values())
        )
    )
    if not recipients:
        return []
    now = timezone.now()
    preference = EMAIL_PREFERENCE[kind]
    notices = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            work=work,
            chapter=chapter,
            comment=comment,
            actor=actor,
            # Notices nobody wants by email are "already sent", so digests never wait on them.
            emailed_at=None if getattr(user, preference) else now,
        )
        for user in recipients
    )
    wanting_email = [user.pk for user in recipients if getattr(user, preference)]
    if wanting_email:
        transaction.on_commit(lambda: schedule_digests(wanting_email))
    return notices


def schedule_digests(user_ids: list[int]) -> None:
    """Queue one digest per user unless one is already queued. The digest waits out the user's
    interval since their last one, so a burst of news becomes one email."""
    from .tasks import send_digest  # tasks import this module

    now = timezone.now()
    for user in User.objects.filter(pk__in=user_ids, digest_due_at__isnull=True):
        interval = DIGEST_INTERVALS.get(user.digest_interval, DIGEST_INTERVALS["hourly"])
        due = max(now, (user.last_digest_at or now - interval) + interval)
        # Only the request that sets the mark queues the task.
        claimed = User.objects.filter(pk=user.pk, digest_due_at__isnull=True).update(
            digest_due_at=due
        )
        if not claimed:
            continue
        task = send_digest
        if task.get_backend().supports_defer and due > now:
            task = task.using(run_after=due)
        task.enqueue(user.pk)
