"""The visibility matrix for subscriptions, the inbox and the user feed: every viewer (guest,
stranger, the creator, an admin, and the owner of the private pages) × every work state
(public, restricted, draft, deleted) × every route, notice and API answer of this area."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from shared_world import module_world

from feedback.models import Comment, Notification, NotificationKind, Subscription
from feedback.notify import notify
from feedback.services.subscriptions import subscribe
from lifestream.testing import make_admin, make_user, make_work
from people.models import Mute
from people.services import create_api_token

VIEWERS = ("guest", "stranger", "creator", "admin")
STATES = ("public", "restricted", "draft", "deleted")


def _build_world():
    creator = make_user("matrix_creator")
    stranger = make_user("matrix_stranger")
    admin = make_admin("matrix_admin")
    owner = make_user("matrix_reader")
    # The owner of the private pages follows the creator before anything is posted, so every
    # state raises (or doesn't raise) its notice.
    subscribe(owner, creator=creator)
    works = {
        "public": make_work(creator, title="Public Work"),
        "restricted": make_work(creator, title="Restricted Work", restricted=True),
        "draft": make_work(creator, title="Draft Work", draft=True),
        "deleted": make_work(creator, title="Deleted Work"),
    }
    deleted_id = works["deleted"].pk
    works["deleted"].delete()
    users = {
        "guest": None,
        "stranger": stranger,
        "creator": creator,
        "admin": admin,
        "owner": owner,
    }
    return {"users": users, "works": works, "creator": creator, "deleted_id": deleted_id}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(world, viewer) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _work_id(world, state) -> int:
    return world["deleted_id"] if state == "deleted" else world["works"][state].pk


# --- notices ----------------------------------------------------------------------------------

NOTIFIED = {"public": True, "restricted": True, "draft": False, "deleted": False}


@pytest.mark.parametrize("state", STATES)
def test_subscriber_notices_by_state(world, state):
    owner = world["users"]["owner"]
    titles = set(Notification.objects.filter(user=owner).values_list("work__title", flat=True))
    assert (f"{state.capitalize()} Work" in titles) is NOTIFIED[state]
    inbox = _client(world, "owner").get("/users/matrix_reader/inbox").content.decode()
    assert (f"{state.capitalize()} Work" in inbox) is NOTIFIED[state]


def test_the_creator_gets_no_notice_of_their_own_work(world):
    assert not Notification.objects.filter(user=world["creator"]).exists()


# --- private pages ----------------------------------------------------------------------------

PRIVATE_PAGES = ("/users/matrix_reader/inbox", "/users/matrix_reader/subscriptions")


@pytest.mark.parametrize("page", PRIVATE_PAGES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_private_pages_are_the_owners_alone(world, viewer, page):
    response = _client(world, viewer).get(page)
    if viewer == "guest":
        assert response.status_code == 302
        assert response["Location"].startswith("/users/login?next=")
    else:
        assert response.status_code == 404
        assert b"Public Work" not in response.content


@pytest.mark.parametrize("page", PRIVATE_PAGES)
def test_private_pages_for_their_owner(world, page):
    response = _client(world, "owner").get(page)
    assert response.status_code == 200


@pytest.mark.parametrize("viewer", VIEWERS)
def test_nobody_else_changes_an_inbox(world, viewer):
    notices = list(
        Notification.objects.filter(user=world["users"]["owner"]).values_list("pk", flat=True)
    )
    _client(world, viewer).post(
        "/users/matrix_reader/inbox", {"action": "delete", "notices": notices}
    )
    _client(world, viewer).post("/users/matrix_reader/inbox", {"action": "read_all"})
    assert Notification.objects.filter(pk__in=notices, read_at__isnull=True).count() == 2


@pytest.mark.parametrize("viewer", VIEWERS)
def test_nobody_else_sees_or_cancels_a_subscription(world, viewer):
    subscription = Subscription.objects.get(user=world["users"]["owner"])
    response = _client(world, viewer).post(
        f"/users/matrix_reader/subscriptions/{subscription.pk}/delete"
    )
    assert response.status_code in {302, 404}
    if viewer == "guest":
        assert response["Location"].startswith("/users/login?next=")
    assert Subscription.objects.filter(pk=subscription.pk).exists()


# --- subscribing to works in each state -------------------------------------------------------

# Who may subscribe to a work: registered readers of a posted work, never its creators.
SUBSCRIBE = {
    ("public", "stranger"): 302,
    ("public", "admin"): 302,
    ("restricted", "stranger"): 302,
    ("restricted", "admin"): 302,
}


def _subscribe_form(names: str, work_id: int) -> dict[str, object]:
    """Lifestream's subscribe form, or AO3's (which clients written for AO3 post)."""
    if names == "ao3":
        return {
            "subscription[subscribable_type]": "Work",
            "subscription[subscribable_id]": work_id,
        }
    return {"work_id": work_id}


@pytest.mark.parametrize("names", ("lifestream", "ao3"))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", ("stranger", "creator", "admin"))
def test_subscribing_to_a_work(world, viewer, state, names):
    user = world["users"][viewer]
    work_id = _work_id(world, state)
    response = _client(world, viewer).post(
        f"/users/{user.username}/subscriptions", _subscribe_form(names, work_id)
    )
    subscribed = Subscription.objects.filter(user=user, work_id=work_id).exists()
    expected = SUBSCRIBE.get((state, viewer))
    if expected:
        assert response.status_code == expected and subscribed
    else:
        assert not subscribed
        # Drafts of others and deleted works don't exist; the creator is told why.
        assert response.status_code == (302 if viewer == "creator" and state != "deleted" else 404)


@pytest.mark.parametrize("names", ("lifestream", "ao3"))
@pytest.mark.parametrize("state", STATES)
def test_guests_are_sent_to_log_in(world, state, names):
    response = _client(world, "guest").post(
        "/users/matrix_reader/subscriptions", _subscribe_form(names, _work_id(world, state))
    )
    assert response["Location"].startswith("/users/login?next=")


BUTTON = {
    ("public", "stranger"),
    ("public", "admin"),
    ("restricted", "stranger"),
    ("restricted", "admin"),
}


@pytest.mark.parametrize("state", ("public", "restricted", "draft"))
@pytest.mark.parametrize("viewer", VIEWERS)
def test_subscribe_button(world, viewer, state):
    response = _client(world, viewer).get(f"/works/{_work_id(world, state)}?view_adult=true")
    shown = '<li class="subscribe">' in response.content.decode()
    assert shown is ((state, viewer) in BUTTON)


# --- the feed ---------------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", VIEWERS)
def test_feed_lists_only_what_a_guest_may_see(world, viewer):
    response = _client(world, viewer).get("/users/matrix_creator/works/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "Public Work" in body
    for hidden in ("Restricted Work", "Draft Work", "Deleted Work"):
        assert hidden not in body


def test_feed_of_an_unknown_user_is_not_found(world):
    assert Client().get("/users/nobody_at_all/works/feed.atom").status_code == 404


def test_works_page_links_the_feed(world):
    page = Client().get("/users/matrix_creator/works").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Works by matrix_creator" '
        'href="/users/matrix_creator/works/feed.atom">' in page
    )


# --- the API ----------------------------------------------------------------------------------


def _api_post(user, path, body):
    _, key = create_api_token(user, "matrix")
    return Client().post(
        "/api/v1" + path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )


def _api_get(user, path):
    headers = {}
    if user is not None:
        _, key = create_api_token(user, "matrix")
        headers = {"Authorization": f"Bearer {key}"}
    return Client().get("/api/v1" + path, headers=headers)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", ("stranger", "creator", "admin"))
def test_api_subscribing_to_a_work(world, viewer, state):
    response = _api_post(
        world["users"][viewer], "/subscriptions", {"work_id": _work_id(world, state)}
    )
    expected = SUBSCRIBE.get((state, viewer))
    if expected:
        assert response.status_code == 201
    elif viewer == "creator" and state != "deleted":
        assert response.status_code == 422
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("path", ("/subscriptions", "/inbox"))
@pytest.mark.parametrize("viewer", (*VIEWERS, "owner"))
def test_api_private_lists_answer_only_about_the_token_user(world, viewer, path):
    response = _api_get(world["users"][viewer], path)
    if viewer == "guest":
        assert response.status_code == 401
        return
    body = response.json()
    if viewer == "owner":
        assert body["count"] == (2 if path == "/inbox" else 1)
    else:
        assert body["count"] == 0


def test_api_inbox_lists_only_readable_notices(world):
    body = _api_get(world["users"]["owner"], "/inbox").json()
    assert sorted(n["work"]["title"] for n in body["results"]) == ["Public Work", "Restricted Work"]


def test_notices_from_muted_users_leave_the_inbox(world):
    owner = world["users"]["owner"]
    Mute.objects.create(muter=owner, muted=make_user("someone_else"))
    assert _api_get(owner, "/inbox").json()["count"] == 2
    comment_writer = make_user("loud_commenter")
    own = make_work(owner, title="Owner's Own")
    comment = Comment.objects.create(
        work=own, user=comment_writer, pseud=comment_writer.default_pseud, body="<p>Hi</p>"
    )
    notify([owner.pk], NotificationKind.COMMENT, work=own, comment=comment, actor=comment_writer)
    assert _api_get(owner, "/inbox").json()["count"] == 3
    Mute.objects.create(muter=owner, muted=comment_writer)
    assert _api_get(owner, "/inbox").json()["count"] == 2
