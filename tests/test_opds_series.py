"""Series in the OPDS catalogue: a "Series" section from the root, a feed per series with the
whole series as one EPUB first and then its works in series order, and on every work entry a
link to each series it is in ("Part N of TITLE", numbered as the reader sees the series).
Every document is checked against the OPDS schema and read by feedparser (`fetch`)."""

from __future__ import annotations

import base64
import io
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from downloads import opds_views
from lifestream.testing import make_user, make_work
from people.services import create_api_token
from tests.test_opds import ACQUISITION, fetch
from works.series import add_work_to_series

pytestmark = pytest.mark.django_db


def _streamed(response: Any) -> bytes:
    """A file response's bytes."""
    return b"".join(response.streaming_content)


@pytest.fixture
def saga(author):
    first = make_work(author, title="Departure", summary="<p>It <em>begins</em>.</p>")
    hidden = make_work(author, title="Members Only", restricted=True)
    draft = make_work(author, title="Unfinished", draft=True)
    road = make_work(author, title="The Road")
    series = add_work_to_series(author, first, new_title="The Long Way Round").series
    series.summary = "<p>A long <strong>journey</strong>.</p>"
    series.save()
    for work in (hidden, draft, road):
        add_work_to_series(author, work, series=series)
    drafts_only = make_work(author, title="Secret Start", draft=True)
    hidden_series = add_work_to_series(author, drafts_only, new_title="Not Yet Begun").series
    return {"series": series, "road": road, "hidden_series": hidden_series}


def _member(user) -> str:
    _, key = create_api_token(user, "e-reader")
    return "Basic " + base64.b64encode(f"{user.username}:{key}".encode()).decode()


def _links(entry, rel: str) -> list:
    return [link for link in entry.links if link.rel == rel]


def test_the_root_leads_to_the_series(saga):
    root = fetch(Client(), "/opds")
    series = [entry for entry in root.entries if entry.title == "Series"]
    assert series and _links(series[0], "subsection")[0].href.endswith("/opds/series")


def test_the_series_index_counts_what_the_reader_may_list(saga, reader):
    guest = fetch(Client(), "/opds/series")
    assert guest.kind == "navigation"
    titles = [entry.title for entry in guest.entries]
    assert titles == ["The Long Way Round"]  # the series of drafts is nobody's to list
    assert guest.entries[0].summary.startswith("2 works · ")
    member = fetch(Client(), "/opds/series", _member(reader))
    assert member.entries[0].summary.startswith("3 works · ")
    href = _links(member.entries[0], "subsection")[0].href
    assert href.endswith(f"/opds/series/{saga['series'].pk}")


def test_a_series_feed_offers_the_whole_series_then_its_works_in_order(saga, reader):
    url = f"/opds/series/{saga['series'].pk}"
    guest = fetch(Client(), url)
    assert guest.kind == "acquisition"
    titles = [entry.title for entry in guest.entries]
    assert titles == ["The Long Way Round (the whole series)", "Departure", "The Road"]
    whole = guest.entries[0]
    assert "A long journey." in whole.summary and "Works: 2 · " in whole.summary
    assert whole.author == "cloud_author"
    member = fetch(Client(), url, _member(reader))
    assert [entry.title for entry in member.entries][1:] == [
        "Departure",
        "Members Only",
        "The Road",
    ]
    assert "Works: 3 · " in member.entries[0].summary


def test_the_whole_series_link_downloads_the_series_epub(saga, reader, settings):
    authorization = _member(reader)
    feed = fetch(Client(), f"/opds/series/{saga['series'].pk}", authorization)
    link = _links(feed.entries[0], ACQUISITION)[0]
    assert link.type == "application/epub+zip"
    response = Client().get(
        link.href.removeprefix(settings.SITE_URL), headers={"Authorization": authorization}
    )
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(_streamed(response)))
    text = " ".join(book.read(name).decode() for name in book.namelist() if name.endswith("xhtml"))
    assert "Members Only" in text and "Unfinished" not in text


def test_work_entries_link_their_series_numbered_for_the_reader(saga, reader):
    def road_links(feed) -> list[str]:
        entry = next(entry for entry in feed.entries if entry.title == "The Road")
        return [link.title for link in _links(entry, "related")]

    assert road_links(fetch(Client(), "/opds/new")) == ["Part 2 of The Long Way Round"]
    member = fetch(Client(), "/opds/new", _member(reader))
    assert road_links(member) == ["Part 3 of The Long Way Round"]
    entry = next(entry for entry in member.entries if entry.title == "The Road")
    assert _links(entry, "related")[0].href.endswith(f"/opds/series/{saga['series'].pk}")


def test_a_series_the_reader_may_not_see_is_refused(saga, author):
    series = saga["hidden_series"]
    assert Client().get(f"/opds/series/{series.pk}").status_code == 404
    assert Client().get("/opds/series/999999").status_code == 404
    only_restricted = add_work_to_series(
        author, make_work(author, title="Behind Glass", restricted=True), new_title="Members Saga"
    ).series
    # A guest is asked to log in, as the catalogue asks an e-reader app: 401 with a challenge.
    response = Client().get(f"/opds/series/{only_restricted.pk}")
    assert response.status_code == 401 and "Basic" in response["WWW-Authenticate"]
    assert Client().get("/opds/series", headers={"Authorization": "Bearer wrong"}).status_code == (
        401
    )


def test_an_anonymous_series_names_no_creator(db):
    writer = make_user("hidden_hand")
    work = make_work(writer, title="Unsigned", anonymous=True)
    series = add_work_to_series(writer, work, new_title="Unsigned Letters").series
    for url in ("/opds/series", f"/opds/series/{series.pk}"):
        body = Client().get(url).content.decode()
        assert "Unsigned Letters" in body and "hidden_hand" not in body
    feed = fetch(Client(), f"/opds/series/{series.pk}")
    assert feed.entries[0].author == "Anonymous"


def test_the_series_index_pages(author, monkeypatch):
    monkeypatch.setattr(opds_views, "PER_PAGE", 2)
    for number in range(5):
        add_work_to_series(author, make_work(author), new_title=f"Saga {number}")
    first = fetch(Client(), "/opds/series")
    assert len(first.entries) == 2 and first.feed.opensearch_totalresults == "5"
    last = fetch(Client(), "/opds/series?page=3")
    assert len(last.entries) == 1
    assert len(fetch(Client(), "/opds/series?page=junk").entries) == 2


@pytest.mark.parametrize("url", ["/opds/series", "/opds/series/{series}", "/opds/new"])
def test_series_feeds_cost_the_same_for_any_number_of_series_and_works(saga, author, url):
    def count() -> int:
        client = Client()
        client.get(url.format(series=saga["series"].pk))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url.format(series=saga["series"].pk)).status_code == 200
        return len(queries)

    few = count()
    for number in range(6):
        work = make_work(author, title=f"More {number}")
        add_work_to_series(author, work, series=saga["series"])
        add_work_to_series(author, work, new_title=f"Side story {number}")
    assert count() == few
