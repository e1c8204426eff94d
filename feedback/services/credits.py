"""Telling people they were credited on a work: a co-creator invitation, a gift. Consumers of
the change feed, run in the writing transaction, so the notice exists exactly when the
invitation or the gift does."""

from __future__ import annotations

from lifestream.core.changes import CreatorInvited, WorkGifted, WorkPosted
from people.models import User
from works.models import Creatorship, Gift, Work

from ..models import NotificationKind
from ..notify import notify


def tell_invitee(change: CreatorInvited) -> None:
    """The invited pseud's user finds the invitation in their inbox (and their next digest)."""
    invitation = (
        Creatorship.invitations.filter(pk=change.creatorship_id, approved=False)
        .select_related("pseud", "work")
        .first()
    )
    if invitation is None:
        return
    actor = User.objects.filter(pk=change.actor_id).first()
    notify(
        [invitation.pseud.user_id], NotificationKind.COCREATOR, work=invitation.work, actor=actor
    )


def tell_recipient(change: WorkGifted) -> None:
    """A gift to a pseud on a posted work reaches its recipient at once; on a draft, when the
    work is posted (`tell_recipients_of_posted`)."""
    gift = Gift.objects.filter(pk=change.gift_id, rejected=False).select_related("pseud", "work")
    found = gift.first()
    if found is None or found.pseud is None or not found.work.posted:
        return
    actor = User.objects.filter(pk=change.actor_id).first()
    notify([found.pseud.user_id], NotificationKind.GIFT, work=found.work, actor=actor)


def tell_recipients_of_posted(change: WorkPosted) -> None:
    """A work was posted: its gift recipients on the archive are told (once: a work is posted
    once; gifts added later are told by `tell_recipient`)."""
    work = Work.objects.filter(pk=change.work_id, posted=True).first()
    if work is None:
        return
    recipients = set(
        Gift.objects.filter(work=work, rejected=False, pseud__isnull=False).values_list(
            "pseud__user_id", flat=True
        )
    )
    if recipients:
        notify(recipients, NotificationKind.GIFT, work=work)
