"""Related works: what a work descends from and what was inspired by it, and the answers of a
parent's creators; the same services and reads as the site."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from ninja import Status

from access.getters import get_work_for_editor
from access.visibility import public_byline_text
from people.models import User
from works import related
from works.models import RelatedWork, Work
from works.related import ParentData

from .auth import BearerToken, user_of
from .routing import ApiRouter
from .schemas import (
    ChildOut,
    ErrorsOut,
    LinkOut,
    ObjectId,
    ParentIn,
    ParentOut,
    RelatedAnswer,
    WorkOut,
)

if TYPE_CHECKING:
    from access.visibility import Viewer

router = ApiRouter(tags=["related works"])
WRITE_ERRORS = {(400, 401, 403, 404, 422): ErrorsOut}


def add_parent_from(request: HttpRequest, user: User, work: Work, parent: ParentIn) -> RelatedWork:
    """Name one parent of `work`, in the caller's transaction."""
    data = ParentData(
        reference=parent.work,
        title=parent.title,
        author=parent.author,
        kind=parent.kind,
        language=parent.language,
    )
    own = frozenset({request.get_host().split(":")[0].lower()})
    return related.add_parent(user, work, data, own_hosts=own)


def _byline(work: Work) -> str:
    return public_byline_text(work)


def with_related(out: WorkOut, viewer: Viewer, work: Work) -> WorkOut:
    family = related.related_for(viewer, work)
    parents = []
    for shown in family.parents:
        link = shown.link
        common: dict[str, Any] = {
            "id": link.pk,
            "kind": link.kind,
            "language": link.language or None,
        }
        if shown.work is not None:
            parents.append(
                ParentOut(
                    **common,
                    hidden=False,
                    work_id=shown.work.pk,
                    title=shown.work.title,
                    url=shown.work.get_absolute_url(),
                    author=_byline(shown.work),
                )
            )
        elif shown.placeholder:
            parents.append(
                ParentOut(**common, hidden=True, work_id=None, title=None, url=None, author=None)
            )
        else:
            parents.append(
                ParentOut(
                    **common,
                    hidden=False,
                    work_id=None,
                    title=link.external_title,
                    url=link.external_url,
                    author=link.external_author or None,
                )
            )
    out.inspired_by = parents
    out.children = [
        ChildOut(
            id=link.pk,
            kind=link.kind,
            language=link.language or None,
            work_id=link.work.pk,
            title=link.work.title,
            url=link.work.get_absolute_url(),
        )
        for link in family.children
    ]
    return out


def _link_out(link: RelatedWork) -> LinkOut:
    return LinkOut(
        id=link.pk,
        work_id=link.work_id,
        parent_work_id=link.parent_id,
        kind=link.kind,
        status=link.status,
    )


@router.post(
    "/works/{work_id}/related_works",
    response={201: LinkOut, **WRITE_ERRORS},
    auth=BearerToken(),
)
def add_parent(request: HttpRequest, work_id: ObjectId, payload: ParentIn) -> Status:
    """Name a work this one descends from (one of your works)."""
    user = user_of(request)
    work = get_work_for_editor(user, work_id)
    return Status(201, _link_out(add_parent_from(request, user, work, payload)))


@router.patch(
    "/related_works/{link_id}", response={200: LinkOut, **WRITE_ERRORS}, auth=BearerToken()
)
def answer(request: HttpRequest, link_id: ObjectId, payload: RelatedAnswer) -> LinkOut:
    """A parent's creator lists the child under their work (`approved`) or not (`hidden`)."""
    link = related.answer_link(user_of(request), link_id, approve=payload.status == "approved")
    return _link_out(link)


@router.delete("/related_works/{link_id}", response={204: None, **WRITE_ERRORS}, auth=BearerToken())
def remove(request: HttpRequest, link_id: ObjectId) -> Status:
    """The child's creator takes the parent off their work."""
    related.remove_parent(user_of(request), link_id)
    return Status(204, None)
