"""API for bookmarks: the same queries and services as the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Schema, Status

from access.getters import get_work_for_reader
from access.visibility import ANONYMOUS, public_byline_pseuds
from feedback.models import BOOKMARK_TAGS_MAX, Bookmark
from feedback.queries import bookmarks as queries
from feedback.services.bookmarks import (
    BookmarkData,
    bookmark_data_from,
    create_bookmark,
    delete_bookmark,
    update_bookmark,
)
from lifestream.core.errors import FieldError, InvalidInput
from lifestream.core.ids import ID_MAX
from lifestream.core.pagination import paginate
from people import queries as people_queries
from people.models import Pseud, User
from search.listing.form import read_bookmark_filters
from search.listing.query import apply_bookmark_filters
from tags.models import tag_from_param

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of, viewer_of
from .routing import ApiRouter
from .schemas import ErrorsOut, Input, ObjectId, Text

router = ApiRouter(tags=["bookmarks"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
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


class BookmarkOut(Schema):
    """A bookmark. `notes` is HTML; `tags` are the bookmarker's own tags."""

    id: int
    url: str
    work: BookmarkedWorkOut
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
        """`bookmark` comes from `queries.listing` (its work, pseud and tags loaded)."""
        work = bookmark.work
        return cls(
            id=bookmark.pk,
            url=f"/bookmarks/{bookmark.pk}",
            work=BookmarkedWorkOut(
                id=work.pk,
                url=work.get_absolute_url(),
                title=work.title,
                creators=[pseud.byline for pseud in public_byline_pseuds(work)] or [ANONYMOUS],
            ),
            user=bookmark.pseud.user.username,
            pseud=bookmark.pseud.name,
            notes=bookmark.notes,
            tags=[tag.name for tag in bookmark.tags.all()],
            private=bookmark.private,
            rec=bookmark.rec,
            created=bookmark.created_at,
            updated=bookmark.updated_at,
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
    shown = paginate(request, queries.listing(bookmarks))
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


@router.post("/works/{work_id}/bookmarks", response={201: BookmarkOut, **WRITE_ERRORS}, **WRITE)
def bookmark_work(request: HttpRequest, work_id: ObjectId, payload: NewBookmark) -> Status:
    """Bookmark a work you can read. A second bookmark of the same work is refused with
    `already_bookmarked` (change the first with PATCH)."""
    user = user_of(request)
    work = get_work_for_reader(user, work_id)
    data = BookmarkData(
        pseud=_own_pseud(user, payload.pseud),
        notes=payload.notes,
        tags=list(payload.tags),
        private=payload.private,
        rec=payload.rec,
    )
    bookmark = create_bookmark(user, work, data)
    return Status(201, _reread(user, bookmark))


@router.patch("/bookmarks/{bookmark_id}", response={200: BookmarkOut, **WRITE_ERRORS}, **WRITE)
def change_bookmark(
    request: HttpRequest, bookmark_id: ObjectId, payload: BookmarkChanges
) -> BookmarkOut:
    """Change the fields sent (your own bookmarks only)."""
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
