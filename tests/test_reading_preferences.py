"""AO3's reading preferences: hide archive warnings and additional tags (shown on request), the
whole work by default, keeping one's works and pages from search engines; and reading time on
blurbs and work pages."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from lifestream.testing import make_user, make_work
from people.services import set_preferences
from works.templatetags.archive import reading_time

pytestmark = pytest.mark.django_db


def _page(client: Client, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def warned(author):
    return make_work(
        author,
        title="Hard Reading",
        warnings=["Major Character Death"],
        freeforms=["Angst", "Spoilery Twist"],
        chapters=3,
    )


def test_the_preferences_page_offers_them(reader):
    client = _login(reader)
    page = client.get(f"/users/{reader.username}/preferences").content.decode()
    for label in (
        "Hide archive warnings",
        "Hide additional tags",
        "Show the whole work by default",
        "Hide my works and pages from search engines",
    ):
        assert label in page
    data = {
        "hide_warnings": "on",
        "hide_freeforms": "on",
        "view_full_works": "on",
        "time_zone": "UTC",
        "digest_interval": "hourly",
    }
    client.post(f"/users/{reader.username}/preferences", data)
    reader.refresh_from_db()
    assert reader.hide_warnings and reader.hide_freeforms and reader.view_full_works


def test_hidden_warnings_and_tags_wait_behind_a_show_button(warned, reader):
    plain = _page(_login(reader), "/works").select_one(f"li#work_{warned.pk}")
    assert plain is not None and plain.select("details.hidden-tags") == []
    set_preferences(reader, hide_warnings=True, hide_freeforms=True)
    client = _login(reader)
    blurb = _page(client, "/works").select_one(f"li#work_{warned.pk}")
    assert blurb is not None
    summaries = [d.summary.get_text() for d in blurb.select("details.hidden-tags")]
    assert summaries == ["Show warnings", "Show additional tags"]
    hidden = blurb.select_one("li.warnings details")
    assert hidden is not None and "Major Character Death" in hidden.get_text()
    assert "Spoilery Twist" in blurb.select("li.freeforms details")[0].get_text()
    work_page = _page(client, f"/works/{warned.pk}")
    for kind, label in (("warning", "Show warnings"), ("freeform", "Show additional tags")):
        dd = work_page.select_one(f"dd.{kind}.tags details.hidden-tags")
        assert dd is not None and dd.summary.get_text() == label
    # Other readers still see them as they are.
    assert _page(Client(), f"/works/{warned.pk}").select("details.hidden-tags") == []


def test_the_whole_work_by_default(warned, reader):
    set_preferences(reader, view_full_works=True)
    client = _login(reader)
    page = _page(client, f"/works/{warned.pk}")
    assert len(page.select("#chapters > div.chapter")) == 3
    bychapter = page.select_one("li.chapter.bychapter a")
    assert bychapter is not None and bychapter["href"] == f"/works/{warned.pk}?view_full_work=false"
    one = _page(client, f"/works/{warned.pk}?view_full_work=false")
    assert len(one.select("#chapters > div.chapter")) == 1
    second = warned.chapters.order_by("position")[1]
    chapter = _page(client, f"/works/{warned.pk}/chapters/{second.pk}")
    assert len(chapter.select("#chapters > div.chapter")) == 1
    # Without the preference, a work opens at its first chapter.
    assert len(_page(Client(), f"/works/{warned.pk}").select("#chapters > div.chapter")) == 1


def _noindex(page) -> bool:
    return page.select_one("meta[name=robots][content=noindex]") is not None


def test_hidden_from_search_engines(author, reader):
    work = make_work(author, title="Quiet")
    other = make_work(reader, title="Loud")
    assert not _noindex(_page(Client(), f"/works/{work.pk}"))
    set_preferences(author, hide_from_search_engines=True)
    for url in (
        f"/works/{work.pk}",
        f"/users/{author.username}",
        f"/users/{author.username}/works",
    ):
        assert _noindex(_page(Client(), url)), url
    assert not _noindex(_page(Client(), f"/works/{other.pk}"))
    assert not _noindex(_page(Client(), f"/users/{reader.username}"))


def test_an_anonymous_work_is_never_indexed_so_the_tag_names_no_one(db):
    writer = make_user("quiet_writer")
    work = make_work(writer, title="Unsigned", anonymous=True)
    assert _noindex(_page(Client(), f"/works/{work.pk}"))


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        (0, "under a minute"),
        (100, "under a minute"),
        (500, "2 min"),
        (15_000, "1 h 00 min"),
        (40_000, "2 h 40 min"),
    ],
)
def test_reading_time(words, shown):
    assert reading_time(words) == shown


def test_reading_time_on_blurbs_and_work_pages(author):
    work = make_work(author, title="Long", body="<p>" + "word " * 2_500 + "</p>")
    blurb = _page(Client(), "/works").select_one(f"li#work_{work.pk} dd.reading-time")
    assert blurb is not None and blurb.get_text() == "10 min"
    meta = _page(Client(), f"/works/{work.pk}").select_one("dl.work.meta dd.reading-time")
    assert meta is not None and meta.get_text() == "10 min"
