"""Posting, previewing, drafting, editing and deleting works through the site's forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from lifestream.testing import make_user, make_work
from tags.models import Tag, TagKind
from works.models import Chapter, Work


def form_data(author, **overrides):
    data = {
        "title": "The Promised Land",
        "pseuds": [author.default_pseud.pk],
        "rating": "Teen And Up Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["M/M"],
        "fandoms": "Final Fantasy VII",
        "relationships": "Cloud Strife/Sephiroth",
        "characters": "Cloud Strife, Sephiroth",
        "freeforms": "Angst, Slow Burn",
        "summary": "<p>A summary.</p>",
        "notes": "Beginning notes.",
        "end_notes": "Author's Ending Note: please review!",
        "language": "en",
        "expected_chapters": "",
        "published_on": "",
        "chapter_title": "Nibelheim",
        "chapter_summary": "",
        "chapter_notes": "",
        "chapter_end_notes": "",
        "chapter_body_format": "html",
        "chapter_body": "<p>The reactor hummed.</p><p>Cloud didn't look back.</p>",
        "action": "post",
    }
    data.update(overrides)
    return data


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def test_post_a_work(author_client, author):
    response = author_client.post("/works/new", form_data(author))
    work = Work.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/works/{work.pk}"
    assert work.posted
    assert work.title == "The Promised Land"
    assert work.word_count == 7
    assert work.chapters_display == "1/?"
    names = {(tag.kind, tag.name) for tag in work.tags.all()}
    assert (TagKind.RELATIONSHIP, "Cloud Strife/Sephiroth") in names
    assert (TagKind.FREEFORM, "Slow Burn") in names
    assert (TagKind.RATING, "Teen And Up Audiences") in names
    assert work.end_notes == "Author's Ending Note: please review!"
    page = author_client.get(response["Location"]).content.decode()
    assert "Work was successfully posted." in page
    assert "The reactor hummed." in page


def test_save_as_draft_is_only_for_its_creator(author_client, author, client):
    author_client.post("/works/new", form_data(author, action="draft"))
    work = Work.objects.get()
    assert not work.posted
    assert not work.chapters.get().posted
    assert "Draft saved" in author_client.get(f"/works/{work.pk}").content.decode()
    drafts = author_client.get(f"/users/{author.username}/works/drafts").content.decode()
    assert "The Promised Land" in drafts
    assert "The Promised Land" not in author_client.get("/works").content.decode()


def test_preview_then_post(author_client, author):
    response = author_client.post("/works/new", form_data(author, action="preview"))
    work = Work.objects.get()
    assert response["Location"] == f"/works/{work.pk}/preview"
    preview = author_client.get(response["Location"]).content.decode()
    assert "This is a preview" in preview
    assert "The reactor hummed." in preview
    author_client.post(f"/works/{work.pk}/post")
    work.refresh_from_db()
    assert work.posted
    assert work.chapters.get().posted
    assert work.published_on == timezone.localdate()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Please enter a title."),
        ({"title": "x" * 256}, "title", "at most 255 characters"),
        ({"rating": ""}, "rating", "Choose a rating."),
        ({"warnings": []}, "warnings", "at least one archive warning"),
        ({"fandoms": ""}, "fandoms", "at least one fandom"),
        ({"summary": "s" * 1251}, "summary", "at most 1,250 characters"),
        ({"notes": "n" * 5001}, "notes", "at most 5,000 characters"),
        ({"end_notes": "n" * 5001}, "end_notes", "at most 5,000 characters"),
        ({"chapter_body": ""}, "chapter_body", "Brevity is the soul of wit"),
        ({"chapter_body": "<script>alert(1)</script>"}, "chapter_body", "text is empty"),
        ({"chapter_body": "w " * 255_001}, "chapter_body", "at most 510,000 characters"),
        ({"freeforms": "Bad*Tag"}, "freeforms", "cannot include"),
        ({"freeforms": "t" * 151}, "freeforms", "at most 150 characters"),
        ({"expected_chapters": "0"}, "expected_chapters", "between 1 and"),
        ({"published_on": "2999-01-01"}, "published_on", "can't be in the future"),
        ({"published_on": "not a date"}, "published_on", "YYYY-MM-DD"),
        ({"language": "xx"}, "language", "Select a valid choice"),
    ],
)
def test_bad_input_keeps_everything_typed(author_client, author, overrides, field, message):
    data = form_data(author, **overrides)
    response = author_client.post("/works/new", data)
    assert response.status_code == 200
    assert not Work.objects.exists()
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    page = response.content.decode()
    assert "couldn't save this work" in page
    # What was typed comes back.
    assert form["chapter_body"].value() == data["chapter_body"]
    assert form["title"].value() == data["title"]
    assert "Cloud Strife/Sephiroth" in page


def test_too_many_tags(author_client, author):
    freeforms = ", ".join(f"Tag number {i}" for i in range(75))
    response = author_client.post("/works/new", form_data(author, freeforms=freeforms))
    assert "at most 75" in str(response.context["form"].errors["freeforms"])
    assert not Tag.objects.filter(name="Tag number 1").exists(), "nothing half-written"


def test_tag_typed_in_the_wrong_kind(author_client, author):
    make_work(author, characters=["Zack Fair"])
    response = author_client.post("/works/new", form_data(author, freeforms="zack fair"))
    assert response.context["form"].errors["freeforms"] == [
        "“Zack Fair” is already used as a character, so it can't also be an additional tag."
    ]
    assert Work.objects.count() == 1


def test_cannot_post_as_someone_elses_pseud(author_client, author, stranger):
    data = form_data(author, pseuds=[stranger.default_pseud.pk])
    response = author_client.post("/works/new", data)
    assert response.status_code == 200
    assert "pseuds" in response.context["form"].errors
    assert not Work.objects.exists()


def test_post_under_a_second_pseud(author_client, author):
    from people.services import add_pseud

    pseud = add_pseud(author, "Midnight Writer")
    author_client.post("/works/new", form_data(author, pseuds=[pseud.pk]))
    work = Work.objects.get()
    assert work.creator_pseuds == [pseud]
    page = author_client.get(f"/works/{work.pk}").content.decode()
    assert f'href="/users/{author.username}/pseuds/Midnight%20Writer"' in page
    assert f"Midnight Writer ({author.username})" in page


def test_backdating(author_client, author):
    author_client.post("/works/new", form_data(author, published_on="2019-05-04"))
    work = Work.objects.get()
    assert work.published_on == dt.date(2019, 5, 4)
    assert work.revised_at.date() == dt.date(2019, 5, 4)
    page = author_client.get(f"/works/{work.pk}").content.decode()
    assert '<dd class="published">2019-05-04</dd>' in page


def test_complete_flag_and_expected_chapters(author_client, author):
    author_client.post("/works/new", form_data(author, complete="on"))
    work = Work.objects.get()
    assert work.is_complete
    assert work.chapters_display == "1/1"
    author_client.post(
        f"/works/{work.pk}/edit",
        {**form_data(author, expected_chapters="3"), "action": "update"},
    )
    work.refresh_from_db()
    assert work.chapters_display == "1/3"
    assert not work.is_complete


def test_plain_text_becomes_paragraphs(author_client, author):
    body = "First line\nsecond line\n\nNew paragraph with <tags> & ampersands."
    author_client.post(
        "/works/new", form_data(author, chapter_body=body, chapter_body_format="text")
    )
    chapter = Chapter.objects.get()
    assert chapter.body == (
        "<p>First line<br>\nsecond line</p>\n"
        "<p>New paragraph with &lt;tags&gt; &amp; ampersands.</p>"
    )


def test_html_is_sanitised_on_the_way_in(author_client, author):
    body = (
        '<p class="note" onclick="steal()">Hi<script>alert(1)</script></p>'
        '<a href="javascript:alert(1)">x</a><iframe src="https://evil.example"></iframe>'
    )
    author_client.post("/works/new", form_data(author, chapter_body=body))
    stored = Chapter.objects.get().body
    assert stored.startswith('<p class="note">Hi</p>')
    assert "script" not in stored
    assert "javascript" not in stored
    assert "iframe" not in stored
    assert "onclick" not in stored


def test_edit_keeps_text_on_error(author_client, author):
    work = make_work(author)
    data = form_data(author, title="", summary="My new summary", action="update")
    response = author_client.post(f"/works/{work.pk}/edit", data)
    assert response.status_code == 200
    assert "My new summary" in response.content.decode()
    work.refresh_from_db()
    assert work.title == "Lifestream"


def test_edit_work(author_client, author):
    work = make_work(author)
    data = form_data(author, title="Renamed", fandoms="Final Fantasy VII, Kingdom Hearts")
    data["action"] = "update"
    response = author_client.post(f"/works/{work.pk}/edit", data)
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "Renamed"
    assert {t.name for t in work.tags_of(TagKind.FANDOM)} == {
        "Final Fantasy VII",
        "Kingdom Hearts",
    }


def test_delete_asks_first(author_client, author):
    work = make_work(author)
    page = author_client.get(f"/works/{work.pk}/confirm_delete").content.decode()
    assert "Are you sure you want to delete" in page
    assert Work.objects.filter(pk=work.pk).exists()
    response = author_client.post(f"/works/{work.pk}/confirm_delete")
    assert response.status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()
    assert not Chapter.objects.filter(work_id=work.pk).exists()


def test_strangers_cannot_edit_or_delete(client, author, stranger):
    work = make_work(author)
    client.force_login(stranger)
    assert client.post(f"/works/{work.pk}/confirm_delete").status_code == 403
    assert client.post(f"/works/{work.pk}/edit", form_data(stranger)).status_code == 403
    assert Work.objects.filter(pk=work.pk, title="Lifestream").exists()


def test_posting_needs_an_account(client):
    response = client.get("/works/new")
    assert response.status_code == 302
    assert response["Location"].startswith("/users/login?next=/works/new")


def test_new_work_form_has_everything(author_client):
    page = author_client.get("/works/new").content.decode()
    for name in (
        "title",
        "pseuds",
        "summary",
        "notes",
        "end_notes",
        "rating",
        "warnings",
        "categories",
        "fandoms",
        "relationships",
        "characters",
        "freeforms",
        "language",
        "restricted",
        "expected_chapters",
        "complete",
        "published_on",
        "chapter_body",
        "chapter_body_format",
    ):
        assert f'name="{name}"' in page, name
    assert 'data-autocomplete="freeform"' in page
    for label in ("Preview", "Post", "Save As Draft"):
        assert f">{label}</button>" in page


def test_cjk_word_count(author_client, author):
    body = "<p>クラウドは空を見上げた。</p><p>Cloud looked up.</p>"
    author_client.post("/works/new", form_data(author, chapter_body=body))
    assert Work.objects.get().word_count == 11 + 3


def test_other_users_pseud_pages_404(client, author):
    assert client.get(f"/users/{author.username}/pseuds/nobody").status_code == 404
    assert client.get("/users/nobody_here").status_code == 404


def test_reader_fixture_unused_guard(reader):
    # A reader exists alongside the author without owning anything.
    assert not Work.objects.filter(pseuds__user=reader).exists()
    assert make_user("another_reader").pseuds.get().name == "another_reader"


def test_edit_one_shot_text_with_the_work(author_client, author):
    work = make_work(author)
    page = author_client.get(f"/works/{work.pk}/edit").content.decode()
    assert "The reactor hummed under the city." in page
    data = form_data(author, chapter_body="<p>Rewritten.</p>", action="update")
    assert author_client.post(f"/works/{work.pk}/edit", data).status_code == 302
    work.refresh_from_db()
    assert work.chapters.get().body == "<p>Rewritten.</p>"
    assert work.word_count == 1


def test_edit_one_shot_bad_text_changes_nothing(author_client, author):
    work = make_work(author)
    data = form_data(author, title="New title", chapter_body="", action="update")
    response = author_client.post(f"/works/{work.pk}/edit", data)
    assert "Brevity is the soul of wit" in response.content.decode()
    work.refresh_from_db()
    assert work.title == "Lifestream"


def test_edit_multi_chapter_work_leaves_text_to_chapter_pages(author_client, author):
    work = make_work(author, chapters=2)
    page = author_client.get(f"/works/{work.pk}/edit").content.decode()
    assert 'name="chapter_body"' not in page
    data = form_data(author, title="Renamed", action="update")
    assert author_client.post(f"/works/{work.pk}/edit", data).status_code == 302
    assert work.chapters.get(position=1).body == "<p>The reactor hummed under the city.</p>"


def test_backdating_an_edit_moves_the_first_chapter_date(author_client, author):
    work = make_work(author, chapters=2)
    data = form_data(author, published_on="2020-02-02", action="update")
    author_client.post(f"/works/{work.pk}/edit", data)
    assert work.chapters.get(position=1).published_on == dt.date(2020, 2, 2)


def test_a_draft_only_tag_is_not_revealed_by_a_kind_conflict(author_client, author, stranger):
    make_work(stranger, draft=True, freeforms=["Secret Backstory"])
    response = author_client.post("/works/new", form_data(author, fandoms="secret backstory"))
    message = response.context["form"].errors["fandoms"][0]
    assert message == "“Secret Backstory” can't be used as a fandom; please word it differently."


def test_out_of_range_pseud_id_is_an_invalid_choice(author_client, author):
    for bad in ("99999999999999999999", "9223372036854775808", "-1", "abc"):
        response = author_client.post("/works/new", form_data(author, pseuds=[bad]))
        assert response.status_code == 200
        assert "pseuds" in response.context["form"].errors
    assert not Work.objects.exists()


def test_tags_with_separators_or_blanks(author_client, author):
    from lifestream.core.errors import InvalidInput
    from works.services import (  # the API's path, without the form
        ChapterData,
        WorkData,
        create_work,
    )

    data = WorkData(
        title="T",
        pseuds=[author.default_pseud],
        rating="Not Rated",
        warnings=["No Archive Warnings Apply"],
        fandoms=[" ", ""],
    )
    with pytest.raises(InvalidInput) as error:
        create_work(author, data, ChapterData(body="x"), post=True)
    assert error.value.errors[0].code == "required"
    data.fandoms = ["A, B"]
    with pytest.raises(InvalidInput) as error:
        create_work(author, data, ChapterData(body="x"), post=True)
    assert error.value.errors[0].code == "tag_restricted_character"
    data.fandoms = ["Angst ", " angst", "sp  ace"]
    work = create_work(author, data, ChapterData(body="x"), post=True)
    assert sorted(t.name for t in work.tags_of(TagKind.FANDOM)) == ["Angst", "sp ace"]


def test_complete_ticked_on_a_work_in_progress(author_client, author):
    from works.services import ChapterData, add_chapter

    work = make_work(author, expected_chapters=5)
    add_chapter(work, ChapterData(body="<p>Two.</p>"), post=True)
    data = form_data(author, expected_chapters="5", complete="on", action="update")
    author_client.post(f"/works/{work.pk}/edit", data)
    work.refresh_from_db()
    assert work.chapters_display == "2/2"
    data = form_data(author, expected_chapters="7", complete="on", action="update")
    response = author_client.post(f"/works/{work.pk}/edit", data)
    assert "complete" in response.context["form"].errors


def test_removing_a_backdate(author_client, author):
    work = make_work(author, published_on=dt.date(2020, 1, 5))
    author_client.post(f"/works/{work.pk}/edit", form_data(author, action="update"))
    work.refresh_from_db()
    assert not work.backdated
    assert work.published_on == timezone.localdate()


def test_editing_a_backdated_work_keeps_its_update_date(author_client, author):
    from works.services import ChapterData, add_chapter

    work = make_work(author, published_on=dt.date(2020, 1, 5))
    add_chapter(work, ChapterData(body="<p>New.</p>"), post=True)
    work.refresh_from_db()
    updated = work.revised_at
    data = form_data(author, title="Renamed", published_on="2020-01-05", action="update")
    author_client.post(f"/works/{work.pk}/edit", data)
    work.refresh_from_db()
    assert work.revised_at == updated


def test_very_old_dates_are_refused(author_client, author):
    response = author_client.post("/works/new", form_data(author, published_on="0001-01-01"))
    assert "start at 1900-01-01" in str(response.context["form"].errors["published_on"])
