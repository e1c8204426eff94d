"""Reports: filed by members and guests on what they can see (a 404 for anything else),
rate-limited, queued on the desk, worked through with states and notes, and answered in the
moderator's words."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client

from feedback.models import Notification, NotificationKind
from feedback.services.bookmarks import BookmarkData, create_bookmark
from feedback.services.comments import post_comment
from lifestream.testing import first_chapter, make_user, make_work
from moderation import reports
from moderation.models import Report, ReportNote, ReportState
from people.models import AuditEntry


@pytest.fixture
def moderator(db):
    return make_user("report_mod", is_moderator=True)


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _report(client: Client, kind: str, key: object, **data):
    fields = {"reason": "harassment", "text": "They keep following me around."} | data
    return client.post(f"/reports/new?type={kind}&id={key}", fields)


def test_every_kind_of_page_links_to_the_report_form(author, reader):
    work = make_work(author, chapters=2)
    chapter = first_chapter(work)
    comment = post_comment(reader, work, "<p>Nice.</p>")
    bookmark = create_bookmark(reader, work, BookmarkData())
    guest = _client()
    page = guest.get(f"/works/{work.pk}").content.decode()
    assert f"/reports/new?type=work&amp;id={work.pk}" in page
    assert (
        f"/reports/new?type=comment&amp;id={comment.pk}"
        in guest.get(f"/comments/{comment.pk}").content.decode()
    )
    chapter_page = guest.get(f"/works/{work.pk}/chapters/{chapter.pk}").content.decode()
    assert f"/reports/new?type=chapter&amp;id={chapter.pk}" in chapter_page
    assert (
        f"/reports/new?type=bookmark&amp;id={bookmark.pk}"
        in guest.get(f"/bookmarks/{bookmark.pk}").content.decode()
    )
    assert (
        "/reports/new?type=user&amp;id=cloud_author"
        in guest.get("/users/cloud_author").content.decode()
    )
    # Nobody is offered to report themselves.
    assert (
        "/reports/new?type=user" not in _client(author).get("/users/cloud_author").content.decode()
    )
    own_work = _client(author).get(f"/works/{work.pk}/chapters/{chapter.pk}").content.decode()
    assert "/reports/new?type=work" not in own_work
    assert "/reports/new?type=chapter" not in own_work


def test_the_work_and_chapter_report_links_are_at_the_end_with_the_kudos(author, reader):
    # As AO3 puts its actions under the story: the Report links follow the kudos button in
    # the feedback block, before the comments, on the work and on each chapter's page.
    work = make_work(author, chapters=2)
    second = list(work.chapters.order_by("position"))[1]
    for path, chapter in (
        (f"/works/{work.pk}", first_chapter(work)),
        (f"/works/{work.pk}/chapters/{second.pk}", second),
        (f"/works/{work.pk}?view_full_work=true", None),
    ):
        page = BeautifulSoup(_client(reader).get(path).content, "html.parser")
        feedback = page.select_one("div#feedback")
        assert feedback is not None, path
        links = [a["href"] for a in feedback.select("ul.actions.report a")]
        expected = [f"/reports/new?type=work&id={work.pk}"]
        if chapter is not None:
            expected.append(f"/reports/new?type=chapter&id={chapter.pk}")
        assert links == expected, path
        order = [el.get("id") or "report" for el in feedback.select("#kudos, ul.report, #comments")]
        assert order.index("kudos") < order.index("report"), path
        # Nowhere else on the page: not above the story any more.
        assert len(page.select('a[href^="/reports/new?type=work"]')) == 1, path


@pytest.mark.parametrize("kind", ["work", "chapter", "comment", "bookmark", "user"])
def test_a_member_reports_each_kind(kind, author, reader):
    work = make_work(author, title="Reported Work")
    keys = {
        "work": work.pk,
        "chapter": first_chapter(work).pk,
        "comment": post_comment(author, work, "<p>Mean words.</p>").pk,
        "bookmark": create_bookmark(author, work, BookmarkData()).pk,
        "user": "cloud_author",
    }
    client = _client(reader)
    form = client.get(f"/reports/new?type={kind}&id={keys[kind]}")
    assert form.status_code == 200 and 'name="email"' not in form.content.decode()
    response = _report(client, kind, keys[kind])
    assert response.status_code == 200 and "Report sent" in response.content.decode()
    report = Report.objects.get()
    assert (report.target_type, report.reporter, report.state) == (kind, reader, "new")


def test_a_guest_reports_with_an_email(author):
    work = make_work(author)
    missing = _report(_client(), "work", work.pk, email="")
    assert missing.status_code == 200 and not Report.objects.exists()
    page = missing.content.decode()
    assert "They keep following me around." in page  # nothing lost
    _report(_client(), "work", work.pk, email="guest@example.org")
    assert Report.objects.get().guest_email == "guest@example.org"


def test_a_report_needs_a_reason_and_text(author, reader):
    work = make_work(author)
    response = _report(_client(reader), "work", work.pk, reason="nonsense", text="")
    assert response.status_code == 200
    assert "Tell the moderators what is wrong." in response.content.decode()
    assert not Report.objects.exists()


def test_what_the_reporter_cannot_see_cannot_be_reported(author, reader, moderator):
    draft = make_work(author, draft=True)
    restricted = make_work(author, restricted=True)
    hidden = make_work(author)
    from moderation.services import hide_work

    hide_work(moderator, hidden.pk, "Hidden.")
    private = create_bookmark(author, make_work(reader), BookmarkData(private=True))
    cases = [
        (_client(reader), "work", draft.pk),
        (_client(), "work", restricted.pk),
        (_client(reader), "work", hidden.pk),
        (_client(reader), "work", 999999),
        (_client(reader), "bookmark", private.pk),
        (_client(reader), "user", "nobody_here"),
        (_client(reader), "chapter", first_chapter(draft).pk),
        (_client(reader), "planet", 1),
        (_client(reader), "work", "abc"),
    ]
    for client, kind, key in cases:
        assert client.get(f"/reports/new?type={kind}&id={key}").status_code == 404, (kind, key)
        assert _report(client, kind, key).status_code == 404, (kind, key)
    assert not Report.objects.exists()


def test_reports_are_rate_limited(author, settings):
    settings.RATE_LIMITS = settings.RATE_LIMITS | {"report_guest": "2/3600"}
    work = make_work(author)
    client = _client()
    for _ in range(2):
        assert (
            "Report sent"
            in _report(client, "work", work.pk, email="g@example.org").content.decode()
        )
    third = _report(client, "work", work.pk, email="g@example.org")
    assert third.status_code == 200 and "Please wait" in third.content.decode()
    assert Report.objects.count() == 2


def test_the_queue_states_notes_and_answer(
    author, reader, moderator, django_assert_max_num_queries
):
    work = make_work(author, title="Queue Work")
    for _ in range(3):
        _report(_client(reader), "work", work.pk)
    report = Report.objects.order_by("id")[0]
    client = _client(moderator)
    with django_assert_max_num_queries(8):
        desk = client.get("/admin/moderation").content.decode()
    assert "Report queue" in desk and "Queue Work" in desk
    with django_assert_max_num_queries(6):
        queue = client.get("/admin/moderation/reports").content.decode()
    assert queue.count('id="report_') == 3
    assert _client(reader).get("/admin/moderation/reports").status_code == 404
    assert _client(reader).get(f"/admin/moderation/reports/{report.pk}").status_code == 404
    page = client.get(f"/admin/moderation/reports/{report.pk}").content.decode()
    assert "They keep following me around." in page and "tifa_reader" in page
    client.post(
        f"/admin/moderation/reports/{report.pk}", {"form": "note", "note": "Looking into it."}
    )
    report.refresh_from_db()
    assert report.state == ReportState.IN_PROGRESS
    assert ReportNote.objects.get().author_name == "report_mod"
    empty = client.post(f"/admin/moderation/reports/{report.pk}", {"form": "answer", "answer": ""})
    assert empty.status_code == 200 and not Notification.objects.filter(user=reader).exists()
    client.post(
        f"/admin/moderation/reports/{report.pk}",
        {"form": "answer", "answer": "We hid the work. Thank you."},
    )
    client.post(
        f"/admin/moderation/reports/{report.pk}",
        {"form": "state", "state": "actioned", "reason": "Work hidden."},
    )
    report.refresh_from_db()
    assert report.state == ReportState.ACTIONED and report.answered_at is not None
    notice = Notification.objects.get(user=reader, kind=NotificationKind.MODERATION)
    assert "We hid the work. Thank you." in notice.message
    assert "Queue Work" in notice.message
    # The reporter is told the moderator's words and what they reported, nothing else.
    assert "cloud_author" not in notice.message and "@" not in notice.message
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["report", "report"]
    inbox = _client(reader).get("/users/tifa_reader/inbox").content.decode()
    assert "We hid the work. Thank you." in inbox


def test_a_guest_is_answered_by_email(author, moderator, django_capture_on_commit_callbacks):
    work = make_work(author, title="Mailed Work")
    _report(_client(), "work", work.pk, email="guest@example.org")
    report = Report.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        reports.answer_report(moderator, report.pk, "Thanks, it is sorted.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["guest@example.org"]
    assert "Thanks, it is sorted." in mail.outbox[0].body
    assert "Mailed Work" in mail.outbox[0].body
