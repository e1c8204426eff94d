"""Sessions on every request: each login and logout recorded, and a session's "last seen" (at
most once a minute). Accounts that must use two-factor authentication are sent to set it up by
the archive's first steps (`people.first_steps`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from lifestream.core.actors import client_address

from . import sessions
from .models import User

SEEN_KEY = "_account_seen"


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")


def _address(request: HttpRequest) -> str | None:
    address = client_address(request)
    return None if address == "unknown" else address


@receiver(user_logged_in)
def _record_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not isinstance(user, User) or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    assert key is not None
    sessions.record_login(user, key, _user_agent(request), _address(request))
    request.session[SEEN_KEY] = int(time.time())


@receiver(user_logged_out)
def _forget_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        sessions.forget(key)


class SessionSeenMiddleware:
    """After AuthenticationMiddleware. The API (token-authenticated) is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and not request.path.startswith("/api/"):
            self._seen(request, user)
        return self.get_response(request)

    @staticmethod
    def _seen(request: HttpRequest, user: User) -> None:
        now = int(time.time())
        last = request.session.get(SEEN_KEY, 0)
        key = request.session.session_key
        if key and now - int(last) >= sessions.SEEN_EVERY.total_seconds():
            sessions.seen(user, key, _user_agent(request), _address(request))
            request.session[SEEN_KEY] = now
