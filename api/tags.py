"""Tags: look them up, search them, and (for wranglers) wrangle them."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Query, Schema

from access.getters import findable_tag, findable_tags
from tags import queries as tag_queries
from tags.models import Tag, TagKind, tag_from_param
from tags.services import WrangleData, wrangle_tag
from works import queries as work_queries

from .auth import OPTIONAL_TOKEN_OPENAPI, BearerToken, OptionalBearerToken, user_of, viewer_of
from .routing import ApiRouter
from .schemas import ErrorsOut, Input, Text

router = ApiRouter(tags=["tags"])

READ: dict[str, Any] = {"auth": OptionalBearerToken(), "openapi_extra": OPTIONAL_TOKEN_OPENAPI}
TAGS_PER_PAGE = 50


class TagRef(Schema):
    name: str
    kind: str
    canonical: bool


class TagOut(Schema):
    """A tag with its wrangling. `works_count` counts the works of its whole family (synonyms
    and subtags) that the caller may see."""

    id: int
    name: str
    kind: str
    canonical: bool
    unwrangleable: bool
    synonym_of: TagRef | None
    synonyms: list[TagRef]
    parents: list[TagRef]
    subtags: list[TagRef]
    works_count: int
    url: str


class TagList(Schema):
    count: int
    results: list[TagRef]


class TagChanges(Input):
    """Only the fields sent change. `synonym_of: ""` (or null) removes a synonym link;
    `parents` replaces the tag's parents."""

    name: Text | None = None
    canonical: bool | None = None
    synonym_of: Text | None = None
    parents: list[Text] | None = None
    unwrangleable: bool | None = None


def _ref(tag: Tag) -> TagRef:
    return TagRef(name=tag.name, kind=tag.kind, canonical=tag.canonical)


def _findable(viewer: Any, name: str) -> Tag:
    tag = findable_tag(viewer, tag_from_param(name))
    if tag is None:
        raise Http404("No such tag.")
    return tag


def _tag_out(viewer: Any, tag: Tag) -> TagOut:
    synonyms = findable_tags(viewer, tag.synonyms.all()).order_by("name")
    return TagOut(
        id=tag.pk,
        name=tag.name,
        kind=tag.kind,
        canonical=tag.canonical,
        unwrangleable=tag.unwrangleable,
        synonym_of=_ref(tag.merger) if tag.merger else None,
        synonyms=[_ref(t) for t in synonyms],
        parents=[_ref(t) for t in tag.parents.order_by("kind", "name")],
        subtags=[_ref(t) for t in tag_queries.subtags_of(tag)],
        works_count=work_queries.works_tagged(viewer, tag).count(),
        url=tag.get_absolute_url(),
    )


@router.get("/tags", response={200: TagList, 401: ErrorsOut, 422: ErrorsOut}, **READ)
def list_tags(
    request: HttpRequest,
    q: Annotated[str, Query("", max_length=150, description="Part of the name.")] = "",
    kind: Annotated[TagKind | None, Query(None)] = None,
    canonical: Annotated[bool | None, Query(None)] = None,
) -> TagList:
    """Tags by name, kind and canonical status, 50 at most, alphabetically."""
    viewer = viewer_of(request)
    tags = findable_tags(viewer, tag_queries.search_tags(q, kind.value if kind else "", canonical))
    return TagList(count=tags.count(), results=[_ref(t) for t in tags[:TAGS_PER_PAGE]])


# `path`: a percent-encoded "/" in a name reaches Django decoded, so the name is the whole rest
# of the path. The API has no routes below a tag, so there is nothing to tell it from.
@router.get("/tags/{path:name}", response={200: TagOut, 401: ErrorsOut, 404: ErrorsOut}, **READ)
def get_tag(request: HttpRequest, name: str) -> TagOut:
    """One tag by name (AO3's URL escaping, `*s*` for `/` and so on, is understood)."""
    viewer = viewer_of(request)
    return _tag_out(viewer, _findable(viewer, name))


@router.patch(
    "/tags/{path:name}",
    response={200: TagOut, (400, 401, 403, 404, 415, 422): ErrorsOut},
    auth=BearerToken(),
)
def patch_tag(request: HttpRequest, name: str, payload: TagChanges) -> TagOut:
    """Wrangle a tag: canonical, synonym of, parents, unwrangleable, rename. Wranglers only."""
    user = user_of(request)
    if not user.can_wrangle:
        raise PermissionDenied("Only tag wranglers can change tags.")
    tag = _findable(user, name)
    changes = payload.model_dump(exclude_unset=True)
    if "synonym_of" in changes and changes["synonym_of"] is None:
        changes["synonym_of"] = ""
    wrangle_tag(tag, WrangleData(**changes))
    return _tag_out(user, _findable(user, tag.name))
