"""Account security on every request: a session's "last seen" (at most once a minute), and
accounts that must use two-factor authentication sent to set it up before anything else."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from lifestream.core.actors import client_address

from . import sessions, two_factor
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


class AccountSecurityMiddleware:
    """After AuthenticationMiddleware. The API (token-authenticated) is left alone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and not request.path.startswith("/api/"):
            self._seen(request, user)
            # One query, only for the few accounts that must have two-factor on.
            if (
                settings.TWO_FACTOR_ENFORCED
                and two_factor.two_factor_required(user)
                and not self._allowed_without_two_factor(request)
                and not two_factor.is_on(user)
            ):
                return redirect("people:two_factor", user.username)
        return self.get_response(request)

    @staticmethod
    def _seen(request: HttpRequest, user: User) -> None:
        now = int(time.time())
        last = request.session.get(SEEN_KEY, 0)
        key = request.session.session_key
        if key and now - int(last) >= sessions.SEEN_EVERY.total_seconds():
            sessions.seen(user, key, _user_agent(request), _address(request))
            request.session[SEEN_KEY] = now

    @staticmethod
    def _allowed_without_two_factor(request: HttpRequest) -> bool:
        user = request.user
        assert isinstance(user, User)
        allowed = {
            reverse("people:two_factor", args=[user.username]),
            reverse("logout"),
            reverse("set_language"),
        }
        return request.path in allowed or request.path.startswith(f"/{settings.STATIC_URL}")
