"""API for comments: the same queries and services as the pages.

A guest's email never leaves the archive: no schema here has a field for it on the way out."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema, Status

from access.getters import get_work_for_reader
from feedback.models import COMMENT_MAX, GUEST_NAME_MAX, Comment
from feedback.queries import comments as queries
from feedback.services import comments as services
from feedback.services.spam import Screening
from lifestream.core.actors import actor_of
from lifestream.core.errors import FieldError, InvalidInput

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of, viewer_of
from .routing import ApiRouter
from .schemas import CreatorOut, ErrorsOut, Input, ObjectId, Text

router = ApiRouter(tags=["comments"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
READ_ERRORS = {(401, 404): ErrorsOut}
WRITE_ERRORS = {(400, 401, 403, 404, 413, 422, 429): ErrorsOut}
PageNumber = Annotated[int, Query(1, ge=1, description="1 for the oldest conversations.")]


class CommentOut(Schema):
    """A comment and the replies below it that the viewer sees. A deleted comment with
    replies, or one by a user the viewer muted, is a placeholder: `placeholder` is true and
    it has no author or body."""

    id: int
    url: str
    work_id: int
    chapter_id: int | None
    parent_id: int | None
    thread_id: int
    depth: int
    author: CreatorOut | None = Field(description="The pseud a registered user wrote as.")
    guest_name: str | None = Field(description="The name a guest gave (never their email).")
    body: str
    status: str = Field(
        description="published; pending (awaiting the creator's approval); held (held as "
        "possible spam, for the creators or a moderator to review)."
    )
    placeholder: bool
    anonymous_creator: bool = Field(
        False,
        description='By a creator of the anonymous work it is on: signed "Anonymous Creator", '
        "with no author.",
    )
    deleted: bool
    frozen: bool
    created: dt.datetime
    edited: dt.datetime | None
    replies: list[CommentOut]
    more_replies: bool = Field(
        description="Replies nest deeper than one answer shows: read them at this comment."
    )

    @classmethod
    def of(cls, comment: Comment) -> CommentOut:
        hidden = bool(getattr(comment, "is_placeholder", False))
        pseud = comment.pseud
        # The API reads a work's conversations: every comment in them is on that work.
        assert comment.work_id is not None
        return cls(
            id=comment.pk,
            url=comment.get_absolute_url(),
            work_id=comment.work_id,
            chapter_id=comment.chapter_id,
            parent_id=comment.parent_id,
            thread_id=comment.thread_id or comment.pk,
            depth=comment.depth,
            author=(
                CreatorOut(pseud=pseud.name, user=pseud.user.username)
                if pseud is not None and not hidden and not comment.by_anonymous_creator
                else None
            ),
            anonymous_creator=not hidden and comment.by_anonymous_creator,
            guest_name=comment.guest_name if comment.is_guest and not hidden else None,
            body="" if hidden else comment.body,
            status=comment.status,
            placeholder=hidden,
            deleted=comment.is_deleted,
            frozen=comment.is_frozen,
            created=comment.created_at,
            edited=None if hidden else comment.edited_at,
            replies=[cls.of(reply) for reply in getattr(comment, "shown_replies", [])],
            more_replies=bool(getattr(comment, "continue_thread", False)),
        )


class CommentPage(Schema):
    """One page of a work's conversations (20 a page, oldest first), each with its replies."""

    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[CommentOut]


class NewComment(Input):
    body: Text = Field(..., description=f"HTML or plain text, at most {COMMENT_MAX:,} characters.")
    chapter_id: int | None = Field(None, description="Comment on this chapter of the work.")
    parent_id: int | None = Field(None, description="Reply to this comment.")
    pseud_id: int | None = Field(None, description="Write as this pseud; your default if left out.")
    guest_name: Text = Field("", max_length=GUEST_NAME_MAX * 2, description="Guests only.")
    guest_email: Text = Field("", max_length=254, description="Guests only; never shown to anyone.")
    altcha: Text = Field(
        "",
        max_length=10_000,
        description="Guests only: a solved proof-of-work challenge (ALTCHA, from "
        "`GET /comments/challenge`). Without one, a guest's comment is held for review.",
    )


class CommentChanges(Input):
    body: Text


def _page_path(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return f"{request.path}?{query.urlencode()}"


@router.get("/works/{work_id}/comments", response={200: CommentPage, **READ_ERRORS}, **READ)
def list_comments(request: HttpRequest, work_id: ObjectId, page: PageNumber = 1) -> CommentPage:
    """The conversations on a work, oldest first, with their replies nested."""
    viewer = viewer_of(request)
    work = get_work_for_reader(viewer, work_id)
    if not work.posted:
        return CommentPage(count=0, page=1, pages=1, next=None, previous=None, results=[])
    threads = queries.thread_page(viewer, work, page_number=page)
    number = threads.page.number
    pages = threads.page.paginator.num_pages
    return CommentPage(
        count=threads.page.paginator.count,
        page=number,
        pages=pages,
        next=_page_path(request, number + 1) if number < pages else None,
        previous=_page_path(request, number - 1) if number > 1 else None,
        results=[CommentOut.of(comment) for comment in threads.threads],
    )


@router.get("/comments/{comment_id}", response={200: CommentOut, **READ_ERRORS}, **READ)
def get_comment(request: HttpRequest, comment_id: ObjectId) -> CommentOut:
    """One comment with the replies below it."""
    viewer = viewer_of(request)
    comment = queries.get_comment_for_reader(viewer, comment_id)
    return CommentOut.of(queries.comment_in_context(viewer, comment)[0])


def _reread(request: HttpRequest, comment: Comment) -> CommentOut:
    fresh = queries.get_comment_for_reader(viewer_of(request), comment.pk)
    return CommentOut.of(queries.comment_in_context(viewer_of(request), fresh)[0])


@router.post(
    "/works/{work_id}/comments",
    response={201: CommentOut, **WRITE_ERRORS},
    **READ,
)
def post_comment(request: HttpRequest, work_id: ObjectId, payload: NewComment) -> Status:
    """Comment on a work, on one of its chapters (`chapter_id`) or in reply to a comment
    (`parent_id`). Without a token, as a guest with `guest_name` and `guest_email`, where the
    work takes guest comments. On a moderated work the comment waits for approval. A guest's
    or a new account's comment passes the spam check; suspected spam is answered with status
    `held`: it waits for the creators or a moderator."""
    viewer = viewer_of(request)
    work = get_work_for_reader(viewer, work_id)
    chapter = parent = pseud = None
    if payload.chapter_id is not None:
        chapter = work.chapters.filter(pk=payload.chapter_id).first()
        if chapter is None:
            raise InvalidInput([FieldError("chapter_id", "not_found", "No such chapter.")])
    if payload.parent_id is not None:
        parent = Comment.objects.filter(pk=payload.parent_id, work=work).first()
        if parent is None:
            raise InvalidInput([FieldError("parent_id", "not_found", "No such comment.")])
        # Only a comment the viewer can see can be answered.
        parent = queries.get_comment_for_reader(viewer, parent.pk)
    if payload.pseud_id is not None:
        if not viewer.is_authenticated:
            raise InvalidInput([FieldError("pseud_id", "not_yours", "Guests have no pseuds.")])
        pseud = viewer.pseuds.filter(pk=payload.pseud_id).first()
        if pseud is None:
            raise InvalidInput(
                [FieldError("pseud_id", "not_yours", "You can only comment as your own pseuds.")]
            )
    if viewer.is_authenticated and (payload.guest_name or payload.guest_email):
        raise InvalidInput(
            [FieldError("guest_name", "not_a_guest", "Registered users comment as a pseud.")]
        )
    comment = services.post_comment(
        actor_of(request, viewer),
        work,
        payload.body,
        chapter=chapter,
        parent=parent,
        pseud=pseud,
        guest_name=payload.guest_name,
        guest_email=payload.guest_email,
        screening=Screening(proof=payload.altcha),
    )
    # Built from the new comment itself: a guest's held comment is theirs to see once, here,
    # though no later request of theirs can show it.
    return Status(201, CommentOut.of(comment))


@router.patch("/comments/{comment_id}", response={200: CommentOut, **WRITE_ERRORS}, **WRITE)
def edit_comment(request: HttpRequest, comment_id: ObjectId, payload: CommentChanges) -> CommentOut:
    """Change your comment's text; it then shows when it was last edited."""
    user = user_of(request)
    comment = queries.get_comment_for_reader(user, comment_id)
    services.edit_comment(actor_of(request, user), comment, payload.body)
    return _reread(request, comment)


@router.delete("/comments/{comment_id}", response={204: None, **WRITE_ERRORS}, **WRITE)
def delete_comment(request: HttpRequest, comment_id: ObjectId) -> Status:
    """Delete a comment (its writer, the work's creators, an admin). One with replies stays as
    a placeholder so the conversation keeps its shape."""
    user = user_of(request)
    services.delete_comment(user, queries.get_comment_for_reader(user, comment_id))
    return Status(204, None)


def _moderate(request: HttpRequest, comment_id: int, action: Any) -> CommentOut:
    user = user_of(request)
    comment = queries.get_comment_for_review(user, comment_id)
    if comment.is_deleted:
        raise PermissionDenied("This comment has been deleted.")
    action(user, comment)
    try:
        return _reread(request, comment)
    except Http404:
        # A moderator's approval on a moderated work: it now awaits the creators.
        return CommentOut.of(comment)


@router.post("/comments/{comment_id}/approve", response={200: CommentOut, **WRITE_ERRORS}, **WRITE)
def approve_comment(request: HttpRequest, comment_id: ObjectId) -> CommentOut:
    """Publish a comment held for moderation (the work's creators)."""
    return _moderate(request, comment_id, services.approve_comment)


@router.post("/comments/{comment_id}/spam", response={204: None, **WRITE_ERRORS}, **WRITE)
def mark_spam(request: HttpRequest, comment_id: ObjectId) -> Status:
    """Mark a comment as spam (the work's creators or a moderator): it is shown to no one
    from then on, and the spam check learns from it."""
    user = user_of(request)
    comment = queries.get_comment_for_review(user, comment_id)
    if comment.is_deleted:
        raise PermissionDenied("This comment has been deleted.")
    services.mark_spam(user, comment)
    return Status(204, None)


@router.post("/comments/{comment_id}/freeze", response={200: CommentOut, **WRITE_ERRORS}, **WRITE)
def freeze_comment(request: HttpRequest, comment_id: ObjectId) -> CommentOut:
    """Freeze a comment and the replies below it: no new replies, no edits."""
    return _moderate(request, comment_id, services.freeze_thread)


@router.post("/comments/{comment_id}/unfreeze", response={200: CommentOut, **WRITE_ERRORS}, **WRITE)
def unfreeze_comment(request: HttpRequest, comment_id: ObjectId) -> CommentOut:
    """Open a frozen thread again."""
    return _moderate(request, comment_id, services.unfreeze_thread)
