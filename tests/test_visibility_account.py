"""The visibility matrix for the account security pages and the data export: every viewer
(guest, stranger, an admin, the owner) × every page of this area (two-factor, sessions, export,
the export's download, account deletion), and the export's zip × every state of the works and
bookmarks it could name (public, restricted, draft, deleted; the owner's and others', private
and public)."""

from __future__ import annotations

import dataclasses
import zipfile

import pytest
from django.test import Client

from downloads import account_export
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from lifestream.testing import make_admin, make_user, make_work
from people.models import AccountSession, DataExport
from works import services as work_services
from works.models import Work

VIEWERS = ("guest", "stranger", "admin", "owner")
STATES = ("public", "restricted", "draft", "deleted")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db):
    owner = make_user("matrix_owner")
    other = make_user("matrix_other")
    users = {
        "guest": None,
        "stranger": make_user("matrix_stranger"),
        "admin": make_admin("matrix_admin"),
        "owner": owner,
    }
    # Others' works in every state, each commented on and bookmarked (privately) by the owner
    # while it could be read.
    theirs = {
        state: make_work(
            other, title=f"Others {state.title()} Work", restricted=state == "restricted"
        )
        for state in STATES
    }
    for state, work in theirs.items():
        post_comment(owner, work, f"<p>owner comment on {state}</p>")
        create_bookmark(owner, work, BookmarkData(notes=f"owner note on {state}", private=True))
        create_bookmark(other, work, BookmarkData(notes=f"other's private {state}", private=True))
    Work.objects.filter(pk=theirs["draft"].pk).update(posted=False)
    theirs["deleted"].delete()
    # The owner's own works in every state, one a co-creator's draft they're only invited to.
    mine = {
        state: make_work(owner, title=f"Own {state.title()} Work", draft=state == "draft")
        for state in ("public", "draft")
    }
    invited = make_work(other, title="Invited Draft Of Other", draft=True)
    data = dataclasses.replace(work_services.work_data_from(invited), co_creators=[owner.username])
    work_services.update_work(other, invited, data)
    export = account_export.request_export(owner)
    account_export.build(export.pk)
    return {"users": users, "owner": owner, "export": export, "mine": mine}


def _client(world, viewer) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _pages(world) -> list[str]:
    login = world["owner"].username
    return [
        f"/users/{login}/two_factor",
        f"/users/{login}/sessions",
        f"/users/{login}/export",
        f"/users/{login}/export/{world['export'].pk}/download",
        f"/users/{login}/delete",
    ]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_every_page_is_the_owners_alone(world, viewer):
    client = _client(world, viewer)
    expected = {"guest": 302, "stranger": 404, "admin": 404, "owner": 200}[viewer]
    for url in _pages(world):
        response = client.get(url)
        assert response.status_code == expected, (viewer, url)
        if viewer == "guest":
            assert response["Location"].startswith("/users/login")


@pytest.mark.parametrize("viewer", ("stranger", "admin"))
def test_nobody_else_can_act_on_the_owners_account(world, viewer):
    client = _client(world, viewer)
    login = world["owner"].username
    owner_session = Client()
    owner_session.force_login(world["owner"])
    owner_session.get("/")
    session_id = AccountSession.objects.filter(user=world["owner"]).values_list("pk", flat=True)
    for url in [
        f"/users/{login}/export",
        f"/users/{login}/delete",
        f"/users/{login}/sessions/end_others",
        *[f"/users/{login}/sessions/{pk}/end" for pk in session_id],
        f"/users/{login}/two_factor",
    ]:
        assert client.post(url, {"action": "start", "password": "x"}).status_code == 404, url
    assert DataExport.objects.filter(user=world["owner"]).count() == 1
    assert owner_session.get("/").context["user"].is_authenticated


@pytest.mark.parametrize("state", STATES)
def test_the_export_names_others_works_only_while_the_owner_may_read_them(world, state):
    path = account_export.downloadable(world["owner"], world["export"].pk)
    assert path is not None
    archive = zipfile.ZipFile(path)
    text = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    title = f"Others {state.title()} Work"
    readable = state in ("public", "restricted")
    assert (title in text) is readable
    # Their own comments and bookmarks are theirs whatever became of the work (a deleted
    # work takes them with it).
    assert (f"owner comment on {state}" in text) is (state != "deleted")
    assert (f"owner note on {state}" in text) is (state != "deleted")
    # Never another user's private bookmark, nor a draft they're only invited to.
    assert f"other's private {state}" not in text
    assert "Invited Draft Of Other" not in text
    # Their own works, posted and draft.
    assert "Own Public Work" in text and "Own Draft Work" in text
