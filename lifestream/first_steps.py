"""The archive's first steps, in the order they are asked, and the pages always open.

A logged-in user with a step due is sent to that step's page (or refused, for a suspended
account's writes) before any other page; `FirstStepsMiddleware` asks the steps. A new step is
a `FirstStep` in its app, listed here; its own page (`target`) joins the open pages."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from api.fallbacks import is_api_request
from lifestream.core.first_steps import FirstStep
from moderation.first_steps import STOP_WRITING_WHILE_SUSPENDED
from people.first_steps import SET_UP_TWO_FACTOR
from signups.first_steps import ACCEPT_TERMS

STEPS: tuple[FirstStep, ...] = (
    # Securing the account comes before anything else it does; the terms before writing.
    SET_UP_TWO_FACTOR,
    ACCEPT_TERMS,
    STOP_WRITING_WHILE_SUSPENDED,
)

# Open whatever step is due: leaving, the interface's language, and every step's own page.
ALWAYS_OPEN_VIEWS = frozenset(
    {"logout", "set_language"} | {step.target for step in STEPS if step.target}
)


def always_open(request: HttpRequest) -> bool:
    """Pages no step holds back: the views above, static files, and the API, which
    authenticates by token and answers JSON with its own stable codes (`account_suspended`)
    rather than redirecting a client to a page."""
    static = settings.STATIC_URL or "/static/"
    if is_api_request(request) or request.path_info.startswith(
        static if static.startswith("/") else f"/{static}"
    ):
        return True
    match = request.resolver_match
    return match is not None and match.view_name in ALWAYS_OPEN_VIEWS
