"""Listings of works: the home page and all works (a tag's works live with the tag pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from access.getters import visible_works
from feedback.queries.readings import to_continue
from news.queries import headlines
from people.models import User
from search.listing.form import read_request
from search.listing.query import search

from .. import queries

HOME_WORKS = 10


def home(request: HttpRequest) -> HttpResponse:
    works = queries.listing(visible_works(request.user), request.user)[:HOME_WORKS]
    context: dict = {"works": works, "news_headlines": headlines()}
    if isinstance(request.user, User) and request.user.history_enabled:
        context["continue_reading"] = to_continue(request.user)
    return render(request, "home.html", context)


def work_index(request: HttpRequest) -> HttpResponse:
    """All works, with the filter sidebar."""
    results = search(request.user, read_request(request.GET))
    return render(request, "works/index.html", results.context())
