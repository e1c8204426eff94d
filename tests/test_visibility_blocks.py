"""Blocks and mutes in the visibility matrix: who blocked or muted whom is the blocker's (the
muter's) alone. Viewers: a guest, a stranger, the blocked (and muted) user, an admin, the owner.
Routes: every blocks and mutes page and form, the profile's buttons and the API's lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from lifestream.testing import make_admin, make_user, make_work
from people.models import Block, Mute
from people.services import block_user, create_api_token, mute_user

VIEWERS = ("guest", "stranger", "target", "admin", "owner")

PAGES = {
    "blocked list": "/users/{login}/blocked/users",
    "muted list": "/users/{login}/muted/users",
    "confirm block": "/users/{login}/blocked/users/confirm_block?blocked_id=matrix_other",
    "confirm unblock": "/users/{login}/blocked/users/confirm_unblock?blocked_id=matrix_target",
    "confirm mute": "/users/{login}/muted/users/confirm_mute?muted_id=matrix_other",
    "confirm unmute": "/users/{login}/muted/users/confirm_unmute?muted_id=matrix_target",
}
FORMS = {
    "block": ("/users/{login}/blocked/users", {"blocked_id": "matrix_other"}),
    "unblock": ("/users/{login}/blocked/users/unblock", {"blocked_id": "matrix_target"}),
    "mute": ("/users/{login}/muted/users", {"muted_id": "matrix_other"}),
    "unmute": ("/users/{login}/muted/users/unmute", {"muted_id": "matrix_target"}),
}


@pytest.fixture
def world(db) -> dict[str, Any]:
    owner = make_user("matrix_owner")
    target = make_user("matrix_target")
    make_user("matrix_other")
    users = {
        "guest": None,
        "stranger": make_user("matrix_stranger"),
        "target": target,
        "admin": make_admin("matrix_admin"),
        "owner": owner,
    }
    make_work(owner, title="Owner's Work")
    make_work(target, title="Target's Work")
    block_user(owner, target)
    mute_user(owner, target)
    return {"users": users, "owner": owner, "target": target}


def _client(world: dict[str, Any], viewer: str) -> Client:
    client = Client()
    if world["users"][viewer] is not None:
        client.force_login(world["users"][viewer])
    return client


def _no_csrf(html: str) -> str:
    """The page without its CSRF tokens (in forms, the page's meta tag, and the header htmx
    sends), nor the language picker's way back to the address asked for."""
    html = re.sub(r'name="(csrfmiddlewaretoken|authenticity_token)" value="[^"]+"', "", html)
    html = re.sub(r'name="next" value="[^"]*"', "", html)
    html = re.sub(r'name="csrf-token" content="[^"]+"', "", html)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", html)


def _state() -> set[tuple[str, str, str]]:
    blocks = {
        ("block", *pair)
        for pair in Block.objects.values_list("blocker__username", "blocked__username")
    }
    mutes = {
        ("mute", *pair) for pair in Mute.objects.values_list("muter__username", "muted__username")
    }
    return blocks | mutes


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_pages_are_the_owners_alone(world, viewer, page):
    response = _client(world, viewer).get(PAGES[page].format(login="matrix_owner"))
    html = response.content.decode()
    if viewer == "owner":
        assert response.status_code == 200
        return
    if viewer == "guest":
        # Sent to log in, as for any account page: the answer is the same for a login that
        # doesn't exist, so it says nothing.
        assert response.status_code == 302
        assert response["Location"].startswith("/users/login?next=")
    else:
        assert response.status_code == 404
        # The same page as for a login no one has: nothing about the owner's lists.
        missing = _client(world, viewer).get(PAGES[page].format(login="no_such_login"))
        assert _no_csrf(html) == _no_csrf(missing.content.decode())
    assert "Blocked Users" not in html and "Muted Users" not in html


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("viewer", ("guest", "stranger", "admin"))
def test_a_missing_account_answers_like_a_present_one(world, viewer, page):
    client = _client(world, viewer)
    present = client.get(PAGES[page].format(login="matrix_owner"))
    missing = client.get(PAGES[page].format(login="no_such_login"))
    assert present.status_code == missing.status_code


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_only_the_owner_changes_their_lists(world, viewer, form):
    before = _state()
    path, data = FORMS[form]
    response = _client(world, viewer).post(path.format(login="matrix_owner"), data)
    if viewer == "owner":
        assert response.status_code == 302
        assert _state() != before
    else:
        assert response.status_code in {302, 404}
        if response.status_code == 302:
            assert response["Location"].startswith("/users/login")
        assert _state() == before


@pytest.mark.parametrize("viewer", ("stranger", "target", "admin", "owner"))
def test_each_viewers_own_lists_show_only_what_they_did(world, viewer):
    user = world["users"][viewer]
    client = _client(world, viewer)
    for kind in ("blocked", "muted"):
        html = client.get(f"/users/{user.username}/{kind}/users").content.decode()
        if viewer == "owner":
            assert "matrix_target" in html
        else:
            # Nothing on the blocked user's own pages names who blocked or muted them.
            assert "matrix_owner" not in html
            assert f"You haven't {kind} anyone." in html.replace("&#x27;", "'")


def _profile(client: Client, login: str) -> str:
    return _no_csrf(client.get(f"/users/{login}").content.decode())


@pytest.mark.parametrize("viewer", ("guest", "stranger", "target", "admin"))
def test_the_owners_profile_does_not_tell_who_they_blocked_or_muted(db, viewer):
    """The page a viewer gets of the owner's profile is the same before and after the owner
    blocks and mutes the target: the buttons describe the viewer's own choices only."""
    owner = make_user("matrix_owner")
    target = make_user("matrix_target")
    users = {
        "guest": None,
        "stranger": make_user("matrix_stranger"),
        "target": target,
        "admin": make_admin("matrix_admin"),
    }
    make_work(owner, title="Owner's Work")
    client = Client()
    user = users[viewer]
    if user is not None:
        client.force_login(user)
    before = _profile(client, "matrix_owner")
    block_user(owner, target)
    mute_user(owner, target)
    after = _profile(client, "matrix_owner")
    assert after == before
    assert "Blocked Users" not in after and "Muted Users" not in after
    # And the target's own profile, seen by anyone but the owner, doesn't say so either.
    assert "Unblock" not in _profile(client, "matrix_target")
    assert "Unmute" not in _profile(client, "matrix_target")


def test_the_blocked_user_sees_block_buttons_as_anyone_does(world):
    html = _profile(_client(world, "target"), "matrix_owner")
    assert ">Block</a>" in html and ">Mute</a>" in html
    assert "Unblock" not in html and "Unmute" not in html


# --- API --------------------------------------------------------------------------------------


def _api_get(world: dict[str, Any], viewer: str, path: str) -> Any:
    user = world["users"][viewer]
    headers = {}
    if user is not None:
        headers = {"Authorization": f"Bearer {create_api_token(user, 't')[1]}"}
    return Client().get("/api/v1" + path, headers=headers)


@pytest.mark.parametrize("path", ["/me/blocks", "/me/mutes"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_lists_are_the_token_owners_alone(world, viewer, path):
    response = _api_get(world, viewer, path)
    if viewer == "guest":
        assert response.status_code == 401
        return
    assert response.status_code == 200
    users = [row["user"] for row in response.json()["results"]]
    assert users == (["matrix_target"] if viewer == "owner" else [])


@pytest.mark.parametrize("viewer", VIEWERS)
def test_the_api_has_no_way_to_ask_about_someone_elses_blocks(world, viewer):
    for path in (
        "/users/matrix_owner/blocks",
        "/me/blocks?user=matrix_owner",
        "/me/blocks/matrix_target",
    ):
        response = _api_get(world, viewer, path)
        body = response.json()
        assert "matrix_target" not in str(body) or viewer == "owner"
        if viewer != "owner":
            assert "results" not in body or body["results"] == []


def test_the_api_delete_of_someone_elses_block_is_not_found(world):
    stranger = world["users"]["stranger"]
    key = create_api_token(stranger, "t")[1]
    response = Client().delete(
        "/api/v1/me/blocks/matrix_target", headers={"Authorization": f"Bearer {key}"}
    )
    assert response.status_code == 404
    assert Block.objects.filter(blocker=world["owner"], blocked=world["target"]).exists()


def test_openapi_lists_only_me_routes_for_blocks(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/me/blocks" in paths and "/api/v1/me/mutes" in paths
    assert [p for p in paths if "block" in p or "mute" in p] == [
        "/api/v1/me/blocks",
        "/api/v1/me/blocks/{login}",
        "/api/v1/me/mutes",
        "/api/v1/me/mutes/{login}",
    ]
