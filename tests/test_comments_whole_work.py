"""A work's comment count leads to the comments it counts: `/works/ID?show_comments=true` and
`/works/ID/comments` show every conversation on the work, each saying which chapter it is on,
paginated as a chapter's; a chapter's address keeps showing that chapter's alone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from markup import parse

from feedback.services.comments import post_comment
from lifestream.testing import make_work
from works.services import ChapterData, add_chapter


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def saga(author, reader, stranger):
    """Three chapters: nothing said on the first, a thread with a reply on the second, one on
    the third."""
    work = make_work(author, title="Long Saga", chapters=3)
    first, second, third = work.chapters.order_by("position")
    top = post_comment(reader, work, "Loved the second", chapter=second)
    post_comment(stranger, work, "Me too", parent=top)
    post_comment(stranger, work, "The third!", chapter=third)
    return work, [first, second, third]


def _bylines(html: str) -> dict[str, str]:
    """Each shown comment's text and the chapter its byline names ("" for none)."""
    found = {}
    for item in parse(html).select("li.comment"):
        body = item.select("blockquote.userstuff")[0].text.strip()
        parents = item.select("h4.byline span.parent")
        found[body] = parents[0].text.split() if parents else ""
    return found


def test_the_count_leads_to_every_comment_on_the_work(saga):
    work, chapters = saga
    page = _client().get(f"/works/{work.pk}").content.decode()
    link = parse(page).select("dl.stats dd.comments a")[0]
    assert link.text == "3"
    assert link["href"] == f"/works/{work.pk}?show_comments=true#comments"
    # The work's address alone shows the first chapter and its (empty) conversation, as AO3.
    assert "No comments yet." in page
    assert parse(page).select("#comments_placeholder a")[0]["href"] == link["href"]

    html = _client().get(link["href"].split("#")[0]).content.decode()
    assert "No comments yet." not in html
    shown = _bylines(html)
    assert shown == {
        "Loved the second": ["on", "Chapter", "2"],
        "Me too": ["on", "Chapter", "2"],
        "The third!": ["on", "Chapter", "3"],
    }
    tree = parse(html)
    # Threaded: the reply sits under its comment.
    assert [b.text.strip() for b in tree.select("ol.thread > li.comment ol.thread blockquote")] == [
        "Me too"
    ]
    chapter_links = {a["href"] for a in tree.select("li.comment h4.byline span.parent a")}
    assert chapter_links == {
        f"/works/{work.pk}/chapters/{chapters[1].pk}",
        f"/works/{work.pk}/chapters/{chapters[2].pk}",
    }


def test_comments_page_shows_every_chapters_comments_with_their_chapter(saga):
    work, _ = saga
    html = _client().get(f"/works/{work.pk}/comments").content.decode()
    assert _bylines(html)["The third!"] == ["on", "Chapter", "3"]
    assert set(_bylines(html)) == {"Loved the second", "Me too", "The third!"}


def test_a_chapters_address_keeps_that_chapters_comments(saga):
    work, chapters = saga
    for query in ("", "?show_comments=true"):
        html = _client().get(f"/works/{work.pk}/chapters/{chapters[2].pk}{query}").content
        assert set(_bylines(html.decode())) == {"The third!"}
        # No "on Chapter" where every comment is on the chapter shown.
        assert _bylines(html.decode())["The third!"] == ""


def test_a_single_chapter_work_names_no_chapter(author, reader):
    work = make_work(author)
    post_comment(reader, work, "Lovely")
    html = _client().get(f"/works/{work.pk}?show_comments=true").content.decode()
    assert _bylines(html) == {"Lovely": ""}


def test_the_whole_works_comments_are_paginated(saga, reader):
    work, chapters = saga
    for n in range(20):
        post_comment(reader, work, f"Batch {n:02d}", chapter=chapters[n % 3])
    first = _client().get(f"/works/{work.pk}?show_comments=true").content.decode()
    assert "Loved the second" in first and "Batch 17" in first and "Batch 18" not in first
    next_link = parse(first).select("ol.pagination li.next a")[0]["href"]
    assert "show_comments=true" in next_link and "page=2" in next_link
    second = _client().get(f"/works/{work.pk}{next_link}").content.decode()
    assert "Batch 18" in second and "Batch 19" in second and "Loved the second" not in second


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("route", ["/works/{work}?show_comments=true", "/works/{work}/comments"])
def test_queries_do_not_grow_with_comments_or_chapters(
    route, author, reader, stranger, django_assert_num_queries
):
    work = make_work(author, chapters=2)

    def add_threads(count):
        chapters = list(work.chapters.order_by("position"))
        for n in range(count):
            top = post_comment(reader, work, f"top {n}", chapter=chapters[n % len(chapters)])
            post_comment(stranger, work, f"reply {n}", parent=top)

    add_threads(2)
    url = route.format(work=work.pk)
    clients = {"guest": _client(), "reader": _client(reader), "author": _client(author)}
    for client in clients.values():
        client.get(url)  # a first visit writes the reading history's row
    counts = {name: _count(client, url) for name, client in clients.items()}
    for n in range(4):
        add_chapter(work, ChapterData(body=f"<p>More {n}.</p>"), post=True)
    add_threads(12)
    for name, client in clients.items():
        with django_assert_num_queries(counts[name]):
            client.get(url)


def test_a_comment_sent_under_every_comment_goes_on_the_chapter_shown(saga, reader):
    work, chapters = saga
    html = _client(reader).get(f"/works/{work.pk}?show_comments=true").content.decode()
    form = parse(html).select("form#comment_form")[0]
    assert form.select("input[name=chapter_id]")[0]["value"] == str(chapters[0].pk)
    whole = _client(reader).get(f"/works/{work.pk}?view_full_work=true").content.decode()
    assert not parse(whole).select("form#comment_form input[name=chapter_id]")
