"""Comments: threads, placeholders, permissions, moderation, blocks, frozen threads, limits,
sanitising and notifications."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from feedback.models import Comment, CommentStatus, Notification, NotificationKind, WorkStats
from feedback.services.comments import (
    approve_comment,
    delete_comment,
    edit_comment,
    freeze_thread,
    post_comment,
    unfreeze_thread,
)
from lifestream.core.actors import Actor
from lifestream.core.errors import Forbidden, InvalidInput, LoginRequired, NotFound, RateLimited
from lifestream.testing import make_user, make_work
from people.models import Block
from works.models import CommentPermission


@pytest.fixture
def work(author):
    return make_work(author, title="Answer Me")


def comments_count(work) -> int:
    stats = WorkStats.objects.filter(work=work).first()
    return stats.comments_count if stats else 0


def anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


# --- posting and threading ---------------------------------------------------------------------


def test_reply_keeps_thread_parent_and_depth(work, reader, stranger):
    top = post_comment(reader, work, "First!")
    reply = post_comment(stranger, work, "Second.", parent=top)
    deeper = post_comment(reader, work, "Third.", parent=reply)
    assert top.thread_id == top.pk and top.depth == 0
    assert (reply.thread_id, reply.parent_id, reply.depth) == (top.pk, top.pk, 1)
    assert (deeper.thread_id, deeper.parent_id, deeper.depth) == (top.pk, reply.pk, 2)
    assert comments_count(work) == 3


def test_reply_takes_its_parents_chapter(author, reader):
    work = make_work(author, chapters=2)
    second = work.chapters.order_by("position")[1]
    top = post_comment(reader, work, "On chapter two", chapter=second)
    reply = post_comment(author, work, "Thanks", parent=top)
    assert reply.chapter_id == second.pk


def test_comment_is_written_as_the_default_pseud_or_a_chosen_one(work, reader):
    other = reader.pseuds.create(name="Lockhart")
    assert post_comment(reader, work, "hi").pseud == reader.default_pseud
    assert post_comment(reader, work, "hi again", pseud=other).pseud == other


def test_someone_elses_pseud_is_refused(work, reader, stranger):
    with pytest.raises(InvalidInput) as caught:
        post_comment(reader, work, "hi", pseud=stranger.default_pseud)
    assert caught.value.errors[0].field == "pseud"


def test_guest_needs_a_name_and_a_valid_email(work):
    with pytest.raises(InvalidInput) as caught:
        post_comment(anonymous(), work, "Lovely", guest_name=" ", guest_email="not-an-email")
    fields = {error.field: error.code for error in caught.value.errors}
    assert fields == {"guest_name": "required", "guest_email": "invalid"}
    comment = post_comment(
        anonymous(), work, "Lovely", guest_name="Aerith", guest_email="aerith@example.org"
    )
    assert comment.user_id is None and comment.author_name == "Aerith"


# --- text ---------------------------------------------------------------------------------------


def test_hostile_html_is_sanitised_without_classes(work, reader):
    comment = post_comment(
        reader,
        work,
        '<p class="x" onclick="evil()">Hi <script>alert(1)</script>'
        '<a href="javascript:alert(1)">link</a><img src="data:image/png;base64,AA"></p>'
        "<style>body{}</style><iframe src=https://example.org></iframe>",
    )
    body = comment.body
    for bad in ("class=", "onclick", "<script", "alert(1)", "javascript:", "data:", "<style"):
        assert bad not in body
    assert "<iframe" not in body and "Hi" in body


def test_empty_after_sanitising_is_refused(work, reader):
    with pytest.raises(InvalidInput) as caught:
        post_comment(reader, work, "<script>alert(1)</script><p> </p>")
    assert caught.value.errors[0].code == "required"
    assert not Comment.objects.exists()


def test_comment_length_limit(work, reader):
    post_comment(reader, work, "a" * 10_000)
    with pytest.raises(InvalidInput) as caught:
        post_comment(reader, work, "a" * 10_001)
    assert caught.value.errors[0].code == "too_long"
    assert "10,000" in caught.value.errors[0].message


# --- permissions --------------------------------------------------------------------------------


def test_registered_only_work_refuses_guests(author, reader):
    work = make_work(author, comment_permission=CommentPermission.REGISTERED)
    with pytest.raises(Forbidden, match="doesn't allow guest comments"):
        post_comment(anonymous(), work, "hi", guest_name="G", guest_email="g@example.org")
    post_comment(reader, work, "hi")


def test_no_one_may_comment_when_comments_are_off(author, reader):
    work = make_work(author, comment_permission=CommentPermission.NO_ONE)
    for who in (reader, author):
        with pytest.raises(Forbidden, match="doesn't allow comments"):
            post_comment(who, work, "hi")


def test_draft_takes_no_comments(author, reader):
    draft = make_work(author, draft=True)
    with pytest.raises(NotFound):
        post_comment(reader, draft, "hi")
    with pytest.raises(Forbidden):
        post_comment(author, draft, "hi")


def test_restricted_work_takes_no_guest_comments(author):
    work = make_work(author, restricted=True)
    with pytest.raises(LoginRequired):
        post_comment(anonymous(), work, "hi", guest_name="G", guest_email="g@example.org")


# --- blocks -------------------------------------------------------------------------------------


def test_blocked_user_cannot_comment(work, author, reader):
    Block.objects.create(blocker=author, blocked=reader)
    with pytest.raises(Forbidden, match="blocked"):
        post_comment(reader, work, "hi")
    assert not Comment.objects.exists()


def test_blocked_user_cannot_reply_to_the_blocker(work, reader, stranger):
    top = post_comment(reader, work, "hi")
    Block.objects.create(blocker=reader, blocked=stranger)
    with pytest.raises(Forbidden, match="its writer has blocked you"):
        post_comment(stranger, work, "reply", parent=top)


def test_blocked_user_cannot_edit_on_the_blockers_work(work, author, reader):
    comment = post_comment(reader, work, "hi")
    Block.objects.create(blocker=author, blocked=reader)
    with pytest.raises(Forbidden):
        edit_comment(reader, comment, "changed")


# --- editing ------------------------------------------------------------------------------------


def test_writer_edits_and_edited_at_is_set(work, reader, stranger):
    comment = post_comment(reader, work, "tpyo")
    with pytest.raises(Forbidden):
        edit_comment(stranger, comment, "hijack")
    edit_comment(reader, comment, "<b>typo</b>")
    comment.refresh_from_db()
    assert comment.body == "<b>typo</b>" and comment.edited_at is not None


def test_guest_comments_cannot_be_edited(work):
    comment = post_comment(anonymous(), work, "hi", guest_name="G", guest_email="g@example.org")
    with pytest.raises(Forbidden):
        edit_comment(anonymous(), comment, "changed")


# --- deleting -----------------------------------------------------------------------------------


def test_deleting_a_comment_without_replies_removes_it(work, reader):
    comment = post_comment(reader, work, "hi")
    assert delete_comment(reader, comment) is None
    assert not Comment.objects.exists()
    assert comments_count(work) == 0


def test_deleting_a_comment_with_replies_leaves_a_placeholder(work, reader, stranger):
    top = post_comment(reader, work, "hi")
    reply = post_comment(stranger, work, "hello", parent=top)
    placeholder = delete_comment(reader, top)
    assert placeholder is not None
    top.refresh_from_db()
    assert top.is_deleted and top.body == "" and top.pseud_id is None
    reply.refresh_from_db()
    assert reply.parent_id == top.pk and reply.thread_id == top.pk
    assert comments_count(work) == 1
    # Once the last reply goes, the placeholder has nothing to hold and goes too.
    delete_comment(stranger, reply)
    assert not Comment.objects.exists()
    assert comments_count(work) == 0


def test_creator_and_admin_may_delete_strangers_may_not(work, author, reader, stranger, admin_user):
    first = post_comment(reader, work, "one")
    second = post_comment(reader, work, "two")
    with pytest.raises(Forbidden):
        delete_comment(stranger, first)
    delete_comment(author, first)
    delete_comment(admin_user, second)
    assert not Comment.objects.exists()


# --- moderation ---------------------------------------------------------------------------------


def test_moderated_comment_is_held_until_approved(author, reader):
    work = make_work(author, moderated_comments=True)
    comment = post_comment(reader, work, "please review")
    assert comment.status == CommentStatus.PENDING
    assert comments_count(work) == 0
    assert Notification.objects.filter(
        user=author, kind=NotificationKind.COMMENT, comment=comment
    ).exists()
    with pytest.raises(Forbidden):
        approve_comment(reader, comment)
    approve_comment(author, comment)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert comments_count(work) == 1
    approve_comment(author, comment)  # twice changes nothing
    assert comments_count(work) == 1


def test_creators_own_comments_are_not_held(author):
    work = make_work(author, moderated_comments=True)
    assert post_comment(author, work, "notes").status == CommentStatus.PUBLISHED


def test_reply_to_a_held_comment_is_refused(author, reader, stranger):
    work = make_work(author, moderated_comments=True)
    held = post_comment(reader, work, "hi")
    with pytest.raises(Forbidden, match="awaiting approval"):
        post_comment(author, work, "answer", parent=held)


def test_approving_a_reply_notifies_the_parent_writer(author, reader, stranger):
    work = make_work(author, moderated_comments=True)
    top = approve_comment(author, post_comment(stranger, work, "Ask me anything"))
    held = post_comment(reader, work, "Why?", parent=top)
    reply_notices = Notification.objects.filter(kind=NotificationKind.REPLY)
    assert not reply_notices.exists()
    approve_comment(author, held)
    assert list(reply_notices.values_list("user_id", "comment_id")) == [(stranger.pk, held.pk)]


# --- frozen threads -----------------------------------------------------------------------------


def test_frozen_thread_takes_no_replies_and_no_edits(work, author, reader, stranger):
    top = post_comment(reader, work, "hi")
    reply = post_comment(stranger, work, "hello", parent=top)
    with pytest.raises(Forbidden):
        freeze_thread(reader, top)
    freeze_thread(author, top)
    reply.refresh_from_db()
    assert reply.is_frozen
    with pytest.raises(Forbidden, match="frozen"):
        post_comment(reader, work, "more", parent=reply)
    with pytest.raises(Forbidden, match="frozen"):
        edit_comment(reader, top, "changed")
    unfreeze_thread(author, top)
    reply.refresh_from_db()
    post_comment(reader, work, "more", parent=reply)


# --- notifications ------------------------------------------------------------------------------


def test_creators_and_parent_writer_are_notified_not_the_actor(work, author, reader, stranger):
    top = post_comment(reader, work, "hi")
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (author.pk, NotificationKind.COMMENT)
    ]
    Notification.objects.all().delete()
    post_comment(stranger, work, "hello", parent=top)
    assert set(Notification.objects.values_list("user_id", "kind")) == {
        (author.pk, NotificationKind.COMMENT),
        (reader.pk, NotificationKind.REPLY),
    }
    Notification.objects.all().delete()
    # The creator answering: the reader hears of it, the creator doesn't hear of themselves.
    post_comment(author, work, "thanks", parent=top)
    assert list(Notification.objects.values_list("user_id", "kind")) == [
        (reader.pk, NotificationKind.REPLY)
    ]


def test_guest_writer_gets_no_notice(work, author):
    top = post_comment(anonymous(), work, "hi", guest_name="G", guest_email="g@example.org")
    Notification.objects.all().delete()
    post_comment(author, work, "thanks", parent=top)
    assert not Notification.objects.exists()


# --- rate limits --------------------------------------------------------------------------------


def test_rate_limit_has_a_clear_message(work, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment_guest": "2/600"}
    guest = Actor.guest("203.0.113.9")
    for number in range(2):
        post_comment(guest, work, f"hi {number}", guest_name="G", guest_email="g@example.org")
    with pytest.raises(RateLimited) as caught:
        post_comment(guest, work, "hi", guest_name="G", guest_email="g@example.org")
    message = caught.value.errors[0].message
    assert "Please wait" in message and "minute" in message
    assert Comment.objects.count() == 2


def test_comment_for_anothers_work_chapter_is_refused(author, reader):
    work = make_work(author)
    other = make_work(make_user("someone_else"))
    with pytest.raises(NotFound):
        post_comment(reader, work, "hi", chapter=other.chapters.get())


# --- pages --------------------------------------------------------------------------------------


def _client(user=None):
    from django.test import Client

    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_work_page_shows_threads_in_ao3_markup(work, reader, stranger):
    top = post_comment(reader, work, "<p>First!</p>")
    reply = post_comment(stranger, work, "<p>Second.</p>", parent=top)
    html = _client().get(f"/works/{work.pk}").content.decode()
    assert 'id="comments_placeholder"' in html
    assert f'<li class="comment group" id="comment_{top.pk}"' in html
    assert (
        'class="heading byline"' in html and '<blockquote class="userstuff"><p>First!</p>' in html
    )
    # The reply sits in a nested thread inside its parent's item.
    nested = html[html.index(f'id="comment_{top.pk}"') :]
    assert nested.index('<ol class="thread" role="presentation">') < nested.index(
        f'id="comment_{reply.pk}"'
    )
    assert f'href="/comments/{top.pk}"' in html


def test_reader_posts_a_comment_and_a_reply_through_the_pages(work, reader, stranger):
    client = _client(reader)
    response = client.post(f"/works/{work.pk}/comments", {"body": "Loved it"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/comments/{comment.pk}#comment_{comment.pk}"
    response = _client(stranger).post(f"/comments/{comment.pk}/reply", {"body": "Me too"})
    reply = Comment.objects.get(parent=comment)
    assert response["Location"] == f"/comments/{comment.pk}#comment_{reply.pk}"
    page = client.get(f"/comments/{comment.pk}").content.decode()
    assert "Loved it" in page and "Me too" in page and work.title in page


def test_rejected_comment_comes_back_with_the_text_and_the_message(work, reader):
    body = "x" * 10_001
    response = _client(reader).post(f"/works/{work.pk}/comments", {"body": body})
    assert response.status_code == 422
    html = response.content.decode()
    assert body in html and "at most 10,000 characters" in html
    assert not Comment.objects.exists()


def test_guest_comment_form_asks_for_name_and_email(work):
    html = _client().get(f"/works/{work.pk}").content.decode()
    assert 'name="guest_name"' in html and 'name="guest_email"' in html
    response = _client().post(
        f"/works/{work.pk}/comments", {"body": "hi", "guest_name": "Zack", "guest_email": "nope"}
    )
    assert response.status_code == 422
    assert "valid email" in response.content.decode()


def test_pseud_choice_only_for_users_with_several(work, reader):
    html = _client(reader).get(f"/works/{work.pk}").content.decode()
    assert 'name="pseud"' not in html
    other = reader.pseuds.create(name="Lockhart")
    html = _client(reader).get(f"/works/{work.pk}").content.decode()
    assert 'name="pseud"' in html
    _client(reader).post(f"/works/{work.pk}/comments", {"body": "hi", "pseud": other.pk})
    assert Comment.objects.get().pseud == other


@pytest.mark.parametrize(
    ("permission", "viewer", "message"),
    [
        (CommentPermission.REGISTERED, None, "doesn't allow guest comments"),
        (CommentPermission.NO_ONE, "reader", "doesn't allow comments"),
    ],
)
def test_closed_comments_say_why_instead_of_a_form(author, reader, permission, viewer, message):
    work = make_work(author, comment_permission=permission)
    html = unescape(_client(reader if viewer else None).get(f"/works/{work.pk}").content.decode())
    assert message in html and 'name="body"' not in html


def test_blocked_reader_sees_why_and_post_is_refused(work, author, reader):
    Block.objects.create(blocker=author, blocked=reader)
    client = _client(reader)
    assert "has blocked you" in client.get(f"/works/{work.pk}").content.decode()
    response = client.post(f"/works/{work.pk}/comments", {"body": "let me in"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "has blocked you" in html
    assert not Comment.objects.exists()


def test_chapter_page_shows_that_chapters_comments_whole_work_shows_all(author, reader):
    work = make_work(author, chapters=2)
    first, second = work.chapters.order_by("position")
    post_comment(reader, work, "About chapter one", chapter=first)
    post_comment(reader, work, "About chapter two", chapter=second)
    html = _client().get(f"/works/{work.pk}/chapters/{second.pk}").content.decode()
    assert "About chapter two" in html and "About chapter one" not in html
    html = _client().get(f"/works/{work.pk}?view_full_work=true").content.decode()
    assert "About chapter two" in html and "About chapter one" in html
    # A comment posted from a chapter page belongs to that chapter.
    _client(reader).post(
        f"/works/{work.pk}/comments", {"body": "Ch2 again", "chapter_id": second.pk}
    )
    assert Comment.objects.get(body="Ch2 again").chapter == second


def test_threads_are_paginated_twenty_a_page_oldest_first(work, reader):
    comments = [post_comment(reader, work, f"Comment number {n:02d}") for n in range(23)]
    html = _client().get(f"/works/{work.pk}").content.decode()
    assert "Comment number 00" in html and "Comment number 19" in html
    assert "Comment number 20" not in html
    assert '<ol class="pagination actions"' in html
    second = _client().get(f"/works/{work.pk}?page=2").content.decode()
    assert "Comment number 22" in second and "Comment number 00" not in second
    assert len(comments) == 23


def test_edit_shows_last_edited(work, reader):
    comment = post_comment(reader, work, "tpyo")
    client = _client(reader)
    assert "tpyo" in client.get(f"/comments/{comment.pk}/edit").content.decode()
    response = client.post(f"/comments/{comment.pk}/edit", {"body": "typo"})
    assert response.status_code == 302
    html = client.get(f"/comments/{comment.pk}").content.decode()
    assert "typo" in html and "Last edited" in html


def test_delete_asks_first_then_leaves_a_placeholder(work, reader, stranger):
    top = post_comment(reader, work, "hi")
    post_comment(stranger, work, "hello", parent=top)
    client = _client(reader)
    assert "Are you sure" in client.get(f"/comments/{top.pk}/delete").content.decode()
    assert Comment.objects.count() == 2
    client.post(f"/comments/{top.pk}/delete")
    html = _client().get(f"/works/{work.pk}").content.decode()
    assert "(Previous comment deleted.)" in html and "hello" in html
    assert _client(stranger).get(f"/comments/{top.pk}/delete").status_code == 403


def test_creator_freezes_and_unfreezes_from_the_page(work, author, reader):
    top = post_comment(reader, work, "hi")
    client = _client(author)
    html = client.get(f"/works/{work.pk}").content.decode()
    assert "Freeze Thread" in html
    assert _client(reader).post(f"/comments/{top.pk}/freeze").status_code == 403
    client.post(f"/comments/{top.pk}/freeze")
    top.refresh_from_db()
    assert top.is_frozen
    html = _client(reader).get(f"/comments/{top.pk}/reply").content.decode()
    assert "frozen" in html and 'name="body"' not in html
    client.post(f"/comments/{top.pk}/unfreeze")
    top.refresh_from_db()
    assert not top.is_frozen


def test_creator_approves_from_the_unreviewed_page(author, reader):
    work = make_work(author, moderated_comments=True)
    response = _client(reader).post(f"/works/{work.pk}/comments", {"body": "please review"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert "please review" not in _client().get(f"/works/{work.pk}").content.decode()
    assert _client(reader).get(f"/works/{work.pk}/comments/unreviewed").status_code == 403
    page = _client(author).get(f"/works/{work.pk}/comments/unreviewed").content.decode()
    assert "please review" in page and "Approve" in page
    _client(author).post(f"/comments/{comment.pk}/approve")
    assert "please review" in _client().get(f"/works/{work.pk}").content.decode()


def test_muted_commenter_is_hidden_for_the_muter_only(work, reader, stranger):
    from people.models import Mute

    lone = post_comment(stranger, work, "Muted and alone")
    answered = post_comment(stranger, work, "Muted but answered")
    post_comment(reader, work, "An answer", parent=answered)
    Mute.objects.create(muter=reader, muted=stranger)
    html = _client(reader).get(f"/works/{work.pk}").content.decode()
    assert "Muted and alone" not in html and f'id="comment_{lone.pk}"' not in html
    assert "Muted but answered" not in html and "An answer" in html
    assert "(This comment is by a user you muted.)" in html
    other = _client().get(f"/works/{work.pk}").content.decode()
    assert "Muted and alone" in other and "Muted but answered" in other


def test_work_page_queries_do_not_grow_with_comments(
    work, author, reader, stranger, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_threads(count):
        for n in range(count):
            top = post_comment(reader, work, f"top {n}")
            reply = post_comment(stranger, work, f"reply {n}", parent=top)
            post_comment(reader, work, f"deeper {n}", parent=reply)

    def queries_for(client):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/works/{work.pk}").status_code == 200
        return len(captured)

    add_threads(2)
    clients = {"guest": _client(), "reader": _client(reader), "author": _client(author)}
    for client in clients.values():
        client.get(f"/works/{work.pk}")  # a first visit writes the reading history's row
    counts = {name: queries_for(client) for name, client in clients.items()}
    add_threads(10)
    for name, client in clients.items():
        with django_assert_num_queries(counts[name]):
            client.get(f"/works/{work.pk}")


# --- API ----------------------------------------------------------------------------------------

API = "/api/v1"


class Api:
    """A JSON client for the API, with or without a bearer token."""

    def __init__(self, key: str | None = None) -> None:
        from django.test import Client

        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, path: str):
        return self.client.get(API + path, headers=self.headers)

    def send(self, method: str, path: str, body=None):
        data = "" if body is None else json.dumps(body)
        return getattr(self.client, method)(
            API + path, data=data, content_type="application/json", headers=self.headers
        )

    def post(self, path: str, body=None):
        return self.send("post", path, body)

    def patch(self, path: str, body=None):
        return self.send("patch", path, body)

    def delete(self, path: str):
        return self.send("delete", path)


def token_for(user) -> str:
    from people.services import create_api_token

    return create_api_token(user, "tests")[1]


def errors(response) -> list[tuple[str | None, str]]:
    body = response.json()
    assert set(body) == {"errors"}
    assert all(error["message"] for error in body["errors"])
    return [(error["field"], error["code"]) for error in body["errors"]]


@pytest.fixture
def reader_api(reader):
    return Api(token_for(reader))


@pytest.fixture
def author_api(author):
    return Api(token_for(author))


def test_api_posts_a_comment_and_a_nested_reply(work, reader_api, author_api):
    response = reader_api.post(f"/works/{work.pk}/comments", {"body": "<p>Great</p>"})
    assert response.status_code == 201
    top = response.json()
    assert top["author"] == {"pseud": "tifa_reader", "user": "tifa_reader"}
    assert (top["body"], top["status"], top["depth"]) == ("<p>Great</p>", "published", 0)
    reply = author_api.post(
        f"/works/{work.pk}/comments", {"body": "Thanks", "parent_id": top["id"]}
    ).json()
    assert (reply["parent_id"], reply["thread_id"], reply["depth"]) == (top["id"], top["id"], 1)
    listing = Api().get(f"/works/{work.pk}/comments").json()
    assert listing["count"] == 1
    assert listing["results"][0]["replies"][0]["body"] == "Thanks"
    assert Api().get(f"/comments/{top['id']}").json()["replies"][0]["id"] == reply["id"]


def test_api_guest_comment_needs_name_and_email_and_never_returns_the_email(work):
    api = Api()
    response = api.post(f"/works/{work.pk}/comments", {"body": "hi"})
    assert response.status_code == 422
    assert set(errors(response)) == {("guest_name", "required"), ("guest_email", "required")}
    response = api.post(
        f"/works/{work.pk}/comments",
        {"body": "hi", "guest_name": "Zack", "guest_email": "zack@example.org"},
    )
    assert response.status_code == 201
    assert response.json()["guest_name"] == "Zack"
    assert "zack@example.org" not in response.content.decode()
    assert "zack@example.org" not in api.get(f"/works/{work.pk}/comments").content.decode()


def test_api_refusals_are_403_with_a_message(author, reader_api):
    work = make_work(author, comment_permission=CommentPermission.NO_ONE)
    response = reader_api.post(f"/works/{work.pk}/comments", {"body": "hi"})
    assert response.status_code == 403
    assert "doesn't allow comments" in response.json()["errors"][0]["message"]


def test_api_rate_limit_is_429_with_retry_after(work, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment_guest": "1/600"}
    body = {"body": "hi", "guest_name": "Zack", "guest_email": "zack@example.org"}
    assert Api().post(f"/works/{work.pk}/comments", body).status_code == 201
    response = Api().post(f"/works/{work.pk}/comments", body)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert errors(response) == [("body", "rate_limited")]


def test_api_edit_delete_and_moderation(author, reader_api, author_api):
    work = make_work(author, moderated_comments=True)
    held = reader_api.post(f"/works/{work.pk}/comments", {"body": "hi"}).json()
    assert held["status"] == "pending"
    assert Api().get(f"/comments/{held['id']}").status_code == 404
    assert reader_api.post(f"/comments/{held['id']}/approve").status_code == 403
    assert author_api.post(f"/comments/{held['id']}/approve").json()["status"] == "published"
    edited = reader_api.patch(f"/comments/{held['id']}", {"body": "hello"}).json()
    assert edited["body"] == "hello" and edited["edited"] is not None
    assert author_api.patch(f"/comments/{held['id']}", {"body": "x"}).status_code == 403
    assert author_api.post(f"/comments/{held['id']}/freeze").json()["frozen"] is True
    assert reader_api.patch(f"/comments/{held['id']}", {"body": "again"}).status_code == 403
    assert author_api.post(f"/comments/{held['id']}/unfreeze").json()["frozen"] is False
    assert reader_api.delete(f"/comments/{held['id']}").status_code == 204
    assert not Comment.objects.exists()


def test_api_work_schema_reads_and_writes_comment_settings(author_api):
    new_work = {
        "title": "Settings",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Final Fantasy VII"],
        "chapters": [{"body": "<p>Text.</p>"}],
        "comment_permission": "registered",
        "moderated_comments": True,
    }
    created = author_api.post("/works", new_work).json()
    assert (created["comment_permission"], created["moderated_comments"]) == ("registered", True)
    changed = author_api.patch(f"/works/{created['id']}", {"comment_permission": "no_one"}).json()
    assert changed["comment_permission"] == "no_one" and changed["moderated_comments"] is True
    response = author_api.patch(f"/works/{created['id']}", {"comment_permission": "robots"})
    assert errors(response) == [("comment_permission", "unknown_choice")]


def test_posting_form_sets_who_can_comment_and_moderation(author):
    from works.models import Work

    def form_data(author, **extra):
        return {
            "title": "Posted with settings",
            "pseuds": [author.default_pseud.pk],
            "rating": "General Audiences",
            "warnings": ["No Archive Warnings Apply"],
            "fandoms": "Final Fantasy VII",
            "language": "en",
            "chapter_body_format": "html",
            "chapter_body": "<p>Text.</p>",
            "action": "post",
            **extra,
        }

    client = _client(author)
    page = client.get("/works/new").content.decode()
    assert 'name="comment_permission"' in page and 'name="moderated_comments"' in page
    client.post(
        "/works/new",
        form_data(author, comment_permission="registered", moderated_comments="on"),
    )
    work = Work.objects.get()
    assert (work.comment_permission, work.moderated_comments) == ("registered", True)
    edit = client.get(f"/works/{work.pk}/edit").content.decode()
    radio = re.search(
        r'<input type="radio" name="comment_permission" value="registered"[^>]*>', edit
    )
    assert radio is not None and "checked" in radio.group(0)


def test_refused_submission_keeps_the_text(work, author, reader):
    top = post_comment(reader, work, "hi")
    freeze_thread(author, top)
    response = _client(reader).post(f"/comments/{top.pk}/reply", {"body": "My long answer"})
    assert response.status_code == 403
    html = unescape(response.content.decode())
    assert "frozen" in html and "My long answer" in html


def test_long_reply_chains_continue_on_the_permalink(work, reader, stranger):
    from feedback.queries.comments import NESTING_SHOWN

    comment = post_comment(reader, work, "level 0")
    chain = [comment]
    for level in range(1, NESTING_SHOWN + 4):
        writer = stranger if level % 2 else reader
        comment = post_comment(writer, work, f"level {level}", parent=comment)
        chain.append(comment)
    html = _client().get(f"/works/{work.pk}").content.decode()
    assert f"level {NESTING_SHOWN}<" in html and f"level {NESTING_SHOWN + 1}<" not in html
    cut = chain[NESTING_SHOWN]
    assert "Continue this thread" in html and f'href="/comments/{cut.pk}"' in html
    deeper = _client().get(f"/comments/{cut.pk}").content.decode()
    assert f"level {NESTING_SHOWN + 3}<" in deeper
    data = Api().get(f"/works/{work.pk}/comments").json()["results"][0]
    for _ in range(NESTING_SHOWN):
        data = data["replies"][0]
    assert data["replies"] == [] and data["more_replies"] is True


def test_comment_listing_pages_keep_their_query_count(
    work, author, reader, stranger, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add_threads(count):
        for n in range(count):
            top = post_comment(reader, work, f"top {n}")
            post_comment(stranger, work, f"reply {n}", parent=top)

    add_threads(2)
    first = Comment.objects.order_by("id")[0]
    routes = [
        (_client(author), f"/works/{work.pk}/comments"),
        (_client(author), f"/works/{work.pk}/comments/unreviewed"),
        (_client(reader), f"/comments/{first.pk}"),
        (_client(reader), f"/api/v1/works/{work.pk}/comments"),
    ]
    counts = []
    for client, route in routes:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(route).status_code == 200
        counts.append(len(captured))
    add_threads(10)
    for _ in range(5):
        post_comment(stranger, work, "more", parent=first)
    for (client, route), count in zip(routes, counts, strict=True):
        with django_assert_num_queries(count):
            client.get(route)


def test_deleting_a_held_comment_leaves_the_count_alone(author, reader):
    work = make_work(author, moderated_comments=True)
    approve_comment(author, post_comment(reader, work, "counted"))
    held = post_comment(reader, work, "not counted yet")
    assert comments_count(work) == 1
    delete_comment(author, held)
    assert comments_count(work) == 1


def test_deleting_a_chapter_takes_its_comments_out_of_the_count(author, reader, stranger):
    from works.services import delete_chapter

    work = make_work(author, title="Two Chapters", chapters=2)
    second = work.chapters.get(position=2)
    post_comment(reader, work, "on the work")
    on_second = post_comment(reader, work, "on chapter two", chapter=second)
    post_comment(stranger, work, "a reply", parent=on_second)
    assert WorkStats.objects.get(work=work).comments_count == 3
    delete_chapter(second)
    assert WorkStats.objects.get(work=work).comments_count == 1
    assert Comment.objects.filter(work=work).count() == 1


def test_a_guests_held_comment_through_the_api_is_answered_201(author):
    from django.test import Client

    from works.models import Work

    work = make_work(author, title="Held For Review")
    Work.objects.filter(pk=work.pk).update(moderated_comments=True)
    response = Client().post(
        f"/api/v1/works/{work.pk}/comments",
        json.dumps({"body": "hi", "guest_name": "G", "guest_email": "g@example.org"}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert "g@example.org" not in response.content.decode()
    assert Comment.objects.filter(work=work).count() == 1
