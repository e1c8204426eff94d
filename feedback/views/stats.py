"""A creator's statistics page: each work's hits, kudos, comments, bookmarks and
subscriptions, and the totals; theirs alone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from people.owners import own_account

from ..queries.stats import STATS_SORTS, creator_stats
from .subscriptions import user_nav

STATS_COLUMNS = (
    ("title", _("Title")),
    ("date", _("Date")),
    ("words", _("Word Count")),
    ("hits", _("Hits")),
    ("kudos", _("Kudos")),
    ("comments", _("Comments")),
    ("bookmarks", _("Bookmarks")),
    ("subscriptions", _("Subscriptions")),
)


def stats(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = own_account(request.user, login_name)
    sort = request.GET.get("sort_column", "hits")
    if sort not in STATS_SORTS:
        sort = "hits"
    default_direction = "asc" if sort == "title" else "desc"
    direction = request.GET.get("sort_direction", default_direction)
    descending = direction != "asc"
    result = creator_stats(owner, sort, descending)
    columns = [
        {
            "key": key,
            "label": label,
            "current": key == sort,
            # Clicking the current column turns it around.
            "direction": ("asc" if descending else "desc")
            if key == sort
            else ("asc" if key == "title" else "desc"),
        }
        for key, label in STATS_COLUMNS
    ]
    return render(
        request,
        "feedback/stats.html",
        {
            "owner": owner,
            "nav": user_nav(request, owner),
            "stats": result,
            "columns": columns,
            "sort": sort,
            "descending": descending,
        },
    )


urlpatterns = [path("users/<str:login_name>/stats", stats, name="stats")]
