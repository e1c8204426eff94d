"""The bookmark and people search pages (`/bookmarks/search`, `/people/search`): AO3's fields,
paging, query counts, bad input told with the form kept, and the search forms' links."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from feedback.models import Bookmark
from feedback.services.bookmarks import BookmarkData, create_bookmark, create_series_bookmark
from lifestream.testing import make_user, make_work
from people.services import add_pseud
from works import series as series_services

SEARCHES = ("/works/search", "/bookmarks/search", "/tags/search", "/people/search")


def _titles(html: str) -> list[str]:
    """The bookmarked works' (or series') titles, in order."""
    return re.findall(r'<h4 class="heading">\s*<a href="/(?:works|series)/\d+">([^<]+)</a>', html)


def _names(html: str) -> list[str]:
    return re.findall(
        r'<li class="pseud blurb group" role="article">.*?<a href="[^"]+">([^<]+)</a>', html, re.S
    )


def _search(client: Client, **fields: str) -> str:
    query = {f"bookmark_search[{name}]": value for name, value in fields.items()}
    response = client.get("/bookmarks/search", query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def shelf(db):
    author = make_user("shelf_author")
    reader = make_user("shelf_reader")
    other = make_user("shelf_other")
    storm = make_work(author, title="Storm Letters", summary="Rain over Midgar.", language="fr")
    quiet = make_work(author, title="Quiet Harbour", freeforms=["Lighthouses"])
    create_bookmark(reader, storm, BookmarkData(notes="Made me cry.", tags=["comfort"], rec=True))
    create_bookmark(other, quiet, BookmarkData(notes="", tags=["later"]))
    series = series_services.add_work_to_series(author, quiet, new_title="Harbour Cycle").series
    type(series).objects.filter(pk=series.pk).update(summary="Boats.")
    create_series_bookmark(reader, series, BookmarkData(notes="All of it."))
    return {"author": author, "reader": reader, "other": other, "series": series}


def test_the_empty_form_has_every_ao3_field(shelf):
    html = _search(Client())
    for name in (
        "bookmarkable_query",
        "other_tag_names",
        "bookmarkable_type",
        "language_id",
        "bookmarkable_date",
        "bookmark_query",
        "other_bookmark_tag_names",
        "bookmarker",
        "bookmark_notes",
        "rec",
        "with_notes",
        "date",
        "sort_column",
    ):
        assert f'name="bookmark_search[{name}]"' in html, name
    assert "Found" not in html


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"bookmarkable_query": "midgar"}, ["Storm Letters"]),
        ({"bookmarkable_query": "lighthouses"}, ["Quiet Harbour"]),
        ({"bookmarkable_query": "boats"}, ["Harbour Cycle"]),
        ({"other_tag_names": "Lighthouses"}, ["Quiet Harbour"]),
        ({"bookmarkable_type": "Series"}, ["Harbour Cycle"]),
        ({"bookmarkable_type": "Work", "bookmarker": "shelf_reader"}, ["Storm Letters"]),
        ({"language_id": "fr"}, ["Storm Letters"]),
        ({"bookmarker": "SHELF_OTHER"}, ["Quiet Harbour"]),
        ({"bookmark_notes": "cry"}, ["Storm Letters"]),
        ({"bookmark_query": "cry"}, ["Storm Letters"]),
        ({"other_bookmark_tag_names": "later"}, ["Quiet Harbour"]),
        ({"rec": "1"}, ["Storm Letters"]),
        ({"with_notes": "1", "bookmarkable_type": "Work"}, ["Storm Letters"]),
        ({"date": "<1 week", "bookmarker": "shelf_other"}, ["Quiet Harbour"]),
        ({"date": ">1 week"}, []),
        (
            {"bookmarkable_date": "<2 days", "bookmarkable_type": "Work"},
            ["Quiet Harbour", "Storm Letters"],
        ),
    ],
)
def test_each_field_narrows_the_bookmarks(shelf, fields, expected):
    html = _search(Client(), **fields)
    assert sorted(_titles(html)) == sorted(expected)
    assert f"{len(expected)} Found" in html


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"date": "last tuesday"}, "Date Bookmarked: “last tuesday” is not a date we can read"),
        ({"bookmarkable_date": "soon"}, "Date Updated: “soon” is not a date we can read"),
        ({"language_id": "xx"}, "No language has the code “xx”."),
        ({"bookmarkable_type": "ExternalWork"}, "“ExternalWork” is not a type of bookmark"),
    ],
)
def test_bad_input_is_told_and_the_form_keeps_what_was_typed(shelf, fields, message):
    html = _search(Client(), bookmark_notes="cry", **fields)
    assert message in html
    assert 'role="alert"' in html
    assert _titles(html) == []
    assert (
        'name="bookmark_search[bookmark_notes]" id="bookmark_search_bookmark_notes" value="cry"'
        in html
    )
    for value in fields.values():
        if value not in {"xx", "ExternalWork"}:  # the selects have no such option to keep
            assert f'value="{value}"' in html


def test_bookmark_results_are_paginated_in_a_fixed_number_of_queries(shelf, settings):
    settings.WORKS_PER_PAGE = 3
    author = shelf["author"]

    def page_queries() -> int:
        client = Client()
        client.get("/bookmarks/search", {"bookmark_search[bookmark_notes]": "pile"})
        with CaptureQueriesContext(connection) as queries:
            html = _search(client, bookmark_notes="pile")
        assert "Found" in html
        return len(queries)

    def add(count: int) -> None:
        start = Bookmark.objects.filter(notes="pile").count()
        for number in range(start, start + count):
            work = make_work(author, title=f"Pile {number}", freeforms=[f"Pile tag {number}"])
            create_bookmark(
                make_user(f"piler_{number}"), work, BookmarkData(notes="pile", tags=[f"t{number}"])
            )

    add(2)
    few = page_queries()
    add(5)
    many = page_queries()
    assert many == few
    assert few <= 20
    html = _search(Client(), bookmark_notes="pile")
    assert "7 Found" in html and len(_titles(html)) == 3
    second = Client().get(
        "/bookmarks/search", {"bookmark_search[bookmark_notes]": "pile", "page": "3"}
    )
    assert len(_titles(second.content.decode())) == 1
    assert 'rel="prev"' in second.content.decode()


# --- people ---------------------------------------------------------------------------------


def _people(client: Client, **fields: str) -> str:
    query = {f"people_search[{name}]": value for name, value in fields.items()}
    response = client.get("/people/search", query)
    assert response.status_code == 200
    return response.content.decode()


def test_people_by_name_and_by_fandom_with_their_counts(shelf):
    author = shelf["author"]
    add_pseud(author, "Harbourmaster")
    make_work(shelf["other"], title="Elsewhere", fandoms=["Elsewhere Fandom"])
    html = _people(Client(), name="shelf")
    # A login matches all of its pseuds.
    assert _names(html) == ["Harbourmaster", "shelf_author", "shelf_other", "shelf_reader"]
    assert "0 works" in html  # the new pseud's
    assert "2 works" in html and "2 bookmarks" in html  # the author's; the reader's two
    assert _names(_people(Client(), name="harbour")) == ["Harbourmaster"]
    assert "(shelf_author)" in _people(Client(), name="harbour")
    in_fandom = _people(Client(), fandom="final fantasy vii")
    assert _names(in_fandom) == ["shelf_author"]
    assert "2 works in final fantasy vii" in in_fandom
    both = _people(Client(), name="other", fandom="Elsewhere Fandom")
    assert _names(both) == ["shelf_other"]
    assert _names(_people(Client(), name="reader", fandom="Elsewhere Fandom")) == []


def test_people_bad_input_keeps_the_form(shelf):
    html = _people(Client(), name="shelf", fandom="No Such Fandom")
    assert "No fandom is called “No Such Fandom”." in html and 'role="alert"' in html
    assert 'value="No Such Fandom"' in html and 'value="shelf"' in html
    assert _names(html) == []
    long_name = "x" * 81
    html = _people(Client(), name=long_name)
    assert "A name is at most 80 characters; this one has 81." in html
    assert f'value="{long_name}"' in html
    # A character tag is not a fandom.
    html = _people(Client(), fandom="Cloud Strife")
    assert "No fandom is called “Cloud Strife”." in html


def test_people_results_are_paginated_in_a_fixed_number_of_queries(db, settings):
    settings.WORKS_PER_PAGE = 3

    def page_queries() -> int:
        client = Client()
        client.get("/people/search", {"people_search[name]": "crowd"})
        with CaptureQueriesContext(connection) as queries:
            html = _people(client, name="crowd", fandom="Final Fantasy VII")
        assert "Found" in html
        return len(queries)

    for number in range(2):
        make_work(make_user(f"crowd_{number}"), title=f"Crowd {number}")
    few = page_queries()
    for number in range(2, 7):
        make_work(make_user(f"crowd_{number}"), title=f"Crowd {number}")
    assert page_queries() == few
    assert few <= 12
    html = _people(Client(), name="crowd")
    assert "7 Found" in html and len(_names(html)) == 3
    last = Client().get("/people/search", {"people_search[name]": "crowd", "page": "3"})
    assert _names(last.content.decode()) == ["crowd_6"]


@pytest.mark.parametrize("address", SEARCHES)
def test_every_search_form_links_the_others(db, address):
    html = Client().get(address).content.decode()
    nav = re.search(r'<nav class="search-forms".*?</nav>', html, re.S)
    assert nav is not None, address
    links = re.findall(r'<a href="([^"]+)"', nav.group(0))
    assert links == list(SEARCHES)
    assert f'<a href="{address}" aria-current="page"' in nav.group(0)


def test_a_listing_told_a_field_it_cannot_read_says_so(shelf):
    html = Client().get("/bookmarks", {"bookmark_search[date]": "whenever"}).content.decode()
    assert "Date Bookmarked: “whenever” is not a date we can read" in html
    assert _titles(html) == []
