"""The work search page (`/works/search`) and the browsing pages (`/media`, `/media/NAME/fandoms`,
`/fandoms`, `/tags`); the listings with a sidebar are their apps' pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from tags.models import tag_from_param
from works.languages import LANGUAGES

from . import browse
from .listing.form import SORT_OPTIONS, read_request
from .listing.query import search


def work_search(request: HttpRequest) -> HttpResponse:
    """`/works/search`: the search form, and results once something is asked."""
    search_request = read_request(request.GET)
    asked = any(str(value).strip() for value in search_request.params.values())
    context: dict[str, Any] = {
        "params": search_request.params,
        "sort_options": SORT_OPTIONS,
        "languages": LANGUAGES,
        "asked": asked,
    }
    if asked:
        results = search(request.user, search_request, with_facets=False)
        context.update(
            {
                "page": results.page,
                "results": results,
                "search_errors": search_request.errors,
            }
        )
    return render(request, "search/search.html", context)


# --- browsing: AO3's "Fandoms" menu and the tag index ------------------------------------------


def media(request: HttpRequest) -> HttpResponse:
    """`/media`: every media category, with its most used fandoms and a link to them all."""
    return render(request, "search/media.html", {"media": browse.media_index(request.user)})


def medium_fandoms(request: HttpRequest, media_name: str) -> HttpResponse:
    """`/media/NAME/fandoms`: the medium's fandoms A–Z, grouped by letter, with work counts."""
    medium = browse.medium_named(tag_from_param(media_name))
    if medium is None:
        raise Http404(_("No such media category."))
    letters = browse.fandoms_by_letter(request.user, medium)
    context = {"medium": medium, "letters": letters, "media": browse.media_tags()}
    return render(request, "search/fandoms.html", context)


def fandoms(request: HttpRequest) -> HttpResponse:
    """`/fandoms`: every fandom, A–Z, grouped by letter, with work counts."""
    letters = browse.fandoms_by_letter(request.user)
    context = {"medium": None, "letters": letters, "media": browse.media_tags()}
    return render(request, "search/fandoms.html", context)


def tag_index(request: HttpRequest) -> HttpResponse:
    """`/tags`: the most used canonical tags of each kind, with work counts."""
    return render(request, "search/tags.html", {"kinds": browse.tag_index(request.user)})
