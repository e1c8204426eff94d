"""Bookmarks: making, changing and deleting them, their tags and limits, the public count, the
pages and their filters."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from markup import Element, parse

from feedback.models import Bookmark, WorkStats
from feedback.services.bookmarks import (
    AlreadyBookmarked,
    BookmarkData,
    create_bookmark,
    delete_bookmark,
    update_bookmark,
)
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_user, make_work
from people.services import add_pseud, create_api_token
from tags.models import Tag, TagKind
from tags.services import WrangleData, wrangle_tag


def html(response) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.content)


def public_count(work) -> int:
    stats = WorkStats.objects.filter(work=work).first()
    return stats.bookmarks_count if stats else 0


@pytest.fixture
def work(author):
    return make_work(author, title="Lifestream", characters=["Cloud Strife"])


def bookmark(user, work, **fields) -> Bookmark:
    return create_bookmark(user, work, BookmarkData(**fields))


def codes(error: InvalidInput) -> set[tuple[str, str]]:
    return {(e.field, e.code) for e in error.errors}


# --- services -----------------------------------------------------------------------------------


def test_create_bookmark_with_notes_tags_and_default_pseud(reader, work):
    made = bookmark(reader, work, notes="<p>Loved it</p>", tags=["comfort read", "Slow Burn"])
    assert made.pseud == reader.default_pseud
    assert made.notes == "<p>Loved it</p>"
    assert sorted(tag.name for tag in made.tags.all()) == ["Slow Burn", "comfort read"]
    assert {tag.kind for tag in made.tags.all()} == {TagKind.FREEFORM}
    assert public_count(work) == 1


def test_existing_tags_of_any_kind_are_reused(reader, work):
    made = bookmark(reader, work, tags=["cloud strife", "Final Fantasy VII"])
    kinds = {tag.name: tag.kind for tag in made.tags.all()}
    assert kinds == {"Cloud Strife": TagKind.CHARACTER, "Final Fantasy VII": TagKind.FANDOM}


def test_second_bookmark_of_a_work_is_refused(reader, work):
    first = bookmark(reader, work)
    with pytest.raises(AlreadyBookmarked) as caught:
        bookmark(reader, work, notes="again")
    assert caught.value.bookmark == first
    assert f"/bookmarks/{first.pk}/edit" in caught.value.errors[0].message
    assert Bookmark.objects.count() == 1
    assert public_count(work) == 1


def test_bookmark_as_another_users_pseud_is_refused(reader, stranger, work):
    with pytest.raises(InvalidInput) as caught:
        bookmark(reader, work, pseud=stranger.default_pseud)
    assert ("pseud", "unknown_pseud") in codes(caught.value)


def test_bookmark_as_another_own_pseud(reader, work):
    pseud = add_pseud(reader, "Seventh Heaven", "")
    assert bookmark(reader, work, pseud=pseud).pseud == pseud


def test_drafts_cannot_be_bookmarked(author, reader):
    draft = make_work(author, draft=True)
    with pytest.raises(InvalidInput) as caught:
        bookmark(author, draft)
    assert ("work", "not_bookmarkable") in codes(caught.value)
    assert not Bookmark.objects.exists()


def test_hostile_notes_are_sanitised(reader, work):
    made = bookmark(
        reader,
        work,
        notes='<p class="x" onclick="evil()">hi<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">link</a><img src="data:image/png;base64,AA">',
    )
    assert "script" not in made.notes
    assert "onclick" not in made.notes
    assert "class" not in made.notes
    assert "javascript" not in made.notes
    assert "data:" not in made.notes
    assert "hi" in made.notes


def test_limits(reader, work):
    with pytest.raises(InvalidInput) as caught:
        bookmark(
            reader,
            work,
            notes="x" * 5_001,
            tags=[f"tag {n}" for n in range(76)],
        )
    assert codes(caught.value) == {("notes", "too_long"), ("tags", "too_many_tags")}
    with pytest.raises(InvalidInput) as caught:
        bookmark(reader, work, tags=["y" * 151, "bad*name"])
    assert codes(caught.value) == {("tags", "tag_too_long"), ("tags", "tag_restricted_character")}
    # A refused bookmark leaves nothing behind, not even its new tags.
    assert not Bookmark.objects.exists()
    assert not Tag.objects.filter(name__startswith="tag ").exists()
    assert bookmark(reader, work, notes="x" * 5_000, tags=[f"t{n}" for n in range(75)])


def test_count_follows_private_toggles_and_delete(reader, stranger, work):
    mine = bookmark(reader, work, private=True)
    assert public_count(work) == 0
    theirs = bookmark(stranger, work)
    assert public_count(work) == 1
    update_bookmark(mine, BookmarkData(private=False))
    assert public_count(work) == 2
    update_bookmark(mine, BookmarkData(private=False, rec=True))
    assert public_count(work) == 2
    update_bookmark(mine, BookmarkData(private=True))
    assert public_count(work) == 1
    delete_bookmark(mine)
    assert public_count(work) == 1
    delete_bookmark(theirs)
    assert public_count(work) == 0
    assert not Bookmark.objects.exists()


def test_update_replaces_tags_and_notes(reader, work):
    made = bookmark(reader, work, notes="first", tags=["a", "b"])
    update_bookmark(made, BookmarkData(notes="second", tags=["b", "c"], rec=True))
    made.refresh_from_db()
    assert made.notes == "second"
    assert sorted(tag.name for tag in made.tags.all()) == ["b", "c"]
    assert made.rec


def test_refused_update_changes_nothing(reader, work):
    made = bookmark(reader, work, notes="keep", tags=["keep"])
    with pytest.raises(InvalidInput):
        update_bookmark(made, BookmarkData(notes="x" * 5_001, private=True, tags=["new one"]))
    made.refresh_from_db()
    assert made.notes == "keep" and not made.private
    assert [tag.name for tag in made.tags.all()] == ["keep"]
    assert public_count(work) == 1


# --- pages --------------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_work_page_action_says_bookmark_then_edit(reader, work):
    client = logged_in(reader)
    action = html(client.get(f"/works/{work.pk}")).select_one("ul.work.navigation li.bookmark a")
    assert action.text == "Bookmark"
    assert action["href"] == f"/works/{work.pk}/bookmarks/new"
    made = bookmark(reader, work)
    action = html(client.get(f"/works/{work.pk}")).select_one("ul.work.navigation li.bookmark a")
    assert action.text == "Edit Bookmark"
    assert action["href"] == f"/bookmarks/{made.pk}/edit"


def test_guest_is_sent_to_log_in_to_bookmark(client, work):
    action = html(client.get(f"/works/{work.pk}")).select_one("li.bookmark a")
    assert action.text == "Bookmark"
    response = client.get(f"/works/{work.pk}/bookmarks/new")
    assert response.status_code == 302
    assert response["Location"].startswith("/users/login?next=")


def test_bookmark_form_creates_and_shows_blurb(reader, work):
    client = logged_in(reader)
    form = html(client.get(f"/works/{work.pk}/bookmarks/new")).select_one("form#bookmark-form")
    assert form is not None
    response = client.post(
        f"/works/{work.pk}/bookmarks/new",
        {
            "pseud": reader.default_pseud.pk,
            "notes": "<b>Must</b> read",
            "tags": "angst, fix-it",
            "rec": "on",
        },
    )
    made = Bookmark.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/bookmarks/{made.pk}"
    page = html(client.get(response["Location"]))
    blurb = page.select_one(f"li#bookmark_{made.pk}.bookmark.blurb.group")
    assert blurb.select_one("div.header.module h4.heading a").text == "Lifestream"
    user = blurb.select_one("div.user.module.group")
    assert user.select_one("h5.byline.heading a").text == reader.username
    assert user.select_one("p.datetime").text
    assert [a.text for a in user.select("ul.meta.tags.commas a.tag")] == ["angst", "fix-it"]
    assert user.select_one("blockquote.userstuff.notes b").text == "Must"
    status = user.select_one("p.status").text.split()
    assert status == ["Rec", "Public"]


def test_rejected_form_keeps_what_was_typed(reader, work):
    client = logged_in(reader)
    response = client.post(
        f"/works/{work.pk}/bookmarks/new",
        {
            "pseud": reader.default_pseud.pk,
            "notes": "my long thoughts " + "x" * 5_000,
            "tags": "ok tag, bad*tag",
            "private": "on",
        },
    )
    assert response.status_code == 200
    page = html(response)
    assert page.select_one("#error")
    assert page.select_one("textarea[name=notes]").text.strip().startswith("my long thoughts")
    assert page.select_one("input[name=tags]")["value"] == "ok tag, bad*tag"
    assert page.select_one("input[name=private]").has_attr("checked")
    assert not Bookmark.objects.exists()


def test_second_bookmark_page_points_to_editing(reader, work):
    made = bookmark(reader, work)
    client = logged_in(reader)
    response = client.get(f"/works/{work.pk}/bookmarks/new")
    assert response["Location"] == f"/bookmarks/{made.pk}/edit"
    page = html(client.get(response["Location"]))
    assert "already bookmarked" in page.select_one(".flash").text
    response = client.post(f"/works/{work.pk}/bookmarks/new", {"pseud": reader.default_pseud.pk})
    assert response["Location"] == f"/bookmarks/{made.pk}/edit"
    assert Bookmark.objects.count() == 1


def test_edit_and_delete_pages(reader, work):
    made = bookmark(reader, work, notes="before", tags=["old"])
    client = logged_in(reader)
    page = html(client.get(f"/bookmarks/{made.pk}/edit"))
    assert page.select_one("input[name=tags]")["value"] == "old"
    response = client.post(
        f"/bookmarks/{made.pk}/edit",
        {"pseud": reader.default_pseud.pk, "notes": "after", "tags": "new", "private": "on"},
    )
    assert response["Location"] == f"/bookmarks/{made.pk}"
    made.refresh_from_db()
    assert made.private and [t.name for t in made.tags.all()] == ["new"]
    assert public_count(work) == 0
    assert client.get(f"/bookmarks/{made.pk}/confirm_delete").status_code == 200
    assert Bookmark.objects.filter(pk=made.pk).exists()
    response = client.post(f"/bookmarks/{made.pk}/confirm_delete")
    assert response["Location"] == f"/users/{reader.username}/bookmarks"
    assert not Bookmark.objects.filter(pk=made.pk).exists()


def test_others_cannot_edit_or_delete(reader, stranger, work):
    made = bookmark(reader, work)
    client = logged_in(stranger)
    assert client.get(f"/bookmarks/{made.pk}/edit").status_code == 403
    assert client.post(f"/bookmarks/{made.pk}/edit", {"notes": "mine now"}).status_code == 403
    assert client.post(f"/bookmarks/{made.pk}/confirm_delete").status_code == 403
    assert Bookmark.objects.filter(pk=made.pk, notes="").exists()


def test_user_page_heading_and_nav(reader, author):
    for number in range(3):
        bookmark(reader, make_work(author, title=f"Work {number}"))
    page = html(Client().get(f"/users/{reader.username}/bookmarks"))
    assert page.select_one("h2.heading").text.strip() == f"3 Bookmarks by {reader.username}"
    assert len(page.select("ol.bookmark.index li.bookmark.blurb")) == 3
    nav = page.select_one("ul.user-nav")
    assert nav.find("a", string="Bookmarks")["href"] == f"/users/{reader.username}/bookmarks"


def test_paged_heading(reader, author, settings):
    settings.WORKS_PER_PAGE = 2
    for number in range(3):
        bookmark(reader, make_work(author, title=f"Work {number}"))
    page = html(Client().get(f"/users/{reader.username}/bookmarks?page=2"))
    assert (
        page.select_one("h2.heading").text.strip() == f"3 - 3 of 3 Bookmarks by {reader.username}"
    )
    assert page.select_one("ol.pagination")


def test_pseud_bookmarks(reader, author):
    other = add_pseud(reader, "Barret", "")
    bookmark(reader, make_work(author, title="By default"))
    bookmark(reader, make_work(author, title="By Barret"), pseud=other)
    page = html(Client().get(f"/users/{reader.username}/pseuds/Barret/bookmarks"))
    titles = [a.text for a in page.select("li.bookmark div.header h4.heading a[href^='/works/']")]
    assert titles == ["By Barret"]


def test_work_and_index_and_tag_pages(reader, stranger, work, author):
    bookmark(reader, work, tags=["comfort"])
    bookmark(stranger, work)
    other = make_work(author, title="Other", fandoms=["Kingdom Hearts"])
    bookmark(stranger, other, tags=["comfort"])
    page = html(Client().get(f"/works/{work.pk}/bookmarks"))
    assert page.select_one("h2.heading").text.strip() == "2 Bookmarks of Lifestream"
    page = html(Client().get("/bookmarks"))
    assert len(page.select("li.bookmark")) == 3
    page = html(Client().get("/tags/Final Fantasy VII/bookmarks"))
    assert len(page.select("li.bookmark")) == 2
    # A bookmarker's tag on no work at all has its bookmarks page too.
    page = html(Client().get("/tags/comfort/bookmarks"))
    assert len(page.select("li.bookmark")) == 2
    assert Client().get("/tags/No Such Tag/bookmarks").status_code == 404


def test_tag_bookmarks_include_the_family(reader, stranger, author):
    canonical = make_work(author, title="Canon", characters=["Cloud Strife"])
    synonym_work = make_work(author, title="Syn", characters=["Cloud"])
    Tag.objects.filter(name="Cloud Strife").update(canonical=True)
    wrangle_tag(Tag.objects.get(name="Cloud"), WrangleData(synonym_of="Cloud Strife"))
    bookmark(reader, canonical)
    bookmark(reader, synonym_work)
    made = bookmark(stranger, make_work(author, title="Tagged by reader"), tags=["cloud"])
    page = html(Client().get("/tags/Cloud Strife/bookmarks"))
    assert len(page.select("li.bookmark")) == 3
    assert f"bookmark_{made.pk}" in {li["id"] for li in page.select("li.bookmark")}
    response = Client().get("/tags/Cloud/bookmarks")
    assert response["Location"] == "/tags/Cloud%20Strife/bookmarks"


# --- filters ------------------------------------------------------------------------------------


@pytest.fixture
def shelf(reader, author):
    """Four bookmarks by the reader with different tags, notes and recs."""
    works = {
        "angst": make_work(author, title="Angst", freeforms=["Angst"]),
        "fluff": make_work(author, title="Fluff", freeforms=["Fluff"]),
        "kh": make_work(author, title="KH", fandoms=["Kingdom Hearts"]),
        "both": make_work(author, title="Both", freeforms=["Angst", "Fluff"]),
    }
    bookmark(reader, works["angst"], rec=True, notes="made me cry", tags=["reread"])
    bookmark(reader, works["fluff"], notes="so sweet")
    bookmark(reader, works["kh"], rec=True, tags=["reread", "keyblades"])
    bookmark(reader, works["both"], notes="cry and smile")
    return works


def titles(client: Client, url: str) -> list[str]:
    page = html(client.get(url))
    return sorted(a.text for a in page.select("li.bookmark div.header h4.heading > a:first-child"))


def test_filter_rec_and_notes(client, reader, shelf):
    url = f"/users/{reader.username}/bookmarks"
    assert titles(client, url + "?bookmark_search[rec]=1") == ["Angst", "KH"]
    assert titles(client, url + "?bookmark_search[bookmark_query]=cry") == ["Angst", "Both"]
    assert titles(client, url + "?bookmark_search[bookmark_query]=cry smile") == ["Both"]


def test_filter_by_tag_names(client, reader, shelf):
    url = f"/users/{reader.username}/bookmarks"
    assert titles(client, url + "?bookmark_search[other_tag_names]=angst") == ["Angst", "Both"]
    assert titles(client, url + "?bookmark_search[other_tag_names]=Angst,Fluff") == ["Both"]
    assert titles(client, url + "?bookmark_search[other_bookmark_tag_names]=reread") == [
        "Angst",
        "KH",
    ]
    assert titles(client, url + "?bookmark_search[excluded_tag_names]=Fluff,reread") == []
    assert titles(client, url + "?bookmark_search[excluded_tag_names]=Kingdom Hearts") == [
        "Angst",
        "Both",
        "Fluff",
    ]
    assert titles(client, url + "?bookmark_search[other_tag_names]=nonexistent") == []


def test_filter_sidebar_facets(client, reader, shelf):
    url = f"/users/{reader.username}/bookmarks"
    page = html(client.get(url))
    form = page.select_one("form#bookmark-filters")
    labels = [label.text for label in form.select("#include_freeform_tags label")]
    assert labels == ["Angst (2)", "Fluff (2)"]
    assert [label.text for label in form.select("#include_tag_tags label")] == [
        "reread (2)",
        "keyblades (1)",
    ]
    angst = Tag.objects.get(name="Angst")
    reread = Tag.objects.get(name="reread")
    assert titles(client, f"{url}?include_bookmark_search[freeform_ids][]={angst.pk}") == [
        "Angst",
        "Both",
    ]
    assert titles(client, f"{url}?exclude_bookmark_search[freeform_ids][]={angst.pk}") == [
        "Fluff",
        "KH",
    ]
    assert titles(client, f"{url}?include_bookmark_search[tag_ids][]={reread.pk}") == [
        "Angst",
        "KH",
    ]
    page = html(client.get(f"{url}?exclude_bookmark_search[tag_ids][]={reread.pk}"))
    assert page.select_one(f"#exclude_tag_tags_{reread.pk}").has_attr("checked")
    assert "bookmark_search[rec]" in {i.get("name") for i in form.select("input")}


def test_sort_by_work_date(client, reader, shelf):
    url = f"/users/{reader.username}/bookmarks?bookmark_search[sort_column]=bookmarkable_date"
    page = html(client.get(url))
    shown = [a.text for a in page.select("li.bookmark div.header h4.heading > a:first-child")]
    assert shown == ["Both", "KH", "Fluff", "Angst"]
    fluff = shelf["fluff"]
    from django.utils import timezone

    type(fluff).objects.filter(pk=fluff.pk).update(revised_at=timezone.now())
    page = html(client.get(url))
    shown = [a.text for a in page.select("li.bookmark div.header h4.heading > a:first-child")]
    assert shown[0] == "Fluff"


# --- query counts -------------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


LISTINGS = {
    "user": "/users/{reader}/bookmarks",
    "pseud": "/users/{reader}/pseuds/{reader}/bookmarks",
    "work": "/works/{work}/bookmarks",
    "index": "/bookmarks",
    "tag": "/tags/Final Fantasy VII/bookmarks",
    "filtered": "/users/{reader}/bookmarks?bookmark_search[other_tag_names]=Final Fantasy VII"
    "&bookmark_search[rec]=1&bookmark_search[excluded_tag_names]=nothing",
}
# Session, user, the viewer's mutes and the header's unread count (4); the page's own: the
# count, the rows, the works' tags, creators and hit counts, the bookmarkers' tags (6) and the
# sidebar's facets (3); then what the page looks up: the owner (1), the pseud (1), the work with
# its tags, creators and hits (4), the tag and its family (3), or the tags named in the filters
# and their families (4). Each with two for the works' blurbs: their series and their gifts.
EXPECTED_QUERIES = {"user": 16, "pseud": 17, "work": 19, "index": 15, "tag": 18, "filtered": 20}


@pytest.mark.parametrize("listing", LISTINGS)
def test_listing_query_count_does_not_grow(listing, reader, author, django_assert_num_queries):
    work = make_work(author, title="Lifestream")
    viewer = make_user("counting_viewer")
    client = logged_in(viewer)
    url = LISTINGS[listing].format(reader=reader.username, work=work.pk)
    bookmark(reader, work, tags=["t1", "t2"], rec=True)
    few = count_queries(client, url)
    for number in range(6):
        other = make_user(f"bookmarker_{number}")
        bookmark(other, work, tags=[f"x{number}"], rec=True)
        bookmark(
            reader if number == 0 else other,
            make_work(author, title=f"More {number}", relationships=[f"A/B{number}"]),
            tags=["t1"],
            rec=True,
        )
    with django_assert_num_queries(EXPECTED_QUERIES[listing]):
        client.get(url)
    assert count_queries(client, url) == few


# --- API ----------------------------------------------------------------------------------------


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
    body = response.json()
    assert set(body) == {"errors"}
    return {(error["field"], error["code"]) for error in body["errors"]}


def test_api_create_read_change_delete(reader, work):
    client = api(reader)
    response = send(
        client,
        "post",
        f"/works/{work.pk}/bookmarks",
        {"notes": "<script>x</script><p>good</p>", "tags": ["comfort"], "rec": True},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["work"] == {
        "id": work.pk,
        "url": f"/works/{work.pk}",
        "title": "Lifestream",
        "creators": ["cloud_author"],
    }
    assert body["notes"] == "<p>good</p>"
    assert body["tags"] == ["comfort"]
    assert (body["user"], body["pseud"], body["rec"], body["private"]) == (
        reader.username,
        reader.username,
        True,
        False,
    )
    bookmark_id = body["id"]
    assert public_count(work) == 1
    again = send(client, "post", f"/works/{work.pk}/bookmarks", {})
    assert again.status_code == 422
    assert api_errors(again) == {("work", "already_bookmarked")}

    assert api().get(f"/api/v1/bookmarks/{bookmark_id}").json()["tags"] == ["comfort"]
    changed = send(client, "patch", f"/bookmarks/{bookmark_id}", {"private": True})
    assert changed.status_code == 200
    assert changed.json()["private"] and changed.json()["tags"] == ["comfort"]
    assert public_count(work) == 0
    assert api().get(f"/api/v1/bookmarks/{bookmark_id}").status_code == 404
    assert client.get(f"/api/v1/bookmarks/{bookmark_id}").status_code == 200

    assert (
        send(api(make_user("other_one")), "delete", f"/bookmarks/{bookmark_id}").status_code == 404
    )
    assert send(client, "delete", f"/bookmarks/{bookmark_id}").status_code == 204
    assert not Bookmark.objects.exists()


def test_api_errors(reader, stranger, work):
    client = api(reader)
    response = send(
        client,
        "post",
        f"/works/{work.pk}/bookmarks",
        {"notes": "x" * 5_001, "tags": ["bad*tag"], "pseud": "nobody"},
    )
    assert response.status_code == 422
    assert api_errors(response) == {("pseud", "unknown_pseud")}
    response = send(client, "post", f"/works/{work.pk}/bookmarks", {"notes": "x" * 5_001})
    assert api_errors(response) == {("notes", "too_long")}
    response = send(client, "post", f"/works/{work.pk}/bookmarks", {"private": "yes"})
    assert response.status_code == 422
    assert send(api(), "post", f"/works/{work.pk}/bookmarks", {}).status_code == 401
    made = bookmark(stranger, work)
    response = send(client, "patch", f"/bookmarks/{made.pk}", {"notes": "mine"})
    assert response.status_code == 403


def test_api_list_filters(reader, stranger, author, work):
    kh = make_work(author, title="KH", fandoms=["Kingdom Hearts"])
    bookmark(reader, work, rec=True, tags=["comfort"])
    bookmark(reader, kh, private=True)
    bookmark(stranger, kh, tags=["comfort"])
    guest = api()

    def ids(client, **params):
        body = client.get("/api/v1/bookmarks", params).json()
        return sorted((b["user"], b["work"]["title"]) for b in body["results"]), body["count"]

    assert ids(guest) == ([("a_stranger", "KH"), ("tifa_reader", "Lifestream")], 2)
    assert ids(api(reader))[1] == 3
    assert ids(guest, user="tifa_reader") == ([("tifa_reader", "Lifestream")], 1)
    assert ids(guest, work_id=kh.pk) == ([("a_stranger", "KH")], 1)
    assert ids(guest, rec="true") == ([("tifa_reader", "Lifestream")], 1)
    assert ids(guest, rec="false") == ([("a_stranger", "KH")], 1)
    assert ids(guest, tag="Kingdom Hearts") == ([("a_stranger", "KH")], 1)
    assert ids(guest, tag="comfort")[1] == 2
    assert guest.get("/api/v1/bookmarks", {"tag": "nothing"}).status_code == 404
    assert guest.get("/api/v1/bookmarks", {"user": "nobody"}).status_code == 404


def test_ticked_canonical_tag_includes_its_synonyms(client, reader, author):
    make_work(author, title="Canon", characters=["Cloud Strife"])
    synonym_work = make_work(author, title="Syn", characters=["Cloud"])
    Tag.objects.filter(name="Cloud Strife").update(canonical=True)
    wrangle_tag(Tag.objects.get(name="Cloud"), WrangleData(synonym_of="Cloud Strife"))
    bookmark(reader, synonym_work)
    bookmark(reader, make_work(author, title="Other", characters=["Tifa"]))
    canonical = Tag.objects.get(name="Cloud Strife")
    url = f"/users/{reader.username}/bookmarks"
    param = f"include_bookmark_search[character_ids][]={canonical.pk}"
    assert titles(client, f"{url}?{param}") == ["Syn"]
    assert titles(client, f"{url}?{param.replace('include', 'exclude')}") == ["Other"]
