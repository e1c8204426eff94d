"""What the header shows on every page: the media of the "Fandoms" menu (AO3's fixed list, so
no query), the search forms of the "Search" menu (also linked from each search page) and, for
a logged-in user, the unread count beside Inbox (one query, only where the user menu is drawn,
and shared with a page that shows the count too)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


# AO3's advanced search forms: URL name, the menu's label, the form's title; in the "Search"
# menu's order.
SEARCH_FORMS = (
    ("search:works", _("Works"), _("Search Works")),
    ("search:bookmarks", _("Bookmarks"), _("Search Bookmarks")),
    ("tags:search", _("Tags"), _("Search Tags")),
    ("search:people", _("People"), _("Search People")),
)


@cache
def search_form_urls() -> tuple[tuple[str, str], ...]:
    """(address, URL name) of each search form."""
    return tuple((reverse(name), name) for name, _label, _title in SEARCH_FORMS)


def search_forms(request: HttpRequest) -> list[dict[str, Any]]:
    """The search forms with their labels in the request's language, the current one marked."""
    labels = {name: (label, title) for name, label, title in SEARCH_FORMS}
    return [
        {
            "url": url,
            "label": labels[name][0],
            "title": labels[name][1],
            "current": request.path == url,
        }
        for url, name in search_form_urls()
    ]


def header(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)

    def unread() -> int:
        # A callable: the template calls it, so pages without the user menu never ask.
        return unread_count(user) if isinstance(user, User) else 0

    return {
        "header_media": header_media(),
        "header_unread": unread,
        "search_forms": search_forms(request),
    }
