"""Digest emails: one per interval with everything pending, kudos at most daily, preferences,
things deleted or hidden since, failures that keep the notices, and the real task queue."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from feedback.models import Comment, CommentStatus, Notification, NotificationKind
from feedback.notify import notify, schedule_digests
from feedback.services.subscriptions import subscribe
from feedback.tasks import send_digest
from lifestream.testing import make_user, make_work
from people.models import Mute, User
from works.services import ChapterData, add_chapter

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queued(settings, monkeypatch):
    """Tasks go to the database queue, as in production, and run when a worker runs."""
    settings.TASKS = DATABASE_TASKS
    # The worker drops connections that are in a transaction between tasks; inside a test the
    # test's own transaction is one (PostgreSQL would lose it), so the worker keeps it here.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def _post_chapter(work, capture, text="More."):
    with capture(execute=True):
        return add_chapter(work, ChapterData(body=f"<p>{text}</p>"), post=True)


def _chapter_url(chapter) -> str:
    return f"{settings.SITE_URL}/works/{chapter.work_id}/chapters/{chapter.pk}"


def _run_worker() -> None:
    DBTaskResult.objects.update(run_after=timezone.now() - dt.timedelta(seconds=1))
    call_command("db_worker", "--batch", "--no-startup-delay")


def _comment(work, user, body="<p>I loved the rain.</p>", **extra) -> Comment:
    return Comment.objects.create(
        work=work, user=user, pseud=user.default_pseud, body=body, **extra
    )


def _html(message) -> str:
    return message.alternatives[0][0]


# --- the immediate backend (development, and the rest of the test suite) ----------------------


def test_a_new_chapter_is_emailed_to_subscribers(
    author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author, title="Lifestream")
    subscribe(reader, work=work)
    chapter = _post_chapter(work, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["tifa_reader@example.org"]
    assert message.subject == "[Lifestream] New chapter of Lifestream"
    assert _chapter_url(chapter) in message.body
    assert f'href="{_chapter_url(chapter)}"' in _html(message)
    notice = Notification.objects.get()
    assert notice.emailed_at is not None and notice.in_digest
    reader.refresh_from_db()
    assert reader.digest_due_at is None and reader.last_digest_at is not None


def test_creators_get_no_email_of_their_own_chapter(author, django_capture_on_commit_callbacks):
    work = make_work(author)
    _post_chapter(work, django_capture_on_commit_callbacks)
    assert mail.outbox == []


# --- the queued path --------------------------------------------------------------------------


def test_queued_digest_waits_then_sends_one_email(
    queued, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author)
    subscribe(reader, work=work)
    first = _post_chapter(work, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    task = DBTaskResult.objects.get()
    assert task.run_after > timezone.now()
    assert task.task_path == "feedback.tasks.send_digest"
    _run_worker()
    assert len(mail.outbox) == 1
    assert _chapter_url(first) in mail.outbox[0].body
    _run_worker()  # nothing left to run, nothing sent twice
    assert len(mail.outbox) == 1


def test_three_events_make_one_email(queued, author, reader, django_capture_on_commit_callbacks):
    work = make_work(author, title="Lifestream")
    other = make_work(author, title="Nibelheim")
    subscribe(reader, work=work)
    subscribe(reader, work=other)
    chapters = [
        _post_chapter(work, django_capture_on_commit_callbacks),
        _post_chapter(other, django_capture_on_commit_callbacks),
        _post_chapter(work, django_capture_on_commit_callbacks),
    ]
    assert DBTaskResult.objects.count() == 1
    _run_worker()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Lifestream] 3 new notifications"
    for chapter in chapters:
        assert _chapter_url(chapter) in message.body
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_the_next_digest_waits_for_the_interval(
    queued, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author)
    subscribe(reader, work=work)
    last = timezone.now() - dt.timedelta(minutes=10)
    User.objects.filter(pk=reader.pk).update(last_digest_at=last, digest_interval="daily")
    _post_chapter(work, django_capture_on_commit_callbacks)
    task = DBTaskResult.objects.get()
    assert task.run_after == last + dt.timedelta(days=1)


def test_a_failed_send_keeps_the_notices_and_tries_again(
    queued, author, reader, django_capture_on_commit_callbacks, monkeypatch
):
    work = make_work(author)
    subscribe(reader, work=work)
    chapter = _post_chapter(work, django_capture_on_commit_callbacks)

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("the mail server went away")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
        _run_worker()
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is None
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert retry.run_after > timezone.now()
    _run_worker()
    assert len(mail.outbox) == 1
    assert _chapter_url(chapter) in mail.outbox[0].body


def test_a_superseded_task_sends_nothing(author, reader):
    work = make_work(author)
    subscribe(reader, work=work)
    notify([reader.pk], NotificationKind.NEW_WORK, work=work)
    due = timezone.now()
    User.objects.filter(pk=reader.pk).update(digest_due_at=due)
    send_digest.call(reader.pk, (due - dt.timedelta(minutes=1)).isoformat())
    assert mail.outbox == []
    send_digest.call(reader.pk, due.isoformat())
    send_digest.call(reader.pk, due.isoformat())
    assert len(mail.outbox) == 1


# --- kudos ------------------------------------------------------------------------------------


def test_kudos_are_counted_in_one_line(queued, author, django_capture_on_commit_callbacks):
    work = make_work(author, title="Lifestream")
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("kudoser_a", "kudoser_b", "kudoser_c"):
            notify([author.pk], NotificationKind.KUDOS, work=work, actor=make_user(name))
    _run_worker()
    assert len(mail.outbox) == 1
    assert '3 people left kudos on "Lifestream"' in mail.outbox[0].body
    assert "3 people left kudos on" in _html(mail.outbox[0])


def test_kudos_wait_a_day_after_the_last_kudos_email(
    author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author, title="Lifestream")
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.KUDOS, work=work, actor=reader)
    assert "1 person left kudos" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.KUDOS, work=work, actor=make_user("second_fan"))
    assert len(mail.outbox) == 1  # the kudos wait for their day
    comment = _comment(work, reader)
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.COMMENT, work=work, comment=comment, actor=reader)
    assert len(mail.outbox) == 2
    assert "I loved the rain." in mail.outbox[1].body
    assert "kudos" not in mail.outbox[1].body.lower().replace("email me kudos", "")
    waiting = Notification.objects.get(kind=NotificationKind.KUDOS, emailed_at__isnull=True)
    # A day later the waiting kudos go out.
    Notification.objects.filter(in_digest=True, kind=NotificationKind.KUDOS).update(
        emailed_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    schedule_digests([author.pk])
    assert len(mail.outbox) == 3
    assert "1 person left kudos" in mail.outbox[2].body
    waiting.refresh_from_db()
    assert waiting.in_digest


def test_queued_kudos_are_scheduled_for_their_day(
    queued, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author)
    sent = timezone.now() - dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.KUDOS, work=work, actor=make_user("early_fan"))
    Notification.objects.update(emailed_at=sent, in_digest=True)
    DBTaskResult.objects.all().delete()
    User.objects.filter(pk=author.pk).update(digest_due_at=None, last_digest_at=sent)
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.KUDOS, work=work, actor=reader)
    assert DBTaskResult.objects.get().run_after == sent + dt.timedelta(days=1)


# --- comments ---------------------------------------------------------------------------------


def test_comment_email_has_the_text_and_a_reply_link(
    author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author, title="Lifestream")
    comment = _comment(work, reader, body="<p>The <em>rain</em> scene!</p>")
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.COMMENT, work=work, comment=comment, actor=reader)
    message = mail.outbox[0]
    assert 'tifa_reader commented on "Lifestream"' in message.body
    assert "The rain scene!" in message.body
    assert f"{settings.SITE_URL}/comments/{comment.pk}" in message.body
    assert "<em>rain</em>" in _html(message)


def test_a_deleted_comment_is_not_emailed(
    queued, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author)
    comment = _comment(work, reader)
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.COMMENT, work=work, comment=comment, actor=reader)
    Comment.objects.filter(pk=comment.pk).update(is_deleted=True)
    _run_worker()
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is not None


def test_a_deleted_work_is_not_emailed(queued, author, reader, django_capture_on_commit_callbacks):
    work = make_work(author)
    subscribe(reader, work=work)
    _post_chapter(work, django_capture_on_commit_callbacks)
    work.delete()
    _run_worker()
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_a_pending_comment_reaches_the_creator_but_not_a_reply_notice_of_others(
    queued, author, reader, stranger, django_capture_on_commit_callbacks
):
    work = make_work(author, title="Moderated")
    held = _comment(work, reader, status=CommentStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk, stranger.pk], NotificationKind.COMMENT, work=work, comment=held)
    _run_worker()
    assert [message.to for message in mail.outbox] == [["cloud_author@example.org"]]


# --- preferences and access -------------------------------------------------------------------


def test_no_email_when_the_preference_is_off(author, reader, django_capture_on_commit_callbacks):
    User.objects.filter(pk=reader.pk).update(email_subscriptions=False)
    work = make_work(author)
    subscribe(reader, work=work)
    _post_chapter(work, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    notice = Notification.objects.get()
    assert notice.read_at is None and not notice.in_digest  # still in the inbox


def test_turning_a_preference_off_drops_what_waits(
    queued, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author)
    subscribe(reader, work=work)
    _post_chapter(work, django_capture_on_commit_callbacks)
    User.objects.filter(pk=reader.pk).update(email_subscriptions=False)
    _run_worker()
    assert mail.outbox == []


def test_only_wanted_kinds_are_emailed(queued, author, reader, django_capture_on_commit_callbacks):
    User.objects.filter(pk=author.pk).update(email_kudos=False)
    work = make_work(author, title="Lifestream")
    comment = _comment(work, reader)
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.KUDOS, work=work, actor=reader)
        notify([author.pk], NotificationKind.COMMENT, work=work, comment=comment, actor=reader)
    _run_worker()
    assert len(mail.outbox) == 1
    assert "left kudos" not in mail.outbox[0].body
    assert "I loved the rain." in mail.outbox[0].body


def test_restricted_works_are_emailed_to_registered_subscribers(
    author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author, restricted=True)
    subscribe(reader, work=work)
    chapter = _post_chapter(work, django_capture_on_commit_callbacks)
    assert _chapter_url(chapter) in mail.outbox[0].body


def test_news_from_a_user_muted_since_is_not_emailed(
    queued, author, reader, django_capture_on_commit_callbacks
):
    work = make_work(author)
    comment = _comment(work, reader)
    with django_capture_on_commit_callbacks(execute=True):
        notify([author.pk], NotificationKind.COMMENT, work=work, comment=comment, actor=reader)
    Mute.objects.create(muter=author, muted=reader)
    _run_worker()
    assert mail.outbox == []


def test_inactive_accounts_get_nothing(author, reader, django_capture_on_commit_callbacks):
    work = make_work(author)
    subscribe(reader, work=work)
    User.objects.filter(pk=reader.pk).update(is_active=False)
    _post_chapter(work, django_capture_on_commit_callbacks)
    assert mail.outbox == []


# --- the inbox --------------------------------------------------------------------------------


def _logged_in(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def _inbox_fixture(author, reader):
    work = make_work(author, title="Lifestream")
    comment = _comment(work, reader, body="<p>Rain on the reactor.</p>")
    notify([author.pk], NotificationKind.KUDOS, work=work, actor=reader)
    notify([author.pk], NotificationKind.COMMENT, work=work, comment=comment, actor=reader)
    return work, comment


def test_inbox_lists_newest_first_with_unread_marked(author, reader):
    _work, comment = _inbox_fixture(author, reader)
    page = _logged_in(author).get("/users/cloud_author/inbox").content.decode()
    assert page.index("Rain on the reactor.") < page.index("left kudos on")
    assert page.count('class="notification kudos unread"') == 1
    assert f'href="/comments/{comment.pk}"' in page
    assert "tifa_reader commented on" in page


def test_inbox_filters(author, reader):
    _inbox_fixture(author, reader)
    client = _logged_in(author)
    kudos = client.get("/users/cloud_author/inbox?kind=kudos").content.decode()
    assert "left kudos on" in kudos and "Rain on the reactor." not in kudos
    comments = client.get("/users/cloud_author/inbox?kind=comments").content.decode()
    assert "left kudos on" not in comments and "Rain on the reactor." in comments
    Notification.objects.filter(kind=NotificationKind.KUDOS).update(read_at=timezone.now())
    unread = client.get("/users/cloud_author/inbox?unread=1").content.decode()
    assert "left kudos on" not in unread and "Rain on the reactor." in unread


def test_mark_selected_read_unread_and_delete(author, reader, stranger):
    _inbox_fixture(author, reader)
    theirs = notify([stranger.pk], NotificationKind.NEW_WORK, work=make_work(reader))[0]
    kudos = Notification.objects.get(kind=NotificationKind.KUDOS)
    client = _logged_in(author)
    url = "/users/cloud_author/inbox?kind=kudos"
    response = client.post(url, {"action": "read", "notices": [kudos.pk, theirs.pk]})
    assert response["Location"] == url
    kudos.refresh_from_db()
    theirs.refresh_from_db()
    assert kudos.read_at is not None and theirs.read_at is None
    client.post(url, {"action": "unread", "notices": [kudos.pk]})
    kudos.refresh_from_db()
    assert kudos.read_at is None
    client.post(url, {"action": "delete", "notices": [kudos.pk, theirs.pk]})
    assert not Notification.objects.filter(pk=kudos.pk).exists()
    assert Notification.objects.filter(pk=theirs.pk).exists()


def test_mark_all_read_and_the_unread_count(author, reader):
    _inbox_fixture(author, reader)
    client = _logged_in(author)
    dashboard = client.get("/users/cloud_author").content.decode()
    assert "(2 unread)" in dashboard
    client.post("/users/cloud_author/inbox", {"action": "read_all"})
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert "unread)" not in client.get("/users/cloud_author").content.decode()


def test_nothing_selected_says_so(author, reader):
    _inbox_fixture(author, reader)
    response = _logged_in(author).post(
        "/users/cloud_author/inbox", {"action": "delete"}, follow=True
    )
    assert "Select at least one notification first." in response.content.decode()
    assert Notification.objects.count() == 2


def test_a_deleted_comment_leaves_the_inbox(author, reader):
    _work, comment = _inbox_fixture(author, reader)
    Comment.objects.filter(pk=comment.pk).update(is_deleted=True)
    client = _logged_in(author)
    page = client.get("/users/cloud_author/inbox").content.decode()
    assert "Rain on the reactor." not in page
    assert "(1 unread)" in client.get("/users/cloud_author").content.decode()


def test_a_pending_comment_shows_to_the_creator_only(author, reader, stranger):
    work = make_work(author)
    held = _comment(work, stranger, body="<p>Held back.</p>", status=CommentStatus.PENDING)
    notify([author.pk, reader.pk], NotificationKind.COMMENT, work=work, comment=held)
    creator_page = _logged_in(author).get("/users/cloud_author/inbox").content.decode()
    assert "Held back." in creator_page and "awaiting your approval" in creator_page
    reader_page = _logged_in(reader).get("/users/tifa_reader/inbox").content.decode()
    assert "Held back." not in reader_page


@pytest.mark.parametrize("count", [2, 8])
def test_inbox_query_count(author, reader, django_assert_num_queries, count):
    for number in range(count):
        work = make_work(reader, title=f"Work {number}")
        comment = _comment(work, make_user(f"commenter_{number}"))
        notify([author.pk], NotificationKind.REPLY, work=work, comment=comment)
        notify([author.pk], NotificationKind.NEW_WORK, work=work)
    client = _logged_in(author)
    client.get("/users/cloud_author/inbox")
    # session, user, the owner's mutes, the count, the page (works, chapters, comments and
    # their pseuds joined), the nav's unread count
    with django_assert_num_queries(6):
        response = client.get("/users/cloud_author/inbox")
    assert response.content.decode().count('<li class="notification ') == 2 * count


def test_the_inbox_is_paginated(author, reader):
    work = make_work(reader)
    for _ in range(25):
        notify([author.pk], NotificationKind.NEW_WORK, work=work)
    client = _logged_in(author)
    first = client.get("/users/cloud_author/inbox").content.decode()
    assert first.count('<li class="notification ') == 20
    assert "1 - 20 of 25 Notifications" in first
    second = client.get("/users/cloud_author/inbox?page=2").content.decode()
    assert second.count('<li class="notification ') == 5


def test_many_recipients_are_scheduled_by_the_worker(
    queued, author, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("feedback.notify.INLINE_SCHEDULING_MAX", 2)
    work = make_work(author)
    readers = [make_user(f"follower_{number}") for number in range(3)]
    for reader in readers:
        subscribe(reader, work=work)
    chapter = _post_chapter(work, django_capture_on_commit_callbacks)
    assert [task.task_path for task in DBTaskResult.objects.all()] == [
        "feedback.tasks.queue_digests"
    ]
    _run_worker()  # queues the three digests, each waiting a few minutes
    assert DBTaskResult.objects.filter(task_path="feedback.tasks.send_digest").count() == 3
    assert mail.outbox == []
    _run_worker()
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"follower_{number}@example.org" for number in range(3)
    ]
    assert all(_chapter_url(chapter) in message.body for message in mail.outbox)


def test_an_account_without_an_address_gets_no_email_and_no_retries(
    author, reader, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=reader.pk).update(email="")
    work = make_work(author)
    subscribe(reader, work=work)
    _post_chapter(work, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Notification.objects.get().emailed_at is not None
    reader.refresh_from_db()
    assert reader.digest_due_at is None
