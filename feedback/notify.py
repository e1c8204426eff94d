"""Raising notifications: one row per recipient in their inbox, and a digest email scheduled
after the transaction commits. Every service that tells someone something calls `notify`.

Digest timing: a user gets at most one email per `digest_interval` (after their last one,
and a few minutes after the first news, so a burst becomes one email) with everything pending;
kudos notices wait until a day after the last email that carried kudos, so kudos arrive at most
daily even when other notices go out sooner. `User.digest_due_at` holds the time of the one
queued digest; the task is given that time, so a digest re-queued earlier (or again, after a
lost worker) makes the older task a no-op instead of a second email."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from people.models import User
from works.models import Chapter, Series, Work
from works.orphans import ORPHAN_LOGIN

from .models import ACCOUNT_NOTICES, Comment, Notification, NotificationKind

# Which preference lets a notice of each kind reach the mailbox.
EMAIL_PREFERENCE = {
    NotificationKind.NEW_CHAPTER: "email_subscriptions",
    NotificationKind.NEW_WORK: "email_subscriptions",
    NotificationKind.COMMENT: "email_comments",
    NotificationKind.REPLY: "email_comments",
    NotificationKind.KUDOS: "email_kudos",
    NotificationKind.COCREATOR: "email_invitations",
    NotificationKind.GIFT: "email_invitations",
    # A work inspired by yours is news about your work, as a comment is.
    NotificationKind.RELATED: "email_comments",
}
# What a notice's line shows (the inbox's and the digest email's), read with the notice.
NOTICE_RELATIONS = (
    "work",
    "chapter",
    "comment__pseud__user",
    "comment__work",
    "comment__admin_post",
    "actor",
)
DIGEST_INTERVALS = {
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(days=7),
}
# Kudos are batched daily whatever the interval (as AO3 does).
KUDOS_INTERVAL = dt.timedelta(days=1)
# The first news after a quiet spell waits this long for more news to join it.
GATHER = dt.timedelta(minutes=5)
# A queued digest this far overdue was lost (a worker's queue wiped): queue it again.
LOST_DIGEST = dt.timedelta(hours=1)
# Up to this many recipients' digests are queued right after the news commits; more are
# queued by a task, in batches.
INLINE_SCHEDULING_MAX = 50
SCHEDULING_BATCH = 500
# After a failed send, the digest is tried again this much later.
RETRY_DELAY = dt.timedelta(minutes=10)


def notify(
    user_ids: Iterable[int],
    kind: NotificationKind,
    *,
    work: Work | None = None,
    chapter: Chapter | None = None,
    comment: Comment | None = None,
    actor: User | None = None,
    series: Series | None = None,
) -> list[Notification]:
    """Put a notice in each user's inbox (never the actor's own, nor the orphan account's) and
    schedule their digests. Call inside the transaction that made the news, so both commit or
    neither does."""
    actor_id = actor.pk if actor is not None else None
    recipients = list(
        User.objects.filter(pk__in=set(user_ids) - {actor_id}, is_active=True)
        # Orphaned works are credited to the shared orphan account: nobody reads its inbox.
        .exclude(username=ORPHAN_LOGIN)
        .only("pk", *set(EMAIL_PREFERENCE.values()))
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
            series=series,
            actor=actor,
            # Notices nobody wants by email are "already sent", so digests never wait on them.
            emailed_at=None if getattr(user, preference) else now,
        )
        for user in recipients
    )
    wanting_email = [user.pk for user in recipients if getattr(user, preference)]
    if wanting_email:
        transaction.on_commit(lambda: _schedule_after_commit(wanting_email))
    return notices


def notify_account(user: User, kind: NotificationKind, *, message: str = "") -> Notification:
    """A notice about `user`'s account itself (one of `ACCOUNT_NOTICES`: a moderators'
    message, their data export being ready) for their inbox alone. It never waits for a
    digest: what must reach the mailbox is emailed by its own service, whatever the
    digest preferences."""
    assert kind in ACCOUNT_NOTICES, kind
    return Notification.objects.create(
        user=user, kind=kind, message=message, emailed_at=timezone.now()
    )


def _schedule_after_commit(user_ids: list[int]) -> None:
    """A few digests are queued at once; a popular author's thousands of subscribers are left
    to the worker, so posting a chapter doesn't wait on them."""
    if len(user_ids) <= INLINE_SCHEDULING_MAX:
        schedule_digests(user_ids)
        return
    from .tasks import queue_digests

    for start in range(0, len(user_ids), SCHEDULING_BATCH):
        queue_digests.enqueue(user_ids[start : start + SCHEDULING_BATCH])


def last_kudos_email_at(user_id: int) -> dt.datetime | None:
    """When the last email carrying kudos went to `user_id`."""
    return Notification.objects.filter(
        user_id=user_id, kind=NotificationKind.KUDOS, in_digest=True
    ).aggregate(last=Max("emailed_at"))["last"]


def kudos_ready_at(user_id: int) -> dt.datetime | None:
    """The earliest time a kudos notice may be emailed to `user_id` (None: at once)."""
    last = last_kudos_email_at(user_id)
    return None if last is None else last + KUDOS_INTERVAL


def next_digest_at(
    user: User, now: dt.datetime, *, keep_interval: bool = True
) -> dt.datetime | None:
    """When `user`'s next digest is due, or None when nothing waits for one. Without
    `keep_interval` (a task backend that can't defer) only the daily kudos rule holds."""
    # A notice about a work in an unrevealed collection waits for the reveal (which schedules
    # the digest again): it calls for no digest until then.
    pending = set(
        Notification.objects.filter(user=user, emailed_at__isnull=True)
        .exclude(work__in_unrevealed_collection=True)
        .values_list("kind", flat=True)
        .distinct()
    )
    if not pending:
        return None
    due = now
    if keep_interval:
        # A few minutes to gather a burst (three chapters posted in a row) into one email.
        due = now + GATHER
        if user.last_digest_at is not None:
            interval = DIGEST_INTERVALS.get(user.digest_interval, DIGEST_INTERVALS["hourly"])
            due = max(due, user.last_digest_at + interval)
    if pending - {NotificationKind.KUDOS}:
        return due
    kudos_at = kudos_ready_at(user.pk)
    return due if kudos_at is None else max(due, kudos_at)


def schedule_digests(user_ids: Iterable[int]) -> None:
    """Make sure each user has a digest queued for when their pending notices are due: queue
    one if none is, or if the queued one is later than needed (a chapter notice shouldn't wait
    for tomorrow's kudos email) or was lost. A burst of news becomes one email."""
    from .tasks import send_digest  # tasks import this module

    can_defer = send_digest.get_backend().supports_defer
    now = timezone.now()
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True):
        due = next_digest_at(user, now, keep_interval=can_defer)
        if due is None or (due > now and not can_defer):
            # Nothing to send, or only kudos that must wait: with a backend that runs tasks
            # at once they go out with the next email.
            continue
        current = user.digest_due_at
        if current is not None and current <= due and current > now - LOST_DIGEST:
            continue
        queue_digest(user.pk, due, replacing=current)


def queue_digest(user_id: int, due: dt.datetime, *, replacing: dt.datetime | None) -> bool:
    """Queue `user_id`'s digest for `due` if their queued digest is still `replacing` (only one
    of two concurrent requests wins; the other's news is in the same email)."""
    from .tasks import send_digest

    claimed = User.objects.filter(pk=user_id, digest_due_at=replacing).update(digest_due_at=due)
    if not claimed:
        return False
    task = send_digest
    if due > timezone.now() and task.get_backend().supports_defer:
        task = task.using(run_after=due)
    task.enqueue(user_id, due.isoformat())
    return True
