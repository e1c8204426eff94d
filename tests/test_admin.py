"""The admin never writes behind the services: what counts, indexes or the change feed follow is
read-only there, and what it may still change goes through the same service as the site."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import RequestFactory

from feedback.models import Bookmark, Comment, Kudos, WorkStats
from feedback.services.bookmarks import BookmarkData, create_bookmark
from lifestream.testing import make_work
from people.models import ApiToken, Pseud, TwoFactor, User
from people.services import add_pseud, create_api_token
from tags.models import Tag

# Changed here on purpose: roles of accounts (and Django's own groups of permissions), revoking
# API tokens, and turning two-factor off for someone locked out; every other model of the
# archive is read-only.
WRITABLE = {User, Group, ApiToken, TwoFactor}


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def _url(obj, action: str) -> str:
    meta = obj._meta
    return f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/{action}/"


@pytest.mark.parametrize(
    "model_admin",
    [m for model, m in admin.site._registry.items() if model not in WRITABLE],
    ids=lambda m: m.model.__name__,
)
def test_every_other_admin_is_read_only_even_for_a_superuser(model_admin, admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_renaming_a_pseud_in_the_admin_is_refused(admin_client, author):
    pseud = add_pseud(author, "Aerith")
    response = admin_client.post(_url(pseud, "change"), {"name": "Zack", "user": author.pk})
    assert response.status_code == 403
    assert Pseud.objects.get(pk=pseud.pk).name == "Aerith"


def test_renaming_a_tag_in_the_admin_is_refused(admin_client, author):
    make_work(author, freeforms=["Mako"])
    tag = Tag.objects.get(name="Mako")
    response = admin_client.post(_url(tag, "change"), {"name": "Lifestream", "kind": tag.kind})
    assert response.status_code == 403
    assert Tag.objects.get(pk=tag.pk).name == "Mako"


def test_deleting_feedback_in_the_admin_is_refused_and_the_counts_stand(
    admin_client, author, reader
):
    work = make_work(author)
    Kudos.objects.create(work=work, user=reader)
    bookmark = create_bookmark(reader, work, BookmarkData(pseud=reader.default_pseud))
    bookmarks = WorkStats.objects.get(work=work).bookmarks_count
    for obj in (bookmark, Kudos.objects.get(work=work)):
        response = admin_client.post(_url(obj, "delete"), {"post": "yes"})
        assert response.status_code == 403
    assert Bookmark.objects.filter(pk=bookmark.pk).exists()
    assert Kudos.objects.filter(work=work).exists()
    assert WorkStats.objects.get(work=work).bookmarks_count == bookmarks == 1


def test_an_account_cannot_be_deleted_in_the_admin(admin_client, author):
    work = make_work(author)
    response = admin_client.post(_url(author, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=author.pk).exists()
    assert work.__class__.objects.filter(pk=work.pk).exists()


def test_the_admin_changes_roles_but_not_user_names(admin_client, author):
    page = admin_client.get(_url(author, "change")).content.decode()
    assert 'name="username"' not in page
    assert 'name="is_tag_wrangler"' in page


def test_revoking_a_token_in_the_admin_goes_through_the_service(admin_client, author):
    token, _ = create_api_token(author, "e-reader")
    response = admin_client.post(_url(token, "delete"), {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def test_comments_are_read_only_in_the_admin(admin_client, author, reader):
    work = make_work(author)
    comment = Comment.objects.create(work=work, user=reader, body="<p>Hi</p>")
    response = admin_client.post(_url(comment, "delete"), {"post": "yes"})
    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()
