"""Who a work credits beyond its poster: co-creators (invited, credited once they accept) and
gift recipients. The checks run inside `works.services.create_work` and `update_work` with the
rest of the form; the invitee's and recipient's own steps (accept, decline, leave, refuse) are
here. Each is atomic and announces itself on the change feed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from lifestream.core.changes import CreatorInvited, WorkChanged, WorkGifted, announce
from lifestream.core.errors import ErrorList, FieldError, InvalidInput, NotFound
from people.models import Block, Pseud, User

from .models import (
    CREATORS_MAX,
    GIFT_NAME_MAX,
    GIFTS_MAX,
    Creatorship,
    Gift,
    SeriesCreatorship,
    SeriesPart,
    Work,
)


def split_names(text: str) -> list[str]:
    """Comma-separated pseud names (or "pseud (login)"), as typed, blanks and repeats dropped."""
    names = (" ".join(part.split()) for part in text.split(","))
    return list(dict.fromkeys(name for name in names if name))


def _lookup(name: str) -> list[Pseud]:
    """The pseuds `name` may mean: "pseud (login)" names one; a bare name every pseud so
    called (the caller asks for the login when more than one user has it)."""
    pseud_name, bracket, rest = name.rpartition("(")
    if bracket and rest.endswith(")") and pseud_name.strip():
        login = rest[:-1].strip()
        return list(
            Pseud.objects.filter(
                name__iexact=pseud_name.strip(), user__username__iexact=login, user__is_active=True
            ).select_related("user")
        )
    return list(
        Pseud.objects.filter(name__iexact=name, user__is_active=True).select_related("user")
    )


def _blocked_by(user: User, others: set[int]) -> set[int]:
    """Of the users `others`, those who blocked `user`."""
    return set(
        Block.objects.filter(blocker_id__in=others, blocked_id=user.pk).values_list(
            "blocker_id", flat=True
        )
    )


@dataclass
class CleanCredits:
    """What `check_credits` found good: pseuds to invite, and the gifts the work should have
    (None: leave the gifts as they are)."""

    invite: list[Pseud] = field(default_factory=list)
    # In the order typed: a pseud on the archive, or the name of someone without an account.
    gifts: list[Pseud | str] | None = None


def check_credits(
    user: User,
    work: Work | None,
    co_creators: list[str],
    gifts: list[str] | None,
    errors: ErrorList,
) -> CleanCredits:
    """Check the co-creators to invite and the gift recipients, writing nothing. Refused
    (each with its message): yourself, unknown or ambiguous names, a user who blocked you or
    turned invitations (or gifts) off, more than AO3's 75, a gift to one of the creators."""
    clean = CleanCredits()
    credited: dict[int, Creatorship] = {}
    if work is not None and work.pk is not None:
        credited = {
            c.pseud_id: c for c in Creatorship.invitations.filter(work=work).select_related("pseud")
        }
    creator_users = {c.pseud.user_id for c in credited.values() if c.approved} | {user.pk}

    invite: list[Pseud] = []
    for name in co_creators:
        pseud = _one_pseud(name, "co_creators", errors)
        if pseud is None:
            continue
        if pseud.user_id == user.pk:
            errors.add("co_creators", "self_invite", "You can't invite yourself as a co-creator.")
        elif pseud.pk in credited:
            continue  # already credited or already invited: nothing to do
        elif not pseud.user.allow_cocreator:
            errors.add(
                "co_creators",
                "invitations_off",
                f"{pseud.byline} does not allow others to invite them to be a co-creator.",
            )
        else:
            invite.append(pseud)
    blockers = _blocked_by(user, {pseud.user_id for pseud in invite})
    for pseud in invite:
        if pseud.user_id in blockers:
            errors.add(
                "co_creators",
                "blocked",
                f"Sorry, you can't invite {pseud.byline} to be a co-creator.",
            )
    clean.invite = [pseud for pseud in invite if pseud.user_id not in blockers]
    if len(credited) + len(clean.invite) + (0 if credited else 1) > CREATORS_MAX:
        errors.add(
            "co_creators",
            "too_many_creators",
            f"A work can have at most {CREATORS_MAX} creators, invitations included.",
        )

    if gifts is not None:
        clean.gifts = _check_gifts(user, work, gifts, creator_users, errors)
    return clean


def _one_pseud(name: str, field_name: str, errors: ErrorList) -> Pseud | None:
    found = _lookup(name)
    if not found:
        errors.add(field_name, "unknown_pseud", f"There is no pseud called “{name[:50]}”.")
        return None
    if len({pseud.user_id for pseud in found}) > 1:
        errors.add(
            field_name,
            "ambiguous_pseud",
            f"More than one user has a pseud called “{name[:50]}”: write it as “pseud (login)”.",
        )
        return None
    return found[0]


def _check_gifts(
    user: User, work: Work | None, names: list[str], creator_users: set[int], errors: ErrorList
) -> list[Pseud | str]:
    if len(names) > GIFTS_MAX:
        errors.add("gifts", "too_many_gifts", f"A work can be a gift to at most {GIFTS_MAX}.")
        return []
    refused: set[int] = set()
    given: set[int] = set()
    if work is not None and work.pk is not None:
        for pseud_id, rejected in Gift.objects.filter(work=work, pseud__isnull=False).values_list(
            "pseud_id", "rejected"
        ):
            (refused if rejected else given).add(pseud_id)
    pseuds: list[Pseud] = []
    chosen: list[Pseud | str] = []
    for name in names:
        found = _lookup(name)
        if not found:
            if len(name) > GIFT_NAME_MAX:
                errors.add(
                    "gifts",
                    "too_long",
                    f"A recipient's name is at most {GIFT_NAME_MAX} characters.",
                )
            else:
                chosen.append(name)  # someone without an account on the archive
            continue
        pseud = _one_pseud(name, "gifts", errors)
        if pseud is None:
            continue
        if pseud.pk in given:
            chosen.append(pseud)  # given before: kept, whatever the recipient has since set
        elif pseud.user_id in creator_users:
            message = (
                "You can't give a gift to yourself."
                if pseud.user_id == user.pk
                else f"{pseud.byline} is a creator of this work."
            )
            errors.add("gifts", "self_gift", message)
        elif pseud.pk in refused:
            errors.add("gifts", "gift_refused", f"{pseud.byline} has refused this gift.")
        elif not pseud.user.allow_gifts:
            errors.add("gifts", "gifts_off", f"{pseud.byline} does not accept gifts.")
        else:
            pseuds.append(pseud)
            chosen.append(pseud)
    # `pseuds` holds the new recipients only: a gift given before isn't checked again.
    blockers = _blocked_by(user, {pseud.user_id for pseud in pseuds})
    for pseud in pseuds:
        if pseud.user_id in blockers:
            errors.add("gifts", "blocked", f"Sorry, you can't give a gift to {pseud.byline}.")
    refused_now = {pseud.pk for pseud in pseuds if pseud.user_id in blockers}
    return [g for g in chosen if isinstance(g, str) or g.pk not in refused_now]


def write_credits(user: User, work: Work, clean: CleanCredits) -> None:
    """Store what `check_credits` passed, inside the caller's transaction: pending
    creatorships for the invitees (each told), and the gifts as listed (new recipients told).
    Refused gifts stay refused."""
    last = Creatorship.invitations.filter(work=work).aggregate(last=Max("position"))["last"]
    position = (last or 0) + 1
    for pseud in clean.invite:
        invitation = Creatorship.invitations.create(
            work=work, pseud=pseud, approved=False, position=position
        )
        position += 1
        announce(CreatorInvited(work.pk, invitation.pk, user.pk))
    if clean.gifts is None:
        return
    pseuds = [g for g in clean.gifts if not isinstance(g, str)]
    names = [g for g in clean.gifts if isinstance(g, str)]
    current = Gift.objects.filter(work=work, rejected=False)
    current.filter(pseud__isnull=False).exclude(pseud__in=pseuds).delete()
    current.filter(pseud__isnull=True).exclude(recipient_name__in=names).delete()
    had = set(current.values_list("pseud_id", "recipient_name"))
    for recipient in clean.gifts:
        if isinstance(recipient, str):
            if (None, recipient) not in had:
                Gift.objects.create(work=work, recipient_name=recipient)
        elif (recipient.pk, "") not in had:
            gift = Gift.objects.create(work=work, pseud=recipient)
            announce(WorkGifted(work.pk, gift.pk, user.pk))


# --- the invitee's and the recipient's steps ---------------------------------------------------


def _invitation(user: User, creatorship_id: int) -> Creatorship:
    invitation = (
        Creatorship.invitations.select_for_update()
        .filter(pk=creatorship_id, approved=False, pseud__user=user)
        .first()
    )
    if invitation is None:
        raise NotFound(gettext("No such invitation."))
    return invitation


@transaction.atomic
def accept_invitation(user: User, creatorship_id: int) -> Creatorship:
    """`user` accepts being credited on the work: from now on they are one of its creators
    (byline, editing, their pages, creator filters and search), and of the series it is in,
    as a work's creators are when it joins one."""
    invitation = _invitation(user, creatorship_id)
    invitation.approved = True
    invitation.save(update_fields=["approved"])
    for series_id in SeriesPart.objects.filter(work_id=invitation.work_id).values_list(
        "series_id", flat=True
    ):
        SeriesCreatorship.objects.get_or_create(series_id=series_id, pseud_id=invitation.pseud_id)
    announce(WorkChanged(invitation.work_id))
    return invitation


@transaction.atomic
def decline_invitation(user: User, creatorship_id: int) -> None:
    """`user` refuses the invitation; the work's creators may invite them again."""
    _invitation(user, creatorship_id).delete()


@transaction.atomic
def leave_work(user: User, work: Work) -> None:
    """Take all of `user`'s pseuds off `work` (and its chapters). A work keeps at least one
    creator: the last one can delete the work instead."""
    mine = Creatorship.objects.filter(work=work, pseud__user=user)
    if not mine.exists():
        raise NotFound(gettext("You are not a creator of this work."))
    if not Creatorship.objects.filter(work=work).exclude(pseud__user=user).exists():
        raise InvalidInput(
            [
                FieldError(
                    "creators",
                    "last_creator",
                    gettext(
                        "You are this work's only creator, so you can't remove yourself. You can "
                        "delete the work instead."
                    ),
                )
            ]
        )
    pseud_ids = list(mine.values_list("pseud_id", flat=True))
    for chapter in work.chapters.filter(pseuds__in=pseud_ids).distinct():
        chapter.pseuds.remove(*pseud_ids)
    mine.delete()
    announce(WorkChanged(work.pk))


@transaction.atomic
def refuse_gift(user: User, gift_id: int) -> Gift:
    """`user` refuses a gift to one of their pseuds: it leaves their gifts page and the work's
    "for" line, and can't be given to them again."""
    gift = Gift.objects.select_for_update().filter(pk=gift_id, pseud__user=user).first()
    if gift is None:
        raise NotFound(gettext("No such gift."))
    if not gift.rejected:
        gift.rejected = True
        gift.save(update_fields=["rejected"])
        announce(WorkChanged(gift.work_id))
    return gift
