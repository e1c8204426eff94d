"""The moderators' actions: hide or unhide a work, delete a comment or a bookmark, warn,
suspend, ban and lift; and the admins' roles. Each takes the acting user, needs a reason,
and writes one entry to the append-only audit log in the same transaction as the change.

What a hidden work, a suspension or a ban does everywhere else is decided once:
`access.visibility` (hidden works), `moderation.first_steps` and the API's
token check (suspensions), `User.may_sign_in` (bans)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Bookmark, Comment, NotificationKind
from feedback.notify import notify_account
from feedback.services.bookmarks import delete_bookmark as remove_bookmark
from feedback.services.comments import delete_comment as remove_comment
from lifestream.core.changes import WorkChanged, announce
from lifestream.core.errors import ErrorList, Forbidden, NotFound
from people.models import AuditAction, AuditEntry, User
from works.models import Creatorship, Work

REASON_MAX = 2000
LABEL_MAX = 200
SUSPENSION_DAYS_MAX = 3650


def check_moderator(actor: User) -> None:
    if not getattr(actor, "can_moderate", False):
        raise Forbidden(_("Only the archive's moderators may do that."))


def check_admin(actor: User) -> None:
    if not getattr(actor, "is_admin", False):
        raise Forbidden(_("Only the archive's admins may do that."))


def _clean_reason(reason: str, errors: ErrorList) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors.add("reason", "required", _("Give a reason: it goes in the audit log."))
    errors.check_length("reason", _("The reason"), reason, REASON_MAX)
    return reason


def _reason(reason: str) -> str:
    errors = ErrorList()
    cleaned = _clean_reason(reason, errors)
    errors.raise_if_any()
    return cleaned


def audit(
    actor: User, action: AuditAction, object_type: str, object_id: int, label: str, reason: str
) -> AuditEntry:
    """Write one entry of the audit log (the callers' transaction holds it with the change)."""
    return AuditEntry.objects.create(
        actor_user_id=actor.pk,
        actor_name=actor.username,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=label[:LABEL_MAX],
        reason=reason,
    )


def _message(user: User, text: str) -> None:
    """A moderators' message in `user`'s inbox (not emailed: it waits for them there)."""
    notify_account(user, NotificationKind.MODERATION, message=text)


# --- works -----------------------------------------------------------------------------------


def _work(work_id: int) -> Work:
    work = Work.objects.filter(pk=work_id).first()
    if work is None:
        raise NotFound(_("No such work."))
    return work


@transaction.atomic
def hide_work(actor: User, work_id: int, reason: str) -> Work:
    """Take a work out of everything but its creators' and the moderators' sight; its creators
    read the reason on its page."""
    check_moderator(actor)
    reason = _reason(reason)
    work = _work(work_id)
    work.hidden_at = timezone.now()
    work.hidden_reason = reason
    work.save(update_fields=["hidden_at", "hidden_reason"])
    audit(actor, AuditAction.HIDE_WORK, "work", work.pk, work.title, reason)
    announce(WorkChanged(work.pk))
    return work


@transaction.atomic
def unhide_work(actor: User, work_id: int, reason: str) -> Work:
    check_moderator(actor)
    reason = _reason(reason)
    work = _work(work_id)
    work.hidden_at = None
    work.hidden_reason = ""
    work.save(update_fields=["hidden_at", "hidden_reason"])
    audit(actor, AuditAction.UNHIDE_WORK, "work", work.pk, work.title, reason)
    announce(WorkChanged(work.pk))
    return work


# --- comments and bookmarks ------------------------------------------------------------------


@transaction.atomic
def delete_comment(actor: User, comment_id: int, reason: str) -> None:
    """Delete a comment as its writer could (a placeholder stays where it has replies)."""
    check_moderator(actor)
    reason = _reason(reason)
    comment = Comment.objects.select_related("work", "admin_post").filter(pk=comment_id).first()
    if comment is None or comment.is_deleted:
        raise NotFound(_("No such comment."))
    label = _("Comment on %(title)s") % {"title": comment.target.title}
    audit(actor, AuditAction.DELETE_COMMENT, "comment", comment.pk, label, reason)
    remove_comment(actor, comment)


@transaction.atomic
def delete_bookmark(actor: User, bookmark_id: int, reason: str) -> None:
    check_moderator(actor)
    reason = _reason(reason)
    bookmark = Bookmark.objects.select_related("user").filter(pk=bookmark_id).first()
    if bookmark is None:
        raise NotFound(_("No such bookmark."))
    label = _("Bookmark by %(name)s") % {"name": bookmark.user.username}
    audit(actor, AuditAction.DELETE_BOOKMARK, "bookmark", bookmark.pk, label, reason)
    remove_bookmark(bookmark)


# --- accounts --------------------------------------------------------------------------------


def _target(actor: User, user_id: int) -> User:
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    if user.pk == actor.pk:
        raise Forbidden(_("Moderators do not act on their own account."))
    if user.is_admin and not actor.is_admin:
        raise Forbidden(_("Only an admin may act on an admin's account."))
    return user


@transaction.atomic
def warn_user(actor: User, user_id: int, reason: str) -> User:
    """Send the user the moderators' message (the reason, as written) in their inbox."""
    check_moderator(actor)
    reason = _reason(reason)
    user = _target(actor, user_id)
    audit(actor, AuditAction.WARN, "user", user.pk, user.username, reason)
    _message(user, reason)
    return user


@transaction.atomic
def suspend_user(actor: User, user_id: int, days: int, reason: str) -> User:
    """For `days` days the user may read (and download their own works) but not write:
    no posting, editing, comments, kudos, bookmarks, imports or API writes. It ends by
    itself; the pages tell them why and until when, and their inbox has the reason."""
    check_moderator(actor)
    errors = ErrorList()
    reason = _clean_reason(reason, errors)
    if not isinstance(days, int) or not 1 <= days <= SUSPENSION_DAYS_MAX:
        errors.add(
            "days",
            "out_of_range",
            _("Suspend for 1 to %(max)s days.") % {"max": SUSPENSION_DAYS_MAX},
        )
    errors.raise_if_any()
    user = _target(actor, user_id)
    user.suspended_until = timezone.now() + dt.timedelta(days=days)
    user.restriction_reason = reason
    user.save(update_fields=["suspended_until", "restriction_reason"])
    audit(actor, AuditAction.SUSPEND, "user", user.pk, user.username, reason)
    _message(user, reason)
    return user


@transaction.atomic
def ban_user(actor: User, user_id: int, reason: str, *, hide_works: bool = False) -> User:
    """The user can no longer sign in; their sessions and API tokens stop working at once.
    With `hide_works`, each work they created is hidden in the same step (each logged)."""
    check_moderator(actor)
    reason = _reason(reason)
    user = _target(actor, user_id)
    user.banned_at = timezone.now()
    user.restriction_reason = reason
    user.save(update_fields=["banned_at", "restriction_reason"])
    audit(actor, AuditAction.BAN, "user", user.pk, user.username, reason)
    if hide_works:
        work_ids = Creatorship.objects.filter(pseud__user=user).values_list("work_id", flat=True)
        for work in Work.objects.filter(pk__in=list(work_ids), hidden_at__isnull=True):
            hide_work(actor, work.pk, reason)
    return user


@transaction.atomic
def lift_restrictions(actor: User, user_id: int, reason: str) -> User:
    """End a suspension or a ban now."""
    check_moderator(actor)
    reason = _reason(reason)
    user = _target(actor, user_id)
    user.suspended_until = None
    user.banned_at = None
    user.restriction_reason = ""
    user.save(update_fields=["suspended_until", "banned_at", "restriction_reason"])
    audit(actor, AuditAction.LIFT, "user", user.pk, user.username, reason)
    return user


# --- roles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Roles:
    wrangler: bool
    moderator: bool
    admin: bool


def roles_of(user: User) -> Roles:
    return Roles(
        wrangler=user.is_tag_wrangler, moderator=user.is_moderator, admin=user.is_archive_admin
    )


@transaction.atomic
def set_roles(actor: User, user_id: int, roles: Roles, reason: str) -> User:
    """Give or take the roles (admins only; an admin keeps their own admin role, so the
    archive is never left without one by accident)."""
    check_admin(actor)
    reason = _reason(reason)
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    if user.pk == actor.pk and user.is_archive_admin and not roles.admin:
        raise Forbidden(_("Admins cannot take their own admin role away."))
    before = roles_of(user)
    if before == roles:
        return user
    user.is_tag_wrangler = roles.wrangler
    user.is_moderator = roles.moderator
    user.is_archive_admin = roles.admin
    user.save(update_fields=["is_tag_wrangler", "is_moderator", "is_archive_admin"])
    names = [
        name
        for name, given in (
            ("wrangler", roles.wrangler),
            ("moderator", roles.moderator),
            ("admin", roles.admin),
        )
        if given
    ]
    label = f"{user.username}: {', '.join(names) or '-'}"
    audit(actor, AuditAction.ROLES, "user", user.pk, label, reason)
    return user
