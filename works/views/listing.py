"""Listings of works: the home page and all works (a tag's works live with the tag pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from access.getters import visible_works
from search.listing.form import read_request
from search.listing.query import search

from .. import queries

HOME_WORKS = 10


def home(request: HttpRequest) -> HttpResponse:
    works = queries.listing(visible_works(request.user), request.user)[:HOME_WORKS]
    return render(request, "home.html", {"works": works})


def work_index(request: HttpRequest) -> HttpResponse:
    """All works, with the filter sidebar."""
    results = search(request.user, read_request(request.GET))
    return render(request, "works/index.html", results.context())
