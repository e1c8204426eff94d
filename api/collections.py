"""Collections: the list and one collection, its works (the listing stack, as `/works`), and
the owners' and moderators' writes — the same services as the pages."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Schema, Status

from access.getters import get_work_for_editor, listed_collections
from archive_collections import queries, services
from archive_collections.models import NAME_MAX, Collection, Role
from archive_collections.services import CollectionData
from lifestream.core.errors import ErrorList
from lifestream.core.pagination import paginate

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of
from .routing import ApiRouter
from .schemas import ErrorsOut, Input, ObjectId, Text
from .works import WorkPage, work_page

router = ApiRouter(tags=["collections"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
WRITE: dict[str, Any] = {"auth": BearerToken()}
READ_ERRORS = {(401, 404): ErrorsOut}
WRITE_ERRORS = {(400, 401, 403, 404, 413, 422): ErrorsOut}
PageNumber = Annotated[int, Query(1, ge=1)]
CollectionName = Annotated[str, Field(max_length=NAME_MAX)]


class CollectionOut(Schema):
    """A collection. `description`, `intro`, `faq` and `rules` are sanitised HTML; `owners`
    and `moderators` are logins; `parent` a name or null."""

    name: str
    url: str
    title: str
    header_image_url: str
    description: str
    intro: str
    faq: str
    rules: str
    open: bool
    moderated: bool
    unrevealed: bool
    anonymous: bool
    parent: str | None
    owners: list[str]
    moderators: list[str]
    created_at: dt.datetime


class CollectionPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[CollectionOut]


class NewCollection(Input):
    """A new collection, with you as its owner. `name` is its address: letters, digits and
    underscores."""

    name: Text
    title: Text
    header_image_url: Text = ""
    description: Text = ""
    intro: Text = ""
    faq: Text = ""
    rules: Text = ""
    open: bool = True
    moderated: bool = False
    unrevealed: bool = False
    anonymous: bool = False
    parent: Text = ""


class CollectionChanges(Input):
    """The fields sent change; the others stay."""

    name: Text | None = None
    title: Text | None = None
    header_image_url: Text | None = None
    description: Text | None = None
    intro: Text | None = None
    faq: Text | None = None
    rules: Text | None = None
    open: bool | None = None
    moderated: bool | None = None
    unrevealed: bool | None = None
    anonymous: bool | None = None
    parent: Text | None = None


class RevealOut(Schema):
    revealed_works: int


class WorkCollections(Input):
    """Every collection the work is to be in, by name (from its creators' side)."""

    collections: list[Text] = Field(default_factory=list, max_length=services.NAMES_PER_WORK_MAX)


class WorkCollectionsOut(Schema):
    collections: list[str] = Field(description="The collections that list the work now.")


def _out(collection: Collection) -> CollectionOut:
    people = queries.participants(collection)
    return CollectionOut(
        name=collection.name,
        url=collection.get_absolute_url(),
        title=collection.title,
        header_image_url=collection.header_image_url,
        description=collection.description,
        intro=collection.intro,
        faq=collection.faq,
        rules=collection.rules,
        open=collection.open,
        moderated=collection.moderated,
        unrevealed=collection.unrevealed,
        anonymous=collection.anonymous,
        parent=collection.parent.name if collection.parent else None,
        owners=[row.user.username for row in people[Role.OWNER]],
        moderators=[row.user.username for row in people[Role.MODERATOR]],
        created_at=collection.created_at,
    )


def _page_path(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


def _named(name: str) -> Collection:
    return services.get_collection(name)  # NotFound is the API's 404


@router.get("/collections", response={200: CollectionPage, **READ_ERRORS, 422: ErrorsOut}, **READ)
def list_collections(
    request: HttpRequest,
    query: Annotated[str, Query("", max_length=200, description="Words of a name or title.")] = "",
    page: PageNumber = 1,
) -> CollectionPage:
    """Every collection, by title; `query` narrows to names or titles containing its words."""
    shown = paginate(request, queries.collections(query), queries.PER_PAGE)
    number = shown.number
    pages = shown.paginator.num_pages
    return CollectionPage(
        count=shown.paginator.count,
        page=number,
        pages=pages,
        next=_page_path(request, number + 1) if number < pages else None,
        previous=_page_path(request, number - 1) if number > 1 else None,
        results=[_out(collection) for collection in shown.object_list],
    )


@router.get("/collections/{name}", response={200: CollectionOut, **READ_ERRORS}, **READ)
def get_collection(request: HttpRequest, name: CollectionName) -> CollectionOut:
    return _out(_named(name))


@router.get(
    "/collections/{name}/works", response={200: WorkPage, **READ_ERRORS, 422: ErrorsOut}, **READ
)
def collection_works(request: HttpRequest, name: CollectionName, page: PageNumber = 1) -> WorkPage:
    """The works the collection lists (approved by both sides; never an unrevealed one), with
    the same search and filter parameters as `GET /works`."""
    collection = _named(name)
    return work_page(request, page, collection_id=collection.pk)


@router.post("/collections", response={201: CollectionOut, **WRITE_ERRORS}, **WRITE)
def create_collection(request: HttpRequest, payload: NewCollection) -> Status:
    """Make a collection, with you as its owner."""
    data = CollectionData(**payload.model_dump())
    collection = services.create_collection(user_of(request), data)
    return Status(201, _out(collection))


@router.patch("/collections/{name}", response={200: CollectionOut, **WRITE_ERRORS}, **WRITE)
def update_collection(
    request: HttpRequest, name: CollectionName, payload: CollectionChanges
) -> CollectionOut:
    """Change the fields sent (the collection's owners)."""
    collection = _named(name)
    changes = payload.model_dump(exclude_unset=True)
    data = dataclasses.replace(
        services.collection_data_from(collection),
        **{key: value for key, value in changes.items() if value is not None},
    )
    services.update_collection(user_of(request), collection, data)
    return _out(collection)


@router.post("/collections/{name}/reveal", response={200: RevealOut, **WRITE_ERRORS}, **WRITE)
def reveal_collection(request: HttpRequest, name: CollectionName) -> RevealOut:
    """Reveal the collection's works and creators (its owners and moderators); again is a
    no-op."""
    count = services.reveal_collection(user_of(request), _named(name))
    return RevealOut(revealed_works=count)


@router.put(
    "/works/{work_id}/collections", response={200: WorkCollectionsOut, **WRITE_ERRORS}, **WRITE
)
def set_work_collections(
    request: HttpRequest, work_id: ObjectId, payload: WorkCollections
) -> WorkCollectionsOut:
    """Put your work in exactly these collections (as "Post to Collections" on the edit form):
    errors name `collections` with `unknown_collection` or `closed_collection`."""
    user = user_of(request)
    work = get_work_for_editor(user, work_id)
    errors = ErrorList()
    with transaction.atomic():
        chosen = services.check_post_to_collections(
            user, ", ".join(payload.collections), work, errors
        )
        errors.raise_if_any()
        services.set_work_collections(user, work, chosen)
    return WorkCollectionsOut(collections=[c.name for c in listed_collections(work)])
