"""Following works, users and series, and telling followers when something new is posted.

Subscribing is idempotent: a second click (or a repeated API call) keeps the one subscription.
The posting consumers run inside the transaction that posts, so a notice exists exactly when the
chapter or work it announces does."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext

from access.visibility import (
    Access,
    attributed_credits,
    is_creator,
    is_series_creator,
    news_audience,
    series_access,
    work_access,
)
from lifestream.core.changes import ChapterPosted, WorkPosted, WorkSerialized
from lifestream.core.errors import FieldError, InvalidInput
from people.models import User
from works.models import Chapter, Series, SeriesPart, Work

from ..models import Notification, NotificationKind, Subscription
from ..notify import notify
from ..stats import adjust_stats


def _refuse(field: str, code: str, message: str) -> InvalidInput:
    return InvalidInput([FieldError(field, code, message)])


def _target(work: Work | None, creator: User | None, series: Series | None = None) -> None:
    if [work, creator, series].count(None) != 2:
        raise _refuse("target", "one_target", gettext("Subscribe to a work, a user or a series."))


@transaction.atomic
def subscribe(
    user: User,
    work: Work | None = None,
    creator: User | None = None,
    series: Series | None = None,
) -> Subscription:
    """Follow `work` (its new chapters), `creator` (their new works) or `series` (new works in
    it). Only a posted work the user may read, a series they may read, never their own work or
    series or themselves; subscribing twice keeps one row."""
    _target(work, creator, series)
    if series is not None:
        if series_access(user, series) is not Access.READ:
            raise _refuse("series_id", "not_found", gettext("There is no such series."))
        if is_series_creator(user, series):
            raise _refuse(
                "series_id", "own_series", gettext("You can't subscribe to your own series.")
            )
        subscription, _ = Subscription.objects.get_or_create(user=user, series=series)
        return subscription
    if work is not None:
        if not work.posted or work_access(user, work) is not Access.READ:
            raise _refuse("work_id", "not_found", gettext("There is no such work."))
        if is_creator(user, work):
            raise _refuse("work_id", "own_work", gettext("You can't subscribe to your own work."))
        subscription, created = Subscription.objects.get_or_create(user=user, work=work)
        if created:
            adjust_stats(work.pk, subscriptions_count=1)
        return subscription
    assert creator is not None
    if not creator.is_active:
        raise _refuse("user", "not_found", gettext("There is no such user."))
    if creator.pk == user.pk:
        raise _refuse("user", "yourself", gettext("You can't subscribe to yourself."))
    subscription, _ = Subscription.objects.get_or_create(user=user, creator=creator)
    return subscription


def _remove(subscription: Subscription) -> None:
    work_id = subscription.work_id
    subscription.delete()
    if work_id is not None:
        adjust_stats(work_id, subscriptions_count=-1)


@transaction.atomic
def unsubscribe(
    user: User,
    work: Work | None = None,
    creator: User | None = None,
    series: Series | None = None,
) -> bool:
    """Stop following `work`, `creator` or `series`; False when the user wasn't following it."""
    _target(work, creator, series)
    subscription = (
        Subscription.objects.select_for_update()
        .filter(user=user, work=work, creator=creator, series=series)
        .first()
    )
    if subscription is None:
        return False
    _remove(subscription)
    return True


@transaction.atomic
def delete_subscription(user: User, subscription_id: int) -> None:
    """Remove one of `user`'s subscriptions by id (the subscriptions page and the API). Someone
    else's subscription is "not found": its existence is private."""
    subscription = (
        Subscription.objects.select_for_update().filter(pk=subscription_id, user=user).first()
    )
    if subscription is None:
        raise _refuse("id", "not_found", gettext("You have no such subscription."))
    _remove(subscription)


# --- telling subscribers (consumers of the change feed, in the posting transaction) ------------


def _tell_once(work: Work, subscribers: set[int], series: Series | None = None) -> None:
    """A notice of `work` for those of `subscribers` who may read it and haven't had one (a
    reader following both its series and its creator hears of it once)."""
    readers = news_audience(subscribers, work)
    if not readers:
        return
    told = Notification.objects.filter(
        kind=NotificationKind.NEW_WORK, work=work, user_id__in=readers
    ).values_list("user_id", flat=True)
    readers -= set(told)
    if readers:
        notify(readers, NotificationKind.NEW_WORK, work=work, series=series)


def _tell_series(work: Work, series: Series) -> None:
    subscribers = set(Subscription.objects.filter(series=series).values_list("user_id", flat=True))
    _tell_once(work, subscribers, series)


def announce_work(change: WorkPosted) -> None:
    """A work was posted: tell the subscribers of each series it is in, then of each of its
    creators (once each)."""
    work = Work.objects.filter(pk=change.work_id, posted=True).first()
    if work is None:
        return
    for part in SeriesPart.objects.filter(work=work).select_related("series").order_by("pk"):
        _tell_series(work, part.series)
    # An anonymous work is news to nobody following its creator: that would tell who wrote it.
    creators = attributed_credits(work=work).values("pseud__user_id")
    subscribers = set(
        Subscription.objects.filter(creator_id__in=creators).values_list("user_id", flat=True)
    )
    _tell_once(work, subscribers)


def announce_series_work(change: WorkSerialized) -> None:
    """A work joined a series: if it is out, the series' subscribers hear of it (a draft's are
    told when it is posted, by `announce_work`)."""
    work = Work.objects.filter(pk=change.work_id, posted=True).first()
    series = Series.objects.filter(pk=change.series_id).first()
    if work is not None and series is not None:
        _tell_series(work, series)


def announce_chapter(change: ChapterPosted) -> None:
    """A chapter of a posted work was posted: tell the work's subscribers."""
    chapter = Chapter.objects.select_related("work").filter(pk=change.chapter_id).first()
    if chapter is None or not (chapter.posted and chapter.work.posted):
        return
    work = chapter.work
    subscribers = set(Subscription.objects.filter(work=work).values_list("user_id", flat=True))
    readers = news_audience(subscribers, work)
    if readers:
        notify(readers, NotificationKind.NEW_CHAPTER, work=work, chapter=chapter)
