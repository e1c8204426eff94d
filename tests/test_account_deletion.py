"""Deleting an account: the password and a choice per work (orphan or delete; drafts only
delete), co-created works only lose this creator, comments stay as "Account Deleted", counts on
others' works are corrected, sessions and tokens end, and nothing is half done."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.test import Client

from feedback.models import Bookmark, Comment, Kudos, WorkStats
from feedback.services import accounts
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from feedback.services.kudos import leave_kudos
from feedback.services.subscriptions import subscribe
from lifestream.core.actors import Actor
from lifestream.core.errors import InvalidInput
from lifestream.testing import PASSWORD, make_work
from people.models import AccountSession, ApiToken, User
from people.services import create_api_token
from works import credits
from works import services as work_services
from works.models import Creatorship, Work
from works.orphans import ORPHAN_LOGIN


def _co_create(owner, work, invitee):
    data = dataclasses.replace(work_services.work_data_from(work), co_creators=[invitee.username])
    work_services.update_work(owner, work, data)
    invitation = Creatorship.invitations.get(work=work, pseud__user=invitee)
    credits.accept_invitation(invitee, invitation.pk)


@pytest.fixture
def world(author, reader):
    keep = make_work(author, title="Keep For Readers")
    drop = make_work(author, title="Drop Entirely")
    draft = make_work(author, title="Half Written", draft=True)
    shared = make_work(reader, title="Written Together")
    _co_create(reader, shared, author)
    theirs = make_work(reader, title="Reader's Own")
    comment = post_comment(author, theirs, "<p>What a story.</p>")
    post_comment(reader, drop, "<p>On a work that goes.</p>")
    create_bookmark(author, theirs, BookmarkData(notes="public one"))
    leave_kudos(Actor(author), theirs)
    subscribe(author, work=theirs)
    return {
        "keep": keep,
        "drop": drop,
        "draft": draft,
        "shared": shared,
        "theirs": theirs,
        "comment": comment,
    }


def _stats(work):
    return WorkStats.objects.get(work=work)


def test_the_page_lists_each_work_with_its_choices(client, author, world):
    client.force_login(author)
    page = client.get(f"/users/{author.username}/delete").content.decode()
    for title in ["Keep For Readers", "Drop Entirely", "Half Written", "Written Together"]:
        assert title in page
    assert f'name="work_{world["keep"].pk}" value="orphan"' in page
    assert f'name="work_{world["draft"].pk}" value="orphan"' not in page
    assert f'name="work_{world["draft"].pk}" value="delete"' in page
    assert f'name="work_{world["shared"].pk}"' not in page


def test_deleting_the_account_through_the_page(client, author, reader, world):
    other_session = Client()
    other_session.post("/users/login", {"username": author.username, "password": PASSWORD})
    client.post("/users/login", {"username": author.username, "password": PASSWORD})
    _, key = create_api_token(author, "app")
    theirs = world["theirs"]
    assert _stats(theirs).kudos_count == 1 and _stats(theirs).bookmarks_count == 1
    url = f"/users/{author.username}/delete"
    keep, drop, draft, shared = world["keep"], world["drop"], world["draft"], world["shared"]
    fields = {
        f"work_{keep.pk}": "orphan",
        f"work_{drop.pk}": "delete",
        f"work_{draft.pk}": "delete",
        "password": "not my password",
    }
    # A wrong password: nothing changes, the choices come back as they were.
    page = client.post(url, fields).content.decode()
    assert "That password is not right." in page
    assert re.search(rf'name="work_{drop.pk}" value="delete"[^>]* checked', page)
    assert User.objects.filter(pk=author.pk).exists()
    fields["password"] = PASSWORD
    response = client.post(url, fields)
    assert response.status_code == 302
    assert not User.objects.filter(pk=author.pk).exists()
    # Orphaned, deleted, deleted, and the shared work kept with its other creator only.
    keep.refresh_from_db()
    assert [c.pseud.user.username for c in keep.creatorships.all()] == [ORPHAN_LOGIN]
    assert not Work.objects.filter(pk__in=[drop.pk, draft.pk]).exists()
    assert [c.pseud.user_id for c in shared.creatorships.all()] == [reader.pk]
    # Their comment stays, as from "Account Deleted".
    comment = Comment.objects.get(pk=world["comment"].pk)
    assert comment.user_id is None and comment.pseud_id is None
    assert comment.author_label == "Account Deleted"
    work_page = Client().get(f"/works/{theirs.pk}?show_comments=true").content.decode()
    assert "Account Deleted" in work_page
    assert "What a story." in work_page
    # Counts on others' works follow; sessions and tokens end.
    assert _stats(theirs).kudos_count == 0
    assert _stats(theirs).bookmarks_count == 0
    assert _stats(theirs).subscriptions_count == 0
    assert not Kudos.objects.filter(work=theirs).exists()
    assert not Bookmark.objects.filter(work=theirs).exists()
    assert not AccountSession.objects.exists()
    assert not ApiToken.objects.exists()
    assert not other_session.get("/").context["user"].is_authenticated
    assert not client.get("/").context["user"].is_authenticated
    response = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 401


def test_every_work_alone_needs_a_choice(author, world):
    with pytest.raises(InvalidInput) as error:
        accounts.delete_account(author, PASSWORD, {world["keep"].pk: "orphan"})
    fields = {e.field for e in error.value.errors}
    assert fields == {f"work_{world['drop'].pk}", f"work_{world['draft'].pk}"}
    # A draft can't be orphaned.
    with pytest.raises(InvalidInput):
        accounts.delete_account(
            author,
            PASSWORD,
            {world["keep"].pk: "orphan", world["drop"].pk: "delete", world["draft"].pk: "orphan"},
        )
    assert User.objects.filter(pk=author.pk).exists()


def test_nothing_is_half_done(author, world, monkeypatch):
    def broken(user):
        raise RuntimeError("the sessions store is down")

    monkeypatch.setattr(accounts.sessions, "end_all_sessions", broken)
    choices = {world["keep"].pk: "orphan", world["drop"].pk: "delete", world["draft"].pk: "delete"}
    with pytest.raises(RuntimeError):
        accounts.delete_account(author, PASSWORD, choices)
    # The orphaning, the deletions and the leaving were all undone.
    assert User.objects.filter(pk=author.pk).exists()
    assert Work.objects.filter(pk__in=[world["drop"].pk, world["draft"].pk]).count() == 2
    assert world["keep"].creatorships.filter(pseud__user=author).exists()
    assert world["shared"].creatorships.filter(pseud__user=author).exists()
    assert _stats(world["theirs"]).kudos_count == 1


def test_the_page_is_the_owners(client, author, reader):
    client.force_login(reader)
    assert client.get(f"/users/{author.username}/delete").status_code == 404
    assert (
        client.post(f"/users/{author.username}/delete", {"password": PASSWORD}).status_code == 404
    )
    assert User.objects.filter(pk=author.pk).exists()
