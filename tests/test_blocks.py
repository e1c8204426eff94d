"""Blocking and muting: the services' rules and limits, the owner's pages, the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from access.visibility import muted_user_ids
from lifestream.core.errors import InvalidInput
from lifestream.testing import make_admin, make_user
from people import models as people_models
from people.models import Block, Mute
from people.services import (
    block_user,
    create_api_token,
    mute_user,
    unblock_user,
    unmute_user,
)


def _code(excinfo: pytest.ExceptionInfo[InvalidInput]) -> str:
    return excinfo.value.errors[0].code


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- services ---------------------------------------------------------------------------------


def test_block_and_unblock(author, reader):
    block = block_user(author, reader)
    assert Block.objects.get() == block
    assert (block.blocker, block.blocked) == (author, reader)
    assert unblock_user(author, reader) is True
    assert not Block.objects.exists()


def test_blocking_twice_says_it_is_already_blocked(author, reader):
    block_user(author, reader)
    with pytest.raises(InvalidInput) as excinfo:
        block_user(author, reader)
    assert _code(excinfo) == "already_blocked"
    assert "already blocked tifa_reader" in excinfo.value.errors[0].message
    assert Block.objects.count() == 1


def test_unblocking_someone_not_blocked_changes_nothing(author, reader):
    assert unblock_user(author, reader) is False
    assert unmute_user(author, reader) is False


def test_no_one_blocks_or_mutes_themselves(author):
    with pytest.raises(InvalidInput) as excinfo:
        block_user(author, author)
    assert _code(excinfo) == "self_block"
    with pytest.raises(InvalidInput) as excinfo:
        mute_user(author, author)
    assert _code(excinfo) == "self_mute"
    assert not Block.objects.exists() and not Mute.objects.exists()


@pytest.mark.parametrize("flags", [{"is_staff": True}, {"is_superuser": True}])
def test_official_accounts_cannot_be_blocked_or_muted(reader, flags):
    official = make_user("archive_staff", **flags)
    with pytest.raises(InvalidInput) as excinfo:
        block_user(reader, official)
    assert _code(excinfo) == "staff"
    assert "official" in excinfo.value.errors[0].message
    with pytest.raises(InvalidInput) as excinfo:
        mute_user(reader, official)
    assert _code(excinfo) == "staff"


def test_staff_may_block_others(reader):
    admin = make_admin("an_admin")
    block_user(admin, reader)
    assert Block.objects.filter(blocker=admin, blocked=reader).exists()


def test_block_limit(monkeypatch, author):
    monkeypatch.setattr(people_models, "BLOCKS_MAX", 2)
    others = [make_user(f"blocked_{n}") for n in range(3)]
    block_user(author, others[0])
    block_user(author, others[1])
    with pytest.raises(InvalidInput) as excinfo:
        block_user(author, others[2])
    assert _code(excinfo) == "limit_reached"
    assert "at most 2 users" in excinfo.value.errors[0].message
    assert Block.objects.count() == 2
    # Undoing one makes room again.
    unblock_user(author, others[0])
    block_user(author, others[2])


def test_mute_limit(monkeypatch, author):
    monkeypatch.setattr(people_models, "MUTES_MAX", 1)
    first, second = make_user("muted_one"), make_user("muted_two")
    mute_user(author, first)
    with pytest.raises(InvalidInput) as excinfo:
        mute_user(author, second)
    assert _code(excinfo) == "limit_reached"
    assert Mute.objects.count() == 1


def test_limits_count_per_account(monkeypatch, author, reader, stranger):
    monkeypatch.setattr(people_models, "BLOCKS_MAX", 1)
    block_user(author, stranger)
    block_user(reader, stranger)
    assert Block.objects.count() == 2


def test_muting_twice_says_it_is_already_muted(author, reader):
    mute_user(author, reader)
    with pytest.raises(InvalidInput) as excinfo:
        mute_user(author, reader)
    assert _code(excinfo) == "already_muted"


def test_blocks_and_mutes_are_independent(author, reader):
    block_user(author, reader)
    mute_user(author, reader)
    unblock_user(author, reader)
    assert Mute.objects.filter(muter=author, muted=reader).exists()


def test_changing_mutes_forgets_the_requests_copy(author, reader):
    assert muted_user_ids(author) == frozenset()
    mute_user(author, reader)
    assert muted_user_ids(author) == {reader.pk}
    unmute_user(author, reader)
    assert muted_user_ids(author) == frozenset()


def test_inactive_accounts_cannot_be_blocked(author):
    gone = make_user("gone_user", is_active=False)
    with pytest.raises(InvalidInput) as excinfo:
        block_user(author, gone)
    assert _code(excinfo) == "not_found"


# --- pages ------------------------------------------------------------------------------------


def test_owner_sees_their_blocked_users_newest_first(author, reader, stranger):
    block_user(author, reader)
    block_user(author, stranger)
    response = _logged_in(author).get("/users/cloud_author/blocked/users")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("a_stranger") < html.index("tifa_reader")
    assert "2 Blocked Users" in html
    assert 'action="/users/cloud_author/blocked/users/unblock"' in html
    assert 'name="blocked_id"' in html


def test_muted_list_and_empty_lists(author, reader):
    client = _logged_in(author)
    assert (
        "You haven't muted anyone."
        in client.get("/users/cloud_author/muted/users").content.decode()
    )
    assert (
        "You haven't blocked anyone."
        in client.get("/users/cloud_author/blocked/users").content.decode()
    )
    mute_user(author, reader)
    html = client.get("/users/cloud_author/muted/users").content.decode()
    assert "tifa_reader" in html and "Unmute" in html


def test_confirm_block_explains_then_post_blocks(author, reader):
    client = _logged_in(author)
    response = client.get("/users/cloud_author/blocked/users/confirm_block?blocked_id=tifa_reader")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Are you sure you want to <strong>block</strong> tifa_reader?" in html
    assert "replying to your comments" in html
    assert not Block.objects.exists()  # a GET changes nothing
    response = client.post("/users/cloud_author/blocked/users", {"blocked_id": "tifa_reader"})
    assert response.status_code == 302
    assert response["Location"] == "/users/cloud_author/blocked/users"
    assert Block.objects.filter(blocker=author, blocked=reader).exists()
    html = client.get(response["Location"]).content.decode()
    assert "You have blocked tifa_reader." in html


def test_confirm_block_takes_a_numeric_id_too(author, reader):
    response = _logged_in(author).get(
        f"/users/cloud_author/blocked/users/confirm_block?blocked_id={reader.pk}"
    )
    assert "<strong>block</strong> tifa_reader" in response.content.decode()


def test_confirm_mute_then_unmute(author, reader):
    client = _logged_in(author)
    html = client.get(
        "/users/cloud_author/muted/users/confirm_mute?muted_id=TIFA_READER"
    ).content.decode()
    assert "<strong>mute</strong> tifa_reader" in html
    assert "hides their works, series, bookmarks and comments" in html
    client.post("/users/cloud_author/muted/users", {"muted_id": "tifa_reader"})
    assert Mute.objects.filter(muter=author, muted=reader).exists()
    html = client.get(
        "/users/cloud_author/muted/users/confirm_unmute?muted_id=tifa_reader"
    ).content.decode()
    assert "<strong>unmute</strong> tifa_reader" in html
    response = client.post("/users/cloud_author/muted/users/unmute", {"muted_id": "tifa_reader"})
    assert response["Location"] == "/users/cloud_author/muted/users"
    assert not Mute.objects.exists()
    assert "You have unmuted tifa_reader." in client.get(response["Location"]).content.decode()


def test_unblock_from_the_list(author, reader):
    block_user(author, reader)
    client = _logged_in(author)
    html = client.get(
        "/users/cloud_author/blocked/users/confirm_unblock?blocked_id=tifa_reader"
    ).content.decode()
    assert "lets them comment" in html
    response = client.post(
        "/users/cloud_author/blocked/users/unblock", {"blocked_id": "tifa_reader"}
    )
    assert response.status_code == 302
    assert not Block.objects.exists()
    # A second click (another tab) is harmless.
    response = client.post(
        "/users/cloud_author/blocked/users/unblock", {"blocked_id": "tifa_reader"}, follow=True
    )
    assert "That user wasn&#x27;t blocked." in response.content.decode()


def test_unknown_user_keeps_what_was_typed(author):
    response = _logged_in(author).get(
        "/users/cloud_author/blocked/users/confirm_block?blocked_id=nobody_here"
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is no user called “nobody_here”." in html
    assert 'value="nobody_here"' in html


def test_refusals_are_shown_on_the_list_page(author, monkeypatch):
    client = _logged_in(author)
    html = client.get(
        "/users/cloud_author/blocked/users/confirm_block?blocked_id=cloud_author"
    ).content.decode()
    assert "You can&#x27;t block yourself." in html
    make_admin("boss")
    html = client.get("/users/cloud_author/muted/users/confirm_mute?muted_id=boss").content.decode()
    assert "can&#x27;t mute an official account" in html
    monkeypatch.setattr(people_models, "BLOCKS_MAX", 0)
    make_user("someone_else")
    response = client.get("/users/cloud_author/blocked/users/confirm_block?blocked_id=someone_else")
    assert "at most 0 users" in response.content.decode()


def test_posting_a_refused_block_says_why(author, reader):
    block_user(author, reader)
    response = _logged_in(author).post(
        "/users/cloud_author/blocked/users", {"blocked_id": "tifa_reader"}, follow=True
    )
    assert "You have already blocked tifa_reader." in response.content.decode()
    assert Block.objects.count() == 1


def test_confirm_unblock_of_someone_not_blocked(author, reader):
    response = _logged_in(author).get(
        "/users/cloud_author/blocked/users/confirm_unblock?blocked_id=tifa_reader"
    )
    assert response.status_code == 422
    assert "You haven&#x27;t blocked tifa_reader." in response.content.decode()


def test_block_needs_post_and_csrf(author, reader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    response = client.post("/users/cloud_author/blocked/users", {"blocked_id": "tifa_reader"})
    assert response.status_code == 403
    response = client.get("/users/cloud_author/blocked/users/unblock")
    assert response.status_code == 405
    assert not Block.objects.exists()


@pytest.mark.parametrize("kind", ["blocked", "muted"])
def test_list_pages_query_count_does_not_grow(author, kind, django_assert_num_queries):
    action = block_user if kind == "blocked" else mute_user
    client = _logged_in(author)
    for n in range(3):
        action(author, make_user(f"{kind}_row_{n}"))
    # session, user, count, page of rows (with the other users joined in), and the unread
    # count the user menu and the header share (the mutes a subquery of it)
    with django_assert_num_queries(5):
        response = client.get(f"/users/cloud_author/{kind}/users")
    assert response.status_code == 200
    for n in range(3, 25):
        action(author, make_user(f"{kind}_row_{n}"))
    with django_assert_num_queries(5):
        response = client.get(f"/users/cloud_author/{kind}/users?page=2")
    html = response.content.decode()
    assert "21 - 25 of 25" in html
    assert f"{kind}_row_0" in html  # the oldest is on the last page


# --- the profile's buttons and the menu -------------------------------------------------------


def test_profile_offers_block_and_mute(author, reader):
    html = _logged_in(reader).get("/users/cloud_author").content.decode()
    confirm = "/users/tifa_reader/blocked/users/confirm_block?blocked_id=cloud_author"
    assert f'<li class="block"><a class="button" href="{confirm}">Block</a>' in html
    assert "/users/tifa_reader/muted/users/confirm_mute?muted_id=cloud_author" in html


def test_profile_offers_undo(author, reader):
    block_user(reader, author)
    mute_user(reader, author)
    html = _logged_in(reader).get("/users/cloud_author").content.decode()
    assert ">Unblock</a>" in html and ">Unmute</a>" in html
    assert "confirm_unblock?blocked_id=cloud_author" in html


def test_no_buttons_on_own_profile_or_for_guests_or_on_official_profiles(author):
    assert 'class="block"' not in _logged_in(author).get("/users/cloud_author").content.decode()
    assert 'class="block"' not in Client().get("/users/cloud_author").content.decode()
    make_admin("boss")
    assert 'class="block"' not in _logged_in(author).get("/users/boss").content.decode()


def test_menu_links_for_the_owner_only(author, reader):
    html = _logged_in(author).get("/users/cloud_author").content.decode()
    assert 'href="/users/cloud_author/blocked/users">Blocked Users' in html
    assert 'href="/users/cloud_author/muted/users">Muted Users' in html
    html = _logged_in(reader).get("/users/cloud_author").content.decode()
    assert "Blocked Users" not in html and "Muted Users" not in html


# --- API --------------------------------------------------------------------------------------


class Api:
    """JSON requests with `user`'s bearer token (or none)."""

    def __init__(self, user=None) -> None:
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, key = create_api_token(user, "test")
            self.headers = {"Authorization": f"Bearer {key}"}

    def get(self, path: str) -> Any:
        return self.client.get("/api/v1" + path, headers=self.headers)

    def post(self, path: str, body: dict) -> Any:
        return self.client.post(
            "/api/v1" + path,
            json.dumps(body),
            content_type="application/json",
            headers=self.headers,
        )

    def delete(self, path: str) -> Any:
        return self.client.delete("/api/v1" + path, headers=self.headers)


def test_api_block_list_and_unblock(author, reader, stranger):
    api = Api(author)
    response = api.post("/me/blocks", {"user": "Tifa_Reader"})
    assert response.status_code == 201
    body = response.json()
    assert body["user"] == "tifa_reader"
    assert body["created"]
    api.post("/me/blocks", {"user": "a_stranger"})
    listed = api.get("/me/blocks").json()
    assert listed["count"] == 2
    assert [row["user"] for row in listed["results"]] == ["a_stranger", "tifa_reader"]
    response = api.delete("/me/blocks/tifa_reader")
    assert response.status_code == 204
    assert list(Block.objects.values_list("blocked__username", flat=True)) == ["a_stranger"]


def test_api_mutes(author, reader):
    api = Api(author)
    assert api.post("/me/mutes", {"user": "tifa_reader"}).status_code == 201
    listed = api.get("/me/mutes").json()
    assert [row["user"] for row in listed["results"]] == ["tifa_reader"]
    assert api.delete("/me/mutes/tifa_reader").status_code == 204
    assert not Mute.objects.exists()


@pytest.mark.parametrize(
    ("path", "user", "status", "code"),
    [
        ("blocks", "cloud_author", 422, "self_block"),
        ("mutes", "cloud_author", 422, "self_mute"),
        ("blocks", "boss", 422, "staff"),
        ("mutes", "boss", 422, "staff"),
        ("blocks", "nobody_here", 422, "not_found"),
        ("mutes", "", 422, "not_found"),
    ],
)
def test_api_refusals(author, path, user, status, code):
    make_admin("boss")
    api = Api(author)
    response = api.post(f"/me/{path}", {"user": user})
    assert response.status_code == status
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == ("user", code)
    assert not Block.objects.exists() and not Mute.objects.exists()


def test_api_already_and_limit(monkeypatch, author, reader, stranger):
    api = Api(author)
    api.post("/me/blocks", {"user": "tifa_reader"})
    response = api.post("/me/blocks", {"user": "tifa_reader"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "already_blocked"
    monkeypatch.setattr(people_models, "BLOCKS_MAX", 1)
    response = api.post("/me/blocks", {"user": "a_stranger"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "limit_reached"
    api.post("/me/mutes", {"user": "tifa_reader"})
    response = api.post("/me/mutes", {"user": "tifa_reader"})
    assert response.json()["errors"][0]["code"] == "already_muted"


def test_api_delete_of_what_is_not_there(author, reader):
    api = Api(author)
    for path in ("blocks/tifa_reader", "mutes/tifa_reader", "blocks/nobody_here"):
        response = api.delete(f"/me/{path}")
        assert response.status_code == 404
        assert response.json()["errors"][0]["code"] == "not_found"


def test_api_needs_a_token_and_a_body(author):
    guest = Api()
    assert guest.get("/me/blocks").status_code == 401
    assert guest.delete("/me/mutes/x").status_code == 401
    assert guest.post("/me/blocks", {"user": "cloud_author"}).status_code == 401
    api = Api(author)
    response = api.post("/me/blocks", {"login": "x"})
    assert response.status_code == 422
    codes = {e["code"] for e in response.json()["errors"]}
    assert codes == {"missing", "unknown_field"}


def test_api_list_pages(author):
    api = Api(author)
    for n in range(23):
        block_user(author, make_user(f"paged_{n}"))
    first = api.get("/me/blocks").json()
    assert (first["count"], first["page"], first["pages"], len(first["results"])) == (23, 1, 2, 20)
    assert first["next"] == "/api/v1/me/blocks?page=2"
    second = api.client.get(first["next"], headers=api.headers).json()
    assert [row["user"] for row in second["results"]] == ["paged_2", "paged_1", "paged_0"]
    assert second["previous"] == "/api/v1/me/blocks?page=1"
