"""The visibility matrix: every viewer × every state of a work × every route that shows works.

Viewers: a logged-out guest, a logged-in stranger, a tag wrangler, the creator, an admin, a
moderator, and a suspended user (who reads as any registered user does).
States: public, restricted (registered users only), draft, deleted, anonymous (public, and by
"Anonymous": on no page of its creator's, and never shown beside their name to anyone else),
hidden (by a moderator: read by its creators and the moderators alone, by its address; in no
listing, count, facet, search, feed, file or API list, as a draft).
Every page, listing, count and API response that can show a work is listed here; a new route
that shows works belongs in one of the route tables below.
"""

from __future__ import annotations

import pytest
from django.test import Client
from shared_world import module_world

from lifestream.testing import make_admin, make_user, make_work
from moderation.services import hide_work, suspend_user
from people.services import create_api_token

VIEWERS = ("guest", "stranger", "wrangler", "creator", "admin", "moderator", "suspended")
STATES = ("public", "restricted", "draft", "deleted", "anonymous", "hidden")
CREATOR_LOGIN = "matrix_creator"
FANDOM = "Matrix Fandom"


def _build_world() -> dict:
    creator = make_user("matrix_creator")
    stranger = make_user("matrix_stranger")
    wrangler = make_user("matrix_wrangler", is_tag_wrangler=True)
    admin = make_admin("matrix_admin")
    moderator = make_user("matrix_moderator", is_moderator=True)
    suspended = make_user("matrix_suspended")
    suspend_user(moderator, suspended.pk, 5, "Spam wave.")
    works = {
        "public": make_work(creator, title="Public Work", fandoms=[f"{FANDOM} Public"]),
        "restricted": make_work(
            creator, title="Restricted Work", restricted=True, fandoms=[f"{FANDOM} Restricted"]
        ),
        "draft": make_work(creator, title="Draft Work", draft=True, fandoms=[f"{FANDOM} Draft"]),
        "deleted": make_work(creator, title="Deleted Work", fandoms=[f"{FANDOM} Deleted"]),
        "anonymous": make_work(
            creator, title="Anonymous Work", anonymous=True, fandoms=[f"{FANDOM} Anonymous"]
        ),
        "hidden": make_work(creator, title="Hidden Work", fandoms=[f"{FANDOM} Hidden"]),
    }
    hide_work(moderator, works["hidden"].pk, "Against the content policy.")
    deleted = works["deleted"]
    deleted_ids = (deleted.pk, deleted.chapters.get().pk)
    deleted.delete()
    users = {
        "guest": None,
        "stranger": stranger,
        "wrangler": wrangler,
        "creator": creator,
        "admin": admin,
        "moderator": moderator,
        "suspended": suspended,
    }
    return {"users": users, "works": works, "creator": creator, "deleted_ids": deleted_ids}


# Built once for the module; each test runs in a savepoint of its own (tests/shared_world.py).
world, _world_rows = module_world(_build_world)


def _make_canonical(**which: object) -> None:
    """Make tags canonical as wrangling would, announced so the filter index reads them again
    (the module's rows are shared, so its index is not rebuilt for each test)."""
    from lifestream.core.changes import TagsChanged, announce
    from tags.models import Tag

    tags = Tag.objects.filter(**which)
    tags.update(canonical=True)
    announce(TagsChanged(tag_ids=tuple(tags.values_list("pk", flat=True))))


def _client(world: dict, viewer: str) -> Client:
    client = Client()
    user = world["users"][viewer]
    if user is not None:
        client.force_login(user)
    return client


def _ids(world: dict, state: str) -> tuple[int, int]:
    if state == "deleted":
        return world["deleted_ids"]
    work = world["works"][state]
    return work.pk, work.chapters.get().pk


# What a viewer gets on a work's own pages: "read", "login" (sent to log in) or "missing" (404).
READ_EXPECTATIONS = {
    ("public", "guest"): "read",
    ("public", "stranger"): "read",
    ("public", "creator"): "read",
    ("public", "admin"): "read",
    ("restricted", "guest"): "login",
    ("restricted", "stranger"): "read",
    ("restricted", "creator"): "read",
    ("restricted", "admin"): "read",
    ("draft", "guest"): "missing",
    ("draft", "stranger"): "missing",
    ("draft", "creator"): "read",
    ("draft", "admin"): "missing",
    ("deleted", "guest"): "missing",
    ("deleted", "stranger"): "missing",
    ("deleted", "creator"): "missing",
    ("deleted", "admin"): "missing",
}
# An anonymous work reads as a public one.
READ_EXPECTATIONS |= {
    ("anonymous", viewer): READ_EXPECTATIONS[("public", viewer)]
    for viewer in ("guest", "stranger", "creator", "admin")
}
# A hidden work: its creators and the moderators (admins are moderators) only.
READ_EXPECTATIONS |= {
    ("hidden", "guest"): "missing",
    ("hidden", "stranger"): "missing",
    ("hidden", "creator"): "read",
    ("hidden", "admin"): "read",
}
# A wrangler, and a suspended user, read works as any registered user does; a moderator too,
# hidden works apart.
READ_EXPECTATIONS |= {
    (state, viewer): READ_EXPECTATIONS[(state, "stranger")]
    for state in STATES
    for viewer in ("wrangler", "moderator", "suspended")
}
READ_EXPECTATIONS[("hidden", "moderator")] = "read"

WORK_PAGES = {
    "work": "/works/{work}?view_adult=true",
    "full work": "/works/{work}?view_full_work=true",
    "chapter": "/works/{work}/chapters/{chapter}",
    "chapter index": "/works/{work}/navigate",
}


def _names_creator(world: dict, viewer: str, state: str, body: str) -> bool:
    """Whether a page (or file, feed, answer) ties the work of `state` to its creator, for a
    `viewer` who is not its creator: it must not for an anonymous work."""
    return state == "anonymous" and viewer != "creator" and CREATOR_LOGIN in body


@pytest.mark.parametrize("page", WORK_PAGES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_work_pages(world, viewer, state, page):
    work_id, chapter_id = _ids(world, state)
    response = _client(world, viewer).get(WORK_PAGES[page].format(work=work_id, chapter=chapter_id))
    expected = READ_EXPECTATIONS[(state, viewer)]
    title = f"{state.capitalize()} Work"
    if expected == "read":
        assert response.status_code == 200
        assert title in response.content.decode()
        assert not _names_creator(world, viewer, state, response.content.decode())
    elif expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/users/login?next=")
    else:
        assert response.status_code == 404
        assert title not in response.content.decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_chapter_short_link(world, viewer, state):
    work_id, chapter_id = _ids(world, state)
    response = _client(world, viewer).get(f"/chapters/{chapter_id}")
    expected = READ_EXPECTATIONS[(state, viewer)]
    if expected == "read":
        assert response.status_code == 302
        assert response["Location"] == f"/works/{work_id}/chapters/{chapter_id}"
    elif expected == "login":
        assert response["Location"].startswith("/users/login?next=")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_imported_archive_old_story_address(world, viewer, state):
    """An imported eFiction archive's `viewstory.php?sid=N` redirects only to what the viewer
    may read (README, "Moving an eFiction archive")."""
    from imports.models import LegacyKind, LegacyRecord

    work_id, _chapter_id = _ids(world, state)
    LegacyRecord.objects.create(kind=LegacyKind.STORY, legacy_id="7", target_id=work_id)
    response = _client(world, viewer).get("/viewstory.php", {"sid": 7, "chapter": 1})
    expected = READ_EXPECTATIONS[(state, viewer)]
    if expected == "read":
        assert response.status_code == 301
        assert response["Location"].startswith(f"/works/{work_id}")
    elif expected == "login":
        assert response["Location"].startswith("/users/login?next=")
    else:
        assert response.status_code == 404


# Listings never show drafts (not even to their creator: drafts have their own page).
LISTED = (
    {("public", viewer): True for viewer in VIEWERS}
    | {
        ("restricted", "guest"): False,
        ("restricted", "stranger"): True,
        ("restricted", "wrangler"): True,
        ("restricted", "creator"): True,
        ("restricted", "admin"): True,
        ("restricted", "moderator"): True,
        ("restricted", "suspended"): True,
    }
    | {("draft", viewer): False for viewer in VIEWERS}
    | {("deleted", viewer): False for viewer in VIEWERS}
    | {("anonymous", viewer): True for viewer in VIEWERS}
    | {("hidden", viewer): False for viewer in VIEWERS}
)
# The listings of one creator's works: an anonymous work is on none of them (its creator finds
# it on their own dashboard alone, under "Posted anonymously").
BY_CREATOR = {"user dashboard", "user works", "pseud page", "pseud works"}

LISTINGS = {
    "home": "/",
    "all works": "/works",
    "tag works": "/tags/{fandom}/works",
    "user dashboard": "/users/matrix_creator",
    "user works": "/users/matrix_creator/works",
    "pseud page": "/users/matrix_creator/pseuds/matrix_creator",
    "pseud works": "/users/matrix_creator/pseuds/matrix_creator/works",
}


@pytest.mark.parametrize("listing", LISTINGS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_listings(world, viewer, state, listing):
    fandom = f"{FANDOM} {state.capitalize()}"
    url = LISTINGS[listing].format(fandom=fandom)
    response = _client(world, viewer).get(url)
    body = response.content.decode()
    title = f"{state.capitalize()} Work"
    if listing == "tag works" and not LISTED[(state, viewer)]:
        # An unwrangled tag found only on works the viewer can't see is not known to exist.
        assert response.status_code == 404
    else:
        assert response.status_code == 200
    listed = LISTED[(state, viewer)]
    if state == "anonymous" and listing in BY_CREATOR:
        listed = listing == "user dashboard" and viewer == "creator"
    assert (title in body) is listed
    if state == "anonymous" and listing not in BY_CREATOR and viewer != "creator":
        # The other listings show it, by "Anonymous", with no class or link naming anyone.
        blurb = body[body.index(title) :]
        blurb = blurb[: blurb.find("</li>")]
        assert CREATOR_LOGIN not in blurb
        assert f"user-{world['creator'].pk}" not in body.split(title)[0].rsplit("<li", 1)[-1]
        assert "Anonymous" in blurb


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_counts(world, viewer, state):
    """A canonical tag's listing and tag page count the work only when it is listed."""

    fandom = f"{FANDOM} {state.capitalize()}"
    _make_canonical(name=fandom)
    client = _client(world, viewer)
    listing = client.get(f"/tags/{fandom}/works").content.decode()
    expected = "1 Work in" if LISTED[(state, viewer)] else "0 Works in"
    assert expected in listing
    page = client.get(f"/tags/{fandom}").content.decode()
    assert f"Works ({int(LISTED[(state, viewer)])})" in page


def test_user_work_counts(world):
    """The creator's dashboard counts public and restricted works for registered viewers, only
    public ones for guests, and never drafts."""
    guest = _client(world, "guest").get("/users/matrix_creator").content.decode()
    stranger = _client(world, "stranger").get("/users/matrix_creator").content.decode()
    assert "Works (1)" in guest
    assert "Works (2)" in stranger
    own = _client(world, "creator").get("/users/matrix_creator/works").content.decode()
    assert "2 Works by matrix_creator" in own


# Pages that change a work: the creator only. Others get 404 where they can't even read it,
# 403 where they can; guests are asked to log in first.
EDIT_PAGES = {
    "edit": "/works/{work}/edit",
    "add chapter": "/works/{work}/chapters/new",
    "edit chapter": "/works/{work}/chapters/{chapter}/edit",
    "delete": "/works/{work}/confirm_delete",
    "delete chapter": "/works/{work}/chapters/{chapter}/confirm_delete",
    "manage chapters": "/works/{work}/chapters/manage",
}


@pytest.mark.parametrize("page", EDIT_PAGES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_edit_pages(world, viewer, state, page):
    work_id, chapter_id = _ids(world, state)
    response = _client(world, viewer).get(EDIT_PAGES[page].format(work=work_id, chapter=chapter_id))
    if viewer == "guest":
        assert response.status_code == 302
        assert response["Location"].startswith("/users/login")
    elif state == "deleted":
        assert response.status_code == 404
    elif viewer == "creator":
        assert response.status_code == 200
    elif READ_EXPECTATIONS[(state, viewer)] == "read":
        assert response.status_code == 403
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_preview(world, viewer, state):
    work_id, _ = _ids(world, state)
    response = _client(world, viewer).get(f"/works/{work_id}/preview")
    if viewer == "guest":
        assert response.status_code == 302
    elif state == "draft" and viewer == "creator":
        assert response.status_code == 200
        assert "Draft Work" in response.content.decode()
    elif viewer == "creator" and state != "deleted":
        assert response.status_code == 302  # a posted work has nothing to preview
    elif state != "draft" and READ_EXPECTATIONS[(state, viewer)] != "missing":
        assert response.status_code == 403
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_drafts_page_is_private(world, viewer, state):
    response = _client(world, viewer).get("/users/matrix_creator/works/drafts")
    if viewer == "guest":
        assert response.status_code == 302
    elif viewer == "creator":
        assert response.status_code == 200
        # The drafts page lists drafts and nothing else.
        assert (f"{state.capitalize()} Work" in response.content.decode()) is (state == "draft")
    else:
        assert response.status_code == 404


def _api_client(world: dict, viewer: str) -> dict:
    user = world["users"][viewer]
    if user is None:
        return {}
    _, key = create_api_token(user, "matrix")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_work_detail(world, viewer, state):
    work_id, chapter_id = _ids(world, state)
    headers = _api_client(world, viewer)
    expected = READ_EXPECTATIONS[(state, viewer)]
    for url in (f"/api/v1/works/{work_id}", f"/api/v1/chapters/{chapter_id}"):
        response = Client().get(url, **headers)
        if expected == "read":
            assert response.status_code == 200, url
            assert response.json()["id"] in {work_id, chapter_id}
            assert not _names_creator(world, viewer, state, response.content.decode())
        elif expected == "login":
            assert response.status_code == 401, url
            assert "Restricted Work" not in response.content.decode()
        else:
            assert response.status_code == 404, url
            assert response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_work_list(world, viewer, state):
    headers = _api_client(world, viewer)
    data = Client().get("/api/v1/works", **headers).json()
    titles = {work["title"] for work in data["results"]}
    assert (f"{state.capitalize()} Work" in titles) is LISTED[(state, viewer)]
    for work in data["results"]:
        if work["title"] == "Anonymous Work":
            assert work["anonymous"] is True and work["creators"] == []
    assert data["count"] == sum(LISTED[(s, viewer)] for s in STATES)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_autocomplete_never_offers_draft_only_tags(world, viewer):
    if viewer == "guest":
        assert Client().get("/autocomplete/tags?kind=fandom&term=Matrix").status_code == 302
        return
    results = (
        _client(world, viewer).get("/autocomplete/tags?kind=fandom&term=Matrix").json()["results"]
    )
    names = {result["name"] for result in results}
    assert f"{FANDOM} Draft" not in names
    assert f"{FANDOM} Public" in names


TAG_PAGES = {
    "tag page": "/tags/{tag}",
    "tag works": "/tags/{tag}/works",
    "tag search": "/tags/search?tag_search[name]={tag}",
}


@pytest.mark.parametrize("page", TAG_PAGES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_unwrangled_tag_names_stay_private(world, viewer, state, page):
    """A tag typed only on a draft (or only on restricted works, for guests) is unknown: its
    page 404s and tag search doesn't find it."""
    tag = f"{FANDOM} {state.capitalize()}"
    response = _client(world, viewer).get(TAG_PAGES[page].format(tag=tag))
    if page == "tag search":
        # The name is echoed in the search box; a result is a link to the tag.
        assert (f">{tag}</a>" in response.content.decode()) is LISTED[(state, viewer)]
    else:
        assert response.status_code == (200 if LISTED[(state, viewer)] else 404)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_tag_feed_shows_only_public_works(world, viewer):
    from tags.models import Tag

    _make_canonical(name__startswith=FANDOM)
    for state in STATES:
        tag = Tag.objects.get(name=f"{FANDOM} {state.capitalize()}")
        for url in (f"/tags/{tag.pk}/feed.atom", f"/tags/{tag.name}/feed.atom"):
            body = _client(world, viewer).get(url).content.decode()
            assert (f"{state.capitalize()} Work" in body) is (state in {"public", "anonymous"})
            assert not _names_creator(world, viewer, state, body)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_facet_counts(world, viewer, state):
    """The filter sidebar counts a work's fandom only when the viewer could list the work."""

    _make_canonical(name__startswith=FANDOM)
    fandom = f"{FANDOM} {state.capitalize()}"
    page = _client(world, viewer).get("/works").content.decode()
    assert (f"<span>{fandom} (1)</span>" in page) is LISTED[(state, viewer)]
    api = Client().get("/api/v1/works", **_api_client(world, viewer)).json()
    names = {facet["name"] for facet in api["facets"]["fandom"]}
    assert (fandom in names) is LISTED[(state, viewer)]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_text_search_results(world, viewer, state):
    """Search finds a work's text only where the viewer could list the work, however fresh or
    stale the text index is."""
    from search.text import rebuild

    rebuild()
    title = f"{state.capitalize()} Work"
    page = _client(world, viewer).get("/works/search?work_search[query]=reactor").content.decode()
    assert (title in page) is LISTED[(state, viewer)]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_api_tags_stay_private(world, viewer, state):
    """The API's tag lookup and tag search know a tag only where the site's pages do."""
    tag = f"{FANDOM} {state.capitalize()}"
    headers = _api_client(world, viewer)
    detail = Client().get(f"/api/v1/tags/{tag}", **headers)
    assert detail.status_code == (200 if LISTED[(state, viewer)] else 404)
    found = Client().get("/api/v1/tags", {"q": tag}, **headers).json()
    names = {result["name"] for result in found["results"]}
    assert (tag in names) is LISTED[(state, viewer)]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_wrangling_pages_know_only_findable_tags(world, viewer, state):
    """The wrangler-only pages: a tag's edit page exists for wranglers (and the archive's
    admins) when the tag is findable by them; the unwrangled bin never names a tag that is only
    on drafts, and lists one only on restricted works for registered wranglers alone."""
    tag = f"{FANDOM} {state.capitalize()}"
    client = _client(world, viewer)
    edit = client.get(f"/tags/{tag}/edit")
    may_wrangle = viewer in {"wrangler", "admin"}
    if not may_wrangle:
        assert edit.status_code in {302, 403, 404}
        assert tag not in edit.content.decode()
    else:
        assert edit.status_code == (200 if LISTED[(state, viewer)] else 404)
    bin_page = client.get("/tags/unwrangled?kind=fandom")
    if may_wrangle:
        assert bin_page.status_code == 200
        assert (f">{tag}<" in bin_page.content.decode()) is LISTED[(state, viewer)]
    else:
        assert bin_page.status_code in {302, 403, 404}
        assert tag not in bin_page.content.decode()


# Downloads package posted works only: a draft is never packaged, not even for its creator.
DOWNLOAD_EXPECTATIONS = READ_EXPECTATIONS | {("draft", "creator"): "missing"}


@pytest.mark.parametrize("extension", ["epub", "html", "txt"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_downloads(world, viewer, state, extension, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    work_id, _ = _ids(world, state)
    response = _client(world, viewer).get(f"/downloads/{work_id}/Work.{extension}")
    expected = DOWNLOAD_EXPECTATIONS[(state, viewer)]
    if expected == "read":
        assert response.status_code == 200
        content = raw = response.getvalue()
        if extension == "epub":
            import io
            import zipfile

            content = zipfile.ZipFile(io.BytesIO(content)).read("EPUB/title.xhtml")
        assert f"{state.capitalize()} Work".encode() in content
        assert ("private" in response["Cache-Control"]) is (state == "restricted")
        if extension == "epub":
            import io
            import zipfile

            book = zipfile.ZipFile(io.BytesIO(raw))
            content = b"".join(book.read(name) for name in book.namelist())
        # A file is shared by all its readers: no one's copy names an anonymous work's creator.
        assert (CREATOR_LOGIN.encode() in content) is not (state == "anonymous")
    elif expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith("/users/login?next=")
    else:
        assert response.status_code == 404


OPDS_FEEDS = {
    "newest": "/opds/new",
    "fandom": "/opds/tags/{fandom}",
    "creator": "/opds/users/matrix_creator",
    "search": "/opds/search?q=Work",
}


@pytest.mark.parametrize("feed", OPDS_FEEDS)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_opds_feeds(world, viewer, state, feed):
    from search import text

    text.index_works([work.pk for work in world["works"].values() if work.pk])
    fandom = f"{FANDOM} {state.capitalize()}"
    response = _client(world, viewer).get(OPDS_FEEDS[feed].format(fandom=fandom))
    title = f"{state.capitalize()} Work"
    if feed == "fandom" and not LISTED[(state, viewer)]:
        assert response.status_code == 404
        return
    assert response.status_code == 200
    listed = LISTED[(state, viewer)] and not (state == "anonymous" and feed == "creator")
    body = response.content.decode()
    assert (title in body) is listed
    if state == "anonymous" and feed != "creator":
        entry = body[body.index(title) :]
        entry = entry[: entry.index("</entry>")]
        assert CREATOR_LOGIN not in entry
        assert "<name>Anonymous</name>" in entry


SIDEBARS = {
    "works": "/works?include_work_search[fandom_ids][]={tag_id}",
    "works excluded": "/works?exclude_work_search[fandom_ids][]={tag_id}",
    "bookmarks": "/bookmarks?include_bookmark_search[fandom_ids][]={tag_id}",
    "bookmarks by own tag": "/bookmarks?include_bookmark_search[tag_ids][]={tag_id}",
}


@pytest.mark.parametrize("sidebar", SIDEBARS)
@pytest.mark.parametrize("state", ["public", "restricted", "draft"])
@pytest.mark.parametrize("viewer", VIEWERS)
def test_sidebars_name_a_ticked_tag_only_when_it_is_findable(world, viewer, state, sidebar):
    """A tag id typed into a filter URL is shown by name only if the viewer may know the tag:
    walking ids must not list the tags that are only on drafts (or restricted works, for
    guests)."""
    from tags.models import Tag

    tag = Tag.objects.get(name=f"{FANDOM} {state.capitalize()}")
    body = _client(world, viewer).get(SIDEBARS[sidebar].format(tag_id=tag.pk)).content.decode()
    assert (tag.name in body) is LISTED[(state, viewer)]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_opds_fandoms_list_only_what_the_viewer_can_read(world, viewer, state):

    _make_canonical(name__startswith=FANDOM)
    body = _client(world, viewer).get("/opds/fandoms").content.decode()
    assert (f"{FANDOM} {state.capitalize()}" in body) is LISTED[(state, viewer)]
    assert _client(world, viewer).get("/opds/opensearch.xml").status_code == 200


BROWSE_PAGES = {
    "medium's fandoms": "/media/TV Shows/fandoms",
    "uncategorized fandoms": "/media/Uncategorized Fandoms/fandoms",
    "all fandoms": "/fandoms",
    "media": "/media",
    "tag index": "/tags",
}


@pytest.mark.parametrize("page", BROWSE_PAGES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_browse_pages_count_only_what_the_viewer_can_list(world, viewer, state, page):
    """The browsing pages list a fandom, and count its work, only when the viewer could list
    the work; half the fandoms are under a medium, the rest uncategorized."""
    from tags.models import Tag
    from tags.services import WrangleData, wrangle_tag

    for tag in Tag.objects.filter(name__startswith=FANDOM):
        medium = ["TV Shows"] if tag.name.endswith(("Public", "Draft", "Anonymous")) else []
        wrangle_tag(tag, WrangleData(canonical=True, parents=medium))
    fandom = f"{FANDOM} {state.capitalize()}"
    in_page = {
        "medium's fandoms": state in {"public", "draft", "anonymous"},
        "uncategorized fandoms": state in {"restricted", "deleted", "hidden"},
    }.get(page, True)
    response = _client(world, viewer).get(BROWSE_PAGES[page])
    assert response.status_code == 200
    body = response.content.decode()
    expected = LISTED[(state, viewer)] and in_page
    assert (f'{fandom}</a> <span class="count">(1)</span>' in body) is expected
    assert fandom in body or not expected
    if not LISTED[(state, viewer)]:
        assert fandom not in body
    assert not _names_creator(world, viewer, state, body)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_report_form_only_for_what_the_viewer_can_read(world, viewer, state):
    """A report can be made only on what the viewer reads: anything else is a 404 that tells
    nothing of it (a restricted work too, for a guest)."""
    work_id, chapter_id = _ids(world, state)
    client = _client(world, viewer)
    expected = 200 if READ_EXPECTATIONS[(state, viewer)] == "read" else 404
    for kind, key in (("work", work_id), ("chapter", chapter_id)):
        response = client.get(f"/reports/new?type={kind}&id={key}")
        assert response.status_code == expected, kind
        assert (f"{state.capitalize()} Work" in response.content.decode()) is (expected == 200)


# Site news is everyone's to read; its comments follow the comment rules (a held comment is in
# the thread for its writer alone), and the admins' pages are theirs alone (a 404 otherwise).
NEWS_PAGES = {
    "news index": "/admin_posts",
    "news post": "/admin_posts/{post}",
    "news feed": "/admin_posts/feed.atom",
    "news comment": "/comments/{comment}",
    "home headlines": "/",
}
NEWS_ADMIN_PAGES = (
    "/admin_posts/new",
    "/admin_posts/{post}/edit",
    "/admin_posts/{post}/delete",
    "/admin/banner",
)


@pytest.fixture
def news_world(world):
    from feedback.models import CommentStatus
    from feedback.services.comments import post_comment
    from news.services import PostData, create_post

    admin = world["users"]["admin"]
    post = create_post(admin, PostData("Matrix News", "<p>Matrix news text</p>"))
    comment = post_comment(world["users"]["stranger"], post, "<p>Public news comment</p>")
    held = post_comment(world["users"]["wrangler"], post, "<p>Held news comment</p>")
    held.status = CommentStatus.HELD
    held.save(update_fields=["status"])
    return {"post": post, "comment": comment, "held": held}


@pytest.mark.parametrize("page", NEWS_PAGES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_news_pages_are_public_and_hold_back_held_comments(world, news_world, viewer, page):
    path = NEWS_PAGES[page].format(post=news_world["post"].pk, comment=news_world["comment"].pk)
    response = _client(world, viewer).get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Matrix News" in body
    if page == "news post":
        assert "Public news comment" in body
        assert ("Held news comment" in body) is (viewer == "wrangler")
    held = _client(world, viewer).get(f"/comments/{news_world['held'].pk}")
    assert held.status_code == (200 if viewer == "wrangler" else 404)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_news_admin_pages_are_the_admins_alone(world, news_world, viewer):
    for template in NEWS_ADMIN_PAGES:
        path = template.format(post=news_world["post"].pk)
        status = _client(world, viewer).get(path).status_code
        assert status == (200 if viewer == "admin" else 404), path


# -- The route inventory -----------------------------------------------------------------------
# Every named route of the site (the API and Django's admin apart, which have their tables
# above and their own), with who reaches it: "work" (follows the state of a work, series,
# tag, comment or bookmark, in the tables above and the other test_visibility_* files),
# "public", "login" (any logged-in account), "owner" (the account named in the address alone),
# "creator" (a work's creators), "wrangler", "moderator", "admin", "operator" (by address),
# "collection" (a collection's owners and moderators, and the unrevealed, anonymous and pending
# states of its works: tests/test_collections_visibility.py and tests/test_collections.py). A
# new route is refused by test_every_route_is_in_the_inventory until it is listed here and
# checked.
PUBLIC = "public"
ROUTE_INVENTORY: dict[str, str] = {
    **dict.fromkeys(
        [
            "home",
            "set_language",
            "health",  # counts and delays only (tests/test_health.py)
            "signup",
            "login",
            "login_two_factor",
            "logout",
            "token_dispenser",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "search:works",
            "search:bookmarks",
            "search:people",
            "search:media",
            "search:medium_fandoms",
            "search:fandoms",
            "search:tags",
            "works:index",
            "works:reading_settings",
            "works:skins",
            "feedback:comments_script",
            "feedback:kudos_script",
            "feedback:comment_challenge",
            "downloads:opds",
            "downloads:opds_new",
            "downloads:opds_fandoms",
            "downloads:opds_series_index",
            "downloads:opds_search",
            "downloads:opds_opensearch",
            "feedback:bookmarks",
            "feedback:kudos",
            "moderation:report_new",
            "tags:search",
            "tags:autocomplete",
            "signups:signup_invited",
            "signups:confirm",
            "signups:invite_requests",
            "signups:invite_request_status",
            "signups:terms",
            "signups:content_policy",
            "news:index",
            "news:post",
            "news:feed",
            "news:banner_dismiss",
            "imports:claim",
            "collections:index",
            "collections:show",
            "collections:works",
            "collections:bookmarks",
            "collections:feed",
            "collections:participants",
            "collections:user_collections",
            "downloads:opds_collection",
        ],
        PUBLIC,
    ),
    **dict.fromkeys(["collections:new"], "login"),
    **dict.fromkeys(["collections:work_collections"], "work"),
    **dict.fromkeys(["collections:user_items", "collections:user_item_action"], "owner"),
    **dict.fromkeys(["collections:edit", "collections:delete", "collections:items"], "collection"),
    # A collection's challenge (tests/test_challenges_visibility.py, tests/test_challenges.py):
    # its settings and matching are its moderators' (the settings readable by all once set up),
    # sign-ups and assignments each participant's own, a prompt meme's prompts everyone's.
    **dict.fromkeys(["challenges:challenge", "challenges:matching"], "collection"),
    **dict.fromkeys(["challenges:signups", "challenges:assignments"], "login"),
    **dict.fromkeys(["challenges:prompts", "challenges:prompt"], PUBLIC),
    **dict.fromkeys(
        [
            "works:work",
            "works:navigate",
            "works:chapter",
            "works:chapter_redirect",
            "works:series",
            "works:user_series",
            "works:pseud_series",
            "works:skin",
            "people:user",
            "people:works",
            "people:pseuds",
            "people:pseud",
            "people:pseud_works",
            "tags:feed",
            "tags:feed_by_name",
            "tags:works",
            "tags:show",
            "feedback:work_comments",
            "feedback:comment",
            "feedback:comment_reply",
            "feedback:work_kudos",
            "feedback:hit_count",
            "feedback:bookmark",
            "feedback:work_bookmarks",
            "feedback:bookmark_new",
            "feedback:series_bookmarks",
            "feedback:series_bookmark_new",
            "feedback:user_bookmarks",
            "feedback:pseud_bookmarks",
            "feedback:tag_bookmarks",
            "feedback:user_feed",
            "feedback:mark_for_later",
            "feedback:mark_as_read",
            "feedback:reading_position",
            "downloads:download",
            "downloads:series_download",
            "downloads:opds_tag",
            "downloads:opds_series",
            "downloads:opds_user",
            "imports:legacy_story",
            "imports:legacy_user",
            "imports:legacy_browse",
            "imports:legacy_series",
        ],
        "work",
    ),
    **dict.fromkeys(
        [
            "password_change",
            "password_change_done",
            "my_drafts",
            "works:new",
            "works:autosave",
            "works:autosave_discard",
            "works:skin_new",
            "works:skin_edit",
            "works:skin_delete",
            "works:related_answer",
            "works:related_remove",
            "feedback:comment_edit",
            "feedback:comment_delete",
            "feedback:bookmark_edit",
            "feedback:bookmark_delete",
            "imports:new",
            "signups:accept_terms",
            "signups:resend_confirmation",
        ],
        "login",
    ),
    **dict.fromkeys(
        [
            "works:user_skins",
            "works:user_orphan",
            "works:pseud_orphan",
            "works:related_works",
            "signups:user_invitations",
            "people:drafts",
            "people:pseud_new",
            "people:pseud_edit",
            "people:preferences",
            "people:api_tokens",
            "people:api_token_revoke",
            "people:two_factor",
            "people:sessions",
            "people:session_end",
            "people:sessions_end_others",
            "people:blocked_users",
            "people:confirm_block",
            "people:confirm_unblock",
            "people:unblock",
            "people:muted_users",
            "people:confirm_mute",
            "people:confirm_unmute",
            "people:unmute",
            "feedback:readings",
            "feedback:readings_clear",
            "feedback:reading_delete",
            "feedback:stats",
            "feedback:inbox",
            "feedback:subscriptions",
            "feedback:subscription_delete",
            "feedback:creatorships",
            "feedback:creatorship_answer",
            "feedback:gifts",
            "feedback:gift_refuse",
            "feedback:delete_account",
            "downloads:export",
            "downloads:export_download",
        ],
        "owner",
    ),
    **dict.fromkeys(
        [
            "works:preview",
            "works:edit",
            "works:post",
            "works:leave",
            "works:delete",
            "works:orphan",
            "works:chapter_new",
            "works:chapters_manage",
            "works:chapter_edit",
            "works:chapter_delete",
            "works:series_edit",
            "works:series_delete",
            "feedback:unreviewed_comments",
            "feedback:held_comments",
            "feedback:comment_approve",
            "feedback:comment_spam",
            "feedback:comment_freeze",
            "feedback:comment_unfreeze",
            "imports:accept",
            "imports:dismiss",
        ],
        "creator",
    ),
    **dict.fromkeys(["tags:unwrangled", "tags:edit"], "wrangler"),
    # Prometheus's scrape: the addresses LIFESTREAM_METRICS_ALLOW names (tests/test_health.py).
    "metrics": "operator",
    **dict.fromkeys(
        [
            "feedback:archive_held_comments",
            "moderation:reports",
            "moderation:report",
            "moderation:desk",
            "moderation:log",
            "moderation:find_user",
            "moderation:user",
            "moderation:work",
            "moderation:comment_delete",
            "moderation:bookmark_delete",
        ],
        "moderator",
    ),
    **dict.fromkeys(
        [
            "moderation:roles",
            "signups:admin_settings",
            "signups:admin_invitations",
            "signups:admin_approvals",
            "news:new",
            "news:edit",
            "news:delete",
            "news:banner",
        ],
        "admin",
    ),
}


def _named_routes() -> set[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or namespace
                if space != "admin" and not str(pattern.pattern).startswith("api/"):
                    walk(pattern.url_patterns, space)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_route_is_in_the_inventory():
    routes = _named_routes()
    assert sorted(routes - ROUTE_INVENTORY.keys()) == [], "routes missing from the inventory"
    assert sorted(ROUTE_INVENTORY.keys() - routes) == [], "inventory names no route"


# The sign-up routes, each with an address to ask and who reaches it. A wrong token is the
# same refusal for everyone; a signed-in account is sent home from the sign-up form.
SIGNUP_ROUTES = {
    "signups:invite_requests": "/invite_requests",
    "signups:invite_request_status": "/invite_requests/status",
    "signups:terms": "/tos",
    "signups:content_policy": "/content",
    "signups:accept_terms": "/tos/accept",
    "signups:user_invitations": f"/users/{CREATOR_LOGIN}/invitations",
    "signups:admin_settings": "/admin/settings",
    "signups:admin_invitations": "/admin/invitations",
    "signups:admin_approvals": "/admin/approvals",
    "signups:signup_invited": "/signup/no-such-token",
    "signups:confirm": "/users/confirm/no-such-token",
    "signups:resend_confirmation": "/users/confirmation",
}
# What a GET answers when the route is open to the viewer, where that is not a page.
OPEN_ANSWERS = {
    "signups:signup_invited": {"guest": 403, "*": 302},  # the used-or-unknown invitation
    "signups:confirm": {"*": 400},  # the unknown confirmation link
    "signups:resend_confirmation": {"*": 405},  # a button, posted
}


@pytest.mark.parametrize("route", SIGNUP_ROUTES)
@pytest.mark.parametrize("viewer", VIEWERS)
def test_signup_routes(world, viewer, route):
    kind = ROUTE_INVENTORY[route]
    response = _client(world, viewer).get(SIGNUP_ROUTES[route])
    reaches = {
        PUBLIC: True,
        "login": viewer != "guest",
        "owner": viewer == "creator",
        "admin": viewer == "admin",
    }[kind]
    if reaches:
        answers = OPEN_ANSWERS.get(route, {})
        assert response.status_code == answers.get(viewer, answers.get("*", 200))
    elif viewer == "guest" and kind in {"login", "owner"}:
        assert response.status_code == 302
        assert response["Location"].startswith("/users/login?next=")
    else:
        # Nothing tells another account that the page exists.
        assert response.status_code == 404
