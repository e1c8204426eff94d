"""Comments: threads, placeholders, permissions, moderation, blocks, frozen threads, limits,
sanitising and notifications."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from feedback.models import Comment, CommentStatus, Notification, NotificationKind, WorkStats
from feedback.services.comments import (
    approve_comment,
    delete_comment,
    edit_comment,
    freeze_thread,
    post_comment,
    unfreeze_thread,
)
from lifestream.errors import InvalidInput
from lifestream.ratelimit import RateLimited
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
    with pytest.raises(PermissionDenied, match="doesn't allow guest comments"):
        post_comment(anonymous(), work, "hi", guest_name="G", guest_email="g@example.org")
    post_comment(reader, work, "hi")


def test_no_one_may_comment_when_comments_are_off(author, reader):
    work = make_work(author, comment_permission=CommentPermission.NO_ONE)
    for who in (reader, author):
        with pytest.raises(PermissionDenied, match="doesn't allow comments"):
            post_comment(who, work, "hi")


def test_draft_takes_no_comments(author, reader):
    from django.http import Http404

    draft = make_work(author, draft=True)
    with pytest.raises(Http404):
        post_comment(reader, draft, "hi")
    with pytest.raises(PermissionDenied):
        post_comment(author, draft, "hi")


def test_restricted_work_takes_no_guest_comments(author):
    from works.queries import LoginRequired

    work = make_work(author, restricted=True)
    with pytest.raises(LoginRequired):
        post_comment(anonymous(), work, "hi", guest_name="G", guest_email="g@example.org")


# --- blocks -------------------------------------------------------------------------------------


def test_blocked_user_cannot_comment(work, author, reader):
    Block.objects.create(blocker=author, blocked=reader)
    with pytest.raises(PermissionDenied, match="blocked"):
        post_comment(reader, work, "hi")
    assert not Comment.objects.exists()


def test_blocked_user_cannot_reply_to_the_blocker(work, reader, stranger):
    top = post_comment(reader, work, "hi")
    Block.objects.create(blocker=reader, blocked=stranger)
    with pytest.raises(PermissionDenied, match="its writer has blocked you"):
        post_comment(stranger, work, "reply", parent=top)


def test_blocked_user_cannot_edit_on_the_blockers_work(work, author, reader):
    comment = post_comment(reader, work, "hi")
    Block.objects.create(blocker=author, blocked=reader)
    with pytest.raises(PermissionDenied):
        edit_comment(reader, comment, "changed")


# --- editing ------------------------------------------------------------------------------------


def test_writer_edits_and_edited_at_is_set(work, reader, stranger):
    comment = post_comment(reader, work, "tpyo")
    with pytest.raises(PermissionDenied):
        edit_comment(stranger, comment, "hijack")
    edit_comment(reader, comment, "<b>typo</b>")
    comment.refresh_from_db()
    assert comment.body == "<b>typo</b>" and comment.edited_at is not None


def test_guest_comments_cannot_be_edited(work):
    comment = post_comment(anonymous(), work, "hi", guest_name="G", guest_email="g@example.org")
    with pytest.raises(PermissionDenied):
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
    with pytest.raises(PermissionDenied):
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
    with pytest.raises(PermissionDenied):
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
    with pytest.raises(PermissionDenied, match="awaiting approval"):
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
    with pytest.raises(PermissionDenied):
        freeze_thread(reader, top)
    freeze_thread(author, top)
    reply.refresh_from_db()
    assert reply.is_frozen
    with pytest.raises(PermissionDenied, match="frozen"):
        post_comment(reader, work, "more", parent=reply)
    with pytest.raises(PermissionDenied, match="frozen"):
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
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.9")
    request.user = anonymous()
    for number in range(2):
        post_comment(
            request.user,
            work,
            f"hi {number}",
            guest_name="G",
            guest_email="g@example.org",
            request=request,
        )
    with pytest.raises(RateLimited) as caught:
        post_comment(
            request.user, work, "hi", guest_name="G", guest_email="g@example.org", request=request
        )
    message = caught.value.errors[0].message
    assert "Please wait" in message and "minute" in message
    assert Comment.objects.count() == 2


def test_comment_for_anothers_work_chapter_is_refused(author, reader):
    from django.http import Http404

    work = make_work(author)
    other = make_work(make_user("someone_else"))
    with pytest.raises(Http404):
        post_comment(reader, work, "hi", chapter=other.chapters.get())
