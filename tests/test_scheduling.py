"""Scheduled posting: the forms (in the creator's time zone), its limits and bad input, the API,
the task that posts at the moment (once), and the catch-up command."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from test_api import Api, errors, new_work, token_for
from test_posting import form_data
from test_visibility_scheduled import Clock

from feedback.models import Notification
from feedback.services.subscriptions import subscribe
from lifestream.core.errors import InvalidInput
from lifestream.testing import first_chapter, make_work
from works.models import Chapter, Work
from works.services import (
    ChapterData,
    add_chapter,
    post_draft,
    release_due,
    update_chapter,
    work_data_from,
)
from works.tasks import post_scheduled

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def _local(moment: dt.datetime, zone: dt.tzinfo) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%dT%H:%M")


def test_a_work_is_scheduled_in_the_creators_time_zone(author_client, author):
    author.time_zone = "Asia/Tokyo"
    author.save(update_fields=["time_zone"])
    moment = (timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    response = author_client.post(
        "/works/new", form_data(author, scheduled_for=_local(moment, TOKYO))
    )
    work = Work.objects.get()
    assert response.status_code == 302
    assert (work.posted, work.scheduled_for) == (False, moment)
    assert work.chapters.get().scheduled_for == moment
    page = author_client.get(f"/works/{work.pk}").content.decode()
    shown = timezone.localtime(moment, TOKYO).strftime("%Y-%m-%d %H:%M")
    assert f'Scheduled for <span class="datetime">{shown} (Asia/Tokyo)</span>' in page
    assert "Work scheduled for" in page  # the message after saving
    drafts = author_client.get(f"/users/{author.username}/works/drafts").content.decode()
    assert f"{shown} (Asia/Tokyo)" in drafts
    # The edit page shows the time back in the same zone.
    edit = author_client.get(f"/works/{work.pk}/edit").content.decode()
    assert f'value="{_local(moment, TOKYO)}"' in edit


def test_saving_as_draft_never_schedules(author_client, author):
    moment = timezone.now() + dt.timedelta(days=1)
    author_client.post(
        "/works/new",
        form_data(author, action="draft", scheduled_for=_local(moment, dt.UTC)),
    )
    work = Work.objects.get()
    assert (work.posted, work.scheduled_for) == (False, None)


def test_a_time_in_the_past_is_a_backdate(author_client, author):
    author_client.post("/works/new", form_data(author, scheduled_for="2021-03-04T10:00"))
    work = Work.objects.get()
    assert work.posted and work.scheduled_for is None
    assert (work.published_on, work.backdated) == (dt.date(2021, 3, 4), True)


def test_more_than_a_year_ahead_is_refused_and_nothing_is_lost(author_client, author):
    far = timezone.now() + dt.timedelta(days=400)
    response = author_client.post(
        "/works/new", form_data(author, scheduled_for=_local(far, dt.UTC))
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "You can schedule at most a year ahead" in body
    assert "Cloud didn&#x27;t look back." in body or "Cloud didn't look back." in body
    assert not Work.objects.exists()


def test_a_schedule_and_a_backdate_together_are_refused(author_client, author):
    soon = timezone.now() + dt.timedelta(days=1)
    response = author_client.post(
        "/works/new",
        form_data(author, scheduled_for=_local(soon, dt.UTC), published_on="2020-01-01"),
    )
    assert "dated the day it goes out" in response.content.decode()
    assert not Work.objects.exists()


def test_an_unreadable_time_is_a_clear_error(author_client, author):
    response = author_client.post("/works/new", form_data(author, scheduled_for="next tuesday"))
    assert "Enter the date and time as YYYY-MM-DD HH:MM." in response.content.decode()
    assert not Work.objects.exists()


def test_posting_a_scheduled_work_now_and_moving_or_dropping_its_time(author, reader):
    moment = timezone.now() + dt.timedelta(days=3)
    work = make_work(author, scheduled_for=moment)
    # Moved: the work and its chapters follow.
    later = moment + dt.timedelta(days=1)
    from works.services import update_work

    update_work(author, work, work_data_from(work) | _with(scheduled_for=later))
    work.refresh_from_db()
    assert work.scheduled_for == later and first_chapter(work).scheduled_for == later
    # Dropped: a plain draft again.
    update_work(author, work, work_data_from(work) | _with(scheduled_for=None))
    work.refresh_from_db()
    assert (work.posted, work.scheduled_for, first_chapter(work).scheduled_for) == (
        False,
        None,
        None,
    )
    # Posted now: the scheduled task later finds nothing to do.
    post_draft(work, scheduled_for=later)
    assert work.is_scheduled
    post_draft(work)
    work.refresh_from_db()
    assert work.posted and work.scheduled_for is None and first_chapter(work).posted
    assert release_due() == (0, 0)


class _with(dict):
    """`work_data_from(work) | _with(field=value)`: the WorkData with those fields replaced."""

    def __ror__(self, data):
        import dataclasses

        return dataclasses.replace(data, **self)


def test_a_posted_work_cannot_be_scheduled(author):
    from works.services import update_work

    work = make_work(author)
    with pytest.raises(InvalidInput) as raised:
        update_work(
            author,
            work,
            work_data_from(work) | _with(scheduled_for=timezone.now() + dt.timedelta(1)),
        )
    assert raised.value.errors[0].code == "already_posted"


def test_a_chapter_of_a_draft_is_not_scheduled_on_its_own(author):
    work = make_work(author, draft=True)
    soon = timezone.now() + dt.timedelta(hours=5)
    with pytest.raises(InvalidInput) as raised:
        add_chapter(work, ChapterData(body="<p>Two.</p>", scheduled_for=soon), post=True)
    assert raised.value.errors[0].code == "work_not_posted"
    assert work.chapters.count() == 1


def test_a_chapter_added_to_a_scheduled_work_goes_out_with_it(author, clock):
    moment = timezone.now() + dt.timedelta(hours=1)
    work = make_work(author, scheduled_for=moment)
    chapter = add_chapter(work, ChapterData(body="<p>Two.</p>"), post=True)
    assert chapter.scheduled_for == moment and not chapter.posted
    clock.advance(dt.timedelta(hours=2))
    assert release_due() == (1, 0)
    work.refresh_from_db()
    assert work.posted and work.chapter_count == 2
    assert work.revised_at == moment


def test_a_draft_chapter_is_scheduled_by_posting_it_and_can_be_unscheduled(author, reader):
    work = make_work(author)
    subscribe(reader, work=work)
    draft = add_chapter(work, ChapterData(body="<p>Two.</p>"), post=False)
    soon = timezone.now() + dt.timedelta(hours=5)
    update_chapter(draft, ChapterData(body="<p>Two.</p>", scheduled_for=soon), post=True)
    draft.refresh_from_db()
    assert (draft.posted, draft.scheduled_for) == (False, soon)
    assert not Notification.objects.exists()
    # Saved again without a time: a plain draft.
    update_chapter(draft, ChapterData(body="<p>Two.</p>"), post=False)
    draft.refresh_from_db()
    assert (draft.posted, draft.scheduled_for) == (False, None)


def test_the_chapter_form_schedules_a_chapter(author_client, author):
    work = make_work(author)
    moment = (timezone.now() + dt.timedelta(hours=6)).replace(second=0, microsecond=0)
    response = author_client.post(
        f"/works/{work.pk}/chapters/new",
        {
            "title": "Later",
            "body_format": "html",
            "body": "<p>Not yet.</p>",
            "scheduled_for": _local(moment, dt.UTC),
            "action": "post",
        },
    )
    chapter = Chapter.objects.get(work=work, position=2)
    assert response.status_code == 302
    assert (chapter.posted, chapter.scheduled_for) == (False, moment)
    page = author_client.get(response["Location"]).content.decode()
    assert "Chapter scheduled for" in page
    assert "This chapter is scheduled for" in page


def test_the_task_posts_once_however_often_it_runs(author, reader, clock):
    subscribe(reader, creator=author)
    moment = timezone.now() + dt.timedelta(minutes=30)
    work = make_work(author, scheduled_for=moment)
    post_scheduled.call(work.pk, None)  # early: nothing happens
    assert not Work.objects.get(pk=work.pk).posted
    clock.advance(dt.timedelta(hours=1))
    for _ in range(3):
        post_scheduled.call(work.pk, None)
    work.refresh_from_db()
    assert work.posted and work.published_on == timezone.localdate(moment)
    assert Notification.objects.filter(user=reader, work=work).count() == 1


def test_saving_queues_the_task_for_the_moment(
    author, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    moment = timezone.now() + dt.timedelta(hours=4)
    with django_capture_on_commit_callbacks(execute=True):
        work = make_work(author, scheduled_for=moment)
    queued = DBTaskResult.objects.get(task_path="works.tasks.post_scheduled")
    assert queued.run_after == moment
    assert queued.args_kwargs["args"] == [work.pk, None]


def test_release_scheduled_command_catches_up(author, reader, clock):
    subscribe(reader, creator=author)
    work = make_work(author, scheduled_for=timezone.now() + dt.timedelta(minutes=5))
    posted = make_work(author, title="Other")
    chapter = add_chapter(
        posted,
        ChapterData(body="<p>Two.</p>", scheduled_for=timezone.now() + dt.timedelta(minutes=5)),
        post=True,
    )
    clock.advance(dt.timedelta(minutes=10))
    out = StringIO()
    call_command("release_scheduled", stdout=out)
    assert "Posted 1 scheduled works and 1 scheduled chapters." in out.getvalue()
    assert Work.objects.get(pk=work.pk).posted and Chapter.objects.get(pk=chapter.pk).posted
    call_command("release_scheduled", stdout=StringIO())
    assert Notification.objects.filter(user=reader, work=work).count() == 1


def test_time_zone_preference(author_client, author):
    page = author_client.get("/users/cloud_author/preferences").content.decode()
    assert '<option value="Europe/Paris">' in page
    data = {
        "time_zone": "Europe/Paris",
        "digest_interval": "hourly",
        "history_enabled": "on",
    }
    author_client.post("/users/cloud_author/preferences", data)
    author.refresh_from_db()
    assert author.time_zone == "Europe/Paris"
    response = author_client.post(
        "/users/cloud_author/preferences", data | {"time_zone": "Mars/Olympus"}
    )
    author.refresh_from_db()
    assert author.time_zone == "Europe/Paris"
    assert "Choose a time zone from the list." in response.content.decode()


# --- the API ----------------------------------------------------------------------------------


@pytest.fixture
def author_api(author):
    return Api(token_for(author))


def test_api_schedules_a_work_and_a_chapter(author, author_api):
    moment = (timezone.now() + dt.timedelta(days=1)).replace(microsecond=0)
    response = author_api.post("/works", new_work(scheduled_for=moment.isoformat()))
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["draft"] is True
    assert dt.datetime.fromisoformat(data["scheduled_for"]) == moment
    assert Api().get(f"/works/{data['id']}").status_code == 404

    posted = author_api.post("/works", new_work(title="Posted")).json()
    chapter = author_api.post(
        f"/works/{posted['id']}/chapters",
        {"body": "<p>Later.</p>", "scheduled_for": moment.isoformat()},
    ).json()
    assert chapter["draft"] is True and chapter["scheduled_for"] is not None
    assert Api().get(f"/chapters/{chapter['id']}").status_code == 404


def test_api_schedules_a_draft_with_draft_false(author, author_api):
    draft = author_api.post("/works", new_work(draft=True)).json()
    moment = timezone.now() + dt.timedelta(hours=3)
    data = author_api.patch(
        f"/works/{draft['id']}", {"draft": False, "scheduled_for": moment.isoformat()}
    ).json()
    assert data["draft"] is True and data["scheduled_for"] is not None
    later = moment + dt.timedelta(hours=1)
    moved = author_api.patch(f"/works/{draft['id']}", {"scheduled_for": later.isoformat()})
    assert dt.datetime.fromisoformat(moved.json()["scheduled_for"]) == later.replace(
        microsecond=later.microsecond // 1000 * 1000
    )
    assert author_api.patch(f"/works/{draft['id']}", {"draft": False}).json()["draft"] is False


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"scheduled_for": "2999-01-01T00:00:00+00:00"}, "too_far_ahead"),
        ({"published": "2020-01-01", "scheduled_for": "SOON"}, "scheduled_and_backdated"),
    ],
)
def test_api_schedule_errors(author, author_api, extra, code):
    if extra.get("scheduled_for") == "SOON":
        extra = extra | {"scheduled_for": (timezone.now() + dt.timedelta(hours=1)).isoformat()}
    response = author_api.post("/works", new_work(**extra))
    assert response.status_code == 422 or response.status_code == 400
    assert ("scheduled_for", code) in errors(response)
    assert not Work.objects.exists()


def test_api_a_past_schedule_is_a_backdate(author, author_api):
    data = author_api.post("/works", new_work(scheduled_for="2019-05-06T08:00:00+00:00")).json()
    assert data["draft"] is False and data["published"] == "2019-05-06"
