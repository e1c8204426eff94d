"""The visibility matrix for autosave: every viewer × every state of a work × the autosave
endpoint (a work's form, a new chapter's, a posted and a draft chapter's), the restore link and
the discard button. Only the creators autosave; others get the answer the access rules give
(404 where they could not read the work, 403 where they could), and nobody reaches another
person's autosaved text by its id.

Viewers: a guest, a stranger, a tag wrangler, the creator, an admin.
States: public, restricted, draft, deleted.
"""

from __future__ import annotations

import pytest
from django.test import Client
from shared_world import module_world

from lifestream.testing import make_admin, make_user, make_work
from works.models import Autosave, AutosaveForm
from works.services import ChapterData, add_chapter

VIEWERS = ("guest", "stranger", "wrangler", "creator", "admin")
STATES = ("public", "restricted", "draft", "deleted")
URL = "/works/autosave"

# What the endpoint answers for a work's forms.
EXPECTED = {
    **{(state, "creator"): 200 for state in ("public", "restricted", "draft")},
    **{
        (state, viewer): 403
        for state in ("public", "restricted")
        for viewer in ("stranger", "wrangler", "admin")
    },
    **{("draft", viewer): 404 for viewer in ("stranger", "wrangler", "admin")},
    **{("deleted", viewer): 404 for viewer in VIEWERS if viewer != "guest"},
    **{(state, "guest"): 403 for state in STATES},
}
CODES: dict[int, set[str]] = {403: {"forbidden", "login_required"}, 404: {"not_found"}}


def _build_world():
    creator = make_user("matrix_creator")
    users = {
        "guest": None,
        "stranger": make_user("matrix_stranger"),
        "wrangler": make_user("matrix_wrangler", is_tag_wrangler=True),
        "creator": creator,
        "admin": make_admin("matrix_admin"),
    }
    works = {
        "public": make_work(creator, title="Public Work"),
        "restricted": make_work(creator, title="Restricted Work", restricted=True),
        "draft": make_work(creator, title="Draft Work", draft=True),
        "deleted": make_work(creator, title="Deleted Work"),
    }
    chapters = {state: work.chapters.get() for state, work in works.items()}
    draft_chapter = add_chapter(works["public"], ChapterData(body="<p>Not yet.</p>"), post=False)
    ids = {state: (work.pk, chapters[state].pk) for state, work in works.items()}
    works["deleted"].delete()
    return {"users": users, "ids": ids, "draft_chapter": draft_chapter, "creator": creator}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _client(world: dict, viewer: str) -> Client:
    client = Client(REMOTE_ADDR="203.0.113.9")
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _check(response, expected: int) -> None:
    assert response.status_code == expected, response.content
    if expected != 200:
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["errors"][0]["code"] in CODES[expected]


def _payload(world: dict, form: str, work_id: int, chapter_id: int | str = "") -> dict:
    return {
        "autosave_form": form,
        "work_id": str(work_id),
        "chapter_id": str(chapter_id),
        "autosave_version": "0",
        "title": "Typed by someone",
        "body": "<p>Typed by someone.</p>",
        "chapter_body": "<p>Typed by someone.</p>",
    }


def _base(world: dict, form: str, work_id: int, chapter_id: int | str | None) -> str:
    """The stamp the creator's form carries (others never get a form to read it from)."""
    from works.autosave import AutosaveTarget, stamp_of
    from works.models import Chapter, Work

    work = Work.objects.filter(pk=work_id).first()
    chapter = Chapter.objects.filter(pk=chapter_id).first() if chapter_id else None
    if work is None:
        return ""
    return stamp_of(AutosaveTarget(AutosaveForm(form), work, chapter))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("form", ["work_edit", "chapter_new", "chapter_edit"])
def test_autosave_endpoint(world, viewer, state, form):
    work_id, chapter_id = world["ids"][state]
    chapter = chapter_id if form == "chapter_edit" else ""
    payload = _payload(world, form, work_id, chapter)
    payload["autosave_base"] = _base(world, form, work_id, chapter or None)
    response = _client(world, viewer).post(URL, payload)
    expected = EXPECTED[(state, viewer)]
    _check(response, expected)
    stored = Autosave.objects.filter(work_id=work_id, form=form)
    assert stored.exists() == (expected == 200)
    if expected == 200:
        assert stored.get().user == world["creator"]


@pytest.mark.parametrize("viewer", VIEWERS)
def test_autosave_of_a_draft_chapter_of_a_posted_work(world, viewer):
    chapter = world["draft_chapter"]
    payload = _payload(world, "chapter_edit", chapter.work_id, chapter.pk)
    payload["autosave_base"] = _base(world, "chapter_edit", chapter.work_id, chapter.pk)
    response = _client(world, viewer).post(URL, payload)
    expected = {"guest": 403, "creator": 200}.get(viewer, 404)
    _check(response, expected)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_new_work_autosave_is_for_logged_in_users_only(world, viewer):
    response = _client(world, viewer).post(URL, {"autosave_form": "work_new", "title": "Mine"})
    _check(response, 403 if viewer == "guest" else 200)
    rows = Autosave.objects.filter(form=AutosaveForm.WORK_NEW)
    assert rows.count() == (0 if viewer == "guest" else 1)


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("form", ["work_new", "work_edit", "chapter_new", "chapter_edit"])
def test_an_autosave_is_its_creators_alone(world, viewer, form):
    """The restore link, the discard button and the endpoint with someone else's id: only the
    creator who typed the text reaches it."""
    work_id, chapter_id = world["ids"]["public"]
    creator = _client(world, "creator")
    chapter = chapter_id if form == "chapter_edit" else ""
    payload = _payload(world, form, work_id, chapter)
    payload["autosave_base"] = _base(world, form, work_id, chapter or None)
    assert creator.post(URL, payload).status_code == 200
    row = Autosave.objects.get()
    restore = {
        "work_new": "/works/new",
        "work_edit": f"/works/{work_id}/edit",
        "chapter_new": f"/works/{work_id}/chapters/new",
        "chapter_edit": f"/works/{work_id}/chapters/{chapter_id}/edit",
    }[form]
    client = _client(world, viewer)
    page = client.get(f"{restore}?autosave={row.pk}")
    if viewer == "creator":
        assert page.status_code == 200
        assert "Typed by someone" in page.content.decode()
    else:
        # A guest is sent to log in; others may not edit the work, or get an empty new form.
        assert page.status_code in (302, 403, 200)
        assert "Typed by someone" not in page.content.decode()
    discard = client.post(f"/works/autosave/{row.pk}/discard")
    if viewer == "creator":
        assert discard.status_code == 302
        assert not Autosave.objects.exists()
    else:
        assert discard.status_code in (302, 404)
        if viewer == "guest":
            assert discard["Location"].startswith("/users/login")
        assert Autosave.objects.filter(pk=row.pk).exists()
