"""Series: the same queries and services as the pages, behind JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from access.getters import get_series_for_editor, get_series_for_reader, get_work_for_editor
from access.visibility import is_anonymous_series
from lifestream.core.ids import ID_MAX
from lifestream.core.pagination import paginate
from people import queries as people_queries
from people.models import User
from people.queries import own_pseuds
from people.services import ensure_default_pseud
from works import series as series_services
from works import series_queries
from works.models import SERIES_PER_WORK_MAX, Series, Work
from works.series import SeriesData

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of, viewer_of
from .routing import ApiRouter
from .schemas import CreatorOut, ErrorsOut, Input, ObjectId, Text, WorkSeriesOut

if TYPE_CHECKING:
    from access.visibility import Viewer

router = ApiRouter(tags=["series"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
READ_ERRORS = {(401, 404): ErrorsOut}
WRITE_ERRORS = {(400, 401, 403, 404, 413, 422): ErrorsOut}
WorkIds = Annotated[list[Annotated[int, Field(ge=1, le=ID_MAX)]], Field(max_length=1000)]


class SeriesChanges(Input):
    """The fields of a series to change; those left out keep their value."""

    title: Text = ""
    summary: Text = ""
    notes: Text = ""
    complete: bool = False
    works: WorkIds = Field(
        default_factory=list,
        description="Every work of the series by id, in the new order.",
    )


class NewSeries(Input):
    """A new series. `works` (yours, in order) join it; `pseuds` default to your default."""

    title: Text
    summary: Text = ""
    notes: Text = ""
    complete: bool = False
    pseuds: list[Text] = Field(default_factory=list, max_length=SERIES_PER_WORK_MAX)
    works: WorkIds = Field(default_factory=list)


class SeriesPartOut(Schema):
    position: int = Field(description="Among the parts the viewer may see: 1, 2, 3…")
    work_id: int
    title: str
    url: str
    word_count: int


class SeriesOut(Schema):
    """A series. `summary` and `notes` are HTML; `works`, `word_count` and `parts` count only
    the works the viewer may see."""

    id: int
    url: str
    title: str
    creators: list[CreatorOut] = Field(description="Empty for a series of anonymous works.")
    anonymous: bool = Field(False, description="A series of anonymous works.")
    summary: str
    notes: str
    complete: bool
    works: int
    word_count: int
    created: dt.datetime
    updated: dt.datetime
    parts: list[SeriesPartOut] | None = Field(
        None, description="The parts in order (on one series; null in the list)."
    )


class SeriesPage(Schema):
    """One page of series, last updated first. `next` and `previous` are paths, or null."""

    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[SeriesOut]


def _creators(series: Series) -> list[CreatorOut]:
    if is_anonymous_series(series):
        return []  # a series of anonymous works: "Anonymous", as its works are
    return [
        CreatorOut(pseud=c.pseud.name, user=c.pseud.user.username)
        for c in series.creatorships.all()
    ]


def _fields(series: Series) -> dict[str, Any]:
    return {
        "id": series.pk,
        "url": series.get_absolute_url(),
        "title": series.title,
        "creators": _creators(series),
        "anonymous": is_anonymous_series(series),
        "summary": series.summary,
        "notes": series.notes,
        "complete": series.complete,
        "created": series.created_at,
        "updated": series.updated_at,
    }


def _listed(series: Series) -> SeriesOut:
    return SeriesOut(
        **_fields(series),
        works=series.listed_works,  # type: ignore[attr-defined]  # annotated by the query
        word_count=series.listed_words or 0,  # type: ignore[attr-defined]
    )


def _one(viewer: Viewer, series: Series) -> SeriesOut:
    works = series_queries.visible_works_of_series(viewer, series)
    stats = series_queries.stats_of(works)
    parts = [
        SeriesPartOut(
            position=number,
            work_id=work.pk,
            title=work.title,
            url=work.get_absolute_url(),
            word_count=work.word_count,
        )
        for number, work in enumerate(works, start=1)
    ]
    return SeriesOut(**_fields(series), works=stats.works, word_count=stats.words, parts=parts)


def _page_path(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


def _reread(user: User, series: Series) -> SeriesOut:
    return _one(user, get_series_for_reader(user, series.pk))


@router.get("/series", response={200: SeriesPage, **READ_ERRORS, 422: ErrorsOut}, **READ)
def list_series(
    request: HttpRequest,
    user: Annotated[str | None, Query(None, description="A creator's login.")] = None,
    page: Annotated[int, Query(1, ge=1)] = 1,
) -> SeriesPage:
    """Series with a work the viewer may see, last updated first."""
    viewer = viewer_of(request)
    if user is not None:
        found = series_queries.series_by_user(viewer, people_queries.get_user(user))
    else:
        found = series_queries.listable_series(viewer)
    shown = paginate(request, found)
    pages = max(1, shown.paginator.num_pages)
    return SeriesPage(
        count=shown.paginator.count,
        page=page,
        pages=pages,
        next=_page_path(request, page + 1) if page < pages else None,
        previous=_page_path(request, min(page - 1, pages)) if page > 1 else None,
        results=[] if page > pages else [_listed(s) for s in shown.object_list],
    )


@router.get("/series/{series_id}", response={200: SeriesOut, **READ_ERRORS}, **READ)
def get_series(request: HttpRequest, series_id: ObjectId) -> SeriesOut:
    """One series with the parts the viewer may see, in order."""
    viewer = viewer_of(request)
    return _one(viewer, get_series_for_reader(viewer, series_id))


@router.post("/series", response={201: SeriesOut, **WRITE_ERRORS}, **WRITE)
def create_series(request: HttpRequest, payload: NewSeries) -> Status:
    """Make a series and add your `works` to it in order, or nothing at all."""
    user = user_of(request)
    with transaction.atomic():
        pseuds = own_pseuds(user, payload.pseuds) or [ensure_default_pseud(user)]
        data = SeriesData(
            title=payload.title,
            summary=payload.summary,
            notes=payload.notes,
            complete=payload.complete,
        )
        series = series_services.create_series(user, data, pseuds)
        for index, work_id in enumerate(dict.fromkeys(payload.works)):
            work = get_work_for_editor(user, work_id)
            series_services.add_work_to_series(user, work, series=series, field=f"works.{index}")
    return Status(201, _reread(user, series))


@router.patch("/series/{series_id}", response={200: SeriesOut, **WRITE_ERRORS}, **WRITE)
def update_series(request: HttpRequest, series_id: ObjectId, payload: SeriesChanges) -> SeriesOut:
    """Change the fields sent and keep the rest; `works` puts the parts in a new order (it
    must name every work of the series once)."""
    user = user_of(request)
    series = get_series_for_editor(user, series_id)
    changes = payload.model_dump(exclude_unset=True)
    order = changes.pop("works", None)
    with transaction.atomic():
        if changes:
            data = dataclasses.replace(series_services.series_data_from(series), **changes)
            series_services.update_series(user, series, data)
        if order is not None:
            series_services.reorder_series(user, series, order)
    return _reread(user, series)


def work_series(viewer: Viewer, work: Work) -> list[WorkSeriesOut]:
    """The series of one work, for the work's API answer."""
    return [
        WorkSeriesOut(
            id=place.series.pk,
            title=place.series.title,
            url=place.series.get_absolute_url(),
            position=place.number,
            previous_work_id=place.previous.pk if place.previous else None,
            next_work_id=place.next.pk if place.next else None,
        )
        for place in series_queries.places_of_work(viewer, work)
    ]
