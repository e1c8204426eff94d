"""Co-creators and gifts in the visibility matrix.

Viewers: a guest, a stranger, a pending invitee (a stranger everywhere), an accepted co-creator
(a creator everywhere), the creator who invited them, an admin. States of a work: public,
restricted, draft, deleted. Routes: the work page, its edit pages, the drafts page, the
user's works, dashboard and pseud pages, the gifts page, the co-creator requests page and the
API's work and invitation answers."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from shared_world import module_world

from lifestream.testing import first_chapter, make_admin, make_user, make_work
from people.services import create_api_token
from works import credits, services
from works.models import Creatorship

VIEWERS = ("guest", "stranger", "invitee", "cocreator", "creator", "admin")
STATES = ("public", "restricted", "draft", "deleted")
# Who may read a work in each state: the invitee reads as a stranger, the co-creator as a creator.
READERS = {
    "public": set(VIEWERS),
    "restricted": set(VIEWERS) - {"guest"},
    "draft": {"cocreator", "creator"},
    "deleted": set(),
}
EDITORS = {"cocreator", "creator"}


def _build_world():
    creator = make_user("matrix_creator")
    invitee = make_user("matrix_invitee")
    cocreator = make_user("matrix_cocreator")
    recipient = make_user("matrix_recipient")
    users = {
        "guest": None,
        "stranger": make_user("matrix_stranger"),
        "invitee": invitee,
        "cocreator": cocreator,
        "creator": creator,
        "admin": make_admin("matrix_admin"),
    }
    works = {
        "public": make_work(creator, title="Public Work", chapters=2),
        "restricted": make_work(creator, title="Restricted Work", restricted=True, chapters=2),
        "draft": make_work(creator, title="Draft Work", draft=True, chapters=2),
        "deleted": make_work(creator, title="Deleted Work"),
    }
    for work in works.values():
        data = dataclasses.replace(
            services.work_data_from(work),
            co_creators=["matrix_invitee", "matrix_cocreator"],
            gifts=["matrix_recipient"],
        )
        services.update_work(creator, work, data)
        credits.accept_invitation(
            cocreator, Creatorship.invitations.get(work=work, pseud__user=cocreator).pk
        )
    ids = {state: work.pk for state, work in works.items()}
    chapters = {state: first_chapter(work).pk for state, work in works.items()}
    services.delete_work(works["deleted"])
    return {"users": users, "ids": ids, "chapters": chapters, "recipient": recipient}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(world, viewer: str) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _api(world, viewer: str) -> Client:
    user = world["users"][viewer]
    if user is None:
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_api_token(user, 'matrix')[1]}")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_work_page(world, viewer, state):
    response = _client(world, viewer).get(f"/works/{world['ids'][state]}?view_full_work=true")
    if viewer in READERS[state]:
        assert response.status_code == 200
        page = response.content.decode()
        assert 'href="/users/matrix_cocreator/pseuds/matrix_cocreator"' in page
        assert "/users/matrix_invitee/pseuds/" not in page
        assert '<a href="/users/matrix_recipient/gifts">matrix_recipient</a>' in page
    elif state == "restricted":
        assert response.status_code == 302
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_edit_pages(world, viewer, state):
    client = _client(world, viewer)
    work_id, chapter_id = world["ids"][state], world["chapters"][state]
    for path in (
        f"/works/{work_id}/edit",
        f"/works/{work_id}/chapters/{chapter_id}/edit",
        f"/works/{work_id}/chapters/new",
    ):
        response = client.get(path)
        if viewer in EDITORS and state != "deleted":
            assert response.status_code == 200, path
        elif viewer == "guest" or state == "deleted" or viewer not in READERS[state]:
            assert response.status_code in {302, 404}, path
        else:
            assert response.status_code == 403, path


@pytest.mark.parametrize("viewer", VIEWERS)
def test_drafts_pages(world, viewer):
    # Each account's own drafts page: the co-creator's lists the draft, the invitee's doesn't.
    client = _client(world, viewer)
    for owner in ("invitee", "cocreator"):
        response = client.get(f"/users/matrix_{owner}/works/drafts")
        if viewer != owner:
            assert response.status_code in {302, 404}
            continue
        listed = "Draft Work" in response.content.decode()
        assert listed is (owner == "cocreator")


@pytest.mark.parametrize("viewer", VIEWERS)
def test_user_pages_list_accepted_works_only(world, viewer):
    client = _client(world, viewer)
    visible = {"Public Work"} | ({"Restricted Work"} if viewer != "guest" else set())
    for path in (
        "/users/matrix_cocreator/works",
        "/users/matrix_cocreator",
        "/users/matrix_cocreator/pseuds/matrix_cocreator",
    ):
        page = client.get(path).content.decode()
        shown = {t for t in ("Public Work", "Restricted Work", "Draft Work") if t in page}
        assert shown == visible, path
    for path in ("/users/matrix_invitee/works", "/users/matrix_invitee"):
        page = client.get(path).content.decode()
        assert not any(t in page for t in ("Public Work", "Restricted Work", "Draft Work"))
    count = client.get("/users/matrix_cocreator").context["work_count"]
    assert count == len(visible)
    assert client.get("/users/matrix_invitee").context["work_count"] == 0


@pytest.mark.parametrize("viewer", VIEWERS)
def test_gifts_page_shows_only_what_the_viewer_may_see(
    world, viewer, django_assert_max_num_queries
):
    client = _client(world, viewer)
    with django_assert_max_num_queries(12):
        response = client.get("/users/matrix_recipient/gifts")
    page = response.content.decode()
    visible = {"Public Work"} | ({"Restricted Work"} if viewer != "guest" else set())
    shown = {
        t for t in ("Public Work", "Restricted Work", "Draft Work", "Deleted Work") if t in page
    }
    assert shown == visible
    assert "Refuse Gift" not in page  # only the recipient's own page offers it


def test_the_recipient_sees_the_same_and_may_refuse(world):
    client = Client()
    client.force_login(world["recipient"])
    page = client.get("/users/matrix_recipient/gifts").content.decode()
    assert "Public Work" in page and "Restricted Work" in page and "Draft Work" not in page
    assert page.count("Refuse Gift") == 2


@pytest.mark.parametrize("viewer", VIEWERS)
def test_requests_page_is_the_invitees_alone(world, viewer):
    response = _client(world, viewer).get("/users/matrix_invitee/creatorships")
    if viewer == "invitee":
        page = response.content.decode()
        # The invitations (a draft's title included: the invitation names it) and nothing else.
        assert page.count('class="creatorship group"') == 3
    else:
        assert response.status_code in {302, 404}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_work(world, viewer, state):
    response = _api(world, viewer).get(f"/api/v1/works/{world['ids'][state]}")
    if viewer in READERS[state]:
        body = response.json()
        assert [c["user"] for c in body["creators"]] == ["matrix_creator", "matrix_cocreator"]
        assert [g["user"] for g in body["gifts"]] == ["matrix_recipient"]
    else:
        assert response.status_code in {401, 404}


@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_invitations_are_the_invitees_alone(world, viewer):
    response = _api(world, viewer).get("/api/v1/me/creatorships")
    if viewer == "guest":
        assert response.status_code == 401
    elif viewer == "invitee":
        assert len(response.json()) == 3
    else:
        assert response.json() == []


@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_listing_never_names_the_invitee(world, viewer):
    body = _api(world, viewer).get("/api/v1/works").content.decode()
    assert "matrix_invitee" not in body
