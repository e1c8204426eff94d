"""Reading: the work page in AO3's markup, chapters, the index, listings and their headings."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lifestream.testing import make_user, make_work
from works.models import Creatorship, Gift
from works.related import ParentData, add_parent, answer_link
from works.series import add_work_to_series
from works.services import ChapterData, add_chapter


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def saga(author):
    return make_work(
        author,
        title="Advent",
        chapters=3,
        relationships=["Cloud Strife/Sephiroth"],
        notes="<p>Work notes.</p>",
        end_notes="<p>Please review!</p>",
        summary="<p>Sum.</p>",
        expected_chapters=5,
    )


def test_single_chapter_work_markup(client, author):
    work = make_work(author, title="One Shot", notes="<p>Hi.</p>")
    page = html(client.get(f"/works/{work.pk}"))
    assert '<ul class="work navigation actions">' in page
    assert '<dl class="work meta group">' in page
    assert '<dd class="rating tags">' in page
    assert 'href="/tags/General%20Audiences/works"' in page
    assert '<div id="workskin">' in page
    assert '<h2 class="title heading">' in page
    assert (
        f'<a rel="author" href="/users/{author.username}/pseuds/{author.username}">'
        f"{author.username}</a>"
    ) in page
    assert '<div id="chapters" role="article">' in page
    assert '<h3 class="landmark heading" id="work">Work Text:</h3>' in page
    assert '<dd class="chapters">1/?</dd>' in page
    assert re.search(r'<dd class="published">\d{4}-\d{2}-\d{2}</dd>', page)
    assert "Chapter Index" not in page


def test_multi_chapter_work_shows_first_chapter(client, saga):
    page = html(client.get(f"/works/{saga.pk}"))
    chapters = list(saga.chapters.order_by("position"))
    assert 'id="chapter-1"' in page
    assert "Chapter 2 text." not in page
    assert '<li class="chapter entire">' in page
    assert f'<li class="chapter next"><a href="/works/{saga.pk}/chapters/{chapters[1].pk}">' in page
    assert '<li class="chapter previous">' not in page
    assert '<dd class="chapters">3/5</dd>' in page
    assert '<div class="notes module">' in page
    assert "Work notes." in page
    # End notes wait for the last chapter, and the preface links there.
    assert 'id="work_endnotes"' not in page
    assert f'href="/works/{saga.pk}/chapters/{chapters[2].pk}#work_endnotes">more notes' in page


def test_chapter_page_navigation(client, saga):
    chapters = list(saga.chapters.order_by("position"))
    page = html(client.get(f"/works/{saga.pk}/chapters/{chapters[1].pk}"))
    assert 'id="chapter-2"' in page
    assert "Chapter 2 text." in page
    assert f'href="/works/{saga.pk}/chapters/{chapters[0].pk}">← Previous Chapter' in page
    assert f'href="/works/{saga.pk}/chapters/{chapters[2].pk}">Next Chapter →' in page
    last = html(client.get(f"/works/{saga.pk}/chapters/{chapters[2].pk}"))
    assert 'id="work_endnotes"' in last
    assert "Please review!" in last


def test_entire_work(client, saga):
    page = html(client.get(f"/works/{saga.pk}?view_full_work=true"))
    for number in (1, 2, 3):
        assert f'id="chapter-{number}"' in page
    assert '<li class="chapter bychapter">' in page
    assert 'id="work_endnotes"' in page
    assert 'href="#work_endnotes">more notes' in page


def test_chapter_of_another_work_redirects(client, author, saga):
    other = make_work(author)
    chapter = other.chapters.get()
    response = client.get(f"/works/{saga.pk}/chapters/{chapter.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/works/{other.pk}/chapters/{chapter.pk}"


def test_chapter_index(client, saga):
    page = html(client.get(f"/works/{saga.pk}/navigate"))
    assert '<ol class="chapter index group"' in page
    for chapter in saga.chapters.all():
        assert f'href="/works/{saga.pk}/chapters/{chapter.pk}"' in page
    assert re.search(r'<span class="datetime">\(\d{4}-\d{2}-\d{2}\)</span>', page)


def test_chapter_notes_markup(client, author):
    work = make_work(author, chapters=1)
    add_chapter(
        work,
        ChapterData(
            body="<p>Two.</p>", title="Home", notes="<p>Before.</p>", end_notes="<p>After.</p>"
        ),
        post=True,
    )
    chapter = work.chapters.get(position=2)
    page = html(client.get(f"/works/{work.pk}/chapters/{chapter.pk}"))
    assert f'<a href="/works/{work.pk}/chapters/{chapter.pk}">Chapter 2</a>: Home' in page
    assert '<div id="notes" class="notes module">' in page
    assert '<div id="chapter_2_endnotes" class="end notes module">' in page


def test_draft_chapters_are_for_the_creator(client, author, saga):
    draft = add_chapter(saga, ChapterData(body="<p>Secret draft.</p>"), post=False)
    page = html(client.get(f"/works/{saga.pk}?view_full_work=true"))
    assert "Secret draft." not in page
    assert client.get(f"/works/{saga.pk}/chapters/{draft.pk}").status_code == 404
    client.force_login(author)
    page = html(client.get(f"/works/{saga.pk}?view_full_work=true"))
    assert "Secret draft." in page
    assert "(Draft)" in page


def test_adult_notice(client, author):
    work = make_work(author, rating="Explicit")
    page = html(client.get(f"/works/{work.pk}"))
    assert "This work could have adult content" in page
    assert "The reactor hummed" not in page
    assert f'href="/works/{work.pk}?view_adult=true"' in page
    page = html(client.get(f"/works/{work.pk}?view_adult=true"))
    assert "The reactor hummed" in page
    # Once said, the session remembers.
    assert "The reactor hummed" in html(client.get(f"/works/{work.pk}"))


def test_adult_notice_preference(client, author, reader):
    work = make_work(author, rating="Mature")
    client.force_login(reader)
    assert "could have adult content" in html(client.get(f"/works/{work.pk}"))
    client.post(
        f"/users/{reader.username}/preferences",
        {"view_adult": "on", "history_enabled": "on", "digest_interval": "daily"},
    )
    assert "The reactor hummed" in html(client.get(f"/works/{work.pk}"))


def test_creator_skips_adult_notice(client, author):
    work = make_work(author, rating="Mature")
    client.force_login(author)
    assert "The reactor hummed" in html(client.get(f"/works/{work.pk}"))


def test_restricted_work_shows_lock(client, author, reader):
    work = make_work(author, restricted=True)
    client.force_login(reader)
    page = html(client.get(f"/works/{work.pk}"))
    assert '<img alt="(Restricted)" title="Restricted"' in page
    assert '<img alt="(Restricted)" title="Restricted"' in html(client.get("/works"))


def test_blurb_markup(client, author):
    work = make_work(
        author,
        title="Blurbed",
        rating="Mature",
        warnings=["Major Character Death"],
        categories=["M/M", "F/F"],
        relationships=["Cloud Strife/Sephiroth"],
        freeforms=["Angst"],
        summary="<p>A summary.</p>",
        complete=True,
    )
    page = html(client.get("/works"))
    assert (
        f'<li id="work_{work.pk}" class="work blurb group work-{work.pk} user-{author.pk}" '
        'role="article">'
    ) in page
    assert '<span class="rating-mature rating" title="Mature">' in page
    assert '<span class="warning-yes warnings"' in page
    assert '<span class="category-multi category"' in page
    assert '<span class="complete-yes iswip"' in page
    assert '<h5 class="fandoms heading">' in page
    assert (
        '<li class="warnings"><strong><a class="tag" href="/tags/Major%20Character%20Death/works">'
    ) in page
    assert (
        '<li class="relationships"><a class="tag" '
        'href="/tags/Cloud%20Strife*s*Sephiroth/works">Cloud Strife/Sephiroth</a></li>'
    ) in page
    assert '<blockquote class="userstuff summary">' in page
    assert re.search(r'<p class="datetime">\d{2} [A-Z][a-z]{2} \d{4}</p>', page)
    assert f"<!-- updated_at={int(work.updated_at.timestamp())} -->" in page


def test_own_class_on_own_blurbs(client, author):
    make_work(author)
    client.force_login(author)
    assert ' own" role="article"' in html(client.get("/works"))


def test_listing_heading_and_pages(client, author):
    for number in range(23):
        make_work(author, title=f"Work {number:02d}", fandoms=["Paged Fandom"])
    page = html(client.get("/works"))
    assert "1 - 20 of 23 Works" in page
    assert page.count('class="work blurb group') == 20
    assert 'rel="next" href="?page=2"' in page
    second = html(client.get("/works?page=2"))
    assert "21 - 23 of 23 Works" in second
    assert second.count('class="work blurb group') == 3
    # Bad page numbers land on a real page rather than an error.
    assert html(client.get("/works?page=abc")).count('class="work blurb group') == 20
    assert "21 - 23 of 23 Works" in html(client.get("/works?page=99999999999999999999"))
    tag_page = html(client.get("/tags/Paged Fandom/works"))
    assert '1 - 20 of 23 Works in <a class="tag" href="/tags/Paged%20Fandom/works">' in tag_page


def test_single_page_heading(client, author):
    make_work(author)
    assert '<h2 class="heading">1 Work</h2>' in html(client.get("/works"))
    pseud = html(client.get(f"/users/{author.username}/pseuds/{author.username}/works"))
    assert f"1 Work by {author.username}" in pseud


def test_tag_name_escaping(client, author):
    odd = "Mr. & Mrs. Smith? #1/2"
    make_work(author, freeforms=[odd])
    escaped = "Mr*d* *a* Mrs*d* Smith*q* *h*1*s*2"
    listing = html(client.get("/works"))
    assert "/tags/Mr*d*%20*a*%20Mrs*d*%20Smith*q*%20*h*1*s*2/works" in listing
    page = html(client.get(f"/tags/{escaped}/works"))
    assert "1 Work in" in page
    # Other spellings of the same tag lead to the one canonical address.
    response = client.get("/tags/mr*d* *a* mrs*d* smith*q* *h*1*s*2/works")
    assert response.status_code == 301
    assert client.get("/tags/No Such Tag/works").status_code == 404


def _count_queries(client, url: str) -> int:
    client.get(url)  # the filter index catches up with the change log first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/works",
        "/tags/Final Fantasy VII/works",
        "/users/cloud_author",
        "/users/cloud_author/works",
        "/users/cloud_author/pseuds/cloud_author",
        "/users/cloud_author/pseuds/cloud_author/works",
    ],
)
def test_listing_query_count_is_constant(client, author, url):
    """Listings cost the same number of queries for 2 works as for 12, by 1 or 3 creators, in
    no series or several, for no one or for several recipients."""
    for _ in range(2):
        make_work(author)
    few = _count_queries(client, url)
    others = [make_user(f"coauthor_{i}") for i in range(2)]
    for number in range(10):
        work = make_work(author, chapters=2, relationships=["A/B", "C/D"])
        for position, other in enumerate(others, start=1):
            # Co-creators, as an accepted co-creator invitation would add them.
            Creatorship.objects.create(work=work, pseud=other.default_pseud, position=position)
        add_work_to_series(author, work, new_title=f"Series {number}")
        add_work_to_series(author, work, new_title=f"Other series {number}")
        Gift.objects.create(work=work, pseud=others[0].default_pseud)
        Gift.objects.create(work=work, recipient_name=f"Friend {number}")
    assert _count_queries(client, url) == few
    # The page's works, their numbers, hits, tags, creators, series and gifts, and the index.
    assert few <= 12


def _work_with_everything(author, size: int):
    """A work with `size` of everything its page reads: co-creators, gifts, series (each with
    another work in it), parents here and elsewhere, approved children; and 1 + `size`
    chapters, so that it is a multi-chapter work either way."""
    others = [make_user(f"cowriter_{size}_{i}") for i in range(size)]
    work = make_work(
        author,
        title=f"Everything {size}",
        chapters=1 + size,
        relationships=["A/B", "C/D"],
        gifts=[f"Friend {i}" for i in range(size)],
    )
    for position, other in enumerate(others, start=1):
        Creatorship.objects.create(work=work, pseud=other.default_pseud, position=position)
    for i in range(size):
        part = add_work_to_series(author, work, new_title=f"Saga {size}.{i}")
        add_work_to_series(author, make_work(author, title=f"Sequel {i}"), series=part.series)
        parent = make_work(others[i], title=f"Origin {i}")
        add_parent(author, work, ParentData(reference=str(parent.pk)))
        child = make_work(others[i], title=f"Remix {i}")
        link = add_parent(others[i], child, ParentData(reference=str(work.pk)))
        answer_link(author, link.pk, approve=True)
    add_parent(
        author,
        work,
        ParentData(reference="https://elsewhere.example/works/1", title="Far Away", author="x"),
    )
    return work


# The work (its numbers joined), its hit shards, tags, creators and chapters; the related works
# both ways, then their bylines; the series places; the gifts; the collections that list it
# (`dd.collections`); the chapters' own bylines; then the kudos and the comment counts.
GUEST_WORK_PAGE_QUERIES = 13
# As a guest, plus the session and the user, their mutes, bookmark, Mark for Later and
# subscription, the reading history's visit, for the comment form the blocks and pseuds, and
# the header's unread count.
READER_WORK_PAGE_QUERIES = 23


@pytest.mark.parametrize("size", [1, 4])
@pytest.mark.parametrize("full", [False, True])
def test_work_page_query_count(author, reader, django_assert_num_queries, size, full):
    """A multi-chapter work with a series, gifts, co-creators, parents and children costs the
    same for one of each as for several, to a guest and to a logged-in reader."""
    work = _work_with_everything(author, size)
    url = f"/works/{work.pk}" + ("?view_full_work=true" if full else "")
    guest, member = Client(), Client()
    member.force_login(reader)
    for client, expected in ((guest, GUEST_WORK_PAGE_QUERIES), (member, READER_WORK_PAGE_QUERIES)):
        client.get(url)  # a first visit writes the reading history; later ones update it
        with django_assert_num_queries(expected):
            page = html(client.get(url))
        # Everything was there to be read.
        assert page.count('<a href="/series/') >= size
        assert page.count("Origin ") == size and "Far Away" in page
        assert page.count("Friend ") == size
        # The children are listed after the last chapter.
        assert page.count("Remix ") == (size if full else 0)


def test_drafts_listing_query_count(client, author, django_assert_max_num_queries):
    for _ in range(5):
        make_work(author, draft=True)
    client.force_login(author)
    # As before, plus the owner's mutes and unread notices for the user menu.
    with django_assert_max_num_queries(10):
        client.get(f"/users/{author.username}/works/drafts")


def test_home_page(client, author):
    make_work(author, title="Fresh Off The Press")
    page = html(client.get("/"))
    assert "Fresh Off The Press" in page
    assert "Sign up" in page
