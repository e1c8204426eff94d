"""AO3's names for Lifestream's forms and script endpoints, and what bad requests to them get."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from feedback.models import Comment, Kudos
from feedback.services.comments import post_comment
from lifestream.testing import PASSWORD, make_user, make_work
from people.services import create_api_token
from works.services import ChapterData, add_chapter

pytestmark = pytest.mark.django_db


def csrf_client() -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    token = json.loads(client.get("/token_dispenser.json").content)["token"]
    return client, token


def test_token_dispenser_hands_out_a_token_the_login_accepts(reader):
    client, token = csrf_client()
    response = client.post(
        "/users/login",
        {"user[login]": reader.username, "user[password]": PASSWORD, "authenticity_token": token},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_login_fields_in_the_query_string_as_some_clients_send_them(reader):
    client, token = csrf_client()
    query = f"user[login]={reader.username}&user[password]={PASSWORD}&authenticity_token={token}"
    assert client.post(f"/users/login?{query}").status_code == 302


def test_a_wrong_token_is_refused_and_the_page_says_nothing_was_changed(reader):
    client, _ = csrf_client()
    response = client.post(
        "/users/login",
        {"user[login]": reader.username, "user[password]": PASSWORD, "authenticity_token": "x"},
    )
    assert response.status_code == 403
    assert "nothing was changed" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_every_page_carries_the_token_under_ao3s_names(reader):
    client, _ = csrf_client()
    page = client.get("/").content.decode()
    assert '<meta name="csrf-token" content="' in page
    assert 'name="authenticity_token"' in page
    assert '<div id="main" class="splash region" role="main">' in page


def test_kudos_script_answers_like_ao3(author, reader):
    work = make_work(author)
    client = Client()
    client.force_login(reader)
    form = {"kudo[commentable_id]": str(work.pk), "kudo[commentable_type]": "Work"}
    assert client.post("/kudos.js", form).status_code == 201
    again = client.post("/kudos.js", form)
    assert again.status_code == 422
    assert "user_id" in again.json()["errors"]
    assert Kudos.objects.filter(work=work).count() == 1


@pytest.mark.parametrize(
    "form",
    [
        {"kudo[commentable_id]": "999999", "kudo[commentable_type]": "Work"},
        {"kudo[commentable_id]": "1" * 40, "kudo[commentable_type]": "Work"},
        {"kudo[commentable_id]": "١٢", "kudo[commentable_type]": "Work"},
        {"kudo[commentable_id]": "1", "kudo[commentable_type]": "Chapter"},
        {},
    ],
)
def test_kudos_script_on_nothing_is_no_commentable(reader, form):
    client = Client()
    client.force_login(reader)
    response = client.post("/kudos.js", form)
    assert response.status_code == 422
    assert response.json() == {
        "errors": {"no_commentable": ["What did you want to leave kudos on?"]}
    }


def test_kudos_script_on_a_draft_or_restricted_work_says_nothing_about_it(author):
    draft = make_work(author, draft=True)
    restricted = make_work(author, restricted=True)
    for work in (draft, restricted):
        response = Client().post("/kudos.js", {"kudo[commentable_id]": str(work.pk)})
        assert response.status_code == 422
        assert "no_commentable" in response.json()["errors"]
    assert not Kudos.objects.exists()


def test_kudos_script_with_a_stale_token_is_an_auth_error(author, reader):
    work = make_work(author)
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    response = client.post(
        "/kudos.js",
        {"kudo[commentable_id]": str(work.pk)},
        headers={"X-CSRF-Token": "stale", "X-Requested-With": "XMLHttpRequest"},
    )
    assert response.status_code == 422
    assert "auth_error" in response.json()["errors"]
    assert not Kudos.objects.exists()


def test_comment_script_posts_with_ao3s_field_names(author, reader):
    work = make_work(author, chapters=2)
    chapter = work.chapters.order_by("position").last()
    assert chapter is not None
    client = Client()
    client.force_login(reader)
    response = client.post(
        "/comments.js",
        {
            "chapter_id": str(chapter.pk),
            "comment[pseud_id]": str(reader.default_pseud.pk),
            "comment[comment_content]": "More Elena, please.",
        },
    )
    # AO3 saves the comment and then answers 404 with a body; its clients read that as success.
    assert response.status_code == 404
    comment = Comment.objects.get(pk=response.json()["id"])
    assert (comment.chapter_id, comment.user_id) == (chapter.pk, reader.pk)


def test_comment_script_on_a_missing_or_hidden_work_is_an_empty_404(author, reader):
    draft = make_work(author, draft=True)
    client = Client()
    client.force_login(reader)
    for target in ({"work_id": "999999"}, {"work_id": str(draft.pk)}, {"chapter_id": "x"}, {}):
        response = client.post("/comments.js", {**target, "comment[comment_content]": "hi"})
        assert (response.status_code, response.content) == (404, b"")
    assert not Comment.objects.exists()


def test_comment_script_with_bad_input_keeps_nothing_and_says_why(author, reader):
    work = make_work(author)
    client = Client()
    client.force_login(reader)
    empty = client.post("/comments.js", {"work_id": str(work.pk), "comment[comment_content]": ""})
    assert empty.status_code == 422
    assert "body" in empty.json()["errors"]
    long = client.post(
        "/comments.js", {"work_id": str(work.pk), "comment[comment_content]": "x" * 10_001}
    )
    assert long.status_code == 422
    guest = Client().post(
        "/comments.js", {"work_id": str(work.pk), "comment[comment_content]": "hi"}
    )
    assert guest.status_code == 422
    assert not Comment.objects.exists()


def test_a_bookmark_posted_the_ao3_way(author, reader):
    work = make_work(author)
    client = Client()
    client.force_login(reader)
    response = client.post(
        f"/works/{work.pk}/bookmarks",
        {
            "bookmark[pseud_id]": str(reader.default_pseud.pk),
            "bookmark[bookmarker_notes]": "Again and again.",
            "bookmark[tag_string]": "comfort read,winter",
            "bookmark[private]": "1",
            "bookmark[rec]": "0",
            "commit": "Create",
        },
    )
    assert response.status_code == 302
    bookmark = reader.bookmarks.get()
    assert (bookmark.private, bookmark.rec) == (True, False)
    assert sorted(tag.name for tag in bookmark.tags.all()) == ["comfort read", "winter"]


def test_a_guest_posting_a_bookmark_is_sent_to_log_in(author):
    work = make_work(author)
    response = Client().post(f"/works/{work.pk}/bookmarks", {"bookmark[bookmarker_notes]": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/users/login")


def test_comment_script_says_nothing_of_held_comments_or_unposted_chapters(author, reader):
    moderated = make_work(author, chapters=2, moderated_comments=True)
    held = post_comment(reader, moderated, "<p>Waiting.</p>")
    draft_chapter = add_chapter(moderated, ChapterData(body="<p>Soon.</p>"), post=False)
    client = Client()
    client.force_login(make_user("someone_else"))
    for target in ({"comment_id": str(held.pk)}, {"chapter_id": str(draft_chapter.pk)}):
        response = client.post("/comments.js", {**target, "comment[comment_content]": "hi"})
        assert (response.status_code, response.content) == (404, b"")


def test_a_multipart_post_to_the_api_is_not_a_server_error(author):
    token = create_api_token(author, "multipart")[1]
    response = Client().post(
        "/api/v1/works", {"title": "x"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")


def test_a_bookmark_posted_without_a_pseud_is_the_default_pseuds(author, reader):
    work = make_work(author)
    client = Client()
    client.force_login(reader)
    response = client.post(
        f"/works/{work.pk}/bookmarks", {"bookmark[bookmarker_notes]": "Again.", "commit": "Create"}
    )
    assert response.status_code == 302
    assert reader.bookmarks.get().pseud_id == reader.default_pseud.pk


def test_the_script_endpoints_answer_429_with_retry_after_when_too_fast(author, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "kudos_guest": "1/600",
        "comment_guest": "1/600",
    }
    works = [make_work(author, title=f"Fast {n}") for n in range(2)]
    guest = Client(REMOTE_ADDR="198.51.100.77")
    for work in works:
        response = guest.post("/kudos.js", {"kudo[commentable_id]": str(work.pk)})
    assert response.status_code == 429
    assert "rate_limited" in response.json()["errors"]
    assert int(response["Retry-After"]) > 0
    form = {"comment[comment_content]": "hi", "comment[name]": "G", "comment[email]": "g@x.org"}
    for work in works:
        response = guest.post("/comments.js", {**form, "work_id": str(work.pk)})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Kudos.objects.count() == 1 and Comment.objects.count() == 1
