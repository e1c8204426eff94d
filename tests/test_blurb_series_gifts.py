"""Listing blurbs as AO3 has them: "for NAME" in the heading after the byline (a recipient on
the archive linked to their gifts page), and the work's series as "Part N of TITLE" in
`ul.series`, numbered among the parts the reader may see, as the work page numbers them."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifestream.testing import make_user, make_work
from people.services import mute_user
from works.models import Gift
from works.series import add_work_to_series

pytestmark = pytest.mark.django_db


def _blurb(client: Client, url: str, work) -> Any:
    response = client.get(url)
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    found = page.select_one(f"li#work_{work.pk}")
    assert found is not None, f"work {work.pk} not listed at {url}"
    return found


def _series_lines(blurb) -> list[str]:
    return [" ".join(li.get_text().split()) for li in blurb.select(":scope ul.series > li")]


@pytest.fixture
def saga(db):
    author = make_user("saga_writer")
    other = make_user("other_writer")
    first = make_work(author, title="Departure")
    hidden = make_work(author, title="Members Only", restricted=True)
    draft = make_work(author, title="Unfinished", draft=True)
    cameo = make_work(other, title="Guest Chapter")
    road = make_work(author, title="The Road")
    series = add_work_to_series(author, first, new_title="The Long Way Round").series
    for work in (hidden, draft):
        add_work_to_series(author, work, series=series)
    # A part by another writer, whom a reader can mute (the series admits it by hand here).
    series.parts.create(work=cameo, position=4)
    add_work_to_series(author, road, series=series)
    return {"author": author, "other": other, "series": series, "road": road}


URLS = ["/works", "/users/saga_writer/works", "/tags/Final Fantasy VII/works"]


@pytest.mark.parametrize("url", URLS)
def test_a_guest_counts_only_the_parts_a_guest_may_read(saga, url):
    lines = _series_lines(_blurb(Client(), url, saga["road"]))
    # Departure, Guest Chapter, The Road: the restricted part and the draft leave no gap.
    assert lines == ["Part 3 of The Long Way Round"]


def test_a_member_counts_the_restricted_part_and_a_muter_leaves_out_the_muted(saga):
    member = Client()
    reader = make_user("saga_reader")
    member.force_login(reader)
    assert _series_lines(_blurb(member, "/works", saga["road"])) == ["Part 4 of The Long Way Round"]
    mute_user(reader, saga["other"])
    assert _series_lines(_blurb(member, "/works", saga["road"])) == ["Part 3 of The Long Way Round"]


def test_the_blurb_number_is_the_work_pages_number(saga):
    member = Client()
    member.force_login(make_user("saga_reader"))
    for client in (Client(), member):
        blurb = _series_lines(_blurb(client, "/works", saga["road"]))[0]
        page = BeautifulSoup(client.get(f"/works/{saga['road'].pk}").content, "html.parser")
        position_tag: Any = page.select_one("dd.series span.position")
        position = " ".join(position_tag.get_text().split())
        assert blurb == position


def test_the_series_line_links_the_series_and_lists_each_series(saga):
    second = add_work_to_series(saga["author"], saga["road"], new_title="Roads & <Rails>").series
    blurb = _blurb(Client(), "/works", saga["road"])
    assert _series_lines(blurb) == [
        "Part 3 of The Long Way Round",
        "Part 1 of Roads & <Rails>",
    ]
    links = [a["href"] for a in blurb.select(":scope ul.series > li a")]
    assert links == [f"/series/{saga['series'].pk}", f"/series/{second.pk}"]
    assert blurb.select_one(":scope ul.series > li strong").get_text() == "3"


def test_a_work_in_no_series_has_no_series_list(author):
    work = make_work(author, title="Alone")
    assert _blurb(Client(), "/works", work).select(":scope ul.series") == []


def test_the_series_page_numbers_its_own_blurbs(saga):
    blurb = _blurb(Client(), f"/series/{saga['series'].pk}", saga["road"])
    assert _series_lines(blurb) == ["Part 3 of The Long Way Round"]


def test_gifts_show_after_the_byline_linked_to_the_recipients_gifts_page(author):
    recipient = make_user("tifa_reader")
    work = make_work(author, title="For You", gifts=["tifa_reader"])
    Gift.objects.create(work=work, recipient_name="Zack <the> Friend")
    heading: Any = _blurb(Client(), "/works", work).select_one("h4.heading")
    text = " ".join(heading.get_text().split())
    assert text.endswith("by cloud_author for tifa_reader, Zack <the> Friend")
    link = heading.find("a", string="tifa_reader")
    assert link["href"] == f"/users/{recipient.username}/gifts"
    # The byline's author links stay the only rel=author links.
    assert [a.get_text() for a in heading.select("a[rel=author]")] == ["cloud_author"]


def test_a_refused_gift_leaves_the_heading(author):
    make_user("tifa_reader")
    work = make_work(author, title="For You", gifts=["tifa_reader"])
    Gift.objects.filter(work=work).update(rejected=True)
    heading: Any = _blurb(Client(), "/works", work).select_one("h4.heading")
    assert " for " not in f" {' '.join(heading.get_text().split())} "


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/works",
        "/users/saga_writer",
        "/users/saga_writer/works",
        "/users/saga_writer/pseuds/saga_writer/works",
        "/tags/Final Fantasy VII",
        "/users/tifa_reader/gifts",
    ],
)
def test_blurb_series_and_gifts_cost_the_same_for_any_number_of_works(saga, url):
    make_user("tifa_reader")
    client = Client()

    def count() -> int:
        client.get(url)  # the filter index catches up first
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make_work(saga["author"], title="Gift 0", gifts=["tifa_reader"])
    few = count()
    for number in range(6):
        work = make_work(saga["author"], title=f"More {number}", gifts=["tifa_reader", "Aerith"])
        add_work_to_series(saga["author"], work, series=saga["series"])
        add_work_to_series(saga["author"], work, new_title=f"Side story {number}")
    assert count() == few
