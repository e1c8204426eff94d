"""Deleting an account, all in one transaction: each work they alone created is orphaned or
deleted as they choose (drafts can only be deleted), a work with other creators only loses
them, their comments stay and read "Account Deleted" (as on AO3), their bookmarks, kudos,
subscriptions, history, pseuds, skins and API tokens go, and every session of theirs ends.
Counts on other people's works (public bookmarks, kudos, subscriptions) are corrected."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from lifestream.core.errors import ErrorList
from people import sessions
from people.models import User
from works.credits import leave_work
from works.models import Creatorship, SeriesCreatorship, Work
from works.orphans import ORPHAN_LOGIN, orphan_account, orphan_work
from works.services import delete_work

from ..models import Bookmark, Kudos, Subscription
from ..stats import adjust_stats

ORPHAN, DELETE = "orphan", "delete"


@dataclass(frozen=True)
class OwnWork:
    """One of the works of an account about to be deleted, and what can become of it."""

    work: Work
    # Other users are credited too: the work stays and only loses this creator.
    shared: bool

    @property
    def choices(self) -> tuple[str, ...]:
        if self.shared:
            return ()
        return (ORPHAN, DELETE) if self.work.posted else (DELETE,)


def own_works(user: User) -> list[OwnWork]:
    """Every work `user` is credited on (accepted credits), drafts included, by title."""
    works = list(
        Work.objects.filter(creatorships__pseud__user=user).distinct().order_by("title", "pk")
    )
    others = set(
        Creatorship.objects.filter(work__in=works)
        .exclude(pseud__user=user)
        .values_list("work_id", flat=True)
    )
    return [OwnWork(work=work, shared=work.pk in others) for work in works]


def check_deletion(user: User, password: str, choices: Mapping[int, str]) -> list[OwnWork]:
    """Everything `delete_account` checks before writing: the password, and a choice among
    those offered for each work the user alone created."""
    errors = ErrorList()
    if not password or not user.check_password(password):
        errors.add("password", "wrong_password", gettext("That password is not right."))
    if user.username == ORPHAN_LOGIN:
        errors.add("password", "forbidden", gettext("This account can't be deleted."))
    works = own_works(user)
    for own in works:
        if own.shared:
            continue
        if choices.get(own.work.pk) not in own.choices:
            errors.add(
                f"work_{own.work.pk}",
                "choice_required",
                gettext("Choose what becomes of “%(title)s”.") % {"title": own.work.title},
            )
    errors.raise_if_any()
    return works


@transaction.atomic
def delete_account(
    user: User, password: str, choices: Mapping[int, str], *, keep_pseud: bool = False
) -> None:
    """Delete `user`'s account. `choices` maps each work they alone created to ORPHAN or
    DELETE. Nothing is changed unless everything is: any failure undoes it all."""
    works = check_deletion(user, password, choices)
    for own in works:
        if own.shared:
            leave_work(user, own.work)
        elif choices[own.work.pk] == ORPHAN:
            orphan_work(user, own.work, keep_pseud)
        else:
            delete_work(own.work)
    _hand_over_series(user)
    _correct_counts(user)
    sessions.end_all_sessions(user)
    # Comments keep their text; their user and pseud become empty ("Account Deleted").
    user.delete()


def _hand_over_series(user: User) -> None:
    """A series they created with others loses them; one they alone created goes to the orphan
    account while it still holds works, and is deleted when it holds none."""
    for credit in SeriesCreatorship.objects.filter(pseud__user=user).select_related("series"):
        series = credit.series
        others = SeriesCreatorship.objects.filter(series=series).exclude(pseud__user=user)
        if not others.exists():
            if series.parts.exists():
                orphan = orphan_account().pseuds.get(is_default=True)
                SeriesCreatorship.objects.get_or_create(series=series, pseud=orphan)
            else:
                series.delete()
                continue
        credit.delete()


def _correct_counts(user: User) -> None:
    deltas: dict[int, Counter[str]] = {}
    public = Bookmark.objects.filter(user=user, private=False, work__isnull=False)
    for work_id in public.values_list("work_id", flat=True):
        deltas.setdefault(work_id, Counter())["bookmarks_count"] -= 1
    for work_id in Kudos.objects.filter(user=user).values_list("work_id", flat=True):
        deltas.setdefault(work_id, Counter())["kudos_count"] -= 1
    followed = Subscription.objects.filter(user=user, work__isnull=False)
    for work_id in followed.values_list("work_id", flat=True):
        deltas.setdefault(work_id, Counter())["subscriptions_count"] -= 1
    existing = set(Work.objects.filter(pk__in=deltas).values_list("pk", flat=True))
    for work_id, counts in deltas.items():
        if work_id in existing:
            adjust_stats(work_id, **dict(counts))
