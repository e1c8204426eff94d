"""Series bookmarks: bookmarking a series from its page, the bookmark's pages and blurb, the
series' bookmarks listing and its count, series bookmarks among the other listings, the API,
and what is refused (both targets or neither, a series you can't see, a second bookmark)."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from markup import Element, parse

from feedback.models import Bookmark, WorkStats
from feedback.services.bookmarks import (
    AlreadyBookmarked,
    BookmarkData,
    create_bookmark,
    create_series_bookmark,
    delete_bookmark,
    update_bookmark,
)
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_user, make_work
from people.services import create_api_token
from works import series as series_services


def html(response) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.content)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user=None) -> Client:
    client = Client()
    if user is not None:
        _, key = create_api_token(user, "tests")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def send(client: Client, method: str, path: str, body=None):
    return getattr(client, method)(
        "/api/v1" + path, data=json.dumps(body or {}), content_type="application/json"
    )


def api_errors(response) -> set[tuple[str | None, str]]:
    assert response.status_code == 422, response.content
    return {(error["field"], error["code"]) for error in response.json()["errors"]}


def make_series(author, title: str, *works):
    series = series_services.add_work_to_series(author, works[0], new_title=title).series
    for work in works[1:]:
        series_services.add_work_to_series(author, work, series=series)
    return series


@pytest.fixture
def saga(author):
    first = make_work(author, title="Saga One", body="<p>" + "word " * 3 + "</p>")
    second = make_work(author, title="Saga Two", body="<p>" + "word " * 4 + "</p>")
    return make_series(author, "The Saga", first, second)


def series_bookmark(user, series, **fields) -> Bookmark:
    return create_series_bookmark(user, series, BookmarkData(**fields))


# --- the model and the services ---------------------------------------------------------------


def test_a_bookmark_has_exactly_one_target(reader, saga):
    work = saga.works.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(user=reader, pseud=reader.default_pseud, work=work, series=saga)
    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(user=reader, pseud=reader.default_pseud)


def test_one_bookmark_per_series_and_per_work_side_by_side(reader, saga):
    made = series_bookmark(reader, saga, notes="all of it", tags=["long haul"])
    assert (made.work_id, made.series_id) == (None, saga.pk)
    # A work of the series is bookmarked on its own, and a second work bookmark still clashes.
    work = saga.works.first()
    create_bookmark(reader, work, BookmarkData())
    with pytest.raises(AlreadyBookmarked) as refused:
        series_bookmark(reader, saga)
    assert {(e.field, e.code) for e in refused.value.errors} == {("series", "already_bookmarked")}
    with pytest.raises(AlreadyBookmarked):
        create_bookmark(reader, work, BookmarkData())
    with pytest.raises(IntegrityError), transaction.atomic():
        Bookmark.objects.create(user=reader, pseud=reader.default_pseud, series=saga)


def test_series_bookmarks_leave_the_works_counts_alone(reader, saga):
    made = series_bookmark(reader, saga)
    update_bookmark(made, BookmarkData(pseud=reader.default_pseud, private=True))
    update_bookmark(made, BookmarkData(pseud=reader.default_pseud, private=False))
    delete_bookmark(made)
    assert not WorkStats.objects.filter(bookmarks_count__gt=0).exists()


def test_a_series_of_drafts_cannot_be_bookmarked_even_by_its_creator(author, reader):
    drafts = make_series(author, "Drafts", make_work(author, title="Unready", draft=True))
    for user in (author, reader):
        with pytest.raises(InvalidInput) as refused:
            series_bookmark(user, drafts)
        assert [(e.field, e.code) for e in refused.value.errors] == [("series", "not_bookmarkable")]


def test_deleting_the_series_deletes_its_bookmarks(author, reader, saga):
    series_bookmark(reader, saga)
    series_services.delete_series(author, saga)
    assert not Bookmark.objects.exists()


# --- pages ------------------------------------------------------------------------------------


def test_series_page_button_count_and_link(reader, stranger, saga):
    client = logged_in(reader)
    page = html(client.get(f"/series/{saga.pk}"))
    action = page.select_one("ul.navigation.actions li.bookmark a")
    assert (action.text, action["href"]) == ("Bookmark Series", f"/series/{saga.pk}/bookmarks/new")
    count = page.select_one("dl.stats dd.bookmarks a")
    assert (count.text, count["href"]) == ("0", f"/series/{saga.pk}/bookmarks")

    mine = series_bookmark(reader, saga)
    series_bookmark(stranger, saga, private=True)
    page = html(client.get(f"/series/{saga.pk}"))
    action = page.select_one("ul.navigation.actions li.bookmark a")
    assert (action.text, action["href"]) == ("Edit Bookmark", f"/bookmarks/{mine.pk}/edit")
    assert page.select_one("dl.stats dd.bookmarks a").text == "1"  # the private one is not
    # counted for others; its owner counts it.
    assert (
        html(logged_in(stranger).get(f"/series/{saga.pk}"))
        .select_one("dl.stats dd.bookmarks a")
        .text
        == "2"
    )
    guest = html(Client().get(f"/series/{saga.pk}"))
    assert guest.select_one("dl.stats dd.bookmarks a").text == "1"


def test_bookmark_series_form_creates_and_shows_the_series_blurb(author, reader, saga):
    client = logged_in(reader)
    form = html(client.get(f"/series/{saga.pk}/bookmarks/new")).select_one("form#bookmark-form")
    named = {field.get("name") for field in form.descendants()}
    assert named >= {"pseud", "notes", "tags", "private", "rec"}
    response = client.post(
        f"/series/{saga.pk}/bookmarks/new",
        {
            "pseud": reader.default_pseud.pk,
            "notes": "<b>Whole</b> saga",
            "tags": "epic",
            "rec": "on",
        },
    )
    made = Bookmark.objects.get()
    assert made.series_id == saga.pk and made.work_id is None
    assert response["Location"] == f"/bookmarks/{made.pk}"
    page = html(client.get(response["Location"]))
    assert page.select_one("h2.heading a")["href"] == f"/series/{saga.pk}"
    blurb = page.select_one(f"li#bookmark_{made.pk}.bookmark.blurb.group")
    heading = blurb.select_one("div.header.module h4.heading")
    assert " ".join(heading.text.split()) == f"The Saga by {author.username}"
    assert heading.select_one("a")["href"] == f"/series/{saga.pk}"
    assert blurb.select_one("dl.stats dd.words").text == "7"
    assert blurb.select_one("dl.stats dd.works").text == "2"
    user = blurb.select_one("div.user.module.group")
    assert [a.text for a in user.select("ul.meta.tags.commas a.tag")] == ["epic"]
    assert user.select_one("blockquote.userstuff.notes b").text == "Whole"
    assert user.select_one("p.status").text.split() == ["Rec", "Public"]
    assert page.select_one("p.navigation.actions a")["href"] == f"/series/{saga.pk}/bookmarks"


def test_the_ao3_way_posts_to_the_series_bookmarks(reader, saga):
    response = logged_in(reader).post(
        f"/series/{saga.pk}/bookmarks",
        {"bookmark[bookmarker_notes]": "scripted", "bookmark[private]": "0"},
    )
    assert response.status_code == 302
    assert Bookmark.objects.get().notes == "scripted"


def test_second_series_bookmark_points_to_editing(reader, saga):
    made = series_bookmark(reader, saga)
    client = logged_in(reader)
    response = client.get(f"/series/{saga.pk}/bookmarks/new")
    assert response["Location"] == f"/bookmarks/{made.pk}/edit"
    page = html(client.get(response["Location"]))
    assert "already bookmarked this series" in page.select_one(".flash").text
    response = client.post(f"/series/{saga.pk}/bookmarks/new", {"pseud": reader.default_pseud.pk})
    assert response["Location"] == f"/bookmarks/{made.pk}/edit"
    assert Bookmark.objects.count() == 1


def test_edit_and_delete_a_series_bookmark(reader, stranger, saga):
    made = series_bookmark(reader, saga, notes="before", tags=["old"])
    client = logged_in(reader)
    page = html(client.get(f"/bookmarks/{made.pk}/edit"))
    assert page.select_one("h2.heading a")["href"] == f"/series/{saga.pk}"
    assert page.select_one("textarea[name=notes]").text.strip() == "before"
    response = client.post(
        f"/bookmarks/{made.pk}/edit",
        {"pseud": reader.default_pseud.pk, "notes": "after", "tags": "new", "private": "on"},
    )
    assert response["Location"] == f"/bookmarks/{made.pk}"
    made.refresh_from_db()
    assert (made.notes, made.private) == ("after", True)
    assert [tag.name for tag in made.tags.all()] == ["new"]
    assert logged_in(stranger).get(f"/bookmarks/{made.pk}/edit").status_code == 404
    confirm = html(client.get(f"/bookmarks/{made.pk}/confirm_delete"))
    assert "The Saga" in confirm.select_one("h2.heading").text
    response = client.post(f"/bookmarks/{made.pk}/confirm_delete")
    assert response["Location"] == f"/users/{reader.username}/bookmarks"
    assert not Bookmark.objects.exists()


def test_others_cannot_change_it(reader, stranger, saga):
    made = series_bookmark(reader, saga)
    client = logged_in(stranger)
    assert client.get(f"/bookmarks/{made.pk}/edit").status_code == 403
    assert client.get(f"/bookmarks/{made.pk}/confirm_delete").status_code == 403


def test_series_bookmarks_page(reader, stranger, saga):
    public = series_bookmark(reader, saga, notes="for all")
    private = series_bookmark(stranger, saga, private=True)
    page = html(Client().get(f"/series/{saga.pk}/bookmarks"))
    heading = page.select_one("h2.heading")
    assert " ".join(heading.text.split()) == "1 Bookmark of The Saga"
    ids = [li["id"] for li in page.select("ol.bookmark.index li.bookmark.blurb")]
    assert ids == [f"bookmark_{public.pk}"]
    own = html(logged_in(stranger).get(f"/series/{saga.pk}/bookmarks"))
    assert len(own.select(f"li#bookmark_{private.pk}")) == 1


def test_bookmark_of_a_series_you_cannot_see_is_404(author, reader):
    drafts = make_series(author, "Hidden", make_work(author, title="Hidden draft", draft=True))
    client = logged_in(reader)
    assert client.get(f"/series/{drafts.pk}/bookmarks/new").status_code == 404
    assert client.post(f"/series/{drafts.pk}/bookmarks", {}).status_code == 404
    assert client.get(f"/series/{drafts.pk}/bookmarks").status_code == 404
    # Its creator sees the series, but a series of drafts has nothing to bookmark.
    assert logged_in(author).get(f"/series/{drafts.pk}/bookmarks/new").status_code == 404
    assert "Bookmark Series" not in logged_in(author).get(f"/series/{drafts.pk}").content.decode()
    assert not Bookmark.objects.exists()
    guest = Client().get(f"/series/{drafts.pk}/bookmarks/new")
    assert guest["Location"].startswith("/users/login?next=")


def test_anonymous_series_blurb_says_anonymous(author, reader):
    work = make_work(author, title="Nameless", anonymous=True)
    nameless = make_series(author, "Nameless Saga", work)
    made = series_bookmark(reader, nameless)
    for client in (Client(), logged_in(reader)):
        page = html(client.get(f"/bookmarks/{made.pk}"))
        heading = page.select_one(f"li#bookmark_{made.pk} h4.heading")
        assert " ".join(heading.text.split()) == "Nameless Saga by Anonymous"
        assert author.username not in heading.text
    answer = api(reader).get(f"/api/v1/bookmarks/{made.pk}").json()
    assert answer["series"]["creators"] == ["Anonymous"]


def test_series_bookmarks_in_the_other_listings(author, reader, saga):
    work = make_work(author, title="Loose Work")
    on_work = create_bookmark(reader, work, BookmarkData(tags=["shared"]))
    on_series = series_bookmark(reader, saga, tags=["shared"])
    for url in (
        "/bookmarks",
        f"/users/{reader.username}/bookmarks",
        f"/users/{reader.username}/pseuds/{reader.username}/bookmarks",
        "/tags/shared/bookmarks",
        "/bookmarks?bookmark_search[other_bookmark_tag_names]=shared",
        "/bookmarks?bookmark_search[sort_column]=bookmarkable_date",
    ):
        page = html(Client().get(url))
        ids = {li["id"] for li in page.select("li.bookmark.blurb")}
        assert ids == {f"bookmark_{on_work.pk}", f"bookmark_{on_series.pk}"}, url
    # The work's tags belong to work bookmarks; a series bookmark has its bookmarker's only.
    page = html(Client().get("/tags/Final Fantasy VII/bookmarks"))
    assert {li["id"] for li in page.select("li.bookmark.blurb")} == {f"bookmark_{on_work.pk}"}
    # A work's bookmarks page is of the work only.
    page = html(Client().get(f"/works/{saga.works.first().pk}/bookmarks"))
    assert page.select("li.bookmark.blurb") == []


# --- query counts -----------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


LISTINGS = {
    "series": "/series/{series}/bookmarks",
    "user": "/users/{reader}/bookmarks",
    "index": "/bookmarks",
    "tag": "/tags/mark/bookmarks",
    "api": "/api/v1/bookmarks",
}
# As for work bookmarks (test_bookmarks.py), plus the series with their numbers and their
# creators (2). The series' page: session, user, mutes (3), the series, its creators and
# whether the viewer may read it (3), the count and the rows (2), the series and their creators
# (2), the bookmarkers' tags (1) and the sidebar's facets (3); no work there, so no work queries.
# The tag is only a bookmarker's, found through the bookmarks the viewer may list (+1).
# Where a work's bookmark is listed too, two for its blurb's series and gifts; on pages, one for
# the header's unread count (the viewer is logged in).
EXPECTED_QUERIES = {"series": 15, "user": 18, "index": 17, "tag": 21, "api": 10}


@pytest.mark.parametrize("listing", LISTINGS)
def test_listing_query_count_does_not_grow(
    listing, author, reader, saga, django_assert_num_queries
):
    viewer = make_user("counting_viewer")
    client = api(viewer) if listing == "api" else logged_in(viewer)
    url = LISTINGS[listing].format(reader=reader.username, series=saga.pk)
    series_bookmark(reader, saga, tags=["mark"], rec=True)
    create_bookmark(reader, make_work(author, title="A work"), BookmarkData(tags=["mark"]))
    client.get(url)  # a token's first use is written down once
    few = count_queries(client, url)
    for number in range(5):
        other = make_user(f"bookmarker_{number}")
        series_bookmark(other, saga, tags=["mark", f"x{number}"])
        more = make_series(author, f"More {number}", make_work(author, title=f"Part {number}"))
        series_bookmark(reader if number == 0 else other, more, tags=["mark"])
        create_bookmark(other, make_work(author, title=f"W {number}"), BookmarkData(tags=["mark"]))
    with django_assert_num_queries(EXPECTED_QUERIES[listing]):
        client.get(url)
    assert count_queries(client, url) == few


def test_series_page_query_count_does_not_grow(author, reader, saga, django_assert_num_queries):
    client = logged_in(reader)
    series_bookmark(reader, saga)
    few = count_queries(client, f"/series/{saga.pk}")
    for number in range(5):
        series_bookmark(make_user(f"more_{number}"), saga)
    assert count_queries(client, f"/series/{saga.pk}") == few


# --- API --------------------------------------------------------------------------------------


def test_api_create_read_list_change_delete(author, reader, saga):
    client = api(reader)
    response = send(client, "post", "/bookmarks", {"series_id": saga.pk, "tags": ["arc"]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["series_id"], body["work_id"], body["work"]) == (saga.pk, None, None)
    assert body["series"] == {
        "id": saga.pk,
        "url": f"/series/{saga.pk}",
        "title": "The Saga",
        "creators": [author.username],
        "works": 2,
        "words": 7,
    }
    assert body["tags"] == ["arc"]
    work = make_work(author, title="Single")
    on_work = send(client, "post", "/bookmarks", {"work_id": work.pk})
    assert on_work.status_code == 201
    assert (on_work.json()["work_id"], on_work.json()["series_id"]) == (work.pk, None)
    assert on_work.json()["series"] is None
    bookmark_id = body["id"]
    assert api().get(f"/api/v1/bookmarks/{bookmark_id}").json()["series_id"] == saga.pk
    listed = api().get("/api/v1/bookmarks", {"series_id": saga.pk}).json()
    assert [b["id"] for b in listed["results"]] == [bookmark_id]
    assert api().get("/api/v1/bookmarks").json()["count"] == 2
    changed = send(client, "patch", f"/bookmarks/{bookmark_id}", {"private": True})
    assert changed.status_code == 200 and changed.json()["private"]
    assert api().get(f"/api/v1/bookmarks/{bookmark_id}").status_code == 404
    assert send(client, "delete", f"/bookmarks/{bookmark_id}").status_code == 204
    assert Bookmark.objects.filter(series__isnull=False).count() == 0


def test_api_bad_input(author, reader, saga):
    client = api(reader)
    work = saga.works.first()
    both = send(client, "post", "/bookmarks", {"series_id": saga.pk, "work_id": work.pk})
    assert api_errors(both) == {("series_id", "one_target")}
    neither = send(client, "post", "/bookmarks", {"notes": "nothing"})
    assert api_errors(neither) == {("work_id", "one_target")}
    assert send(client, "post", "/bookmarks", {"series_id": 0}).status_code == 422
    assert send(client, "post", "/bookmarks", {"series_id": "x"}).status_code == 422
    assert send(client, "post", "/bookmarks", {"series_id": saga.pk}).status_code == 201
    again = send(client, "post", "/bookmarks", {"series_id": saga.pk})
    assert api_errors(again) == {("series_id", "already_bookmarked")}
    drafts = make_series(author, "Drafts", make_work(author, title="Draft", draft=True))
    assert send(client, "post", "/bookmarks", {"series_id": drafts.pk}).status_code == 404
    assert send(client, "post", "/bookmarks", {"series_id": 999_999}).status_code == 404
    # Its creator may see it, but it has nothing to bookmark.
    mine = send(api(author), "post", "/bookmarks", {"series_id": drafts.pk})
    assert api_errors(mine) == {("series_id", "not_bookmarkable")}
    assert send(api(), "post", "/bookmarks", {"series_id": saga.pk}).status_code == 401
    assert api().get("/api/v1/bookmarks", {"series_id": drafts.pk}).status_code == 404
    assert Bookmark.objects.count() == 1
