"""The token's own account."""

from __future__ import annotations

from django.http import HttpRequest

from .auth import BearerToken, user_of
from .routing import ApiRouter
from .schemas import ErrorsOut, MeOut

router = ApiRouter(tags=["people"])


@router.get("/me", response={200: MeOut, 401: ErrorsOut}, auth=BearerToken())
def me(request: HttpRequest) -> MeOut:
    """The account the token belongs to, with its pseuds (the default one first)."""
    user = user_of(request)
    return MeOut.of(user, list(user.pseuds.all()))
