"""What a logged-in user must do first: the shape of one step (accept changed terms, set up
two-factor authentication, stop writing while suspended).

Each app defines its step; `lifestream.first_steps` lists them in order, with the paths that
are always open, and `lifestream.middleware.FirstStepsMiddleware` asks them on every request.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode


@dataclass(frozen=True)
class FirstStep:
    """One thing a logged-in user does before the rest of the archive.

    `due(request, user)` answers where the user is sent (a redirect to `target`, or the page
    refusing what they asked) while the step is due, or None when it is not. It is asked only
    for pages outside the shared open list and outside `opens_views` / `opens_paths`, so a
    step that needs a query pays for it only where it applies. `target` is the view name of
    the page that settles the step: it is open whatever other step is due, so two steps due
    at once never send a user round in a circle."""

    name: str
    due: Callable[[HttpRequest, Any], HttpResponse | None]
    target: str | None = None
    opens_views: frozenset[str] = field(default_factory=frozenset)
    opens_paths: tuple[str, ...] = ()

    def opens(self, request: HttpRequest) -> bool:
        match = request.resolver_match
        if match is not None and match.view_name in self.opens_views:
            return True
        return bool(self.opens_paths) and request.path_info.startswith(self.opens_paths)


def send_to(
    request: HttpRequest, view_name: str, *args: object, come_back: bool = False
) -> HttpResponse:
    """A redirect to a step's page; with `come_back`, that page returns to where the user was
    going (`?next=`)."""
    target = reverse(view_name, args=args)
    if come_back:
        target = f"{target}?{urlencode({'next': request.get_full_path()})}"
    return redirect(target)
