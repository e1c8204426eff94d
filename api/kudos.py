"""API for kudos, reading history, Mark for Later and a creator's statistics: the same
queries and services as the pages. Histories and statistics are their owner's alone."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from ninja import Query, Schema, Status

from access.getters import get_work_for_reader
from feedback.queries import readings as reading_queries
from feedback.queries.kudos import givers, kudos_summary
from feedback.queries.stats import creator_stats
from feedback.services import readings as reading_services
from feedback.services.kudos import leave_kudos
from lifestream.core.actors import actor_of
from works import queries

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of, viewer_of
from .routing import ApiRouter
from .schemas import ErrorsOut, ObjectId, WorkOut

router = ApiRouter(tags=["kudos and history"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
PageNumber = Annotated[int, Query(1, ge=1)]
GIVERS_PER_PAGE = 200


class KudosOut(Schema):
    """Who left kudos on a work: registered users by name (latest first, a page at a time),
    guests by number."""

    count: int
    users: list[str]
    guests: int
    page: int
    pages: int


class ReadingOut(Schema):
    work: WorkOut
    last_visited: dt.datetime | None
    visit_count: int
    marked_for_later: bool
    chapter_id: int | None


class ReadingPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ReadingOut]


class MarkOut(Schema):
    work_id: int
    marked_for_later: bool


class WorkNumbersOut(Schema):
    id: int
    title: str
    url: str
    published: dt.date
    word_count: int
    hits: int
    kudos: int
    comments: int
    bookmarks: int
    subscriptions: int


class TotalsOut(Schema):
    word_count: int
    hits: int
    kudos: int
    comments: int
    bookmarks: int
    subscriptions: int


class StatsOut(Schema):
    totals: TotalsOut
    works: list[WorkNumbersOut]


def _kudos_out(request: HttpRequest, work_id: int, page_number: int) -> KudosOut:
    viewer = viewer_of(request)
    work = get_work_for_reader(viewer, work_id)
    page = paginate_number(givers(work), page_number)
    summary = kudos_summary(work, limit=0)
    return KudosOut(
        count=summary.total,
        users=[kudos.user.username for kudos in page.object_list if kudos.user],
        guests=summary.guests,
        page=page.number,
        pages=page.paginator.num_pages,
    )


def paginate_number(items: Any, number: int, per_page: int = GIVERS_PER_PAGE) -> Page:
    """Page `number` of `items`; past the end, the last page (as the site's listings do)."""
    return Paginator(items, per_page, allow_empty_first_page=True).get_page(number)


@router.get("/works/{work_id}/kudos", response={200: KudosOut, (401, 404): ErrorsOut}, **READ)
def list_kudos(request: HttpRequest, work_id: ObjectId, page: PageNumber = 1) -> KudosOut:
    """Everyone who left kudos on a work the viewer may read."""
    return _kudos_out(request, work_id, page)


@router.post(
    "/works/{work_id}/kudos",
    response={201: KudosOut, (401, 404, 422, 429): ErrorsOut},
    **READ,
)
def post_kudos(request: HttpRequest, work_id: ObjectId) -> Status:
    """Leave kudos (without a token, as a guest counted by address). A second kudos is a 422
    with code `already_left`; creators (`own_work`) and blocked users (`blocked`) can't."""
    viewer = viewer_of(request)
    work = get_work_for_reader(viewer, work_id)
    # Rate limits count the token's user, never a session's.
    leave_kudos(actor_of(request, viewer), work)
    return Status(201, _kudos_out(request, work_id, 1))


@router.post(
    "/works/{work_id}/mark_for_later",
    response={200: MarkOut, (401, 404, 422): ErrorsOut},
    **WRITE,
)
def post_mark_for_later(request: HttpRequest, work_id: ObjectId) -> MarkOut:
    """Put a work on the token user's Marked for Later list."""
    user = user_of(request)
    work = get_work_for_reader(user, work_id)
    reading_services.mark_for_later(user, work)
    return MarkOut(work_id=work.pk, marked_for_later=True)


@router.delete(
    "/works/{work_id}/mark_for_later", response={200: MarkOut, (401, 404): ErrorsOut}, **WRITE
)
def delete_mark_for_later(request: HttpRequest, work_id: ObjectId) -> MarkOut:
    """Take a work off the list ("Mark as Read")."""
    user = user_of(request)
    work = get_work_for_reader(user, work_id)
    reading_services.mark_as_read(user, work)
    return MarkOut(work_id=work.pk, marked_for_later=False)


@router.get("/me/readings", response={200: ReadingPage, 401: ErrorsOut}, **WRITE)
def my_readings(
    request: HttpRequest,
    show: Literal["history", "to-read"] = "history",
    page: PageNumber = 1,
) -> ReadingPage:
    """The token user's history (latest visit first) or, with `show=to-read`, their Marked
    for Later list; works they can no longer list are left out."""
    user = user_of(request)
    rows = paginate_number(reading_queries.readings_of(user, show), page, per_page=20)
    readings = reading_queries.with_works(user, list(rows.object_list))
    chapters = queries.chapter_index(user, [reading.work for reading in readings])
    gifts = queries.gifts_of([reading.work for reading in readings])
    return ReadingPage(
        count=rows.paginator.count,
        page=rows.number,
        pages=rows.paginator.num_pages,
        results=[
            ReadingOut(
                work=WorkOut.of(reading.work, chapters[reading.work_id], gifts[reading.work_id]),
                last_visited=reading.last_visited_at,
                visit_count=reading.visit_count,
                marked_for_later=reading.marked_for_later,
                chapter_id=reading.chapter_id,
            )
            for reading in readings
        ],
    )


@router.get("/me/stats", response={200: StatsOut, 401: ErrorsOut}, **WRITE)
def my_stats(
    request: HttpRequest,
    sort: Literal[
        "title", "date", "words", "hits", "kudos", "comments", "bookmarks", "subscriptions"
    ] = "hits",
    direction: Literal["asc", "desc"] = "desc",
) -> StatsOut:
    """The numbers of each of the token user's posted works, and their totals."""
    user = user_of(request)
    stats = creator_stats(user, sort, descending=direction == "desc")
    return StatsOut(
        totals=TotalsOut(
            word_count=stats.words,
            hits=stats.totals.hits,
            kudos=stats.totals.kudos,
            comments=stats.totals.comments,
            bookmarks=stats.totals.bookmarks,
            subscriptions=stats.totals.subscriptions,
        ),
        works=[
            WorkNumbersOut(
                id=work.pk,
                title=work.title,
                url=work.get_absolute_url(),
                published=work.published_on,
                word_count=work.word_count,
                hits=work.hits_total,  # type: ignore[attr-defined]  # annotated by creator_stats
                kudos=work.kudos_total,  # type: ignore[attr-defined]  # annotated by creator_stats
                comments=work.comments_total,  # type: ignore[attr-defined]  # annotated by creator_stats
                bookmarks=work.bookmarks_total,  # type: ignore[attr-defined]  # annotated by creator_stats
                subscriptions=work.subscriptions_total,  # type: ignore[attr-defined]  # annotated by creator_stats
            )
            for work in stats.works
        ],
    )
