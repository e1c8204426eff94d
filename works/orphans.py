"""Orphaning: a creator hands posted works to the shared `orphan_account`, keeping or dropping
their pseud name. No HTTP here; the step is atomic, cannot be undone, and announces itself."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from lifestream.core.changes import WorkChanged, announce
from lifestream.core.errors import FieldError, InvalidInput, NotFound
from people.models import Pseud, User

from .models import Creatorship, SeriesCreatorship, SeriesPart, Work

ORPHAN_LOGIN = "orphan_account"


def orphan_account() -> User:
    """The shared account orphaned works are credited to; made on first use, cannot log in."""
    user = User.objects.filter(username=ORPHAN_LOGIN).first()
    if user is None:
        user = User.objects.create_user(ORPHAN_LOGIN, None, None)
    return user


def _orphan_pseud(name: str | None) -> Pseud:
    account = orphan_account()
    if name is None or name.lower() == ORPHAN_LOGIN:
        return account.pseuds.get(is_default=True)
    pseud = account.pseuds.filter(name__iexact=name).first()
    return pseud or Pseud.objects.create(user=account, name=name)


@transaction.atomic
def orphan_work(user: User, work: Work, keep_pseud: bool) -> None:
    """Replace `user`'s credits on the posted `work` (and its chapters) by an orphan pseud;
    co-creators stay. Pending invitations the user sent stay as they are."""
    mine = list(Creatorship.objects.filter(work=work, pseud__user=user).select_related("pseud"))
    if not mine:
        raise NotFound(_("You are not a creator of this work."))
    if not work.posted:
        raise InvalidInput(
            [FieldError("work", "draft", _("Drafts can't be orphaned: post the work first."))]
        )
    first = mine[0]
    orphan = _orphan_pseud(first.pseud.name if keep_pseud else None)
    pseud_ids = [c.pseud_id for c in mine]
    for chapter in work.chapters.filter(pseuds__in=pseud_ids).distinct():
        chapter.pseuds.remove(*pseud_ids)
        chapter.pseuds.add(orphan)
    position = first.position
    Creatorship.invitations.filter(pk__in=[c.pk for c in mine]).delete()
    Creatorship.invitations.get_or_create(
        work=work, pseud=orphan, defaults={"position": position, "approved": True}
    )
    for series_id in SeriesPart.objects.filter(work=work).values_list("series_id", flat=True):
        still = SeriesPart.objects.filter(
            series_id=series_id, work__creatorships__pseud__user=user
        ).exists()
        if not still:
            mine_s = SeriesCreatorship.objects.filter(series_id=series_id, pseud__user=user)
            if mine_s.exists():
                mine_s.delete()
                SeriesCreatorship.objects.get_or_create(series_id=series_id, pseud=orphan)
    announce(WorkChanged(work.pk))


@dataclass(frozen=True)
class Orphaned:
    """What `orphan_works` did: the works handed over, and the drafts it left alone."""

    works: list[Work]
    drafts_left: list[Work]


def works_to_orphan(user: User, pseud: Pseud | None = None) -> tuple[list[Work], list[Work]]:
    """The posted works `user` (or just their `pseud`) is credited on, and their drafts."""
    found = Work.objects.filter(creatorships__pseud__user=user, creatorships__approved=True)
    if pseud is not None:
        found = found.filter(creatorships__pseud=pseud)
    works = list(found.distinct().order_by("title", "pk"))
    return [w for w in works if w.posted], [w for w in works if not w.posted]


@transaction.atomic
def orphan_works(user: User, works: Iterable[Work], keep_pseud: bool) -> Orphaned:
    """Orphan each posted work `user` is a creator of, all or none; drafts are left alone
    (and listed in the answer). A work the user is not credited on is refused."""
    posted: list[Work] = []
    drafts: list[Work] = []
    for work in works:
        (posted if work.posted else drafts).append(work)
    for work in posted:
        orphan_work(user, work, keep_pseud)
    return Orphaned(works=posted, drafts_left=drafts)
