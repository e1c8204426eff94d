"""The visibility matrix for series bookmarks: every viewer × every state of the bookmarked
series × a private or public bookmark × the bookmark's page, the listings (the archive's, the
bookmarker's, the series'), the series page's count and the API's list and detail.

Viewers: a guest, a stranger, the series' creator, an admin, the bookmarker, a user who muted
the bookmarker, and one who muted the series' creator. States of the series: public (a posted
work), drafts (its only part is a draft), restricted (its only part is restricted), mixed (a
public part and a draft: the draft never counts), deleted (its last part deleted, the series
and its bookmarks with it).
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from shared_world import module_world

from feedback.models import Bookmark
from feedback.services.bookmarks import BookmarkData, create_series_bookmark
from lifestream.testing import make_admin, make_user, make_work
from people.models import Mute
from people.services import create_api_token
from works import series as series_services
from works.models import Work
from works.services import delete_work

VIEWERS = ("guest", "stranger", "creator", "admin", "bookmarker", "muter", "creator_muter")
STATES = ("public", "drafts", "restricted", "mixed", "deleted")
PRIVACIES = ("public", "private")
MARK = "saga-mark"
WORDS = {"public": 3, "draft": 400}


def _body(count: int) -> str:
    return "<p>" + " ".join(["word"] * count) + "</p>"


def _build_world():
    creator = make_user("arc_creator")
    bookmarker = make_user("arc_bookmarker")
    muter = make_user("arc_muter")
    creator_muter = make_user("arc_creator_muter")
    Mute.objects.create(muter=muter, muted=bookmarker)
    Mute.objects.create(muter=creator_muter, muted=creator)
    users = {
        "guest": None,
        "stranger": make_user("arc_stranger"),
        "creator": creator,
        "admin": make_admin("arc_admin"),
        "bookmarker": bookmarker,
        "muter": muter,
        "creator_muter": creator_muter,
    }
    series, bookmarks, drafts = {}, {}, []
    for state in STATES:
        for privacy in PRIVACIES:
            work = make_work(
                creator,
                title=f"{state} {privacy} part",
                restricted=state == "restricted",
                body=_body(WORDS["public"]),
            )
            made = series_services.add_work_to_series(
                creator, work, new_title=f"Arc {state} {privacy}"
            ).series
            if state == "mixed":
                draft = make_work(
                    creator, title="Mixed draft", draft=True, body=_body(WORDS["draft"])
                )
                series_services.add_work_to_series(creator, draft, series=made)
            series[(state, privacy)] = made
            bookmarks[(state, privacy)] = create_series_bookmark(
                bookmarker,
                made,
                BookmarkData(
                    notes=f"arc note {state} {privacy}",
                    tags=[MARK],
                    private=privacy == "private",
                ),
            ).pk
            if state == "drafts":
                drafts.append(work.pk)
            if state == "deleted":
                delete_work(work)
                assert not Bookmark.objects.filter(pk=bookmarks[(state, privacy)]).exists()
    # A series can only be bookmarked with a posted part; this stands for one whose parts all
    # went back to being drafts.
    Work.objects.filter(pk__in=drafts).update(posted=False)
    return {"users": users, "series": series, "bookmarks": bookmarks}


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


def series_opens(viewer: str, state: str) -> str:
    """What a viewer gets on the series' own pages: "read", "login" or "missing"."""
    if state == "deleted":
        return "missing"
    if state == "drafts":
        return "read" if viewer == "creator" else "missing"
    if viewer == "creator_muter":
        return "missing"  # every part is by the user they muted
    if state == "restricted" and viewer == "guest":
        return "login"
    return "read"


def opens(viewer: str, state: str, privacy: str) -> str:
    """What a viewer gets on one series bookmark's page."""
    if state in {"deleted", "drafts"}:
        return "missing"  # its creator's series of drafts too: no one lists it
    if privacy == "private" and viewer != "bookmarker":
        return "missing"
    return series_opens(viewer, state)  # the muter too: a muted user's bookmark opens


def listed(viewer: str, state: str, privacy: str) -> bool:
    return opens(viewer, state, privacy) == "read" and viewer != "muter"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_bookmark_page_and_api_detail(world, viewer, state):
    client, api = _client(world, viewer), _api(world, viewer)
    for privacy in PRIVACIES:
        bookmark_id = world["bookmarks"][(state, privacy)]
        note = f"arc note {state} {privacy}"
        expected = opens(viewer, state, privacy)
        response = client.get(f"/bookmarks/{bookmark_id}")
        answer = api.get(f"/api/v1/bookmarks/{bookmark_id}")
        if expected == "read":
            assert response.status_code == 200
            page = response.content.decode()
            assert note in page
            assert answer.status_code == 200 and answer.json()["notes"] == note
            assert answer.json()["series_id"] == world["series"][(state, privacy)].pk
            # A draft part never counts, here as everywhere.
            assert '<dd class="works">1</dd>' in page
            assert f'<dd class="words">{WORDS["public"]}</dd>' in page
            assert answer.json()["series"]["words"] == WORDS["public"]
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
def test_edit_pages(world, viewer, state):
    client = _client(world, viewer)
    for privacy in PRIVACIES:
        bookmark_id = world["bookmarks"][(state, privacy)]
        expected = opens(viewer, state, privacy)
        status = client.get(f"/bookmarks/{bookmark_id}/edit").status_code
        if viewer == "guest":
            assert status == 302
        elif expected != "read":
            assert status == 404
        else:
            assert status == (200 if viewer == "bookmarker" else 403)


def _ids(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'id="bookmark_(\d+)"', page)}


def _expected_ids(world: dict, viewer: str, states=STATES) -> set[int]:
    return {
        world["bookmarks"][(state, privacy)]
        for state in states
        for privacy in PRIVACIES
        if listed(viewer, state, privacy)
    }


def _heading_count(page: str) -> int:
    match = re.search(r'<h2 class="heading">\s*(?:[\d,]+ - [\d,]+ of )?([\d,]+) Bookmarks?', page)
    assert match, page[:2000]
    return int(match.group(1).replace(",", ""))


# At most: session, user, mutes and the menu's inbox count (4), the count, the rows, the
# series and their creators, the bookmarkers' tags (5), the sidebar's facets (3), and the
# owner on a user's page (1); the same for any number of bookmarks (test_series_bookmarks.py).
LISTING_QUERIES = {"/bookmarks": 12, "/users/arc_bookmarker/bookmarks": 13}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_listings_and_counts(world, viewer, django_assert_max_num_queries):
    client, api = _client(world, viewer), _api(world, viewer)
    expected = _expected_ids(world, viewer)
    for url, most in LISTING_QUERIES.items():
        with django_assert_max_num_queries(most):
            response = client.get(url)
        page = response.content.decode()
        assert _ids(page) == expected, url
        assert _heading_count(page) == len(expected), url
    filtered = client.get(f"/bookmarks?bookmark_search[other_bookmark_tag_names]={MARK}")
    assert _ids(filtered.content.decode()) == expected
    tagged = client.get(f"/tags/{MARK}/bookmarks")
    if expected:
        assert _ids(tagged.content.decode()) == expected
    else:
        assert tagged.status_code in {200, 404} and not _ids(tagged.content.decode())
    for params in ({}, {"user": "arc_bookmarker"}):
        answer = api.get("/api/v1/bookmarks", params).json()
        assert answer["count"] == len(expected)
        assert {b["id"] for b in answer["results"]} == expected
    # The sidebar's facet counts only what the viewer may list.
    mark = re.search(rf"{MARK} \((\d+)\)", client.get("/bookmarks").content.decode())
    assert (int(mark.group(1)) if mark else 0) == len(expected)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_series_bookmarks_page_and_count(world, viewer, state, django_assert_max_num_queries):
    client, api = _client(world, viewer), _api(world, viewer)
    for privacy in PRIVACIES:
        series = world["series"][(state, privacy)]
        expected = _expected_ids(world, viewer, (state,)) & {world["bookmarks"][(state, privacy)]}
        access = series_opens(viewer, state)
        # As many as the listings below, and the header's unread count for a logged-in reader.
        with django_assert_max_num_queries(15):
            response = client.get(f"/series/{series.pk}/bookmarks")
        answer = api.get("/api/v1/bookmarks", {"series_id": series.pk})
        shown = client.get(f"/series/{series.pk}")
        if access == "missing":
            assert response.status_code == 404
            assert answer.status_code == 404
            assert shown.status_code == 404
            continue
        if access == "login":
            assert response["Location"].startswith("/users/login?next=")
            assert answer.status_code == 401
            continue
        page = response.content.decode()
        assert _ids(page) == expected
        assert _heading_count(page) == len(expected)
        assert answer.json()["count"] == len(expected)
        count = re.search(
            r'<dd class="bookmarks"><a href="[^"]+">(\d+)</a></dd>', shown.content.decode()
        )
        assert count and int(count.group(1)) == len(expected)


def test_muting_the_bookmarker_leaves_their_series_bookmarks_out(world):
    """The muter sees the series but none of the muted bookmarker's bookmarks of it."""
    client = _client(world, "muter")
    series = world["series"][("public", "public")]
    page = client.get(f"/series/{series.pk}/bookmarks").content.decode()
    assert _heading_count(page) == 0
    assert '<dd class="bookmarks"><a href="' in client.get(f"/series/{series.pk}").content.decode()
