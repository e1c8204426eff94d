"""Site news, read-only: the same queries as `/admin_posts`, behind JSON. News is public, so a
token is optional; its comments are read on the post's page (and written there) as on AO3."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Schema

from access.getters import get_admin_post
from lifestream.core.pagination import paginate
from news import queries
from news.models import AdminPost

from .auth import OPTIONAL_TOKEN_OPENAPI, OptionalBearerToken, viewer_of
from .routing import ApiRouter
from .schemas import ErrorsOut, ObjectId

router = ApiRouter(tags=["news"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
READ_ERRORS = {(401, 404): ErrorsOut}


class NewsOut(Schema):
    """A piece of site news. `content` is HTML, sanitised when it was saved."""

    id: int
    url: str
    title: str
    content: str
    tags: list[str]
    language: str
    comment_permission: str
    comments_count: int
    created_at: dt.datetime
    updated_at: dt.datetime


class NewsPage(Schema):
    """One page of news, newest first. `next` and `previous` are paths, or null."""

    count: int
    page: int
    pages: int
    next: str | None
    previous: str | None
    results: list[NewsOut]


def _out(post: AdminPost) -> NewsOut:
    return NewsOut(
        id=post.pk,
        url=post.get_absolute_url(),
        title=post.title,
        content=post.content,
        tags=[tag.name for tag in post.tags.all()],
        language=post.language,
        comment_permission=post.comment_permission,
        comments_count=post.comment_count,  # type: ignore[attr-defined]  # annotated by queries.news
        created_at=post.created_at,
        updated_at=post.updated_at,
    )


def _page_path(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"{request.path}?{query.urlencode()}"


@router.get("/news", response={200: NewsPage, **READ_ERRORS, 422: ErrorsOut}, **READ)
def list_news(
    request: HttpRequest,
    tag: Annotated[str | None, Query(None, description="Only posts with this tag.")] = None,
    page: Annotated[int, Query(1, ge=1)] = 1,
) -> NewsPage:
    """Site news, newest first (an unknown `tag` has no posts)."""
    viewer_of(request)
    chosen = queries.find_tag(tag) if tag else None
    found = queries.news(chosen)
    if tag and chosen is None:
        found = found.none()
    shown = paginate(request, found, queries.PER_PAGE)
    pages = max(1, shown.paginator.num_pages)
    return NewsPage(
        count=shown.paginator.count,
        page=page,
        pages=pages,
        next=_page_path(request, page + 1) if page < pages else None,
        previous=_page_path(request, min(page - 1, pages)) if page > 1 else None,
        results=[] if page > pages else [_out(post) for post in shown.object_list],
    )


@router.get("/news/{news_id}", response={200: NewsOut, **READ_ERRORS}, **READ)
def get_news(request: HttpRequest, news_id: ObjectId) -> NewsOut:
    """One piece of site news."""
    viewer = viewer_of(request)
    post = get_admin_post(viewer, news_id)
    return _out(queries.news().get(pk=post.pk))
