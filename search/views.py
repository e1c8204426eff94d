"""The work search page (`/works/search`); the listings with a sidebar are their apps' pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from works.languages import LANGUAGES

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
