"""Who is acting: a user, or a guest known only by a key derived from their address.

Views and the API build the actor once from the request (`actor_of`); services take it and
never see the request, so the sample content, the importer and tests act the same way."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from django.http import HttpRequest


def visitor_key(address: str) -> str:
    """A stable, non-reversible key for a guest: a keyed hash of their address."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address or 'unknown'}".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Actor:
    """A user (or `AnonymousUser`), with the guest key that tells guests apart ("" for users).

    Rate limits and once-per-visitor rules count users by id and guests by `guest_key`."""

    # A User or AnonymousUser. Typed loosely because core sits below the app that defines the
    # user model; services read it as their `Viewer`.
    user: Any
    guest_key: str = ""

    @classmethod
    def guest(cls, address: str) -> Actor:
        from django.contrib.auth.models import AnonymousUser

        return cls(AnonymousUser(), visitor_key(address))

    @property
    def is_guest(self) -> bool:
        return not self.user.is_authenticated

    @property
    def counted_as(self) -> str:
        """The name limits and once-per-visitor counters know this actor by."""
        return f"guest:{self.guest_key}" if self.is_guest else f"user:{self.user.pk}"


def client_address(request: HttpRequest) -> str:
    """The visitor's address. Behind the proxy `make run` trusts, gunicorn has already put the
    forwarded address in REMOTE_ADDR."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def actor_of(request: HttpRequest, user: Any = None) -> Actor:
    """The request's actor: `user` when given (the API's token user), else the session's."""
    who = user if user is not None else request.user
    return Actor(who, "" if who.is_authenticated else visitor_key(client_address(request)))
