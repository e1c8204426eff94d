"""The header on every page (AO3's primary navigation, the search box, the user menu with the
inbox's unread count) and the small ways around a page: skip links and the "Filters" link."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from feedback.models import Notification, NotificationKind
from lifestream.testing import make_user, make_work
from people.services import mute_user
from tags.models import MEDIA_CATEGORIES, tag_to_param

pytestmark = pytest.mark.usefixtures("db")


def _header(body: str) -> str:
    return body[body.index('<header id="header"') : body.index("</header>")]


def _menu(header: str, css_class: str) -> str:
    start = header.index(f'<li class="dropdown {css_class}">')
    return header[start : header.index("</details>", start)]


def _links(html: str) -> dict[str, str]:
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href
        for href, text in re.findall(r'<a href="([^"]+)">(.*?)</a>', html, re.S)
    }


def _kudos_notice(user, work, actor, read=False) -> Notification:
    from django.utils import timezone

    return Notification.objects.create(
        user=user,
        kind=NotificationKind.KUDOS,
        work=work,
        actor=actor,
        read_at=timezone.now() if read else None,
    )


@pytest.mark.parametrize("viewer", ["guest", "user"])
def test_the_header_menus(viewer):
    client = Client()
    if viewer == "user":
        client.force_login(make_user("menu_reader"))
    header = _header(client.get("/works").content.decode())
    assert '<ul class="primary navigation actions">' in header
    fandoms = _menu(header, "fandoms")
    assert "<summary>Fandoms</summary>" in fandoms
    expected = {"All Fandoms": "/media"} | {
        name.replace("&", "&amp;"): "/media/" + tag_to_param(name).replace(" ", "%20") + "/fandoms"
        for name in MEDIA_CATEGORIES
    }
    assert _links(fandoms) == expected
    assert _links(_menu(header, "browse")) == {
        "Works": "/works",
        "Bookmarks": "/bookmarks",
        "Tags": "/tags",
        "Collections": "/collections",
    }
    assert _links(_menu(header, "search")) == {
        "Works": "/works/search",
        "Bookmarks": "/bookmarks/search",
        "Tags": "/tags/search",
        "People": "/people/search",
    }
    # Disclosures, not an ARIA menu half-implemented.
    assert 'role="menu' not in header
    assert header.count('<details name="header-menu">') == 3
    # Every link the menus offer is there.
    searches = ["/works/search", "/bookmarks/search", "/tags/search", "/people/search"]
    for href in [*expected.values(), "/works", "/bookmarks", "/tags", *searches]:
        assert client.get(href).status_code == 200, href
    assert ("Post New" in header) is (viewer == "user")


def test_the_header_search_box_searches_works():
    header = _header(Client().get("/").content.decode())
    form = re.search(r'<form id="search"[^>]*>.*?</form>', header, re.S)
    assert form
    html = form.group(0)
    assert 'action="/works/search"' in html and 'method="get"' in html
    assert 'role="search"' in html
    assert '<label for="site_search" class="landmark">Search works</label>' in html
    assert 'id="site_search" name="work_search[query]"' in html
    author = make_user("search_author")
    make_work(author, title="Lighthouse Keeper")
    from search.text import index_works
    from works.models import Work

    index_works(list(Work.objects.values_list("pk", flat=True)))
    results = Client().get("/works/search", {"work_search[query]": "Lighthouse"})
    assert "1 Found" in results.content.decode()
    assert "Lighthouse Keeper" in results.content.decode()


def test_the_user_menu_links_every_page_of_ones_own():
    user = make_user("menu_owner")
    client = Client()
    client.force_login(user)
    header = _header(client.get("/").content.decode())
    menu = header[header.index('<details class="user-menu dropdown"') :]
    links = _links(menu)
    login = user.username
    assert links == {
        "My Dashboard": f"/users/{login}",
        "My Inbox": f"/users/{login}/inbox",
        "My Works": f"/users/{login}/works",
        "My Drafts": f"/users/{login}/works/drafts",
        "My Series": f"/users/{login}/series",
        "My Bookmarks": f"/users/{login}/bookmarks",
        "My History": f"/users/{login}/readings",
        "My Subscriptions": f"/users/{login}/subscriptions",
        "My Gifts": f"/users/{login}/gifts",
        "My Statistics": f"/users/{login}/stats",
        "My Pseuds": f"/users/{login}/pseuds",
        "My Preferences": f"/users/{login}/preferences",
        "API Tokens": f"/users/{login}/api_tokens",
        "Change Password": links["Change Password"],
        "Log Out": "/users/logout",
    }
    for name, href in links.items():
        if name != "Log Out":
            assert client.get(href).status_code == 200, name


def test_the_unread_count_is_right_and_hidden_at_zero():
    author = make_user("inbox_author")
    fan = make_user("inbox_fan")
    muted = make_user("inbox_muted")
    work = make_work(author, title="Kudos Magnet")
    client = Client()
    client.force_login(author)
    header = _header(client.get("/works").content.decode())
    assert "unread" not in header
    assert ">My Inbox</a>" in header
    _kudos_notice(author, work, fan)
    _kudos_notice(author, work, fan)
    _kudos_notice(author, work, fan, read=True)
    _kudos_notice(author, work, muted)
    header = _header(client.get("/works").content.decode())
    assert 'My Inbox <span class="count unread">(3 unread)</span>' in header
    assert '<span class="count unread" title="3 unread in your inbox">3' in header
    # A muted user's notice is not counted, as the inbox doesn't show it.
    mute_user(author, muted)
    header = _header(client.get("/works").content.decode())
    assert "(2 unread)" in header
    # Only one's own notices: another user sees none.
    other = Client()
    other.force_login(fan)
    assert "unread" not in _header(other.get("/works").content.decode())
    # The inbox page and the header agree, from one count.
    inbox = client.get(f"/users/{author.username}/inbox").content.decode()
    assert "(2 unread)" in _header(inbox)


def _queries(client: Client, url: str) -> list[str]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_unread_count_costs_one_query_and_a_guest_none():
    author = make_user("counted_author")
    make_work(author, title="Counted")
    client = Client()
    client.force_login(author)
    # The new-work form reads no mutes of its own: the count takes its mutes in a subquery.
    logged_in = _queries(client, "/works/new")
    notices = [sql for sql in logged_in if "feedback_notification" in sql]
    assert len(notices) == 1
    assert not [sql for sql in logged_in if sql.startswith('SELECT "people_mute"')]
    guest = _queries(Client(), "/works")
    assert not [sql for sql in guest if "feedback_notification" in sql]
    # A page that shows the count itself reads it once for both.
    inbox = _queries(client, f"/users/{author.username}/inbox")
    unread = [sql for sql in inbox if "COUNT(" in sql and '"read_at" IS NULL' in sql]
    assert len(unread) == 1


def test_skip_links():
    author = make_user("skip_author")
    work = make_work(author, title="Skippable")
    body = Client().get(f"/works/{work.pk}").content.decode()
    assert '<a class="skip" href="#main">Skip to content</a>' in body
    assert '<a class="skip" href="#chapters">Skip to the story</a>' in body
    assert 'id="chapters"' in body
    chapter = work.chapters.get()
    body = Client().get(f"/works/{work.pk}/chapters/{chapter.pk}").content.decode()
    assert 'href="#chapters">Skip to the story</a>' in body
    for url, form in (
        ("/works", "work-filters"),
        (f"/users/{author.username}/works", "work-filters"),
        ("/bookmarks", "bookmark-filters"),
        ("/tags/Final Fantasy VII/works", "work-filters"),
    ):
        body = Client().get(url).content.decode()
        assert f'<a class="skip" href="#{form}">Skip to filters</a>' in body, url
        assert f'<a href="#{form}" id="go_to_filters">Filters</a>' in body, url
        assert f'id="{form}"' in body, url
        # The "Filters" link comes before the results.
        assert body.index('id="go_to_filters"') < body.index("</h2>") + 400, url
    assert "Skip to filters" not in Client().get("/media").content.decode()


def test_the_html_download_fits_a_phone():
    author = make_user("download_author")
    work = make_work(author, title="Pocket")
    response = Client().get(f"/downloads/{work.pk}/Pocket.html")
    assert response.status_code == 200
    body = b"".join(cast(Any, response).streaming_content).decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in body
