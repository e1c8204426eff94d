"""Kudos: one per reader per work, kindly refused twice, never on one's own work or from a
blocked user; the givers' list; the htmx button and its no-JS fallback; the numbers in dl.stats."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from feedback.models import Kudos, Notification, NotificationKind, WorkStats
from feedback.queries import kudos as kudos_queries
from lifestream.testing import make_user, make_work
from people.models import Block

ALREADY = "You have already left kudos here. :)"


def page_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def guest(address: str = "192.0.2.1") -> Client:
    return Client(REMOTE_ADDR=address)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def kudos_count(work) -> int:
    stats = WorkStats.objects.filter(work=work).first()
    return stats.kudos_count if stats else 0


@pytest.fixture
def work(author):
    return make_work(author, title="Lifestream")


def test_every_page_loads_htmx_with_the_csrf_token(client, author):
    page = page_of(client.get("/"))
    assert re.search(r'<script src="[^"]*htmx-2\.0\.11\.min\.js" defer>', page)
    assert re.search(r"<body hx-headers='\{\"X-CSRFToken\": \"\w+\"\}'>", page)


def test_guest_leaves_kudos_and_the_work_page_says_so(work):
    client = guest()
    response = client.post(f"/works/{work.pk}/kudos")
    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}#kudos"
    page = page_of(client.get(response["Location"]))
    assert "Thank you for leaving kudos!" in page
    assert '<p class="kudos">1 guest left kudos on this work!</p>' in page
    assert kudos_count(work) == 1


def test_a_second_kudos_is_refused_kindly(work, reader):
    client = logged_in(reader)
    client.post(f"/works/{work.pk}/kudos")
    page = page_of(client.post(f"/works/{work.pk}/kudos", follow=True))
    assert ALREADY in page
    assert Kudos.objects.filter(work=work).count() == 1
    assert kudos_count(work) == 1


def test_guests_are_told_apart_by_address(work):
    guest("192.0.2.1").post(f"/works/{work.pk}/kudos")
    guest("192.0.2.1").post(f"/works/{work.pk}/kudos")
    guest("198.51.100.7").post(f"/works/{work.pk}/kudos")
    assert Kudos.objects.filter(work=work, user__isnull=True).count() == 2
    assert kudos_count(work) == 2


def test_the_list_names_users_and_counts_guests(work, reader, stranger):
    logged_in(reader).post(f"/works/{work.pk}/kudos")
    logged_in(stranger).post(f"/works/{work.pk}/kudos")
    guest().post(f"/works/{work.pk}/kudos")
    page = page_of(Client().get(f"/works/{work.pk}"))
    assert (
        '<p class="kudos"><a href="/users/a_stranger">a_stranger</a>, '
        '<a href="/users/tifa_reader">tifa_reader</a> and 1 guest left kudos on this work!</p>'
    ) in page


def test_long_lists_link_to_every_giver(work, monkeypatch):
    monkeypatch.setattr(kudos_queries, "NAMES_SHOWN", 2)
    monkeypatch.setattr(kudos_queries.kudos_summary, "__defaults__", (None, "", 2))
    names = [f"fan_{n}" for n in range(4)]
    for name in names:
        logged_in(make_user(name)).post(f"/works/{work.pk}/kudos")
    guest().post(f"/works/{work.pk}/kudos")
    page = page_of(Client().get(f"/works/{work.pk}"))
    assert (
        f'<a href="/users/fan_3">fan_3</a>, <a href="/users/fan_2">fan_2</a> and '
        f'<a href="/works/{work.pk}/kudos">2 more users</a> as well as 1 guest left kudos'
    ) in page
    everyone = page_of(Client().get(f"/works/{work.pk}/kudos"))
    for name in names:
        assert f'<a href="/users/{name}">{name}</a>' in everyone
    assert "1 guest left kudos on this work." in everyone


def test_creators_cannot_kudos_their_own_work(work, author):
    client = logged_in(author)
    assert 'id="kudo_submit"' not in page_of(client.get(f"/works/{work.pk}"))
    page = page_of(client.post(f"/works/{work.pk}/kudos", follow=True))
    assert "You can&#x27;t leave kudos on your own work." in page
    assert not Kudos.objects.exists()


def test_blocked_users_cannot_leave_kudos(work, author, reader):
    Block.objects.create(blocker=author, blocked=reader)
    page = page_of(logged_in(reader).post(f"/works/{work.pk}/kudos", follow=True))
    assert "you have been blocked" in page
    assert not Kudos.objects.exists()


def test_drafts_take_no_kudos(author, reader):
    draft = make_work(author, draft=True)
    assert logged_in(reader).post(f"/works/{draft.pk}/kudos").status_code == 404
    assert guest().post(f"/works/{draft.pk}/kudos").status_code == 404
    assert not Kudos.objects.exists()


def test_creators_hear_of_kudos(work, author, reader):
    logged_in(reader).post(f"/works/{work.pk}/kudos")
    notice = Notification.objects.get(user=author)
    assert notice.kind == NotificationKind.KUDOS
    assert notice.work_id == work.pk
    assert notice.actor_id == reader.pk


def test_htmx_gets_the_fragment(work, reader):
    client = logged_in(reader)
    response = client.post(f"/works/{work.pk}/kudos", headers={"HX-Request": "true"})
    fragment = page_of(response)
    assert fragment.lstrip().startswith('<div id="kudos">')
    assert "<html" not in fragment
    assert "Thank you for leaving kudos!" in fragment
    assert '<a href="/users/tifa_reader">tifa_reader</a> left kudos on this work!' in fragment
    again = page_of(client.post(f"/works/{work.pk}/kudos", headers={"HX-Request": "true"}))
    assert ALREADY in again


def test_the_button_posts_with_htmx_and_without(work):
    page = page_of(Client().get(f"/works/{work.pk}"))
    assert f'method="post" action="/works/{work.pk}/kudos"' in page
    assert f'hx-post="/works/{work.pk}/kudos" hx-target="#kudos" hx-swap="outerHTML"' in page


def test_ao3_kudos_form(work):
    client = guest()
    response = client.post(
        "/kudos", {"kudo[commentable_id]": str(work.pk), "kudo[commentable_type]": "Work"}
    )
    assert response.status_code == 302
    assert kudos_count(work) == 1
    assert client.post("/kudos", {"kudo[commentable_id]": "x"}).status_code == 404
    wrong_kind = {"kudo[commentable_id]": str(work.pk), "kudo[commentable_type]": "Series"}
    assert client.post("/kudos", wrong_kind).status_code == 404


def test_guests_are_rate_limited(author, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "kudos_guest": "2/600"}
    works = [make_work(author, title=f"W{n}") for n in range(3)]
    client = guest()
    for w in works[:2]:
        client.post(f"/works/{w.pk}/kudos")
    page = page_of(client.post(f"/works/{works[2].pk}/kudos", follow=True))
    assert "You&#x27;ve sent a lot of kudos in a short time" in page
    assert Kudos.objects.count() == 2


def test_restricted_works_send_guests_to_log_in(author):
    hidden = make_work(author, restricted=True)
    response = guest().post(f"/works/{hidden.pk}/kudos")
    assert response.status_code == 302
    assert response["Location"].startswith("/users/login")
    assert not Kudos.objects.exists()


# --- the numbers in dl.stats -------------------------------------------------------------------


def blurb(page: str, work) -> str:
    start = page.index(f'id="work_{work.pk}"')
    return page[start : page.index("<!-- updated_at", start)]


def test_blurbs_show_counts_above_zero_and_always_the_hits(author, reader):
    quiet = make_work(author, title="Quiet")
    loved = make_work(author, title="Loved")
    logged_in(reader).post(f"/works/{loved.pk}/kudos")
    page = page_of(Client().get("/works"))
    loved_blurb, quiet_blurb = blurb(page, loved), blurb(page, quiet)
    kudos = f'<dt class="kudos">Kudos:</dt><dd class="kudos"><a href="/works/{loved.pk}/kudos">1'
    assert kudos in loved_blurb
    assert 'class="kudos"' not in quiet_blurb
    # As on AO3: clients read every blurb's hits as a number.
    assert '<dt class="hits">Hits:</dt><dd class="hits">0</dd>' in quiet_blurb


def test_the_work_page_always_shows_hits(work):
    page = page_of(Client().get(f"/works/{work.pk}"))
    assert '<dt class="hits">Hits:</dt><dd class="hits">0</dd>' in page


def test_numbers_use_thousands_separators(work):
    WorkStats.objects.create(work=work, kudos_count=1234, comments_count=5678, bookmarks_count=1000)
    page = page_of(Client().get(f"/works/{work.pk}"))
    assert f'<dd class="kudos"><a href="/works/{work.pk}/kudos">1,234</a></dd>' in page
    assert (
        f'<dd class="comments"><a href="/works/{work.pk}?show_comments=true#comments">5,678</a>'
        in page
    )
    assert f'<dd class="bookmarks"><a href="/works/{work.pk}/bookmarks">1,000</a></dd>' in page


@pytest.mark.parametrize("works", [3, 6])
def test_listing_numbers_do_not_query_per_work(author, reader, django_assert_num_queries, works):
    for n in range(works):
        w = make_work(author, title=f"Work {n}")
        logged_in(reader).post(f"/works/{w.pk}/kudos")
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").post(f"/works/{w.pk}/hit_count")
    client = Client()
    client.get("/works")  # the filter index catches up with the change log first
    # session-less guest: the change log, the facets' tags, the page of works (stats joined),
    # their tags, their creators, their hit shards, their series and their gifts
    with django_assert_num_queries(8):
        page = page_of(client.get("/works"))
    assert page.count('<dd class="kudos">') == works
    assert page.count('<dd class="hits">1</dd>') == works


@pytest.mark.parametrize("givers", [2, 5])
def test_the_givers_page_query_count_does_not_grow(work, django_assert_num_queries, givers):
    for n in range(givers):
        logged_in(make_user(f"giver_{n}")).post(f"/works/{work.pk}/kudos")
    # the work (stats joined), its tags, creators and hit shards, the givers' count and page,
    # the kudos counts
    with django_assert_num_queries(7):
        page = page_of(Client().get(f"/works/{work.pk}/kudos"))
    assert page.count('<a href="/users/giver_') == givers


def test_the_numbers_never_query_and_a_bare_work_is_a_mistake_in_the_view(work):
    from access.getters import with_blurb_data
    from feedback.queries.stats import numbers_of
    from works.models import Work

    loaded = with_blurb_data(Work.objects.filter(pk=work.pk)).get()
    with CaptureQueriesContext(connection) as queries:
        assert numbers_of(loaded).hits == 0
    assert len(queries) == 0
    with pytest.raises(ValueError, match="with_blurb_data"):
        numbers_of(Work.objects.get(pk=work.pk))
