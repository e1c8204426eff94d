"""API for bookmarks: the same queries and services as the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema, Status

from access.getters import get_series_for_reader, get_work_for_reader
from access.visibility import ANONYMOUS, is_anonymous_series, public_byline_pseuds
from feedback.models import BOOKMARK_TAGS_MAX, Bookmark
from feedback.queries import bookmarks as queries
from feedback.services.bookmarks import (
    BookmarkData,
    bookmark_data_from,
    create_bookmark,
    create_series_bookmark,
    delete_bookmark,
    update_bookmark,
)
from lifestream.core.errors import FieldError, InvalidInput, LoginRequired
from lifestream.core.ids import ID_MAX
from lifestream.core.pagination import paginate
from people import queries as people_queries
from people.models import Pseud, User
from search.listing.form import read_bookmark_filters
from search.listing.query import apply_bookmark_filters
from tags.models import tag_from_param
from works.models import Series, Work

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of, viewer_of
from .routing import ApiRouter
from .schemas import ErrorsOut, Input, ObjectId, Text

router = ApiRouter(tags=["bookmarks"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
# A suspended account keeps bookmarking privately: the service refuses a public bookmark with
# `public_while_suspended` on `private`.
BOOKMARK: dict[str, Any] = {"auth": BearerToken(while_suspended=True)}
READ_ERRORS = {(401, 404): ErrorsOut}
WRITE_ERRORS = {(400, 401, 403, 404, 413, 415, 422): ErrorsOut}


# --- schemas ----------------------------------------------------------------------------------


class _BookmarkFields(Input):
    pseud: Text | None = Field(None, description="One of your pseuds by name; default: yours.")
    notes: Text = Field("", description="HTML, sanitised; at most 5,000 characters.")
    tags: list[Text] = Field(
        [], max_length=BOOKMARK_TAGS_MAX * 2, description="Your own tags, by name (at most 75)."
    )
    private: bool = Field(False, description="Only you see a private bookmark.")
    rec: bool = Field(False, description="Recommend the work.")


class NewBookmark(_BookmarkFields):
    """A bookmark of a work."""


class NewBookmarkOf(_BookmarkFields):
    """A bookmark of a work or of a series: exactly one of `work_id` and `series_id`."""

    work_id: int | None = Field(None, ge=1, le=ID_MAX)
    series_id: int | None = Field(None, ge=1, le=ID_MAX)


class BookmarkChanges(Input):
    """The fields to change; the others keep their values."""

    pseud: Text | None = None
    notes: Text | None = None
    tags: list[Text] | None = Field(None, max_length=BOOKMARK_TAGS_MAX * 2)
    private: bool | None = None
    rec: bool | None = None


class BookmarkedWorkOut(Schema):
    id: int
    url: str
    title: str
    creators: list[str]


class BookmarkedSeriesOut(Schema):
    """`creators` is ["Anonymous"] for a series of anonymous works; `works` and `words` count
    the parts the viewer may list."""

    id: int
    url: str
    title: str
    creators: list[str]
    works: int
    words: int


class BookmarkOut(Schema):
    """A bookmark of a work (`work_id`, `work`) or of a series (`series_id`, `series`); the
    other pair is null. `notes` is HTML; `tags` are the bookmarker's own tags."""

    id: int
    url: str
    work_id: int | None
    series_id: int | None
    work: BookmarkedWorkOut | None
    series: BookmarkedSeriesOut | None
    user: str
    pseud: str
    notes: str
    tags: list[str]
    private: bool
    rec: bool
    created: dt.datetime
    updated: dt.datetime

    @classmethod
    def of(cls, bookmark: Bookmark) -> BookmarkOut:
        """`bookmark` comes from `queries.listing` (its work or series, pseud and tags
        loaded)."""
        return cls(
            id=bookmark.pk,
            url=f"/bookmarks/{bookmark.pk}",
            work_id=bookmark.work_id,
            series_id=bookmark.series_id,
            work=_work_out(bookmark.work) if bookmark.work is not None else None,
            series=_series_out(bookmark.series) if bookmark.series is not None else None,
            user=bookmark.pseud.user.username,
            pseud=bookmark.pseud.name,
            notes=bookmark.notes,
            tags=[tag.name for tag in bookmark.tags.all()],
            private=bookmark.private,
            rec=bookmark.rec,
            created=bookmark.created_at,
            updated=bookmark.updated_at,
        )


def _work_out(work: Work) -> BookmarkedWorkOut:
    return BookmarkedWorkOut(
        id=work.pk,
        url=work.get_absolute_url(),
        title=work.title,
        creators=[pseud.byline for pseud in public_byline_pseuds(work)] or [ANONYMOUS],
    )


def _series_out(series: Series) -> BookmarkedSeriesOut:
    # As a guest sees it, like a work's byline here: shared answers name no anonymous creator.
    if is_anonymous_series(series):
        creators = [ANONYMOUS]
    else:
        creators = [creatorship.pseud.byline for creatorship in series.creatorships.all()]
    return BookmarkedSeriesOut(
        id=series.pk,
        url=series.get_absolute_url(),
        title=series.title,
        creators=creators,
        works=getattr(series, "listed_works", 0) or 0,
        words=getattr(series, "listed_words", 0) or 0,
    )


class BookmarkPage(Schema):
    """One page of bookmarks, newest first. `next` and `previous` are paths, or null."""

    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[BookmarkOut]


# --- helpers ----------------------------------------------------------------------------------


def _own_pseud(user: User, name: str | None) -> Pseud | None:
    if name is None:
        return None
    wanted = " ".join(name.split()).casefold()
    for pseud in user.pseuds.all():
        if pseud.name.casefold() == wanted:
            return pseud
    raise InvalidInput(
        [FieldError("pseud", "unknown_pseud", f"You have no pseud called “{name[:50]}”.")]
    )


def _data(user: User, payload: _BookmarkFields) -> BookmarkData:
    return BookmarkData(
        pseud=_own_pseud(user, payload.pseud),
        notes=payload.notes,
        tags=list(payload.tags),
        private=payload.private,
        rec=payload.rec,
    )


def _reread(user: User, bookmark: Bookmark) -> BookmarkOut:
    # Answer with what was stored, tags and pseud included.
    return BookmarkOut.of(queries.get_bookmark_for_viewer(user, bookmark.pk))


def _page_path(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


# --- endpoints --------------------------------------------------------------------------------


@router.get("/bookmarks", response={200: BookmarkPage, **READ_ERRORS, 422: ErrorsOut}, **READ)
def list_bookmarks(
    request: HttpRequest,
    user: Annotated[str | None, Query(None, description="A bookmarker's login.")] = None,
    work_id: Annotated[int | None, Query(None, ge=1, le=ID_MAX)] = None,
    series_id: Annotated[int | None, Query(None, ge=1, le=ID_MAX)] = None,
    rec: Annotated[bool | None, Query(None, description="true: recs only.")] = None,
    tag: Annotated[
        str | None,
        Query(None, description="A tag on the work or the bookmark (with its synonyms)."),
    ] = None,
    page: Annotated[int, Query(1, ge=1)] = 1,
) -> BookmarkPage:
    """Bookmarks the viewer may see, newest first: public ones, and the viewer's own private
    ones. Takes the pages' filters too (`bookmark_search[...]`)."""
    viewer = viewer_of(request)
    bookmarks = queries.visible_bookmarks(viewer)
    if user is not None:
        bookmarks = bookmarks.filter(user=people_queries.get_user(user))
    if work_id is not None:
        work = get_work_for_reader(viewer, work_id)
        if not work.posted:
            raise Http404("Drafts have no bookmarks.")
        bookmarks = bookmarks.filter(work=work)
    if series_id is not None:
        bookmarks = bookmarks.filter(series=get_series_for_reader(viewer, series_id))
    if tag is not None:
        found = queries.findable_bookmark_tag(viewer, tag_from_param(tag))
        if found is None:
            raise Http404("No such tag.")
        bookmarks = queries.tagged(bookmarks, found)
    filters = read_bookmark_filters(request.GET)
    if rec:
        filters = dataclasses.replace(filters, rec=True)
    bookmarks = apply_bookmark_filters(bookmarks, filters)
    if rec is False:
        bookmarks = bookmarks.filter(rec=False)
    shown = paginate(request, queries.listing(viewer, bookmarks, blurbs=False))
    pages = max(1, shown.paginator.num_pages)
    past_end = page > pages
    return BookmarkPage(
        count=shown.paginator.count,
        page=page,
        pages=pages,
        next=_page_path(request, page + 1) if page < pages else None,
        previous=_page_path(request, min(page - 1, pages)) if page > 1 else None,
        results=[] if past_end else [BookmarkOut.of(b) for b in shown.object_list],
    )


@router.get("/bookmarks/{bookmark_id}", response={200: BookmarkOut, **READ_ERRORS}, **READ)
def get_bookmark(request: HttpRequest, bookmark_id: ObjectId) -> BookmarkOut:
    """One bookmark; a private one is found by its bookmarker only."""
    return BookmarkOut.of(queries.get_bookmark_for_viewer(viewer_of(request), bookmark_id))


@router.post("/works/{work_id}/bookmarks", response={201: BookmarkOut, **WRITE_ERRORS}, **BOOKMARK)
def bookmark_work(request: HttpRequest, work_id: ObjectId, payload: NewBookmark) -> Status:
    """Bookmark a work you can read. A second bookmark of the same work is refused with
    `already_bookmarked` (change the first with PATCH). A suspended account's bookmarks must
    be private (`public_while_suspended`)."""
    user = user_of(request)
    work = get_work_for_reader(user, work_id)
    bookmark = create_bookmark(user, work, _data(user, payload))
    return Status(201, _reread(user, bookmark))


@router.post("/bookmarks", response={201: BookmarkOut, **WRITE_ERRORS}, **BOOKMARK)
def create_bookmark_of(request: HttpRequest, payload: NewBookmarkOf) -> Status:
    """Bookmark a work (`work_id`) or a series (`series_id`): exactly one of them, else 422
    `one_target`. A series needs a posted work you can read (`not_bookmarkable`); one you
    cannot see is 404. A second bookmark of the same one is `already_bookmarked`."""
    user = user_of(request)
    if (payload.work_id is None) == (payload.series_id is None):
        field = "series_id" if payload.work_id is not None else "work_id"
        raise InvalidInput(
            [FieldError(field, "one_target", "Send exactly one of work_id and series_id.")]
        )
    data = _data(user, payload)
    try:
        if payload.series_id is not None:
            series = get_series_for_reader(user, payload.series_id)
            bookmark = create_series_bookmark(user, series, data)
        else:
            assert payload.work_id is not None
            bookmark = create_bookmark(user, get_work_for_reader(user, payload.work_id), data)
    except LoginRequired as error:  # never for a token's user
        raise Http404("Not found.") from error
    except InvalidInput as error:
        # The services name the target ("work", "series"); here it is the JSON field naming it.
        raise InvalidInput(
            [
                dataclasses.replace(item, field=_TARGET_FIELDS.get(item.field, item.field))
                for item in error.errors
            ]
        ) from error
    return Status(201, _reread(user, bookmark))


_TARGET_FIELDS = {"work": "work_id", "series": "series_id"}


@router.patch("/bookmarks/{bookmark_id}", response={200: BookmarkOut, **WRITE_ERRORS}, **BOOKMARK)
def change_bookmark(
    request: HttpRequest, bookmark_id: ObjectId, payload: BookmarkChanges
) -> BookmarkOut:
    """Change the fields sent (your own bookmarks only). While suspended, only into a private
    bookmark (`public_while_suspended`)."""
    user = user_of(request)
    bookmark = queries.get_bookmark_for_owner(user, bookmark_id)
    changes = payload.model_dump(exclude_unset=True)
    if "pseud" in changes:
        changes["pseud"] = _own_pseud(user, changes["pseud"]) or bookmark.pseud
    for key in ("notes", "private", "rec", "tags"):
        if key in changes and changes[key] is None:
            del changes[key]
    update_bookmark(bookmark, dataclasses.replace(bookmark_data_from(bookmark), **changes))
    return _reread(user, bookmark)


@router.delete("/bookmarks/{bookmark_id}", response={204: None, **WRITE_ERRORS}, **WRITE)
def remove_bookmark(request: HttpRequest, bookmark_id: ObjectId) -> Status:
    """Delete one of your bookmarks."""
    delete_bookmark(queries.get_bookmark_for_owner(user_of(request), bookmark_id))
    return Status(204, None)
