"""Imports in the visibility matrix: the import page, its API and the suggestion buttons for
each viewer; a draft made by an import is invisible to everyone but its creator; suggestions
only ever name tags the importing user could find."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from importing import FAN_STORY, wrangled_tags

from imports.models import ImportSuggestion, SuggestionStatus
from imports.services import import_work
from lifestream.testing import make_admin, make_user, make_work
from people.services import create_api_token
from tags.models import Tag
from works.models import Work

VIEWERS = ("guest", "stranger", "admin", "creator")


@pytest.fixture
def world(db):
    wrangled_tags()
    creator = make_user("import_creator")
    users = {
        "guest": None,
        "stranger": make_user("import_stranger"),
        "admin": make_admin("import_admin"),
        "creator": creator,
    }
    result = import_work(creator, FAN_STORY, filename="mako.txt")
    return {"users": users, "work": result.work, "creator": creator}


def client_for(world: dict, viewer: str) -> Client:
    client = Client()
    if world["users"][viewer] is not None:
        client.force_login(world["users"][viewer])
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
def test_import_page_needs_a_login(world, viewer):
    client = client_for(world, viewer)
    before = Work.objects.count()
    page = client.get("/works/import")
    posted = client.post("/works/import", {"text": "Cloud woke."})
    if viewer == "guest":
        assert page.status_code == 302 and "/login" in page["Location"]
        assert posted.status_code == 302 and "/login" in posted["Location"]
        assert Work.objects.count() == before
    else:
        assert page.status_code == 200
        assert posted.status_code == 302
        assert Work.objects.count() == before + 1
        assert not Work.objects.latest("pk").posted


def test_api_import_needs_a_token(world, client):
    upload = SimpleUploadedFile("x.txt", b"Cloud woke.")
    before = Work.objects.count()
    response = client.post("/api/v1/imports", {"file": upload})
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "unauthorized"
    assert Work.objects.count() == before


def test_api_import_belongs_to_the_token_user(world, client):
    stranger = world["users"]["stranger"]
    _, key = create_api_token(stranger, "imports")
    response = client.post(
        "/api/v1/imports",
        {"text": "Cloud woke."},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201
    work = Work.objects.get(pk=response.json()["work_id"])
    assert [p.user_id for p in work.creator_pseuds] == [stranger.pk]


# What each viewer gets on an imported draft's pages: only its creator ever sees it.
DRAFT_PAGES = ("/works/{id}", "/works/{id}/edit", "/works/{id}/navigate")


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("route", DRAFT_PAGES)
def test_imported_draft_is_invisible_to_others(world, viewer, route):
    work = world["work"]
    response = client_for(world, viewer).get(route.format(id=work.pk))
    if viewer == "creator":
        assert response.status_code == 200
    else:
        assert response.status_code in (302, 404)
        assert work.title not in response.content.decode()


@pytest.mark.parametrize("viewer", VIEWERS)
def test_imported_draft_is_in_no_listing_or_api(world, viewer):
    client = client_for(world, viewer)
    work = world["work"]
    assert work.title not in client.get("/works").content.decode()
    assert (
        work.title
        not in client.get("/works/search", {"work_search[query]": "Mako"}).content.decode()
    )
    user = world["users"][viewer]
    headers = {}
    if user is not None:
        headers = {"Authorization": f"Bearer {create_api_token(user, 'read')[1]}"}
    api = client.get("/api/v1/works", headers=headers).json()
    assert work.pk not in [item["id"] for item in api["results"]]
    status = client.get(f"/api/v1/works/{work.pk}", headers=headers).status_code
    assert status == (200 if viewer == "creator" else 404)
    downloads = client.get(f"/downloads/{work.pk}/mako.epub").status_code
    assert downloads == 404


@pytest.mark.parametrize("viewer", ["guest", "stranger", "admin"])
@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_only_the_creator_decides_suggestions(world, viewer, action):
    work = world["work"]
    suggestion = ImportSuggestion.objects.filter(work=work).first()
    assert suggestion is not None
    tags_before = set(work.tags.values_list("pk", flat=True))
    response = client_for(world, viewer).post(
        f"/works/{work.pk}/import_suggestions/{suggestion.pk}/{action}"
    )
    if viewer == "guest":
        assert response.status_code == 302 and "/login" in response["Location"]
    else:
        assert response.status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.PENDING
    assert set(work.tags.values_list("pk", flat=True)) == tags_before


def test_suggestion_buttons_take_posts_only(world):
    work = world["work"]
    suggestion = ImportSuggestion.objects.filter(work=work).first()
    assert suggestion is not None
    client = client_for(world, "creator")
    assert (
        client.get(f"/works/{work.pk}/import_suggestions/{suggestion.pk}/accept").status_code == 405
    )


def test_suggestions_of_one_draft_cannot_be_decided_through_another(world):
    creator = world["creator"]
    other = import_work(creator, "Cloud Strife woke.").work
    suggestion = ImportSuggestion.objects.filter(work=world["work"]).first()
    assert suggestion is not None
    response = client_for(world, "creator").post(
        f"/works/{other.pk}/import_suggestions/{suggestion.pk}/accept"
    )
    assert response.status_code == 404


def test_suggestions_name_only_tags_the_importer_could_find(db):
    wrangled_tags()
    importer = make_user("importer")
    someone = make_user("someone_else")
    # Typed only on someone else's draft: nobody else may learn the tag exists.
    make_work(someone, draft=True, characters=["Vincent Valentine"], fandoms=["Secret Fandom"])
    # On a posted work but never wrangled: findable, yet not an archive-wrangled name.
    make_work(someone, characters=["Barret Wallace"])
    text = (
        "Vincent Valentine brooded in Secret Fandom. Barret Wallace shouted. Cloud Strife sighed."
        "\n\nThe end."
    )
    result = import_work(importer, text)
    names = {s.tag.name for s in result.suggestions}
    assert "Cloud Strife" in names
    assert not names & {"Vincent Valentine", "Secret Fandom", "Barret Wallace"}
    stored = set(ImportSuggestion.objects.values_list("tag__name", flat=True))
    assert not stored & {"Vincent Valentine", "Secret Fandom", "Barret Wallace"}


def test_edit_page_shows_suggestions_to_the_creator_only_while_findable(world):
    work = world["work"]
    client = client_for(world, "creator")
    page = client.get(f"/works/{work.pk}/edit").content.decode()
    assert 'id="import-suggestions"' in page and "Cloud Strife/Sephiroth" in page
    # A tag unwrangled since the import is no longer named.
    Tag.objects.filter(name="Cloud Strife/Sephiroth").update(canonical=False)
    Tag.objects.filter(name="Cloud/Seph").update(merger=None)
    assert not Tag.objects.get(name="Cloud Strife/Sephiroth").works.exists()
    page = client.get(f"/works/{work.pk}/edit").content.decode()
    assert ">Cloud Strife/Sephiroth</a>" not in page.split('id="work-form"')[0]
    assert ">Cloud Strife</a>" in page.split('id="work-form"')[0]


def test_edit_page_of_a_work_without_suggestions_has_no_box(world):
    creator = world["creator"]
    work = make_work(creator, draft=True)
    page = client_for(world, "creator").get(f"/works/{work.pk}/edit").content.decode()
    assert 'id="import-suggestions"' not in page
