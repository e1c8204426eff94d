"""Listings of works: the home page and all works (a tag's works live with the tag pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from access.getters import visible_works
from search.views import listing as filtered_listing

from .. import queries

HOME_WORKS = 10


def home(request: HttpRequest) -> HttpResponse:
    works = queries.listing(visible_works(request.user))[:HOME_WORKS]
    return render(request, "home.html", {"works": works})


def work_index(request: HttpRequest) -> HttpResponse:
    """All works, with the filter sidebar."""
    return filtered_listing(request, "works/index.html", {})
