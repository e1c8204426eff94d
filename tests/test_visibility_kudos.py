"""The visibility matrix for kudos, hits, reading history, Mark for Later and statistics:
every viewer × every state of a work × every route and API response this area adds.

Viewers: a guest, a stranger, the creator, an admin (and the owner of a history or stats page).
States: public, restricted, draft, deleted.
"""

from __future__ import annotations

import pytest
from django.test import Client
from shared_world import module_world

from feedback.models import HitCount, Kudos, Reading
from lifestream.testing import make_admin, make_user, make_work
from people.services import create_api_token

VIEWERS = ("guest", "stranger", "creator", "admin")
STATES = ("public", "restricted", "draft", "deleted")

# "read": the viewer may read the work; "login": sent to log in; "missing": 404.
ACCESS = {
    **{("public", viewer): "read" for viewer in VIEWERS},
    ("restricted", "guest"): "login",
    ("restricted", "stranger"): "read",
    ("restricted", "creator"): "read",
    ("restricted", "admin"): "read",
    ("draft", "guest"): "missing",
    ("draft", "stranger"): "missing",
    ("draft", "creator"): "read",
    ("draft", "admin"): "missing",
    **{("deleted", viewer): "missing" for viewer in VIEWERS},
}


def _build_world():
    creator = make_user("matrix_creator")
    users = {
        "guest": None,
        "stranger": make_user("matrix_stranger"),
        "creator": creator,
        "admin": make_admin("matrix_admin"),
    }
    works = {
        "public": make_work(creator, title="Public Work"),
        "restricted": make_work(creator, title="Restricted Work", restricted=True),
        "draft": make_work(creator, title="Draft Work", draft=True),
        "deleted": make_work(creator, title="Deleted Work"),
    }
    deleted_id = works["deleted"].pk
    works["deleted"].delete()
    ids = {state: work.pk for state, work in works.items()} | {"deleted": deleted_id}
    return {"users": users, "ids": ids, "creator": creator}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(world: dict, viewer: str) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.9")
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _expect(response, expected: str) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/users/login?next=")
    elif expected == "missing":
        assert response.status_code == 404


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_kudos_list_page(world, viewer, state):
    work_id = world["ids"][state]
    response = _client(world, viewer).get(f"/works/{work_id}/kudos")
    expected = ACCESS[(state, viewer)]
    _expect(response, expected)
    if expected == "read":
        assert response.status_code == 200
        assert f"{state.capitalize()} Work" in response.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_leaving_kudos(world, viewer, state):
    work_id = world["ids"][state]
    response = _client(world, viewer).post(f"/works/{work_id}/kudos")
    expected = ACCESS[(state, viewer)]
    _expect(response, expected)
    counted = Kudos.objects.filter(work_id=work_id).count()
    if expected == "read":
        assert response.status_code == 302
        # A creator's own work (posted or draft) takes none.
        assert counted == (0 if viewer == "creator" else 1)
    else:
        assert counted == 0


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_counting_hits(world, viewer, state):
    work_id = world["ids"][state]
    response = _client(world, viewer).post(f"/works/{work_id}/hit_count")
    expected = ACCESS[(state, viewer)]
    counted = HitCount.objects.filter(work_id=work_id).exists()
    if expected == "read":
        assert response.status_code == 204
        assert counted is (viewer != "creator")
    else:
        # No login redirect for a script's request: it simply isn't there.
        assert response.status_code == 404
        assert not counted


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_history_and_mark_for_later(world, viewer, state):
    work_id = world["ids"][state]
    client = _client(world, viewer)
    client.get(f"/works/{work_id}?view_adult=true")
    marked = client.post(f"/works/{work_id}/mark_for_later")
    expected = ACCESS[(state, viewer)]
    rows = Reading.objects.filter(work_id=work_id)
    if viewer == "guest":
        assert marked.status_code == 302 and "/users/login" in marked["Location"]
        assert not rows.exists()
    elif expected == "missing":
        assert marked.status_code == 404
        assert not rows.exists()
    elif state == "draft":  # the creator's own draft: no history, no mark
        assert not rows.exists()
    else:
        reading = rows.get()
        assert reading.marked_for_later
        # Creators' own visits are not history.
        assert reading.visit_count == (0 if viewer == "creator" else 1)
    if viewer != "guest" and expected == "read" and state != "draft":
        page = client.get(f"/users/{world['users'][viewer].username}/readings?show=to-read")
        assert f"{state.capitalize()} Work" in page.content.decode()


@pytest.mark.parametrize("page", ["readings", "readings?show=to-read", "stats"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_history_and_stats_pages_are_the_owners_alone(world, viewer, page):
    response = _client(world, viewer).get(f"/users/matrix_creator/{page}")
    # A guest is asked to log in, as on every page of an account (people.owners.own_account).
    expected = {"creator": 200, "guest": 302}.get(viewer, 404)
    assert response.status_code == expected


def test_readings_of_restricted_works_stay_for_their_reader(world):
    stranger = world["users"]["stranger"]
    client = _client(world, "stranger")
    client.get(f"/works/{world['ids']['restricted']}")
    client.get(f"/works/{world['ids']['public']}")
    page = client.get("/users/matrix_stranger/readings").content.decode()
    assert "Restricted Work" in page and "Public Work" in page
    assert Reading.objects.filter(user=stranger).count() == 2


def test_stats_page_counts_posted_works_only(world):
    page = _client(world, "creator").get("/users/matrix_creator/stats").content.decode()
    assert "Public Work" in page and "Restricted Work" in page
    assert "Draft Work" not in page and "Deleted Work" not in page


def test_a_blurbs_numbers_follow_its_visibility(world):
    for n in range(2):
        client = Client()
        client.force_login(make_user(f"fan_{n}"))
        client.post(f"/works/{world['ids']['restricted']}/kudos")
    guest_page = Client().get("/works").content.decode()
    assert "Restricted Work" not in guest_page
    reader_page = _client(world, "stranger").get("/works").content.decode()
    assert f'<a href="/works/{world["ids"]["restricted"]}/kudos">2</a>' in reader_page


# --- the API ----------------------------------------------------------------------------------


def _headers(world: dict, viewer: str) -> dict:
    user = world["users"][viewer]
    if user is None:
        return {}
    _, key = create_api_token(user, "matrix")
    return {"Authorization": f"Bearer {key}"}


API_STATUS = {"read": 200, "login": 401, "missing": 404}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_kudos(world, viewer, state):
    work_id = world["ids"][state]
    client, headers = Client(REMOTE_ADDR="203.0.113.9"), _headers(world, viewer)
    expected = ACCESS[(state, viewer)]
    listed = client.get(f"/api/v1/works/{work_id}/kudos", headers=headers)
    assert listed.status_code == API_STATUS[expected]
    posted = client.post(f"/api/v1/works/{work_id}/kudos", headers=headers)
    if expected != "read":
        assert posted.status_code == API_STATUS[expected]
        assert posted.json()["errors"]
    elif viewer == "creator":
        assert posted.status_code == 422
        code = "not_posted" if state == "draft" else "own_work"
        assert posted.json()["errors"][0]["code"] == code
    else:
        assert posted.status_code == 201
        assert posted.json()["count"] == 1
    assert Kudos.objects.filter(work_id=work_id).count() == (
        1 if expected == "read" and viewer != "creator" else 0
    )


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_mark_for_later(world, viewer, state):
    work_id = world["ids"][state]
    headers = _headers(world, viewer)
    response = Client().post(f"/api/v1/works/{work_id}/mark_for_later", headers=headers)
    expected = ACCESS[(state, viewer)]
    if viewer == "guest":
        assert response.status_code == 401
    elif expected == "missing":
        assert response.status_code == 404
    elif state == "draft":
        assert response.status_code == 422
    else:
        assert response.status_code == 200
        mine = Client().get("/api/v1/me/readings?show=to-read", headers=headers).json()
        assert [r["work"]["id"] for r in mine["results"]] == [work_id]


@pytest.mark.parametrize("path", ["/me/readings", "/me/readings?show=to-read", "/me/stats"])
def test_api_histories_and_stats_need_a_token(world, path):
    assert Client().get(f"/api/v1{path}").status_code == 401


def test_api_stats_are_the_token_users_own(world):
    mine = Client().get("/api/v1/me/stats", headers=_headers(world, "creator")).json()
    assert sorted(w["title"] for w in mine["works"]) == ["Public Work", "Restricted Work"]
    theirs = Client().get("/api/v1/me/stats", headers=_headers(world, "stranger")).json()
    assert theirs["works"] == []


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_mark_as_read(world, viewer, state):
    """Taking a work off Marked for Later answers like marking it: guests log in, works the
    viewer can't read don't exist, and only the viewer's own row changes."""
    work_id = world["ids"][state]
    client = _client(world, viewer)
    client.post(f"/works/{work_id}/mark_for_later")
    unmarked = client.post(f"/works/{work_id}/mark_as_read")
    expected = ACCESS[(state, viewer)]
    rows = Reading.objects.filter(work_id=work_id)
    if viewer == "guest":
        assert unmarked.status_code == 302 and "/users/login" in unmarked["Location"]
    elif expected == "missing":
        assert unmarked.status_code == 404
    else:
        assert unmarked.status_code in {200, 302}
    assert not rows.filter(marked_for_later=True).exists()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_clearing_a_history_is_its_owners_alone(world, viewer):
    stranger = world["users"]["stranger"]
    _client(world, "stranger").get(f"/works/{world['ids']['public']}")
    assert Reading.objects.filter(user=stranger).exists()
    response = _client(world, viewer).post(
        "/users/matrix_stranger/readings/clear", {"confirm": "yes"}
    )
    if viewer == "stranger":  # the history's owner
        assert response.status_code == 302
        assert not Reading.objects.filter(user=stranger).exists()
    else:  # another account gets the 404; a guest is sent to log in
        assert response.status_code == (302 if viewer == "guest" else 404)
        assert Reading.objects.filter(user=stranger).exists()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_kudos_script(world, viewer, state):
    """AO3's `/kudos.js` gives kudos where the page's button does, and for every work the viewer
    may not read the same answer as for one that never existed."""
    work_id = world["ids"][state]
    response = _client(world, viewer).post(
        "/kudos.js", {"kudo[commentable_id]": str(work_id), "kudo[commentable_type]": "Work"}
    )
    counted = Kudos.objects.filter(work_id=work_id).count()
    readable = ACCESS[(state, viewer)] == "read"
    if readable and viewer != "creator":
        assert response.status_code == 201
        assert counted == 1
    elif readable:
        # The creator, who knows the work: their own draft isn't posted, their own work is theirs.
        reason = "not_posted" if state == "draft" else "pseud"
        assert response.status_code == 422 and reason in response.json()["errors"]
        assert counted == 0
    else:
        assert response.status_code == 422
        assert response.json() == {
            "errors": {"no_commentable": ["What did you want to leave kudos on?"]}
        }
        assert counted == 0
