"""The token owner's blocked and muted users: the same queries and services as the pages.

Both lists are private: they exist only under `/me`, for the account the token belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Schema, Status

from lifestream.core.errors import FieldError, InvalidInput
from people import queries, services
from people.models import LOGIN_MAX, User

from .auth import BearerToken, user_of
from .routing import ApiRouter
from .schemas import ErrorsOut, Input, Text

router = ApiRouter(tags=["blocks and mutes"])

AUTH: dict[str, Any] = {"auth": BearerToken()}
ERRORS = {(400, 401, 404, 413, 422): ErrorsOut}
PER_PAGE = 20

PageNumber = Annotated[int, Query(1, ge=1, description="1 for the newest.")]
Login = Annotated[str, Path(..., max_length=LOGIN_MAX)]


class UserIn(Input):
    user: Text = Field(..., max_length=LOGIN_MAX, description="The login of the account.")


class RelationOut(Schema):
    user: str = Field(..., description="The login of the blocked or muted account.")
    created: dt.datetime


class RelationPage(Schema):
    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[RelationOut]


def _named(login: str) -> User:
    user = queries.find_user(login)
    if user is None:
        raise InvalidInput([FieldError("user", "not_found", "There is no user with that login.")])
    return user


def _page(request: HttpRequest, rows: QuerySet[Any], other: str, number: int) -> RelationPage:
    paginator = Paginator(rows, PER_PAGE)
    pages = max(1, paginator.num_pages)
    # Past the last page: an empty page with the true count, as GET /works answers.
    items = list(paginator.page(number).object_list) if number <= paginator.num_pages else []

    def path(n: int) -> str:
        return f"{request.path}?page={n}"

    return RelationPage(
        count=paginator.count,
        page=number,
        pages=pages,
        next=path(number + 1) if number < pages else None,
        previous=path(min(number - 1, pages)) if number > 1 else None,
        results=[
            RelationOut(user=getattr(row, other).username, created=row.created_at) for row in items
        ],
    )


def _remove(
    request: HttpRequest, login: str, remove: Callable[[User, User], bool], done: str
) -> Status:
    other = queries.find_user(login)
    if other is None or not remove(user_of(request), other):
        raise Http404(f"You haven't {done} that user.")
    return Status(204, None)


@router.get("/me/blocks", response={200: RelationPage, **ERRORS}, **AUTH)
def list_blocks(request: HttpRequest, page: PageNumber = 1) -> RelationPage:
    """The users you blocked, newest first. They can't comment on your works, reply to your
    comments, give you kudos or gifts."""
    return _page(request, queries.blocks_of(user_of(request)), "blocked", page)


@router.post("/me/blocks", response={201: RelationOut, **ERRORS}, **AUTH)
def block(request: HttpRequest, payload: UserIn) -> Status:
    """Block a user by login. Errors: `self_block`, `staff` (official accounts can't be
    blocked), `already_blocked`, `limit_reached`, `not_found`."""
    row = services.block_user(user_of(request), _named(payload.user))
    return Status(201, RelationOut(user=row.blocked.username, created=row.created_at))


@router.delete("/me/blocks/{login}", response={204: None, **ERRORS}, **AUTH)
def unblock(request: HttpRequest, login: Login) -> Status:
    """Unblock a user; 404 `not_found` when they weren't blocked."""
    return _remove(request, login, services.unblock_user, "blocked")


@router.get("/me/mutes", response={200: RelationPage, **ERRORS}, **AUTH)
def list_mutes(request: HttpRequest, page: PageNumber = 1) -> RelationPage:
    """The users you muted, newest first. Their works, bookmarks and comments are left out of
    everything you list, search or count, here and on the site."""
    return _page(request, queries.mutes_of(user_of(request)), "muted", page)


@router.post("/me/mutes", response={201: RelationOut, **ERRORS}, **AUTH)
def mute(request: HttpRequest, payload: UserIn) -> Status:
    """Mute a user by login. Errors: `self_mute`, `staff`, `already_muted`, `limit_reached`,
    `not_found`."""
    row = services.mute_user(user_of(request), _named(payload.user))
    return Status(201, RelationOut(user=row.muted.username, created=row.created_at))


@router.delete("/me/mutes/{login}", response={204: None, **ERRORS}, **AUTH)
def unmute(request: HttpRequest, login: Login) -> Status:
    """Unmute a user; 404 `not_found` when they weren't muted."""
    return _remove(request, login, services.unmute_user, "muted")
