"""Adding, editing, deleting and reordering chapters, and draft chapters."""

from __future__ import annotations

import pytest

from lifestream.core.errors import InvalidInput
from lifestream.testing import make_work
from works.models import Chapter, Work
from works.services import ChapterData, add_chapter, delete_chapter, reorder_chapters


def chapter_form(**overrides):
    data = {
        "title": "The Forgotten City",
        "published_on": "",
        "summary": "",
        "notes": "<p>Chapter notes.</p>",
        "end_notes": "<p>Chapter end notes.</p>",
        "body_format": "html",
        "body": "<p>Aerith prayed.</p>",
        "action": "post",
    }
    data.update(overrides)
    return data


@pytest.fixture
def author_client(client, author):
    client.force_login(author)
    return client


def test_add_chapter(author_client, author):
    work = make_work(author, expected_chapters=2)
    response = author_client.post(f"/works/{work.pk}/chapters/new", chapter_form())
    chapter = work.chapters.get(position=2)
    assert response["Location"] == f"/works/{work.pk}/chapters/{chapter.pk}"
    work.refresh_from_db()
    assert work.chapters_display == "2/2"
    assert work.is_complete
    assert work.word_count == 6 + 2
    page = author_client.get(response["Location"]).content.decode()
    assert "Aerith prayed." in page
    assert "Chapter end notes." in page


def test_adding_past_the_expected_count_raises_it(author):
    work = make_work(author, expected_chapters=1)
    add_chapter(work, ChapterData(body="<p>More.</p>"), post=True)
    work.refresh_from_db()
    assert work.chapters_display == "2/2"


def test_add_chapter_error_keeps_text(author_client, author):
    work = make_work(author)
    response = author_client.post(
        f"/works/{work.pk}/chapters/new", chapter_form(body="", notes="Keep me")
    )
    assert response.status_code == 200
    assert "Brevity is the soul of wit" in response.content.decode()
    assert "Keep me" in response.content.decode()
    assert work.chapters.count() == 1


def test_draft_chapter_then_post_it(author_client, author):
    work = make_work(author)
    author_client.post(f"/works/{work.pk}/chapters/new", chapter_form(action="draft"))
    chapter = work.chapters.get(position=2)
    assert not chapter.posted
    work.refresh_from_db()
    assert work.chapter_count == 1
    author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/edit", chapter_form(action="post"))
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.posted
    assert work.chapter_count == 2


def test_chapters_of_a_draft_work_wait_for_the_work(author):
    work = make_work(author, draft=True)
    chapter = add_chapter(work, ChapterData(body="<p>Two.</p>"), post=True)
    assert not chapter.posted


def test_edit_chapter(author_client, author):
    work = make_work(author)
    chapter = work.chapters.get()
    response = author_client.post(
        f"/works/{work.pk}/chapters/{chapter.pk}/edit",
        chapter_form(body="New text here", body_format="text", action="update"),
    )
    assert response.status_code == 302
    chapter.refresh_from_db()
    assert chapter.body == "<p>New text here</p>"
    work.refresh_from_db()
    assert work.word_count == 3


def test_delete_chapter(author_client, author):
    work = make_work(author, chapters=3)
    middle = work.chapters.get(position=2)
    page = author_client.get(f"/works/{work.pk}/chapters/{middle.pk}/confirm_delete")
    assert "Delete chapter 2" in page.content.decode()
    author_client.post(f"/works/{work.pk}/chapters/{middle.pk}/confirm_delete")
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2]
    work.refresh_from_db()
    assert work.chapter_count == 2


def test_cannot_delete_the_only_chapter(author_client, author):
    work = make_work(author)
    chapter = work.chapters.get()
    response = author_client.post(f"/works/{work.pk}/chapters/{chapter.pk}/confirm_delete")
    assert "Delete the whole work instead" in response.content.decode()
    assert Chapter.objects.filter(pk=chapter.pk).exists()


def test_cannot_delete_the_only_posted_chapter(author):
    work = make_work(author)
    add_chapter(work, ChapterData(body="<p>Draft.</p>"), post=False)
    with pytest.raises(InvalidInput) as error:
        delete_chapter(work.chapters.get(position=1))
    assert error.value.errors[0].code == "last_posted_chapter"


def test_reorder_chapters(author_client, author):
    work = make_work(author, chapters=3)
    one, two, three = work.chapters.order_by("position")
    response = author_client.post(
        f"/works/{work.pk}/chapters/manage",
        {f"position_{one.pk}": 3, f"position_{two.pk}": 1, f"position_{three.pk}": 2},
    )
    assert response.status_code == 302
    assert list(work.chapters.order_by("position").values_list("pk", flat=True)) == [
        two.pk,
        three.pk,
        one.pk,
    ]
    page = author_client.get(f"/works/{work.pk}").content.decode()
    assert "Chapter 2 text." in page  # the new first chapter


def test_reorder_rejects_out_of_range(author_client, author):
    work = make_work(author, chapters=2)
    one, two = work.chapters.order_by("position")
    response = author_client.post(
        f"/works/{work.pk}/chapters/manage", {f"position_{one.pk}": 9, f"position_{two.pk}": 1}
    )
    assert response.status_code == 200
    assert list(work.chapters.order_by("position")) == [one, two]


def test_reorder_service_needs_every_chapter(author):
    work = make_work(author, chapters=2)
    with pytest.raises(InvalidInput):
        reorder_chapters(work, [work.chapters.order_by("position")[0].pk])


def test_posting_a_draft_posts_its_chapters(author):
    from works.services import post_draft

    work = make_work(author, draft=True)
    add_chapter(work, ChapterData(body="<p>Two.</p>"), post=False)
    post_draft(work)
    work.refresh_from_db()
    assert work.chapter_count == 2
    assert all(c.posted for c in work.chapters.all())
    assert Work.objects.filter(posted=True).count() == 1
