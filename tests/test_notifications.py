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
def queued(settings):
    """Tasks go to the database queue, as in production, and run when a worker runs."""
    settings.TASKS = DATABASE_TASKS


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
