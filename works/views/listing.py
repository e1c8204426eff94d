"""Listings of works: the home page, all works and a tag's works."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lifestream.pagination import paginate

from .. import queries

HOME_WORKS = 10


def home(request: HttpRequest) -> HttpResponse:
    works = queries.listing(queries.visible_works(request.user))[:HOME_WORKS]
    return render(request, "home.html", {"works": works})


def work_index(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.listing(queries.visible_works(request.user)))
    return render(request, "works/index.html", {"page": page})
