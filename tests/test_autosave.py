"""Autosave of the posting and chapter forms: the endpoint keeps the text in the creator's
autosave store, never posts, never changes what readers see, notices a change made elsewhere,
and the forms offer the text back."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from lifestream.testing import make_user, make_work
from works.models import AUTOSAVE_MAX_CHARS, Autosave, AutosaveForm, Chapter, Work
from works.services import ChapterData, add_chapter, update_chapter

pytestmark = pytest.mark.django_db

URL = "/works/autosave"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return match.group(1)


def _form_state(client: Client, url: str) -> dict[str, str]:
    page = client.get(url).content.decode()
    names = (
        "autosave_form",
        "work_id",
        "chapter_id",
        "autosave_id",
        "autosave_version",
        "autosave_token",
    )
    return {name: _hidden(page, name) for name in (*names, "autosave_base")}


def test_first_autosave_of_a_new_work_makes_one_autosave_and_later_saves_edit_it(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    assert state["autosave_form"] == "work_new" and state["autosave_id"] == ""
    works_before = Work.objects.count()

    first = client.post(URL, {**state, "title": "Half a title", "chapter_body": "It began"})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["version"] == 1
    assert body["url"] == f"/works/new?autosave={body['id']}"

    second = client.post(
        URL,
        {
            **state,
            "autosave_id": str(body["id"]),
            "autosave_version": "1",
            "title": "A whole title",
            "fandoms": "Final Fantasy VII, Crisis Core",
            "warnings": "No Archive Warnings Apply",
            "summary": "A summary",
            "notes": "Some notes",
            "chapter_body": "It began in Nibelheim.",
        },
    )
    assert second.status_code == 200, second.content
    assert second.json()["id"] == body["id"]
    assert second.json()["version"] == 2
    row = Autosave.objects.get()
    assert row.fields["title"] == "A whole title"
    assert row.fields["fandoms"] == "Final Fantasy VII, Crisis Core"
    assert row.fields["warnings"] == ["No Archive Warnings Apply"]
    assert row.fields["chapter_body"] == "It began in Nibelheim."
    # Never a work, let alone a posted one.
    assert Work.objects.count() == works_before


def test_the_new_work_form_offers_the_autosave_and_restores_it(
    author, django_assert_max_num_queries
):
    client = _client(author)
    state = _form_state(client, "/works/new")
    saved = client.post(
        URL,
        {
            **state,
            "title": "Restore me",
            "freeforms": "Angst",
            "warnings": "No Archive Warnings Apply",
            "restricted": "on",
            "chapter_body": "The text that must come back.",
        },
    ).json()
    with django_assert_max_num_queries(12):
        page = client.get("/works/new").content.decode()
    assert "an unsaved new work (“Restore me”)" in page
    assert f'href="/works/new?autosave={saved["id"]}"' in page

    restored = client.get(f"/works/new?autosave={saved['id']}").content.decode()
    assert "The text that must come back." in restored
    assert 'value="Restore me"' in restored
    assert 'value="Angst"' in restored
    assert re.search(r'name="restricted"[^>]*checked|checked[^>]*name="restricted"', restored)
    assert re.search(r'value="No Archive Warnings Apply"[^>]*checked', restored)
    assert _hidden(restored, "autosave_id") == str(saved["id"])
    assert _hidden(restored, "autosave_version") == "1"


def test_posting_the_new_work_drops_its_autosave(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    saved = client.post(URL, {**state, "title": "Soon posted", "chapter_body": "x"}).json()
    response = client.post(
        "/works/new",
        {
            "autosave_id": str(saved["id"]),
            "title": "Soon posted",
            "pseuds": [str(author.default_pseud.pk)],
            "rating": "General Audiences",
            "warnings": ["No Archive Warnings Apply"],
            "fandoms": "Final Fantasy VII",
            "language": "en",
            "chapter_body_format": "html",
            "chapter_body": "<p>Posted at last.</p>",
            "action": "post",
        },
    )
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_a_failed_post_keeps_the_autosave_and_the_form_keeps_its_id(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    saved = client.post(URL, {**state, "title": "No fandom yet", "chapter_body": "x"}).json()
    page = client.post(
        "/works/new",
        {"autosave_id": str(saved["id"]), "title": "No fandom yet", "chapter_body": "kept text"},
    ).content.decode()
    assert "kept text" in page
    assert _hidden(page, "autosave_id") == str(saved["id"])
    assert Autosave.objects.filter(pk=saved["id"]).exists()


def test_autosave_of_a_posted_chapter_never_changes_what_readers_see(author, reader):
    work = make_work(author, body="<p>The posted text.</p>")
    chapter = work.chapters.get()
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/chapters/{chapter.pk}/edit")
    assert state["autosave_form"] == "chapter_edit"
    response = client.post(URL, {**state, "body": "<p>A rewrite in progress.</p>"})
    assert response.status_code == 200, response.content
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.body == "<p>The posted text.</p>"
    assert work.posted and chapter.posted
    page = Client().get(f"/works/{work.pk}").content.decode()
    assert "The posted text." in page and "A rewrite in progress." not in page
    assert "A rewrite in progress." not in _client(reader).get(f"/works/{work.pk}").content.decode()

    # The creator is offered it back, and restoring fills the form, not the chapter.
    edit = client.get(f"/works/{work.pk}/chapters/{chapter.pk}/edit").content.decode()
    assert "autosaved on" in edit and "that isn't saved to this chapter" in edit
    row = Autosave.objects.get()
    restored = client.get(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit?autosave={row.pk}"
    ).content.decode()
    assert "A rewrite in progress." in restored
    assert "until then readers see the text as it was" in restored
    chapter.refresh_from_db()
    assert chapter.body == "<p>The posted text.</p>"


def test_saving_the_chapter_form_drops_its_autosave(author):
    work = make_work(author)
    chapter = work.chapters.get()
    client = _client(author)
    url = f"/works/{work.pk}/chapters/{chapter.pk}/edit"
    state = _form_state(client, url)
    client.post(URL, {**state, "body": "<p>Draft words.</p>"})
    assert Autosave.objects.count() == 1
    response = client.post(
        url, {"body": "<p>Final words.</p>", "body_format": "html", "action": "update"}
    )
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_a_draft_work_autosave_does_not_post_it(author):
    work = make_work(author, draft=True)
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/edit")
    assert state["autosave_form"] == "work_edit"
    response = client.post(
        URL, {**state, "title": "Renamed", "action": "post", "chapter_body": "<p>New</p>"}
    )
    assert response.status_code == 200
    work.refresh_from_db()
    assert not work.posted and work.title == "Lifestream"
    assert not Chapter.objects.filter(work=work, posted=True).exists()


def test_new_chapter_autosave_is_one_per_work(author):
    work = make_work(author)
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/chapters/new")
    first = client.post(URL, {**state, "body": "one"}).json()
    second = client.post(URL, {**state, "autosave_version": "1", "body": "two"}).json()
    assert first["id"] == second["id"]
    assert Autosave.objects.get().fields["body"] == "two"
    assert work.chapters.count() == 1


def test_a_change_made_elsewhere_is_reported_not_overwritten(author):
    work = make_work(author)
    chapter = work.chapters.get()
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/chapters/{chapter.pk}/edit")
    update_chapter(chapter, ChapterData(body="<p>Saved from another window.</p>"))
    response = client.post(URL, {**state, "body": "<p>Stale form.</p>"})
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "changed_elsewhere"
    assert "changed elsewhere" in error["message"]
    assert not Autosave.objects.exists()


def test_another_windows_autosave_is_reported_not_overwritten(author):
    work = make_work(author)
    client = _client(author)
    url = f"/works/{work.pk}/chapters/new"
    window_a = _form_state(client, url)
    window_b = _form_state(client, url)
    assert client.post(URL, {**window_a, "body": "from A"}).status_code == 200
    response = client.post(URL, {**window_b, "body": "from B"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "saved_elsewhere"
    assert Autosave.objects.get().fields["body"] == "from A"


def test_too_large_is_refused_with_413(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    response = client.post(URL, {**state, "chapter_body": "x" * (AUTOSAVE_MAX_CHARS + 1)})
    assert response.status_code == 413
    assert response.json()["errors"][0] == {
        "field": "fields",
        "code": "too_large",
        "message": response.json()["errors"][0]["message"],
    }
    assert not Autosave.objects.exists()


def test_rate_limited_with_retry_after(author, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "autosave_new": "2/60", "autosave_user": "2/60"}
    client = _client(author)
    state = _form_state(client, "/works/new")
    first = client.post(URL, {**state, "title": "a"}).json()
    follow = {**state, "autosave_id": str(first["id"])}
    assert client.post(URL, {**follow, "autosave_version": "1", "title": "b"}).status_code == 200
    limited = client.post(URL, {**follow, "autosave_version": "2", "title": "c"})
    assert limited.status_code == 429
    assert limited.json()["errors"][0]["code"] == "rate_limited"
    assert int(limited["Retry-After"]) > 0
    assert Autosave.objects.get().fields["title"] == "b"


def test_csrf_is_checked(author):
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    response = client.post(
        URL, {"autosave_form": "work_new", "title": "forged"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code in (403, 422)
    assert not Autosave.objects.exists()


def test_a_discarded_new_work_autosave_is_gone_for_good(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    saved = client.post(URL, {**state, "title": "Throwaway"}).json()
    response = client.post(f"/works/autosave/{saved['id']}/discard")
    assert response.status_code == 302 and response["Location"] == "/works/new"
    assert not Autosave.objects.exists()
    again = client.post(
        URL, {**state, "autosave_id": str(saved["id"]), "autosave_version": "1", "title": "x"}
    )
    assert again.status_code == 404
    assert again.json()["errors"][0]["code"] == "discarded"


def test_bad_forms_and_ids_are_clear_errors(author):
    client = _client(author)
    assert client.post(URL, {"autosave_form": "nonsense"}).status_code == 400
    assert client.post(URL, {"autosave_form": "work_edit", "work_id": "٣"}).status_code == 400
    assert client.get(URL).status_code == 405
    assert not Autosave.objects.exists()


def test_new_work_autosaves_are_capped_per_user(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    for number in range(12):
        assert client.post(URL, {**state, "title": f"Start {number}"}).status_code == 200
    rows = Autosave.objects.filter(user=author, form=AutosaveForm.WORK_NEW)
    assert rows.count() == 10
    assert not rows.filter(fields__title="Start 0").exists()


def test_someone_elses_autosave_cannot_be_restored_or_discarded(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    saved = client.post(URL, {**state, "title": "Mine alone"}).json()
    other = _client(make_user("nosy_one"))
    page = other.get(f"/works/new?autosave={saved['id']}").content.decode()
    assert "Mine alone" not in page
    assert other.post(f"/works/autosave/{saved['id']}/discard").status_code == 404
    overwrite = other.post(
        URL, {**state, "autosave_id": str(saved["id"]), "autosave_version": "1", "title": "x"}
    )
    assert overwrite.status_code == 404
    assert Autosave.objects.get().fields["title"] == "Mine alone"


def _whole_work(author, **overrides) -> dict:
    """Every field of a valid work, as the posting form sends it."""
    return {
        "title": "A Whole Work",
        "pseuds": [str(author.default_pseud.pk)],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Final Fantasy VII",
        "language": "en",
        "comment_permission": "everyone",
        "chapter_body_format": "html",
        "chapter_body": "<p>Enough to be a work.</p>",
        "action": "post",
        **overrides,
    }


def test_a_valid_new_work_becomes_one_draft_that_later_saves_edit(author, reader):
    client = _client(author)
    state = _form_state(client, "/works/new")
    first = client.post(URL, {**state, **_whole_work(author)})
    assert first.status_code == 200, first.content
    body = first.json()
    work = Work.objects.get()
    assert body["draft"] is True and body["form"] == "work_edit"
    assert body["work_id"] == work.pk and body["url"] == f"/works/{work.pk}/edit"
    assert not work.posted and not work.chapters.filter(posted=True).exists()
    # Only the row saying which draft this form made, with no text of its own.
    assert list(Autosave.objects.values_list("work_id", "fields")) == [(Work.objects.get().pk, {})]

    # The form now edits that draft: no second work, still never posted.
    follow = {**state, "autosave_form": "work_edit", "work_id": str(work.pk)}
    second = client.post(
        URL,
        {
            **follow,
            "autosave_base": body["base"],
            **_whole_work(author, title="A Better Title", chapter_body="<p>More words.</p>"),
        },
    )
    assert second.status_code == 200, second.content
    assert Work.objects.count() == 1
    work.refresh_from_db()
    assert work.title == "A Better Title" and not work.posted
    assert work.chapters.get().body == "<p>More words.</p>"
    assert Client().get(f"/works/{work.pk}").status_code == 404
    assert _client(reader).get(f"/works/{work.pk}").status_code == 404

    # A save with the stamp from before the last one is a change it has not seen.
    stale = client.post(URL, {**follow, "autosave_base": body["base"], **_whole_work(author)})
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["code"] == "changed_elsewhere"


def test_a_new_work_autosaved_before_it_was_valid_moves_into_its_draft(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    early = client.post(URL, {**state, "title": "Early"}).json()
    assert early["draft"] is False and Autosave.objects.count() == 1
    later = client.post(
        URL,
        {**state, "autosave_id": str(early["id"]), "autosave_version": "1", **_whole_work(author)},
    ).json()
    assert later["draft"] is True
    assert Work.objects.count() == 1
    # Only the row saying which draft this form made, with no text of its own.
    assert list(Autosave.objects.values_list("work_id", "fields")) == [(Work.objects.get().pk, {})]


def test_a_posted_works_form_autosaves_aside_even_when_valid(author):
    work = make_work(author, title="As Posted")
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/edit")
    response = client.post(URL, {**state, **_whole_work(author, title="Not Yet")})
    assert response.status_code == 200
    assert response.json()["draft"] is False
    work.refresh_from_db()
    assert work.title == "As Posted" and work.posted
    assert Autosave.objects.get().fields["title"] == "Not Yet"


def test_a_draft_works_form_saves_into_the_draft(author):
    work = make_work(author, draft=True, title="Old Draft Title")
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/edit")
    response = client.post(URL, {**state, **_whole_work(author, title="New Draft Title")})
    assert response.status_code == 200
    assert response.json()["draft"] is True
    work.refresh_from_db()
    assert work.title == "New Draft Title" and not work.posted
    assert not Autosave.objects.exists()


def test_a_save_whose_answer_was_lost_edits_the_draft_it_made(author):
    """The first valid save made the draft, but the form never heard (the answer was lost):
    the same form saving again edits that draft, never a second one."""
    client = _client(author)
    state = _form_state(client, "/works/new")
    assert state["autosave_token"]
    first = client.post(URL, {**state, **_whole_work(author)})
    assert first.json()["draft"] is True
    # The form still thinks it is a new work's.
    again = client.post(URL, {**state, **_whole_work(author, title="Retitled on retry")})
    assert again.status_code == 200, again.content
    assert again.json()["draft"] is True and again.json()["work_id"] == first.json()["work_id"]
    assert Work.objects.count() == 1
    assert Work.objects.get().title == "Retitled on retry"
    # Nothing of it is offered as an unsaved new work.
    assert "an unsaved new work" not in client.get("/works/new").content.decode()
    # Another new work's form (a token of its own) makes a work of its own.
    other = _form_state(client, "/works/new")
    assert other["autosave_token"] != state["autosave_token"]
    client.post(URL, {**other, **_whole_work(author, title="Second")})
    assert Work.objects.count() == 2


def test_saving_the_draft_from_its_form_drops_what_the_new_form_left(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    made = client.post(URL, {**state, **_whole_work(author)}).json()
    assert Autosave.objects.filter(work_id=made["work_id"]).count() == 1  # the form's token
    response = client.post(made["url"], {**_whole_work(author), "action": "draft"})
    assert response.status_code == 302
    assert not Autosave.objects.exists()


def test_a_lost_answer_then_fields_no_longer_valid_keep_the_form_on_that_draft(author):
    client = _client(author)
    state = _form_state(client, "/works/new")
    made = client.post(URL, {**state, **_whole_work(author)}).json()
    # The answer was lost, and the fandom was cleared since: kept aside for that draft.
    aside = client.post(URL, {**state, **_whole_work(author, fandoms="")})
    assert aside.status_code == 200
    body = aside.json()
    assert body["draft"] is False and body["form"] == "work_edit"
    assert body["work_id"] == made["work_id"]
    assert body["url"] == f"/works/{made['work_id']}/edit?autosave={body['id']}"
    assert Work.objects.count() == 1


def test_a_draft_works_chapter_form_saves_into_the_draft_chapter(author):
    work = make_work(author, draft=True, chapters=2)
    chapter = work.chapters.get(position=2)
    client = _client(author)
    url = f"/works/{work.pk}/chapters/{chapter.pk}/edit"
    state = _form_state(client, url)
    fields = {"title": "Two", "body_format": "html", "body": "<p>Into the draft.</p>"}
    response = client.post(URL, {**state, **fields})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["draft"] is True and body["form"] == "chapter_edit" and body["url"] == url
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.body == "<p>Into the draft.</p>" and not chapter.posted and not work.posted
    assert not Autosave.objects.exists()
    # An empty text is no chapter: kept aside, the draft keeps its text.
    aside = client.post(URL, {**state, "autosave_base": body["base"], **fields, "body": ""})
    assert aside.json()["draft"] is False
    chapter.refresh_from_db()
    assert chapter.body == "<p>Into the draft.</p>"


def test_a_draft_chapter_of_a_posted_work_is_kept_aside(author):
    work = make_work(author)
    draft = add_chapter(work, ChapterData(body="<p>Draft chapter.</p>"), post=False)
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/chapters/{draft.pk}/edit")
    response = client.post(URL, {**state, "body_format": "html", "body": "<p>Changed.</p>"})
    assert response.json()["draft"] is False
    draft.refresh_from_db()
    assert draft.body == "<p>Draft chapter.</p>" and not draft.posted


def test_a_scheduled_drafts_autosave_keeps_its_moment_and_never_posts_it(author):
    moment = (timezone.now() + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    work = make_work(author, title="Planned", scheduled_for=moment)
    assert work.is_scheduled
    client = _client(author)
    state = _form_state(client, f"/works/{work.pk}/edit")
    # A time typed into the past would post the work on saving the form; autosave keeps the
    # moment the creator last saved.
    typed = {"title": "Planned, Renamed", "scheduled_for": "2020-01-01T10:00"}
    response = client.post(URL, {**state, **_whole_work(author, **typed)})
    assert response.status_code == 200
    work.refresh_from_db()
    assert work.title == "Planned, Renamed"
    assert not work.posted and work.scheduled_for == moment
