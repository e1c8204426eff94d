"""Bearer-token authentication for the API.

Only `Authorization: Bearer KEY` authenticates: the API ignores session cookies, so no browser
can be made to call it with a logged-in user's rights (and CSRF does not apply).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from lifestream.core.errors import AccountSuspended
from people.models import User
from people.services import user_for_api_key


class TokenError(AuthenticationError):
    """A 401 answer: no token where one is needed, or a token that is not (or no longer) valid."""

    def __init__(self, message: str, *, invalid_token: bool) -> None:
        super().__init__(401, message)
        self.invalid_token = invalid_token


# Messages, not secrets (S105 flags any string assigned to a name containing "token").
MISSING_TOKEN = "This needs an API token: send “Authorization: Bearer <token>”."  # noqa: S105  # a message, not a secret
INVALID_TOKEN = "The API token is not valid; it may have been revoked."  # noqa: S105  # a message, not a secret


def _bearer_key(request: HttpRequest) -> str | None:
    """The key of the Authorization header, None when there is no header at all."""
    value = request.headers.get("Authorization")
    if value is None:
        return None
    scheme, _, key = value.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        raise TokenError(INVALID_TOKEN, invalid_token=True)
    return key


class BearerToken(HttpBearer):
    """A valid token is required: for writes and for `/me`. A suspended account's writes are
    refused here, except where `while_suspended` leaves it to the service (a suspended
    account still keeps private bookmarks)."""

    def __init__(self, *, while_suspended: bool = False) -> None:
        super().__init__()
        self.while_suspended = while_suspended

    def __call__(self, request: HttpRequest) -> User:
        key = _bearer_key(request)
        if key is None:
            raise TokenError(MISSING_TOKEN, invalid_token=False)
        return self.authenticate(request, key)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        user = user_for_api_key(token)
        if user is None:
            raise TokenError(INVALID_TOKEN, invalid_token=True)
        writes = request.method not in ("GET", "HEAD", "OPTIONS")
        if user.is_suspended and writes and not self.while_suspended:
            # A suspended account reads through the API as on the site, and writes nothing.
            until = user.suspended_until
            raise AccountSuspended(until.isoformat() if until else "")
        return user


class OptionalBearerToken:
    """Reads: without a header the viewer is anonymous; a bad token is still a 401, so a client
    with a revoked token learns of it instead of silently seeing less."""

    def __init__(self) -> None:
        self.required = BearerToken()

    def __call__(self, request: HttpRequest) -> User | AnonymousUser:
        if "Authorization" not in request.headers:
            return AnonymousUser()
        return self.required(request)


# How reads describe themselves in OpenAPI: a token is accepted, and so is no token at all.
OPTIONAL_TOKEN_OPENAPI: dict[str, Any] = {"security": [{}, {BearerToken.__name__: []}]}


def viewer_of(request: HttpRequest) -> User | AnonymousUser:
    """Who is asking, as the endpoint's authentication decided (anonymous on reads)."""
    return request.auth  # type: ignore[attr-defined]  # set by django-ninja


def user_of(request: HttpRequest) -> User:
    """The token's user, on endpoints that require a token."""
    return request.auth  # type: ignore[attr-defined]  # set by django-ninja
