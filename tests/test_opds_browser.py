"""OPDS in a browser: a browser (whose Accept prefers HTML) gets each catalogue feed as a page
with the same entries, downloads and navigation; OPDS apps (Atom, `*/*` or no Accept) get the
very same feed as before. Both vary on Accept, and the page shows what the feed would."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from lifestream.testing import make_user, make_work
from search import text
from tags.models import Tag

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"
APPS = (None, "*/*", "application/atom+xml", "application/atom+xml;profile=opds-catalog, */*;q=0.5")
FEEDS = ("/opds", "/opds/new", "/opds/fandoms", "/opds/series", "/opds/search?q=lantern")


def _get(client: Client, url: str, accept: str | None):
    headers = {} if accept is None else {"Accept": accept}
    return client.get(url, headers=headers)


def _stable(document: bytes) -> bytes:
    """The feed without its timestamps, which follow the clock."""
    return re.sub(rb"<updated>[^<]*</updated>", b"", document)


@pytest.fixture
def shelf(author):
    fandom = "Lantern Fandom"
    works = [make_work(author, title=f"Lantern Tale {n}", fandoms=[fandom]) for n in range(3)]
    members = make_work(author, title="Lantern Members", fandoms=[fandom], restricted=True)
    draft = make_work(author, title="Lantern Draft", fandoms=[fandom], draft=True)
    Tag.objects.filter(name=fandom).update(canonical=True)
    text.index_works([work.pk for work in [*works, members, draft]])
    return works


@pytest.mark.parametrize("url", FEEDS)
def test_apps_get_the_same_feed_whatever_they_accept(shelf, url):
    client = Client()
    answers = [_get(client, url, accept) for accept in APPS]
    for response in answers:
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/atom+xml;profile=opds-catalog")
        assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
        assert "Accept" in response["Vary"]
    assert len({_stable(response.content) for response in answers}) == 1


@pytest.mark.parametrize("url", FEEDS)
def test_a_browser_gets_the_feed_as_a_page(shelf, url):
    response = _get(Client(), url, BROWSER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"] and "Cookie" in response["Vary"]
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert 'class="opds-feed region"' in html
    assert 'action="/opds/search"' in html


def test_the_page_shows_the_feeds_entries_with_their_downloads(shelf):
    feed = _get(Client(), "/opds/new", None).content.decode()
    page = _get(Client(), "/opds/new", BROWSER).content.decode()
    titles = re.findall(r"<entry><title>([^<]+)</title>", feed)
    assert sorted(titles) == [f"Lantern Tale {n}" for n in range(3)]
    assert re.findall(r'<h4 class="heading"><a href="/works/\d+">([^<]+)</a>', page) == titles
    for work in shelf:
        assert f'<a href="/downloads/{work.pk}/' in page
        assert (
            f'href="/downloads/{work.pk}/lantern-tale-' in feed or f"/downloads/{work.pk}/" in feed
        )
    assert ">EPUB</a>" in page
    assert 'rel="author" href="/users/cloud_author/pseuds/cloud_author"' in page
    assert "3 entries" in page


def test_the_navigation_feeds_link_their_sections(shelf):
    page = _get(Client(), "/opds", BROWSER).content.decode()
    for href, title in (
        ("/opds/new", "Newest works"),
        ("/opds/fandoms", "Fandoms"),
        ("/opds/series", "Series"),
    ):
        assert f'<h4 class="heading"><a href="{href}">{title}</a></h4>' in page
    fandoms = _get(Client(), "/opds/fandoms", BROWSER).content.decode()
    assert ">Lantern Fandom</a>" in fandoms


def test_the_page_pages_as_the_feed_does(author, settings):
    for number in range(27):
        make_work(author, title=f"Many {number}")
    page = _get(Client(), "/opds/new", BROWSER).content.decode()
    assert 'rel="next" href="/opds/new?page=2"' in page
    assert "27 entries" in page
    second = _get(Client(), "/opds/new?page=2", BROWSER).content.decode()
    assert 'rel="prev" href="/opds/new?page=1"' in second
    assert len(re.findall(r'<li class="opds blurb group"', second)) == 2


@pytest.mark.parametrize("viewer", ["guest", "reader"])
def test_the_page_shows_what_the_feed_would(shelf, viewer):
    client = Client()
    if viewer == "reader":
        client.force_login(make_user("lantern_reader"))
    feed = _get(client, "/opds/search?q=lantern", None).content.decode()
    page = _get(client, "/opds/search?q=lantern", BROWSER).content.decode()
    assert "Lantern Draft" not in feed and "Lantern Draft" not in page
    assert ("Lantern Members" in page) is (viewer == "reader")
    assert ("Lantern Members" in feed) is (viewer == "reader")


def test_a_bad_token_is_refused_in_a_browser_too(shelf):
    response = Client().get(
        "/opds/new", headers={"Accept": BROWSER, "Authorization": "Bearer nope"}
    )
    assert response.status_code == 401
