"""Background jobs of the feedback app. Each takes ids and does one job."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from people.models import User

from . import digest as digests
from .models import Notification
from .notify import RETRY_DELAY, queue_digest, schedule_digests
from .services import spam


@task()
def send_digest(user_id: int, due: str) -> None:
    """Email `user_id` everything waiting for their digest, in one message.

    `due` is the `digest_due_at` this task was queued for: a task whose digest was re-queued
    since does nothing. Notices are marked as emailed only after the mail server accepted the
    message; a failed send is tried again later (and a crash between sending and marking can
    at worst repeat one email, never lose notices)."""
    due_at = dt.datetime.fromisoformat(due)
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.digest_due_at != due_at:
        return
    if not user.is_active:
        User.objects.filter(pk=user_id, digest_due_at=due_at).update(digest_due_at=None)
        return
    now = timezone.now()
    digest = digests.collect(user, now)
    if not user.email:
        # Nowhere to send it (an account made without an address): the inbox has it all.
        digest.dropped_ids += [n.pk for n in digest.sent]
        digest.sent = []
    if digest.dropped_ids:
        Notification.objects.filter(pk__in=digest.dropped_ids, emailed_at__isnull=True).update(
            emailed_at=now
        )
    if digest.sent:
        message = digests.render(digest)
        try:
            message.send(fail_silently=False)
        except Exception:
            _retry_later(user_id, due_at)
            raise
    with transaction.atomic():
        if digest.sent:
            Notification.objects.filter(
                pk__in=[n.pk for n in digest.sent], emailed_at__isnull=True
            ).update(emailed_at=now, in_digest=True)
        finished: dict[str, dt.datetime | None] = {"digest_due_at": None}
        if digest.sent:
            finished["last_digest_at"] = now
        User.objects.filter(pk=user_id, digest_due_at=due_at).update(**finished)
    # Kudos still waiting for their day, or news that came in while this one was sent.
    schedule_digests([user_id])


@task()
def queue_digests(user_ids: list[int]) -> None:
    """Queue the digests of a batch of users (the subscribers of a popular author), in the
    worker rather than in the request that posted."""
    schedule_digests(user_ids)


def _retry_later(user_id: int, due_at: dt.datetime) -> None:
    """Queue this digest again after a failed send; with a backend that can't wait, leave it
    to the next notice (which queues a digest at once)."""
    if send_digest.get_backend().supports_defer:
        queue_digest(user_id, timezone.now() + RETRY_DELAY, replacing=due_at)
    else:
        User.objects.filter(pk=user_id, digest_due_at=due_at).update(digest_due_at=None)


@task()
def train_spam_classifier() -> None:
    """Retrain the spam classifier from every decision kept (queued after enough new ones)."""
    spam.train()
