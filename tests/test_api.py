"""The JSON API at /api/v1: tokens, works, chapters, visibility and the error shape."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from lifestream.testing import first_chapter, make_work
from people.services import add_pseud, create_api_token, revoke_api_token
from search.listing.results import FILTER_KINDS
from works.models import Chapter, Work

API = "/api/v1"


def token_for(user: Any) -> str:
    _, key = create_api_token(user, "tests")
    return key


class Api:
    """A test client speaking JSON, with or without a bearer token."""

    def __init__(self, key: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, headers=self.headers)

    def send(self, method: str, path: str, body: Any = None, raw: str | bytes | None = None) -> Any:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        return getattr(self.client, method)(
            API + path, data=data, content_type="application/json", headers=self.headers
        )

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("post", path, body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return self.send("patch", path, body, **kwargs)

    def delete(self, path: str) -> Any:
        return self.send("delete", path)


def errors(response: Any) -> list[tuple[str | None, str]]:
    """The (field, code) pairs of an error answer, after checking its shape."""
    body = response.json()
    assert set(body) == {"errors"}
    for error in body["errors"]:
        assert set(error) == {"field", "code", "message"}
        assert error["message"]
    return [(error["field"], error["code"]) for error in body["errors"]]


def new_work(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "The Promised Land",
        "summary": "<p>A reactor, a flower girl, a long walk.</p>",
        "rating": "Teen And Up Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["F/M"],
        "fandoms": ["Final Fantasy VII"],
        "relationships": ["Aerith Gainsborough/Cloud Strife"],
        "characters": ["Cloud Strife", "Aerith Gainsborough"],
        "freeforms": ["Slow Burn"],
        "chapters": [{"title": "Sector 5", "body": "<p>Flowers grew in the church.</p>"}],
    }
    body.update(overrides)
    return body


@pytest.fixture
def author_api(author: Any) -> Api:
    return Api(token_for(author))


@pytest.fixture
def reader_api(reader: Any) -> Api:
    return Api(token_for(reader))


@pytest.fixture
def stranger_api(stranger: Any) -> Api:
    return Api(token_for(stranger))


@pytest.fixture
def anonymous_api(db: Any) -> Api:
    return Api()


# --- tokens -----------------------------------------------------------------------------------


def test_me_describes_the_tokens_account(author, author_api):
    add_pseud(author, "Strife")
    response = author_api.get("/me")
    assert response.status_code == 200
    assert response.json() == {
        "id": author.pk,
        "username": "cloud_author",
        "pseuds": [
            {"id": author.default_pseud.pk, "name": "cloud_author", "is_default": True},
            {"id": author.pseuds.get(name="Strife").pk, "name": "Strife", "is_default": False},
        ],
    }


def test_me_without_a_token_is_unauthorized(anonymous_api):
    response = anonymous_api.get("/me")
    assert response.status_code == 401
    assert errors(response) == [(None, "unauthorized")]
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer ls_not-a-real-token", "Basic dXNlcjpwYXNz", "Bearer"])
def test_an_invalid_token_is_unauthorized_even_on_reads(db, header):
    response = Client().get(f"{API}/works", headers={"Authorization": header})
    assert response.status_code == 401
    assert errors(response) == [(None, "unauthorized")]
    assert "invalid_token" in response["WWW-Authenticate"]


def test_a_revoked_token_stops_working(author):
    token, key = create_api_token(author, "laptop")
    api = Api(key)
    assert api.get("/me").status_code == 200
    revoke_api_token(author, token.pk)
    assert api.get("/me").status_code == 401
    assert api.get("/works").status_code == 401


def test_a_deactivated_accounts_token_stops_working(author, author_api):
    author.is_active = False
    author.save(update_fields=["is_active"])
    assert author_api.get("/me").status_code == 401


def test_a_logged_in_session_does_not_authenticate_the_api(author):
    client = Client()
    client.force_login(author)
    response = client.post(f"{API}/works", json.dumps(new_work()), content_type="application/json")
    assert response.status_code == 401
    assert client.get(f"{API}/me").status_code == 401


def test_create_api_token_prints_only_a_working_secret(author):
    out = StringIO()
    call_command("create_api_token", "Cloud_Author", "--name", "e-reader", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert author.api_tokens.get().name == "e-reader"
    response = Api(lines[0]).get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == "cloud_author"


def test_create_api_token_for_an_unknown_user_fails(db):
    with pytest.raises(CommandError, match="no user called “nobody”"):
        call_command("create_api_token", "nobody", stdout=StringIO())


def test_create_api_token_for_a_deactivated_account_fails(author):
    author.is_active = False
    author.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="deactivated"):
        call_command("create_api_token", "cloud_author", stdout=StringIO())
    assert not author.api_tokens.exists()


# --- posting and reading works ----------------------------------------------------------------


def test_post_a_two_chapter_work_and_read_it_back(author, author_api, anonymous_api):
    body = new_work(
        chapters=[
            {"title": "Sector 5", "body": "<p>Flowers grew in the church.</p>"},
            {"title": "The Plate", "body": "One line.\n\nTwo lines.", "body_format": "text"},
        ],
        expected_chapters=3,
        published="2020-04-10",
    )
    response = author_api.post("/works", body)
    assert response.status_code == 201, response.content
    created = response.json()
    work = Work.objects.get()
    assert created["id"] == work.pk
    assert created["url"] == f"/works/{work.pk}"

    read = anonymous_api.get(f"/works/{work.pk}").json()
    assert read == created
    assert read["title"] == "The Promised Land"
    assert read["creators"] == [{"pseud": "cloud_author", "user": "cloud_author"}]
    assert read["rating"] == "Teen And Up Audiences"
    assert read["warnings"] == ["No Archive Warnings Apply"]
    assert read["categories"] == ["F/M"]
    assert read["fandoms"] == ["Final Fantasy VII"]
    assert read["relationships"] == ["Aerith Gainsborough/Cloud Strife"]
    assert read["characters"] == ["Aerith Gainsborough", "Cloud Strife"]
    assert read["freeforms"] == ["Slow Burn"]
    assert read["summary"] == "<p>A reactor, a flower girl, a long walk.</p>"
    assert read["language"] == "en"
    assert (read["draft"], read["restricted"], read["complete"]) == (False, False, False)
    assert (read["chapter_count"], read["expected_chapters"]) == (2, 3)
    assert read["word_count"] == 5 + 4
    assert read["published"] == "2020-04-10"
    assert dt.datetime.fromisoformat(read["updated"]).date() == dt.date(2020, 4, 10)
    assert [(c["position"], c["title"], c["draft"]) for c in read["chapters"]] == [
        (1, "Sector 5", False),
        (2, "The Plate", False),
    ]

    second = anonymous_api.get(f"/chapters/{read['chapters'][1]['id']}").json()
    assert second["work_id"] == work.pk
    assert second["body"] == "<p>One line.</p>\n<p>Two lines.</p>"
    assert second["url"] == read["chapters"][1]["url"]


def test_a_new_work_is_credited_to_the_named_pseud(author, author_api):
    add_pseud(author, "Strife")
    response = author_api.post("/works", new_work(pseuds=["strife"]))
    assert response.status_code == 201
    assert response.json()["creators"] == [{"pseud": "Strife", "user": "cloud_author"}]


@pytest.mark.parametrize("name", ["Strife", "tifa_reader"])
def test_a_pseud_that_is_not_yours_is_rejected(reader, author_api, name):
    response = author_api.post("/works", new_work(pseuds=[name]))
    assert response.status_code == 422
    assert errors(response) == [("pseuds", "unknown_pseud")]
    assert not Work.objects.exists()


def test_draft_is_hidden_from_others_and_shown_to_its_creator(
    author_api, reader_api, anonymous_api
):
    response = author_api.post("/works", new_work(draft=True))
    assert response.status_code == 201
    work_id = response.json()["id"]
    assert response.json()["draft"] is True

    assert author_api.get(f"/works/{work_id}").json()["draft"] is True
    for api in (reader_api, anonymous_api):
        response = api.get(f"/works/{work_id}")
        assert response.status_code == 404
        assert errors(response) == [(None, "not_found")]
    # Drafts are never listed, not even to their creator.
    assert author_api.get("/works").json()["count"] == 0


def test_restricted_work_is_hidden_from_anonymous_listing_and_needs_login(
    author, reader_api, anonymous_api
):
    open_work = make_work(author, title="For everyone")
    locked = make_work(author, title="Members only", restricted=True)

    listed = anonymous_api.get("/works").json()
    assert listed["count"] == 1
    assert [w["id"] for w in listed["results"]] == [open_work.pk]

    response = anonymous_api.get(f"/works/{locked.pk}")
    assert response.status_code == 401
    assert errors(response) == [(None, "login_required")]
    chapter = first_chapter(locked)
    assert anonymous_api.get(f"/chapters/{chapter.pk}").status_code == 401

    assert reader_api.get("/works").json()["count"] == 2
    assert reader_api.get(f"/works/{locked.pk}").json()["restricted"] is True
    assert reader_api.get(f"/chapters/{chapter.pk}").status_code == 200


def test_patch_changes_only_the_fields_sent(author_api):
    work = author_api.post("/works", new_work()).json()
    response = author_api.patch(
        f"/works/{work['id']}", {"title": "Advent Children", "freeforms": ["Angst"]}
    )
    assert response.status_code == 200, response.content
    patched = response.json()
    assert patched["title"] == "Advent Children"
    assert patched["freeforms"] == ["Angst"]
    unchanged = {"title", "freeforms", "updated"}
    assert {k: v for k, v in patched.items() if k not in unchanged} == {
        k: v for k, v in work.items() if k not in unchanged
    }


def test_patch_keeps_a_backdate(author_api):
    work = author_api.post("/works", new_work(published="2019-01-02")).json()
    patched = author_api.patch(f"/works/{work['id']}", {"summary": "New."}).json()
    assert (patched["published"], patched["summary"]) == ("2019-01-02", "New.")
    assert patched["updated"] == work["updated"]


def test_patch_draft_false_posts_the_draft(author_api, anonymous_api):
    work = author_api.post("/works", new_work(draft=True)).json()
    response = author_api.patch(f"/works/{work['id']}", {"draft": False})
    assert response.status_code == 200
    assert response.json()["draft"] is False
    assert response.json()["published"] == timezone.localdate().isoformat()
    assert anonymous_api.get(f"/works/{work['id']}").status_code == 200
    assert anonymous_api.get("/works").json()["count"] == 1


def test_a_posted_work_cannot_become_a_draft_again(author_api):
    work = author_api.post("/works", new_work()).json()
    response = author_api.patch(f"/works/{work['id']}", {"draft": True})
    assert response.status_code == 422
    assert errors(response) == [("draft", "already_posted")]


def test_a_stranger_cannot_change_or_delete_a_work(author, stranger_api):
    work = make_work(author)
    response = stranger_api.patch(f"/works/{work.pk}", {"title": "Mine now"})
    assert response.status_code == 403
    assert errors(response) == [(None, "forbidden")]
    assert stranger_api.delete(f"/works/{work.pk}").status_code == 403
    chapter = first_chapter(work)
    assert stranger_api.patch(f"/chapters/{chapter.pk}", {"title": "x"}).status_code == 403
    assert stranger_api.post(f"/works/{work.pk}/chapters", {"body": "x"}).status_code == 403
    work.refresh_from_db()
    assert work.title == "Lifestream"


def test_a_strangers_write_to_a_draft_is_not_found(author, stranger_api):
    draft = make_work(author, draft=True)
    assert stranger_api.patch(f"/works/{draft.pk}", {"title": "x"}).status_code == 404


def test_writes_need_a_token(author, anonymous_api):
    work = make_work(author)
    assert anonymous_api.post("/works", new_work()).status_code == 401
    assert anonymous_api.patch(f"/works/{work.pk}", {"title": "x"}).status_code == 401
    assert anonymous_api.delete(f"/works/{work.pk}").status_code == 401
    assert errors(anonymous_api.delete(f"/works/{work.pk}")) == [(None, "unauthorized")]


def test_delete_a_work(author, author_api):
    work = make_work(author, chapters=2)
    response = author_api.delete(f"/works/{work.pk}")
    assert response.status_code == 204
    assert not Work.objects.exists()
    assert not Chapter.objects.exists()
    assert author_api.get(f"/works/{work.pk}").status_code == 404


# --- listing ----------------------------------------------------------------------------------


def test_listing_pages_newest_first(author, anonymous_api, settings):
    settings.WORKS_PER_PAGE = 2
    works = [make_work(author, title=f"Work {n}") for n in range(5)]
    first = anonymous_api.get("/works").json()
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    assert [w["id"] for w in first["results"]] == [works[4].pk, works[3].pk]
    assert first["previous"] is None
    assert first["next"] == f"{API}/works?page=2"

    last = anonymous_api.get("/works", page=3).json()
    assert [w["id"] for w in last["results"]] == [works[0].pk]
    assert (last["next"], last["previous"]) == (None, f"{API}/works?page=2")

    beyond = anonymous_api.get("/works", page=40).json()
    assert (beyond["count"], beyond["results"], beyond["next"]) == (5, [], None)


def test_an_empty_archive_lists_nothing(anonymous_api):
    # The tag kinds' facets, then the collections'.
    facets: dict[str, list] = {kind: [] for kind in FILTER_KINDS}
    facets["collection"] = []
    assert anonymous_api.get("/works").json() == {
        "count": 0,
        "page": 1,
        "pages": 1,
        "next": None,
        "previous": None,
        "results": [],
        "facets": facets,
    }


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "", "9" * 5000])
def test_a_bad_page_number_is_rejected(anonymous_api, page):
    response = anonymous_api.get("/works", page=page)
    assert response.status_code == 422
    assert [field for field, _ in errors(response)] == ["page"]


def test_a_huge_page_number_is_an_empty_page(author, anonymous_api):
    make_work(author)
    response = anonymous_api.get("/works", page="99999999999999999999999")
    assert response.status_code == 200
    assert (response.json()["count"], response.json()["results"]) == (1, [])
    assert response.json()["previous"] == f"{API}/works?page=1"


def test_listing_shows_draft_chapters_to_their_creator_only(author, author_api, reader_api):
    work = make_work(author)
    author_api.post(f"/works/{work.pk}/chapters", {"body": "<p>Unfinished.</p>", "draft": True})
    mine = author_api.get("/works").json()["results"][0]
    theirs = reader_api.get("/works").json()["results"][0]
    assert [c["draft"] for c in mine["chapters"]] == [False, True]
    assert [c["draft"] for c in theirs["chapters"]] == [False]


def _fill(author: Any, reader: Any, count: int) -> None:
    for n in range(count):
        make_work(author, title=f"Work {n}", chapters=2, restricted=n % 3 == 0)
    make_work(reader, title="Reader's own")


@pytest.mark.parametrize("works", [3, 6])
def test_listing_query_count_does_not_grow_with_works_anonymous(
    author, reader, anonymous_api, django_assert_num_queries, works
):
    _fill(author, reader, works)
    anonymous_api.get("/works")  # the filter index catches up with the change log first
    # the change log, the facets' tags, the page of works (with their stats row), their tags,
    # their creators, their hit counter shards (for the stats), their chapter index, their gifts
    with django_assert_num_queries(8):
        response = anonymous_api.get("/works")
    assert response.status_code == 200


@pytest.mark.parametrize("works", [3, 6])
def test_listing_query_count_does_not_grow_with_works_with_a_token(
    author, reader, reader_api, django_assert_num_queries, works
):
    _fill(author, reader, works)
    reader_api.get("/me")  # the token's first use is recorded once; later reads don't write
    reader_api.get("/works")  # the filter index catches up with the change log first
    # the token, the reader's mutes, then as for anonymous readers (hit shards included)
    with django_assert_num_queries(10):
        response = reader_api.get("/works")
    assert len(response.json()["results"]) == works + 1


# --- chapters ---------------------------------------------------------------------------------


def test_add_a_chapter(author, author_api, anonymous_api):
    work = make_work(author)
    response = author_api.post(
        f"/works/{work.pk}/chapters", {"title": "Nibelheim", "body": "<p>Five years ago.</p>"}
    )
    assert response.status_code == 201, response.content
    chapter = response.json()
    assert (chapter["work_id"], chapter["position"], chapter["draft"]) == (work.pk, 2, False)
    assert chapter["body"] == "<p>Five years ago.</p>"
    assert chapter["url"] == f"/works/{work.pk}/chapters/{chapter['id']}"
    assert anonymous_api.get(f"/works/{work.pk}").json()["chapter_count"] == 2


def test_a_draft_chapter_is_hidden_until_posted(author, author_api, reader_api):
    work = make_work(author)
    chapter = author_api.post(
        f"/works/{work.pk}/chapters", {"body": "<p>Not yet.</p>", "draft": True}
    ).json()
    assert chapter["draft"] is True
    assert reader_api.get(f"/chapters/{chapter['id']}").status_code == 404
    assert len(reader_api.get(f"/works/{work.pk}").json()["chapters"]) == 1
    assert len(author_api.get(f"/works/{work.pk}").json()["chapters"]) == 2

    response = author_api.patch(f"/chapters/{chapter['id']}", {"draft": False})
    assert response.status_code == 200
    assert response.json()["draft"] is False
    assert response.json()["body"] == "<p>Not yet.</p>"
    assert reader_api.get(f"/chapters/{chapter['id']}").status_code == 200
    assert reader_api.get(f"/works/{work.pk}").json()["chapter_count"] == 2


def test_patch_chapter_changes_only_the_fields_sent(author, author_api):
    work = make_work(author, chapters=2)
    chapter = first_chapter(work)
    before = author_api.get(f"/chapters/{chapter.pk}").json()
    response = author_api.patch(f"/chapters/{chapter.pk}", {"notes": "<p>Thanks!</p>"})
    assert response.status_code == 200
    after = response.json()
    assert after["notes"] == "<p>Thanks!</p>"
    assert {k: v for k, v in after.items() if k != "notes"} == {
        k: v for k, v in before.items() if k != "notes"
    }


def test_patch_chapter_with_plain_text(author, author_api):
    chapter = first_chapter(make_work(author))
    response = author_api.patch(f"/chapters/{chapter.pk}", {"body": "a < b", "body_format": "text"})
    assert response.status_code == 200
    assert "a &lt; b" in response.json()["body"]


def test_deleting_the_only_chapter_is_refused(author, author_api):
    chapter = first_chapter(make_work(author))
    response = author_api.delete(f"/chapters/{chapter.pk}")
    assert response.status_code == 422
    assert errors(response) == [("chapter", "last_chapter")]
    assert Chapter.objects.filter(pk=chapter.pk).exists()


def test_delete_a_chapter(author, author_api, anonymous_api):
    work = make_work(author, chapters=3)
    chapter = first_chapter(work)
    assert author_api.delete(f"/chapters/{chapter.pk}").status_code == 204
    read = anonymous_api.get(f"/works/{work.pk}").json()
    assert [c["position"] for c in read["chapters"]] == [1, 2]
    assert read["chapter_count"] == 2
    assert anonymous_api.get(f"/chapters/{chapter.pk}").status_code == 404


def test_chapter_errors_are_field_errors(author, author_api):
    work = make_work(author)
    response = author_api.post(f"/works/{work.pk}/chapters", {"body": "  "})
    assert response.status_code == 422
    assert errors(response) == [("body", "required")]
    response = author_api.post(f"/works/{work.pk}/chapters", {"title": "x"})
    assert errors(response) == [("body", "missing")]


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"rating": ""}, [("rating", "required")]),
        ({"rating": "Everyone"}, [("rating", "unknown_choice")]),
        ({"published": "2999-01-01"}, [("published", "future_date")]),
        ({"published": "2020-02-30"}, [("published", "invalid_date")]),
        ({"published": "1700000000"}, [("published", "invalid_date")]),
        ({"published": 1700000000}, [("published", "invalid_date")]),
        ({"title": "x" * 256}, [("title", "too_long")]),
        ({"title": "   "}, [("title", "required")]),
        ({"warnings": ["Cheese"]}, [("warnings", "unknown_choice")]),
        ({"warnings": "No Archive Warnings Apply"}, [("warnings", "invalid_type")]),
        ({"warnings": None}, [("warnings", "invalid_type")]),
        ({"fandoms": [1]}, [("fandoms.0", "invalid_type")]),
        ({"title": 123}, [("title", "invalid_type")]),
        ({"title": None}, [("title", "invalid_type")]),
        ({"restricted": "yes"}, [("restricted", "invalid_type")]),
        ({"expected_chapters": "3"}, [("expected_chapters", "invalid_type")]),
        ({"expected_chapters": 10**30}, [("expected_chapters", "out_of_range")]),
        ({"expected_chapters": -1}, [("expected_chapters", "out_of_range")]),
        ({"language": "klingon"}, [("language", "unknown_choice")]),
        ({"summary": "x" * 1251}, [("summary", "too_long")]),
        ({"freeforms": ["x" * 151]}, [("freeforms", "tag_too_long")]),
        ({"freeforms": [f"tag {n}" for n in range(76)]}, [("freeforms", "too_long")]),
        ({"freeforms": [f"tag {n}" for n in range(72)]}, [("freeforms", "too_many_tags")]),
        ({"warnings": ["Cheese"] * 10_000}, [("warnings", "too_long")]),
        ({"title": "nul\x00here"}, [("title", "null_character")]),
        ({"colour": "blue"}, [("colour", "unknown_field")]),
        ({"chapters": []}, [("chapters", "too_short")]),
        ({"chapters": [{"title": "no body"}]}, [("chapters.0.body", "missing")]),
        ({"chapters": [{"body": "x", "draft": True}]}, [("chapters.0.draft", "unknown_field")]),
        (
            {"chapters": [{"body": "x", "body_format": "rtf"}]},
            [("chapters.0.body_format", "unknown_choice")],
        ),
        ({"chapters": [{"body": " "}]}, [("chapters.0.body", "required")]),
        ({"chapters": ["text"]}, [("chapters.0", "invalid_type")]),
    ],
)
def test_bad_work_input_is_a_field_error(author_api, overrides, expected):
    response = author_api.post("/works", new_work(**overrides))
    assert response.status_code == 422, response.content
    assert errors(response) == expected
    assert not Work.objects.exists()


def test_missing_required_fields_are_all_reported(author_api):
    response = author_api.post("/works", {"chapters": [{"body": "<p>Hi.</p>"}]})
    assert response.status_code == 422
    fields = {field for field, _ in errors(response)}
    assert {"title", "rating", "warnings", "fandoms"} <= fields


def test_unpaired_surrogates_are_rejected(author_api):
    raw = json.dumps(new_work()).replace('"The Promised Land"', '"bad \\ud800 text"')
    response = author_api.post("/works", raw=raw)
    assert response.status_code == 422
    assert errors(response) == [("title", "invalid_unicode")]


@pytest.mark.parametrize("raw", ["{not json", '{"title": ', "\xff\xfe", "1" * 5000])
def test_malformed_json_is_a_400(author_api, raw):
    response = author_api.post("/works", raw=raw)
    assert response.status_code == 400
    assert errors(response) == [(None, "malformed_json")]


@pytest.mark.parametrize("raw", ["[]", '"a work"', "null", "", "42"])
def test_a_body_that_is_not_an_object_is_a_422(author_api, raw):
    response = author_api.post("/works", raw=raw)
    assert response.status_code == 422
    assert [field for field, _ in errors(response)] == [None]


def test_an_oversized_body_is_a_413(author_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = author_api.post("/works", new_work(summary="x" * 20_000))
    assert response.status_code == 413
    assert errors(response) == [(None, "too_large")]


def test_a_bad_later_chapter_leaves_nothing_behind(author_api):
    chapters = [{"body": "<p>One.</p>"}, {"body": "<p>Two.</p>"}, {"body": "", "title": "x"}]
    response = author_api.post("/works", new_work(chapters=chapters, freeforms=["Brand New"]))
    assert response.status_code == 422
    assert errors(response) == [("chapters.2.body", "required")]
    assert not Work.objects.exists()
    assert not Chapter.objects.exists()


def test_a_bad_second_chapter_leaves_no_work(author_api):
    chapters = [{"body": "<p>One.</p>"}, {"body": "<p>Two.</p>", "title": "t" * 300}]
    response = author_api.post("/works", new_work(chapters=chapters))
    assert response.status_code == 422
    assert errors(response) == [("chapters.1.title", "too_long")]
    assert Work.objects.count() == 0


def test_patch_errors_use_the_json_field_names(author, author_api):
    work = make_work(author)
    response = author_api.patch(f"/works/{work.pk}", {"published": "2999-12-31"})
    assert response.status_code == 422
    assert errors(response) == [("published", "future_date")]
    response = author_api.patch(f"/works/{work.pk}", {"pseuds": None})
    assert errors(response) == [("pseuds", "invalid_type")]
    response = author_api.patch(f"/works/{work.pk}", {"pseuds": []})
    assert errors(response) == [("pseuds", "required")]


@pytest.mark.parametrize(
    "path",
    [
        "/works/99999999999999999999999",
        "/works/9223372036854775808",
        "/works/9223372036854775807",
        "/works/0",
        "/works/-1",
        "/works/abc",
        "/chapters/99999999999999999999999",
        "/chapters/abc",
        "/nothing-here",
        "/works/",
        "/",
    ],
)
def test_unknown_paths_are_json_404s(anonymous_api, path):
    response = anonymous_api.get(path)
    assert response.status_code == 404
    assert errors(response) == [(None, "not_found")]


def test_writes_to_huge_ids_are_404s(author_api):
    assert author_api.patch("/works/99999999999999999999999", {"title": "x"}).status_code == 404
    assert author_api.delete("/chapters/99999999999999999999999").status_code == 404


def test_an_unsupported_method_is_a_json_405(anonymous_api):
    response = anonymous_api.send("put", "/works", {})
    assert response.status_code == 405
    assert errors(response) == [(None, "method_not_allowed")]
    assert "POST" in response["Allow"]


# --- OpenAPI ----------------------------------------------------------------------------------


def test_openapi_describes_the_api(anonymous_api):
    response = anonymous_api.get("/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Lifestream API"
    assert schema["info"]["version"] == "1"
    assert set(schema["paths"]) == {
        f"{API}/me",
        f"{API}/works",
        f"{API}/works/{{work_id}}",
        f"{API}/works/{{work_id}}/chapters",
        f"{API}/works/{{work_id}}/orphan",
        f"{API}/chapters/{{chapter_id}}",
        # Related works: a work's parents, and a parent's creator's answer.
        f"{API}/works/{{work_id}}/related_works",
        f"{API}/related_works/{{link_id}}",
        f"{API}/tags",
        f"{API}/tags/{{name}}",
        # Blocks and mutes: the token owner's own lists.
        f"{API}/me/blocks",
        f"{API}/me/blocks/{{login}}",
        f"{API}/me/mutes",
        f"{API}/me/mutes/{{login}}",
        # comments
        f"{API}/works/{{work_id}}/comments",
        f"{API}/comments/{{comment_id}}",
        f"{API}/comments/{{comment_id}}/approve",
        f"{API}/comments/{{comment_id}}/freeze",
        f"{API}/comments/{{comment_id}}/unfreeze",
        f"{API}/comments/{{comment_id}}/spam",
        # Bookmarks.
        f"{API}/bookmarks",
        f"{API}/bookmarks/{{bookmark_id}}",
        f"{API}/works/{{work_id}}/bookmarks",
        # Kudos, history and stats.
        f"{API}/works/{{work_id}}/kudos",
        f"{API}/works/{{work_id}}/mark_for_later",
        f"{API}/me/readings",
        f"{API}/me/stats",
        # subscriptions and the inbox
        f"{API}/subscriptions",
        f"{API}/subscriptions/{{subscription_id}}",
        f"{API}/inbox",
        f"{API}/inbox/read",
        # Imports.
        f"{API}/imports",
        # Co-creator invitations and gifts.
        f"{API}/me/creatorships",
        f"{API}/creatorships/{{creatorship_id}}/accept",
        f"{API}/creatorships/{{creatorship_id}}/decline",
        f"{API}/works/{{work_id}}/creators/me",
        f"{API}/gifts/{{gift_id}}/refuse",
        # Series.
        f"{API}/series",
        f"{API}/series/{{series_id}}",
        # Site news.
        f"{API}/news",
        f"{API}/news/{{news_id}}",
        # Collections.
        f"{API}/collections",
        f"{API}/collections/{{name}}",
        f"{API}/collections/{{name}}/works",
        f"{API}/collections/{{name}}/reveal",
        f"{API}/works/{{work_id}}/collections",
        # Challenges.
        f"{API}/collections/{{name}}/signup",
        f"{API}/collections/{{name}}/assignments",
        f"{API}/collections/{{name}}/matching",
        f"{API}/collections/{{name}}/assignments/send",
        f"{API}/collections/{{name}}/prompts",
        f"{API}/collections/{{name}}/prompts/{{prompt_id}}/claim",
        f"{API}/works/{{work_id}}/fills",
    }
    assert set(schema["paths"][f"{API}/works/{{work_id}}"]) == {"get", "patch", "delete"}
    assert "BearerToken" in schema["components"]["securitySchemes"]


def test_the_docs_page_loads(anonymous_api):
    assert anonymous_api.get("/docs").status_code == 200


def test_duplicate_keys_and_wrong_content_type_are_refused(client, author):
    from people.services import create_api_token

    _, key = create_api_token(author, "t")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    body = '{"title": "a", "title": "b", "rating": "Not Rated", "chapters": [{"body": "x"}]}'
    response = client.post("/api/v1/works", body, content_type="application/json", **headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "duplicate_key"
    response = client.post("/api/v1/works", "{}", content_type="text/plain", **headers)
    assert response.status_code == 415
    assert response.json()["errors"][0]["code"] == "unsupported_media_type"
