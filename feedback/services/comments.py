"""Writing comments: posting, replying, editing, deleting, moderating and freezing threads.

A comment is on a work (or a chapter of it) or on a piece of site news (`news.AdminPost`);
the rules are the same, with the archive's admins and moderators in the place of a work's
creators on news, and nothing to count or to tell a creator.

Every rule about who may comment lives here, so the pages and the API refuse the same things
with the same messages. Refusals (comments closed, a block, a frozen thread, not yours) raise
`Forbidden` with a sentence for people; bad input (an empty or too long comment, a missing
guest name) raises `InvalidInput` naming the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from access.visibility import Access, creator_user_ids, is_creator, work_access
from lifestream.core.actors import Actor
from lifestream.core.changes import ChapterDeleting
from lifestream.core.errors import ErrorList, Forbidden, LoginRequired, NotFound
from lifestream.core.ratelimit import check_rate
from lifestream.core.text import html_to_text, one_line, sanitize_html
from news.models import AdminPost
from people.models import Pseud
from people.queries import is_blocked_by_any
from signups.services import contribution_refusal
from works.models import Chapter, CommentPermission, Work

from ..models import (
    COMMENT_MAX,
    GUEST_NAME_MAX,
    Comment,
    CommentStatus,
    NotificationKind,
    SpamLabel,
)
from ..moderators import can_moderate
from ..notify import notify
from ..stats import adjust_stats
from . import spam

if TYPE_CHECKING:
    from access.visibility import Viewer
    from people.models import User

BLOCKED_BY_CREATOR = _(
    "Sorry, you can't comment on this work: one of its creators has blocked you."
)
BLOCKED_BY_WRITER = _("Sorry, you can't reply to this comment: its writer has blocked you.")
# On an anonymous work a block is kept without saying whose it is: that would name a creator.
BLOCKED_UNNAMED = _("Sorry, you can't comment on this work.")
FROZEN = _("This thread is frozen: it takes no new replies and its comments can't be edited.")
REGISTERED_ONLY = _("Sorry, this work doesn't allow guest comments. Log in to comment.")
NO_ONE = _("Sorry, this work doesn't allow comments.")
NEWS_REGISTERED_ONLY = _("Sorry, this news post doesn't allow guest comments. Log in to comment.")
NEWS_NO_ONE = _("Sorry, this news post doesn't allow comments.")

Target = Work | AdminPost


def _creators(target: Target) -> set[int]:
    """Who is told of a new comment and approves held ones: a work's creators; no one for
    news (its comments are the moderators' to review)."""
    return creator_user_ids(target) if isinstance(target, Work) else set()


def _is_creator(viewer: Viewer, target: Target) -> bool:
    return isinstance(target, Work) and is_creator(viewer, target)


def _count(comment: Comment, delta: int) -> None:
    """A work's comment count follows its published comments; news has no stored count."""
    if comment.work_id is not None:
        adjust_stats(comment.work_id, comments_count=delta)


def manages_news(user: Viewer) -> bool:
    """Who runs site news's conversations as a creator runs a work's: the archive's admins."""
    return bool(getattr(user, "is_admin", False))


def _check_readable(viewer: Viewer, work: Target) -> None:
    """Comments only reach works the commenter may read, and only posted ones (news is
    everyone's to read)."""
    if isinstance(work, AdminPost):
        return
    access = work_access(viewer, work)
    if access is Access.HIDDEN:
        raise NotFound(gettext("No such work."))
    if access is Access.LOGIN_REQUIRED:
        raise LoginRequired
    if not work.posted:
        raise Forbidden(gettext("Comments open once the work is posted."))


def commenting_refusal(
    viewer: Viewer,
    work: Target,
    parent: Comment | None = None,
    *,
    blockers: set[int] | None = None,
) -> str:
    """Why `viewer` may not comment on `work` (or reply to `parent`), or "" if they may. The
    pages show the reason in place of the comment form. `blockers`, when the caller has read
    them already, are the ids of the users who blocked the viewer."""

    def blocked_by(user_ids: set[int]) -> bool:
        if blockers is not None:
            return bool(blockers & user_ids)
        return is_blocked_by_any(viewer, user_ids)

    news = isinstance(work, AdminPost)
    if work.comment_permission == CommentPermission.NO_ONE:
        return str(NEWS_NO_ONE if news else NO_ONE)
    if not viewer.is_authenticated and work.comment_permission != CommentPermission.EVERYONE:
        return str(NEWS_REGISTERED_ONLY if news else REGISTERED_ONLY)
    if isinstance(work, Work) and viewer.is_authenticated and blocked_by(creator_user_ids(work)):
        return str(BLOCKED_UNNAMED if work.anonymous else BLOCKED_BY_CREATOR)
    if parent is not None:
        if parent.is_frozen:
            return str(FROZEN)
        if parent.is_deleted:
            return gettext("This comment has been deleted; it takes no replies.")
        if parent.status != CommentStatus.PUBLISHED:
            return gettext(
                "This comment is awaiting approval; it can be answered once it is approved."
            )
        if viewer.is_authenticated and parent.user_id is not None and blocked_by({parent.user_id}):
            return str(BLOCKED_UNNAMED if parent.by_anonymous_creator else BLOCKED_BY_WRITER)
    return ""


def _clean_body(body: str, errors: ErrorList) -> str:
    body = body or ""
    if len(body) > COMMENT_MAX:
        errors.add(
            "body",
            "too_long",
            gettext("Comments can be at most %(max)s characters long; this one has %(length)s.")
            % {"max": f"{COMMENT_MAX:,}", "length": f"{len(body):,}"},
        )
        return ""
    cleaned = sanitize_html(body, allow_classes=False)
    if not cleaned.strip() or not _has_content(cleaned):
        errors.add("body", "required", gettext("Please write something in your comment."))
    return cleaned


def _has_content(markup: str) -> bool:
    return bool(html_to_text(markup).strip()) or "<img" in markup


def _guest_identity(name: str, email: str, errors: ErrorList) -> tuple[str, str]:
    name = one_line(name or "")
    email = (email or "").strip()
    if not name:
        errors.add("guest_name", "required", gettext("Please enter your name."))
    elif len(name) > GUEST_NAME_MAX:
        errors.add(
            "guest_name",
            "too_long",
            gettext("Names can be at most %(count)d characters long.") % {"count": GUEST_NAME_MAX},
        )
    if not email:
        errors.add("guest_email", "required", gettext("Please enter your email address."))
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors.add("guest_email", "invalid", gettext("Please enter a valid email address."))
    return name, email


def _commenter_pseud(user: User, pseud: Pseud | None, errors: ErrorList) -> Pseud | None:
    if pseud is None:
        return user.default_pseud
    if pseud.user_id != user.pk:
        errors.add("pseud", "not_yours", gettext("You can only comment as one of your own pseuds."))
        return None
    return pseud


def _notify_reply(comment: Comment, actor: Viewer) -> None:
    parent = comment.parent
    if parent is None or parent.user_id is None:
        return
    notify(
        [parent.user_id],
        NotificationKind.REPLY,
        work=comment.work,
        chapter=comment.chapter,
        comment=comment,
        actor=actor if actor.is_authenticated else None,
    )


def _person(actor: Actor | Viewer) -> tuple[Viewer, Actor | None]:
    """The user behind `actor`, and the actor to rate-limit: pages and the API pass an Actor,
    counted against the limits; code acting for the archive itself may pass a bare user."""
    if isinstance(actor, Actor):
        return actor.user, actor
    return actor, None


@transaction.atomic
def post_comment(
    actor: Actor | Viewer,
    work: Target,
    body: str,
    *,
    chapter: Chapter | None = None,
    parent: Comment | None = None,
    pseud: Pseud | None = None,
    guest_name: str = "",
    guest_email: str = "",
    screening: spam.Screening | None = None,
) -> Comment:
    """Post a comment on `work` (on `chapter`, or as a reply to `parent`), or on a piece of
    site news when `work` is one (no chapter; held comments wait for a moderator).

    On a moderated work a comment by anyone but a creator is held until a creator approves it;
    the creators hear of it at once either way. A reply keeps its parent's chapter and thread.

    A guest's or a new account's comment sent by a person (an `Actor`: the pages and the API)
    passes the spam check (`feedback.services.spam`) with what its form sent (`screening`);
    suspected spam is held (`CommentStatus.HELD`) for the creators or a moderator, uncounted
    and untold until one of them approves it."""
    viewer, counted = _person(actor)
    _check_readable(viewer, work)
    news = isinstance(work, AdminPost)
    if parent is not None:
        on = parent.admin_post_id if news else parent.work_id
        if on != work.pk or (parent.admin_post_id is not None) != news:
            raise NotFound(gettext("No such comment on this work."))
        chapter = parent.chapter
    elif chapter is not None and (news or chapter.work_id != work.pk):
        raise NotFound(gettext("No such chapter in this work."))
    if chapter is not None and not chapter.posted:
        raise Forbidden(gettext("Comments open once the chapter is posted."))
    refusal = commenting_refusal(viewer, work, parent) or contribution_refusal(viewer)
    if refusal:
        raise Forbidden(refusal)

    errors = ErrorList()
    cleaned = _clean_body(body, errors)
    user = viewer if viewer.is_authenticated else None
    name = email = ""
    writer_pseud = None
    if user is None:
        name, email = _guest_identity(guest_name, guest_email, errors)
    else:
        writer_pseud = _commenter_pseud(user, pseud, errors)
    errors.raise_if_any()
    if counted is not None:
        check_rate("comment", counted, field="body", noun="comments")

    creator = _is_creator(viewer, work)
    body_digest = spam.digest(cleaned)
    verdict = spam.Verdict()
    if (
        counted is not None
        and not creator
        and not can_moderate(viewer)
        and spam.needs_check(viewer)
    ):
        verdict = spam.screen(viewer, cleaned, body_digest, screening)
    if verdict.held:
        status = CommentStatus.HELD
    elif isinstance(work, Work) and work.moderated_comments and not creator:
        status = CommentStatus.PENDING
    else:
        status = CommentStatus.PUBLISHED
    held = status != CommentStatus.PUBLISHED
    comment = Comment.objects.create(
        work=work if isinstance(work, Work) else None,
        admin_post=work if isinstance(work, AdminPost) else None,
        thread_id=(parent.thread_id or parent.pk) if parent is not None else None,
        chapter=chapter,
        parent=parent,
        depth=parent.depth + 1 if parent is not None else 0,
        user=user,
        pseud=writer_pseud,
        guest_name=name,
        guest_email=email,
        body=cleaned,
        status=status,
        body_digest=body_digest,
        spam_reasons=" ".join(verdict.reasons),
        spam_score=verdict.score,
    )
    if parent is None:
        # A new conversation: its own thread.
        comment.thread_id = comment.pk
        comment.save(update_fields=["thread"])
    if not held:
        _count(comment, 1)
    if status == CommentStatus.HELD:
        # Suspected spam reaches no inbox; the creators find it among their held comments.
        return comment

    creators = _creators(work)
    # A creator whose own comment was answered hears of it once, as a reply.
    told_of_reply = {parent.user_id} if parent is not None and not held else set()
    notify(
        creators - told_of_reply,
        NotificationKind.COMMENT,
        work=comment.work,
        chapter=chapter,
        comment=comment,
        actor=user,
    )
    if not held:
        _notify_reply(comment, viewer)
    return comment


def _check_writer(user: Viewer, comment: Comment) -> None:
    if not user.is_authenticated or comment.user_id != user.pk or comment.is_deleted:
        raise Forbidden(gettext("Only the comment's writer can edit it."))


@transaction.atomic
def edit_comment(actor: Actor | Viewer, comment: Comment, body: str) -> Comment:
    """Change a comment's text, by its writer (guests can't: nothing shows they wrote it).
    The comment then says when it was last edited."""
    viewer, counted = _person(actor)
    _check_readable(viewer, comment.target)
    _check_writer(viewer, comment)
    if comment.is_frozen:
        raise Forbidden(str(FROZEN))
    if comment.work is not None and is_blocked_by_any(viewer, creator_user_ids(comment.work)):
        raise Forbidden(str(BLOCKED_UNNAMED if comment.work.anonymous else BLOCKED_BY_CREATOR))
    errors = ErrorList()
    cleaned = _clean_body(body, errors)
    errors.raise_if_any()
    if counted is not None:
        check_rate("comment", counted, field="body", noun="comments")
    comment.body = cleaned
    comment.edited_at = timezone.now()
    comment.body_digest = spam.digest(cleaned)
    fields = ["body", "edited_at", "body_digest"]
    if (
        counted is not None
        and comment.status == CommentStatus.PUBLISHED
        and not _is_creator(viewer, comment.target)
        and not can_moderate(viewer)
        and spam.needs_check(viewer)
    ):
        # A new account's comment edited into spam (links, or what reads like spam) goes back
        # to be reviewed; the form's own signals were checked when it was posted.
        verdict = spam.screen(viewer, cleaned, comment.body_digest, spam.Screening())
        if verdict.held:
            comment.status = CommentStatus.HELD
            comment.spam_reasons = " ".join(verdict.reasons)
            comment.spam_score = verdict.score
            fields += ["status", "spam_reasons", "spam_score"]
            _count(comment, -1)
    comment.save(update_fields=fields)
    return comment


def can_delete(user: Viewer, comment: Comment) -> bool:
    """The writer, a creator of the work, an admin or a moderator."""
    if not user.is_authenticated or comment.is_deleted:
        return False
    return (
        comment.user_id == user.pk
        or user.is_staff
        or getattr(user, "can_moderate", False)
        or _is_creator(user, comment.target)
    )


@transaction.atomic
def delete_comment(viewer: Viewer, comment: Comment) -> Comment | None:
    """Delete a comment. With replies it stays as a placeholder ("Previous comment deleted.")
    so the conversation below it keeps its place; without, it goes, and so does a deleted
    placeholder above it that has nothing left to hold. Returns the placeholder, or None."""
    if not can_delete(viewer, comment):
        raise Forbidden(
            gettext("Only the writer, the work's creators or an admin can delete this.")
        )
    counted = comment.status == CommentStatus.PUBLISHED
    placeholder: Comment | None = None
    if comment.replies.exists():
        comment.is_deleted = True
        comment.body = ""
        comment.user = None
        comment.pseud = None
        comment.guest_name = ""
        comment.guest_email = ""
        comment.save(
            update_fields=["is_deleted", "body", "user", "pseud", "guest_name", "guest_email"]
        )
        placeholder = comment
    else:
        parent_id = comment.parent_id
        comment.delete()
        _prune_placeholders(parent_id)
    if counted:
        _count(comment, -1)
    return placeholder


def _prune_placeholders(comment_id: int | None) -> None:
    while comment_id is not None:
        above = Comment.objects.filter(pk=comment_id, is_deleted=True).first()
        if above is None or above.replies.exists():
            return
        comment_id = above.parent_id
        above.delete()


def _check_moderator(user: Viewer, comment: Comment, refusal: str) -> None:
    if comment.on_news and manages_news(user):
        return
    if not _is_creator(user, comment.target) and not getattr(user, "is_staff", False):
        raise Forbidden(refusal)


def can_review(user: Viewer, comment: Comment) -> bool:
    """Who decides on a comment held as possible spam: the work's creators and moderators."""
    return _is_creator(user, comment.target) or can_moderate(user)


def _publish(viewer: Viewer, comment: Comment, held_as: str) -> bool:
    """Publish `comment` if it is still `held_as`; it then counts, and the writer of the
    comment it answers hears of the reply. Whether it was published now."""
    updated = Comment.objects.filter(pk=comment.pk, status=held_as).update(
        status=CommentStatus.PUBLISHED
    )
    comment.status = CommentStatus.PUBLISHED
    if updated and not comment.is_deleted:
        _count(comment, 1)
        _notify_reply(comment, viewer)
    return bool(updated)


@transaction.atomic
def approve_comment(viewer: Viewer, comment: Comment) -> Comment:
    """Publish a held comment. One awaiting a moderated work's approval: by its creators only.
    One held as possible spam: by its creators or a moderator, which teaches the spam
    classifier "not spam"; on a moderated work a moderator's approval leaves it awaiting the
    creators'."""
    if comment.status == CommentStatus.HELD:
        return _approve_held(viewer, comment)
    if not _is_creator(viewer, comment.target):
        raise Forbidden(gettext("Only the work's creators can approve comments."))
    if comment.status == CommentStatus.PUBLISHED:
        return comment
    _publish(viewer, comment, CommentStatus.PENDING)
    return comment


def _approve_held(viewer: Viewer, comment: Comment) -> Comment:
    if not can_review(viewer, comment):
        raise Forbidden(gettext("Only the work's creators or a moderator can review this comment."))
    work = comment.target
    if isinstance(work, Work) and work.moderated_comments and not is_creator(viewer, work):
        updated = Comment.objects.filter(pk=comment.pk, status=CommentStatus.HELD).update(
            status=CommentStatus.PENDING
        )
        comment.status = CommentStatus.PENDING
        published = False
    else:
        updated = published = _publish(viewer, comment, CommentStatus.HELD)
    if not updated:
        return comment
    spam.learn(comment, SpamLabel.HAM, viewer)
    creators = _creators(work)
    if published and comment.parent is not None:
        creators -= {comment.parent.user_id}
    notify(
        creators - ({viewer.pk} if viewer.is_authenticated else set()),
        NotificationKind.COMMENT,
        work=comment.work,
        chapter=comment.chapter,
        comment=comment,
        actor=comment.user,
    )
    return comment


@transaction.atomic
def mark_spam(viewer: Viewer, comment: Comment) -> Comment:
    """Mark a comment as spam (its work's creators or a moderator): it is shown to no one
    and no longer counted, and the spam classifier learns from it."""
    if not can_review(viewer, comment) or comment.is_deleted:
        raise Forbidden(gettext("Only the work's creators or a moderator can mark this as spam."))
    if comment.status == CommentStatus.SPAM:
        return comment
    was = comment.status
    updated = Comment.objects.filter(pk=comment.pk, status=was).update(status=CommentStatus.SPAM)
    comment.status = CommentStatus.SPAM
    if not updated:
        return comment
    if was == CommentStatus.PUBLISHED:
        _count(comment, -1)
    spam.learn(comment, SpamLabel.SPAM, viewer)
    return comment


def _subtree_ids(comment: Comment) -> list[int]:
    """`comment` and every reply below it, from one read of its thread."""
    members = Comment.objects.filter(thread_id=comment.thread_id or comment.pk).values_list(
        "id", "parent_id"
    )
    children: dict[int | None, list[int]] = {}
    for member_id, parent_id in members:
        children.setdefault(parent_id, []).append(member_id)
    found, stack = [], [comment.pk]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def _set_frozen(viewer: Viewer, comment: Comment, frozen: bool) -> Comment:
    _check_moderator(viewer, comment, gettext("Only the work's creators can freeze threads."))
    Comment.objects.filter(pk__in=_subtree_ids(comment)).update(is_frozen=frozen)
    comment.is_frozen = frozen
    return comment


@transaction.atomic
def freeze_thread(viewer: Viewer, comment: Comment) -> Comment:
    """Freeze `comment` and every reply below it: no new replies, no edits (creators and
    admins). The conversation stays readable."""
    return _set_frozen(viewer, comment, True)


@transaction.atomic
def unfreeze_thread(viewer: Viewer, comment: Comment) -> Comment:
    """Open a frozen thread again from `comment` down."""
    return _set_frozen(viewer, comment, False)


def forget_chapter_comments(change: ChapterDeleting) -> None:
    """A chapter is being deleted with its comments: take them out of the work's count."""
    counted = Comment.objects.filter(
        chapter_id=change.chapter_id, status=CommentStatus.PUBLISHED, is_deleted=False
    ).count()
    if counted:
        adjust_stats(change.work_id, comments_count=-counted)


@dataclass
class ImportedComment:
    """A comment of an archive brought over (`manage.py import_efiction`): who wrote it (a
    pseud, or a guest's name), when, on which chapter, and the replies it had."""

    body: str
    created_at: dt.datetime
    chapter: Chapter | None = None
    pseud: Pseud | None = None
    guest_name: str = ""
    replies: list[ImportedComment] = field(default_factory=list)


def _keep_dates_and_threads(comments: list[Comment]) -> None:
    """Give just-created comments their old dates (the creation stamp is set on insert) and
    their threads (a new thread is its first comment's id), in one statement run for every row:
    an import writes hundreds of thousands, and a CASE expression per batch costs more than
    the rows."""
    ops = connection.ops
    table = ops.quote_name(Comment._meta.db_table)
    created = ops.quote_name(Comment._meta.get_field("created_at").column)
    thread = ops.quote_name(Comment._meta.get_field("thread").column)
    rows = [
        (ops.adapt_datetimefield_value(comment.created_at), comment.thread_id, comment.pk)
        for comment in comments
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {created} = %s, {thread} = %s WHERE id = %s", rows)


def import_comments(work: Work, threads: list[ImportedComment]) -> int:
    """Write an imported archive's conversations on `work` as they were, in the caller's
    transaction: bodies sanitised as any comment's, dates kept, replies threaded. It is history,
    not new activity: no notification, no spam check, no rate limit, no moderation hold. A body
    that sanitises to nothing is left out. Returns how many comments were written."""
    written = 0
    level: list[tuple[ImportedComment, Comment | None]] = [(thread, None) for thread in threads]
    depth = 0
    while level:
        made: list[tuple[ImportedComment, Comment]] = []
        for imported, parent in level:
            body = sanitize_html((imported.body or "")[:COMMENT_MAX], allow_classes=False)
            if not body.strip() or not _has_content(body):
                continue
            pseud = imported.pseud
            comment = Comment(
                work=work,
                chapter=parent.chapter if parent is not None else imported.chapter,
                parent=parent,
                thread_id=(parent.thread_id if parent is not None else None),
                depth=depth,
                user_id=pseud.user_id if pseud is not None else None,
                pseud=pseud,
                guest_name=""
                if pseud is not None
                else one_line(imported.guest_name)[:GUEST_NAME_MAX],
                body=body,
                status=CommentStatus.PUBLISHED,
                body_digest=spam.digest(body),
            )
            made.append((imported, comment))
        if not made:
            break
        Comment.objects.bulk_create([comment for _, comment in made])
        for imported, comment in made:
            comment.created_at = imported.created_at
            if comment.parent_id is None:
                comment.thread_id = comment.pk
        _keep_dates_and_threads([comment for _, comment in made])
        written += len(made)
        level = [(reply, comment) for imported, comment in made for reply in imported.replies]
        depth += 1
    if written:
        adjust_stats(work.pk, comments_count=written)
    return written
