"""Work listings with AO3's filter sidebar, and the work search page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tags.models import Tag
from works.languages import LANGUAGES

from .listing.form import SORT_OPTIONS, read_request
from .listing.query import search
from .listing.results import sidebar_groups


def listing(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    user_id: int | None = None,
    pseud_id: int | None = None,
    tag: Tag | None = None,
) -> HttpResponse:
    """A filtered, sorted page of works with its sidebar, for any listing."""
    search_request = read_request(request.GET)
    results = search(request.user, search_request, user_id=user_id, pseud_id=pseud_id, tag=tag)
    context.update(
        {
            "page": results.page,
            "results": results,
            "filter_groups": sidebar_groups(results.facets),
            "sort_options": SORT_OPTIONS,
            "languages": LANGUAGES,
            "params": search_request.params,
            "search_errors": search_request.errors,
        }
    )
    return render(request, template, context)


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
