"""Orphaning in the visibility matrix: who may open and post the orphaning pages and the API
route, and what each may orphan.

Viewers: a guest, a stranger, the creator, an accepted co-creator (a creator everywhere), an
admin (a stranger everywhere: orphaning is a creator's own act, the admin site has no such
action). States of a work: public, restricted, draft, anonymous, scheduled (an hour ahead).
Routes: `/works/ID/orphan`, `/users/LOGIN/orphan`, `/users/LOGIN/pseuds/PSEUD/orphan` (GET and
POST) and `POST /api/v1/works/ID/orphan`.

A work the viewer may read but didn't write answers 403, one they can't read 404, as the
editor's getter does; drafts and scheduled works are never orphaned (they are not posted yet);
an account's pages are its owner's alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from shared_world import module_world

from lifestream.testing import make_admin, make_user, make_work
from people.services import create_api_token
from works.models import Creatorship

VIEWERS = ("guest", "stranger", "creator", "co_creator", "admin")
STATES = ("public", "restricted", "draft", "anonymous", "scheduled")
CREATORS = {"creator", "co_creator"}
# Not posted yet: shown to their creators only, and left alone by orphaning.
UNPOSTED = {"draft", "scheduled"}
TITLES = {state: f"{state.capitalize()} Orphanable" for state in STATES}
ORPHAN = "orphan_account"


def _build_world():
    creator = make_user("orphan_creator")
    co_creator = make_user("orphan_cocreator")
    users = {
        "guest": None,
        "stranger": make_user("orphan_stranger"),
        "creator": creator,
        "co_creator": co_creator,
        "admin": make_admin("orphan_admin"),
    }
    later = timezone.now() + dt.timedelta(hours=1)
    works = {
        state: make_work(
            creator,
            title=TITLES[state],
            restricted=state == "restricted",
            draft=state == "draft",
            anonymous=state == "anonymous",
            scheduled_for=later if state == "scheduled" else None,
        )
        for state in STATES
    }
    for work in works.values():
        # Accepted, as a co-creator invitation is once its invitee says yes.
        Creatorship.objects.create(work=work, pseud=co_creator.default_pseud, position=1)
    return {"users": users, "works": works}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(world, viewer: str) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _credits(work) -> list[str]:
    return [c.pseud.user.username for c in Creatorship.objects.filter(work=work)]


def _credits_after(viewer: str, state: str) -> list[str]:
    """The work's creators after `viewer` tried to orphan it: only a creator's own credit goes,
    and only from a posted work."""
    if viewer in CREATORS and state not in UNPOSTED:
        return [ORPHAN, "orphan_cocreator"] if viewer == "creator" else ["orphan_creator", ORPHAN]
    return ["orphan_creator", "orphan_cocreator"]


def _refused(state: str) -> int:
    """What the work's routes answer a logged-in viewer who is not its creator: 403 for a work
    they may read, 404 for one they may not."""
    return 404 if state in UNPOSTED else 403


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_work_orphan_page(world, viewer, state):
    work = world["works"][state]
    client = _client(world, viewer)
    url = f"/works/{work.pk}/orphan"
    response = client.get(url)
    if viewer == "guest":
        assert response.status_code == 302 and "/users/login" in response["Location"]
    elif viewer in CREATORS:
        assert response.status_code == 200
        page = response.content.decode()
        assert TITLES[state] in page
        # A draft or a scheduled work is named as left alone, with no form to orphan it.
        assert (">Orphan</button>" in page) is (state not in UNPOSTED)
        assert ("Drafts can't be orphaned" in page) is (state in UNPOSTED)
    else:
        assert response.status_code == _refused(state)
        assert TITLES[state] not in response.content.decode()
    answer = client.post(url, {"understood": "on", "pseud_choice": "take_off"})
    if viewer == "guest":
        assert answer.status_code == 302 and "/users/login" in answer["Location"]
    elif viewer in CREATORS:
        if state in UNPOSTED:
            assert answer.status_code == 200
        else:
            assert answer.status_code == 302
            assert answer["Location"] == f"/users/{world['users'][viewer].username}/works"
    else:
        assert answer.status_code == _refused(state)
    assert _credits(work) == _credits_after(viewer, state)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_orphan(world, viewer, state):
    work = world["works"][state]
    headers = {}
    if world["users"][viewer] is not None:
        _, key = create_api_token(world["users"][viewer], "orphaning")
        headers["Authorization"] = f"Bearer {key}"
    response = Client().post(
        f"/api/v1/works/{work.pk}/orphan",
        {"keep_pseud": False, "confirm": True},
        content_type="application/json",
        headers=headers,
    )
    if viewer == "guest":
        assert response.status_code == 401
    elif viewer in CREATORS:
        if state in UNPOSTED:
            assert response.status_code == 422
            assert response.json()["errors"][0]["code"] == "draft"
        else:
            assert response.status_code == 200
            data = response.json()
            assert data["title"] == TITLES[state]
            # No longer a creator, the viewer is answered as any reader: an anonymous work
            # does not name the co-creator who stays.
            users = [creator["user"] for creator in data["creators"]]
            if state == "anonymous":
                assert users == []
            else:
                assert ORPHAN in users
    else:
        assert response.status_code == _refused(state)
        assert TITLES[state] not in response.content.decode()
    assert _credits(work) == _credits_after(viewer, state)


def _account_url(route: str, login: str) -> str:
    if route == "all":
        return f"/users/{login}/orphan"
    return f"/users/{login}/pseuds/{login}/orphan"


@pytest.mark.parametrize("route", ["all", "pseud"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_account_orphan_pages(world, viewer, route):
    """The creator's pages, opened by each viewer: the creator's alone. Every state's work is
    there, the unposted ones named as left alone."""
    url = _account_url(route, "orphan_creator")
    client = _client(world, viewer)
    response = client.get(url)
    if viewer == "guest":
        assert response.status_code == 302 and "/users/login" in response["Location"]
    elif viewer == "creator":
        assert response.status_code == 200
        page = response.content.decode()
        assert all(TITLES[state] in page for state in STATES)
        drafts = page[page.index("Drafts can't be orphaned") :]
        assert all((TITLES[state] in drafts) is (state in UNPOSTED) for state in STATES)
    else:
        assert response.status_code == 404
        assert not any(TITLES[state] in response.content.decode() for state in STATES)
    answer = client.post(url, {"understood": "on", "pseud_choice": "take_off"})
    if viewer == "guest":
        assert answer.status_code == 302 and "/users/login" in answer["Location"]
    elif viewer == "creator":
        assert answer.status_code == 302
    else:
        assert answer.status_code == 404
    for state in STATES:
        expected = _credits_after("creator" if viewer == "creator" else "stranger", state)
        assert _credits(world["works"][state]) == expected


@pytest.mark.parametrize("route", ["all", "pseud"])
def test_a_co_creator_orphans_their_own_credit_from_their_own_pages(world, route):
    client = _client(world, "co_creator")
    url = _account_url(route, "orphan_cocreator")
    page = client.get(url).content.decode()
    assert all(TITLES[state] in page for state in STATES)
    assert client.post(url, {"understood": "on", "pseud_choice": "take_off"}).status_code == 302
    for state in STATES:
        assert _credits(world["works"][state]) == _credits_after("co_creator", state)
