"""API for subscriptions and the inbox: the same queries and services as the pages. Both are
private, so every endpoint needs a token and answers only about the token's user."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest
from ninja import Query, Schema, Status
from pydantic import ConfigDict, Field

from access.getters import get_series_for_reader, get_work_for_reader
from feedback.models import Notification, Subscription
from feedback.queries import subscriptions as queries
from feedback.services import inbox as inbox_services
from feedback.services import subscriptions as services
from lifestream.core.errors import FieldError, InvalidInput, LoginRequired
from lifestream.core.ids import ID_MAX
from people import queries as people_queries
from works.models import Series

from .auth import BearerToken, user_of
from .routing import ApiRouter
from .schemas import ErrorsOut, ObjectId

router = ApiRouter(tags=["subscriptions"])

WRITE: dict[str, Any] = {"auth": BearerToken()}
ERRORS = {(401, 404, 422): ErrorsOut}
PER_PAGE = 20
PageNumber = Annotated[int, Query(1, ge=1)]


class WorkRef(Schema):
    id: int
    title: str
    url: str


class SeriesRef(Schema):
    id: int
    title: str
    url: str


def _series_ref(series: Series | None) -> SeriesRef | None:
    if series is None:
        return None
    return SeriesRef(id=series.pk, title=series.title, url=series.get_absolute_url())


class SubscriptionOut(Schema):
    id: int
    type: str = Field(description="`work`, `user` or `series`")
    work: WorkRef | None
    user: str | None = Field(description="the login of the user subscribed to")
    series: SeriesRef | None
    created_at: dt.datetime

    @classmethod
    def of(cls, subscription: Subscription) -> SubscriptionOut:
        work, series = subscription.work, subscription.series
        kind = "work" if work is not None else "series" if series is not None else "user"
        return cls(
            id=subscription.pk,
            type=kind,
            work=WorkRef(id=work.pk, title=work.title, url=work.get_absolute_url())
            if work is not None
            else None,
            user=subscription.creator.username if subscription.creator is not None else None,
            series=_series_ref(series),
            created_at=subscription.created_at,
        )


class SubscriptionPage(Schema):
    count: int
    page: int
    pages: int
    results: list[SubscriptionOut]


class NewSubscription(Schema):
    """Exactly one of `work_id`, `series_id` and `user` (a login)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    work_id: int | None = Field(None, ge=1, le=ID_MAX)
    series_id: int | None = Field(None, ge=1, le=ID_MAX)
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
    kind: str = Field(
        description="`chapter`, `work`, `comment`, `reply`, `kudos`, `cocreator`, `gift`, "
        "`related`, `moderation` (a message from the moderators) or `export` (your data "
        "export is ready, at `/users/LOGIN/export`)"
    )
    created_at: dt.datetime
    read: bool
    work: WorkRef | None
    chapter: ChapterRef | None
    series: SeriesRef | None = Field(
        description="on a `work` notice for a series' subscribers: the series it joined"
    )
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
            series=_series_ref(notice.series),
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
    ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(None, max_length=1000)
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
    """The token's user's subscriptions, newest first; `type=works`, `type=users` or
    `type=series` filters."""
    rows, count, pages = _page(queries.subscriptions_of(user_of(request), type), page)
    return SubscriptionPage(
        count=count, page=page, pages=pages, results=[SubscriptionOut.of(s) for s in rows]
    )


@router.post(
    "/subscriptions", response={200: SubscriptionOut, 201: SubscriptionOut, **ERRORS}, **WRITE
)
def create_subscription(request: HttpRequest, payload: NewSubscription) -> Status:
    """Subscribe to a work (new chapters), a series (new works in it) or a user (new works).
    Answers 201, or 200 when the subscription already existed."""
    user = user_of(request)
    targets = (payload.work_id, payload.series_id, payload.user)
    if sum(target is not None for target in targets) != 1:
        raise InvalidInput(
            [FieldError("work_id", "one_target", "Send one of work_id, series_id or user.")]
        )
    work = creator = series = None
    try:
        if payload.work_id is not None:
            work = get_work_for_reader(user, payload.work_id)
        elif payload.series_id is not None:
            series = get_series_for_reader(user, payload.series_id)
        else:
            creator = people_queries.get_user(payload.user or "")
    except LoginRequired as error:  # never for a token's user
        raise Http404("Not found.") from error
    existed = queries.subscription_to(user, work=work, creator=creator, series=series) is not None
    subscription = services.subscribe(user, work=work, creator=creator, series=series)
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
    ones only; `kind` is `comments`, `kudos`, `subscriptions` or `gifts`."""
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
