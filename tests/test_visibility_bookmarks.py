"""The visibility matrix for bookmarks: every viewer × every state of the bookmarked work × a
private or public bookmark × every bookmark page, listing, count and API response.

Viewers: a guest, a stranger, the work's creator, an admin, the bookmarker, and a user who
muted the bookmarker. States: public, restricted, draft, deleted (see test_visibility.py).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from shared_world import module_world

from feedback.models import Bookmark
from feedback.services.bookmarks import BookmarkData, create_bookmark
from lifestream.testing import make_admin, make_user, make_work
from people.models import Mute
from people.services import create_api_token

VIEWERS = ("guest", "stranger", "creator", "admin", "bookmarker", "muter")
STATES = ("public", "restricted", "draft", "deleted")
PRIVACIES = ("public", "private")
FANDOM = "Shelf Fandom"
MARK = "shelf-mark"


def _build_world():
    creator = make_user("shelf_creator")
    bookmarker = make_user("shelf_bookmarker")
    muter = make_user("shelf_muter")
    Mute.objects.create(muter=muter, muted=bookmarker)
    users = {
        "guest": None,
        "stranger": make_user("shelf_stranger"),
        "creator": creator,
        "admin": make_admin("shelf_admin"),
        "bookmarker": bookmarker,
        "muter": muter,
    }
    # One work per state and privacy, so the bookmarker (one bookmark per work) has a private
    # and a public bookmark of a work in every state.
    works = {
        (state, privacy): make_work(
            creator,
            title=f"{state.capitalize()} Work",
            fandoms=[f"{FANDOM} {state}"],
            restricted=state == "restricted",
        )
        for state in STATES
        for privacy in PRIVACIES
    }
    bookmarks = {
        key: create_bookmark(
            bookmarker,
            work,
            BookmarkData(notes=f"note {key[0]} {key[1]}", tags=[MARK], private=key[1] == "private"),
        ).pk
        for key, work in works.items()
    }
    deleted_ids = {}
    for privacy in PRIVACIES:
        # A work cannot be bookmarked as a draft; this stands for any bookmark whose work is no
        # longer posted.
        draft = works[("draft", privacy)]
        type(draft).objects.filter(pk=draft.pk).update(posted=False)
        deleted_ids[privacy] = works[("deleted", privacy)].pk
        works[("deleted", privacy)].delete()
    return {"users": users, "works": works, "bookmarks": bookmarks, "deleted_ids": deleted_ids}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(world: dict, viewer: str) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _api(world: dict, viewer: str) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        _, key = create_api_token(user, "matrix")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def _work_id(world: dict, state: str, privacy: str = "public") -> int:
    if state == "deleted":
        return world["deleted_ids"][privacy]
    return world["works"][(state, privacy)].pk


def opens(viewer: str, state: str, privacy: str) -> str:
    """What a viewer gets on one bookmark's page: "read", "login" or "missing"."""
    if state in {"draft", "deleted"}:
        return "missing"
    if privacy == "private" and viewer != "bookmarker":
        return "missing"
    if state == "restricted" and viewer == "guest":
        return "login"
    return "read"  # the muter too: a muted user's bookmark still opens by its address


def listed(viewer: str, state: str, privacy: str) -> bool:
    """Whether a bookmark appears in a viewer's listings and counts."""
    return (
        opens(viewer, state, privacy) == "read"
        and viewer != "muter"  # every one of these bookmarks is the (muted) bookmarker's
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_bookmark_page_and_api(world, viewer, state):
    client, api = _client(world, viewer), _api(world, viewer)
    for privacy in PRIVACIES:
        bookmark_id = world["bookmarks"][(state, privacy)]
        note = f"note {state} {privacy}"
        expected = opens(viewer, state, privacy)
        response = client.get(f"/bookmarks/{bookmark_id}")
        answer = api.get(f"/api/v1/bookmarks/{bookmark_id}")
        if expected == "read":
            assert response.status_code == 200
            assert note in response.content.decode()
            assert answer.status_code == 200 and answer.json()["notes"] == note
        elif expected == "login":
            assert response.status_code == 302
            assert response["Location"].startswith("/users/login?next=")
            assert answer.status_code == 401
        else:
            assert response.status_code == 404
            assert note not in response.content.decode()
            assert answer.status_code == 404
            assert note not in answer.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_edit_and_delete_pages(world, viewer, state):
    client, api = _client(world, viewer), _api(world, viewer)
    for privacy in PRIVACIES:
        bookmark_id = world["bookmarks"][(state, privacy)]
        expected = opens(viewer, state, privacy)
        for url in (f"/bookmarks/{bookmark_id}/edit", f"/bookmarks/{bookmark_id}/confirm_delete"):
            status = client.get(url).status_code
            if viewer == "guest":
                assert status == 302
            elif expected != "read":
                assert status == 404
            elif viewer == "bookmarker":
                assert status == 200
            else:
                assert status == 403
        patch = api.patch(
            f"/api/v1/bookmarks/{bookmark_id}", data="{}", content_type="application/json"
        )
        if viewer == "guest":
            assert patch.status_code == 401
        elif expected != "read":
            assert patch.status_code == 404
        else:
            assert patch.status_code == (200 if viewer == "bookmarker" else 403)


def _listing_urls(world: dict, state: str) -> dict[str, str]:
    return {
        "user": "/users/shelf_bookmarker/bookmarks",
        "pseud": "/users/shelf_bookmarker/pseuds/shelf_bookmarker/bookmarks",
        "archive": "/bookmarks",
        "work tag": f"/tags/{FANDOM} {state}/bookmarks",
        "bookmark tag": f"/tags/{MARK}/bookmarks",
        "filtered": f"/bookmarks?bookmark_search[other_bookmark_tag_names]={MARK}",
    }


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_listings(world, viewer, state):
    client = _client(world, viewer)
    for name, url in _listing_urls(world, state).items():
        response = client.get(url)
        covered = STATES if name == "bookmark tag" else (state,)
        if name.endswith("tag") and not any(
            listed(viewer, s, p) for s in covered for p in PRIVACIES
        ):
            # Nothing with the tag is visible: the tag itself may be unknown (404) or empty.
            assert response.status_code in {200, 404}
            assert b"note " not in response.content
            continue
        assert response.status_code == 200, (name, response.status_code)
        page = response.content.decode()
        for privacy in PRIVACIES:
            bookmark_id = world["bookmarks"][(state, privacy)]
            shown = f'id="bookmark_{bookmark_id}"' in page
            assert shown == listed(viewer, state, privacy), (name, privacy)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_work_bookmarks_page(world, viewer, state):
    client, api = _client(world, viewer), _api(world, viewer)
    for privacy in PRIVACIES:
        work_id = _work_id(world, state, privacy)
        response = client.get(f"/works/{work_id}/bookmarks")
        answer = api.get("/api/v1/bookmarks", {"work_id": work_id})
        if state in {"draft", "deleted"}:
            assert response.status_code == 404
            assert answer.status_code == 404
            continue
        if state == "restricted" and viewer == "guest":
            assert response["Location"].startswith("/users/login?next=")
            assert answer.status_code == 401
            continue
        page = response.content.decode()
        expected = int(listed(viewer, state, privacy))
        assert (f'id="bookmark_{world["bookmarks"][(state, privacy)]}"' in page) == bool(expected)
        assert _heading_count(page) == expected
        assert answer.json()["count"] == expected


def _heading_count(page: str) -> int:
    match = re.search(r'<h2 class="heading">\s*(?:[\d,]+ - [\d,]+ of )?([\d,]+) Bookmarks?', page)
    assert match, page[:2000]
    return int(match.group(1).replace(",", ""))


@pytest.mark.parametrize("viewer", VIEWERS)
def test_counts(world, viewer):
    """Every heading and the API's count agree with what the viewer may list."""
    client, api = _client(world, viewer), _api(world, viewer)
    expected = sum(listed(viewer, s, p) for s in STATES for p in PRIVACIES)
    for url in (
        "/users/shelf_bookmarker/bookmarks",
        "/users/shelf_bookmarker/pseuds/shelf_bookmarker/bookmarks",
        "/bookmarks",
        f"/tags/{MARK}/bookmarks",
    ):
        response = client.get(url)
        if response.status_code == 404 and "/tags/" in url:
            # A tag only on bookmarks the viewer may not list is unknown to them.
            assert expected == 0
            continue
        assert _heading_count(response.content.decode()) == expected, url
    assert api.get("/api/v1/bookmarks").json()["count"] == expected
    assert api.get("/api/v1/bookmarks", {"user": "shelf_bookmarker"}).json()["count"] == expected
    tagged = api.get("/api/v1/bookmarks", {"tag": MARK})
    if expected == 0 and tagged.status_code == 404:
        assert b"note " not in tagged.content
    else:
        assert tagged.json()["count"] == expected
    # The facet counts in the sidebar count only what the viewer may list.
    page = client.get("/bookmarks").content.decode()
    mark = re.search(rf"{MARK} \((\d+)\)", page)
    assert (int(mark.group(1)) if mark else 0) == expected


@pytest.mark.parametrize("viewer", VIEWERS)
def test_bookmark_action_on_work_page(world, viewer):
    """The work page's "Edit Bookmark" names the viewer's own bookmark only."""
    work = world["works"][("public", "public")]
    page = _client(world, viewer).get(f"/works/{work.pk}").content.decode()
    mine = world["bookmarks"][("public", "public")]
    if viewer == "bookmarker":
        assert f'href="/bookmarks/{mine}/edit">Edit Bookmark' in page
    else:
        assert f'href="/works/{work.pk}/bookmarks/new">Bookmark</a>' in page
        assert "Edit Bookmark" not in page


def test_muting_a_creator_hides_bookmarks_of_their_works(world):
    muter = make_user("creator_muter")
    Mute.objects.create(muter=muter, muted=world["users"]["creator"])
    client = Client()
    client.force_login(muter)
    page = client.get("/bookmarks").content.decode()
    assert _heading_count(page) == 0
    _, key = create_api_token(muter, "matrix")
    answer = client.get("/api/v1/bookmarks", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.json()["count"] == 0


def test_new_bookmark_page(world):
    """Only posted works a viewer can read can be bookmarked."""
    stranger = _client(world, "stranger")
    for state in STATES:
        status = stranger.get(f"/works/{_work_id(world, state)}/bookmarks/new").status_code
        assert status == (200 if state in {"public", "restricted"} else 404), state
    creator = _client(world, "creator")
    assert creator.get(f"/works/{_work_id(world, 'draft')}/bookmarks/new").status_code == 404
    guest = Client().get(f"/works/{_work_id(world, 'public')}/bookmarks/new")
    assert guest["Location"].startswith("/users/login?next=")
    api = _api(world, "stranger")
    for state in ("draft", "deleted"):
        answer = api.post(
            f"/api/v1/works/{_work_id(world, state)}/bookmarks",
            data="{}",
            content_type="application/json",
        )
        assert answer.status_code == 404


@pytest.mark.parametrize("privacy", PRIVACIES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", ("guest", "stranger", "creator", "admin"))
def test_bookmarking_the_ao3_way(world, viewer, state, privacy):
    """`POST /works/ID/bookmarks` with AO3's names bookmarks only a posted work the viewer can
    read; a private one stays the bookmarker's alone."""
    work_id = _work_id(world, state)
    response = _client(world, viewer).post(
        f"/works/{work_id}/bookmarks",
        {
            "bookmark[bookmarker_notes]": "scripted shelf",
            "bookmark[private]": "1" if privacy == "private" else "0",
            "commit": "Create",
        },
    )
    made = Bookmark.objects.filter(work_id=work_id, notes__contains="scripted shelf")
    if viewer == "guest":
        assert response.status_code == 302 and "/users/login" in response["Location"]
        assert not made.exists()
    elif state in {"public", "restricted"}:
        assert response.status_code == 302
        bookmark = made.get()
        assert bookmark.private == (privacy == "private")
        seen = Client().get(f"/bookmarks/{bookmark.pk}")
        assert seen.status_code in ((404,) if privacy == "private" else (200, 302))
    else:
        assert response.status_code == 404
        assert not made.exists()
