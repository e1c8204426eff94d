"""Members accept the archive's terms again when they change: a logged-in member whose
accepted version is behind is sent to /tos/accept (and back) before any other page, one of
the archive's first steps (`lifestream.first_steps`).

Whether terms are due is worked out when they log in and again at most every ten minutes
(kept in their session), so ordinary pages cost no query for it."""

from __future__ import annotations

import time
from typing import Any

from django.http import HttpRequest, HttpResponse

from lifestream.core.first_steps import FirstStep, send_to
from people.models import User

from . import queries

TERMS_DUE = "terms_due"
CHECKED_AT = "terms_checked_at"
RECHECK_SECONDS = 600


def note_terms(session: Any, user: User) -> None:
    session[TERMS_DUE] = queries.terms_due(user)
    session[CHECKED_AT] = int(time.time())


def on_login(sender: object, request: HttpRequest | None, user: User, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        note_terms(request.session, user)


def terms_due(request: HttpRequest, user: User) -> HttpResponse | None:
    session = request.session
    if time.time() - session.get(CHECKED_AT, 0) > RECHECK_SECONDS:
        note_terms(session, user)
    if session.get(TERMS_DUE):
        return send_to(request, "signups:accept_terms", come_back=True)
    return None


ACCEPT_TERMS = FirstStep(
    name="terms",
    due=terms_due,
    target="signups:accept_terms",
    # The terms and the content policy are read before accepting them; the admin pages stay
    # open so that the admin who has just changed the terms can go on working there.
    opens_views=frozenset({"signups:terms", "signups:content_policy"}),
    opens_paths=("/admin/",),
)
