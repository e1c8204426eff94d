"""Orphaning a work: the service hands the user's credit to the shared orphan account. Who may
open the pages and the API route, for each state of a work: tests/test_visibility_orphaning.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from feedback.models import Notification, NotificationKind
from feedback.notify import notify
from lifestream.core.errors import InvalidInput, NotFound
from lifestream.testing import make_work
from people.models import Pseud
from people.services import create_api_token
from works.models import Creatorship
from works.orphans import orphan_account, orphan_work, orphan_works, works_to_orphan


@pytest.mark.django_db
def test_drop_pseud_credits_orphan_account(author):
    work = make_work(author)
    orphan_work(author, work, keep_pseud=False)
    names = [(c.pseud.user.username, c.pseud.name) for c in Creatorship.objects.filter(work=work)]
    assert names == [("orphan_account", "orphan_account")]


@pytest.mark.django_db
def test_keep_pseud_name(author):
    work = make_work(author)
    orphan_work(author, work, keep_pseud=True)
    names = [(c.pseud.user.username, c.pseud.name) for c in Creatorship.objects.filter(work=work)]
    assert names == [("orphan_account", author.username)]


@pytest.mark.django_db
def test_stranger_cannot_orphan(author, stranger):
    work = make_work(author)
    with pytest.raises(NotFound):
        orphan_work(stranger, work, keep_pseud=False)


@pytest.mark.django_db
def test_draft_refused(author):
    work = make_work(author, draft=True)
    with pytest.raises(InvalidInput):
        orphan_work(author, work, keep_pseud=False)


def _credits(work):
    return [(c.pseud.user.username, c.pseud.name) for c in Creatorship.objects.filter(work=work)]


@pytest.mark.django_db
def test_orphan_all_of_a_users_works_leaves_drafts(author, stranger):
    first = make_work(author, title="First")
    second = make_work(author, title="Second")
    draft = make_work(author, title="Draft", draft=True)
    theirs = make_work(stranger, title="Theirs")
    posted, drafts = works_to_orphan(author)
    assert posted == [first, second] and drafts == [draft]
    done = orphan_works(author, posted + drafts, keep_pseud=False)
    assert done.works == [first, second] and done.drafts_left == [draft]
    assert _credits(first) == _credits(second) == [("orphan_account", "orphan_account")]
    assert _credits(draft) == [(author.username, author.username)]
    assert _credits(theirs) == [(stranger.username, stranger.username)]


@pytest.mark.django_db
def test_orphan_a_pseuds_works_only(author):
    other = Pseud.objects.create(user=author, name="Strife")
    mine = make_work(author, title="Default pseud")
    as_other = make_work(author, title="Other pseud", pseuds=[other])
    posted, drafts = works_to_orphan(author, other)
    assert posted == [as_other] and drafts == []
    orphan_works(author, posted, keep_pseud=True)
    assert _credits(as_other) == [("orphan_account", "Strife")]
    assert _credits(mine) == [(author.username, author.username)]


@pytest.mark.django_db
def test_orphan_works_is_all_or_nothing(author, stranger):
    mine = make_work(author)
    theirs = make_work(stranger)
    with pytest.raises(NotFound):
        orphan_works(author, [mine, theirs], keep_pseud=False)
    assert _credits(mine) == [(author.username, author.username)]


# --- pages ------------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_work_orphan_page_asks_first(author, django_assert_num_queries):
    work = make_work(author, title="Midgar Nights")
    client = logged_in(author)
    client.get(f"/works/{work.pk}/orphan")  # the session settles first
    # session and user, the work with its hit counts, tags and creators (the editor's getter),
    # the header's unread count
    with django_assert_num_queries(7):
        page = client.get(f"/works/{work.pk}/orphan").content.decode()
    assert "permanent and cannot be undone" in page
    assert "Midgar Nights" in page
    assert "Take my pseud off as well" in page and "Leave a copy of my pseud on" in page
    assert re.search(r'value="take_off"[^>]*checked', page)
    assert "I understand this cannot be undone" in page
    assert ">Orphan</button>" in page
    assert _credits(work) == [(author.username, author.username)]


@pytest.mark.parametrize("works", [2, 5])
@pytest.mark.django_db
def test_all_works_page_query_count_does_not_grow(author, django_assert_num_queries, works):
    for n in range(works):
        make_work(author, title=f"Work {n}")
    client = logged_in(author)
    client.get(f"/users/{author.username}/orphan")
    # session and user, the user's works, the header's unread count
    with django_assert_num_queries(4):
        page = client.get(f"/users/{author.username}/orphan").content.decode()
    assert all(f">Work {n}</a>" in page for n in range(works))


@pytest.mark.django_db
def test_post_without_the_box_comes_back_with_the_choice(author):
    work = make_work(author)
    response = logged_in(author).post(f"/works/{work.pk}/orphan", {"pseud_choice": "leave_copy"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tick the box to show you understand this is permanent." in page
    assert re.search(r'value="leave_copy"[^>]*checked', page)
    assert _credits(work) == [(author.username, author.username)]


@pytest.mark.django_db
def test_post_orphans_and_the_listings_follow(author):
    work = make_work(author, title="Midgar Nights")
    client = logged_in(author)
    response = client.post(
        f"/works/{work.pk}/orphan", {"pseud_choice": "leave_copy", "understood": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/users/{author.username}/works"
    page = client.get(response["Location"]).content.decode()
    assert "Orphaned 1 work: they now belong to orphan_account." in page
    assert "Midgar Nights" not in page
    assert _credits(work) == [("orphan_account", author.username)]
    assert "Midgar Nights" in Client().get("/users/orphan_account/works").content.decode()
    from search.text import rebuild

    rebuild()
    found = Client().get("/works/search?work_search[query]=creators:orphan_account")
    assert "Midgar Nights" in found.content.decode()


@pytest.mark.django_db
def test_orphan_all_works_page(author):
    make_work(author, title="First One")
    make_work(author, title="Second One")
    make_work(author, title="Still Drafting", draft=True)
    client = logged_in(author)
    page = client.get(f"/users/{author.username}/orphan").content.decode()
    assert "First One" in page and "Second One" in page
    assert "Drafts can't be orphaned and are left alone: “Still Drafting”." in page
    response = client.post(
        f"/users/{author.username}/orphan", {"understood": "on", "pseud_choice": "take_off"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Orphaned 2 works: they now belong to orphan_account. 1 draft was left alone." in page


@pytest.mark.django_db
def test_orphan_a_pseuds_works_page(author):
    other = Pseud.objects.create(user=author, name="Strife")
    make_work(author, title="Default Pseud Work")
    mine = make_work(author, title="Strife Work", pseuds=[other])
    client = logged_in(author)
    url = f"/users/{author.username}/pseuds/Strife/orphan"
    page = client.get(url).content.decode()
    assert "Strife Work" in page and "Default Pseud Work" not in page
    client.post(url, {"understood": "on", "pseud_choice": "leave_copy"})
    assert _credits(mine) == [("orphan_account", "Strife")]


@pytest.mark.django_db
def test_links_to_orphaning(author, stranger):
    work = make_work(author)
    client = logged_in(author)
    assert (
        f'href="/works/{work.pk}/orphan"' in client.get(f"/works/{work.pk}/edit").content.decode()
    )
    assert (
        f'href="/users/{author.username}/orphan"'
        in client.get(f"/users/{author.username}/works").content.decode()
    )
    assert (
        f'href="/users/{author.username}/orphan"'
        in client.get(f"/users/{author.username}").content.decode()
    )
    other = logged_in(stranger).get(f"/users/{author.username}/works").content.decode()
    assert "/orphan" not in other


@pytest.mark.django_db
def test_no_such_pseud_is_404(stranger):
    # Who may open whose orphaning pages: tests/test_visibility_orphaning.py.
    client = logged_in(stranger)
    assert client.get(f"/users/{stranger.username}/pseuds/nobody/orphan").status_code == 404


# --- notifications ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_orphan_account_gets_no_notices(author, reader):
    work = make_work(author)
    orphan_work(author, work, keep_pseud=False)
    orphans = orphan_account()
    assert notify([orphans.pk], NotificationKind.KUDOS, work=work) == []
    logged_in(reader).post(f"/works/{work.pk}/kudos")
    assert not Notification.objects.filter(user=orphans).exists()


@pytest.mark.django_db
def test_co_creator_still_told_after_orphaning(author, reader, stranger):
    work = make_work(author)
    Creatorship.invitations.create(work=work, pseud=stranger.default_pseud, position=1)
    orphan_work(author, work, keep_pseud=False)
    logged_in(reader).post(f"/works/{work.pk}/kudos")
    assert Notification.objects.filter(user=stranger, work=work).exists()
    assert not Notification.objects.filter(user=orphan_account()).exists()


# --- API --------------------------------------------------------------------------------------


def _api(user) -> dict:
    _, key = create_api_token(user, "tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _orphan_by_api(user, work, body):
    return Client().post(
        f"/api/v1/works/{work.pk}/orphan", body, content_type="application/json", **_api(user)
    )


@pytest.mark.django_db
def test_api_orphans_a_work(author):
    work = make_work(author)
    response = _orphan_by_api(author, work, {"keep_pseud": True, "confirm": True})
    assert response.status_code == 200
    assert response.json()["creators"] == [{"pseud": author.username, "user": "orphan_account"}]
    assert _credits(work) == [("orphan_account", author.username)]


@pytest.mark.django_db
def test_api_needs_confirmation(author):
    work = make_work(author)
    for body in ({"keep_pseud": False}, {"keep_pseud": False, "confirm": False}):
        response = _orphan_by_api(author, work, body)
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert (error["field"], error["code"]) == ("confirm", "confirmation_required")
    assert _credits(work) == [(author.username, author.username)]
