"""The work search page (`/works/search`) and the browsing pages (`/media`, `/media/NAME/fandoms`,
`/fandoms`, `/tags`); the listings with a sidebar are their apps' pages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from feedback.queries.bookmarks import visible_bookmarks
from tags.models import tag_from_param
from works.languages import LANGUAGES

from . import browse
from .listing.form import (
    BOOKMARK_SORT_OPTIONS,
    BOOKMARKABLE_TYPES,
    SORT_OPTIONS,
    read_bookmark_filters,
    read_request,
)
from .listing.query import find_bookmarks, search
from .people import find_pseuds, read_people_search


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


def bookmark_search(request: HttpRequest) -> HttpResponse:
    """`/bookmarks/search`: AO3's bookmark search form, and the bookmarks it finds (the ones
    the viewer may list) once something is asked."""
    filters = read_bookmark_filters(request.GET)
    context: dict[str, Any] = {
        "filters": filters,
        "params": filters.params,
        "sort_options": BOOKMARK_SORT_OPTIONS,
        "bookmarkable_types": BOOKMARKABLE_TYPES,
        "languages": LANGUAGES,
        "asked": filters.asked,
    }
    if filters.asked:
        results = find_bookmarks(
            request.user, visible_bookmarks(request.user), filters, request.GET.get("page")
        )
        context["page"] = results.page
    return render(request, "search/bookmark_search.html", context)


def people_search(request: HttpRequest) -> HttpResponse:
    """`/people/search`: pseuds by name, or by the fandom they create works in."""
    wanted = read_people_search(request.GET)
    context: dict[str, Any] = {"wanted": wanted, "params": wanted.params, "asked": wanted.asked}
    if wanted.asked:
        pseuds = find_pseuds(request.user, wanted)
        paginator = Paginator(pseuds, settings.WORKS_PER_PAGE, allow_empty_first_page=True)
        context["page"] = paginator.get_page(request.GET.get("page"))
    return render(request, "search/people_search.html", context)


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
