"""Reading comments: one comment by its permalink, and pages of threads with their replies.

Which comments a viewer sees is `access.visibility.visible_comments_q`; on top of it, comments by
users the viewer muted are left out, or kept as placeholders when replies hang below them, so a
thread keeps its shape. A page of threads takes a fixed number of queries however many comments
and replies it holds.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext

from access.getters import get_admin_post, get_work_for_reader
from access.visibility import (
    creator_user_ids,
    held_comments_q,
    is_creator,
    listable_chapters_q,
    muted_user_ids,
    visible_comments_q,
)
from news.models import AdminPost
from people.models import Block
from works.models import Chapter, Work

from ..models import Comment, CommentStatus
from ..moderators import can_moderate
from ..services.comments import Target, commenting_refusal, manages_news

if TYPE_CHECKING:
    from access.visibility import Viewer

THREADS_PER_PAGE = 20
# Levels of replies a page shows below each conversation it starts from.
NESTING_SHOWN = 8


def get_comment_for_reader(viewer: Viewer, comment_id: int) -> Comment:
    """The comment if `viewer` may read its work (or news post) and see it; 404 otherwise
    (LoginRequired for a restricted work and a logged-out visitor, as for the work itself)."""
    found = Comment.objects.filter(pk=comment_id).values_list("work_id", "admin_post_id").first()
    if found is None:
        raise Http404(gettext("No such comment."))
    work_id, post_id = found
    target: Target
    if post_id is not None:
        target = get_admin_post(viewer, post_id)
    else:
        target = get_work_for_reader(viewer, work_id)
        if not target.posted:
            raise Http404(gettext("No such comment."))
    comment = (
        Comment.objects.filter(visible_comments_q(viewer, target), pk=comment_id)
        .select_related("pseud__user", "chapter")
        .first()
    )
    if comment is None:
        raise Http404(gettext("No such comment."))
    if isinstance(target, AdminPost):
        comment.admin_post = target
    else:
        comment.work = target
    return comment


def top_level_comments(
    viewer: Viewer, work: Target, chapter: Chapter | None = None
) -> QuerySet[Comment]:
    """The conversations on `work` (or one chapter), or on a news post, that `viewer` sees,
    oldest first."""
    q = visible_comments_q(viewer, work) & Q(parent__isnull=True)
    if chapter is not None:
        q &= Q(chapter=chapter)
    comments = Comment.objects.filter(q)
    muted = muted_user_ids(viewer)
    if muted:
        # A muted writer's conversation stays only if someone answered it.
        answered = Exists(Comment.objects.filter(parent=OuterRef("pk")))
        comments = comments.filter(~Q(user_id__in=muted) | answered)
    return comments.order_by("created_at", "id")


def pending_comments(viewer: Viewer, work: Work) -> QuerySet[Comment]:
    """Comments held for moderation on `work`: for its creators only."""
    if not is_creator(viewer, work):
        return Comment.objects.none()
    return (
        Comment.objects.filter(work=work, status=CommentStatus.PENDING, is_deleted=False)
        .select_related("pseud__user", "chapter")
        .order_by("created_at", "id")
    )


def held_comments(viewer: Viewer, work: Work | None = None) -> QuerySet[Comment]:
    """Comments held as possible spam that `viewer` reviews (`held_comments_q`), on `work` or
    on every work, oldest first, with what their blurbs show."""
    return (
        Comment.objects.filter(held_comments_q(viewer, work))
        .select_related("pseud__user", "chapter", "work", "admin_post")
        .order_by("created_at", "id")
    )


def waiting_counts(viewer: Viewer, work: Work) -> tuple[int, int]:
    """How many comments on `work` await its creator's approval, and how many are held as
    possible spam, in one query (for its creators; none for anyone else)."""
    if not is_creator(viewer, work):
        return 0, 0
    counts = Comment.objects.filter(
        work=work, is_deleted=False, status__in=[CommentStatus.PENDING, CommentStatus.HELD]
    ).aggregate(
        pending=Count("pk", filter=Q(status=CommentStatus.PENDING)),
        held=Count("pk", filter=Q(status=CommentStatus.HELD)),
    )
    return counts["pending"], counts["held"]


def get_comment_for_review(viewer: Viewer, comment_id: int) -> Comment:
    """A comment `viewer` may approve or mark as spam: one held that they review, else one
    they can read (404 otherwise, as `get_comment_for_reader`)."""
    held = held_comments(viewer).filter(pk=comment_id).first()
    if held is not None:
        return held
    return get_comment_for_reader(viewer, comment_id)


def shape_held(viewer: Viewer, comments: list[Comment]) -> list[Comment]:
    """Held comments as the list pages show them: each alone, with its review buttons."""
    for comment in comments:
        comment.shown_replies = []
        comment.is_placeholder = False
        comment.continue_thread = False
        # Deciding is what these lists are for; the rest waits until a comment is posted.
        comment.can_reply = comment.can_edit = comment.can_freeze = comment.can_delete = False
        comment.can_approve = comment.can_mark_spam = True
        comment.mark_anonymous_creator(set())
    return comments


@dataclass
class Permissions:
    """What the viewer may do on a work's (or a news post's) comments, worked out once per
    page. On news, its admins stand where a work's creators do (`creator`)."""

    viewer: Viewer
    work: Target
    creator: bool
    blockers: set[int] = field(default_factory=set)
    unnamed: set[int] = field(default_factory=set)  # an anonymous work's creators

    @classmethod
    def of(cls, viewer: Viewer, work: Target, writer_ids: set[int]) -> Permissions:
        blockers: set[int] = set()
        if isinstance(work, AdminPost):
            if viewer.is_authenticated and writer_ids:
                blockers = set(
                    Block.objects.filter(
                        blocked_id=viewer.pk, blocker_id__in=writer_ids
                    ).values_list("blocker_id", flat=True)
                )
            return cls(viewer, work, manages_news(viewer), blockers)
        creators = creator_user_ids(work)
        if viewer.is_authenticated:
            blockers = set(
                Block.objects.filter(
                    blocked_id=viewer.pk, blocker_id__in=creators | writer_ids
                ).values_list("blocker_id", flat=True)
            )
        unnamed = creators if work.anonymous else set()
        return cls(viewer, work, is_creator(viewer, work), blockers, unnamed)

    def refusal(self, parent: Comment | None = None) -> str:
        return commenting_refusal(self.viewer, self.work, parent, blockers=self.blockers)

    def annotate(self, comment: Comment) -> None:
        viewer = self.viewer
        own = viewer.is_authenticated and comment.user_id == viewer.pk
        staff = bool(getattr(viewer, "is_staff", False))
        live = not comment.is_deleted
        comment.mark_anonymous_creator(self.unnamed)
        comment.can_reply = live and not self.refusal(comment)
        comment.can_edit = live and own and not comment.is_frozen and not self.refusal()
        comment.can_delete = live and (own or self.creator or staff)
        comment.can_freeze = live and (self.creator or staff)
        comment.can_approve = (
            live
            and self.creator
            and isinstance(self.work, Work)
            and comment.status == CommentStatus.PENDING
        )
        comment.can_mark_spam = (
            live
            and not own
            and (self.creator or can_moderate(viewer))
            and comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
        )


def _shape(
    viewer: Viewer, members: list[Comment], roots: list[int], unnamed: Set[int] = frozenset()
) -> list[Comment]:
    """Hang each comment under its parent, in order; drop what the viewer shouldn't see and
    keep placeholders where hidden or deleted comments have visible replies. Below
    `NESTING_SHOWN` levels a page stops and links to the rest ("Continue this thread"), so a
    long back-and-forth never nests without end."""
    muted = muted_user_ids(viewer)
    children: dict[int, list[Comment]] = {}
    by_id = {comment.pk: comment for comment in members}
    for comment in members:
        if comment.parent_id is not None:
            children.setdefault(comment.parent_id, []).append(comment)

    # Children before parents (an explicit stack: a reply chain can be thousands deep).
    order: list[Comment] = []
    stack = [by_id[pk] for pk in roots if pk in by_id]
    while stack:
        comment = stack.pop()
        order.append(comment)
        stack.extend(children.get(comment.pk, []))
    kept: set[int] = set()
    for comment in reversed(order):
        shown = [reply for reply in children.get(comment.pk, []) if reply.pk in kept]
        comment.shown_replies = shown
        comment.continue_thread = False
        # A mute never hides the comments of an anonymous work's creator (`unnamed`): that
        # would tell the muter who wrote the work.
        hidden = comment.is_deleted or (
            comment.user_id is not None
            and comment.user_id in muted
            and comment.user_id not in unnamed
        )
        comment.is_placeholder = hidden
        comment.placeholder_text = (
            gettext("(Previous comment deleted.)")
            if comment.is_deleted
            else gettext("(This comment is by a user you muted.)")
        )
        if not hidden or shown:
            kept.add(comment.pk)
    threads = [by_id[pk] for pk in roots if pk in kept]
    level = threads
    for _ in range(NESTING_SHOWN):
        level = [reply for comment in level for reply in comment.shown_replies]
    for comment in level:
        if comment.shown_replies:
            comment.shown_replies = []
            comment.continue_thread = True
    return threads


def _walk(comments: list[Comment]) -> list[Comment]:
    """Every comment shown, each before its replies."""
    found = []
    stack = list(reversed(comments))
    while stack:
        comment = stack.pop()
        found.append(comment)
        stack.extend(reversed(comment.shown_replies))
    return found


def _load(
    viewer: Viewer, work: Target, q: Q, roots: list[int]
) -> tuple[list[Comment], Permissions]:
    members = list(
        Comment.objects.filter(visible_comments_q(viewer, work) & q)
        .select_related("pseud__user")
        .order_by("created_at", "id")
    )
    # Who is signed "Anonymous Creator" is marked by `Permissions.annotate`, below; the shape
    # only needs to know whom a mute must not hide.
    unnamed = creator_user_ids(work) if isinstance(work, Work) and work.anonymous else set()
    threads = _shape(viewer, members, roots, unnamed)
    everyone = _walk(threads)
    permissions = Permissions.of(
        viewer, work, {c.user_id for c in everyone if c.user_id is not None}
    )
    for comment in everyone:
        permissions.annotate(comment)
    return threads, permissions


@dataclass
class ThreadPage:
    page: Page
    threads: list[Comment]
    permissions: Permissions


def thread_page(
    viewer: Viewer,
    work: Target,
    chapter: Chapter | None = None,
    *,
    page_number: int | str | None = None,
    chapters: list[Chapter] | None = None,
) -> ThreadPage:
    """Page `page_number` of conversations (a bad or out-of-range number gives the nearest real
    page) with all their visible replies, in four queries whatever their size: the count, the
    page's thread ids, their comments, and blocks.

    The conversations on a whole work (no `chapter`) of more than one chapter each say which
    chapter they are on (`on_chapter`, numbered as the reader counts them): from `chapters`,
    the reader's chapters in order, when the caller has them, else in one more query."""
    ids = top_level_comments(viewer, work, chapter).values_list("pk", flat=True)
    paginator = Paginator(ids, THREADS_PER_PAGE, allow_empty_first_page=True)
    page = paginator.get_page(page_number)
    roots = list(page.object_list)
    if not roots:
        return ThreadPage(page, [], Permissions.of(viewer, work, set()))
    threads, permissions = _load(viewer, work, Q(thread_id__in=roots), roots)
    if chapter is None and isinstance(work, Work):
        _mark_chapters(viewer, work, threads, chapters)
    return ThreadPage(page, threads, permissions)


def _mark_chapters(
    viewer: Viewer, work: Work, threads: list[Comment], chapters: list[Chapter] | None
) -> None:
    if chapters is None:
        chapters = list(
            work.chapters.filter(listable_chapters_q(viewer, work))
            .only("id", "work_id", "position", "title")
            .order_by("position")
        )
    if len(chapters) < 2:
        return
    numbered = {}
    for number, listed in enumerate(chapters, start=1):
        listed.number = number  # type: ignore[attr-defined]  # for the templates
        numbered[listed.pk] = listed
    for comment in _walk(threads):
        comment.on_chapter = numbered.get(comment.chapter_id) if comment.chapter_id else None


def comment_in_context(viewer: Viewer, comment: Comment) -> list[Comment]:
    """`comment` with the visible replies below it, as a one-item thread list for the
    permalink page."""
    thread_id = comment.thread_id or comment.pk
    threads, _ = _load(viewer, comment.target, Q(thread_id=thread_id), [comment.pk])
    if threads:
        return threads
    # The viewer sees this comment but not how it hangs (a muted parent with no other
    # replies, for instance): show it alone.
    Permissions.of(viewer, comment.target, {comment.user_id or 0}).annotate(comment)
    comment.shown_replies = []
    comment.is_placeholder = False
    comment.continue_thread = False
    return [comment]
