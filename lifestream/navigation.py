"""What the header shows on every page: the media of the "Fandoms" menu (AO3's fixed list, so
no query) and, for a logged-in user, the unread count beside Inbox (one query, only where the
user menu is drawn, and shared with a page that shows the count too)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from feedback.queries.subscriptions import unread_count
from people.models import User
from tags.models import MEDIA_CATEGORIES, tag_to_param


@cache
def header_media() -> tuple[tuple[str, str], ...]:
    """(name, address of its fandoms) for each media category."""
    return tuple(
        (name, reverse("search:medium_fandoms", args=[tag_to_param(name)]))
        for name in MEDIA_CATEGORIES
    )


def header(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)

    def unread() -> int:
        # A callable: the template calls it, so pages without the user menu never ask.
        return unread_count(user) if isinstance(user, User) else 0

    return {"header_media": header_media(), "header_unread": unread}
