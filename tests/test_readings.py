"""Reading history and Marked for Later: recorded on the work and chapter pages, private to the
reader, cleared on request, switched off in the preferences; the creator's statistics page."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from feedback.models import HitCount, Reading, WorkStats
from lifestream.testing import first_chapter, make_user, make_work
from people.models import Mute


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def work(author):
    return make_work(author, title="Advent", chapters=3)


def test_a_visit_is_recorded_with_its_chapter(work, reader):
    client = logged_in(reader)
    client.get(f"/works/{work.pk}")
    chapters = list(work.chapters.order_by("position"))
    client.get(f"/works/{work.pk}/chapters/{chapters[2].pk}")
    reading = Reading.objects.get(user=reader, work=work)
    assert reading.visit_count == 2
    assert reading.chapter_id == chapters[2].pk
    assert reading.first_visited_at is not None and reading.last_visited_at is not None
    assert reading.first_visited_at <= reading.last_visited_at
    assert not reading.marked_for_later


def test_guests_and_creators_leave_no_history(work, author):
    Client().get(f"/works/{work.pk}")
    logged_in(author).get(f"/works/{work.pk}")
    assert not Reading.objects.exists()


def test_the_adult_notice_is_not_a_visit(author, reader):
    adult = make_work(author, rating="Explicit")
    logged_in(reader).get(f"/works/{adult.pk}")
    assert not Reading.objects.exists()
    logged_in(reader).get(f"/works/{adult.pk}?view_adult=true")
    assert Reading.objects.filter(user=reader).count() == 1


def test_history_off_stops_recording_but_not_marking(work, reader):
    reader.history_enabled = False
    reader.save(update_fields=["history_enabled"])
    client = logged_in(reader)
    client.get(f"/works/{work.pk}")
    assert not Reading.objects.exists()
    client.post(f"/works/{work.pk}/mark_for_later")
    reading = Reading.objects.get(user=reader, work=work)
    assert reading.marked_for_later and reading.visit_count == 0
    page = page_of(client.get(f"/users/{reader.username}/readings"))
    assert "Your history is switched off" in page


def test_history_page_lists_visits(work, reader):
    client = logged_in(reader)
    client.get(f"/works/{work.pk}")
    client.get(f"/works/{work.pk}")
    page = page_of(client.get(f"/users/{reader.username}/readings"))
    assert f'<li id="reading_work_{work.pk}" class="reading work blurb group"' in page
    assert "<span>Last visited:</span>" in page
    assert "Visited 2 times" in page
    assert '<h4 class="viewed heading">' in page


def test_mark_for_later_and_as_read(work, reader):
    client = logged_in(reader)
    page = page_of(client.get(f"/works/{work.pk}"))
    assert f'<form method="post" action="/works/{work.pk}/mark_for_later"' in page
    response = client.post(f"/works/{work.pk}/mark_for_later")
    assert response.status_code == 302
    page = page_of(client.get(f"/works/{work.pk}"))
    assert f'action="/works/{work.pk}/mark_as_read"' in page
    to_read = page_of(client.get(f"/users/{reader.username}/readings?show=to-read"))
    assert f'id="reading_work_{work.pk}"' in to_read
    assert "(Marked for Later.)" in to_read
    client.post(f"/works/{work.pk}/mark_as_read")
    to_read = page_of(client.get(f"/users/{reader.username}/readings?show=to-read"))
    assert f'id="reading_work_{work.pk}"' not in to_read
    # The visit stays in the history.
    assert Reading.objects.get(user=reader, work=work).visit_count >= 1


def test_marking_with_htmx_swaps_the_action(work, reader):
    client = logged_in(reader)
    fragment = page_of(
        client.post(f"/works/{work.pk}/mark_for_later", headers={"HX-Request": "true"})
    )
    assert fragment.startswith('<li class="mark">')
    assert "Mark as Read" in fragment
    fragment = page_of(
        client.post(f"/works/{work.pk}/mark_as_read", headers={"HX-Request": "true"})
    )
    assert "Mark for Later" in fragment


def test_guests_get_no_mark_action_and_cannot_mark(work):
    page = page_of(Client().get(f"/works/{work.pk}"))
    assert 'class="mark"' not in page
    response = Client().post(f"/works/{work.pk}/mark_for_later")
    assert response.status_code == 302 and "/users/login" in response["Location"]
    assert not Reading.objects.exists()


def test_delete_one_entry(work, reader, author):
    other = make_work(author, title="Other")
    client = logged_in(reader)
    client.get(f"/works/{work.pk}")
    client.get(f"/works/{other.pk}")
    reading = Reading.objects.get(user=reader, work=work)
    response = client.post(f"/users/{reader.username}/readings/{reading.pk}/delete")
    assert response.status_code == 302
    assert list(Reading.objects.filter(user=reader).values_list("work_id", flat=True)) == [other.pk]


def test_nobody_deletes_anothers_entry(work, reader, stranger):
    logged_in(reader).get(f"/works/{work.pk}")
    reading = Reading.objects.get(user=reader)
    client = logged_in(stranger)
    assert client.post(f"/users/{reader.username}/readings/{reading.pk}/delete").status_code == 404
    assert (
        client.post(f"/users/{stranger.username}/readings/{reading.pk}/delete").status_code == 404
    )
    assert Reading.objects.filter(pk=reading.pk).exists()


def test_clear_history_needs_confirming_and_keeps_marks(work, reader, author):
    kept = make_work(author, title="Kept")
    client = logged_in(reader)
    client.get(f"/works/{work.pk}")
    client.get(f"/works/{kept.pk}")
    client.post(f"/works/{kept.pk}/mark_for_later")
    client.post(f"/users/{reader.username}/readings/clear")
    assert Reading.objects.filter(user=reader).count() == 2
    client.post(f"/users/{reader.username}/readings/clear", {"confirm": "yes"})
    rows = list(Reading.objects.filter(user=reader))
    assert [(r.work_id, r.marked_for_later, r.visit_count) for r in rows] == [(kept.pk, True, 0)]
    assert "Your history is empty." in page_of(client.get(f"/users/{reader.username}/readings"))


def test_works_the_reader_can_no_longer_list_drop_out(reader, author):
    gone = make_work(author, title="Gone")
    muted = make_work(make_user("muted_writer"), title="Muted")
    kept = make_work(author, title="Kept")
    client = logged_in(reader)
    for w in (gone, muted, kept):
        client.get(f"/works/{w.pk}")
    gone.delete()
    Mute.objects.create(muter=reader, muted=muted.creator_pseuds[0].user)
    page = page_of(client.get(f"/users/{reader.username}/readings"))
    assert ">Kept</a>" in page
    assert ">Gone</a>" not in page and ">Muted</a>" not in page
    assert "1 Work" in page


def _reading_count(reader, n: int, author) -> None:
    for i in range(n):
        w = make_work(author, title=f"Read {i}")
        Reading.objects.create(user=reader, work=w, visit_count=1, last_visited_at=w.created_at)


@pytest.mark.parametrize("rows", [3, 8])
def test_history_query_count_does_not_grow(reader, author, django_assert_num_queries, rows):
    _reading_count(reader, rows, author)
    client = logged_in(reader)
    # session, user, mutes, count, page of readings, its works (stats joined), their tags,
    # creators, hit shards, series and gifts, and the unread count of the owner's user menu
    with django_assert_num_queries(12):
        page = page_of(client.get(f"/users/{reader.username}/readings"))
    assert page.count('class="reading work blurb group"') == rows


def test_history_is_paginated(reader, author, settings):
    settings.WORKS_PER_PAGE = 2
    _reading_count(reader, 5, author)
    client = logged_in(reader)
    page = page_of(client.get(f"/users/{reader.username}/readings?page=3"))
    assert page.count('class="reading work blurb group"') == 1
    assert "5 - 5 of 5 Works" in page


def test_history_pages_are_their_owners_alone(reader, stranger, admin_user):
    url = f"/users/{reader.username}/readings"
    assert Client().get(url)["Location"] == f"/users/login?next={url}"
    assert logged_in(stranger).get(url).status_code == 404
    assert logged_in(admin_user).get(url).status_code == 404
    assert logged_in(admin_user).get(url + "?show=to-read").status_code == 404
    assert logged_in(reader).get(url).status_code == 200


def test_nav_links_for_the_owner_only(reader, stranger):
    own = page_of(logged_in(reader).get(f"/users/{reader.username}"))
    assert f'<a href="/users/{reader.username}/readings">History</a>' in own
    assert f'<a href="/users/{reader.username}/readings?show=to-read">Marked for Later</a>' in own
    assert f'<a href="/users/{reader.username}/stats">Stats</a>' in own
    other = page_of(logged_in(stranger).get(f"/users/{reader.username}"))
    # The stranger's header links their own history and stats, never the reader's.
    assert f"/users/{reader.username}/readings" not in other
    assert f"/users/{reader.username}/stats" not in other


# --- the creator's statistics ------------------------------------------------------------------


def test_stats_page_lists_each_work_and_totals(author, stranger, admin_user):
    first = make_work(author, title="First", body="<p>one two three</p>")
    second = make_work(author, title="Second", body="<p>one two</p>")
    make_work(author, title="Unposted Thing", draft=True)
    WorkStats.objects.create(
        work=first, kudos_count=2, comments_count=3, bookmarks_count=1, subscriptions_count=4
    )
    WorkStats.objects.create(work=second, kudos_count=5)
    HitCount.objects.create(work=first, shard=0, count=1000)
    HitCount.objects.create(work=first, shard=1, count=234)
    HitCount.objects.create(work=second, shard=0, count=7)
    page = page_of(logged_in(author).get(f"/users/{author.username}/stats"))
    assert '<dd class="hits">1,241</dd>' in page
    assert '<dd class="kudos">7</dd>' in page
    assert '<dd class="words">5</dd>' in page
    assert '<dd class="subscriptions">4</dd>' in page
    row = page[page.index(f'id="stats_work_{first.pk}"') :]
    assert '<td class="hits">1,234</td>' in row[: row.index("</tr>")]
    assert "Unposted Thing" not in page
    url = f"/users/{author.username}/stats"
    assert Client().get(url)["Location"] == f"/users/login?next={url}"
    for client in (logged_in(stranger), logged_in(admin_user)):
        assert client.get(url).status_code == 404


def _stat_titles(response) -> list[str]:
    return re.findall(r'<th scope="row" class="title"><a [^>]+>([^<]+)</a>', page_of(response))


def test_stats_sort_by_each_column(author):
    a = make_work(author, title="Apple", body="<p>" + "w " * 30 + "</p>")
    b = make_work(author, title="Banana", body="<p>w</p>")
    WorkStats.objects.create(work=a, kudos_count=1, comments_count=9)
    WorkStats.objects.create(work=b, kudos_count=8, bookmarks_count=2)
    HitCount.objects.create(work=a, shard=0, count=50)
    client = logged_in(author)
    url = f"/users/{author.username}/stats"
    assert _stat_titles(client.get(url)) == ["Apple", "Banana"]  # hits, most first
    assert _stat_titles(client.get(url + "?sort_column=kudos")) == ["Banana", "Apple"]
    assert _stat_titles(client.get(url + "?sort_column=comments")) == ["Apple", "Banana"]
    assert _stat_titles(client.get(url + "?sort_column=bookmarks")) == ["Banana", "Apple"]
    assert _stat_titles(client.get(url + "?sort_column=words")) == ["Apple", "Banana"]
    assert _stat_titles(client.get(url + "?sort_column=title")) == ["Apple", "Banana"]
    desc = "?sort_column=title&sort_direction=desc"
    assert _stat_titles(client.get(url + desc)) == ["Banana", "Apple"]
    asc = "?sort_column=kudos&sort_direction=asc"
    assert _stat_titles(client.get(url + asc)) == ["Apple", "Banana"]
    assert _stat_titles(client.get(url + "?sort_column=bogus")) == ["Apple", "Banana"]


def test_chapter_pages_record_their_chapter(work, reader):
    chapter = first_chapter(work)
    logged_in(reader).get(f"/works/{work.pk}/chapters/{chapter.pk}")
    assert Reading.objects.get(user=reader).chapter_id == chapter.pk


@pytest.mark.parametrize("works", [2, 5])
def test_stats_page_query_count_does_not_grow(author, django_assert_num_queries, works):
    for n in range(works):
        w = make_work(author, title=f"Counted {n}")
        WorkStats.objects.create(work=w, kudos_count=n)
    client = logged_in(author)
    # session, user, every work with its numbers in one query, and the unread count that this
    # page's menu and the header share (with the mutes it leaves out as a subquery of it)
    with django_assert_num_queries(4):
        page = page_of(client.get(f"/users/{author.username}/stats"))
    assert page.count('<tr id="stats_work_') == works
