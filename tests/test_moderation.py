"""Moderation: the roles, the desk, each action as a service and as a page, and what a
hidden work, a suspension and a ban do."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.utils import timezone

from api.api import api
from feedback.models import Bookmark, Comment, Notification, NotificationKind, WorkStats
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from lifestream.core.errors import Forbidden, InvalidInput
from lifestream.testing import PASSWORD, make_user, make_work
from moderation import services
from people.models import AuditAction, AuditEntry, User
from people.services import create_api_token
from works.models import Work


@pytest.fixture
def moderator(db):
    return make_user("mod_vincent", is_moderator=True)


@pytest.fixture
def archive_admin(db):
    return make_user("admin_reeve", is_archive_admin=True)


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _reasons_needed(call):
    with pytest.raises(InvalidInput) as error:
        call("  ")
    assert [(e.field, e.code) for e in error.value.errors] == [("reason", "required")]


# --- roles -----------------------------------------------------------------------------------


def test_roles(db, admin_user):
    plain = make_user("plain_user")
    assert not plain.can_moderate and not plain.is_admin
    assert make_user("a_mod", is_moderator=True).can_moderate
    admin = make_user("an_admin", is_archive_admin=True)
    assert admin.can_moderate and admin.is_admin
    assert admin_user.is_admin and admin_user.can_moderate  # superusers count as admins


def test_admins_give_and_take_roles_and_it_is_logged(archive_admin, reader):
    services.set_roles(archive_admin, reader.pk, services.Roles(True, True, False), "Helps out.")
    reader.refresh_from_db()
    assert reader.is_tag_wrangler and reader.is_moderator and not reader.is_archive_admin
    entry = AuditEntry.objects.get(action=AuditAction.ROLES)
    assert entry.actor_name == "admin_reeve" and entry.object_id == reader.pk
    assert entry.object_label == "tifa_reader: wrangler, moderator"
    assert entry.reason == "Helps out."


def test_only_admins_give_roles(moderator, reader):
    with pytest.raises(Forbidden):
        services.set_roles(moderator, reader.pk, services.Roles(False, True, False), "Me too.")
    with pytest.raises(Forbidden):
        services.set_roles(moderator, moderator.pk, services.Roles(False, True, True), "Me.")


def test_an_admin_cannot_drop_their_own_admin_role(archive_admin):
    with pytest.raises(Forbidden):
        services.set_roles(
            archive_admin, archive_admin.pk, services.Roles(False, False, False), "Oops."
        )


def test_roles_page(archive_admin, reader, moderator, django_assert_max_num_queries):
    client = _client(archive_admin)
    with django_assert_max_num_queries(6):
        page = client.get("/admin/roles").content.decode()
    assert "mod_vincent" in page and "admin_reeve" in page and "tifa_reader" not in page
    found = client.get("/admin/roles?name=tifa_reader").content.decode()
    assert 'name="user_id"' in found
    empty = client.post("/admin/roles", {"user_id": reader.pk, "moderator": "on", "reason": ""})
    assert empty.status_code == 200
    assert "Give a reason" in empty.content.decode()
    done = client.post(
        "/admin/roles", {"user_id": reader.pk, "moderator": "on", "reason": "New moderator."}
    )
    assert done.status_code == 302
    reader.refresh_from_db()
    assert reader.is_moderator


@pytest.mark.parametrize("path", ["/admin/roles", "/admin/moderation/log"])
def test_admin_pages_are_admins_only(path, moderator, reader, archive_admin):
    assert _client(None).get(path).status_code == 404
    assert _client(reader).get(path).status_code == 404
    assert _client(moderator).get(path).status_code == 404
    assert _client(archive_admin).get(path).status_code == 200


def test_django_admin_still_answers_under_admin(admin_user):
    assert _client(admin_user).get("/admin/").status_code == 200


# --- hiding works ----------------------------------------------------------------------------


def test_hide_and_unhide_a_work(moderator, author, reader):
    work = make_work(author, title="Reactor Blues")
    _reasons_needed(lambda reason: services.hide_work(moderator, work.pk, reason))
    services.hide_work(moderator, work.pk, "Copied from elsewhere.")
    work.refresh_from_db()
    assert work.hidden_at is not None and work.hidden_reason == "Copied from elsewhere."
    assert _client(reader).get(f"/works/{work.pk}").status_code == 404
    assert _client(None).get(f"/works/{work.pk}").status_code == 404
    assert "Reactor Blues" not in _client(reader).get("/works").content.decode()
    own = _client(author).get(f"/works/{work.pk}").content.decode()
    assert "hidden by the archive" in own and "Copied from elsewhere." in own
    moderated = _client(moderator).get(f"/works/{work.pk}").content.decode()
    assert "Copied from elsewhere." in moderated
    services.unhide_work(moderator, work.pk, "Permission shown.")
    assert _client(reader).get(f"/works/{work.pk}").status_code == 200
    assert "Reactor Blues" in _client(reader).get("/works").content.decode()
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "object_label"))
    assert actions == [("hide_work", "Reactor Blues"), ("unhide_work", "Reactor Blues")]


def test_the_api_gives_a_hidden_work_to_its_creators_with_the_reason(moderator, author, reader):
    work = make_work(author, title="Reactor Blues")
    shown = make_work(author, title="Still Shown")
    services.hide_work(moderator, work.pk, "Copied from elsewhere.")

    def get(user: User | None, path: str):
        headers = {}
        if user is not None:
            headers["Authorization"] = f"Bearer {create_api_token(user, 'api')[1]}"
        return Client().get(f"/api/v1{path}", headers=headers)

    for viewer in (author, moderator):
        answer = get(viewer, f"/works/{work.pk}").json()
        assert answer["hidden"] is True, viewer
        assert answer["hidden_reason"] == "Copied from elsewhere.", viewer
    # A work nobody hid has neither field, for its creator as for anyone.
    for viewer in (author, reader, None):
        answer = get(viewer, f"/works/{shown.pk}").json()
        assert "hidden" not in answer and "hidden_reason" not in answer
    listed = get(reader, "/works").json()["results"]
    assert [w["title"] for w in listed] == ["Still Shown"]
    assert all("hidden" not in w for w in listed)
    # Readers are never given it: the same 404 as for a work that never was.
    assert get(reader, f"/works/{work.pk}").status_code == 404
    assert get(None, f"/works/{work.pk}").status_code == 404
    fields = api.get_openapi_schema(path_prefix="/api/v1")["components"]["schemas"]["WorkOut"]
    assert {"hidden", "hidden_reason"} <= fields["properties"].keys()
    assert not {"hidden", "hidden_reason"} & set(fields.get("required", []))
    services.unhide_work(moderator, work.pk, "Permission shown.")
    assert "hidden" not in get(reader, f"/works/{work.pk}").json()


def test_only_moderators_hide(author, reader):
    work = make_work(author)
    with pytest.raises(Forbidden):
        services.hide_work(reader, work.pk, "I dislike it.")
    assert _client(reader).get(f"/admin/moderation/works/{work.pk}").status_code == 404
    assert _client(reader).post(
        f"/admin/moderation/works/{work.pk}", {"reason": "x"}
    ).status_code == (404)
    assert not Work.objects.filter(hidden_at__isnull=False).exists()


def test_hide_page_needs_a_reason_and_keeps_the_text(moderator, author):
    work = make_work(author)
    client = _client(moderator)
    assert "Moderate" in client.get(f"/works/{work.pk}").content.decode()
    empty = client.post(f"/admin/moderation/works/{work.pk}", {"reason": " "})
    assert empty.status_code == 200 and "Give a reason" in empty.content.decode()
    done = client.post(f"/admin/moderation/works/{work.pk}", {"reason": "Spam work."})
    assert done.status_code == 302
    page = client.get(f"/admin/moderation/works/{work.pk}").content.decode()
    assert "Unhide this work" in page and "Spam work." in page


def test_a_hidden_works_notices_leave_inboxes(moderator, author, reader):
    work = make_work(author, title="Told About")
    Notification.objects.create(user=reader, kind=NotificationKind.NEW_WORK, work=work)
    assert "Told About" in _client(reader).get("/users/tifa_reader/inbox").content.decode()
    services.hide_work(moderator, work.pk, "Hidden.")
    assert "Told About" not in _client(reader).get("/users/tifa_reader/inbox").content.decode()


# --- comments and bookmarks ------------------------------------------------------------------


def test_delete_a_comment(moderator, author, reader):
    work = make_work(author)
    comment = post_comment(reader, work, "<p>Spam spam spam.</p>")
    page = _client(moderator).get(f"/works/{work.pk}?view_adult=true").content.decode()
    assert f"/admin/moderation/comments/{comment.pk}/delete" in page
    _reasons_needed(lambda reason: services.delete_comment(moderator, comment.pk, reason))
    response = _client(moderator).post(
        f"/admin/moderation/comments/{comment.pk}/delete", {"reason": "Spam."}
    )
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=comment.pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "delete_comment",
        "comment",
        comment.pk,
    )


def test_delete_a_bookmark(moderator, author, reader):
    work = make_work(author)
    bookmark = create_bookmark(reader, work, BookmarkData(notes="<p>Rude note</p>"))
    page = _client(moderator).get(f"/bookmarks/{bookmark.pk}").content.decode()
    assert f"/admin/moderation/bookmarks/{bookmark.pk}/delete" in page
    assert (
        "/admin/moderation/bookmarks"
        not in _client(author).get(f"/bookmarks/{bookmark.pk}").content.decode()
    )
    empty = _client(moderator).post(
        f"/admin/moderation/bookmarks/{bookmark.pk}/delete", {"reason": ""}
    )
    assert empty.status_code == 200 and Bookmark.objects.filter(pk=bookmark.pk).exists()
    services.delete_bookmark(moderator, bookmark.pk, "Harassment.")
    assert not Bookmark.objects.filter(pk=bookmark.pk).exists()
    assert AuditEntry.objects.get().object_label == "Bookmark by tifa_reader"


# --- warnings, suspensions, bans -------------------------------------------------------------


def test_warn_puts_the_message_in_the_inbox(moderator, reader):
    _reasons_needed(lambda reason: services.warn_user(moderator, reader.pk, reason))
    services.warn_user(moderator, reader.pk, "Please keep comments civil.")
    notice = Notification.objects.get(user=reader)
    assert notice.kind == NotificationKind.MODERATION
    inbox = _client(reader).get("/users/tifa_reader/inbox").content.decode()
    assert "A message from the archive" in inbox and "Please keep comments civil." in inbox


def test_moderators_do_not_act_on_themselves_or_on_admins(moderator, archive_admin):
    with pytest.raises(Forbidden):
        services.suspend_user(moderator, moderator.pk, 3, "Me.")
    with pytest.raises(Forbidden):
        services.ban_user(moderator, archive_admin.pk, "Coup.")


def test_suspension(moderator, author):
    with pytest.raises(InvalidInput) as error:
        services.suspend_user(moderator, author.pk, 0, "Spam.")
    assert error.value.errors[0].field == "days"
    work = make_work(author, title="Own Work")
    services.suspend_user(moderator, author.pk, 7, "Spam comments.")
    author.refresh_from_db()
    assert author.is_suspended
    client = _client(author)
    page = client.get("/").content.decode()
    assert "Your account is suspended until" in page and "Spam comments." in page
    # They still read, and download their own works.
    assert client.get(f"/works/{work.pk}").status_code == 200
    assert client.get(f"/downloads/{work.pk}/Own.html").status_code == 200
    refused = client.post(f"/works/{work.pk}/edit", {"title": "Changed"})
    assert refused.status_code == 403
    assert "Your account is suspended" in refused.content.decode()
    # The log-out and the language picker still work.
    assert client.post("/language", {"language": "fr"}).status_code == 302


def test_a_suspension_ends_by_itself(moderator, author):
    services.suspend_user(moderator, author.pk, 1, "Cool down.")
    User.objects.filter(pk=author.pk).update(
        suspended_until=timezone.now() - dt.timedelta(seconds=1)
    )
    author.refresh_from_db()
    assert not author.is_suspended
    work = make_work(author)
    response = _client(author).post(f"/works/{work.pk}/edit", {"title": "Changed"})
    assert response.status_code == 200  # the form again, with what is missing
    assert "Your account is suspended" not in response.content.decode()


def test_ban_ends_sessions_and_tokens_and_can_hide_the_works(moderator, author, reader):
    work = make_work(author, title="Banned Author's Work")
    other = make_work(reader)
    _, key = create_api_token(author, "script")
    client = _client(author)
    assert client.get("/users/cloud_author/inbox").status_code == 200
    services.ban_user(moderator, author.pk, "Repeated harassment.", hide_works=True)
    # The open session is over, and a new one cannot start.
    assert client.get("/users/cloud_author/inbox").status_code == 302
    assert not Client().login(username="cloud_author", password=PASSWORD)
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert me.status_code == 401
    work.refresh_from_db()
    other.refresh_from_db()
    assert work.hidden_at is not None and other.hidden_at is None
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "ban",
        "hide_work",
    ]
    services.lift_restrictions(moderator, author.pk, "Appeal granted.")
    assert Client().login(username="cloud_author", password=PASSWORD)


def test_user_page_actions(moderator, reader, django_assert_max_num_queries):
    client = _client(moderator)
    with django_assert_max_num_queries(8):
        page = client.get("/admin/moderation/users/tifa_reader")
    assert page.status_code == 200
    missing_days = client.post(
        "/admin/moderation/users/tifa_reader", {"action": "suspend", "reason": "Spam."}
    )
    assert missing_days.status_code == 200
    assert "Say for how many days." in missing_days.content.decode()
    assert "Spam." in missing_days.content.decode()  # the reason is kept
    done = client.post(
        "/admin/moderation/users/tifa_reader", {"action": "suspend", "days": 3, "reason": "Spam."}
    )
    assert done.status_code == 302
    reader.refresh_from_db()
    assert reader.is_suspended
    desk = client.get("/admin/moderation").content.decode()
    assert "suspended until" in desk
    assert _client(reader).get("/admin/moderation/users/tifa_reader").status_code == 404


def test_the_desk(moderator, reader, author, django_assert_max_num_queries):
    for number in range(5):
        services.warn_user(moderator, reader.pk, f"Warning {number}.")
    services.suspend_user(moderator, author.pk, 2, "Spam.")
    client = _client(moderator)
    with django_assert_max_num_queries(9):
        page = client.get("/admin/moderation").content.decode()
    assert "Recent sign-ups" in page and "tifa_reader" in page
    assert "Warning 4." in page
    assert "0 comments wait for review." in page and 'href="/comments/held"' in page
    assert _client(None).get("/admin/moderation").status_code == 404
    assert _client(reader).get("/admin/moderation").status_code == 404
    found = client.get("/admin/moderation/find?name=TIFA_reader")
    assert found["Location"] == "/admin/moderation/users/tifa_reader"


def test_the_audit_log_page_is_paged_in_few_queries(
    archive_admin, reader, django_assert_max_num_queries
):
    for number in range(60):
        services.warn_user(archive_admin, reader.pk, f"Note {number}.")
    client = _client(archive_admin)
    with django_assert_max_num_queries(6):
        first = client.get("/admin/moderation/log").content.decode()
    assert "Note 59." in first and "Note 9." not in first
    with django_assert_max_num_queries(6):
        second = client.get("/admin/moderation/log?page=2").content.decode()
    assert "Note 9." in second


# --- a suspended user is refused everywhere it matters ----------------------------------------

# What a suspended account may still post.
# Beside the inbox and the reading settings, the pages of the other first steps stay open: a
# suspended member whose terms changed accepts them (and then reads), a suspended moderator
# sets up two-factor.
ALLOWED = {
    "logout",
    "set_language",
    "feedback:inbox",
    "works:reading_settings",
    "news:banner_dismiss",
    "signups:accept_terms",
    "people:two_factor",
    # Bookmarks go on, privately: the bookmark service refuses a public one (tested below).
    "feedback:bookmark_new",
    "feedback:work_bookmarks",
    "feedback:series_bookmark_new",
    "feedback:series_bookmarks",
    "feedback:bookmark_edit",
}


def _site_routes() -> list[tuple[str, str]]:
    """Every named route of the site (the API and Django's admin apart), with its arguments
    filled in: the suspension is refused before any view runs, so the values need not exist."""
    routes: list[tuple[str, str]] = []

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or namespace
                if space in {"admin", "api"} or str(pattern.pattern).startswith("api/"):
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                path = prefix + str(pattern.pattern)
                for key, converter in pattern.pattern.converters.items():
                    value = "1" if isinstance(converter, IntConverter) else "suspended_cid"
                    path = path.replace(f"<{type(converter).__name__}:{key}>", value)
                    for spelled in ("int", "str", "path", "slug"):
                        path = path.replace(f"<{spelled}:{key}>", value)
                    path = path.replace(f"<{key}>", value)
                routes.append((name, "/" + path))

    walk(get_resolver().url_patterns, "", "")
    return routes


SITE_ROUTES = [(name, path) for name, path in _site_routes() if name not in ALLOWED]


@pytest.fixture
def suspended(db, moderator):
    user = make_user("suspended_cid")
    services.suspend_user(moderator, user.pk, 5, "Spam wave.")
    user.refresh_from_db()
    return user


@pytest.mark.parametrize(("name", "path"), SITE_ROUTES, ids=[n for n, _ in SITE_ROUTES])
def test_a_suspended_user_cannot_post_to_any_page(suspended, name, path):
    response = _client(suspended).post(path, {"title": "x", "body": "x"})
    assert response.status_code == 403, path
    assert "Your account is suspended" in response.content.decode()


def _api_writes() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    writes = []
    for path, methods in schema["paths"].items():
        for method in methods:
            if method in {"post", "put", "patch", "delete"}:
                concrete = path
                for part in path.split("/"):
                    if part.startswith("{"):
                        concrete = concrete.replace(part, "1")
                writes.append((method, concrete))
    return writes


# The bookmark writes a suspended account may still send, the service keeping them private.
API_BOOKMARK_WRITES = {
    ("post", "/api/v1/works/1/bookmarks"),
    ("post", "/api/v1/bookmarks"),
    ("patch", "/api/v1/bookmarks/1"),
}
API_WRITES = [write for write in _api_writes() if write not in API_BOOKMARK_WRITES]


@pytest.mark.parametrize(("method", "path"), API_WRITES, ids=[f"{m} {p}" for m, p in API_WRITES])
def test_a_suspended_user_cannot_write_through_the_api(suspended, method, path):
    _, key = create_api_token(suspended, "bot")
    response = getattr(Client(), method)(
        path, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 403, path
    assert response.json()["errors"][0]["code"] == "account_suspended"


def test_a_suspended_user_still_reads_through_the_api(suspended):
    _, key = create_api_token(suspended, "reader")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    assert Client().get("/api/v1/works", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


def test_a_suspended_user_still_bookmarks_privately(suspended, author):
    work = make_work(author, title="Shelf Work")
    other = make_work(author, title="Other Work")
    client = _client(suspended)
    form = client.get(f"/works/{work.pk}/bookmarks/new").content.decode()
    assert 'name="private" id="id_private" checked' in form  # ticked for them
    notes = "<p>Keep for the train.</p>"
    # A public bookmark is refused with the form and what was typed, and nothing is counted.
    refused = client.post(f"/works/{work.pk}/bookmarks/new", {"notes": notes, "tags": "Later"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "tick “Private bookmark” to save this one" in page
    assert "Keep for the train." in page and 'value="Later"' in page
    assert not Bookmark.objects.filter(user=suspended).exists()
    # A private one is made, by the form and by AO3's form names on the work's bookmarks.
    made = client.post(f"/works/{work.pk}/bookmarks/new", {"notes": notes, "private": "on"})
    assert made.status_code == 302
    ao3 = client.post(f"/works/{other.pk}/bookmarks", {"bookmark[private]": "1"})
    assert ao3.status_code == 302
    bookmark = Bookmark.objects.get(user=suspended, work=work)
    assert bookmark.private and Bookmark.objects.get(user=suspended, work=other).private
    assert not WorkStats.objects.filter(bookmarks_count__gt=0).exists()
    # Turning it public is refused too; edited privately, it changes.
    edit = f"/bookmarks/{bookmark.pk}/edit"
    pseud = bookmark.pseud_id
    turned = client.post(edit, {"pseud": pseud, "notes": "Now public?"}).content.decode()
    assert "tick “Private bookmark” to save this one" in turned and "Now public?" in turned
    bookmark.refresh_from_db()
    assert bookmark.private and "train" in bookmark.notes
    kept = client.post(edit, {"pseud": pseud, "notes": "Still mine.", "private": "on"})
    assert kept.status_code == 302
    bookmark.refresh_from_db()
    assert "Still mine." in bookmark.notes
    # Every other write is still refused (deleting a bookmark too).
    assert client.post(f"/bookmarks/{bookmark.pk}/confirm_delete").status_code == 403

    # The API: the same rule, with a stable code on the field at fault.
    _, key = create_api_token(suspended, "bot")
    api_client = Client(headers={"Authorization": f"Bearer {key}"})
    third = make_work(author, title="Third Work")
    public = api_client.post(
        f"/api/v1/works/{third.pk}/bookmarks", {"notes": "x"}, content_type="application/json"
    )
    assert public.status_code == 422
    assert public.json()["errors"][0]["field"] == "private"
    assert public.json()["errors"][0]["code"] == "public_while_suspended"
    private = api_client.post(
        "/api/v1/bookmarks",
        {"work_id": third.pk, "private": True},
        content_type="application/json",
    )
    assert private.status_code == 201 and private.json()["private"] is True
    made_public = api_client.patch(
        f"/api/v1/bookmarks/{bookmark.pk}", {"private": False}, content_type="application/json"
    )
    assert made_public.json()["errors"][0]["code"] == "public_while_suspended"
    deleted = api_client.delete(f"/api/v1/bookmarks/{bookmark.pk}")
    assert deleted.json()["errors"][0]["code"] == "account_suspended"
    assert not Bookmark.objects.filter(user=suspended, private=False).exists()


def test_there_are_many_write_routes():
    # The parametrized tests above cover the whole site and API; a broken walk would cover none.
    assert len(SITE_ROUTES) > 60
    assert len(API_WRITES) > 20
