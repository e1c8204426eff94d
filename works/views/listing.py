"""Listings of works: the home page, all works and a tag's works."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from lifestream.pagination import paginate
from tags.models import Tag, tag_from_param, tag_to_param

from .. import queries

HOME_WORKS = 10


def home(request: HttpRequest) -> HttpResponse:
    works = queries.listing(queries.visible_works(request.user))[:HOME_WORKS]
    return render(request, "home.html", {"works": works})


def work_index(request: HttpRequest) -> HttpResponse:
    page = paginate(request, queries.listing(queries.visible_works(request.user)))
    return render(request, "works/index.html", {"page": page})


def _get_tag(param: str) -> Tag:
    return get_object_or_404(Tag, name__iexact=tag_from_param(param))


def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = _get_tag(tag_name)
    if tag_to_param(tag.name) != tag_name:
        # One address per tag, spelled as the tag is, so links and bookmarks agree.
        return redirect("tags:works", tag_to_param(tag.name), permanent=True)
    page = paginate(request, queries.listing(queries.works_tagged(request.user, tag)))
    return render(request, "works/index.html", {"page": page, "tag": tag})


def tag_show(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = _get_tag(tag_name)
    return redirect("tags:works", tag_to_param(tag.name))
