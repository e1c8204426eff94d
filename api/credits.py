"""Co-creator invitations and gifts: the token user's answers, through the same services as
the pages (works.credits). Setting co-creators and gifts is part of `POST/PATCH /works`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status

from access.getters import get_work_for_editor
from works import credits
from works import queries as work_queries
from works.models import Creatorship

from .auth import BearerToken, user_of
from .routing import ApiRouter
from .schemas import ErrorsOut, ObjectId

router = ApiRouter(tags=["co-creators and gifts"])

AUTH: dict[str, Any] = {"auth": BearerToken()}
ERRORS = {(400, 401, 403, 404, 422): ErrorsOut}


class InvitationOut(Schema):
    """A pending invitation to be credited on a work, as one of your pseuds."""

    id: int
    work_id: int
    title: str
    pseud: str
    draft: bool
    created: dt.datetime

    @classmethod
    def of(cls, invitation: Creatorship) -> InvitationOut:
        return cls(
            id=invitation.pk,
            work_id=invitation.work_id,
            title=invitation.work.title,
            pseud=invitation.pseud.name,
            draft=not invitation.work.posted,
            created=invitation.created_at,
        )


@router.get("/me/creatorships", response={200: list[InvitationOut], **ERRORS}, **AUTH)
def my_invitations(request: HttpRequest) -> list[InvitationOut]:
    """Your co-creator invitations waiting for an answer, newest first."""
    return [InvitationOut.of(row) for row in work_queries.invitations_of(user_of(request))]


@router.post("/creatorships/{creatorship_id}/accept", response={204: None, **ERRORS}, **AUTH)
def accept_invitation(request: HttpRequest, creatorship_id: ObjectId) -> Status:
    """Accept: you are credited on the work (byline, editing, your pages) from now on."""
    credits.accept_invitation(user_of(request), creatorship_id)
    return Status(204, None)


@router.post("/creatorships/{creatorship_id}/decline", response={204: None, **ERRORS}, **AUTH)
def decline_invitation(request: HttpRequest, creatorship_id: ObjectId) -> Status:
    """Decline: the invitation goes, and nothing credits you."""
    credits.decline_invitation(user_of(request), creatorship_id)
    return Status(204, None)


@router.delete("/works/{work_id}/creators/me", response={204: None, **ERRORS}, **AUTH)
def leave_work(request: HttpRequest, work_id: ObjectId) -> Status:
    """Take your pseuds off a work you co-created; the last creator can't (`last_creator`)."""
    user = user_of(request)
    credits.leave_work(user, get_work_for_editor(user, work_id))
    return Status(204, None)


@router.post("/gifts/{gift_id}/refuse", response={204: None, **ERRORS}, **AUTH)
def refuse_gift(request: HttpRequest, gift_id: ObjectId) -> Status:
    """Refuse a gift to one of your pseuds: it shows nowhere any more."""
    credits.refuse_gift(user_of(request), gift_id)
    return Status(204, None)
