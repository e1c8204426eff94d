"""Members accept the archive's terms again when they change: a logged-in member whose
accepted version is behind is sent to /tos/accept before any other page.

Whether terms are due is worked out when they log in and again at most every ten minutes
(kept in their session), so ordinary pages cost no query for it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from people.models import User

from . import queries

TERMS_DUE = "terms_due"
CHECKED_AT = "terms_checked_at"
RECHECK_SECONDS = 600
# Pages a member may open with terms due: the terms themselves, logging out, the language.
OPEN_PREFIXES = ("/tos", "/content", "/users/logout", "/language", "/static/", "/api/", "/admin/")


def note_terms(session: Any, user: User) -> None:
    session[TERMS_DUE] = queries.terms_due(user)
    session[CHECKED_AT] = int(time.time())


def on_login(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        note_terms(request.session, user)


class TermsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and not request.path.startswith(OPEN_PREFIXES):
            session = request.session
            if time.time() - session.get(CHECKED_AT, 0) > RECHECK_SECONDS:
                note_terms(session, user)
            if session.get(TERMS_DUE):
                target = reverse("signups:accept_terms")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
