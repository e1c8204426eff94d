"""API for subscriptions and the inbox: the same queries and services as the pages. Both are
private, so every endpoint needs a token and answers only about the token's user."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Path, Query, Schema, Status
from pydantic import ConfigDict, Field

from feedback.models import Notification, Subscription
from feedback.queries import subscriptions as queries
from feedback.services import inbox as inbox_services
from feedback.services import subscriptions as services
from lifestream.core.errors import FieldError, InvalidInput, LoginRequired
from people import queries as people_queries
from works import queries as work_queries

from .auth import BearerToken, user_of
from .routing import ApiRouter
from .schemas import ErrorsOut

router = ApiRouter(tags=["subscriptions"])

WRITE: dict[str, Any] = {"auth": BearerToken()}
ERRORS = {(401, 404, 422): ErrorsOut}
PER_PAGE = 20
ObjectId = Annotated[int, Path(..., ge=1, le=2**63 - 1)]
PageNumber = Annotated[int, Query(1, ge=1)]


class WorkRef(Schema):
    id: int
    title: str
    url: str


class SubscriptionOut(Schema):
    id: int
    type: str = Field(description="`work` or `user`")
    work: WorkRef | None
    user: str | None = Field(description="the login of the user subscribed to")
    created_at: dt.datetime

    @classmethod
    def of(cls, subscription: Subscription) -> SubscriptionOut:
        work = subscription.work
        return cls(
            id=subscription.pk,
            type="work" if work is not None else "user",
            work=WorkRef(id=work.pk, title=work.title, url=work.get_absolute_url())
            if work is not None
            else None,
            user=subscription.creator.username if subscription.creator is not None else None,
            created_at=subscription.created_at,
        )


class SubscriptionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SubscriptionOut]


class NewSubscription(Schema):
    """Exactly one of `work_id` and `user` (a login)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    work_id: int | None = Field(None, ge=1, le=2**63 - 1)
    user: str | None = Field(None, max_length=100)


class ChapterRef(Schema):
    id: int
    title: str
    url: str


class CommentRef(Schema):
    id: int
    url: str
    author: str
    body: str = Field(description="sanitised HTML")
    pending: bool = Field(description="awaiting the creator's approval")


class NoticeOut(Schema):
    id: int
    kind: str = Field(description="`chapter`, `work`, `comment`, `reply` or `kudos`")
    created_at: dt.datetime
    read: bool
    work: WorkRef | None
    chapter: ChapterRef | None
    comment: CommentRef | None
    actor: str | None = Field(description="the login of who did it, when known")

    @classmethod
    def of(cls, notice: Notification) -> NoticeOut:
        work, chapter, comment = notice.work, notice.chapter, notice.comment
        return cls(
            id=notice.pk,
            kind=notice.kind,
            created_at=notice.created_at,
            read=notice.read_at is not None,
            work=WorkRef(id=work.pk, title=work.title, url=work.get_absolute_url())
            if work is not None
            else None,
            chapter=ChapterRef(id=chapter.pk, title=str(chapter), url=chapter.get_absolute_url())
            if chapter is not None
            else None,
            comment=CommentRef(
                id=comment.pk,
                url=f"/comments/{comment.pk}",
                author=comment.author_name,
                body=comment.body,
                pending=comment.status == "pending",
            )
            if comment is not None
            else None,
            actor=notice.actor.username if notice.actor is not None else None,
        )


class InboxPage(Schema):
    count: int
    unread: int
    page: int
    pages: int
    results: list[NoticeOut]


class ReadRequest(Schema):
    """`{"ids": [...]}` marks those notices read; `{"all": true}` the whole inbox."""

    model_config = ConfigDict(strict=True, extra="forbid")
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(None, max_length=1000)
    all: bool = False


class ReadOut(Schema):
    marked: int
    unread: int


def _page(items: Any, number: int) -> tuple[Any, int, int]:
    paginator = Paginator(items, PER_PAGE, allow_empty_first_page=True)
    pages = max(1, paginator.num_pages)
    rows = paginator.page(number).object_list if number <= pages else []
    return rows, paginator.count, pages


@router.get("/subscriptions", response={200: SubscriptionPage, **ERRORS}, **WRITE)
def list_subscriptions(
    request: HttpRequest, page: PageNumber = 1, type: str = ""
) -> SubscriptionPage:
    """The token's user's subscriptions, newest first; `type=works` or `type=users` filters."""
    rows, count, pages = _page(queries.subscriptions_of(user_of(request), type), page)
    return SubscriptionPage(
        count=count, page=page, pages=pages, results=[SubscriptionOut.of(s) for s in rows]
    )


@router.post(
    "/subscriptions", response={200: SubscriptionOut, 201: SubscriptionOut, **ERRORS}, **WRITE
)
def create_subscription(request: HttpRequest, payload: NewSubscription) -> Status:
    """Subscribe to a work (new chapters) or a user (new works). Answers 201, or 200 when the
    subscription already existed."""
    user = user_of(request)
    if (payload.work_id is None) == (payload.user is None):
        raise InvalidInput([FieldError("work_id", "one_target", "Send either work_id or user.")])
    work = creator = None
    if payload.work_id is not None:
        try:
            work = work_queries.get_work_for_reader(user, payload.work_id)
        except LoginRequired as error:  # never for a token's user
            raise Http404("No such work.") from error
    else:
        creator = people_queries.get_user(payload.user or "")
    existed = queries.subscription_to(user, work=work, creator=creator) is not None
    subscription = services.subscribe(user, work=work, creator=creator)
    subscription = queries.subscriptions_of(user).get(pk=subscription.pk)
    return Status(200 if existed else 201, SubscriptionOut.of(subscription))


@router.delete("/subscriptions/{subscription_id}", response={204: None, **ERRORS}, **WRITE)
def delete_subscription(request: HttpRequest, subscription_id: ObjectId) -> Status:
    """Unsubscribe. Another user's subscription is 404, as one that doesn't exist."""
    user = user_of(request)
    if not Subscription.objects.filter(pk=subscription_id, user=user).exists():
        raise Http404("You have no such subscription.")
    services.delete_subscription(user, subscription_id)
    return Status(204, None)


@router.get("/inbox", response={200: InboxPage, **ERRORS}, **WRITE)
def inbox(
    request: HttpRequest, page: PageNumber = 1, unread: bool = False, kind: str = ""
) -> InboxPage:
    """The token's user's notifications, newest first, 20 a page; `unread=true` for unread
    ones only; `kind` is `comments`, `kudos` or `subscriptions`."""
    user = user_of(request)
    rows, count, pages = _page(queries.inbox(user, kind, unread), page)
    return InboxPage(
        count=count,
        unread=queries.unread_count(user),
        page=page,
        pages=pages,
        results=[NoticeOut.of(notice) for notice in rows],
    )


@router.post("/inbox/read", response={200: ReadOut, **ERRORS}, **WRITE)
def mark_read(request: HttpRequest, payload: ReadRequest) -> ReadOut:
    """Mark notices read: `{"ids": [1, 2]}`, or `{"all": true}` for the whole inbox. Ids that
    are not the user's are ignored."""
    user = user_of(request)
    if payload.all == (payload.ids is not None):
        raise InvalidInput([FieldError("ids", "one_of", 'Send either "ids" or "all": true.')])
    marked = inbox_services.mark_read(user, None if payload.all else payload.ids)
    return ReadOut(marked=marked, unread=queries.unread_count(user))
