"""The OPDS catalogue's pages under `/opds`, for the reader `downloads.access.reader` finds
(the session, or an API token an e-reader app sends); without one, a logged-out visitor's."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from access.getters import findable_tag, get_series_for_reader
from access.visibility import ANONYMOUS, is_anonymous_series
from archive_collections.models import Collection
from lifestream.core.errors import LoginRequired
from people.queries import get_user
from search.browse import work_counts
from search.listing.form import read_request
from search.listing.query import search
from tags.models import Tag, TagKind, tag_from_param, tag_to_param
from tags.queries import canonical_of
from works.models import Series
from works.series_queries import listable_series, stats_of, visible_works_of_series

from .access import reader, unauthorized
from .opds import (
    NAVIGATION_TYPE,
    Feed,
    NavigationEntry,
    SeriesEntry,
    absolute,
    feed_page,
    series_feed_path,
    tag_urn,
)
from .opds import opensearch_description as opensearch_document
from .series_epub import SERIES_BOOK_WORDS_MAX

PER_PAGE = 25
FANDOMS_PER_PAGE = 50


# What the catalogue answers in, the feed first: an OPDS app that accepts anything (`*/*`), or
# sends no Accept at all, gets the feed; a browser, which prefers HTML, gets it as a page.
FEED_TYPES = ("application/atom+xml", "application/xml", "text/xml")
PAGE_TYPES = ("text/html", "application/xhtml+xml")


def wants_page(request: HttpRequest) -> bool:
    """Whether the request's Accept header prefers HTML to Atom or XML."""
    if "Accept" not in request.headers:
        return False
    return request.get_preferred_type([*FEED_TYPES, *PAGE_TYPES]) in PAGE_TYPES


def _respond(request: HttpRequest, feed: Feed) -> HttpResponse:
    """The feed, or the same feed as a page for a browser (`wants_page`)."""
    if wants_page(request):
        context = {"feed": feed_page(feed), "search_words": request.GET.get("q", "")[:500]}
        response = render(request, "downloads/opds_feed.html", context)
    else:
        response = HttpResponse(feed.render(), content_type=f"{feed.media_type};charset=utf-8")
    response["Vary"] = "Accept, Cookie, Authorization"
    return response


def _works_feed(
    request: HttpRequest,
    *,
    title: str,
    path: str,
    query: QueryDict | None = None,
    base: str = "",
    tag: Tag | None = None,
    user_id: int | None = None,
    collection_id: int | None = None,
    feed_id: str = "",
) -> HttpResponse:
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    wanted = read_request(query if query is not None else request.GET)
    # With the blurbs' series, so each entry links the series it is in as its reader sees it.
    results = search(
        viewer,
        wanted,
        tag=tag,
        user_id=user_id,
        collection_id=collection_id,
        per_page=PER_PAGE,
        with_facets=False,
    )
    page = results.page
    feed = Feed(
        id=feed_id or absolute(path), title=title, self_href=base or path, kind="acquisition"
    )
    total = page.paginator.count
    feed.pages(base or path, page.number, max(1, math.ceil(total / PER_PAGE)), total, PER_PAGE)
    for work in page.object_list:
        feed.work(work)
    return _respond(request, feed)


def root(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    feed = Feed(id=absolute("/opds"), title="Lifestream", self_href="/opds", kind="navigation")
    feed.navigation(
        NavigationEntry(
            "Newest works",
            "/opds/new",
            "The works updated most recently.",
            now,
            absolute("/opds/new"),
        )
    )
    feed.navigation(
        NavigationEntry(
            "Fandoms",
            "/opds/fandoms",
            "Every fandom with works you can read.",
            now,
            absolute("/opds/fandoms"),
        ),
        link_type=NAVIGATION_TYPE,
    )
    feed.navigation(
        NavigationEntry(
            "Series",
            "/opds/series",
            "Series of works, each also as one EPUB of the whole series.",
            now,
            absolute("/opds/series"),
        ),
        link_type=NAVIGATION_TYPE,
    )
    return _respond(request, feed)


def newest(request: HttpRequest) -> HttpResponse:
    return _works_feed(request, title="Newest works", path="/opds/new")


def fandoms(request: HttpRequest) -> HttpResponse:
    """Canonical fandoms with the number of works the reader can list in each, by name."""
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    counts = work_counts(viewer)[TagKind.FANDOM]
    tags = sorted(Tag.objects.filter(pk__in=counts), key=lambda tag: tag.name.casefold())
    pages = max(1, math.ceil(len(tags) / FANDOMS_PER_PAGE))
    number = request.GET.get("page", "1")
    page = min(max(int(number), 1), pages) if number.isdecimal() and len(number) < 9 else 1
    feed = Feed(
        id=absolute("/opds/fandoms"), title="Fandoms", self_href="/opds/fandoms", kind="navigation"
    )
    feed.pages("/opds/fandoms", page, pages, len(tags), FANDOMS_PER_PAGE)
    now = timezone.now()
    for tag in tags[(page - 1) * FANDOMS_PER_PAGE : page * FANDOMS_PER_PAGE]:
        count = counts[tag.pk]
        href = reverse("downloads:opds_tag", args=[tag_to_param(tag.name)])
        feed.navigation(
            NavigationEntry(
                tag.name,
                href,
                f"{count:,} work{'s' if count != 1 else ''}",
                now,
                tag_urn(tag.pk),
            )
        )
    return _respond(request, feed)


def tag_works(request: HttpRequest, tag_name: str) -> HttpResponse:
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    tag = findable_tag(viewer, tag_from_param(tag_name))
    if tag is None:
        raise Http404(gettext("No such tag."))
    tag = canonical_of(tag)
    path = reverse("downloads:opds_tag", args=[tag_to_param(tag.name)])
    return _works_feed(
        request, title=f"{tag.name} works", path=path, tag=tag, feed_id=tag_urn(tag.pk)
    )


def collection_works(request: HttpRequest, name: str) -> HttpResponse:
    """The works a collection lists (approved by both sides, never a Mystery Work), as the
    reader may list them."""
    collection = Collection.objects.filter(name__iexact=name).first()
    if collection is None:
        raise Http404(gettext("No such collection."))
    path = reverse("downloads:opds_collection", args=[collection.name])
    return _works_feed(
        request, title=f"{collection.title} works", path=path, collection_id=collection.pk
    )


def series_index(request: HttpRequest) -> HttpResponse:
    """Every series the reader may list, most recently updated first, each leading to its own
    feed; counted from the parts the reader may list."""
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    paginator = Paginator(listable_series(viewer), PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    feed = Feed(
        id=absolute("/opds/series"), title="Series", self_href="/opds/series", kind="navigation"
    )
    feed.pages("/opds/series", page.number, paginator.num_pages, paginator.count, PER_PAGE)
    for series in page.object_list:
        # Counted by `listable_series` from the parts the reader may list.
        works = getattr(series, "listed_works", 0)
        words = getattr(series, "listed_words", 0) or 0
        feed.navigation(
            NavigationEntry(
                series.title,
                series_feed_path(series.pk),
                f"{works:,} work{'s' if works != 1 else ''} · {words:,} words · by "
                + ", ".join(name for name, _ in _series_creators(series)),
                getattr(series, "listed_updated", None) or series.updated_at,
                absolute(series_feed_path(series.pk)),
            )
        )
    return _respond(request, feed)


def _series_creators(series: Series) -> list[tuple[str, str]]:
    """The series' creators as everyone sees them (the catalogue is shared as a file is)."""
    if is_anonymous_series(series):
        return [(ANONYMOUS, "")]
    return [
        (creatorship.pseud.byline, creatorship.pseud.get_absolute_url())
        for creatorship in series.creatorships.all()
    ]


def series_works(request: HttpRequest, series_id: int) -> HttpResponse:
    """One series: the whole series as one EPUB first, then its works in series order, those
    the reader may list."""
    viewer = reader(request)
    if viewer is None:
        return unauthorized()
    try:
        series = get_series_for_reader(viewer, series_id)
    except LoginRequired:
        return unauthorized()
    works = visible_works_of_series(viewer, series)
    path = series_feed_path(series.pk)
    paginator = Paginator(works, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    feed = Feed(id=absolute(path), title=series.title, self_href=path, kind="acquisition")
    feed.pages(path, page.number, paginator.num_pages, paginator.count, PER_PAGE)
    stats = stats_of(works)
    if page.number == 1 and works and stats.words <= SERIES_BOOK_WORDS_MAX:
        feed.whole_series(
            SeriesEntry(
                id=series.pk,
                title=series.title,
                summary=series.summary,
                complete=series.complete,
                updated=max(work.revised_at for work in works),
                works=stats.works,
                words=stats.words,
                creators=_series_creators(series),
            )
        )
    for work in page.object_list:
        feed.work(work)
    return _respond(request, feed)


def user_works(request: HttpRequest, login_name: str) -> HttpResponse:
    owner = get_user(login_name)
    path = reverse("downloads:opds_user", args=[owner.username])
    return _works_feed(request, title=f"Works by {owner.username}", path=path, user_id=owner.pk)


def search_works(request: HttpRequest) -> HttpResponse:
    words = request.GET.get("q", "").strip()[:500]
    query = QueryDict(mutable=True)
    if words:
        query["work_search[query]"] = words
    query["page"] = request.GET.get("page", "1")
    return _works_feed(
        request,
        title=f"Search: {words}" if words else "Search",
        path="/opds/search",
        query=query,
        base=f"/opds/search?{urlencode({'q': words})}",
    )


def opensearch_description(request: HttpRequest) -> HttpResponse:
    return HttpResponse(opensearch_document(), content_type="application/opensearchdescription+xml")
